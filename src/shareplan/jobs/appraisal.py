"""The appraisal job: run every stage on a run's saved inputs, record the stage reached as it goes,
and write the results in the same transaction that marks the run done, so that a worker stopped
half-way can leave a run queued, running or failed, never done without its results."""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import select

from shareplan import pipeline
from shareplan.errors import InputError, ShareplanError
from shareplan.evidence import EvidenceBase, load_evidence
from shareplan.store.database import Database
from shareplan.store.models import AppraisalRun, utcnow
from shareplan.store.runs import inputs_of, save_results

log = logging.getLogger(__name__)

STAGES = (
    "Reading the scenario",
    "Resolving parameters",
    "Generating the long list",
    "Screening and shortlisting",
    "Building business cases",
    "Scoring against the criteria",
    "Choosing the programme",
    "Saving the results",
)
"""The stages a run goes through, in order (the pipeline names all but the first and last)."""

STALLED_AFTER = dt.timedelta(minutes=10)
"""A running run whose worker has said nothing for this long is taken to have stopped."""


def _progress(db: Database, run_id: int, stage: str) -> None:
    with db.session() as session:
        run = session.get(AppraisalRun, run_id)
        if run is None:
            return
        run.stage = stage
        if stage in STAGES:
            run.step = STAGES.index(stage) + 1
        run.heartbeat_at = utcnow()


def _fail(db: Database, run_id: int, message: str) -> None:
    with db.session() as session:
        run = session.get(AppraisalRun, run_id)
        if run is not None and run.status != "done":
            run.status = "failed"
            run.error = message
            run.finished_at = utcnow()


def execute_run(db: Database, run_id: int, *, evidence: EvidenceBase | None = None) -> str:
    """Appraise run ``run_id``; returns its final status. A mistake in the inputs fails the run
    with the problems listed; anything else fails it and is raised for the queue to record."""
    with db.session() as session:
        run = session.get(AppraisalRun, run_id)
        if run is None or run.status == "done":
            return "missing" if run is None else run.status
        run.status = "running"
        run.attempts += 1
        run.started_at = run.heartbeat_at = utcnow()
        run.steps = len(STAGES)
        run.step = 1
        run.stage = STAGES[0]
        run.error = None
        scenario = inputs_of(run)
        source = run.scenario.name
    try:
        appraisal = pipeline.appraise(
            scenario,
            source=source,
            evidence=evidence or load_evidence(),
            progress=lambda stage: _progress(db, run_id, stage),
        )
        _progress(db, run_id, STAGES[-1])
        results = pipeline.results_of(appraisal)
    except InputError as exc:
        _fail(db, run_id, "; ".join(str(p) for p in exc.problems))
        return "failed"
    except ShareplanError as exc:
        _fail(db, run_id, str(exc))
        return "failed"
    except Exception as exc:
        _fail(db, run_id, f"the appraisal stopped with an internal error ({type(exc).__name__})")
        raise
    with db.session() as session:
        run = session.get(AppraisalRun, run_id)
        if run is None:
            return "missing"
        save_results(run, results)
    return "done"


def fail_stalled(db: Database, *, older_than: dt.timedelta = STALLED_AFTER) -> list[int]:
    """Mark failed every running run whose worker has been silent for ``older_than`` (its process
    ended half-way); returns their ids. The officer can ask for the appraisal again."""
    cutoff = utcnow() - older_than
    failed: list[int] = []
    with db.session() as session:
        for run in session.scalars(select(AppraisalRun).where(AppraisalRun.status == "running")):
            beat = run.heartbeat_at or run.started_at or run.created_at
            if beat.tzinfo is None:  # SQLite keeps no time zone; the store writes UTC
                beat = beat.replace(tzinfo=dt.UTC)
            if beat <= cutoff:
                run.status = "failed"
                run.error = "the worker running this appraisal stopped before it finished"
                run.finished_at = utcnow()
                failed.append(run.id)
    if failed:
        log.warning("marked stalled appraisal runs failed: %s", failed)
    return failed


def queued(db: Database) -> list[int]:
    with db.session() as session:
        query = select(AppraisalRun.id).where(AppraisalRun.status == "queued")
        return list(session.scalars(query.order_by(AppraisalRun.id)))
