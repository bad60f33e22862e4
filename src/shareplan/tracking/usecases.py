"""The tracking use cases, as the CLI and the web workspace call them: start a tracker from
Cabinet's decision, load a ledger extract, and say where the programme stands."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from shareplan.errors import InputError, Problem, raise_if_any
from shareplan.evidence import load_evidence
from shareplan.results import Results, read_results
from shareplan.scenario.tables import RawTable
from shareplan.tracking.actuals import corrections, load_actuals
from shareplan.tracking.baseline import DEFAULT_DRAWS, approved_cases, plan_paths, start_tracker
from shareplan.tracking.files import load_tracker, read_ledger, write_tracker
from shareplan.tracking.forecast import Forecast, Noise, forecast
from shareplan.tracking.model import Actual, Tracker
from shareplan.tracking.periods import Frequency
from shareplan.tracking.status import ProjectStatus, Rule, programme_status


def start(
    results: Path,
    approved: Sequence[str],
    decision_date: dt.date,
    out: Path,
    *,
    frequency: Frequency = Frequency.QUARTERLY,
    draws: int = DEFAULT_DRAWS,
    created: dt.date | None = None,
) -> Tracker:
    """Make the tracker for the approved projects and write it to ``out`` (refusing to replace an
    existing tracker, whose history would be lost)."""
    if out.exists():
        raise InputError(
            [
                Problem(
                    "a tracker is already there; its history would be lost",
                    str(out),
                    allowed="a new path",
                )
            ]
        )
    tracker = start_from(
        read_results(results),
        approved,
        decision_date,
        source=str(results),
        frequency=frequency,
        draws=draws,
        created=created,
    )
    write_tracker(tracker, out)
    return tracker


def start_from(
    document: Results,
    approved: Sequence[str],
    decision_date: dt.date,
    *,
    source: str,
    frequency: Frequency = Frequency.QUARTERLY,
    draws: int = DEFAULT_DRAWS,
    created: dt.date | None = None,
) -> Tracker:
    """The tracker for the approved projects of an appraisal's results (``source`` names them:
    a results file, or a saved appraisal in the workspace)."""
    return start_tracker(
        approved_cases(document, approved, source),
        decision_date,
        frequency,
        draws=draws,
        created=created,
    )


@dataclass(frozen=True, slots=True)
class Update:
    added: int
    corrections: int
    batch: int


def update(tracker_path: Path, ledger: Path, loaded: dt.date | None = None) -> Update:
    """Load a ledger extract into the tracker: all its rows, or none (every problem listed)."""
    tracker = load_tracker(tracker_path)
    table, problems = read_ledger(ledger)
    raise_if_any(problems)
    assert table is not None
    added, done = new_actuals(tracker, table, ledger.name, loaded or dt.date.today())
    write_tracker(tracker.with_actuals(added), tracker_path)
    return done


def new_actuals(
    tracker: Tracker, table: RawTable, source: str, loaded: dt.date
) -> tuple[tuple[Actual, ...], Update]:
    """The entries a ledger extract adds to ``tracker`` and what they amount to, or
    :class:`InputError` with every problem (the caller keeps them: a file, or the store)."""
    added = load_actuals(tracker, table, source, loaded)
    fixed = corrections(tracker, added)
    return added, Update(len(added), fixed, added[0].batch if added else 0)


@dataclass(frozen=True, slots=True)
class Standing:
    """Where the programme stands at a date: each project's status and forecast, and the plan's
    band of the programme's cumulative savings and trading income at each period's end."""

    tracker: Tracker
    as_at: dt.date
    statuses: tuple[ProjectStatus, ...]
    forecasts: tuple[Forecast, ...]
    programme_band: tuple[tuple[float, ...], tuple[float, ...], tuple[float, ...]]
    rule: Rule


def standing(tracker: Tracker, as_at: dt.date) -> Standing:
    decided = tracker.settings.decision_date
    if as_at < decided:
        raise InputError(
            [
                Problem(
                    f"{as_at} is before Cabinet's decision of {decided}",
                    column="--as-at",
                    allowed=f"{decided} or later",
                )
            ]
        )
    evidence = load_evidence()
    rule = Rule.from_evidence(evidence, as_at)
    noise = Noise.from_evidence(evidence, as_at)
    _, drawn, _ = plan_paths(tracker)
    band = np.percentile(drawn.benefits.sum(axis=1)[:, 1:], (10, 50, 90), axis=0)
    return Standing(
        tracker,
        as_at,
        programme_status(tracker, as_at, rule),
        forecast(tracker, as_at, noise, drawn),
        (tuple(map(float, band[0])), tuple(map(float, band[1])), tuple(map(float, band[2]))),
        rule,
    )
