"""Users, their passwords (argon2id) and their memberships of authorities with a role."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from shareplan.errors import InputError, Problem
from shareplan.store.audit import Actor, record
from shareplan.store.models import ROLES, AuthorityRecord, Membership, User

_hasher = PasswordHasher()
# verified against when the email is unknown, so that a wrong email costs as long as a wrong password
_DUMMY = _hasher.hash("not a password anyone has")

MIN_PASSWORD = 10


def add_user(
    session: Session,
    email: str,
    name: str,
    password: str,
    *,
    is_admin: bool = False,
    actor: Actor,
) -> User:
    email = email.strip().lower()
    problems = []
    if "@" not in email:
        problems.append(Problem("not an email address", column="email"))
    if len(password) < MIN_PASSWORD:
        problems.append(
            Problem(
                "the password is too short",
                column="password",
                allowed=f"{MIN_PASSWORD}+ characters",
            )
        )
    if session.scalar(select(User).where(User.email == email)) is not None:
        problems.append(Problem(f"a user {email!r} already exists", column="email"))
    if problems:
        raise InputError(problems)
    user = User(
        email=email, name=name or email, password_hash=_hasher.hash(password), is_admin=is_admin
    )
    session.add(user)
    session.flush()
    record(
        session,
        actor,
        "create",
        "user",
        user.id,
        after={"email": email, "name": user.name, "is_admin": is_admin},
        summary=f"added user {email}",
    )
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    try:
        _hasher.verify(user.password_hash if user else _DUMMY, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    return user


def authority_named(session: Session, name: str, ons_code: str | None = None) -> AuthorityRecord:
    """The authority called ``name``, added if it is not there yet."""
    found = session.scalar(select(AuthorityRecord).where(AuthorityRecord.name == name))
    if found is None:
        found = AuthorityRecord(name=name, ons_code=ons_code)
        session.add(found)
        session.flush()
    return found


def grant(
    session: Session, user: User, authority: AuthorityRecord, role: str, *, actor: Actor
) -> Membership:
    if role not in ROLES:
        raise InputError(
            [Problem(f"unknown role {role!r}", column="role", allowed=", ".join(ROLES))]
        )
    membership = session.scalar(
        select(Membership).where(
            Membership.user_id == user.id, Membership.authority_id == authority.id
        )
    )
    before = {"role": membership.role} if membership else None
    if membership is None:
        membership = Membership(user_id=user.id, authority_id=authority.id, role=role)
        session.add(membership)
    membership.role = role
    session.flush()
    record(
        session,
        actor,
        "grant",
        "membership",
        membership.id,
        authority_id=authority.id,
        before=before,
        after={"user": user.email, "authority": authority.name, "role": role},
        summary=f"{user.email} is {role} of {authority.name}",
    )
    return membership


def roles_of(session: Session, user_id: int) -> dict[int, str]:
    """The user's role in each authority they belong to, by authority id."""
    rows = session.execute(
        select(Membership.authority_id, Membership.role).where(Membership.user_id == user_id)
    )
    return {authority_id: role for authority_id, role in rows}
