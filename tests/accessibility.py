"""axe-core in Debian's Chromium through Playwright, as every report's accessibility test runs it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def launch_chromium(playwright: Any) -> Any:
    """Debian's Chromium, headless, with no network of its own (no updates, no sync)."""
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM),
        args=[
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    )


def axe_violations(page_file: Path) -> list[dict[str, Any]]:
    """The WCAG 2.0, 2.1 and 2.2 A and AA violations axe-core finds in ``page_file``."""
    axe_module = pytest.importorskip("axe_playwright_python.sync_playwright")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            page = browser.new_page()
            page.goto(page_file.as_uri())
            result = axe_module.Axe().run(
                page,
                options={
                    "runOnly": {"type": "tag", "values": WCAG_22_AA},
                    "resultTypes": ["violations"],
                },
            )
        finally:
            browser.close()
    violations: list[dict[str, Any]] = result.response["violations"]
    return violations


def describe(violations: list[dict[str, Any]]) -> str:
    return json.dumps(
        [(v["id"], v["help"], [n["target"] for n in v["nodes"][:3]]) for v in violations],
        indent=1,
    )
