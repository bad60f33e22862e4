"""A finished run's pages: the ranked shortlist, one opportunity, the programme with its what-if
controls, live re-ranking on a weight, comparing two runs, and the downloads. Everything is read
from the run's saved results through :mod:`shareplan.store.runs`; the what-ifs are
:mod:`shareplan.whatif`, the same functions ``shareplan programme`` calls."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import FileResponse, Response
from sqlalchemy.orm import Session

from shareplan.errors import InputError, Problem
from shareplan.report import write_reports
from shareplan.results import Results
from shareplan.store.models import AppraisalRun
from shareplan.store.runs import results_of
from shareplan.web import comparison
from shareplan.web.charts import frontier_chart
from shareplan.web.deps import (
    MAX_ID,
    CurrentUser,
    DbSession,
    RecordId,
    SignedIn,
    page,
    run_for,
    services,
)
from shareplan.web.forms import error_summary
from shareplan.whatif import programme_what_if, rerank, weight_targets

router = APIRouter(include_in_schema=False)

_report_lock = threading.Lock()

PAGE_SIZE = 100
"""Opportunities per page of the shortlist (a large authority has thousands)."""

WHAT_IF_CHOICES = 40
"""How many of the best-ranked opportunities the what-if form offers to force in or out."""


def _done(session: Session, user: SignedIn, run_id: RecordId) -> tuple[AppraisalRun, Results]:
    run = run_for(session, user, run_id, "viewer")
    try:
        return run, results_of(run)
    except InputError:
        raise HTTPException(404, detail="this appraisal has no results") from None


def _names(results: Results) -> dict[str, str]:
    return {o.id: o.title for o in results.opportunities}


@router.get("/runs/{run_id}/shortlist")
def shortlist(
    request: Request,
    run_id: RecordId,
    user: CurrentUser,
    session: DbSession,
    page_number: Annotated[int, Query(alias="page", ge=1, le=MAX_ID)] = 1,
) -> Response:
    run, results = _done(session, user, run_id)
    selected = set(results.chosen.selected_ids) if results.chosen else set()
    pages = max(1, -(-len(results.opportunities) // PAGE_SIZE))
    number = min(max(page_number, 1), pages)
    shown = results.opportunities[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
    return page(
        request,
        "shortlist.html",
        {
            "run": run,
            "results": results,
            "shown": shown,
            "selected": selected,
            "page_number": number,
            "pages": pages,
        },
    )


@router.get("/runs/{run_id}/opportunities/{opportunity_id}")
def opportunity_page(
    request: Request, run_id: RecordId, opportunity_id: str, user: CurrentUser, session: DbSession
) -> Response:
    run, results = _done(session, user, run_id)
    try:
        entry = results.opportunity(opportunity_id)
    except KeyError:
        raise HTTPException(404) from None
    criteria = sorted(entry.scores.criteria.items(), key=lambda kv: -kv[1].weighted)
    return page(
        request,
        "opportunity.html",
        {
            "run": run,
            "results": results,
            "o": entry,
            "criteria": criteria,
            "s": results.scenario,
        },
    )


def _changes(
    query: dict[str, str], names: dict[str, str]
) -> tuple[dict[str, Any], dict[str, Any], list[Problem]]:
    """The what-if form's answers as constraint changes and objective settings, with problems."""
    changes: dict[str, Any] = {}
    other: dict[str, Any] = {}
    problems: list[Problem] = []
    budget = query.get("budget", "").replace(",", "").replace("£", "").strip()
    if budget:
        try:
            value = float(budget)
            if value < 0:
                raise ValueError
            changes["budget"] = value
        except ValueError:
            problems.append(
                Problem("Enter the budget as a number of pounds, like 750000", column="budget")
            )
    projects = query.get("projects", "").strip()
    if projects:
        if projects.isdigit() and int(projects) > 0:
            changes["projects"] = int(projects)
        else:
            problems.append(
                Problem("Enter the number of projects as a whole number, like 6", column="projects")
            )
    for key in ("must_include", "must_exclude"):
        ids = [i for i in query.get(key, "").split(",") if i]
        if ids:
            unknown = [i for i in ids if i not in names]
            if unknown:
                problems.append(
                    Problem(
                        f"Choose opportunities from the shortlist (not {', '.join(unknown)})",
                        column=key,
                    )
                )
            changes[key] = tuple(i for i in ids if i in names)
    objective = query.get("objective", "")
    if objective:
        other["objective"] = objective
    return changes, other, problems


@router.get("/runs/{run_id}/programme")
def programme(
    request: Request, run_id: RecordId, user: CurrentUser, session: DbSession
) -> Response:
    run, results = _done(session, user, run_id)
    names = _names(results)
    query = {k: v for k, v in request.query_params.items()}
    query["must_include"] = ",".join(request.query_params.getlist("must_include"))
    query["must_exclude"] = ",".join(request.query_params.getlist("must_exclude"))
    changes, other, problems = _changes(query, names)
    block: Any = results.programme
    asked = bool(changes or other)
    if asked and not problems:
        try:
            block = programme_what_if(
                results, changes, objective=other.get("objective"), cache_key=("run", run.id)
            )
        except InputError as exc:
            problems = list(exc.problems)
    chart = frontier_chart(results, cache_key=("run", run.id)) if not asked else None
    named = set(changes.get("must_include", ())) | set(changes.get("must_exclude", ()))
    choices = [
        o for i, o in enumerate(results.opportunities) if i < WHAT_IF_CHOICES or o.id in named
    ]
    errors = error_summary(problems, _what_if_fields()) if problems else None
    return page(
        request,
        "programme.html",
        {
            "run": run,
            "results": results,
            "block": block,
            "names": names,
            "asked": asked,
            "query": query,
            "chart": chart,
            "choices": choices,
            "errors": errors,
        },
        400 if problems else 200,
    )


def _what_if_fields() -> list:  # type: ignore[type-arg]
    from shareplan.web.forms import Field

    return [
        Field(n, "", "", "text", "")
        for n in ("budget", "projects", "objective", "must_include", "must_exclude")
    ]


@router.get("/runs/{run_id}/programme/chart.svg")
def programme_chart(run_id: RecordId, user: CurrentUser, session: DbSession) -> Response:
    _, results = _done(session, user, run_id)
    chart = frontier_chart(results, cache_key=("run", run_id))
    if chart is None:
        raise HTTPException(404)
    return Response(chart.svg, media_type="image/svg+xml")


@router.get("/runs/{run_id}/weights")
def weights(request: Request, run_id: RecordId, user: CurrentUser, session: DbSession) -> Response:
    run, results = _done(session, user, run_id)
    return page(request, "weights.html", {"run": run, **_ranking_context(request, results)})


@router.get("/runs/{run_id}/weights/ranking")
def weights_ranking(
    request: Request, run_id: RecordId, user: CurrentUser, session: DbSession
) -> Response:
    """The ranking panel alone, fetched by htmx as the weight moves."""
    run, results = _done(session, user, run_id)
    return page(request, "_ranking.html", {"run": run, **_ranking_context(request, results)})


def _ranking_context(request: Request, results: Results) -> dict[str, Any]:
    targets = weight_targets(results)
    chosen = request.query_params.get("weight") or f"{targets[0][0]}:{targets[0][1]}"
    level, _, target = chosen.partition(":")
    intervals = {(i.level, i.weight): i for i in results.sensitivity.weight_stability.intervals}
    interval = intervals.get((level, target))
    share_text = request.query_params.get("share", "")
    problems: list[Problem] = []
    try:
        base = rerank(results, level, target, 0.0)
        share = base.current_share if share_text == "" else float(share_text) / 100
        ranking = rerank(results, level, target, share)
    except (InputError, ValueError) as exc:
        problems = (
            list(exc.problems)
            if isinstance(exc, InputError)
            else [Problem("Enter the weight as a percentage from 0 to 100", column="share")]
        )
        ranking = rerank(results, *targets[0], rerank(results, *targets[0], 0.0).current_share)
        level, target = targets[0]
        share = ranking.share
    saved_top = results.sensitivity.top
    return {
        "targets": targets,
        "level": level,
        "target": target,
        "ranking": ranking,
        "share": share,
        "interval": interval,
        "names": _names(results),
        "saved_top": saved_top,
        "top_changed": set(ranking.top) != set(saved_top),
        "errors": error_summary(problems, []) if problems else None,
        "stakeholders": results.stakeholders.stakeholders,
    }


@router.get("/runs/{run_id}/compare")
def compare(
    request: Request,
    run_id: RecordId,
    user: CurrentUser,
    session: DbSession,
    other: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> Response:
    run, results = _done(session, user, run_id)
    done_runs = [r for r in run.scenario.runs if r.status == "done" and r.id != run.id]
    if other is None:
        return page(
            request,
            "compare.html",
            {"run": run, "choices": done_runs, "diff": None, "other_run": None},
        )
    other_run, other_results = _done(session, user, other)
    diff = comparison.compare(other_run.inputs, run.inputs, other_results, results)
    return page(
        request,
        "compare.html",
        {"run": run, "choices": done_runs, "diff": diff, "other_run": other_run},
    )


DOWNLOADS = {
    "docx": (
        "cabinet-report.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "html": ("cabinet-report.html", "text/html; charset=utf-8"),
    "pdf": ("cabinet-report.pdf", "application/pdf"),
}


def report_files(request: Request, run: AppraisalRun, results: Results) -> Path:
    """The run's Cabinet report, written once into the reports folder and reused."""
    folder = services(request).settings.reports_folder / f"run-{run.id}"
    with _report_lock:
        if not (folder / "cabinet-report.pdf").exists():
            write_reports(results, folder, charts=False)
    return folder


@router.get("/runs/{run_id}/download/{kind}")
def download(
    request: Request, run_id: RecordId, kind: str, user: CurrentUser, session: DbSession
) -> Response:
    run, results = _done(session, user, run_id)
    stem = f"{run.scenario.name}-appraisal-{run.id}"
    if kind == "json":
        return Response(
            results.model_dump_json(indent=2),
            media_type="application/json",
            headers={"Content-Disposition": f'attachment; filename="{stem}-results.json"'},
        )
    if kind not in DOWNLOADS:
        raise HTTPException(404)
    name, media = DOWNLOADS[kind]
    folder = report_files(request, run, results)
    return FileResponse(folder / name, media_type=media, filename=f"{stem}.{kind}")
