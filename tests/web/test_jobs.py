"""Appraisals as background jobs: progress recorded stage by stage, results written with the
status that says they are there, and a worker killed half-way never leaving a run marked done."""

from __future__ import annotations

import datetime as dt
import os
import signal
import time

from sqlalchemy.orm import undefer

from shareplan.jobs.appraisal import STAGES, fail_stalled
from shareplan.jobs.queues import LocalQueue
from shareplan.store.audit import SYSTEM
from shareplan.store.database import Database
from shareplan.store.models import AppraisalRun, ScenarioRecord
from shareplan.store.runs import request_run, results_of
from tests.web.conftest import ROTHERHAM_RUN, ROTHERHAM_SCENARIO


def _run(db: Database, run_id: int) -> AppraisalRun:
    with db.session() as session:
        run = session.get(AppraisalRun, run_id, options=[undefer(AppraisalRun.results)])
        assert run is not None
        session.expunge(run)
        return run


def _wait(db: Database, run_id: int, ready, seconds: float = 180) -> AppraisalRun:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        run = _run(db, run_id)
        if ready(run):
            return run
        time.sleep(0.1)
    raise AssertionError(f"run {run_id} did not get there: {_run(db, run_id).stage}")


def test_a_finished_run_went_through_every_stage_and_holds_its_results(workspace: Database) -> None:
    run = _run(workspace, ROTHERHAM_RUN)
    assert run.status == "done" and run.step == run.steps == len(STAGES)
    results = results_of(run)
    assert results.scenario.authority == "Rotherham Metropolitan Borough Council"
    assert run.results_schema == results.schema_version
    assert results.chosen is not None and len(results.chosen.selected_ids) == 6


def test_a_worker_killed_half_way_leaves_the_run_failed_never_done(workspace: Database) -> None:
    queue = LocalQueue(workspace)
    try:
        with workspace.session() as session:
            scenario = session.get(ScenarioRecord, ROTHERHAM_SCENARIO)
            assert scenario is not None
            run_id = request_run(session, scenario, actor=SYSTEM).id
        queue.enqueue(run_id)
        half_way = STAGES.index("Building business cases") + 1
        running = _wait(workspace, run_id, lambda r: r.step >= half_way)
        assert running.status == "running" and running.results is None
        (pid,) = queue.worker_pids()
        os.kill(pid, signal.SIGKILL)
        failed = _wait(workspace, run_id, lambda r: r.status != "running", seconds=60)
        assert failed.status == "failed"
        assert failed.results is None
        assert "stopped before it finished" in (failed.error or "")
    finally:
        queue.close()


def test_a_run_left_running_by_a_stopped_worker_is_marked_failed(workspace: Database) -> None:
    with workspace.session() as session:
        scenario = session.get(ScenarioRecord, ROTHERHAM_SCENARIO)
        assert scenario is not None
        run = request_run(session, scenario, actor=SYSTEM)
        run.status = "running"
        run.heartbeat_at = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=30)
        session.flush()
        run_id = run.id
    assert fail_stalled(workspace, older_than=dt.timedelta(minutes=60)) == []
    assert fail_stalled(workspace) == [run_id]
    assert _run(workspace, run_id).status == "failed"
