"""The tracker's sheets and the ledger extract's columns, in the scenario's column language
(:class:`shareplan.scenario.schema.Column`), so that both are read and checked cell by cell by the
scenario's own parser and every problem names its file, sheet, row and column."""

from __future__ import annotations

from shareplan.scenario.schema import Column, Kind, Sheet
from shareplan.tracking.model import Category, MilestoneKind
from shareplan.tracking.periods import Frequency

CATEGORIES = tuple(c.value for c in Category)
MILESTONES = tuple(m.value for m in MilestoneKind)


def _money(name: str, meaning: str, required: bool = True) -> Column:
    return Column(name, Kind.NUMBER, meaning, required=required, unit="£")


def _id(name: str = "project", meaning: str = "The project's code") -> Column:
    return Column(name, Kind.ID, meaning, required=True)


SETTINGS = Sheet(
    "settings",
    "What the tracker was made from, and how its periods and forecast work",
    (Column("field", Kind.TEXT, "Setting", required=True), Column("value", Kind.TEXT, "Value")),
    key_value=True,
    fields=(
        Column("authority", Kind.TEXT, "The authority", required=True),
        Column(
            "results_source", Kind.TEXT, "The appraisal results the plan came from", required=True
        ),
        Column("decision_date", Kind.DATE, "The date Cabinet approved the projects", required=True),
        Column(
            "frequency",
            Kind.ENUM,
            "Reporting period",
            required=True,
            choices=tuple(f.value for f in Frequency),
        ),
        Column("financial_years", Kind.BOOL, "Periods of April-to-March years", required=True),
        Column(
            "first_year",
            Kind.INT,
            "Year 0 of the business cases",
            required=True,
            minimum=1900,
            maximum=2200,
        ),
        Column(
            "price_base_year",
            Kind.INT,
            "Price base year of every amount",
            required=True,
            minimum=1900,
            maximum=2200,
        ),
        Column("horizon_years", Kind.INT, "Years appraised", required=True, minimum=1, maximum=125),
        Column("seed", Kind.INT, "Monte Carlo seed", required=True, minimum=0),
        Column("draws", Kind.INT, "Monte Carlo draws", required=True, minimum=1, maximum=1_000_000),
        Column(
            "distribution",
            Kind.ENUM,
            "Monte Carlo distribution",
            required=True,
            choices=("triangular", "pert"),
        ),
        Column("created", Kind.DATE, "The day the tracker was made", required=True),
    ),
)

PROJECTS = Sheet(
    "projects",
    "The approved projects and their business cases' headline figures",
    (
        _id("code", "The project's code, as the ledger extract gives it"),
        Column("opportunity_id", Kind.TEXT, "The opportunity in the appraisal", required=True),
        Column("title", Kind.TEXT, "The project", required=True),
        Column("model", Kind.TEXT, "Delivery model", required=True),
        Column("fte", Kind.NUMBER, "Staff (FTE) in the services", required=True, minimum=0),
        _money("npv_central", "Net present value, business case (central)"),
        _money("npv_p10", "Net present value, Monte Carlo P10"),
        _money("npv_p50", "Net present value, Monte Carlo P50"),
        _money("npv_p90", "Net present value, Monte Carlo P90"),
        Column(
            "prob_payback", Kind.SHARE, "Chance of paying back within the horizon", required=True
        ),
    ),
)

MODEL = Sheet(
    "model",
    "The Monte Carlo inputs frozen at the decision (the forecast re-runs these draws)",
    (
        _id(),
        Column("key", Kind.TEXT, "Input", required=True),
        Column("value", Kind.NUMBER, "Value", required=True),
    ),
)

BENEFITS = Sheet(
    "benefits",
    "The benefits register: owner, measure, baseline, target and data source",
    (
        _id(),
        Column("category", Kind.ENUM, "Benefit or cost", required=True, choices=CATEGORIES),
        Column("owner", Kind.TEXT, "Benefit owner", required=True),
        Column("measure", Kind.TEXT, "How it is measured", required=True),
        Column("data_source", Kind.TEXT, "Where the figure comes from", required=True),
        Column("baseline", Kind.NUMBER, "Baseline (a year's cost, or staff)", required=True),
        Column("baseline_date", Kind.DATE, "Date of the baseline", required=True),
        Column("target", Kind.NUMBER, "Target at full run-rate (a year, or staff)", required=True),
        Column("target_date", Kind.DATE, "Date of the target", required=True),
    ),
)

PLAN = Sheet(
    "plan",
    "The plan by project, period and category, with the Monte Carlo band",
    (
        _id(),
        Column("period", Kind.TEXT, "Period", required=True),
        Column("category", Kind.ENUM, "Benefit or cost", required=True, choices=CATEGORIES),
        _money("planned", "The period's step of the P50 path"),
        _money("business_case", "The period's figure in the business case (central)"),
        _money("cumulative_business_case", "Business case to the period's end"),
        _money("cumulative_p10", "P10 to the period's end"),
        _money("cumulative_p50", "P50 to the period's end"),
        _money("cumulative_p90", "P90 to the period's end"),
    ),
)

MILESTONE_SHEET = Sheet(
    "milestones",
    "Milestones: the business case's date and the Monte Carlo band",
    (
        _id(),
        Column("milestone", Kind.ENUM, "Milestone", required=True, choices=MILESTONES),
        Column("planned", Kind.DATE, "Business case date", required=True),
        Column("p10", Kind.DATE, "P10 date", required=True),
        Column("p50", Kind.DATE, "P50 date", required=True),
        Column("p90", Kind.DATE, "P90 date", required=True),
    ),
)

ACTUALS = Sheet(
    "actuals",
    "Every loaded ledger row; a later entry for the same project, period and category corrects "
    "an earlier one, which stays here",
    (
        Column("entry", Kind.INT, "Entry number (order loaded)", required=True, minimum=1),
        Column("batch", Kind.INT, "Load number", required=True, minimum=1),
        Column("loaded", Kind.DATE, "Day loaded", required=True),
        Column("source", Kind.TEXT, "File loaded from", required=True),
        Column("source_row", Kind.INT, "Row in that file", minimum=1),
        _id(),
        Column("period", Kind.TEXT, "Period", required=True),
        Column(
            "category",
            Kind.ENUM,
            "Category or milestone",
            required=True,
            choices=CATEGORIES + MILESTONES,
        ),
        _money("amount", "Amount (money, or FTE)", required=False),
        Column("date", Kind.DATE, "Milestone date"),
        Column("note", Kind.TEXT, "Note"),
    ),
)

TRACKER_SHEETS = (SETTINGS, PROJECTS, MODEL, BENEFITS, PLAN, MILESTONE_SHEET, ACTUALS)

LEDGER = Sheet(
    "actuals",
    "A finance ledger extract: one row per project, period and category",
    (
        Column("project", Kind.TEXT, "The project's code", required=True),
        Column("period", Kind.TEXT, "Period, as the tracker names it", required=True),
        Column(
            "category",
            Kind.ENUM,
            "Category or milestone",
            required=True,
            choices=CATEGORIES + MILESTONES,
        ),
        Column("amount", Kind.NUMBER, "Amount: pounds, or FTE for posts released", unit="£"),
        Column("date", Kind.DATE, "Milestone date (milestones only)"),
        Column("note", Kind.TEXT, "Note"),
    ),
)
