"""The workspace commands: ``shareplan db upgrade|backup|restore``, ``user add``, ``worker``."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from shareplan.cli import app
from shareplan.store import migrate
from shareplan.store.database import Database
from shareplan.store.users import authenticate, roles_of

runner = CliRunner()


def test_db_upgrade_user_add_backup_and_restore(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    upgraded = runner.invoke(app, ["db", "upgrade", "--database-url", url, "--json"])
    assert upgraded.exit_code == 0, upgraded.output
    assert json.loads(upgraded.output)["revision"] == migrate.head()

    added = runner.invoke(
        app,
        [
            "user",
            "add",
            "first@council.example",
            "--authority",
            "Exampleton",
            "--role",
            "admin",
            "--password",
            "a long password",
            "--database-url",
            url,
        ],
    )
    assert added.exit_code == 0, added.output
    db = Database(url)
    with db.session() as session:
        user = authenticate(session, "first@council.example", "a long password")
        assert user is not None and user.is_admin
        assert list(roles_of(session, user.id).values()) == ["admin"]

    backup = tmp_path / "ws.backup"
    assert runner.invoke(app, ["db", "backup", str(backup), "--database-url", url]).exit_code == 0
    other = f"sqlite:///{tmp_path / 'other.db'}"
    restored = runner.invoke(app, ["db", "restore", str(backup), "--database-url", other, "--json"])
    assert restored.exit_code == 0, restored.output
    assert json.loads(restored.output)["rows"]["users"] == 1
    with Database(other).session() as session:
        assert authenticate(session, "first@council.example", "a long password") is not None
    db.dispose()


def test_user_mistakes_exit_2_without_a_traceback(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    short = runner.invoke(
        app,
        [
            "user",
            "add",
            "x@council.example",
            "--authority",
            "A",
            "--password",
            "short",
            "--database-url",
            url,
        ],
    )
    assert short.exit_code == 2 and "too short" in short.output
    missing = runner.invoke(app, ["db", "restore", str(tmp_path / "nope"), "--database-url", url])
    assert missing.exit_code == 2 and "no such backup file" in missing.output
    worker = runner.invoke(app, ["worker", "--database-url", url])
    assert worker.exit_code == 2 and "PostgreSQL" in worker.output
