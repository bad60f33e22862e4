"""The audit log, and managing users (administrators only)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from shareplan.errors import InputError, Problem
from shareplan.store import audit
from shareplan.store.models import ROLES, AuthorityRecord, User
from shareplan.store.users import add_user, grant
from shareplan.web.deps import MAX_ID, CurrentUser, DbSession, SignedIn, page
from shareplan.web.forms import Field, error_summary
from shareplan.web.security import check_csrf

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])


@router.get("/audit")
def audit_log(request: Request, user: CurrentUser, session: DbSession) -> Response:
    ids = None if user.is_admin else user.authority_ids
    names = {a.id: a.name for a in session.scalars(select(AuthorityRecord))}
    return page(
        request,
        "audit.html",
        {"entries": audit.entries(session, authority_ids=ids), "names": names, "active": "audit"},
    )


def _admin(user: SignedIn) -> None:
    if not user.is_admin:
        raise HTTPException(403)


USER_FIELDS = [
    Field("email", "Email address", "", "text", ""),
    Field("name", "Name", "", "text", ""),
    Field("password", "Password", "At least 10 characters", "text", ""),
    Field("authority", "Authority", "", "select", ""),
    Field("role", "Role", "", "select", ""),
]


def _users_page(
    request: Request, session: DbSession, errors: dict[str, object] | None = None, status: int = 200
) -> Response:
    users = list(session.scalars(select(User).order_by(User.email)))
    authorities = list(session.scalars(select(AuthorityRecord).order_by(AuthorityRecord.name)))
    return page(
        request,
        "users.html",
        {
            "users": users,
            "authorities": authorities,
            "roles": ROLES,
            "errors": errors,
            "active": "users",
        },
        status,
    )


@router.get("/admin/users")
def users(request: Request, user: CurrentUser, session: DbSession) -> Response:
    _admin(user)
    return _users_page(request, session)


@router.post("/admin/users")
async def add(request: Request, user: CurrentUser, session: DbSession) -> Response:
    _admin(user)
    form = await request.form()
    text = {k: str(v) for k, v in form.items()}
    try:
        chosen = text.get("authority", "")
        authority = (
            session.get(AuthorityRecord, int(chosen))
            if chosen.isdigit() and int(chosen) <= MAX_ID
            else None
        )
        if authority is None:
            raise InputError([])
        new = add_user(
            session,
            text.get("email", ""),
            text.get("name", ""),
            text.get("password", ""),
            actor=user.actor,
        )
        grant(session, new, authority, text.get("role", "viewer"), actor=user.actor)
    except InputError as exc:
        session.rollback()
        problems = exc.problems or [Problem("Choose an authority", column="authority")]
        return _users_page(request, session, error_summary(problems, USER_FIELDS), 400)
    return RedirectResponse("/admin/users", status_code=303)
