"""The benefits tracker as data: frozen pydantic models, one per sheet of the tracker workbook.

A tracker is made once, when Cabinet approves the projects (:mod:`baseline`), and from then on only
grows: actuals are appended, a correction is a new row, and the plan is never rewritten, so the
history shows what was known when. Money is in pounds at the business case's price base year.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from shareplan.tracking.periods import Frequency, Period, month_zero, periods


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Category(StrEnum):
    """A money or staff line of the register (``fte_released`` is a level, the rest are flows)."""

    ONE_OFF_COST = "one_off_cost"
    CASHABLE_SAVING = "cashable_saving"
    NON_CASHABLE_GAIN = "non_cashable_gain"
    TRADING_INCOME = "trading_income"
    FTE_RELEASED = "fte_released"


class MilestoneKind(StrEnum):
    PROCUREMENT_DONE = "procurement_done"
    GO_LIVE = "go_live"
    FULL_RUN_RATE = "full_run_rate"


CATEGORY_WORDS = {
    Category.ONE_OFF_COST: "one-off costs",
    Category.CASHABLE_SAVING: "cashable savings",
    Category.NON_CASHABLE_GAIN: "non-cashable gains",
    Category.TRADING_INCOME: "trading income",
    Category.FTE_RELEASED: "posts released (FTE)",
}
MILESTONE_WORDS = {
    MilestoneKind.PROCUREMENT_DONE: "procurement or agreement done",
    MilestoneKind.GO_LIVE: "go-live (savings begin)",
    MilestoneKind.FULL_RUN_RATE: "full run-rate",
}


class Settings(Frozen):
    """What the tracker was made from, and how its periods and forecast work."""

    authority: str
    results_source: str
    decision_date: dt.date
    frequency: Frequency
    financial_years: bool
    first_year: int
    price_base_year: int
    horizon_years: int
    seed: int
    draws: int
    distribution: str
    created: dt.date

    @property
    def month_zero(self) -> dt.date:
        return month_zero(self.first_year, self.financial_years)

    def periods(self) -> tuple[Period, ...]:
        return periods(
            self.decision_date,
            self.month_zero,
            12 * self.horizon_years,
            self.frequency,
            self.financial_years,
        )


class Project(Frozen):
    """An approved project and its business case's headline figures (for tracing and the report)."""

    code: str
    opportunity_id: str
    title: str
    model: str
    fte: float
    npv_central: float
    npv_p10: float
    npv_p50: float
    npv_p90: float
    prob_payback: float


class ModelValue(Frozen):
    """One frozen input of the project's Monte Carlo (``input.*``, ``range.*``, ``correlation``,
    ``discount_factor.<year>``), so the forecast re-runs the business case's own draws."""

    project: str
    key: str
    value: float


class Benefit(Frozen):
    """A register entry in the GovS 002 / IPA shape: owner, measure, baseline, target, source."""

    project: str
    category: Category
    owner: str
    measure: str
    data_source: str
    baseline: float
    baseline_date: dt.date
    target: float
    target_date: dt.date


class PlanLine(Frozen):
    """The plan for one project, period and category.

    ``planned`` is the period's step of the Monte Carlo's P50 path (what "on plan" means for the
    status and the forecast); ``business_case`` is the period's figure in the business case's
    central case, as the Cabinet report gave it. The cumulative columns are at the period's end;
    for FTE released every figure is the level at the period's end."""

    project: str
    period: str
    category: Category
    planned: float
    business_case: float
    cumulative_business_case: float
    cumulative_p10: float
    cumulative_p50: float
    cumulative_p90: float


class Milestone(Frozen):
    project: str
    milestone: MilestoneKind
    planned: dt.date
    p10: dt.date
    p50: dt.date
    p90: dt.date


class Actual(Frozen):
    """One loaded ledger row. ``category`` is a :class:`Category` (with ``amount``) or a
    :class:`MilestoneKind` (with ``date``). Later entries for the same project, period and
    category correct earlier ones; the earlier rows stay."""

    entry: int
    batch: int
    loaded: dt.date
    source: str
    source_row: int | None
    project: str
    period: str
    category: str
    amount: float | None
    date: dt.date | None
    note: str = ""


class Tracker(Frozen):
    settings: Settings
    projects: tuple[Project, ...]
    model: tuple[ModelValue, ...]
    benefits: tuple[Benefit, ...]
    plan: tuple[PlanLine, ...]
    milestones: tuple[Milestone, ...]
    actuals: tuple[Actual, ...] = ()

    def project(self, code: str) -> Project:
        for project in self.projects:
            if project.code == code:
                return project
        raise KeyError(code)

    def model_values(self, code: str) -> dict[str, float]:
        return {m.key: m.value for m in self.model if m.project == code}

    def with_actuals(self, added: Sequence[Actual]) -> Tracker:
        return self.model_copy(update={"actuals": (*self.actuals, *added)})

    def current_actuals(self, as_at_entry: int | None = None) -> dict[tuple[str, str, str], Actual]:
        """The latest entry for each (project, period, category), up to ``as_at_entry``."""
        latest: dict[tuple[str, str, str], Actual] = {}
        for actual in sorted(self.actuals, key=lambda a: a.entry):
            if as_at_entry is not None and actual.entry > as_at_entry:
                continue
            latest[(actual.project, actual.period, actual.category)] = actual
        return latest
