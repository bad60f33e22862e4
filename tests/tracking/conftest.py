"""A tracker for the Rotherham example's chosen programme, and helpers that write actuals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pytest

from shareplan.results import Results, read_results
from shareplan.tracking.baseline import approved_cases, boundaries, start_tracker
from shareplan.tracking.inputs import project_inputs
from shareplan.tracking.model import Actual, Category, Tracker
from shareplan.tracking.paths import paths_of
from shareplan.tracking.periods import Frequency, Period

DECISION = dt.date(2010, 12, 15)


@pytest.fixture(scope="session")
def rotherham_typed(rotherham_outputs: Path) -> Results:
    return read_results(rotherham_outputs / "results.json")


@pytest.fixture(scope="session")
def tracker(rotherham_typed: Results) -> Tracker:
    chosen = rotherham_typed.chosen
    assert chosen is not None
    found = approved_cases(rotherham_typed, chosen.selected_ids, "results.json")
    return start_tracker(found, DECISION, Frequency.QUARTERLY, created=dt.date(2010, 12, 16))


def elapsed(tracker: Tracker, as_at: dt.date) -> list[Period]:
    return [p for p in tracker.settings.periods() if p.end <= as_at]


def rows(
    entries: Iterable[tuple[str, str, str, float | None, dt.date | None]],
    loaded: dt.date,
    start: int = 1,
    batch: int = 1,
) -> tuple[Actual, ...]:
    return tuple(
        Actual(
            entry=start + i,
            batch=batch,
            loaded=loaded,
            source="test.csv",
            source_row=None,
            project=p,
            period=k,
            category=c,
            amount=a,
            date=d,
        )
        for i, (p, k, c, a, d) in enumerate(entries)
    )


def plan_actuals(tracker: Tracker, as_at: dt.date) -> tuple[Actual, ...]:
    """Actuals equal to the plan (the P50 path) in every elapsed period, milestones on their P50
    dates once passed."""
    labels = {p.label for p in elapsed(tracker, as_at)}
    money = [
        (x.project, x.period, x.category.value, x.planned, None)
        for x in tracker.plan
        if x.period in labels and x.category is not Category.FTE_RELEASED
    ]
    periods = elapsed(tracker, as_at)
    marks = []
    for m in tracker.milestones:
        if m.p50 <= as_at:
            period = next(p for p in periods if p.start <= m.p50 <= p.end)
            marks.append((m.project, period.label, m.milestone.value, None, m.p50))
    return rows(money + marks, as_at)


def true_actuals(
    tracker: Tracker, code: str, as_at: dt.date, share: float, delay: float
) -> tuple[Actual, ...]:
    """Actuals of project ``code`` as the business case's model gives them with a known saving
    share and delay (and the central cost), every elapsed period."""
    inputs = project_inputs(tracker, [code])
    truth = inputs.central.replace(share=np.array([share]), delay_months=np.array([delay]))
    paths = paths_of(truth, inputs.fte, boundaries(tracker.settings.periods()))
    entries = []
    for k, period in enumerate(elapsed(tracker, as_at)):
        for category in (Category.CASHABLE_SAVING, Category.TRADING_INCOME, Category.ONE_OFF_COST):
            line = getattr(paths, category.value)[0]
            entries.append((code, period.label, category.value, float(line[k + 1] - line[k]), None))
    return rows(entries, as_at)
