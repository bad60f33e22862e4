"""The PostgreSQL job path: appraisals queued in procrastinate and run by ``shareplan worker``
processes; a worker killed half-way leaves the run failed (after the stalled-run check), never
done, and a new worker then finishes a fresh run. Runs only when SHAREPLAN_TEST_DATABASE_URL is set."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from shareplan.evidence import EvidenceBase
from shareplan.jobs.appraisal import STAGES, fail_stalled
from shareplan.jobs.procrastinate_app import apply_schema
from shareplan.jobs.queues import ProcrastinateQueue
from shareplan.scenario import load_scenario
from shareplan.store.audit import SYSTEM
from shareplan.store.database import Database
from shareplan.store.models import AppraisalRun
from shareplan.store.runs import request_run
from shareplan.store.scenarios import import_scenario
from tests.store.conftest import PG_URL, fresh_database

pytestmark = pytest.mark.skipif(not PG_URL, reason="SHAREPLAN_TEST_DATABASE_URL is not set")
ROOT = Path(__file__).resolve().parents[2]
WORKER = (
    "import sys; from shareplan.store.database import Database; "
    "from shareplan.jobs.procrastinate_app import run_worker; "
    "run_worker(Database(sys.argv[1], schema=sys.argv[2]))"
)


@pytest.fixture
def pg(tmp_path: Path) -> Iterator[Database]:
    from shareplan.store import migrate

    for db in fresh_database("postgresql", tmp_path):
        migrate.upgrade(db)
        apply_schema(db)
        yield db


def _worker(db: Database) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    return subprocess.Popen([sys.executable, "-c", WORKER, db.url, db.schema or ""], env=env)


def _status(db: Database, run_id: int) -> tuple[str, int, bool]:
    with db.session() as session:
        run = session.get(AppraisalRun, run_id)
        assert run is not None
        return run.status, run.step, run.results is not None


def _wait(db: Database, run_id: int, ready, seconds: float = 240) -> tuple[str, int, bool]:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        state = _status(db, run_id)
        if ready(state):
            return state
        time.sleep(0.1)
    raise AssertionError(f"run {run_id} stuck at {_status(db, run_id)}")


def test_a_killed_worker_leaves_the_run_failed_and_a_new_worker_finishes_the_next(
    pg: Database, evidence: EvidenceBase
) -> None:
    with pg.session() as session:
        scenario = import_scenario(
            session,
            load_scenario(ROOT / "examples" / "rotherham-2010", evidence),
            name="R",
            actor=SYSTEM,
        )
        first = request_run(session, scenario, actor=SYSTEM).id
    queue = ProcrastinateQueue(pg)
    try:
        assert queue.state() == "ok"
        queue.enqueue(first)
        worker = _worker(pg)
        half_way = STAGES.index("Building business cases") + 1
        status, _, has_results = _wait(pg, first, lambda s: s[1] >= half_way)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
        status, _, has_results = _status(pg, first)
        assert status == "running" and not has_results  # never done without its results
        import datetime as dt

        assert fail_stalled(pg, older_than=dt.timedelta(0)) == [first]
        assert _status(pg, first)[0] == "failed"

        with pg.session() as session:
            from shareplan.store.models import ScenarioRecord

            record = session.get(ScenarioRecord, scenario.id)
            assert record is not None
            second = request_run(session, record, actor=SYSTEM).id
        queue.enqueue(second)
        worker = _worker(pg)
        try:
            status, step, has_results = _wait(pg, second, lambda s: s[0] in ("done", "failed"))
        finally:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=60)
        assert status == "done" and has_results and step == len(STAGES)
        assert _status(pg, first)[0] == "failed"
    finally:
        queue.close()
