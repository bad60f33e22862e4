"""Running an appraisal as a background job and watching its progress."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from shareplan.errors import InputError
from shareplan.store.models import TrackerRecord
from shareplan.store.runs import request_run
from shareplan.web.deps import (
    CurrentUser,
    DbSession,
    RecordId,
    page,
    run_for,
    scenario_for,
    services,
)
from shareplan.web.forms import error_summary
from shareplan.web.security import check_csrf

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])


def start_run(
    request: Request, session: DbSession, scenario_id: RecordId, user: CurrentUser
) -> int:
    """Queue an appraisal of the scenario as it stands; the job starts once this is committed."""
    record = scenario_for(session, user, scenario_id, "editor")
    queue = services(request).queue
    if queue is None:
        raise HTTPException(503, detail="no job queue is running")
    run = request_run(session, record, actor=user.actor)
    session.commit()  # the worker must see the run before it is handed the job
    queue.enqueue(run.id)
    return run.id


@router.post("/scenarios/{scenario_id}/runs")
def run_appraisal(
    request: Request, scenario_id: RecordId, user: CurrentUser, session: DbSession
) -> Response:
    try:
        run_id = start_run(request, session, scenario_id, user)
    except InputError as exc:
        session.rollback()
        record = scenario_for(session, user, scenario_id, "editor")
        return page(
            request,
            "error.html",
            {
                "heading": f"{record.name} cannot be appraised",
                "lines": [str(p) for p in exc.problems],
                "errors": error_summary(exc.problems),
            },
            400,
        )
    return RedirectResponse(f"/runs/{run_id}", status_code=303)


@router.get("/runs/{run_id}")
def run_page(request: Request, run_id: RecordId, user: CurrentUser, session: DbSession) -> Response:
    run = run_for(session, user, run_id, "viewer")
    made = session.scalars(select(TrackerRecord).where(TrackerRecord.run_id == run.id)).all()
    return page(request, "run.html", {"run": run, "scenario": run.scenario, "trackers": made})


@router.get("/runs/{run_id}/progress")
def run_progress(
    request: Request, run_id: RecordId, user: CurrentUser, session: DbSession
) -> Response:
    """The progress panel alone, polled by htmx every second until the run ends."""
    run = run_for(session, user, run_id, "viewer")
    return page(request, "_progress.html", {"run": run})
