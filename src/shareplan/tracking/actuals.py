"""Loading a ledger extract into a tracker (pure: the rows come in, new :class:`Actual` rows or an
:class:`InputError` with every problem come out; nothing is half-loaded).

A row is refused when its project is unknown, its period is not one of the tracker's (or falls
before Cabinet's decision, or has not begun), the same project, period and category appears twice
in the file, or a figure sits in the wrong column (a money line's figure in ``date``, a
milestone's date in ``amount``). A row for a project, period and category already in the tracker
is a correction: it is added as a new entry, and the earlier one stays in the history.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from shareplan.errors import raise_if_any
from shareplan.scenario.tables import Collector, RawTable, parse_records
from shareplan.tracking.model import Actual, Tracker
from shareplan.tracking.periods import Period, periods
from shareplan.tracking.schema import LEDGER, MILESTONES

YEARS_BEFORE = 20  # how far back a period label is recognised (to say "before the decision")


def _known_periods(tracker: Tracker) -> tuple[dict[str, Period], dict[str, Period]]:
    """The tracker's periods, and the earlier ones (recognised only to give the right error)."""
    s = tracker.settings
    ours = {p.label: p for p in s.periods()}
    first = dt.date(s.decision_date.year - YEARS_BEFORE, 1, 1)
    earlier = {
        p.label: p
        for p in periods(first, s.month_zero, 12 * s.horizon_years, s.frequency, s.financial_years)
        if p.label not in ours
    }
    return ours, earlier


def _span(ours: dict[str, Period]) -> str:
    labels = list(ours)
    return f"a period label from {labels[0]} to {labels[-1]}" if labels else "none"


Found = list[tuple[str, str, str]]  # (message, column, what is allowed)


def _period_problems(
    tracker: Tracker,
    label: str,
    loaded: dt.date,
    known: tuple[dict[str, Period], dict[str, Period]],
) -> tuple[Period | None, Found]:
    ours, earlier = known
    period = ours.get(label)
    if period is None:
        if label in earlier:
            message = (
                f"the period {label} is before Cabinet's decision of "
                f"{tracker.settings.decision_date.isoformat()}"
            )
        else:
            message = f"{label!r} is not one of the tracker's periods"
        return None, [(message, "period", _span(ours))]
    if period.start > loaded:
        return period, [
            (
                f"the period {period.label} has not begun (loaded on {loaded})",
                "period",
                f"a period that began on or before {loaded}",
            )
        ]
    return period, []


def _column_problems(row: dict[str, Any]) -> Found:
    """A figure in the wrong column: milestones take a date, every other line an amount."""
    amount, day = row.get("amount"), row.get("date")
    if row["category"] in MILESTONES:
        if day is None:
            wrong = ", not a figure in 'amount'" if amount is not None else ""
            return [
                (
                    f"a milestone needs its date in the 'date' column{wrong}",
                    "amount" if amount is not None else "date",
                    "a date, YYYY-MM-DD, in 'date' and 'amount' left blank",
                )
            ]
        if amount is not None:
            return [("a milestone has a date, not an amount", "amount", "blank")]
        return []
    if amount is None:
        wrong = ", not a date in 'date'" if day is not None else ""
        return [
            (
                f"{row['category']} needs its figure in the 'amount' column{wrong}",
                "date" if day is not None else "amount",
                "a number in 'amount' and 'date' left blank",
            )
        ]
    if day is not None:
        return [(f"{row['category']} is an amount, so 'date' must be blank", "date", "blank")]
    return []


def _date_problems(tracker: Tracker, row: dict[str, Any], period: Period | None) -> Found:
    day = row.get("date")
    if row["category"] not in MILESTONES or day is None:
        return []
    decided = tracker.settings.decision_date
    if day < decided:
        return [
            (
                f"the milestone date {day} is before Cabinet's decision",
                "date",
                f"on or after {decided}",
            )
        ]
    if period is not None and day > period.end:
        return [
            (
                f"the milestone date {day} is after the end of {period.label}",
                "date",
                f"on or before {period.end}",
            )
        ]
    return []


def _check_row(
    tracker: Tracker,
    table: RawTable,
    number: int,
    row: dict[str, Any],
    loaded: dt.date,
    known: tuple[dict[str, Period], dict[str, Period]],
    out: Collector,
) -> bool:
    """Add every problem of one parsed row to ``out``; ``True`` when it has none."""
    codes = [p.code for p in tracker.projects]
    found: Found = []
    if row["project"] not in codes:
        found.append((f"unknown project {row['project']!r}", "project", ", ".join(codes)))
    period, about_period = _period_problems(tracker, row["period"], loaded, known)
    found += about_period + _column_problems(row) + _date_problems(tracker, row, period)
    for message, column, allowed in found:
        out.add(table, message, number, column, allowed)
    return not found


def load_actuals(
    tracker: Tracker, table: RawTable, source: str, loaded: dt.date
) -> tuple[Actual, ...]:
    """The new entries a ledger extract adds, or :class:`InputError` listing every problem."""
    out = Collector()
    records = parse_records(table, LEDGER, out)
    known = _known_periods(tracker)
    names = {c.name for c in LEDGER.columns}
    seen: dict[tuple[str, str, str], int] = {}
    good: list[tuple[int, dict[str, Any]]] = []
    for number, row in records:
        if set(row) - names:
            continue  # a bad cell, already reported
        key = (row["project"], row["period"], row["category"])
        if key in seen:
            out.add(
                table,
                f"{row['project']} {row['period']} {row['category']} is also on row "
                f"{seen[key]} (a correction goes in a later file)",
                number,
                "period",
                "one row per project, period and category",
            )
            continue
        seen[key] = number
        if _check_row(tracker, table, number, row, loaded, known, out):
            good.append((number, row))
    if not records and not out.problems:
        out.add(
            table, "the extract has no rows", None, None, "one row per project, period and category"
        )
    raise_if_any(out.problems)
    entry = max((a.entry for a in tracker.actuals), default=0)
    batch = max((a.batch for a in tracker.actuals), default=0) + 1
    return tuple(
        Actual(
            entry=entry + i,
            batch=batch,
            loaded=loaded,
            source=source,
            source_row=number,
            project=row["project"],
            period=row["period"],
            category=row["category"],
            amount=row.get("amount"),
            date=row.get("date"),
            note=row.get("note") or "",
        )
        for i, (number, row) in enumerate(good, start=1)
    )


def corrections(tracker: Tracker, added: tuple[Actual, ...]) -> int:
    """How many of ``added`` correct an entry already in the tracker."""
    before = {(a.project, a.period, a.category) for a in tracker.actuals}
    return sum((a.project, a.period, a.category) in before for a in added)
