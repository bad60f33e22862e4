"""The tracking pages through FastAPI's test client: starting a tracker from a finished
appraisal, loading a ledger extract (all or nothing, every problem named), the status, register
and chart, the report download, and who may do what."""

from __future__ import annotations

import datetime as dt
import html as html_module
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from shareplan.store.audit import SYSTEM
from shareplan.store.database import Database
from shareplan.store.models import AppraisalRun, AuditEntry, TrackerActual, TrackerRecord
from shareplan.store.runs import results_of
from shareplan.store.trackers import start_tracker
from shareplan.tracking.baseline import DEFAULT_DRAWS
from shareplan.tracking.files import read_ledger
from tests.web.conftest import ROTHERHAM_RUN, csrf

ROOT = Path(__file__).resolve().parents[2]
LEDGER = ROOT / "examples" / "rotherham-2010-tracking" / "ledger"
DECISION = dt.date(2010, 12, 15)


def start(db: Database, draws: int = DEFAULT_DRAWS) -> int:
    """A tracker of the Rotherham appraisal's chosen programme, made through the store."""
    with db.session() as session:
        run = session.get(AppraisalRun, ROTHERHAM_RUN)
        assert run is not None
        chosen = results_of(run).chosen
        assert chosen is not None
        saved = start_tracker(
            session, run, chosen.selected_ids, DECISION, actor=SYSTEM, draws=draws
        )
        return saved.id


@pytest.fixture
def tracker_id(workspace: Database) -> int:
    return start(workspace)


def upload(client: TestClient, tracker_id: int, path: Path, name: str | None = None) -> object:
    token = csrf(client, f"/trackers/{tracker_id}/actuals")
    return client.post(
        f"/trackers/{tracker_id}/actuals",
        data={"csrf_token": token},
        files={"ledger_file": (name or path.name, path.read_bytes(), "text/csv")},
        follow_redirects=False,
    )


def _plain(html: str) -> str:
    return html_module.unescape(re.sub(r"\s+", " ", re.sub("<[^>]+>", " ", html))).strip()


def _summary(html: str) -> list[str]:
    box = html.split('govuk-error-summary__list">')[1].split("</ul>")[0]
    return [_plain(item) for item in box.split("<li>")[1:]]


def test_an_editor_starts_tracking_from_a_finished_appraisal(
    clients: dict[str, TestClient], workspace: Database
) -> None:
    editor = clients["editor"]
    form = editor.get(f"/runs/{ROTHERHAM_RUN}/track")
    assert form.status_code == 200
    with workspace.session() as session:
        run = session.get(AppraisalRun, ROTHERHAM_RUN)
        assert run is not None
        chosen = results_of(run).chosen
        assert chosen is not None
    ticked = re.findall(r'name="approved" type="checkbox" value="([^"]+)" checked', form.text)
    assert set(ticked) == set(chosen.selected_ids)
    response = editor.post(
        f"/runs/{ROTHERHAM_RUN}/track",
        data={
            "csrf_token": csrf(editor, f"/runs/{ROTHERHAM_RUN}/track"),
            "approved": list(reversed(chosen.selected_ids[:2])),
            "decision-day": "15",
            "decision-month": "12",
            "decision-year": "2010",
            "frequency": "quarterly",
            "name": "Rotherham benefits",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text[:2000]
    page = editor.get(response.headers["location"])
    assert "Rotherham benefits" in page.text
    assert "Status at 15 December 2010: 0 red, 0 amber, 2 green." in page.text
    with workspace.session() as session:
        saved = session.scalars(select(TrackerRecord)).one()
        # coded in the programme's order whatever the order ticked, as track start codes them
        assert [p["opportunity_id"] for p in saved.projects] == list(chosen.selected_ids[:2])
        assert [p["code"] for p in saved.projects] == ["SS01", "SS02"]
        entry = session.scalars(select(AuditEntry).where(AuditEntry.entity == "tracker")).one()
        assert entry.actor == "editor@demo.shareplan.example" and entry.action == "start"
    assert "Rotherham benefits" in editor.get("/").text
    assert "Rotherham benefits" in clients["viewer"].get(f"/runs/{ROTHERHAM_RUN}").text


def test_the_start_form_lists_every_problem(clients: dict[str, TestClient]) -> None:
    editor = clients["editor"]
    response = editor.post(
        f"/runs/{ROTHERHAM_RUN}/track",
        data={
            "csrf_token": csrf(editor, f"/runs/{ROTHERHAM_RUN}/track"),
            "decision-day": "31",
            "decision-month": "2",
            "decision-year": "2011",
            "frequency": "weekly",
        },
    )
    assert response.status_code == 400
    assert _summary(response.text) == [
        "Choose the projects Cabinet approved",
        "The decision date must be a real date, like 15 12 2010",
        "Choose a quarter or a month",
    ]
    assert 'href="#f-approved"' in response.text and 'href="#f-decision-day"' in response.text
    late = editor.post(
        f"/runs/{ROTHERHAM_RUN}/track",
        data={
            "csrf_token": csrf(editor, f"/runs/{ROTHERHAM_RUN}/track"),
            "approved": ["asset_mgmt:cc"],
            "decision-day": "1",
            "decision-month": "4",
            "decision-year": "2035",
        },
    )
    assert late.status_code == 400
    assert _summary(late.text) == ["The decision date is after the business cases' horizon"]
    assert 'href="#f-decision-day"' in late.text


def test_viewers_may_read_but_not_start_or_load_and_other_authorities_see_nothing(
    clients: dict[str, TestClient], tracker_id: int
) -> None:
    viewer, other = clients["viewer"], clients["other"]
    for path in ("", "/register", "/actuals", "/chart.svg"):
        assert viewer.get(f"/trackers/{tracker_id}{path}").status_code == 200, path
        assert other.get(f"/trackers/{tracker_id}{path}").status_code == 404, path
    assert "Load a ledger extract" not in viewer.get(f"/trackers/{tracker_id}/actuals").text
    assert viewer.get(f"/runs/{ROTHERHAM_RUN}/track").status_code == 403
    token = csrf(viewer, f"/trackers/{tracker_id}/actuals")
    refused = viewer.post(
        f"/trackers/{tracker_id}/actuals",
        data={"csrf_token": token},
        files={"ledger_file": ("q1.csv", (LEDGER / "2011-12-q1.csv").read_bytes(), "text/csv")},
    )
    assert refused.status_code == 403
    assert upload(other, tracker_id, LEDGER / "2011-12-q1.csv").status_code == 404  # type: ignore[attr-defined]
    assert other.get(f"/trackers/{tracker_id}/download/html").status_code == 404
    assert (
        clients["anonymous"].get(f"/trackers/{tracker_id}", follow_redirects=False).status_code
        == 303
    )


def test_a_load_without_its_token_is_refused(
    clients: dict[str, TestClient], tracker_id: int, workspace: Database
) -> None:
    response = clients["editor"].post(
        f"/trackers/{tracker_id}/actuals",
        files={"ledger_file": ("q1.csv", (LEDGER / "2011-12-q1.csv").read_bytes(), "text/csv")},
    )
    assert response.status_code == 400
    with workspace.session() as session:
        assert session.scalars(select(TrackerActual)).all() == []


def test_an_editor_loads_a_quarter_and_the_status_moves_to_it(
    clients: dict[str, TestClient], tracker_id: int, workspace: Database
) -> None:
    editor = clients["editor"]
    for name in ("2011-12-q1.csv", "2011-12-q2.csv", "2011-12-q3.csv"):
        response = upload(editor, tracker_id, LEDGER / name)
        assert response.status_code == 303, response.text[:2000]  # type: ignore[attr-defined]
    page = editor.get(f"/trackers/{tracker_id}").text
    assert "Status at 31 December 2011: 0 red, 1 amber, 5 green." in page
    response = upload(editor, tracker_id, LEDGER / "2011-12-q4.csv")
    assert response.status_code == 303  # type: ignore[attr-defined]
    page = editor.get(f"/trackers/{tracker_id}").text
    assert "Status at 31 March 2012: 1 red, 0 amber, 5 green." in page
    row = _plain(page.split('data-testid="status-SS06"')[1].split("</tr>")[0])
    assert "Red savings to 2011/12 Q4 are £5k, below the plan's P10 of £35k" in row, row
    loads = editor.get(f"/trackers/{tracker_id}/actuals").text
    assert loads.count("2011-12-q") == 4
    with workspace.session() as session:
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.entity == "actuals").order_by(AuditEntry.id)
        ).all()
        assert [e.after["file"] for e in entries if e.after] == [
            "2011-12-q1.csv",
            "2011-12-q2.csv",
            "2011-12-q3.csv",
            "2011-12-q4.csv",
        ]
        assert {e.actor for e in entries} == {"editor@demo.shareplan.example"}
    audit = _plain(editor.get("/audit").text)
    assert "loaded 6 ledger rows from 2011-12-q1.csv into 'Benefits of Rotherham 2010'" in audit
    # an earlier date is still there to see
    earlier = editor.get(f"/trackers/{tracker_id}?as_at-day=31&as_at-month=12&as_at-year=2011")
    assert "Status at 31 December 2011: " in earlier.text


def test_a_bad_extract_loads_nothing_and_every_problem_is_listed(
    clients: dict[str, TestClient], tracker_id: int, workspace: Database, tmp_path: Path
) -> None:
    lines = (LEDGER / "2011-12-q1.csv").read_text("utf-8").splitlines()
    bad = [
        lines[0],
        lines[1].replace("SS01", "SS09"),
        lines[2].replace("2011/12 Q1", "2010/11 Q2"),
        lines[3],
        lines[3],
        "SS04,2011/12 Q1,go_live,2011-05-01,,moved",
    ]
    path = tmp_path / "ledger-q1.csv"
    path.write_text("\n".join(bad) + "\n", encoding="utf-8")
    response = upload(clients["editor"], tracker_id, path)
    assert response.status_code == 400  # type: ignore[attr-defined]
    found = _summary(response.text)  # type: ignore[attr-defined]
    assert sorted(found) == [
        "ledger-q1.csv, sheet 'ledger-q1', row 2, column 'project': unknown project 'SS09' "
        "(allowed: SS01, SS02, SS03, SS04, SS05, SS06)",
        "ledger-q1.csv, sheet 'ledger-q1', row 3, column 'period': the period 2010/11 Q2 is "
        "before Cabinet's decision of 2010-12-15 (allowed: a period label from 2010/11 Q3 to "
        "2020/21 Q4)",
        "ledger-q1.csv, sheet 'ledger-q1', row 5, column 'period': SS03 2011/12 Q1 one_off_cost "
        "is also on row 4 (a correction goes in a later file) (allowed: one row per project, "
        "period and category)",
        "ledger-q1.csv, sheet 'ledger-q1', row 6, column 'amount': expected a number, found "
        "'2011-05-01' (allowed: a number)",
    ]
    with workspace.session() as session:
        assert session.scalars(select(TrackerActual)).all() == []
        assert session.scalars(select(AuditEntry).where(AuditEntry.entity == "actuals")).all() == []
    wrong = tmp_path / "notes.txt"
    wrong.write_text("hello", encoding="utf-8")
    response = upload(clients["editor"], tracker_id, wrong)
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert _summary(response.text)[0].startswith("notes.txt: The ledger extract must be")  # type: ignore[attr-defined]


def test_register_chart_and_report(clients: dict[str, TestClient], tracker_id: int) -> None:
    viewer, editor = clients["viewer"], clients["editor"]
    for name in ("2011-12-q1.csv", "2011-12-q2.csv", "2011-12-q3.csv", "2011-12-q4.csv"):
        assert upload(editor, tracker_id, LEDGER / name).status_code == 303  # type: ignore[attr-defined]
    register = viewer.get(f"/trackers/{tracker_id}/register?project=SS06")
    assert register.status_code == 200
    row = register.text.split('<th scope="row" class="govuk-table__header">2011/12 Q4</th>')[1]
    assert "none loaded" not in row.split("</tr>")[0]
    assert viewer.get(f"/trackers/{tracker_id}/register?project=SS99").status_code == 404
    chart = viewer.get(f"/trackers/{tracker_id}/chart.svg")
    assert chart.headers["content-type"] == "image/svg+xml" and b"<svg" in chart.content
    status = viewer.get(f"/trackers/{tracker_id}").text
    assert 'alt="Line chart of the programme' in status and "The chart's figures" in status
    report = viewer.get(f"/trackers/{tracker_id}/download/html?as_at=2012-03-31")
    assert report.status_code == 200 and report.headers["content-type"].startswith("text/html")
    assert "benefits-report-2012-03-31.html" in report.headers["content-disposition"]
    assert "Rotherham" in report.text
    assert viewer.get(f"/trackers/{tracker_id}/download/xls").status_code == 404
    early = viewer.get(f"/trackers/{tracker_id}?as_at-day=1&as_at-month=1&as_at-year=2009")
    assert early.status_code == 400
    assert _summary(early.text) == ["2009-01-01 is before Cabinet's decision of 2010-12-15"]
    assert "Status at 31 March 2012" in early.text  # the latest quarter shown meanwhile
    wrong = viewer.get(f"/trackers/{tracker_id}?as_at-day=30&as_at-month=2&as_at-year=2012")
    assert _summary(wrong.text) == ["The date must be a real date, like 15 12 2010"]
    assert viewer.get(f"/trackers/{tracker_id}/download/html?as_at=2009-01-01").status_code == 404


def test_an_extract_loaded_at_the_same_moment_as_another_is_refused_whole(
    clients: dict[str, TestClient],
    tracker_id: int,
    workspace: Database,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Another officer's load lands between this load's reading of the tracker and its saving
    (as on SQLite, where no row is locked): this one is refused with nothing of it kept."""
    from shareplan.store import trackers
    from shareplan.tracking import usecases

    checked = usecases.new_actuals

    def meanwhile(*args: object, **kwargs: object) -> object:
        found = checked(*args, **kwargs)  # type: ignore[arg-type]
        table, problems = read_ledger(LEDGER / "2011-12-q2.csv")
        assert table is not None and not problems
        with workspace.session() as other:
            saved = other.get(TrackerRecord, tracker_id)
            assert saved is not None
            monkeypatch.setattr(usecases, "new_actuals", checked)
            trackers.load_ledger(other, saved, table, "2011-12-q2.csv", actor=SYSTEM)
        return found

    monkeypatch.setattr(usecases, "new_actuals", meanwhile)
    response = upload(clients["editor"], tracker_id, LEDGER / "2011-12-q1.csv")
    assert response.status_code == 409  # type: ignore[attr-defined]
    assert "at the same moment, so nothing of this file was loaded" in response.text  # type: ignore[attr-defined]
    with workspace.session() as session:
        kept = session.scalars(select(TrackerActual)).all()
        assert {a.source for a in kept} == {"2011-12-q2.csv"}
        files = [
            e.after["file"]
            for e in session.scalars(select(AuditEntry))
            if e.entity == "actuals" and e.after
        ]
        assert files == ["2011-12-q2.csv"]
    assert upload(clients["editor"], tracker_id, LEDGER / "2011-12-q1.csv").status_code == 303  # type: ignore[attr-defined]


def test_the_tracker_downloads_as_the_workbook_the_command_line_reads(
    clients: dict[str, TestClient], tracker_id: int, workspace: Database, tmp_path: Path
) -> None:
    from shareplan.store.trackers import tracker_of
    from shareplan.tracking.files import load_tracker

    upload(clients["editor"], tracker_id, LEDGER / "2011-12-q1.csv")
    response = clients["viewer"].get(f"/trackers/{tracker_id}/tracker.xlsx")
    assert response.status_code == 200
    (tmp_path / "tracker.xlsx").write_bytes(response.content)
    with workspace.session() as session:
        saved = session.get(TrackerRecord, tracker_id)
        assert saved is not None
        assert load_tracker(tmp_path / "tracker.xlsx") == tracker_of(saved)
    assert clients["other"].get(f"/trackers/{tracker_id}/tracker.xlsx").status_code == 404
