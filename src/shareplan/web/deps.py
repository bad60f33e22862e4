"""What a request needs: the app's services, a database session, the signed-in user, and access
to one authority's scenario, run or tracker (404 for an authority the user does not belong to,
403 when their role there is too low)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Path, Request
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from shareplan.evidence import EvidenceBase
from shareplan.jobs.queues import LocalQueue, ProcrastinateQueue
from shareplan.store.audit import Actor
from shareplan.store.database import Database
from shareplan.store.models import ROLES, AppraisalRun, ScenarioRecord, TrackerRecord, User
from shareplan.store.users import roles_of
from shareplan.web.security import SignInLimiter
from shareplan.web.settings import WebSettings


@dataclass
class Services:
    settings: WebSettings
    db: Database
    queue: LocalQueue | ProcrastinateQueue | None
    templates: Jinja2Templates
    evidence: EvidenceBase
    limiter: SignInLimiter


def services(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


def db_session(request: Request) -> Iterator[Session]:
    """One transaction per request, committed when the endpoint returns (before the response is
    sent, so a redirect never reaches a page that cannot yet see the change), rolled back if it
    raises. An endpoint may roll back itself (a refused save) and go on reading."""
    session = services(request).db.sessions()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


DbSession = Annotated[Session, Depends(db_session, scope="function")]


MAX_ID = 2**31 - 1
RecordId = Annotated[int, Path(ge=1, le=MAX_ID, description="A record's id")]
"""An id in a path: bounded, so that no number is too large for the database to look up."""


class SignInRequired(Exception):
    """No signed-in user: pages send them to sign in, the API answers 401."""


@dataclass(frozen=True)
class SignedIn:
    id: int
    email: str
    name: str
    is_admin: bool
    roles: dict[int, str]

    @property
    def actor(self) -> Actor:
        return Actor(self.email, self.id)

    @property
    def authority_ids(self) -> list[int]:
        return sorted(self.roles)

    def can(self, authority_id: int, role: str) -> bool:
        have = self.roles.get(authority_id)
        return have is not None and ROLES.index(have) >= ROLES.index(role)

    def can_edit_any(self) -> bool:
        return any(self.can(a, "editor") for a in self.roles)


def optional_user(request: Request, session: DbSession) -> SignedIn | None:
    uid = request.session.get("uid")
    if not isinstance(uid, int):
        return None
    user = session.get(User, uid)
    if user is None or not user.active:
        request.session.pop("uid", None)
        return None
    signed = SignedIn(user.id, user.email, user.name, user.is_admin, roles_of(session, user.id))
    request.state.user = signed
    return signed


def current_user(user: Annotated[SignedIn | None, Depends(optional_user)]) -> SignedIn:
    if user is None:
        raise SignInRequired
    return user


CurrentUser = Annotated[SignedIn, Depends(current_user)]


def _allowed(user: SignedIn, authority_id: int, role: str) -> None:
    if authority_id not in user.roles:
        # another authority's data: not even its existence is confirmed
        raise HTTPException(status_code=404, detail="not found")
    if not user.can(authority_id, role):
        raise HTTPException(status_code=403, detail=f"needs the {role} role")


def scenario_for(session: Session, user: SignedIn, scenario_id: int, role: str) -> ScenarioRecord:
    record = session.get(ScenarioRecord, scenario_id)
    if record is None:
        raise HTTPException(status_code=404, detail="not found")
    _allowed(user, record.authority_id, role)
    return record


def run_for(session: Session, user: SignedIn, run_id: int, role: str) -> AppraisalRun:
    run = session.get(AppraisalRun, run_id)
    if run is None:
        raise HTTPException(status_code=404, detail="not found")
    _allowed(user, run.scenario.authority_id, role)
    return run


def tracker_for(session: Session, user: SignedIn, tracker_id: int, role: str) -> TrackerRecord:
    found = session.get(TrackerRecord, tracker_id)
    if found is None:
        raise HTTPException(status_code=404, detail="not found")
    _allowed(user, found.authority_id, role)
    return found


def page(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> Response:
    """Render template ``name`` with what every page needs (the user, the CSRF token)."""
    from shareplan.web.security import csrf_token

    base = {
        "request": request,
        "user": getattr(request.state, "user", None),
        "csrf_token": csrf_token(request),
    }
    response: Response = services(request).templates.TemplateResponse(
        request, name, {**base, **context}, status_code=status_code
    )
    return response
