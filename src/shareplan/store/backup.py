"""Backing up and restoring the whole store as one portable file (gzip'd JSON lines, one table
after another in dependency order), the same on SQLite and PostgreSQL, so a backup taken from one
can be restored into the other."""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import json
from pathlib import Path
from typing import Any

from sqlalchemy import Date, DateTime, delete, insert, select, text

from shareplan.errors import InputError, Problem
from shareplan.store import migrate
from shareplan.store.database import Database
from shareplan.store.models import Base, UTCDateTime

FORMAT = "shareplan-backup/1"


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):  # a datetime is a date too
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    return value


def backup(db: Database, path: Path) -> dict[str, int]:
    """Write every row of every table to ``path``; returns the row count of each table."""
    counts: dict[str, int] = {}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".partial")
    with db.engine.connect() as connection, gzip.open(tmp, "wt", encoding="utf-8") as out:
        out.write(json.dumps({"format": FORMAT, "revision": migrate.current(db)}) + "\n")
        for table in Base.metadata.sorted_tables:
            rows = connection.execute(select(table).order_by(*table.primary_key.columns)).all()
            counts[table.name] = len(rows)
            for row in rows:
                data = {k: _plain(v) for k, v in row._mapping.items()}
                out.write(json.dumps({"table": table.name, "row": data}) + "\n")
    tmp.replace(path)
    return counts


def _typed(table_name: str, row: dict[str, Any]) -> dict[str, Any]:
    table = Base.metadata.tables[table_name]
    out = dict(row)
    for column in table.columns:
        value = out.get(column.name)
        if isinstance(column.type, (DateTime, UTCDateTime)) and isinstance(value, str):
            out[column.name] = dt.datetime.fromisoformat(value)
        elif isinstance(column.type, Date) and isinstance(value, str):
            out[column.name] = dt.date.fromisoformat(value)
    return out


def restore(db: Database, path: Path) -> dict[str, int]:
    """Replace the store's contents with the backup at ``path``, in one transaction."""
    try:
        with gzip.open(path, "rt", encoding="utf-8") as source:
            header = json.loads(source.readline())
            lines = [json.loads(line) for line in source]
    except (OSError, EOFError, json.JSONDecodeError) as exc:
        raise InputError([Problem(f"not a shareplan backup: {exc}", str(path))]) from None
    if header.get("format") != FORMAT:
        raise InputError([Problem("not a shareplan backup", str(path), allowed=FORMAT)])
    migrate.upgrade(db)
    by_table: dict[str, list[dict[str, Any]]] = {t.name: [] for t in Base.metadata.sorted_tables}
    for line in lines:
        by_table[line["table"]].append(_typed(line["table"], line["row"]))
    with db.engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(delete(table))
        for table in Base.metadata.sorted_tables:
            if by_table[table.name]:
                connection.execute(insert(table), by_table[table.name])
        if not db.is_sqlite:
            # identity sequences must continue after the restored ids
            for table in Base.metadata.sorted_tables:
                connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
                    )
                )
    return {name: len(rows) for name, rows in by_table.items()}
