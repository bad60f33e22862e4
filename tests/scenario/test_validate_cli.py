"""The commands an officer runs on a scenario, through the real CLI: ``validate`` names the sheet,
row and column of every problem, exits 2 and never shows a traceback; ``convert`` writes nothing
from a broken scenario; ``template`` and ``convert`` make workbooks that read back exactly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from shareplan.cli import app
from shareplan.errors import Problem
from shareplan.evidence import EvidenceBase
from shareplan.scenario import Scenario
from shareplan.scenario.csvio import write_folder
from tests.conftest import FIXTURES
from tests.scenario.broken.workbooks import CASES, Case

runner = CliRunner()


def _run(*args: str) -> tuple[int, str, str]:
    """Exit code, standard output and all output (stdout and stderr) of ``shareplan ARGS``."""
    result = runner.invoke(app, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # a bug, not a user mistake: show it
    return result.exit_code, result.stdout, result.output


def _flat(text: str) -> str:
    """Console output with its line wrapping undone."""
    return " ".join(text.split())


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_validate_reports_each_problem_with_its_place(
    case: Case, tmp_path: Path, minimal: Scenario, evidence: EvidenceBase
) -> None:
    path = case.build(tmp_path, minimal, evidence)
    code, _, output = _run("validate", str(path))
    assert code == 2
    assert "Traceback" not in output
    shown = _flat(output)
    for sheet, row, column, phrase in case.expected:
        where = Problem("", None, sheet, row, column).where() if sheet else None
        assert where is None or where in shown, f"{where!r} not in {shown!r}"
        assert _flat(phrase) in shown


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_validate_json_lists_the_problems(
    case: Case, tmp_path: Path, minimal: Scenario, evidence: EvidenceBase
) -> None:
    path = case.build(tmp_path, minimal, evidence)
    code, stdout, _ = _run("validate", str(path), "--json")
    assert code == 2
    document = json.loads(stdout)
    assert document["valid"] is False
    places = [(p["sheet"], p["row"], p["column"]) for p in document["problems"]]
    for sheet, row, column, phrase in case.expected:
        assert (sheet, row, column) in places
        assert any(phrase in p["message"] for p in document["problems"])
    assert all(p["file"] == str(path) for p in document["problems"])


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
@pytest.mark.parametrize("target", ["out", "out.xlsx"])
def test_convert_writes_nothing_from_a_broken_workbook(
    case: Case, target: str, tmp_path: Path, minimal: Scenario, evidence: EvidenceBase
) -> None:
    path = case.build(tmp_path / "in", minimal, evidence)
    out = tmp_path / "converted" / target
    code, _, output = _run("convert", str(path), str(out))
    assert code == 2
    assert "Traceback" not in output
    assert not (tmp_path / "converted").exists() or not any((tmp_path / "converted").iterdir())


def test_validate_accepts_a_good_workbook(tmp_path: Path) -> None:
    workbook = tmp_path / "minimal.xlsx"
    assert _run("convert", str(FIXTURES / "minimal"), str(workbook))[0] == 0
    code, stdout, _ = _run("validate", str(workbook), "--json")
    assert code == 0
    document = json.loads(stdout)
    assert document["valid"] is True
    assert (document["services"], document["partners"]) == (2, 3)
    code, _, output = _run("validate", str(workbook))
    assert code == 0
    assert "Valid." in output


def test_convert_round_trip_changes_no_byte(tmp_path: Path, evidence: EvidenceBase) -> None:
    """folder -> workbook -> folder through the CLI gives the canonical text of the folder."""
    from shareplan.scenario import load_scenario

    canonical = tmp_path / "canonical"
    write_folder(load_scenario(FIXTURES / "minimal", evidence), canonical, evidence)
    workbook = tmp_path / "s.xlsx"
    back = tmp_path / "back"
    assert _run("convert", str(canonical), str(workbook))[0] == 0
    assert _run("convert", str(workbook), str(back))[0] == 0
    for path in sorted(canonical.glob("*.csv")):
        assert (back / path.name).read_bytes() == path.read_bytes(), path.name


def test_template_then_validate_asks_for_the_required_settings(tmp_path: Path) -> None:
    blank = tmp_path / "blank.xlsx"
    code, _, _ = _run("template", str(blank))
    assert code == 0
    assert blank.is_file()
    code, stdout, _ = _run("validate", str(blank), "--json")
    assert code == 2
    problems = json.loads(stdout)["problems"]
    asked = {p["message"].split(":")[0] for p in problems if p["sheet"] == "authority"}
    assert {"name", "price_base_year", "appraisal_date", "implementation_budget"} <= asked
