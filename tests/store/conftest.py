"""Store fixtures: a migrated database on SQLite always, and on PostgreSQL too when
SHAREPLAN_TEST_DATABASE_URL is set, each test in tables of its own (a fresh SQLite file, or a
PostgreSQL schema made for the test and dropped after it), so runs never clash."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from shareplan.store import migrate
from shareplan.store.database import Database

PG_URL = os.environ.get("SHAREPLAN_TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


def fresh_database(backend: str, tmp_path: Path) -> Iterator[Database]:
    if backend == "sqlite":
        db = Database(f"sqlite:///{tmp_path / 'store.db'}")
        yield db
        db.dispose()
        return
    assert PG_URL
    schema = f"shareplan_t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_URL)
    with admin.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    db = Database(PG_URL, schema=schema)
    try:
        yield db
    finally:
        db.dispose()
        with admin.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def empty_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    yield from fresh_database(request.param, tmp_path)


@pytest.fixture
def db(empty_db: Database) -> Database:
    migrate.upgrade(empty_db)
    return empty_db
