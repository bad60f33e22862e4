"""Signing in and out, the home page and the health check."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy import text

from shareplan.errors import Problem
from shareplan.store.scenarios import scenarios_of
from shareplan.store.trackers import trackers_of
from shareplan.web.deps import CurrentUser, DbSession, page, services
from shareplan.web.forms import error_summary
from shareplan.web.security import check_csrf

router = APIRouter(include_in_schema=False)


def _safe_next(target: str) -> str:
    # only a path on this site, never another site
    return target if target.startswith("/") and not target.startswith("//") else "/"


@router.get("/sign-in")
def sign_in_form(request: Request, next: str = "/") -> Response:
    return page(request, "sign_in.html", {"next": _safe_next(next), "email": "", "errors": None})


@router.post("/sign-in", dependencies=[Depends(check_csrf)])
def sign_in(
    request: Request,
    session: DbSession,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    from shareplan.store.users import authenticate

    limiter = services(request).limiter
    client = request.client.host if request.client else "unknown"
    keys = (f"email:{email.strip().lower()}", f"ip:{client}")
    if limiter.blocked(*keys):
        problems = [
            Problem("Too many failed attempts. Wait 15 minutes, then try again.", column="email")
        ]
        context = {
            "next": _safe_next(next),
            "email": email,
            "errors": error_summary(problems, _fields()),
        }
        return page(request, "sign_in.html", context, 429)
    user = authenticate(session, email, password) if email and password else None
    if user is None:
        limiter.failed(*keys)
        problems = [Problem("Enter a correct email address and password", column="email")]
        if not password:
            problems = [Problem("Enter your password", column="password")]
        if not email:
            problems.insert(0, Problem("Enter your email address", column="email"))
        context = {
            "next": _safe_next(next),
            "email": email,
            "errors": error_summary(problems, _fields()),
        }
        return page(request, "sign_in.html", context, 400)
    limiter.succeeded(*keys)
    request.session.clear()  # a new session on sign-in: no fixation
    request.session["uid"] = user.id
    return RedirectResponse(_safe_next(next), status_code=303)


def _fields() -> list:  # type: ignore[type-arg]
    from shareplan.web.forms import Field

    return [
        Field("email", "", "", "text", "", optional=False),
        Field("password", "", "", "text", ""),
    ]


@router.post("/sign-out", dependencies=[Depends(check_csrf)])
def sign_out(request: Request) -> Response:
    request.session.clear()
    return RedirectResponse("/sign-in", status_code=303)


@router.get("/")
def home(request: Request, user: CurrentUser, session: DbSession) -> Response:
    found = scenarios_of(session, user.authority_ids)
    return page(
        request,
        "home.html",
        {
            "scenarios": found,
            "trackers": trackers_of(session, user.authority_ids),
            "active": "scenarios",
            "can_edit": user.can_edit_any(),
        },
    )


@router.get("/healthz")
def healthz(request: Request) -> Response:
    """200 with the database's and the queue's state; 503 when the database does not answer."""
    svc = services(request)
    try:
        with svc.db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        database = "ok"
    except Exception as exc:  # reported, not raised: this is what the health check is for
        database = f"unreachable ({type(exc).__name__})"
    queue = svc.queue.state() if svc.queue is not None else "not started"
    body = {
        "database": database,
        "database_kind": "sqlite" if svc.db.is_sqlite else "postgresql",
        "queue": queue,
        "queue_kind": svc.queue.name if svc.queue is not None else "",
    }
    return JSONResponse(body, status_code=200 if database == "ok" else 503)
