"""The two ways an appraisal job reaches a worker.

* :class:`ProcrastinateQueue` (PostgreSQL): the job goes into procrastinate's table in the same
  database; any number of ``shareplan worker`` processes on any machine take jobs from it.
* :class:`LocalQueue` (the embedded SQLite default): the web server owns one worker process and hands
  it the job directly; nothing else needs starting.

Both call :func:`shareplan.jobs.appraisal.execute_run`, so the job is the same code either way.
"""

from __future__ import annotations

import datetime as dt
import logging
import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Protocol

from shareplan.jobs import appraisal
from shareplan.store.database import Database

log = logging.getLogger(__name__)


class Queue(Protocol):
    name: str

    def enqueue(self, run_id: int) -> None: ...

    def state(self) -> str: ...

    def close(self) -> None: ...


def _run_in_child(url: str, schema: str | None, run_id: int) -> str:
    db = Database(url, schema=schema)
    try:
        return appraisal.execute_run(db, run_id)
    finally:
        db.dispose()


class LocalQueue:
    """One worker process beside the web server (spawned fresh, so it shares no state with it)."""

    name = "in-process worker (SQLite)"

    def __init__(self, db: Database) -> None:
        self.db = db
        self._pool: ProcessPoolExecutor | None = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=1, mp_context=multiprocessing.get_context("spawn")
            )
        return self._pool

    def enqueue(self, run_id: int) -> None:
        future = self._executor().submit(_run_in_child, self.db.url, self.db.schema, run_id)
        future.add_done_callback(lambda f: self._finished(f, run_id))

    def _finished(self, future: Future[str], run_id: int) -> None:
        error = future.exception()
        if error is None:
            return
        if isinstance(error, BrokenProcessPool):
            # the worker process ended (killed, out of memory): start a fresh one for the next job
            self._pool = None
            message = "the worker running this appraisal stopped before it finished"
        else:
            message = f"the appraisal stopped with an internal error ({type(error).__name__})"
        log.error("appraisal run %s failed: %s", run_id, error)
        appraisal._fail(self.db, run_id, message)

    def resume(self) -> None:
        """On start-up: runs left running by a server that stopped are failed (nothing else could
        have been working on them), and queued ones are handed to the worker."""
        appraisal.fail_stalled(self.db, older_than=dt.timedelta(0))
        for run_id in appraisal.queued(self.db):
            self.enqueue(run_id)

    def state(self) -> str:
        return "ok"

    def worker_pids(self) -> list[int]:
        pool = self._pool
        processes = getattr(pool, "_processes", None) or {}
        return list(processes)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None


class ProcrastinateQueue:
    """Jobs in procrastinate's tables on the same PostgreSQL database."""

    name = "procrastinate (PostgreSQL)"

    def __init__(self, db: Database) -> None:
        from shareplan.jobs import procrastinate_app

        self.db = db
        self.app = procrastinate_app.make_app(db)
        self.app.open()

    def enqueue(self, run_id: int) -> None:
        from shareplan.jobs.procrastinate_app import TASK

        self.app.configure_task(TASK).defer(run_id=run_id)

    def state(self) -> str:
        try:
            return "ok" if self.app.check_connection() else "schema missing"
        except Exception as exc:  # the health page reports it rather than failing
            return f"unreachable ({type(exc).__name__})"

    def close(self) -> None:
        self.app.close()


def queue_for(db: Database) -> LocalQueue | ProcrastinateQueue:
    return LocalQueue(db) if db.is_sqlite else ProcrastinateQueue(db)
