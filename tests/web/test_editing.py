"""Editing and importing through the pages and the API: two editors on one service, the audit
trail of every change, and all-or-nothing imports with the reader's row-level problems."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from shareplan.store import audit
from shareplan.store.database import Database
from shareplan.store.models import ScenarioRecord, ScenarioRow
from tests.web.conftest import ADMIN, EDITOR, ROTHERHAM_SCENARIO, RecordingQueue, csrf

ROOT = Path(__file__).resolve().parents[2]


def _service_row(db: Database) -> ScenarioRow:
    with db.session() as session:
        row = session.scalars(
            select(ScenarioRow)
            .where(ScenarioRow.scenario_id == ROTHERHAM_SCENARIO, ScenarioRow.kind == "service")
            .order_by(ScenarioRow.id)
        ).first()
        assert row is not None
        session.expunge(row)
        return row


class _Fields(HTMLParser):
    """The values a browser would send for a page's form fields."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "input" and "name" in a:
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            if a.get("type") != "submit":
                self.values[a["name"]] = a.get("value", "")
        elif tag == "select":
            self._select = a.get("name")
        elif (
            tag == "option"
            and self._select
            and ("selected" in a or self._select not in self.values)
        ):
            self.values[self._select] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a.get("name")
            self.values[self._textarea or ""] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        if tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.values[self._textarea] += data


def _form(client: TestClient, path: str) -> dict[str, str]:
    parser = _Fields()
    parser.feed(client.get(path).text)
    return {k: v.strip() if k == "notes" else v for k, v in parser.values.items()}


def test_two_editors_save_the_same_service_and_the_second_gets_the_conflict_page(
    clients: dict[str, TestClient], workspace: Database
) -> None:
    row = _service_row(workspace)
    path = f"/scenarios/{ROTHERHAM_SCENARIO}/rows/{row.id}"
    editor, admin = clients["editor"], clients["admin"]
    first = _form(editor, path)
    second = _form(admin, path)  # both have the page open at the same version
    assert first["version"] == second["version"] == str(row.version)

    first["gross_cost"] = "1234567"
    saved = editor.post(path, data=first, follow_redirects=False)
    assert saved.status_code == 303

    second["gross_cost"] = "7654321"
    refused = admin.post(path, data=second)
    assert refused.status_code == 409
    assert "Someone else changed this" in refused.text
    assert EDITOR in refused.text  # who changed it
    assert (
        "1234567" in refused.text.replace(",", "") and "7654321" in refused.text
    )  # theirs and yours

    kept = _service_row(workspace)
    assert kept.data["gross_cost"] == 1234567.0  # the first save is not lost
    assert kept.version == row.version + 1


def test_every_change_is_in_the_audit_log_with_user_time_before_and_after(
    clients: dict[str, TestClient], workspace: Database
) -> None:
    row = _service_row(workspace)
    path = f"/scenarios/{ROTHERHAM_SCENARIO}/rows/{row.id}"
    form = _form(clients["admin"], path)
    form["fte"] = "99"
    assert clients["admin"].post(path, data=form, follow_redirects=False).status_code == 303
    with workspace.session() as session:
        entry = audit.entries(session)[0]
        assert entry.actor == ADMIN and entry.user_id is not None and entry.at is not None
        assert entry.action == "update" and entry.entity == "service" and entry.entity_id == row.key
        assert entry.before is not None and entry.after is not None
        assert entry.before["fte"] == row.data["fte"] and entry.after["fte"] == 99.0
    page = clients["viewer"].get("/audit").text
    assert f"changed service {row.key}" in page and ADMIN in page and "fte: 99" in page


def test_a_wrong_value_is_shown_as_an_error_summary_linked_to_its_field(
    clients: dict[str, TestClient], workspace: Database
) -> None:
    row = _service_row(workspace)
    path = f"/scenarios/{ROTHERHAM_SCENARIO}/rows/{row.id}"
    form = _form(clients["editor"], path)
    form["gross_cost"] = "lots"
    response = clients["editor"].post(path, data=form)
    assert response.status_code == 400
    assert 'class="govuk-error-summary"' in response.text
    assert 'href="#f-gross-cost"' in response.text
    assert 'id="f-gross-cost-error"' in response.text  # the field's own error message
    assert _service_row(workspace).version == row.version  # nothing saved


def test_importing_a_workbook_with_problems_saves_nothing_and_lists_each_row(
    clients: dict[str, TestClient], workspace: Database, tmp_path: Path
) -> None:
    folder = tmp_path / "broken"
    folder.mkdir()
    for source in (ROOT / "examples" / "rotherham-2010").glob("*.csv"):
        text = source.read_text(encoding="utf-8")
        if source.name == "services.csv":
            lines = text.splitlines()
            lines[2] = lines[2].replace(",back_office,", ",middle_office,", 1)
            text = "\n".join(lines) + "\n"
        (folder / source.name).write_text(text, encoding="utf-8")
    with workspace.session() as session:
        before = session.scalar(select(func.count()).select_from(ScenarioRecord))
    files = [
        ("scenario_file", (p.name, p.read_bytes(), "text/csv"))
        for p in sorted(folder.glob("*.csv"))
    ]
    response = clients["editor"].post(
        "/scenarios/import",
        data={"csrf_token": csrf(clients["editor"], "/scenarios/import")},
        files=files,
    )
    assert response.status_code == 400
    assert "There is a problem" in response.text
    assert "sheet &#39;services&#39;, row 3, column &#39;kind&#39;" in response.text
    assert 'href="#scenario-file"' in response.text
    with workspace.session() as session:
        assert session.scalar(select(func.count()).select_from(ScenarioRecord)) == before


def test_importing_the_rotherham_workbook_makes_a_scenario_that_exports_back(
    clients: dict[str, TestClient], workspace: Database
) -> None:
    workbook = ROOT / "examples" / "rotherham-2010.xlsx"
    editor = clients["editor"]
    response = editor.post(
        "/scenarios/import",
        data={"csrf_token": csrf(editor, "/scenarios/import"), "name": "Rotherham again"},
        files={"scenario_file": (workbook.name, workbook.read_bytes())},
        follow_redirects=False,
    )
    assert response.status_code == 303
    page = editor.get(response.headers["location"])
    assert "Rotherham again" in page.text
    exported = editor.get(response.headers["location"] + "/export.xlsx")
    assert exported.status_code == 200 and exported.content[:2] == b"PK"


def test_the_api_refuses_a_stale_version_with_409_and_accepts_the_current_one(
    clients: dict[str, TestClient],
) -> None:
    editor = clients["editor"]
    row = editor.get(f"/api/v1/scenarios/{ROTHERHAM_SCENARIO}/rows?kind=service").json()[0]
    url = f"/api/v1/scenarios/{ROTHERHAM_SCENARIO}/rows/{row['id']}"
    changed = {**row["data"], "gross_cost": 500000.0}
    ok = editor.put(url, json={"version": row["version"], "data": changed})
    assert ok.status_code == 200 and ok.json()["version"] == row["version"] + 1
    stale = editor.put(url, json={"version": row["version"], "data": changed})
    assert stale.status_code == 409
    assert stale.json()["changed_by"] == EDITOR
    bad = editor.put(url, json={"version": row["version"] + 1, "data": {**changed, "fte": -1}})
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["column"] == "fte"


def test_a_scenario_can_be_started_as_a_copy_or_from_the_blank_workbook(
    clients: dict[str, TestClient], workspace: Database
) -> None:
    editor = clients["editor"]
    response = editor.post(
        f"/scenarios/{ROTHERHAM_SCENARIO}/copy",
        data={"csrf_token": csrf(editor, "/"), "name": "Rotherham, lower budget"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    with workspace.session() as session:
        copy = session.scalars(
            select(ScenarioRecord).where(ScenarioRecord.name == "Rotherham, lower budget")
        ).one()
        original = session.get(ScenarioRecord, ROTHERHAM_SCENARIO)
        assert original is not None
        assert len(copy.rows) == len(original.rows) and copy.settings == original.settings
    blank = editor.get("/scenarios/template.xlsx")
    assert blank.status_code == 200 and blank.content[:2] == b"PK"
    assert (
        clients["viewer"]
        .post(
            f"/scenarios/{ROTHERHAM_SCENARIO}/copy",
            data={"csrf_token": csrf(clients["viewer"], "/")},
        )
        .status_code
        == 403
    )


def test_each_kind_of_change_leaves_an_audit_entry_with_who_when_before_and_after(
    clients: dict[str, TestClient], workspace: Database
) -> None:
    editor = clients["editor"]
    with workspace.session() as session:
        start = len(audit.entries(session, limit=10_000))
    base = f"/scenarios/{ROTHERHAM_SCENARIO}"
    # settings
    settings = _form(editor, base + "/settings")
    settings["implementation_budget"] = "1500000"
    assert editor.post(base + "/settings", data=settings, follow_redirects=False).status_code == 303
    # a new partner, then its removal
    new = _form(editor, base + "/rows/new/partner")
    new.update(
        id="test_partner",
        name="Test partner",
        sector="local_authority",
        geography="sub_region",
        affinity="3",
    )
    assert (
        editor.post(base + "/rows/new/partner", data=new, follow_redirects=False).status_code == 303
    )
    with workspace.session() as session:
        row = session.scalars(select(ScenarioRow).where(ScenarioRow.key == "test_partner")).one()
        row_id, version = row.id, row.version
    removed = {"csrf_token": csrf(editor, "/"), "version": str(version), "action": "delete"}
    assert (
        editor.post(f"{base}/rows/{row_id}", data=removed, follow_redirects=False).status_code
        == 303
    )
    # an appraisal asked for (the job itself is the jobs tests' business)
    editor.app.state.services.queue = RecordingQueue()
    assert (
        editor.post(
            f"{base}/runs", data={"csrf_token": csrf(editor, "/")}, follow_redirects=False
        ).status_code
        == 303
    )
    with workspace.session() as session:
        entries = audit.entries(session, limit=10_000)[
            : len(audit.entries(session, limit=10_000)) - start
        ]
    kinds = [(e.action, e.entity) for e in reversed(entries)]
    assert kinds == [
        ("update", "scenario"),
        ("create", "partner"),
        ("delete", "partner"),
        ("run", "appraisal"),
    ]
    for e in entries:
        assert e.actor == EDITOR and e.user_id is not None and e.at is not None
    settings_entry, created, deleted, _ = reversed(entries)
    assert settings_entry.before is not None and settings_entry.after is not None
    assert settings_entry.after["implementation_budget"] == 1_500_000.0
    assert settings_entry.before["implementation_budget"] != 1_500_000.0
    assert (
        created.before is None
        and created.after is not None
        and created.after["name"] == "Test partner"
    )
    assert (
        deleted.after is None
        and deleted.before is not None
        and deleted.before["id"] == "test_partner"
    )
