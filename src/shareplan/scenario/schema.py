"""The scenario's tables and columns: one definition drives the readers, the writers, the blank
template's notes sheet and data validation, and the documentation.

A sheet is either a *record* table (one row per service, partner, ...) or the ``authority``
sheet, which is a list of ``field, value`` pairs because settings read better down a page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from shareplan.evidence.base import Sector
from shareplan.scenario.model import (
    INDICATOR_IDS,
    PartnerGeography,
    ServiceGeography,
    ServiceKind,
    Stage,
)


class Kind(StrEnum):
    ID = "id"
    TEXT = "text"
    INT = "integer"
    NUMBER = "number"
    SHARE = "share"
    BOOL = "yes/no"
    ENUM = "choice"
    LIST = "list"
    ID_LIST = "id list"
    DATE = "date"


LIST_SEPARATOR = ";"


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    meaning: str
    required: bool = False
    unit: str = ""
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    default: str = ""

    def allowed(self) -> str:
        """What a person may type here, in words (for the notes sheet and error messages)."""
        if self.kind is Kind.ENUM:
            return ", ".join(self.choices)
        if self.kind is Kind.BOOL:
            return "yes or no"
        if self.kind is Kind.ID:
            return "letters, digits, '_' and '-' (no spaces), unique in the sheet"
        if self.kind in (Kind.LIST, Kind.ID_LIST):
            what = "ids" if self.kind is Kind.ID_LIST else "items"
            return f"{what} separated by '{LIST_SEPARATOR}'"
        if self.kind is Kind.DATE:
            return "a date, YYYY-MM-DD"
        if self.kind is Kind.SHARE:
            return "a share from 0 to 1 (0.15 means 15%)"
        if self.kind in (Kind.INT, Kind.NUMBER):
            word = "a whole number" if self.kind is Kind.INT else "a number"
            if self.minimum is not None and self.maximum is not None:
                return f"{word} from {_num(self.minimum)} to {_num(self.maximum)}"
            if self.minimum is not None:
                return f"{word}, at least {_num(self.minimum)}"
            return word
        return "text"


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


@dataclass(frozen=True)
class Sheet:
    name: str
    purpose: str
    columns: tuple[Column, ...]
    required: bool = True
    key_value: bool = False
    fields: tuple[Column, ...] = field(default=())

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)


def _enum(e: type[StrEnum]) -> tuple[str, ...]:
    return tuple(member.value for member in e)


_TRAIT_WORDING = {
    "customer_service_scope": "Scope to improve customer service through sharing (points to a public partner)",
    "standard_delivery": "Method of delivery fairly standard across authorities (public partner)",
    "same_stage_relationship": "Good working relationship with an authority at the same stage of development (public partner)",
    "accepts_slow_pace": "Happy to take a slow pace of change to keep partners on board (public partner)",
    "recruitment_difficulty": "Struggling to recruit and retain specialised staff (public partner)",
    "needs_capital": "Needs fast and flexible capital investment (private partner)",
    "rapid_change": "Wants dramatic change to delivery very quickly (private partner)",
    "contract_management": "Prepared to put a dedicated team in place to manage performance (private partner)",
    "skills_gap": "Clear need for skills or capacity the authority does not have (private partner)",
    "large_workforce": "Employs a relatively large number of officers (private partner)",
    "professional_judgement": "Requires a significant degree of professional judgement (probably not suitable)",
    "failure_severity": "Consequences of failure in a single case are severe (probably not suitable)",
    "unclear_boundaries": "Links or boundaries with other services and agencies unclear or unpredictable (probably not suitable)",
    "improvement_unclear": "Managers do not understand how the service could be improved (probably not suitable)",
    "political_resistance": "Very strong political resistance to sharing (probably not suitable)",
}

TRAIT_COLUMNS: tuple[Column, ...] = tuple(
    Column(
        trait,
        Kind.INT,
        f"{_TRAIT_WORDING[trait]}: how strongly this holds, 0 not at all to 5 very strongly",
        required=True,
        minimum=0,
        maximum=5,
    )
    for trait in INDICATOR_IDS
)

AUTHORITY_FIELDS: tuple[Column, ...] = (
    Column("name", Kind.TEXT, "Name of the authority", required=True),
    Column("ons_code", Kind.TEXT, "ONS code of the authority, if any (e.g. E08000018)"),
    Column(
        "price_base_year",
        Kind.INT,
        "All money is in real prices of this year",
        True,
        "year",
        minimum=1990,
        maximum=2100,
    ),
    Column(
        "first_year",
        Kind.INT,
        "The first year of the proposal: its cash flows and months start at the beginning of "
        "this year (1 April in financial years); year 0 of the discounting is the year of the "
        "appraisal date (default: the price base year)",
        unit="year",
        minimum=1990,
        maximum=2100,
    ),
    Column(
        "appraisal_date",
        Kind.DATE,
        "Date of the appraisal: discount rates and other dated evidence are read on it, and its "
        "year is year 0 of the discounting; procurement thresholds are read on the date the "
        "procurement starts (the start of first_year, or this date if later)",
        True,
    ),
    Column(
        "horizon_years",
        Kind.INT,
        "Appraisal period in years (Green Book working assumption: 10)",
        unit="years",
        minimum=1,
        maximum=60,
        default="10",
    ),
    Column(
        "discount_schedule",
        Kind.TEXT,
        "Discount rate schedule from the evidence base (standard, health, ...)",
        default="standard",
    ),
    Column(
        "financial_years", Kind.BOOL, "Show years as financial years such as 2011/12", default="yes"
    ),
    Column(
        "implementation_budget",
        Kind.NUMBER,
        "Money available for one-off implementation costs of the programme",
        True,
        "£",
        minimum=0,
    ),
    Column(
        "priority_projects",
        Kind.INT,
        "How many priority projects to pick (usually five or six)",
        unit="projects",
        minimum=1,
        maximum=100,
        default="6",
    ),
    Column(
        "priority_projects_min",
        Kind.INT,
        "Fewest priority projects acceptable (blank: same as priority_projects)",
        unit="projects",
        minimum=1,
        maximum=100,
    ),
    Column(
        "max_partners",
        Kind.INT,
        "Largest partner set to consider for one opportunity",
        unit="partners",
        minimum=0,
        maximum=6,
        default="3",
    ),
    Column(
        "shortlist_per_service",
        Kind.INT,
        "How many opportunities per service to keep on the short list",
        minimum=1,
        maximum=50,
        default="3",
    ),
    Column(
        "officer_capacity_fte",
        Kind.NUMBER,
        "Project-team officers available in any one year (blank: no limit)",
        unit="FTE",
        minimum=0,
    ),
    Column(
        "max_projects_per_partner",
        Kind.INT,
        "Most priority projects with any one partner (blank: no limit)",
        minimum=1,
        maximum=100,
    ),
    Column(
        "min_quick_wins",
        Kind.INT,
        "Fewest quick wins (savings within 12 months) the programme must contain",
        minimum=0,
        maximum=100,
        default="0",
    ),
    Column(
        "programme_objective",
        Kind.ENUM,
        "What the priority programme maximises: npv (total net present value), value (total "
        "weighted score against the criteria), early_savings (savings within 12 months), or blend "
        "(value and NPV together, see value_weight)",
        choices=("npv", "value", "early_savings", "blend"),
        default="blend",
    ),
    Column(
        "value_weight",
        Kind.SHARE,
        "In the blend objective, the weight on the criteria score; the rest goes on NPV",
        default="0.5",
    ),
    Column(
        "min_probability_positive_npv",
        Kind.SHARE,
        "Leave out projects whose Monte Carlo chance of a positive NPV is below this (blank: no limit)",
    ),
    Column(
        "count_ring_fenced_savings",
        Kind.BOOL,
        "Whether the programme counts savings that stay with ring-fenced grants (the public health "
        "grant, the dedicated schools grant) when it ranks on NPV: no ranks on the general fund's "
        "share of each NPV, the savings it can cash; yes on the whole NPV",
        default="no",
    ),
    Column(
        "random_seed",
        Kind.INT,
        "Starting point of the risk analysis's random draws (any whole number), so results repeat "
        "exactly",
        minimum=0,
        maximum=2**31 - 1,
        default="20101201",
    ),
    Column("meeting", Kind.TEXT, "Meeting the report goes to", default="Cabinet"),
    Column("meeting_date", Kind.DATE, "Date of that meeting"),
    Column(
        "report_title",
        Kind.TEXT,
        "Title of the report",
        default="Shared Services: priority projects",
    ),
    Column("directorate", Kind.TEXT, "Directorate presenting the report"),
    Column("contact", Kind.TEXT, "Contact names for the report, separated by ';'"),
    Column(
        "corporate_priorities",
        Kind.LIST,
        "The authority's corporate priorities (ids used in the services sheet)",
    ),
    Column(
        "funding_source",
        Kind.TEXT,
        "Where the one-off costs are to be funded from (a reserve, the capital programme)",
    ),
    Column(
        "forward_plan_reference",
        Kind.TEXT,
        "The decision's reference in the Forward Plan of key decisions (blank: not a key decision "
        "yet entered)",
    ),
    Column(
        "place",
        Kind.TEXT,
        "The place the criteria name, as in 'opportunities within <place>' (blank: the name "
        "without 'Council', 'Borough Council' and the like)",
    ),
    Column(
        "residents",
        Kind.TEXT,
        "The place's people as the criteria name them, e.g. '<place> Citizens' (blank: "
        "'<place> residents')",
    ),
    Column(
        "population",
        Kind.NUMBER,
        "Residents of the authority's area (scales a buyer's trading volume to its size; blank: "
        "buyers are taken as the authority's size)",
        unit="people",
        minimum=0,
    ),
)

SERVICE_COLUMNS: tuple[Column, ...] = (
    Column("id", Kind.ID, "Short unique id of the service", True),
    Column("name", Kind.TEXT, "Name of the service", True),
    Column("directorate", Kind.TEXT, "Directorate that runs it", True),
    Column(
        "kind",
        Kind.ENUM,
        "Back office, front office (customer contact) or front line",
        True,
        choices=_enum(ServiceKind),
    ),
    Column(
        "gross_cost",
        Kind.NUMBER,
        "Annual gross cost (a template from national data fills in the net current expenditure, "
        "which is lower: replace it where the gross cost is known)",
        True,
        "£ a year",
        minimum=0,
    ),
    Column("fte", Kind.NUMBER, "Staff, full-time equivalent", True, "FTE", minimum=0),
    Column("platforms", Kind.LIST, "Systems platforms the service runs on (e.g. SAP; Oracle)"),
    Column(
        "track_record",
        Kind.INT,
        "Track record of effective delivery, 1 weak to 5 strong",
        True,
        minimum=1,
        maximum=5,
    ),
    Column("priorities", Kind.LIST, "Corporate priorities the service supports"),
    Column(
        "early_intervention", Kind.BOOL, "Early intervention and prevention service", default="no"
    ),
    Column(
        "geography",
        Kind.ENUM,
        "Natural geography of the service",
        choices=_enum(ServiceGeography),
        default="borough",
    ),
    Column(
        "staff_cost",
        Kind.NUMBER,
        "Annual staff cost (pay and on-costs), if known; blank: the evidence's staff share of "
        "gross cost for the kind of service",
        unit="£ a year",
        minimum=0,
    ),
    Column(
        "light_touch",
        Kind.BOOL,
        "A Part B (to 2015) or light-touch (from 2015) service for procurement: social, health, "
        "education, cultural, sporting, legal and the other services the regulations list",
        default="no",
    ),
    Column(
        "ring_fenced_share",
        Kind.SHARE,
        "Share of the cost paid from a ring-fenced grant (schools' dedicated schools grant, the "
        "public health grant): savings there stay with the grant, not the general fund",
        default="0",
    ),
    *TRAIT_COLUMNS,
    Column(
        "illustrative",
        Kind.BOOL,
        "yes when the row's figures are illustrative, not the authority's own",
        default="no",
    ),
    Column(
        "appraise",
        Kind.BOOL,
        "Appraise this service? no for a row grouping several services under one heading (such "
        "as 'Other services'): its cost still counts, but it gets no opportunities and may be in "
        "no bundle or declared opportunity until split into its services, one row each",
        default="yes",
    ),
    Column("notes", Kind.TEXT, "Anything a reader should know, including sources"),
)

PARTNER_COLUMNS: tuple[Column, ...] = (
    Column("id", Kind.ID, "Short unique id of the partner", True),
    Column("name", Kind.TEXT, "Name of the partner organisation", True),
    Column("sector", Kind.ENUM, "Sector of the partner", True, choices=_enum(Sector)),
    Column(
        "geography",
        Kind.ENUM,
        "Where the partner is: in the borough, the sub-region, the LEP area or elsewhere",
        True,
        choices=_enum(PartnerGeography),
    ),
    Column(
        "affinity",
        Kind.INT,
        "Strength of the existing relationship, 1 weak to 5 strong, as officers judge it (blank: "
        "to judge; the appraisal uses a neutral default and says so)",
        minimum=1,
        maximum=5,
    ),
    Column("platforms", Kind.LIST, "Systems platforms the partner runs"),
    Column(
        "objectives",
        Kind.LIST,
        "The partner's objectives, in the same words as the corporate priorities",
    ),
    Column(
        "wants_services",
        Kind.ID_LIST,
        "Service ids the partner has said it wants to share (blank: open to any)",
    ),
    Column(
        "delivers",
        Kind.ID_LIST,
        "Service ids of this scenario the partner runs itself (blank: not known, no "
        "restriction); the delivery models that need a partner to run the service too offer "
        "only these with it",
    ),
    Column(
        "stage",
        Kind.ENUM,
        "The partner's stage of development in shared services",
        choices=_enum(Stage),
        default="developing",
    ),
    Column("illustrative", Kind.BOOL, "yes when the row is illustrative", default="no"),
    Column("ons_code", Kind.TEXT, "ONS code of a partner council, if any (e.g. E08000016)"),
    Column(
        "population",
        Kind.NUMBER,
        "Residents the partner serves (scales what it would buy when the council sells it a "
        "service; blank: the authority's own size)",
        unit="people",
        minimum=0,
    ),
    Column("notes", Kind.TEXT, "Anything a reader should know"),
)

BUNDLE_COLUMNS: tuple[Column, ...] = (
    Column("id", Kind.ID, "Short unique id of the bundle", True),
    Column("name", Kind.TEXT, "Name of the bundle", True),
    Column("service_ids", Kind.ID_LIST, "Two or more services appraised together", True),
)

OPPORTUNITY_COLUMNS: tuple[Column, ...] = (
    Column("id", Kind.ID, "Short unique id of the declared opportunity", True),
    Column("title", Kind.TEXT, "Title of the opportunity"),
    Column("service_ids", Kind.ID_LIST, "Services shared", True),
    Column("partner_ids", Kind.ID_LIST, "Partners (blank for corporate centralisation)"),
    Column(
        "model", Kind.ENUM, "Delivery model", True, choices=()
    ),  # choices come from the evidence base
    Column(
        "saving_low", Kind.SHARE, "Known low estimate of the saving, as a share of baseline cost"
    ),
    Column(
        "saving_central", Kind.SHARE, "Known central estimate of the saving, share of baseline cost"
    ),
    Column("saving_high", Kind.SHARE, "Known high estimate of the saving, share of baseline cost"),
    Column("one_off_cost", Kind.NUMBER, "Known one-off implementation cost", unit="£", minimum=0),
    Column(
        "lead_time_months",
        Kind.NUMBER,
        "Known months from approval to first saving",
        unit="months",
        minimum=0,
    ),
    Column(
        "screen_override",
        Kind.TEXT,
        "Justification for going ahead although the suitability screen advises against",
    ),
    Column("notes", Kind.TEXT, "Anything a reader should know"),
)

WEIGHT_COLUMNS: tuple[Column, ...] = (
    Column(
        "stakeholder",
        Kind.TEXT,
        "Who gives the weight (e.g. Cabinet, SLT); one set per stakeholder",
        True,
    ),
    Column("target", Kind.ENUM, "A criterion group or a criterion", True, choices=()),
    Column(
        "weight", Kind.NUMBER, "Swing weight: points, normalised within the group", True, minimum=0
    ),
)

PARAMETER_COLUMNS: tuple[Column, ...] = (
    Column(
        "key",
        Kind.TEXT,
        "Key of an evidence-base parameter (see `shareplan evidence`); for a parameter whose value "
        "is a table, the key followed by the path to one entry, e.g. "
        "savings.share.public_private.back_office.central",
        True,
    ),
    Column("value", Kind.TEXT, "The value this scenario uses instead", True),
    Column("note", Kind.TEXT, "Why (recorded with the results)"),
)

BACKGROUND_COLUMNS: tuple[Column, ...] = (
    Column("date", Kind.DATE, "Date of the paper or decision"),
    Column("title", Kind.TEXT, "Title of the paper, as the report lists it", True),
    Column(
        "decision",
        Kind.TEXT,
        "What was decided, if anything (the report's history cites it; blank: a paper only)",
    ),
)

SHEETS: tuple[Sheet, ...] = (
    Sheet(
        "authority",
        "The authority and the settings of the appraisal",
        (
            Column("field", Kind.TEXT, "Setting name", True),
            Column("value", Kind.TEXT, "Its value"),
        ),
        key_value=True,
        fields=AUTHORITY_FIELDS,
    ),
    Sheet("services", "One row per service the authority runs", SERVICE_COLUMNS),
    Sheet("partners", "One row per candidate partner", PARTNER_COLUMNS, required=False),
    Sheet("bundles", "Services that would be shared together", BUNDLE_COLUMNS, required=False),
    Sheet(
        "opportunities",
        "Opportunities officers name themselves",
        OPPORTUNITY_COLUMNS,
        required=False,
    ),
    Sheet(
        "weights",
        "Swing weights on criteria groups and criteria, per stakeholder",
        WEIGHT_COLUMNS,
        required=False,
    ),
    Sheet(
        "parameters",
        "Scenario overrides of evidence-base parameters",
        PARAMETER_COLUMNS,
        required=False,
    ),
    Sheet(
        "background",
        "Earlier reports and decisions the report cites as its history and background papers",
        BACKGROUND_COLUMNS,
        required=False,
    ),
)


def sheet(name: str) -> Sheet:
    for s in SHEETS:
        if s.name == name:
            return s
    raise KeyError(name)
