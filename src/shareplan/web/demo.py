"""The demonstration workspace: the Rotherham 2010 example imported and appraised, and one user
for each role, so that ``shareplan serve --demo`` shows everything at once."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from shareplan.errors import InputError, Problem
from shareplan.evidence import load_evidence
from shareplan.jobs.appraisal import execute_run
from shareplan.scenario import load_scenario
from shareplan.store import migrate
from shareplan.store.audit import SYSTEM
from shareplan.store.database import Database
from shareplan.store.models import ScenarioRecord, User
from shareplan.store.runs import request_run
from shareplan.store.scenarios import import_scenario
from shareplan.store.users import add_user, grant

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "rotherham-2010.xlsx"
ROLES = ("viewer", "editor", "admin")


@dataclass(frozen=True)
class DemoUser:
    role: str
    email: str
    password: str


def example_path() -> Path:
    if not EXAMPLE.exists():
        raise InputError(
            [Problem("the Rotherham example is not beside this copy of shareplan", str(EXAMPLE))]
        )
    return EXAMPLE


def set_up(db: Database, *, appraise: bool = True) -> list[DemoUser]:
    """Load and appraise the example (once), and give each demo user a fresh password."""
    migrate.upgrade(db)
    evidence = load_evidence()
    credentials: list[DemoUser] = []
    with db.session() as session:
        record = session.scalar(
            select(ScenarioRecord).where(ScenarioRecord.name == "Rotherham 2010")
        )
        if record is None:
            scenario = load_scenario(example_path(), evidence)
            record = import_scenario(session, scenario, name="Rotherham 2010", actor=SYSTEM)
        for role in ROLES:
            email = f"{role}@demo.shareplan.example"
            password = secrets.token_urlsafe(9)
            user = session.scalar(select(User).where(User.email == email))
            if user is None:
                user = add_user(
                    session, email, f"Demo {role}", password, is_admin=role == "admin", actor=SYSTEM
                )
            else:
                from shareplan.store.users import _hasher

                user.password_hash = _hasher.hash(password)
            grant(session, user, record.authority, role, actor=SYSTEM)
            credentials.append(DemoUser(role, email, password))
        needs_run = not any(r.status == "done" for r in record.runs)
        run_id = request_run(session, record, actor=SYSTEM).id if appraise and needs_run else None
    if run_id is not None:
        execute_run(db, run_id, evidence=evidence)
    return credentials
