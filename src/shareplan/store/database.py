"""Where the database is and how to connect to it.

SQLite in the user's data folder unless ``SHAREPLAN_DATABASE_URL`` names another database
(``postgresql+psycopg://user@host/db`` for a team). SQLite connections turn on write-ahead logging
(readers never wait for the writer) and foreign keys (off by default in SQLite).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

ENV_URL = "SHAREPLAN_DATABASE_URL"


def default_database_path() -> Path:
    """``$XDG_DATA_HOME/shareplan/shareplan.db`` (``~/.local/share`` when the variable is unset)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "shareplan" / "shareplan.db"


def database_url(url: str | None = None) -> str:
    """The URL given, else ``SHAREPLAN_DATABASE_URL``, else SQLite in the data folder."""
    chosen = url or os.environ.get(ENV_URL)
    if chosen:
        return chosen
    path = default_database_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    # several processes (web, worker) share the file: wait for a lock rather than fail at once
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


class Database:
    """One database: its engine and a session factory. ``schema`` (PostgreSQL only) puts every table
    in that schema, which lets tests run side by side in one database."""

    def __init__(self, url: str | None = None, *, schema: str | None = None) -> None:
        self.url = database_url(url)
        self.schema = schema
        self.is_sqlite = self.url.startswith("sqlite")
        kwargs: dict[str, Any] = {"future": True}
        if self.url not in ("sqlite://", "sqlite:///:memory:"):
            # as many connections as the web server runs request threads (40): none waits for one
            kwargs.update(pool_size=10, max_overflow=30)
        if self.is_sqlite:
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 10}
        else:
            kwargs["pool_pre_ping"] = True
            if schema:
                kwargs["connect_args"] = {"options": f"-csearch_path={schema}"}
        self.engine: Engine = create_engine(self.url, **kwargs)
        if self.is_sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session whose work is committed together at the end, or not at all."""
        with self.sessions() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()

    def describe(self) -> str:
        """The URL without any password, for messages."""
        return self.engine.url.render_as_string(hide_password=True)
