"""Alembic's environment: run by :mod:`shareplan.store.migrate` with the connection already open."""

from __future__ import annotations

from alembic import context

from shareplan.store.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    # SQLite has almost no ALTER TABLE: batch mode copies the table instead
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
