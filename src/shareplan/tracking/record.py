"""The status record: the tracker and everything worked out from it at one date, as one JSON
document (``benefits-status.json`` beside the report). Every money figure in the report is a
:class:`~shareplan.report.document.Money` whose source is a path in this document, and figures
that are sums name each term (the tracker's own actual and plan rows), so each traces back."""

from __future__ import annotations

import dataclasses
from typing import Any

from shareplan import __version__
from shareplan.tracking.model import Category, Tracker
from shareplan.tracking.recovery import Recovery
from shareplan.tracking.usecases import Standing

Path = tuple[str | int, ...]
Terms = tuple[tuple[float, Path], ...]

SAVING_LINES = (Category.CASHABLE_SAVING.value, Category.TRADING_INCOME.value)


def build_record(standing: Standing, recoveries: dict[str, Recovery]) -> dict[str, Any]:
    t = standing.tracker
    shown = chart_periods(standing)
    dumped = t.model_dump(mode="json")

    def total(terms: Terms) -> float:
        return sum(k * float(dumped["actuals"][path[2]]["amount"]) for k, path in terms)

    return {
        "generator": {"name": "shareplan", "version": __version__},
        "as_at": standing.as_at.isoformat(),
        "zero": 0.0,  # the source of a sum with no terms (nothing reported yet)
        "tracker": dumped,
        "status": [
            {
                "code": s.code,
                "rag": s.rag.value,
                "reasons": list(s.reasons),
                "reported_to": s.reported_to.label if s.reported_to else None,
                "savings": dataclasses.asdict(s.savings),
                "costs": dataclasses.asdict(s.costs),
                "months_late": max((m.months_late for m in s.milestones), default=0.0),
            }
            for s in standing.statuses
        ],
        "forecast": [dataclasses.asdict(f) for f in standing.forecasts],
        "programme": {
            "periods": [p.label for p in shown],
            "p10": list(standing.programme_band[0][: len(shown)]),
            "p50": list(standing.programme_band[1][: len(shown)]),
            "p90": list(standing.programme_band[2][: len(shown)]),
            "actual": [
                None if terms is None else total(terms)
                for terms in (programme_actual_terms(standing, i) for i in range(len(shown)))
            ],
        },
        "recovery": {
            code: {**dataclasses.asdict(r), "added_npv": r.added_npv}
            for code, r in recoveries.items()
        },
    }


def chart_periods(standing: Standing) -> list[Any]:
    """The periods the report shows: from the first to the end of the financial year after the
    status date (a year of the plan ahead)."""
    periods = standing.tracker.settings.periods()
    elapsed = [p for p in periods if p.end <= standing.as_at]
    ahead = 4 * 3 // standing.tracker.settings.frequency.months
    last = min(len(periods), len(elapsed) + ahead)
    return list(periods[:last])


def actual_terms(
    tracker: Tracker, code: str, categories: tuple[str, ...], labels: set[str]
) -> Terms:
    """The tracker's current actual rows for ``code`` in ``labels`` and ``categories``."""
    current = {id(a) for a in tracker.current_actuals().values()}
    return tuple(
        (1.0, ("tracker", "actuals", i, "amount"))
        for i, a in enumerate(tracker.actuals)
        if id(a) in current
        and a.project == code
        and a.period in labels
        and a.category in categories
        and a.amount is not None
    )


def plan_terms(
    tracker: Tracker, code: str, categories: tuple[str, ...], label: str, column: str
) -> Terms:
    return tuple(
        (1.0, ("tracker", "plan", i, column))
        for i, x in enumerate(tracker.plan)
        if x.project == code and x.period == label and x.category.value in categories
    )


def programme_actual_terms(standing: Standing, index: int) -> Terms | None:
    """Terms of the programme's cumulative actual savings to period ``index``, or ``None`` for a
    period not yet reported by any project."""
    t = standing.tracker
    periods = t.settings.periods()
    if periods[index].end > standing.as_at:
        return None
    labels = {p.label for p in periods[: index + 1]}
    return tuple(term for p in t.projects for term in actual_terms(t, p.code, SAVING_LINES, labels))
