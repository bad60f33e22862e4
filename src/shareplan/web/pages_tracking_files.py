"""A tracker's files: loading a ledger extract (the same reader and checks as ``shareplan track
update``: all rows or none, every problem listed with its file, sheet, row and column) and
downloading the quarterly benefits report (the same writer as ``shareplan track report``) and the
tracker itself as the workbook the command line reads."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import replace as dc_replace
from pathlib import Path, PurePath

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from starlette.background import BackgroundTask
from starlette.datastructures import UploadFile

from shareplan.errors import InputError, Problem, raise_if_any
from shareplan.results import Results
from shareplan.store import trackers as store
from shareplan.store.models import TrackerRecord
from shareplan.store.runs import results_of
from shareplan.tracking.files import read_ledger, write_tracker
from shareplan.web import tracking_view as view
from shareplan.web.deps import CurrentUser, DbSession, RecordId, page, services, tracker_for
from shareplan.web.forms import error_summary
from shareplan.web.pages_tracking import as_at_asked, loaded
from shareplan.web.security import check_csrf

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])

LEDGER_SUFFIXES = (".xlsx", ".xlsm", ".csv")
SIMULTANEOUS = (
    "Another extract was loaded into this tracker at the same moment, so nothing of this file "
    "was loaded. Load it again"
)


def _actuals_page(
    request: Request,
    session: Session,
    saved: TrackerRecord,
    can_edit: bool,
    errors: dict[str, object] | None = None,
    status_code: int = 200,
) -> Response:
    return page(
        request,
        "tracker_actuals.html",
        {
            "tracker": saved,
            "here": "actuals",
            "loads": store.loads(saved),
            "can_edit": can_edit,
            "errors": errors,
            "codes": [f"{p['code']} ({p['title']})" for p in saved.projects],
        },
        status_code,
    )


@router.get("/trackers/{tracker_id}/actuals")
def actuals_page(
    request: Request, tracker_id: RecordId, user: CurrentUser, session: DbSession
) -> Response:
    saved = tracker_for(session, user, tracker_id, "viewer")
    return _actuals_page(request, session, saved, user.can(saved.authority_id, "editor"))


def _save_upload(upload: UploadFile | None, folder: Path, limit: int) -> Path:
    """The uploaded extract saved under its own name (which every problem names)."""
    name = PurePath(upload.filename or "").name if upload is not None else ""
    if upload is None or not name:
        raise InputError(
            [Problem("Select the ledger extract (.xlsx or .csv)", column="ledger-file")]
        )
    if not name.lower().endswith(LEDGER_SUFFIXES):
        raise InputError(
            [Problem("The ledger extract must be an .xlsx workbook or a .csv file", name)]
        )
    data = upload.file.read(limit + 1)
    if len(data) > limit:
        raise HTTPException(413)
    target = folder / name
    target.write_bytes(data)
    return target


@router.post("/trackers/{tracker_id}/actuals")
async def upload_actuals(
    request: Request, tracker_id: RecordId, user: CurrentUser, session: DbSession
) -> Response:
    saved = tracker_for(session, user, tracker_id, "editor")
    limit = services(request).settings.max_upload_bytes
    form = await request.form(max_part_size=limit)
    upload = form.get("ledger_file")
    try:
        with tempfile.TemporaryDirectory(prefix="shareplan-ledger-") as tmp:
            path = _save_upload(
                upload if isinstance(upload, UploadFile) else None, Path(tmp), limit
            )
            table, problems = read_ledger(path)
            raise_if_any(problems)
            assert table is not None
            store.load_ledger(session, saved, table, path.name, actor=user.actor)
    except IntegrityError:
        # another extract was loaded between reading the tracker and saving (SQLite takes no
        # row lock): nothing of this one was kept, and loading it again numbers it after that one
        session.rollback()
        saved = tracker_for(session, user, tracker_id, "editor")
        busy = [Problem(SIMULTANEOUS, upload.filename if isinstance(upload, UploadFile) else None)]
        return _actuals_page(
            request, session, saved, True, error_summary(busy, fallback="ledger-file"), 409
        )
    except InputError as exc:
        session.rollback()
        saved = tracker_for(session, user, tracker_id, "editor")
        # the reader names the temporary copy; the officer knows the file by its own name
        named = [
            dc_replace(p, file=PurePath(p.file).name if p.file else None) for p in exc.problems
        ]
        errors = error_summary(named, fallback="ledger-file")
        return _actuals_page(request, session, saved, True, errors, 400)
    return RedirectResponse(f"/trackers/{saved.id}", status_code=303)


def _run_results(session: Session, saved: TrackerRecord) -> Results | None:
    """The appraisal's results for the report's recovery options (``None`` if the run is gone)."""
    if saved.run_id is None or saved.run is None:
        return None
    try:
        return results_of(saved.run)
    except InputError:
        return None


@router.get("/trackers/{tracker_id}/download/{kind}")
def download_report(
    request: Request, tracker_id: RecordId, kind: str, user: CurrentUser, session: DbSession
) -> Response:
    if kind not in view.REPORT_FILES:
        raise HTTPException(404)
    saved = tracker_for(session, user, tracker_id, "viewer")
    key, tracker = loaded(session, saved)
    as_at, problems = as_at_asked(request, tracker)
    if problems or as_at < tracker.settings.decision_date:
        raise HTTPException(404)
    folder = view.report_folder(
        services(request).settings.reports_folder,
        key,
        tracker,
        as_at,
        lambda: _run_results(session, saved),
    )
    name, media = view.REPORT_FILES[kind]
    return FileResponse(
        folder / name,
        media_type=media,
        filename=f"benefits-report-{as_at.isoformat()}.{kind}",
    )


@router.get("/trackers/{tracker_id}/tracker.xlsx")
def download_tracker(
    request: Request, tracker_id: RecordId, user: CurrentUser, session: DbSession
) -> Response:
    """The tracker as the workbook ``shareplan track`` reads (every sheet, the actuals' whole
    history, and a notes sheet), for the finance team's own copy or the command line."""
    saved = tracker_for(session, user, tracker_id, "viewer")
    _, tracker = loaded(session, saved)
    folder = tempfile.mkdtemp(prefix="shareplan-tracker-")
    path = write_tracker(tracker, Path(folder) / "tracker.xlsx")
    return FileResponse(
        path,
        filename=f"tracker-{saved.id}.xlsx",
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        background=BackgroundTask(shutil.rmtree, folder, True),
    )
