"""The audit log: every change to an authority's data, with who made it, when, and the record
before and after. Entries are only ever added; the ORM refuses to update or delete one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from shareplan.store.models import AuditEntry


@dataclass(frozen=True)
class Actor:
    """Who is making a change: a signed-in user, or a command run on the server."""

    email: str
    user_id: int | None = None


SYSTEM = Actor("shareplan (command line)")


class AuditLogIsAppendOnly(RuntimeError):
    """Raised when code tries to change or remove an audit entry."""


@event.listens_for(AuditEntry, "before_update")
def _refuse_update(*_: Any) -> None:
    raise AuditLogIsAppendOnly("audit entries are never changed")


@event.listens_for(AuditEntry, "before_delete")
def _refuse_delete(*_: Any) -> None:
    raise AuditLogIsAppendOnly("audit entries are never removed")


def record(
    session: Session,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: str | int,
    *,
    authority_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    summary: str = "",
) -> AuditEntry:
    """Add one entry in the caller's transaction, so that the change and its record stand or fall
    together."""
    entry = AuditEntry(
        user_id=actor.user_id,
        actor=actor.email,
        authority_id=authority_id,
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        summary=summary[:500],
        before=before,
        after=after,
    )
    session.add(entry)
    return entry


def entries(
    session: Session, *, authority_ids: list[int] | None = None, limit: int = 200
) -> list[AuditEntry]:
    """The newest entries first, optionally only those about the given authorities."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if authority_ids is not None:
        query = query.where(AuditEntry.authority_id.in_(authority_ids))
    return list(session.scalars(query))
