"""Benefits trackers in the store: made from a finished appraisal with the same use case as
``shareplan track start``, loaded with ledger extracts by the same checks as ``shareplan track
update`` (:mod:`shareplan.tracking.usecases`), and read back as the typed
:class:`~shareplan.tracking.model.Tracker` every tracking function takes. Nothing of the domain is
worked out here: this module only moves a tracker between its tables and its model.

Actual rows are only ever added (the ORM refuses to change or remove one), so the rows show what
was known when; each load is audited in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from shareplan.scenario.tables import RawTable
from shareplan.store.audit import Actor, record
from shareplan.store.models import AppraisalRun, TrackerActual, TrackerPlanLine, TrackerRecord
from shareplan.store.runs import results_of
from shareplan.tracking import usecases
from shareplan.tracking.baseline import DEFAULT_DRAWS
from shareplan.tracking.model import (
    Actual,
    Benefit,
    Milestone,
    ModelValue,
    PlanLine,
    Project,
    Settings,
    Tracker,
)
from shareplan.tracking.periods import Frequency

PLAN_COLUMNS = tuple(PlanLine.model_fields)
ACTUAL_COLUMNS = tuple(Actual.model_fields)


class ActualsAreAppendOnly(RuntimeError):
    """Raised when code tries to change or remove a loaded actual (a correction is a new row)."""


@event.listens_for(TrackerActual, "before_update")
def _refuse_update(*_: Any) -> None:
    raise ActualsAreAppendOnly("loaded actuals are never changed; load a correction")


@event.listens_for(TrackerActual, "before_delete")
def _refuse_delete(*_: Any) -> None:
    raise ActualsAreAppendOnly("loaded actuals are never removed; load a correction")


def run_label(run: AppraisalRun) -> str:
    """How a tracker names the appraisal it came from (in place of a results file's path)."""
    return f"appraisal {run.id} of {run.scenario.name!r}"


def start_tracker(
    session: Session,
    run: AppraisalRun,
    approved: Sequence[str],
    decision_date: dt.date,
    *,
    actor: Actor,
    frequency: Frequency = Frequency.QUARTERLY,
    name: str = "",
    draws: int = DEFAULT_DRAWS,
    created: dt.date | None = None,
) -> TrackerRecord:
    """The benefits register of ``approved`` (opportunity ids of the run's results) from
    Cabinet's decision, saved with an audit entry; :class:`InputError` as ``track start`` gives."""
    tracker = usecases.start_from(
        results_of(run),
        approved,
        decision_date,
        source=run_label(run),
        frequency=frequency,
        draws=draws,
        created=created,
    )
    authority_id = run.scenario.authority_id
    saved = TrackerRecord(
        authority_id=authority_id,
        run_id=run.id,
        name=name.strip() or f"Benefits of {run.scenario.name}",
        settings=tracker.settings.model_dump(mode="json"),
        projects=_dump(tracker.projects),
        model=_dump(tracker.model),
        benefits=_dump(tracker.benefits),
        milestones=_dump(tracker.milestones),
        created_by=actor.email,
    )
    saved.plan_lines = [TrackerPlanLine(**line.model_dump()) for line in tracker.plan]
    session.add(saved)
    session.flush()
    record(
        session,
        actor,
        "start",
        "tracker",
        saved.id,
        authority_id=authority_id,
        after={
            "name": saved.name,
            "appraisal": run.id,
            "approved": list(approved),
            "decision_date": decision_date.isoformat(),
            "frequency": frequency.value,
        },
        summary=f"started tracking {len(approved)} approved projects from appraisal {run.id}",
    )
    return saved


def _dump(items: Sequence[Any]) -> list[Any]:
    return [item.model_dump(mode="json") for item in items]


def tracker_of(saved: TrackerRecord, *, as_at_entry: int | None = None) -> Tracker:
    """The tracker as :mod:`shareplan.tracking` reads it; with ``as_at_entry``, only the actuals
    loaded up to that entry (what was known then)."""
    actuals = tuple(
        Actual(**{c: getattr(row, c) for c in ACTUAL_COLUMNS})
        for row in saved.actuals
        if as_at_entry is None or row.entry <= as_at_entry
    )
    return Tracker(
        settings=Settings.model_validate(saved.settings),
        projects=tuple(Project.model_validate(p) for p in saved.projects),
        model=tuple(ModelValue.model_validate(m) for m in saved.model),
        benefits=tuple(Benefit.model_validate(b) for b in saved.benefits),
        plan=tuple(
            PlanLine(**{c: getattr(line, c) for c in PLAN_COLUMNS}) for line in saved.plan_lines
        ),
        milestones=tuple(Milestone.model_validate(m) for m in saved.milestones),
        actuals=actuals,
    )


def load_ledger(
    session: Session,
    saved: TrackerRecord,
    table: RawTable,
    source: str,
    *,
    actor: Actor,
    loaded: dt.date | None = None,
) -> usecases.Update:
    """Load a ledger extract (read by :func:`shareplan.tracking.files.read_ledger`): every row as
    a new entry, or :class:`InputError` with every problem and nothing added."""
    # two officers loading at once would number their entries alike: on PostgreSQL the second
    # waits here for the first to commit (SQLite has one writer at a time anyway)
    session.refresh(saved, with_for_update=True)
    tracker = tracker_of(saved)
    added, done = usecases.new_actuals(tracker, table, source, loaded or dt.date.today())
    session.add_all(
        TrackerActual(tracker_id=saved.id, loaded_by=actor.email, **a.model_dump()) for a in added
    )
    session.flush()
    session.expire(saved, ["actuals"])
    record(
        session,
        actor,
        "load",
        "actuals",
        saved.id,
        authority_id=saved.authority_id,
        after={
            "tracker": saved.name,
            "file": source,
            "load": done.batch,
            "rows": done.added,
            "corrections": done.corrections,
        },
        summary=(
            f"loaded {done.added} ledger rows from {source} into {saved.name!r} "
            f"({done.corrections} corrections)"
        ),
    )
    return done


@dataclass(frozen=True, slots=True)
class Load:
    """One ledger extract as loaded: its number, file, day, who loaded it and what it held."""

    batch: int
    source: str
    loaded: dt.date
    loaded_at: dt.datetime
    loaded_by: str
    rows: int
    corrections: int


def loads(saved: TrackerRecord) -> list[Load]:
    """Every load, newest first, with how many of its rows corrected an earlier entry."""
    seen: set[tuple[str, str, str]] = set()
    found: dict[int, Load] = {}
    for row in saved.actuals:
        key = (row.project, row.period, row.category)
        fixed = key in seen
        seen.add(key)
        was = found.get(row.batch)
        found[row.batch] = Load(
            row.batch,
            row.source,
            row.loaded,
            row.loaded_at,
            row.loaded_by,
            (was.rows if was else 0) + 1,
            (was.corrections if was else 0) + fixed,
        )
    return sorted(found.values(), key=lambda x: -x.batch)


def trackers_of(session: Session, authority_ids: Sequence[int]) -> list[TrackerRecord]:
    query = (
        select(TrackerRecord)
        .where(TrackerRecord.authority_id.in_(authority_ids))
        .order_by(TrackerRecord.id)
    )
    return list(session.scalars(query))


def last_entry(session: Session, tracker_id: int) -> int:
    """The newest entry's number (0 before any load): a tracker's figures change only with it."""
    query = select(func.max(TrackerActual.entry)).where(TrackerActual.tracker_id == tracker_id)
    return int(session.scalar(query) or 0)
