"""Schema migrations (Alembic): bring a database to the newest schema, and check that the models
and the migrations agree (autogenerate finds nothing to add)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from shareplan.store.database import Database
from shareplan.store.models import Base

MIGRATIONS = Path(__file__).with_name("migrations")


def _config(db: Database, connection: Any) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def upgrade(db: Database, revision: str = "head") -> None:
    """Apply every migration not yet applied (an empty database gets every table)."""
    with db.engine.begin() as connection:
        command.upgrade(_config(db, connection), revision)


def revision(db: Database, message: str) -> None:
    """Write a new migration from the difference between the models and the database (developers)."""
    with db.engine.begin() as connection:
        command.revision(_config(db, connection), message=message, autogenerate=True)


def current(db: Database) -> str | None:
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head() -> str | None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config).get_current_head()


def drift(db: Database) -> list[Any]:
    """What autogenerate would add to a new migration; empty when the models match the database."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))
