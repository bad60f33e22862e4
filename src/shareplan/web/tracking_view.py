"""What the tracking pages show, worked out by the tracking package's own functions: where the
programme stands at a date (:func:`shareplan.tracking.usecases.standing`), the chart of savings
against the plan's band as the benefits report draws it, and the report's files.

A tracker's figures change only when a ledger extract is loaded, so what is worked out is kept
per process under the tracker's id, its newest entry and the date asked for.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shareplan.report.model import SavingsBands, run_text
from shareplan.results import Results
from shareplan.tracking.model import Category, Tracker
from shareplan.tracking.publish import REPORT_STEM, draw_savings
from shareplan.tracking.record import build_record
from shareplan.tracking.report import report_of, savings_figure
from shareplan.tracking.report_context import Context
from shareplan.tracking.usecases import Standing, standing

KEEP = 16
_kept: OrderedDict[Hashable, Any] = OrderedDict()
_lock = threading.Lock()
_report_lock = threading.Lock()


def cached(key: Hashable, make: Any) -> Any:
    with _lock:
        if key in _kept:
            _kept.move_to_end(key)
            return _kept[key]
    made = make()
    with _lock:
        _kept[key] = made
        while len(_kept) > KEEP:
            _kept.popitem(last=False)
    return made


def default_as_at(tracker: Tracker) -> dt.date:
    """The end of the latest period with a figure loaded (the quarter the officer last
    reported), or Cabinet's decision date before any load."""
    reported = {a.period for a in tracker.actuals}
    ends = [p.end for p in tracker.settings.periods() if p.label in reported]
    return max(ends, default=tracker.settings.decision_date)


def standing_at(key: tuple[int, int], tracker: Tracker, as_at: dt.date) -> Standing:
    """Where ``tracker`` stands at ``as_at``; ``key`` is (tracker id, newest entry)."""
    found: Standing = cached(("standing", *key, as_at), lambda: standing(tracker, as_at))
    return found


@dataclass(frozen=True)
class SavingsChart:
    title: str
    alt: str
    svg: bytes
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def savings_chart(key: tuple[int, int], state: Standing) -> SavingsChart:
    """The programme's cumulative savings against the plan's band, drawn and described as the
    benefits report does (a text alternative and the table of its figures)."""

    def draw() -> SavingsChart:
        record = build_record(state, {})
        figure = savings_figure(Context(state, record))
        assert isinstance(figure.chart, SavingsBands) and figure.table is not None
        svg = draw_savings(figure.chart, record["programme"]["actual"])["svg"]
        rows = tuple(tuple(run_text(c) for c in row) for row in figure.table.rows)
        return SavingsChart(figure.title, figure.alt, svg, tuple(figure.table.header), rows)

    found: SavingsChart = cached(("chart", *key, state.as_at), draw)
    return found


@dataclass(frozen=True)
class ProgrammeLine:
    """The programme's row of the status table: the RAG counts and the sums that add up
    (cumulative figures and expected NPVs; percentiles do not add, so none is summed)."""

    counts: dict[str, int]
    savings_actual: float
    savings_p50: float
    costs_actual: float
    costs_p50: float
    npv_mean: float
    plan_npv_mean: float

    @property
    def savings_variance(self) -> float:
        return self.savings_actual - self.savings_p50


def programme_line(state: Standing) -> ProgrammeLine:
    counts = {rag: sum(s.rag.value == rag for s in state.statuses) for rag in ("red", "amber")}
    counts["green"] = len(state.statuses) - counts["red"] - counts["amber"]
    return ProgrammeLine(
        counts,
        sum(s.savings.actual for s in state.statuses),
        sum(s.savings.p50 for s in state.statuses),
        sum(s.costs.actual for s in state.statuses),
        sum(s.costs.p50 for s in state.statuses),
        sum(f.npv_mean for f in state.forecasts),
        sum(f.plan_npv_mean for f in state.forecasts),
    )


def register_rows(tracker: Tracker, code: str) -> list[dict[str, Any]]:
    """One project's plan by period beside what has been loaded: savings (cashable and trading
    income) and one-off costs in the period, and the plan's cumulative savings band."""
    current = tracker.current_actuals()
    groups = {
        Category.CASHABLE_SAVING: "savings",
        Category.TRADING_INCOME: "savings",
        Category.ONE_OFF_COST: "costs",
    }
    rows: dict[str, dict[str, Any]] = {}
    for line in tracker.plan:
        group = groups.get(line.category)
        if line.project != code or group is None:
            continue
        row = rows.setdefault(
            line.period,
            {
                "period": line.period,
                "savings": 0.0,
                "costs": 0.0,
                "p10": 0.0,
                "p50": 0.0,
                "p90": 0.0,
                "actual_savings": None,
                "actual_costs": None,
            },
        )
        row[group] += line.planned
        if group == "savings":
            row["p10"] += line.cumulative_p10
            row["p50"] += line.cumulative_p50
            row["p90"] += line.cumulative_p90
        found = current.get((code, line.period, line.category.value))
        if found is not None and found.amount is not None:
            row[f"actual_{group}"] = (row[f"actual_{group}"] or 0.0) + found.amount
    return list(rows.values())


REPORT_FILES = {
    "docx": (
        f"{REPORT_STEM}.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "html": (f"{REPORT_STEM}.html", "text/html; charset=utf-8"),
    "pdf": (f"{REPORT_STEM}.pdf", "application/pdf"),
}


def report_folder(
    reports: Path,
    key: tuple[int, int],
    tracker: Tracker,
    as_at: dt.date,
    results: Callable[[], Results | None],
) -> Path:
    """The benefits report at ``as_at`` written once into the reports folder and reused (a new
    load makes a new one); ``results`` gives the appraisal's results for the recovery options."""
    folder = reports / f"tracker-{key[0]}-entry-{key[1]}-{as_at.isoformat()}"
    with _report_lock:
        if not (folder / f"{REPORT_STEM}.pdf").exists():
            report_of(tracker, as_at, folder, results)
    return folder
