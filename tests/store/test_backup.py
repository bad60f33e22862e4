from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from shareplan.evidence import EvidenceBase
from shareplan.scenario import load_scenario
from shareplan.store import backup, scenarios, users
from shareplan.store.audit import SYSTEM
from shareplan.store.database import Database
from shareplan.store.models import Base

ROOT = Path(__file__).resolve().parents[2]


def _contents(db: Database) -> dict[str, list[tuple[object, ...]]]:
    with db.engine.connect() as connection:
        return {
            t.name: [
                tuple(row)
                for row in connection.execute(sa.select(t).order_by(*t.primary_key.columns))
            ]
            for t in Base.metadata.sorted_tables
        }


def test_a_restored_database_equals_the_backed_up_one(
    db: Database, tmp_path: Path, evidence: EvidenceBase
) -> None:
    scenario = load_scenario(ROOT / "examples" / "rotherham-2010", evidence)
    with db.session() as session:
        user = users.add_user(session, "anne@example.org", "Anne", "a long password", actor=SYSTEM)
        stored = scenarios.import_scenario(session, scenario, name="Rotherham", actor=SYSTEM)
        users.grant(session, user, stored.authority, "editor", actor=SYSTEM)
    before = _contents(db)
    counts = backup.backup(db, tmp_path / "store.backup")
    assert counts["scenario_rows"] > 30 and counts["users"] == 1
    # change and break things, then restore
    with db.session() as session:
        session.execute(sa.text("DELETE FROM memberships"))
        session.execute(sa.text("UPDATE users SET name = 'Someone else'"))
    assert _contents(db) != before
    backup.restore(db, tmp_path / "store.backup")
    assert _contents(db) == before
    # new rows after a restore get fresh ids (sequences continue on PostgreSQL)
    with db.session() as session:
        users.add_user(session, "ben@example.org", "Ben", "another long password", actor=SYSTEM)


def test_a_backup_restores_into_an_empty_database(
    db: Database, tmp_path: Path, evidence: EvidenceBase
) -> None:
    with db.session() as session:
        users.add_user(session, "anne@example.org", "Anne", "a long password", actor=SYSTEM)
    backup.backup(db, tmp_path / "b.gz")
    other = Database(f"sqlite:///{tmp_path / 'other.db'}")
    backup.restore(other, tmp_path / "b.gz")
    # SQLite keeps no time zone, so compare everything but the time stamp
    assert [r[:-1] for r in _contents(other)["users"]] == [r[:-1] for r in _contents(db)["users"]]
    other.dispose()


def test_passwords_are_hashed_with_argon2_and_checked(db: Database) -> None:
    with db.session() as session:
        user = users.add_user(session, "Anne@Example.org", "Anne", "a long password", actor=SYSTEM)
        assert user.password_hash.startswith("$argon2id$")
        assert "a long password" not in user.password_hash
    with db.session() as session:
        assert users.authenticate(session, "anne@example.org", "a long password") is not None
        assert users.authenticate(session, "anne@example.org", "wrong password!") is None
        assert users.authenticate(session, "nobody@example.org", "a long password") is None
