"""Scenario pages: create, import (workbook or CSV files) and export, and editing the rows and the
settings. Every save is checked by the scenario reader, locked optimistically and audited
(:mod:`shareplan.store.scenarios`)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import replace as dc_replace
from pathlib import Path, PurePath
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.background import BackgroundTask
from starlette.datastructures import FormData, UploadFile

from shareplan.errors import InputError, Problem
from shareplan.scenario import Authority, load_scenario, save_scenario
from shareplan.store import scenarios as store
from shareplan.store.models import AuthorityRecord, ScenarioRecord, ScenarioRow
from shareplan.web.deps import (
    CurrentUser,
    DbSession,
    RecordId,
    SignedIn,
    page,
    scenario_for,
    services,
)
from shareplan.web.forms import error_summary, fields_for, parse_form
from shareplan.web.security import check_csrf

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])

SETTINGS_FIELDS = (
    "name",
    "ons_code",
    "price_base_year",
    "first_year",
    "appraisal_date",
    "horizon_years",
    "implementation_budget",
    "priority_projects",
    "programme_objective",
    "meeting",
    "meeting_date",
    "report_title",
)


def _text(form: FormData) -> dict[str, str]:
    return {k: v for k, v in form.items() if isinstance(v, str)}


def _editable_authorities(session: Session, user: SignedIn) -> list[AuthorityRecord]:
    ids = [a for a in user.authority_ids if user.can(a, "editor")]
    return [a for a in (session.get(AuthorityRecord, i) for i in ids) if a is not None]


@router.get("/scenarios/import")
def import_form(request: Request, user: CurrentUser, session: DbSession) -> Response:
    if not user.can_edit_any():
        raise HTTPException(403)
    return page(
        request,
        "import.html",
        {"errors": None, "name": "", "authorities": _editable_authorities(session, user)},
    )


def _read_upload(files: list[UploadFile], folder: Path, limit: int) -> Path:
    """Save the uploaded workbook, or the CSV files of a scenario folder, under ``folder``."""
    names = [PurePath(f.filename or "").name for f in files if f.filename]
    if not names:
        raise InputError(
            [
                Problem(
                    "Select a workbook (.xlsx) or the CSV files of a scenario folder",
                    column="scenario-file",
                )
            ]
        )
    workbooks = [n for n in names if n.lower().endswith((".xlsx", ".xlsm"))]
    if workbooks and len(names) > 1:
        raise InputError(
            [Problem("Select one workbook, or CSV files only", column="scenario-file")]
        )
    if not workbooks and not all(n.lower().endswith(".csv") for n in names):
        raise InputError(
            [Problem("The files must be an .xlsx workbook or .csv files", column="scenario-file")]
        )
    target = folder / workbooks[0] if workbooks else folder / "scenario"
    target.parent.mkdir(parents=True, exist_ok=True)
    if not workbooks:
        target.mkdir()
    total = 0
    for upload, name in zip(files, names, strict=True):
        data = upload.file.read(limit + 1)
        total += len(data)
        if total > limit:
            raise HTTPException(413)
        (target / name if not workbooks else target).write_bytes(data)
    return target


@router.post("/scenarios/import")
async def import_scenario(request: Request, user: CurrentUser, session: DbSession) -> Response:
    svc = services(request)
    form = await request.form(max_part_size=svc.settings.max_upload_bytes)
    files = [f for f in form.getlist("scenario_file") if isinstance(f, UploadFile)]
    name = str(form.get("name") or "").strip()
    authorities = _editable_authorities(session, user)
    if not authorities and not user.is_admin:
        raise HTTPException(403)
    try:
        with tempfile.TemporaryDirectory(prefix="shareplan-import-") as tmp:
            path = _read_upload(files, Path(tmp), svc.settings.max_upload_bytes)
            scenario = load_scenario(path, svc.evidence)
        problems = store.check(scenario, svc.evidence)
        if problems:
            raise InputError(problems)
        authority = _authority_for(session, user, scenario.authority.name, authorities)
        record = store.import_scenario(
            session,
            scenario,
            name=name or scenario.authority.name,
            actor=user.actor,
            authority=authority,
        )
    except InputError as exc:
        session.rollback()
        # the reader names the temporary copy; the officer knows the file by its own name
        problems = [
            dc_replace(p, file=PurePath(p.file).name if p.file else None) for p in exc.problems
        ]
        errors = error_summary(problems, fallback="scenario-file")
        return page(
            request,
            "import.html",
            {"errors": errors, "name": name, "authorities": authorities},
            400,
        )
    return RedirectResponse(f"/scenarios/{record.id}", status_code=303)


def _authority_for(
    session: Session, user: SignedIn, name: str, authorities: list[AuthorityRecord]
) -> AuthorityRecord:
    """The authority a scenario belongs to: the one of that name the user may edit. An admin may
    bring in a new authority (and becomes its admin)."""
    for authority in authorities:
        if authority.name == name:
            return authority
    if user.is_admin:
        from shareplan.store.models import User
        from shareplan.store.users import authority_named, grant

        authority = authority_named(session, name)
        admin = session.get(User, user.id)
        assert admin is not None
        grant(session, admin, authority, "admin", actor=user.actor)
        return authority
    raise InputError(
        [
            Problem(
                f"the scenario is for {name!r}, which you cannot edit",
                column="scenario-file",
                allowed=", ".join(a.name for a in authorities) or "none",
            )
        ]
    )


@router.get("/scenarios/template.xlsx")
def blank_workbook(request: Request, user: CurrentUser) -> Response:
    """The blank scenario workbook (as ``shareplan template`` writes it) to fill in and import."""
    from shareplan.scenario.excel import write_template

    tmp = tempfile.mkdtemp(prefix="shareplan-template-")
    path = Path(tmp) / "scenario-template.xlsx"
    write_template(path, services(request).evidence)
    return FileResponse(
        path,
        filename="scenario-template.xlsx",
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        background=BackgroundTask(shutil.rmtree, tmp, True),
    )


@router.post("/scenarios/{scenario_id}/copy")
async def copy_scenario(
    request: Request, scenario_id: RecordId, user: CurrentUser, session: DbSession
) -> Response:
    """A new scenario starting as a copy of this one (a variant to try changes on)."""
    record = scenario_for(session, user, scenario_id, "editor")
    form = _text(await request.form())
    name = (form.get("name") or "").strip() or f"Copy of {record.name}"
    copy = store.import_scenario(
        session, store.to_scenario(record), name=name, actor=user.actor, authority=record.authority
    )
    return RedirectResponse(f"/scenarios/{copy.id}", status_code=303)


@router.get("/scenarios/{scenario_id}")
def scenario_page(
    request: Request, scenario_id: RecordId, user: CurrentUser, session: DbSession
) -> Response:
    record = scenario_for(session, user, scenario_id, "viewer")
    groups: dict[str, list[ScenarioRow]] = {k: [] for k in store.KINDS}
    for row in record.rows:
        groups[row.kind].append(row)
    return page(
        request,
        "scenario.html",
        {
            "scenario": record,
            "kinds": store.KINDS,
            "groups": groups,
            "settings": [(f, record.settings.get(f)) for f in SETTINGS_FIELDS],
            "can_edit": user.can(record.authority_id, "editor"),
            "runs": list(reversed(record.runs)),
        },
    )


@router.get("/scenarios/{scenario_id}/export.xlsx")
def export(
    scenario_id: RecordId, user: CurrentUser, session: DbSession, request: Request
) -> Response:
    record = scenario_for(session, user, scenario_id, "viewer")
    scenario = store.to_scenario(record)
    tmp = tempfile.mkdtemp(prefix="shareplan-export-")
    path = Path(tmp) / "scenario.xlsx"
    save_scenario(scenario, path, services(request).evidence)
    return FileResponse(
        path,
        filename=f"{record.name}.xlsx",
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        background=BackgroundTask(shutil.rmtree, tmp, True),
    )


def _row(session: Session, record: ScenarioRecord, row_id: RecordId) -> ScenarioRow:
    row = session.get(ScenarioRow, row_id)
    if row is None or row.scenario_id != record.id:
        raise HTTPException(404)
    return row


def _row_page(
    request: Request,
    record: ScenarioRecord,
    kind: str,
    data: dict[str, Any],
    *,
    row: ScenarioRow | None,
    version: int | None,
    problems: Sequence[Problem] | None = None,
) -> Response:
    fields = fields_for(store.KINDS[kind].model, data)
    errors = error_summary(problems, fields) if problems else None
    return page(
        request,
        "row.html",
        {
            "scenario": record,
            "kind": store.KINDS[kind],
            "row": row,
            "fields": fields,
            "version": version,
            "errors": errors,
        },
        400 if problems else 200,
    )


@router.get("/scenarios/{scenario_id}/rows/new/{kind}")
def new_row(
    request: Request, scenario_id: RecordId, kind: str, user: CurrentUser, session: DbSession
) -> Response:
    record = scenario_for(session, user, scenario_id, "editor")
    if kind not in store.KINDS:
        raise HTTPException(404)
    return _row_page(request, record, kind, {}, row=None, version=None)


@router.post("/scenarios/{scenario_id}/rows/new/{kind}")
async def add_row(
    request: Request, scenario_id: RecordId, kind: str, user: CurrentUser, session: DbSession
) -> Response:
    record = scenario_for(session, user, scenario_id, "editor")
    if kind not in store.KINDS:
        raise HTTPException(404)
    data = parse_form(store.KINDS[kind].model, _text(await request.form()))
    try:
        store.add_row(
            session, record, kind, data, actor=user.actor, evidence=services(request).evidence
        )
    except InputError as exc:
        session.rollback()
        return _row_page(request, record, kind, data, row=None, version=None, problems=exc.problems)
    return RedirectResponse(f"/scenarios/{record.id}#{kind}", status_code=303)


@router.get("/scenarios/{scenario_id}/rows/{row_id}")
def edit_row(
    request: Request, scenario_id: RecordId, row_id: RecordId, user: CurrentUser, session: DbSession
) -> Response:
    record = scenario_for(session, user, scenario_id, "editor")
    row = _row(session, record, row_id)
    return _row_page(request, record, row.kind, row.data, row=row, version=row.version)


def _conflict(
    request: Request, record: ScenarioRecord, conflict: store.Conflict, back: str
) -> Response:
    keys = sorted(set(conflict.theirs) | set(conflict.yours))
    rows = [
        (k, conflict.theirs.get(k), conflict.yours.get(k))
        for k in keys
        if conflict.theirs.get(k) != conflict.yours.get(k)
    ]
    return page(
        request,
        "conflict.html",
        {"scenario": record, "conflict": conflict, "differences": rows, "back": back},
        409,
    )


@router.post("/scenarios/{scenario_id}/rows/{row_id}")
async def save_row(
    request: Request, scenario_id: RecordId, row_id: RecordId, user: CurrentUser, session: DbSession
) -> Response:
    record = scenario_for(session, user, scenario_id, "editor")
    row = _row(session, record, row_id)
    form = _text(await request.form())
    version = int(form.get("version") or 0)
    data = parse_form(store.KINDS[row.kind].model, form)
    evidence = services(request).evidence
    try:
        if form.get("action") == "delete":
            store.delete_row(
                session, row, expected_version=version, actor=user.actor, evidence=evidence
            )
        else:
            store.update_row(
                session, row, data, expected_version=version, actor=user.actor, evidence=evidence
            )
    except store.Conflict as conflict:
        session.rollback()
        return _conflict(request, record, conflict, f"/scenarios/{record.id}/rows/{row_id}")
    except InputError as exc:
        session.rollback()
        return _row_page(
            request, record, row.kind, data, row=row, version=version, problems=exc.problems
        )
    return RedirectResponse(f"/scenarios/{record.id}#{row.kind}", status_code=303)


@router.get("/scenarios/{scenario_id}/settings")
def settings_form(
    request: Request, scenario_id: RecordId, user: CurrentUser, session: DbSession
) -> Response:
    record = scenario_for(session, user, scenario_id, "editor")
    return _settings_page(request, record, record.settings, record.version)


def _settings_page(
    request: Request,
    record: ScenarioRecord,
    data: dict[str, Any],
    version: int,
    problems: Sequence[Problem] | None = None,
) -> Response:
    fields = fields_for(Authority, data)
    errors = error_summary(problems, fields) if problems else None
    return page(
        request,
        "settings.html",
        {"scenario": record, "fields": fields, "version": version, "errors": errors},
        400 if problems else 200,
    )


@router.post("/scenarios/{scenario_id}/settings")
async def save_settings(
    request: Request, scenario_id: RecordId, user: CurrentUser, session: DbSession
) -> Response:
    record = scenario_for(session, user, scenario_id, "editor")
    form = _text(await request.form())
    version = int(form.get("version") or 0)
    data = parse_form(Authority, form)
    try:
        store.update_settings(
            session,
            record,
            data,
            expected_version=version,
            actor=user.actor,
            evidence=services(request).evidence,
        )
    except store.Conflict as conflict:
        session.rollback()
        return _conflict(request, record, conflict, f"/scenarios/{record.id}/settings")
    except InputError as exc:
        session.rollback()
        return _settings_page(request, record, data, version, exc.problems)
    return RedirectResponse(f"/scenarios/{record.id}", status_code=303)
