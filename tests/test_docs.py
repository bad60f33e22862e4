"""Tests that keep the documentation honest: every key results.json writes is documented."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.conftest import ROOT

RESULTS_DOC = (ROOT / "docs" / "results.md").read_text(encoding="utf-8")


def _documented(key: str) -> bool:
    return f"`{key}`" in RESULTS_DOC or f"`{key}." in RESULTS_DOC or f"/`{key}`" in RESULTS_DOC


def test_every_results_key_is_documented(rotherham_results: dict[str, Any]) -> None:
    r = rotherham_results
    entry = r["opportunities"][0]
    groups: list[tuple[str, list[str]]] = [
        ("top level", list(r)),
        ("scenario", list(r["scenario"])),
        ("long_list", list(r["long_list"])),
        ("long_list.shortlist", list(r["long_list"]["shortlist"])),
        ("opportunity", list(entry)),
        ("business_case", list(entry["business_case"])),
        ("programme", list(r["programme"])),
        ("sensitivity", list(r["sensitivity"])),
    ]
    missing = [f"{where}: {key}" for where, keys in groups for key in keys if not _documented(key)]
    assert not missing, f"docs/results.md does not mention: {missing}"


def test_readme_gives_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make demo" in readme and "make test" in readme


def test_every_doc_the_readme_names_exists() -> None:
    import re

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in re.findall(r"`(docs/[\w./-]+\.md)`", readme):
        assert (ROOT / name).exists(), name
    assert Path(ROOT / "docs" / "architecture.md").exists()


def test_readme_figures_match_the_example(rotherham_results: dict[str, Any]) -> None:
    """The walk-through quotes the example's results; they must be today's results."""
    from shareplan.report.formatting import money

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    r = rotherham_results
    ll = r["long_list"]
    assert f"{ll['considered']:,} combinations" in readme
    assert f"{ll['kept']:,} are feasible" in readme
    assert f"{ll['shortlist']['kept']} survive" in readme
    p = r["programme"]
    totals = p["totals"]
    headline = (
        f"{totals['n_projects']} projects, one-off cost {money(totals['one_off_cost'])} of "
        f"{money(r['scenario']['implementation_budget'])}, NPV {money(totals['npv'])}, "
        f"{totals['quick_wins']} quick win(s)"
    )
    assert headline in readme
    for opportunity_id in p["selected_ids"]:
        assert f" {opportunity_id} " in readme, opportunity_id
    hsc = next(o for o in r["opportunities"] if o["id"] == "health_social_care")
    adjusted = hsc["business_case"]["adjusted"]["measures"]
    unadjusted = hsc["business_case"]["unadjusted"]["measures"]
    for figure in (
        money(unadjusted["npv"]),
        money(unadjusted["one_off_cost"]),
        money(adjusted["one_off_cost"]),
        money(adjusted["npv"]),
    ):
        assert figure in readme, figure
    flat = " ".join(readme.lower().split())
    assert p["near_misses"][0]["title"].split(":")[0].lower() in flat


def test_readme_shows_the_reports_summary_table_and_options(rotherham_typed: Any) -> None:
    """The walk-through quotes the Cabinet report's summary table, row by row, and the first
    option considered and rejected, as the report writes them today."""
    from shareplan.report import build_report
    from shareplan.report.model import Paragraph, Table, run_text

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    report = build_report(rotherham_typed)
    table = next(b for b in report.section("summary").blocks if isinstance(b, Table))
    assert "| " + " | ".join(table.header) + " |" in readme
    for row in table.rows:
        assert "| " + " | ".join(run_text(c) for c in row) + " |" in readme
    first = [b.text for b in report.section("options").blocks if isinstance(b, Paragraph)][1]
    quoted = " ".join(
        line.removeprefix("> ") for line in readme.splitlines() if line.startswith("> ")
    )
    assert first in quoted
