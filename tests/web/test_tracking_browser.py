"""The tracking pages in a real browser (Debian's Chromium through Playwright): an officer loads a
quarter's ledger extract and sees a project turn red; axe-core finds no WCAG 2.2 AA violation on
any tracking page, with and without errors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from shareplan.store.audit import SYSTEM
from shareplan.store.database import Database
from shareplan.store.models import TrackerRecord
from shareplan.store.trackers import load_ledger
from shareplan.tracking.files import read_ledger
from tests.accessibility import CHROMIUM
from tests.web.conftest import ADMIN, EDITOR, ROTHERHAM_RUN, VIEWER, copy_workspace, make_app
from tests.web.live import serve
from tests.web.test_browser import _axe, _signed_in
from tests.web.test_tracking import LEDGER, start

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]

LOADED_FIRST = ("2011-12-q1.csv", "2011-12-q2.csv", "2011-12-q3.csv")


@pytest.fixture(scope="module")
def tracked_server(
    template_db: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, int]]:
    """A live server whose workspace has a tracker of the Rotherham programme with the first
    three quarters of 2011/12 loaded."""
    folder = tmp_path_factory.mktemp("live-tracking")
    db: Database = copy_workspace(template_db, folder)
    tracker_id = start(db)
    for name in LOADED_FIRST:
        table, problems = read_ledger(LEDGER / name)
        assert table is not None and not problems
        with db.session() as session:
            saved = session.get(TrackerRecord, tracker_id)
            assert saved is not None
            load_ledger(session, saved, table, name, actor=SYSTEM)
    with serve(make_app(db, folder)) as base:
        yield base, tracker_id
    db.dispose()


def test_an_officer_uploads_a_quarters_actuals_and_sees_the_status_change(
    tracked_server: tuple[str, int], browser: Any
) -> None:
    base, _ = tracked_server
    page = _signed_in(browser, base, EDITOR)
    page.get_by_role("link", name="Benefits of Rotherham 2010").click()
    summary = page.get_by_test_id("as-at")
    assert summary.inner_text() == "Status at 31 December 2011: 0 red, 1 amber, 5 green."
    assert "Amber" in page.get_by_test_id("status-SS06").inner_text()
    page.get_by_role("link", name="Actuals").click()
    page.get_by_label("Ledger extract").set_input_files(str(LEDGER / "2011-12-q4.csv"))
    page.get_by_role("button", name="Load the actuals").click()
    page.get_by_test_id("as-at").filter(has_text="31 March 2012").wait_for()
    assert summary.inner_text() == "Status at 31 March 2012: 1 red, 0 amber, 5 green."
    row = page.get_by_test_id("status-SS06").inner_text()
    assert "Red" in row and "below the plan's P10" in row
    page.get_by_role("link", name="Actuals").click()
    assert "2011-12-q4.csv" in page.get_by_test_id("loads").inner_text()
    page.context.close()


def test_every_tracking_page_has_no_wcag_22_aa_violations(
    tracked_server: tuple[str, int], browser: Any, tmp_path: Path
) -> None:
    base, tracker_id = tracked_server
    failures: dict[str, Any] = {}

    def check(page: Any, label: str) -> None:
        violations = _axe(page)
        if violations:
            failures[label] = [
                (v["id"], v["help"], [n["target"] for n in v["nodes"][:3]]) for v in violations
            ]

    admin = _signed_in(browser, base, ADMIN)
    for path in (
        "/",
        f"/runs/{ROTHERHAM_RUN}",
        f"/runs/{ROTHERHAM_RUN}/track",
        f"/trackers/{tracker_id}",
        f"/trackers/{tracker_id}?as_at-day=31&as_at-month=2&as_at-year=2011",
        f"/trackers/{tracker_id}/register",
        f"/trackers/{tracker_id}/register?project=SS06",
        f"/trackers/{tracker_id}/actuals",
        "/audit",
    ):
        admin.goto(path)
        check(admin, path)
    # the start form with its errors
    admin.goto(f"/runs/{ROTHERHAM_RUN}/track")
    for box in admin.get_by_role("checkbox").all():
        box.uncheck()
    admin.get_by_role("button", name="Start tracking").click()
    admin.get_by_role("heading", name="There is a problem").wait_for()
    check(admin, "start form with errors")
    # a faulty extract
    lines = (LEDGER / "2011-12-q1.csv").read_text("utf-8").splitlines()
    bad = tmp_path / "faulty.csv"
    bad.write_text("\n".join([lines[0], lines[1].replace("SS01", "SS09"), lines[2], lines[2]]))
    admin.goto(f"/trackers/{tracker_id}/actuals")
    admin.get_by_label("Ledger extract").set_input_files(str(bad))
    admin.get_by_role("button", name="Load the actuals").click()
    admin.get_by_role("heading", name="There is a problem").wait_for()
    assert "unknown project 'SS09'" in admin.locator(".govuk-error-summary").inner_text()
    check(admin, "actuals with errors")
    viewer = _signed_in(browser, base, VIEWER)
    viewer.goto(f"/trackers/{tracker_id}/actuals")
    check(viewer, "actuals as a viewer")
    assert failures == {}, json.dumps(failures, indent=1)
