"""The workspace in a real browser (Debian's Chromium through Playwright): an officer's afternoon
from import to the Word report, what each role may reach, and axe-core on every page."""

from __future__ import annotations

import json
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from shareplan.store.database import Database
from tests.accessibility import CHROMIUM
from tests.web.conftest import (
    ADMIN,
    EDITOR,
    OTHER,
    PASSWORD,
    ROTHERHAM_RUN,
    ROTHERHAM_SCENARIO,
    VIEWER,
    copy_workspace,
    make_app,
)
from tests.web.live import serve

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]


@pytest.fixture(scope="module")
def server(
    template_db: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Database]]:
    folder = tmp_path_factory.mktemp("live")
    db = copy_workspace(template_db, folder)
    with serve(make_app(db, folder)) as base:
        yield base, db
    db.dispose()


def _signed_in(browser: Any, base: str, email: str) -> Any:
    context = browser.new_context(base_url=base, accept_downloads=True)
    page = context.new_page()
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base + "/")
    return page


def test_an_officer_imports_reranks_appraises_asks_what_if_and_downloads_the_word_report(
    server: tuple[str, Database], browser: Any, tmp_path: Path
) -> None:
    base, _ = server
    page = _signed_in(browser, base, EDITOR)
    # import the workbook
    page.get_by_role("button", name="Import a scenario").click()
    page.get_by_label("Name of the scenario").fill("Rotherham from the workbook")
    page.get_by_label("Scenario workbook or CSV files").set_input_files(
        str(ROOT / "examples" / "rotherham-2010.xlsx")
    )
    page.get_by_role("button", name="Import").click()
    page.get_by_role("heading", name="Rotherham from the workbook").wait_for()
    # run the appraisal and watch its progress
    page.get_by_role("button", name="Run an appraisal").click()
    stages_seen: set[str] = set()
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        status = page.locator("#progress [role=status]").inner_text()
        if status.startswith("Stage"):
            stages_seen.add(status)
        if "finished" in status or "failed" in status:
            break
        time.sleep(0.2)
    assert "finished" in status, status
    assert any(not s.startswith("Stage 8") for s in stages_seen), (
        stages_seen
    )  # progress shown before the end
    run_url = page.url
    # change a weight: inside the interval the top N holds, just outside it changes
    page.goto(run_url + "/weights")
    page.get_by_label("Weight to move").select_option("group:right_services")
    page.get_by_test_id("interval").wait_for()
    upper = float(page.get_by_test_id("interval-to").inner_text().rstrip("%"))
    lower = float(page.get_by_test_id("interval-from").inner_text().rstrip("%"))
    share = page.get_by_label("Its share (%)")
    share.fill(f"{(lower + upper) / 2:.1f}")
    page.get_by_test_id("top-status").filter(has_text=f"{(lower + upper) / 2:.1f}%").wait_for()
    assert "unchanged" in page.get_by_test_id("top-status").inner_text()
    share.fill(f"{upper + 1:.1f}")
    page.get_by_test_id("top-status").filter(has_text=f"{upper + 1:.1f}%").wait_for()
    assert "changes" in page.get_by_test_id("top-status").inner_text()
    # what-if: a smaller budget chooses a different programme
    page.goto(run_url + "/programme")
    before = page.get_by_test_id("programme-summary").inner_text()
    page.get_by_label("Implementation budget (£)").fill("600000")
    page.get_by_role("button", name="Choose the programme again").click()
    page.get_by_role("heading", name="Programme under your what-if").wait_for()
    after = page.get_by_test_id("programme-summary").inner_text()
    assert after != before
    # the Word report
    page.goto(run_url)
    with page.expect_download(timeout=180_000) as caught:
        page.get_by_role("link", name="Cabinet report (Word)").click(timeout=180_000)
    target = tmp_path / "report.docx"
    caught.value.save_as(target)
    with zipfile.ZipFile(target) as docx:
        assert "word/document.xml" in docx.namelist()
        assert "Rotherham" in docx.read("word/document.xml").decode("utf-8")
    page.context.close()


def test_roles_and_tenancy_hold_in_the_browser(server: tuple[str, Database], browser: Any) -> None:
    base, _ = server
    anonymous = browser.new_context(base_url=base).new_page()
    anonymous.goto("/")
    assert anonymous.url.startswith(base + "/sign-in")
    # a form posted without its token
    refused = anonymous.request.post(
        base + "/sign-in", form={"email": EDITOR, "password": PASSWORD}
    )
    assert refused.status == 400
    anonymous.context.close()

    viewer = _signed_in(browser, base, VIEWER)
    response = viewer.goto(f"/scenarios/{ROTHERHAM_SCENARIO}/settings")
    assert response.status == 403
    rows = viewer.request.get(
        base + f"/api/v1/scenarios/{ROTHERHAM_SCENARIO}/rows?kind=service"
    ).json()
    put = viewer.request.put(
        base + f"/api/v1/scenarios/{ROTHERHAM_SCENARIO}/rows/{rows[0]['id']}",
        data=json.dumps({"version": rows[0]["version"], "data": rows[0]["data"]}),
        headers={"content-type": "application/json"},
    )
    assert put.status == 403
    viewer.context.close()

    other = _signed_in(browser, base, OTHER)
    assert other.goto(f"/scenarios/{ROTHERHAM_SCENARIO}").status == 404
    assert other.request.get(base + f"/api/v1/runs/{ROTHERHAM_RUN}/opportunities").status == 404
    other.context.close()


AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def _axe(page: Any) -> list[dict[str, Any]]:
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]},
    )
    return list(result.response["violations"])


def test_every_page_has_no_wcag_22_aa_violations(
    server: tuple[str, Database], browser: Any
) -> None:
    base, _ = server
    failures: dict[str, Any] = {}

    def check(page: Any, label: str) -> None:
        violations = _axe(page)
        if violations:
            failures[label] = [
                (v["id"], v["help"], [n["target"] for n in v["nodes"][:3]]) for v in violations
            ]

    anonymous = browser.new_context(base_url=base).new_page()
    anonymous.goto("/sign-in")
    check(anonymous, "sign in")
    anonymous.get_by_role("button", name="Sign in").click()
    check(anonymous, "sign in with errors")
    anonymous.context.close()

    admin = _signed_in(browser, base, ADMIN)
    opportunity = admin.request.get(base + f"/api/v1/runs/{ROTHERHAM_RUN}/opportunities").json()[0][
        "id"
    ]
    row = admin.request.get(
        base + f"/api/v1/scenarios/{ROTHERHAM_SCENARIO}/rows?kind=service"
    ).json()[0]["id"]
    pages = [
        "/",
        f"/scenarios/{ROTHERHAM_SCENARIO}",
        f"/scenarios/{ROTHERHAM_SCENARIO}/settings",
        f"/scenarios/{ROTHERHAM_SCENARIO}/rows/{row}",
        f"/scenarios/{ROTHERHAM_SCENARIO}/rows/new/partner",
        "/scenarios/import",
        f"/runs/{ROTHERHAM_RUN}",
        f"/runs/{ROTHERHAM_RUN}/shortlist",
        f"/runs/{ROTHERHAM_RUN}/opportunities/{opportunity}",
        f"/runs/{ROTHERHAM_RUN}/programme",
        f"/runs/{ROTHERHAM_RUN}/programme?budget=600000",
        f"/runs/{ROTHERHAM_RUN}/programme?budget=lots",
        f"/runs/{ROTHERHAM_RUN}/weights",
        f"/runs/{ROTHERHAM_RUN}/compare",
        "/audit",
        "/admin/users",
        "/no-such-page",
    ]
    for path in pages:
        admin.goto(path)
        check(admin, path)
    # a form with errors, and the conflict page
    admin.goto(f"/scenarios/{ROTHERHAM_SCENARIO}/rows/{row}")
    admin.get_by_label("Gross cost").fill("lots")
    admin.get_by_role("button", name="Save").click()
    check(admin, "row form with errors")
    editor = _signed_in(browser, base, EDITOR)
    editor.goto(f"/scenarios/{ROTHERHAM_SCENARIO}/rows/{row}")
    admin.goto(f"/scenarios/{ROTHERHAM_SCENARIO}/rows/{row}")
    admin.get_by_label("Fte").fill("61")
    admin.get_by_role("button", name="Save").click()
    editor.get_by_label("Fte").fill("62")
    editor.get_by_role("button", name="Save").click()
    editor.get_by_role(
        "heading", name="Someone else changed this while you were editing"
    ).wait_for()
    check(editor, "conflict page")
    admin.goto("/scenarios/import")
    admin.get_by_label("Scenario workbook or CSV files").set_input_files(
        str(ROOT / "examples" / "rotherham-2010" / "services.csv")
    )
    admin.get_by_role("button", name="Import").click()
    check(admin, "import with problems")
    viewer = _signed_in(browser, base, VIEWER)
    viewer.goto(f"/scenarios/{ROTHERHAM_SCENARIO}/settings")
    check(viewer, "403 page")
    assert failures == {}, json.dumps(failures, indent=1)
