"""Where each project stands at a date: actuals against the plan's band, months late, and a red,
amber or green status by a rule held in the evidence base (``tracking.rag.*``).

Pure: a :class:`~shareplan.tracking.model.Tracker` and a date in, :class:`ProjectStatus` out.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from shareplan.errors import InputError, Problem
from shareplan.evidence import EvidenceBase
from shareplan.report import formatting as fmt
from shareplan.tracking.model import (
    MILESTONE_WORDS,
    Actual,
    Category,
    Milestone,
    MilestoneKind,
    PlanLine,
    Tracker,
)
from shareplan.tracking.periods import Period, months_between


class Rag(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"

    @property
    def rank(self) -> int:
        return ("green", "amber", "red").index(self.value)


@dataclass(frozen=True, slots=True)
class Rule:
    """The RAG rule: percentiles of the plan's band (0.1, 0.5 or 0.9) and a tolerance."""

    red_savings_below: float
    amber_savings_below: float
    tolerance: float
    amber_milestone_after: float
    red_milestone_after: float
    amber_cost_above: float

    @classmethod
    def from_evidence(cls, evidence: EvidenceBase, on: dt.date) -> Rule:
        names = cls.__dataclass_fields__
        return cls(**{n: float(evidence.value(f"tracking.rag.{n}", on)) for n in names})


@dataclass(frozen=True, slots=True)
class Band:
    """A cumulative figure: the actual beside the plan's business case, P10, P50 and P90."""

    actual: float
    business_case: float
    p10: float
    p50: float
    p90: float

    def at(self, percentile: float) -> float:
        levels = {0.1: self.p10, 0.5: self.p50, 0.9: self.p90}
        if round(percentile, 6) not in levels:
            raise InputError(
                [
                    Problem(
                        f"the RAG rule names the percentile {percentile}; the "
                        "tracker holds the plan's P10, P50 and P90 only",
                        sheet="evidence",
                        column="tracking.rag",
                        allowed="0.1, 0.5 or 0.9",
                    )
                ]
            )
        return levels[round(percentile, 6)]

    @property
    def variance(self) -> float:
        """Actual less the plan's P50 (positive: ahead of plan, for savings)."""
        return self.actual - self.p50


@dataclass(frozen=True, slots=True)
class MilestoneStatus:
    kind: MilestoneKind
    plan: Milestone
    actual: dt.date | None
    as_at: dt.date
    months_late: float  # against the plan's P50 date; for a milestone not reached, to the date

    @property
    def checked(self) -> dt.date:
        """The date the rule compares with the plan: when it was reached, else the status date."""
        return self.actual or self.as_at


@dataclass(frozen=True, slots=True)
class ProjectStatus:
    code: str
    title: str
    reported_to: Period | None
    periods_unreported: int
    savings: Band  # cashable savings and trading income, cumulative
    costs: Band  # one-off costs, cumulative
    non_cashable: Band
    fte_released: Band  # level
    milestones: tuple[MilestoneStatus, ...]
    rag: Rag
    reasons: tuple[str, ...]


def elapsed_periods(tracker: Tracker, as_at: dt.date) -> tuple[Period, ...]:
    return tuple(p for p in tracker.settings.periods() if p.end <= as_at)


def reported_periods(
    tracker: Tracker, code: str, as_at: dt.date, actuals: dict[tuple[str, str, str], Actual]
) -> tuple[Period, ...]:
    """The elapsed periods up to the last one with a money or staff figure for ``code``."""
    elapsed = elapsed_periods(tracker, as_at)
    money = {c.value for c in Category}
    with_figures = {p for (proj, p, cat) in actuals if proj == code and cat in money}
    last = max((i for i, p in enumerate(elapsed) if p.label in with_figures), default=-1)
    return elapsed[: last + 1]


def _band(
    tracker: Tracker,
    code: str,
    categories: Sequence[Category],
    upto: Sequence[Period],
    actuals: dict[tuple[str, str, str], Actual],
) -> Band:
    if not upto:
        return Band(0.0, 0.0, 0.0, 0.0, 0.0)
    last = upto[-1].label
    lines: list[PlanLine] = [
        line
        for line in tracker.plan
        if line.project == code and line.period == last and line.category in categories
    ]
    labels = {p.label for p in upto}
    level = categories == (Category.FTE_RELEASED,)
    if level:
        entry = actuals.get((code, last, Category.FTE_RELEASED.value))
        actual = float(entry.amount or 0.0) if entry else 0.0
    else:
        actual = sum(
            float(a.amount or 0.0)
            for (proj, period, cat), a in actuals.items()
            if proj == code and period in labels and cat in {c.value for c in categories}
        )
    return Band(
        actual=actual,
        business_case=sum(x.cumulative_business_case for x in lines),
        p10=sum(x.cumulative_p10 for x in lines),
        p50=sum(x.cumulative_p50 for x in lines),
        p90=sum(x.cumulative_p90 for x in lines),
    )


def reached_milestones(
    code: str, actuals: dict[tuple[str, str, str], Actual]
) -> dict[MilestoneKind, dt.date | None]:
    """The milestones ``code`` has reached: with the reported date, or ``None`` when only implied
    (a later milestone is reported, or savings are: savings mean the project has gone live)."""
    reached: dict[MilestoneKind, dt.date | None] = {}
    for (project, _, category), actual in actuals.items():
        if project == code and actual.date is not None and category in MILESTONE_WORDS:
            kind = MilestoneKind(category)
            previous = reached.get(kind)
            reached[kind] = max(actual.date, previous) if previous else actual.date
    saved = any(
        (a.amount or 0.0) > 0
        for (p, _, c), a in actuals.items()
        if p == code and c in (Category.CASHABLE_SAVING.value, Category.TRADING_INCOME.value)
    )
    order = list(MilestoneKind)
    latest = max((order.index(k) for k in reached), default=-1)
    if saved:
        latest = max(latest, order.index(MilestoneKind.GO_LIVE))
    for kind in order[: latest + 1]:
        reached.setdefault(kind, None)
    return reached


def _milestones(
    tracker: Tracker, code: str, as_at: dt.date, actuals: dict[tuple[str, str, str], Actual]
) -> tuple[MilestoneStatus, ...]:
    reached = reached_milestones(code, actuals)
    reports = any(day is not None for day in reached.values())
    out = []
    for plan in (m for m in tracker.milestones if m.project == code):
        if plan.milestone in reached and reached[plan.milestone] is None:
            continue  # reached, date not reported: nothing to judge
        if not reports:
            continue  # the project reports no milestones: its savings carry the status
        actual = reached.get(plan.milestone)
        late = _months(plan.p50, actual or as_at)
        if actual is None and as_at <= plan.p50:
            late = 0.0
        out.append(MilestoneStatus(plan.milestone, plan, actual, as_at, late))
    return tuple(out)


def _months(start: dt.date, end: dt.date) -> float:
    first = dt.date(start.year, start.month, 1)
    return months_between(first, end) - months_between(first, start)


def _percent_word(percentile: float) -> str:
    return f"P{round(percentile * 100)}"


def _rate(status: ProjectStatus, rule: Rule) -> tuple[Rag, tuple[str, ...]]:
    rag = Rag.GREEN
    reasons: list[str] = []

    def flag(level: Rag, reason: str) -> None:
        nonlocal rag
        rag = level if level.rank > rag.rank else rag
        reasons.append(reason)

    s = status.savings
    upto = status.reported_to.label if status.reported_to else ""
    red_at = s.at(rule.red_savings_below)
    amber_at = s.at(rule.amber_savings_below)
    if status.reported_to is not None and s.actual < red_at * (1 - rule.tolerance):
        flag(
            Rag.RED,
            f"savings to {upto} are {fmt.money(s.actual)}, below the plan's "
            f"{_percent_word(rule.red_savings_below)} of {fmt.money(red_at)}",
        )
    elif status.reported_to is not None and s.actual < amber_at * (1 - rule.tolerance):
        flag(
            Rag.AMBER,
            f"savings to {upto} are {fmt.money(s.actual)}, below the plan's "
            f"{_percent_word(rule.amber_savings_below)} of {fmt.money(amber_at)}",
        )
    if status.reported_to is not None and s.actual > s.p90 > 0:
        flag(
            Rag.GREEN,
            f"savings to {upto} are {fmt.money(s.actual)}, above the plan's high "
            f"estimate (P90) of {fmt.money(s.p90)}",
        )
    c = status.costs
    if c.actual > c.at(rule.amber_cost_above) * (1 + rule.tolerance) and c.actual > 0:
        flag(
            Rag.AMBER,
            f"one-off costs to {upto} are {fmt.money(c.actual)}, above the plan's "
            f"{_percent_word(rule.amber_cost_above)} of {fmt.money(c.at(rule.amber_cost_above))}",
        )
    for m in status.milestones:
        red_date, amber_date = (
            _date_at(m.plan, rule.red_milestone_after),
            _date_at(m.plan, rule.amber_milestone_after),
        )
        words = MILESTONE_WORDS[m.kind]
        check = m.checked
        reached = "was reached" if m.actual else "is not yet reached"
        if check > red_date:
            flag(
                Rag.RED,
                f"{words} {reached}, {fmt.months(m.months_late)} after the plan's "
                f"P50 date and later than its {_percent_word(rule.red_milestone_after)}",
            )
        elif check > amber_date:
            flag(
                Rag.AMBER,
                f"{words} {reached}, {fmt.months(m.months_late)} after the plan's "
                f"{_percent_word(rule.amber_milestone_after)} date",
            )
    if status.periods_unreported:
        flag(Rag.AMBER, f"no actuals for the last {status.periods_unreported} period(s)")
    return rag, tuple(reasons)


def _date_at(plan: Milestone, percentile: float) -> dt.date:
    levels = {0.1: plan.p10, 0.5: plan.p50, 0.9: plan.p90}
    return levels.get(round(percentile, 6), plan.p50)


def project_status(tracker: Tracker, code: str, as_at: dt.date, rule: Rule) -> ProjectStatus:
    # every figure loaded so far (the latest for each period): a quarter's extract is loaded
    # after the quarter ends, and the periods read are those ended by ``as_at``
    actuals = tracker.current_actuals()
    upto = reported_periods(tracker, code, as_at, actuals)
    elapsed = elapsed_periods(tracker, as_at)
    milestones = _milestones(tracker, code, as_at, actuals)
    status = ProjectStatus(
        code=code,
        title=tracker.project(code).title,
        reported_to=upto[-1] if upto else None,
        periods_unreported=len(elapsed) - len(upto)
        if any(a for (p, _, _), a in actuals.items() if p == code)
        else 0,
        savings=_band(
            tracker, code, (Category.CASHABLE_SAVING, Category.TRADING_INCOME), upto, actuals
        ),
        costs=_band(tracker, code, (Category.ONE_OFF_COST,), upto, actuals),
        non_cashable=_band(tracker, code, (Category.NON_CASHABLE_GAIN,), upto, actuals),
        fte_released=_band(tracker, code, (Category.FTE_RELEASED,), upto, actuals),
        milestones=milestones,
        rag=Rag.GREEN,
        reasons=(),
    )
    rag, reasons = _rate(status, rule)
    return dataclasses.replace(status, rag=rag, reasons=reasons)


def programme_status(tracker: Tracker, as_at: dt.date, rule: Rule) -> tuple[ProjectStatus, ...]:
    return tuple(project_status(tracker, p.code, as_at, rule) for p in tracker.projects)
