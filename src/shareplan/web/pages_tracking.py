"""Benefits tracking pages: start a tracker from a finished appraisal (Cabinet's decision), the
programme's status (red, amber, green by the evidence base's rule) with its forecast and chart,
and the register. What they show is worked out by :mod:`shareplan.tracking`, the functions behind
``shareplan track``; the tracker is kept by :mod:`shareplan.store.trackers`. Loading actuals and
the report are in :mod:`.pages_tracking_files`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from shareplan.errors import InputError, Problem
from shareplan.report import formatting as fmt
from shareplan.results import Results
from shareplan.store import trackers as store
from shareplan.store.models import AppraisalRun, TrackerRecord
from shareplan.tracking.model import MILESTONE_WORDS, Tracker
from shareplan.tracking.periods import Frequency
from shareplan.web import tracking_view as view
from shareplan.web.deps import (
    CurrentUser,
    DbSession,
    RecordId,
    SignedIn,
    page,
    run_for,
    tracker_for,
)
from shareplan.web.forms import Field, error_summary
from shareplan.web.pages_results import WHAT_IF_CHOICES, _done
from shareplan.web.security import check_csrf

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])

START_FIELDS = [
    Field("approved", "", "", "checkbox", ""),
    Field("decision.day", "", "", "", ""),
    Field("frequency", "", "", "", ""),
]


def read_date(values: dict[str, str], prefix: str, column: str, what: str) -> dt.date | None:
    """A date from the GOV.UK date input's three boxes (``prefix-day`` ...); ``None`` when all
    are blank; :class:`InputError` naming ``column`` when it is not a real date."""
    parts = [values.get(f"{prefix}-{p}", "").strip() for p in ("day", "month", "year")]
    if not any(parts):
        return None
    try:
        day, month, year = (int(p) for p in parts)
        return dt.date(year, month, day)
    except ValueError:
        raise InputError(
            [Problem(f"{what} must be a real date, like 15 12 2010", column=column)]
        ) from None


def _text(form: FormData) -> dict[str, str]:
    return {k: v for k, v in form.items() if isinstance(v, str)}


def _start_context(
    run: AppraisalRun, session: Session, user: SignedIn, form: dict[str, Any]
) -> dict[str, Any]:
    """The start form: the best-ranked opportunities to tick (the chosen programme ticked)."""
    _, results = _done(session, user, run.id)
    chosen = set(results.chosen.selected_ids) if results.chosen else set()
    ticked = set(form.get("approved", chosen))
    choices = [
        o
        for i, o in enumerate(results.opportunities)
        if i < WHAT_IF_CHOICES or o.id in chosen or o.id in ticked
    ]
    return {"run": run, "choices": choices, "ticked": ticked, "form": form}


@router.get("/runs/{run_id}/track")
def start_form(
    request: Request, run_id: RecordId, user: CurrentUser, session: DbSession
) -> Response:
    run = run_for(session, user, run_id, "editor")
    context = _start_context(run, session, user, {})
    return page(request, "track_start.html", {**context, "errors": None})


@router.post("/runs/{run_id}/track")
async def start_tracking(
    request: Request, run_id: RecordId, user: CurrentUser, session: DbSession
) -> Response:
    run = run_for(session, user, run_id, "editor")
    form = await request.form()
    values = _text(form)
    approved = [str(v) for v in form.getlist("approved")]
    try:
        problems: list[Problem] = []
        if not approved:
            problems.append(Problem("Choose the projects Cabinet approved", column="approved"))
        try:
            decided = read_date(values, "decision", "decision.day", "The decision date")
            if decided is None:
                problems.append(
                    Problem("Enter the date of Cabinet's decision", column="decision.day")
                )
        except InputError as exc:
            problems.extend(exc.problems)
        frequency = values.get("frequency") or Frequency.QUARTERLY.value
        if frequency not in {f.value for f in Frequency}:
            problems.append(Problem("Choose a quarter or a month", column="frequency"))
        if problems:
            raise InputError(problems)
        assert decided is not None
        saved = store.start_tracker(
            session,
            run,
            _in_programme_order(approved, _done(session, user, run.id)[1]),
            decided,
            actor=user.actor,
            frequency=Frequency(frequency),
            name=values.get("name", ""),
        )
    except InputError as exc:
        session.rollback()
        run = run_for(session, user, run_id, "editor")
        context = _start_context(run, session, user, {**values, "approved": approved})
        errors = error_summary([_on_form(p) for p in exc.problems], START_FIELDS)
        return page(request, "track_start.html", {**context, "errors": errors}, 400)
    return RedirectResponse(f"/trackers/{saved.id}", status_code=303)


def _in_programme_order(approved: list[str], results: Results) -> list[str]:
    """The ticked ids in the order of the chosen programme, then of the ranking: the ledger
    codes (SS01, SS02, ...) follow this order, so a tracker started here codes the projects as
    ``track start --approved`` given the programme's ids does."""
    chosen = list(results.chosen.selected_ids) if results.chosen else []
    ranked = {o.id: i for i, o in enumerate(results.opportunities)}
    return sorted(
        approved,
        key=lambda i: (0, chosen.index(i)) if i in chosen else (1, ranked.get(i, len(ranked))),
    )


FORM_FIELDS = {"--approved": "approved", "--decision-date": "decision.day"}
"""The command line's options as the start form's fields (the use case names the options)."""


def _on_form(problem: Problem) -> Problem:
    """A problem the use case found, told against the form's field rather than the option."""
    field = FORM_FIELDS.get(problem.column or "")
    if field is None:
        return problem
    return Problem(problem.message.capitalize(), column=field, allowed=problem.allowed)


def loaded(session: Session, saved: TrackerRecord) -> tuple[tuple[int, int], Tracker]:
    """The tracker with its actuals, and its key for what is kept (id, newest entry)."""
    key = (saved.id, store.last_entry(session, saved.id))
    found: Tracker = view.cached(("tracker", *key), lambda: store.tracker_of(saved))
    return key, found


def as_at_asked(request: Request, tracker: Tracker) -> tuple[dt.date, list[Problem]]:
    """The status date the page was asked for (``as_at``, or the date boxes), else the end of
    the latest period reported; a wrong date is a problem and the default is shown."""
    values = dict(request.query_params)
    text = values.get("as_at", "")
    try:
        if text:
            try:
                return dt.date.fromisoformat(text), []
            except ValueError:
                raise InputError(
                    [Problem("The date must be a real date", column="as_at.day")]
                ) from None
        asked = read_date(values, "as_at", "as_at.day", "The date")
        return asked or view.default_as_at(tracker), []
    except InputError as exc:
        return view.default_as_at(tracker), list(exc.problems)


@router.get("/trackers/{tracker_id}")
def tracker_page(
    request: Request, tracker_id: RecordId, user: CurrentUser, session: DbSession
) -> Response:
    saved = tracker_for(session, user, tracker_id, "viewer")
    key, tracker = loaded(session, saved)
    as_at, problems = as_at_asked(request, tracker)
    try:
        state = view.standing_at(key, tracker, as_at)
    except InputError as exc:
        problems += [Problem(p.message, column="as_at.day") for p in exc.problems]
        as_at = view.default_as_at(tracker)
        state = view.standing_at(key, tracker, as_at)
    rows = []
    for s, f in zip(state.statuses, state.forecasts, strict=True):
        late = max((m.months_late for m in s.milestones), default=0.0)
        rows.append({"status": s, "forecast": f, "late": fmt.months(late) if late > 0 else "none"})
    fields = [Field("as_at.day", "", "", "", "")]
    return page(
        request,
        "tracker.html",
        {
            "tracker": saved,
            "here": "status",
            "as_at": as_at,
            "rows": rows,
            "programme": view.programme_line(state),
            "chart": view.savings_chart(key, state),
            "can_edit": user.can(saved.authority_id, "editor"),
            "errors": error_summary(problems, fields) if problems else None,
        },
        400 if problems else 200,
    )


@router.get("/trackers/{tracker_id}/chart.svg")
def tracker_chart(
    request: Request, tracker_id: RecordId, user: CurrentUser, session: DbSession
) -> Response:
    saved = tracker_for(session, user, tracker_id, "viewer")
    key, tracker = loaded(session, saved)
    as_at, problems = as_at_asked(request, tracker)
    if problems:
        raise HTTPException(404)
    try:
        state = view.standing_at(key, tracker, as_at)
    except InputError:
        raise HTTPException(404) from None
    return Response(view.savings_chart(key, state).svg, media_type="image/svg+xml")


@router.get("/trackers/{tracker_id}/register")
def register_page(
    request: Request, tracker_id: RecordId, user: CurrentUser, session: DbSession
) -> Response:
    saved = tracker_for(session, user, tracker_id, "viewer")
    _, tracker = loaded(session, saved)
    codes = [p.code for p in tracker.projects]
    code = request.query_params.get("project") or codes[0]
    if code not in codes:
        raise HTTPException(404)
    return page(
        request,
        "tracker_register.html",
        {
            "tracker": saved,
            "here": "register",
            "t": tracker,
            "code": code,
            "project": tracker.project(code),
            "benefits": [b for b in tracker.benefits if b.project == code],
            "milestones": [m for m in tracker.milestones if m.project == code],
            "milestone_words": {k.value: v for k, v in MILESTONE_WORDS.items()},
            "rows": view.register_rows(tracker, code),
        },
    )
