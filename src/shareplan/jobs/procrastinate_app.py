"""procrastinate, the PostgreSQL task queue, wired to shareplan's store.

procrastinate keeps its jobs in tables of the same database (``shareplan db upgrade`` adds them), so a
team's deployment needs no broker beside PostgreSQL; workers on any machine take jobs with
``SELECT ... FOR UPDATE SKIP LOCKED`` and each job runs once.
"""

from __future__ import annotations

import procrastinate
from sqlalchemy.engine import make_url

from shareplan.jobs import appraisal
from shareplan.store.database import Database

TASK = "shareplan.appraise"
QUEUE = "appraisals"


def conninfo(db: Database) -> str:
    """The libpq connection string for the store's SQLAlchemy URL."""
    url = make_url(db.url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def make_app(db: Database) -> procrastinate.App:
    kwargs: dict[str, object] = {"conninfo": conninfo(db)}
    if db.schema:
        kwargs["kwargs"] = {"options": f"-csearch_path={db.schema}"}
    app = procrastinate.App(connector=procrastinate.PsycopgConnector(**kwargs))  # type: ignore[arg-type]

    @app.task(name=TASK, queue=QUEUE, pass_context=False)
    def appraise(run_id: int) -> str:
        return appraisal.execute_run(db, run_id)

    return app


def apply_schema(db: Database) -> bool:
    """Add procrastinate's tables if they are not there yet; True if they were added."""
    app = make_app(db)
    with app.open():
        if app.check_connection():
            return False
        app.schema_manager.apply_schema()
    return True


def run_worker(db: Database, *, concurrency: int = 1) -> None:
    """Take appraisal jobs until stopped (Ctrl-C or SIGTERM ends it after the current job)."""
    appraisal.fail_stalled(db)
    make_app(db).run_worker(queues=[QUEUE], concurrency=concurrency, install_signal_handlers=True)
