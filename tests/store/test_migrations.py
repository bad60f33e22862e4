from __future__ import annotations

import sqlalchemy as sa

from shareplan.store import migrate
from shareplan.store.database import Database
from shareplan.store.models import Base


def test_an_empty_database_upgrades_to_head_with_every_table(empty_db: Database) -> None:
    assert migrate.current(empty_db) is None
    migrate.upgrade(empty_db)
    assert migrate.current(empty_db) == migrate.head()
    tables = set(sa.inspect(empty_db.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables


def test_autogenerate_finds_no_drift_between_models_and_migrations(db: Database) -> None:
    assert migrate.drift(db) == []


def test_upgrading_twice_changes_nothing(db: Database) -> None:
    migrate.upgrade(db)
    assert migrate.current(db) == migrate.head()


def test_sqlite_uses_write_ahead_logging_and_foreign_keys(tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = Database(f"sqlite:///{tmp_path / 'x.db'}")
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    db.dispose()
