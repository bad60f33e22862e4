"""The web app's fixtures: a workspace with the Rotherham example appraised once per test session
(copied for each test, so tests never see each other's changes), a second authority with its own
scenario and editor, and signed-in clients for each role."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import update

from shareplan.evidence import EvidenceBase
from shareplan.scenario import load_scenario
from shareplan.store.audit import SYSTEM
from shareplan.store.database import Database
from shareplan.store.models import User
from shareplan.store.scenarios import import_scenario
from shareplan.store.users import _hasher, add_user, grant
from shareplan.web import WebSettings, create_app
from shareplan.web.demo import set_up

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PASSWORD = "correct horse battery"
VIEWER = "viewer@demo.shareplan.example"
EDITOR = "editor@demo.shareplan.example"
ADMIN = "admin@demo.shareplan.example"
OTHER = "editor@exampleton.example"
ROTHERHAM_SCENARIO = 1
ROTHERHAM_RUN = 1


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory, evidence: EvidenceBase) -> Path:
    folder = tmp_path_factory.mktemp("workspace")
    path = folder / "template.db"
    db = Database(f"sqlite:///{path}")
    set_up(db)
    with db.session() as session:
        other = import_scenario(
            session, load_scenario(FIXTURES / "minimal", evidence), name="Exampleton", actor=SYSTEM
        )
        user = add_user(session, OTHER, "Other editor", PASSWORD, actor=SYSTEM)
        grant(session, user, other.authority, "editor", actor=SYSTEM)
        session.execute(update(User).values(password_hash=_hasher.hash(PASSWORD)))
    db.dispose()
    return path


class RecordingQueue:
    """A queue that records the runs asked for and runs none (for tests about the asking)."""

    name = "recording (tests)"

    def __init__(self) -> None:
        self.run_ids: list[int] = []

    def enqueue(self, run_id: int) -> None:
        self.run_ids.append(run_id)

    def state(self) -> str:
        return "ok"

    def close(self) -> None:
        return None


def copy_workspace(template: Path, folder: Path) -> Database:
    target = folder / "workspace.db"
    shutil.copy(template, target)
    return Database(f"sqlite:///{target}")


@pytest.fixture
def workspace(template_db: Path, tmp_path: Path) -> Iterator[Database]:
    db = copy_workspace(template_db, tmp_path)
    yield db
    db.dispose()


def make_app(db: Database, folder: Path, **settings: object) -> FastAPI:
    return create_app(
        WebSettings(**{"secure_cookies": False, "reports_folder": folder / "reports", **settings}),  # type: ignore[arg-type]
        db=db,
    )


@pytest.fixture
def app(workspace: Database, tmp_path: Path) -> FastAPI:
    return make_app(workspace, tmp_path)


def csrf(client: TestClient, path: str = "/sign-in") -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def sign_in(client: TestClient, email: str, password: str = PASSWORD) -> None:
    response = client.post(
        "/sign-in",
        data={"email": email, "password": password, "csrf_token": csrf(client), "next": "/"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text[:500]


@pytest.fixture
def clients(app: FastAPI) -> Iterator[dict[str, TestClient]]:
    """A signed-in client per role (and one of the other authority), sharing one app."""
    made: dict[str, TestClient] = {}
    with TestClient(app) as anonymous:
        made["anonymous"] = anonymous
        for name, email in (
            ("viewer", VIEWER),
            ("editor", EDITOR),
            ("admin", ADMIN),
            ("other", OTHER),
        ):
            client = TestClient(app)
            sign_in(client, email)
            made[name] = client
        yield made


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium through Playwright, for a module's browser tests."""
    from playwright.sync_api import sync_playwright

    from tests.accessibility import launch_chromium

    with sync_playwright() as p:
        launched = launch_chromium(p)
        yield launched
        launched.close()
