"""The scenario: one authority's services, candidate partners and settings (pure, immutable).

A scenario is what an officer fills in. Readers (``csvio``, ``excel``) turn files into it and report
every problem with its place; this module only states what a valid scenario is.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from shareplan.evidence.base import Sector

INDICATOR_IDS: tuple[str, ...] = (
    "customer_service_scope",
    "standard_delivery",
    "same_stage_relationship",
    "accepts_slow_pace",
    "recruitment_difficulty",
    "needs_capital",
    "rapid_change",
    "contract_management",
    "skills_gap",
    "large_workforce",
    "professional_judgement",
    "failure_severity",
    "unclear_boundaries",
    "improvement_unclear",
    "political_resistance",
)
"""The fifteen indicators of the seed's suitability table, in its order (five per column)."""


ProgrammeObjective = Literal["npv", "value", "early_savings", "blend"]


_TITLES = (
    "metropolitan borough council",
    "royal borough council",
    "borough council",
    "district council",
    "county council",
    "city council",
    "metropolitan district council",
    "council",
    "corporation",
    "mbc",
    "dc",
    "bc",
    "cc",
)
_PREFIXES = ("london borough of ", "royal borough of ", "city of ", "county of ", "borough of ")


def place_of(name: str) -> str:
    """A council's place from its name: its title dropped, the rest as written.

    >>> place_of("Rotherham Metropolitan Borough Council")
    'Rotherham'
    >>> place_of("London Borough of Camden")
    'Camden'
    """
    text = " ".join(name.split())
    lower = text.lower()
    for prefix in _PREFIXES:
        if lower.startswith(prefix):
            text, lower = text[len(prefix) :], lower[len(prefix) :]
            break
    for title in _TITLES:
        if lower.endswith(" " + title):
            text = text[: -len(title) - 1]
            break
    return text.strip(" ,") or name.strip()


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ServiceKind(StrEnum):
    BACK_OFFICE = "back_office"
    FRONT_OFFICE = "front_office"
    FRONT_LINE = "front_line"


class ServiceGeography(StrEnum):
    """The natural footprint of a service."""

    BOROUGH = "borough"
    SUB_REGION = "sub_region"
    LEP_AREA = "lep_area"
    NATIONAL = "national"


class PartnerGeography(StrEnum):
    """Where a partner is, seen from the authority."""

    BOROUGH = "borough"
    SUB_REGION = "sub_region"
    LEP_AREA = "lep_area"
    ELSEWHERE = "elsewhere"


class Stage(StrEnum):
    """A partner's stage of development in shared services."""

    EARLY = "early"
    DEVELOPING = "developing"
    ESTABLISHED = "established"


class Authority(Frozen):
    """The authority and the settings of its appraisal."""

    name: str = Field(min_length=1)
    ons_code: str | None = None
    population: float | None = Field(
        default=None, ge=0, description="Residents of the area (scales buyers' trading volume)"
    )
    price_base_year: int = Field(ge=1990, le=2100, description="Prices are real, of this year")
    first_year: int = Field(
        ge=1990, le=2100, description="First year of the proposal (month 0 is its start)"
    )
    appraisal_date: dt.date = Field(description="Date on which dated evidence is looked up")
    horizon_years: int = Field(default=10, ge=1, le=60)
    discount_schedule: str = "standard"
    financial_years: bool = Field(default=True, description="Show years as 2011/12")
    implementation_budget: float = Field(ge=0, description="Pounds for one-off costs")
    priority_projects: int = Field(default=6, ge=1)
    priority_projects_min: int | None = Field(default=None, ge=1)
    max_partners: int = Field(default=3, ge=0, le=6)
    shortlist_per_service: int = Field(default=3, ge=1)
    officer_capacity_fte: float | None = Field(default=None, ge=0)
    max_projects_per_partner: int | None = Field(default=None, ge=1)
    min_quick_wins: int = Field(default=0, ge=0)
    programme_objective: ProgrammeObjective = Field(default="blend")
    value_weight: float = Field(default=0.5, ge=0, le=1)
    min_probability_positive_npv: float | None = Field(default=None, ge=0, le=1)
    count_ring_fenced_savings: bool = Field(
        default=False,
        description="Rank the programme on the whole NPV, ring-fenced grants' share included "
        "(no: on the general fund's share, the savings it can cash)",
    )
    random_seed: int = Field(default=20101201, ge=0)
    meeting: str = "Cabinet"
    meeting_date: dt.date | None = None
    report_title: str = "Shared Services: priority projects"
    directorate: str = ""
    contact: str = ""
    corporate_priorities: tuple[str, ...] = ()
    funding_source: str = ""
    forward_plan_reference: str = ""
    place: str = Field(default="", description="The place the criteria name; blank: from name")
    residents: str = Field(default="", description="The place's people as the criteria name them")

    @property
    def place_name(self) -> str:
        """The place the criteria's wording names: ``place``, or the name without the council's
        title ("Wendlebury District Council" -> "Wendlebury")."""
        return self.place.strip() or place_of(self.name)

    @property
    def residents_name(self) -> str:
        return self.residents.strip() or f"{self.place_name} residents"

    @model_validator(mode="after")
    def _project_range(self) -> Authority:
        if (
            self.priority_projects_min is not None
            and self.priority_projects_min > self.priority_projects
        ):
            raise ValueError(
                f"priority_projects_min ({self.priority_projects_min}) is above "
                f"priority_projects ({self.priority_projects})"
            )
        return self


class Service(Frozen):
    id: str
    name: str
    directorate: str
    kind: ServiceKind
    gross_cost: float = Field(ge=0, description="Annual gross cost, pounds")
    fte: float = Field(ge=0)
    staff_cost: float | None = Field(
        default=None, ge=0, description="Annual staff cost, pounds (blank: from the evidence)"
    )
    platforms: tuple[str, ...] = ()
    track_record: int = Field(ge=1, le=5)
    priorities: tuple[str, ...] = ()
    early_intervention: bool = False
    geography: ServiceGeography = ServiceGeography.BOROUGH
    light_touch: bool = Field(
        default=False,
        description="A Part B (to 2015) or light-touch (from 2015) service: social, health, "
        "education, cultural, sporting, legal and the other services the regulations list",
    )
    ring_fenced_share: float = Field(
        default=0.0,
        ge=0,
        le=1,
        description="Share of the cost paid from a ring-fenced grant: not general-fund cashable",
    )
    traits: dict[str, int] = Field(description="The 15 suitability indicators, each 0-5")
    illustrative: bool = False
    appraise: bool = Field(
        default=True,
        description="False for a row that groups several services under one heading (a "
        "catch-all line of the national return): its cost stays in the authority's picture, but "
        "it is not shared or bundled until officers split it into the services it covers",
    )
    notes: str = ""


class Partner(Frozen):
    id: str
    name: str
    sector: Sector
    geography: PartnerGeography
    affinity: int = Field(ge=1, le=5)
    affinity_judged: bool = Field(
        default=True,
        description="False when officers left affinity blank and the neutral default stands in",
    )
    ons_code: str = ""
    population: float | None = Field(
        default=None, ge=0, description="Residents the partner serves (scales what it would buy)"
    )
    platforms: tuple[str, ...] = ()
    objectives: tuple[str, ...] = ()
    wants_services: tuple[str, ...] = Field(
        default=(), description="Service ids the partner has said it wants to share; empty: any"
    )
    delivers: tuple[str, ...] = Field(
        default=(),
        description="Service ids of the scenario the partner also delivers itself; empty: not "
        "known (no restriction)",
    )
    stage: Stage = Stage.DEVELOPING
    illustrative: bool = False
    notes: str = ""


class Bundle(Frozen):
    """Services that would be shared together, appraised as one unit."""

    id: str
    name: str
    service_ids: tuple[str, ...] = Field(min_length=2)


class DeclaredOpportunity(Frozen):
    """An opportunity officers name themselves, with any estimates they already have."""

    id: str
    title: str = ""
    service_ids: tuple[str, ...] = Field(min_length=1)
    partner_ids: tuple[str, ...] = ()
    model: str
    saving_low: float | None = Field(default=None, ge=0, le=1)
    saving_central: float | None = Field(default=None, ge=0, le=1)
    saving_high: float | None = Field(default=None, ge=0, le=1)
    one_off_cost: float | None = Field(default=None, ge=0)
    lead_time_months: float | None = Field(default=None, ge=0)
    screen_override: str = Field(
        default="", description="Recorded justification to override the screen"
    )
    notes: str = ""


class Weight(Frozen):
    """One stakeholder's swing weight on a group or a criterion."""

    stakeholder: str
    target: str
    weight: float = Field(ge=0)


class ParameterOverride(Frozen):
    key: str
    value: float | str
    note: str = ""

    @field_validator("value")
    @classmethod
    def _one_zero(cls, value: float | str) -> float | str:
        """-0.0 is stored as 0.0: a workbook keeps no sign on zero, and the text form would
        otherwise write "-0.0" where the workbook gives back "0.0"."""
        if isinstance(value, float) and value == 0:
            return 0.0
        return value


class BackgroundPaper(Frozen):
    """A paper or decision the report's history and background papers cite."""

    date: dt.date | None = None
    title: str = Field(min_length=1)
    decision: str = ""


class Scenario(Frozen):
    authority: Authority
    services: tuple[Service, ...]
    partners: tuple[Partner, ...] = ()
    bundles: tuple[Bundle, ...] = ()
    opportunities: tuple[DeclaredOpportunity, ...] = ()
    weights: tuple[Weight, ...] = ()
    parameters: tuple[ParameterOverride, ...] = ()
    background: tuple[BackgroundPaper, ...] = ()

    def service(self, service_id: str) -> Service:
        for service in self.services:
            if service.id == service_id:
                return service
        raise KeyError(service_id)

    def partner(self, partner_id: str) -> Partner:
        for partner in self.partners:
            if partner.id == partner_id:
                return partner
        raise KeyError(partner_id)
