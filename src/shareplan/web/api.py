"""The REST API under /api/v1: the same operations as the pages, for other systems (a finance
system pushing costs, a partner council reading the opportunities that involve it). It uses the
session cookie of a signed-in user; writes take JSON only, which a cross-site form cannot send."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from shareplan.errors import InputError
from shareplan.results import OpportunityResult, Results
from shareplan.results.programme import Choice
from shareplan.store import scenarios as store
from shareplan.store.models import AppraisalRun, ScenarioRow
from shareplan.store.runs import results_of
from shareplan.web.deps import CurrentUser, DbSession, RecordId, run_for, scenario_for, services
from shareplan.web.digest import digest
from shareplan.web.pages_runs import start_run
from shareplan.whatif import programme_what_if, rerank

router = APIRouter(prefix="/api/v1", tags=["shareplan"])


class Problem(BaseModel):
    message: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    allowed: str | None = None


class ProblemList(BaseModel):
    detail: list[Problem]


class ConflictBody(BaseModel):
    detail: str
    changed_by: str
    changed_at: dt.datetime
    version: int
    theirs: dict[str, Any]


class Authority(BaseModel):
    id: int
    name: str
    role: Literal["viewer", "editor", "admin"]


class ScenarioSummary(BaseModel):
    id: int
    name: str
    authority_id: int
    version: int
    updated_at: dt.datetime
    updated_by: str


class Row(BaseModel):
    id: int
    kind: Literal[
        "service", "partner", "bundle", "opportunity", "weight", "parameter", "background"
    ]
    key: str
    version: int
    updated_at: dt.datetime
    updated_by: str
    data: dict[str, Any]


class RowUpdate(BaseModel):
    version: int = Field(description="The version you read; a newer one on the server is a 409")
    data: dict[str, Any]


class Run(BaseModel):
    id: int
    scenario_id: RecordId
    status: Literal["queued", "running", "done", "failed"]
    stage: str
    step: int
    steps: int
    error: str | None
    created_by: str
    created_at: dt.datetime
    finished_at: dt.datetime | None


class OpportunitySummary(BaseModel):
    id: str
    title: str
    rank: int
    score: float
    npv: float
    partner_ids: list[str]
    service_ids: list[str]
    model: str


class RerankRequest(BaseModel):
    level: Literal["group", "criterion"]
    target: str
    share: float = Field(ge=0, le=1)


class Ranked(BaseModel):
    id: str
    score: float


class Ranking(BaseModel):
    level: str
    target: str
    share: float
    current_share: float
    top_n: int
    top: list[str]
    ranked: list[Ranked]


class WhatIfRequest(BaseModel):
    budget: float | None = Field(default=None, ge=0)
    projects: int | None = Field(default=None, ge=1, le=1000)
    objective: Literal["npv", "value", "early_savings", "blend"] | None = None
    must_include: list[str] = []
    must_exclude: list[str] = []


class Programme(BaseModel):
    feasible: bool
    selected_ids: list[str] = []
    message: str | None = None
    totals: dict[str, Any] | None = None


ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Not signed in"},
    403: {"description": "The user's role does not allow it"},
    404: {"description": "No such record among the user's authorities"},
}


def _problems(exc: InputError) -> JSONResponse:
    body = ProblemList(
        detail=[
            Problem(message=p.message, sheet=p.sheet, row=p.row, column=p.column, allowed=p.allowed)
            for p in exc.problems
        ]
    )
    return JSONResponse(body.model_dump(mode="json"), status_code=422)


@router.get("/authorities", responses=ERRORS)
def authorities(user: CurrentUser, session: DbSession) -> list[Authority]:
    from shareplan.store.models import AuthorityRecord

    out = []
    for authority_id, role in sorted(user.roles.items()):
        record = session.get(AuthorityRecord, authority_id)
        if record is not None:
            out.append(Authority(id=record.id, name=record.name, role=role))
    return out


@router.get("/scenarios", responses=ERRORS)
def list_scenarios(user: CurrentUser, session: DbSession) -> list[ScenarioSummary]:
    return [
        ScenarioSummary.model_validate(s, from_attributes=True)
        for s in store.scenarios_of(session, user.authority_ids)
    ]


def _row(r: ScenarioRow) -> Row:
    return Row.model_validate(r, from_attributes=True)


@router.get("/scenarios/{scenario_id}/rows", responses=ERRORS)
def list_rows(
    scenario_id: RecordId,
    user: CurrentUser,
    session: DbSession,
    kind: Annotated[
        Literal["service", "partner", "bundle", "opportunity", "weight", "parameter", "background"]
        | None,
        Query(),
    ] = None,
) -> list[Row]:
    record = scenario_for(session, user, scenario_id, "viewer")
    return [_row(r) for r in record.rows if kind is None or r.kind == kind]


@router.put(
    "/scenarios/{scenario_id}/rows/{row_id}",
    responses={
        **ERRORS,
        409: {"model": ConflictBody, "description": "Changed by someone else since that version"},
        422: {"model": ProblemList, "description": "The change is not valid"},
    },
)
def update_row(
    request: Request,
    scenario_id: RecordId,
    row_id: RecordId,
    change: Annotated[RowUpdate, Body()],
    user: CurrentUser,
    session: DbSession,
) -> Row:
    record = scenario_for(session, user, scenario_id, "editor")
    row = session.get(ScenarioRow, row_id)
    if row is None or row.scenario_id != record.id:
        raise HTTPException(404, detail="not found")
    try:
        store.update_row(
            session,
            row,
            change.data,
            expected_version=change.version,
            actor=user.actor,
            evidence=services(request).evidence,
        )
    except store.Conflict as conflict:
        session.rollback()
        body = ConflictBody(
            detail="changed by someone else",
            changed_by=conflict.changed_by,
            changed_at=conflict.changed_at,
            version=conflict.version,
            theirs=conflict.theirs,
        )
        return JSONResponse(body.model_dump(mode="json"), status_code=409)  # type: ignore[return-value]
    except InputError as exc:
        session.rollback()
        return _problems(exc)  # type: ignore[return-value]
    return _row(row)


def _run(run: AppraisalRun) -> Run:
    return Run.model_validate(run, from_attributes=True)


@router.post(
    "/scenarios/{scenario_id}/runs",
    status_code=202,
    responses={
        **ERRORS,
        422: {"model": ProblemList, "description": "The scenario cannot be appraised"},
    },
)
def create_run(
    request: Request, scenario_id: RecordId, user: CurrentUser, session: DbSession
) -> Run:
    try:
        run_id = start_run(request, session, scenario_id, user)
    except InputError as exc:
        session.rollback()
        return _problems(exc)  # type: ignore[return-value]
    run = session.get(AppraisalRun, run_id)
    assert run is not None
    return _run(run)


@router.get("/runs/{run_id}", responses=ERRORS)
def get_run(run_id: RecordId, user: CurrentUser, session: DbSession) -> Run:
    return _run(run_for(session, user, run_id, "viewer"))


def _results(session: DbSession, user: CurrentUser, run_id: RecordId) -> Results:
    run = run_for(session, user, run_id, "viewer")
    try:
        return results_of(run)
    except InputError:
        raise HTTPException(404, detail="this appraisal has no results") from None


@router.get("/runs/{run_id}/opportunities", responses=ERRORS)
def opportunities(
    run_id: RecordId, user: CurrentUser, session: DbSession, partner: str | None = None
) -> list[OpportunitySummary]:
    """The ranked shortlist; ``partner`` keeps only the opportunities involving that partner."""
    results = _results(session, user, run_id)
    return [
        OpportunitySummary(
            id=o.id,
            title=o.title,
            rank=o.scores.rank,
            score=o.scores.total,
            npv=o.business_case.adjusted.measures.npv,
            partner_ids=list(o.partner_ids),
            service_ids=list(o.service_ids),
            model=o.model,
        )
        for o in _involving(results, partner)
    ]


def _involving(results: Results, partner: str | None) -> Sequence[OpportunityResult]:
    """The opportunities that involve ``partner`` (all when ``None``), best ranked first."""
    if partner is None:
        return results.opportunities
    return [results.opportunities[i] for i in digest(results).by_partner.get(partner, ())]


@router.post(
    "/runs/{run_id}/rerank",
    responses={**ERRORS, 422: {"model": ProblemList, "description": "No such weight"}},
)
def rerank_run(
    run_id: RecordId, move: RerankRequest, user: CurrentUser, session: DbSession
) -> Ranking:
    """The ranking with one weight moved (the saved scores, no business case run again)."""
    results = _results(session, user, run_id)
    try:
        r = rerank(results, move.level, move.target, move.share)
    except InputError as exc:
        return _problems(exc)  # type: ignore[return-value]
    return Ranking(
        level=r.level,
        target=r.target,
        share=r.share,
        current_share=r.current_share,
        top_n=r.top_n,
        top=list(r.top),
        ranked=[Ranked(id=i, score=s) for i, s in r.ranked],
    )


@router.post(
    "/runs/{run_id}/what-if",
    responses={**ERRORS, 422: {"model": ProblemList, "description": "Unknown ids or rules"}},
)
def what_if(
    run_id: RecordId, ask: WhatIfRequest, user: CurrentUser, session: DbSession
) -> Programme:
    """The programme chosen again under other rules, from the saved results."""
    results = _results(session, user, run_id)
    changes: dict[str, Any] = {}
    if ask.budget is not None:
        changes["budget"] = ask.budget
    if ask.projects is not None:
        changes["projects"] = ask.projects
    if ask.must_include:
        changes["must_include"] = tuple(ask.must_include)
    if ask.must_exclude:
        changes["must_exclude"] = tuple(ask.must_exclude)
    try:
        block = programme_what_if(
            results, changes, choose_only=True, objective=ask.objective, cache_key=("run", run_id)
        )
    except InputError as exc:
        return _problems(exc)  # type: ignore[return-value]
    if isinstance(block, Choice):
        return Programme(
            feasible=True,
            selected_ids=list(block.selected_ids),
            totals=block.totals.model_dump(mode="json"),
        )
    return Programme(feasible=False, message=block.message)
