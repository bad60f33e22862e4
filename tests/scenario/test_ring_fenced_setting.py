"""The authority setting ``count_ring_fenced_savings``: read from the CSV folder and from the
workbook's authority (settings) sheet, off by default, and a value other than yes or no refused
with its place."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from shareplan.errors import InputError
from shareplan.evidence import EvidenceBase
from shareplan.pipeline import programme_rules
from shareplan.scenario import Scenario, load_scenario
from shareplan.scenario.excel import write_workbook
from tests.conftest import FIXTURES


def _folder(tmp_path: Path, value: str | None) -> Path:
    """The minimal scenario's folder, with the setting added to authority.csv (none: left out)."""
    folder = tmp_path / "scenario"
    shutil.copytree(FIXTURES / "minimal", folder)
    if value is not None:
        with (folder / "authority.csv").open("a", encoding="utf-8") as handle:
            handle.write(f"count_ring_fenced_savings,{value}\n")
    return folder


def test_off_unless_a_scenario_says_so(minimal: Scenario) -> None:
    """The minimal scenario does not name the setting: the programme ranks on the general fund's
    share."""
    assert minimal.authority.count_ring_fenced_savings is False
    _, objective = programme_rules(minimal)
    assert objective.count_ring_fenced_savings is False


def test_read_from_the_csv_folder(tmp_path: Path, evidence: EvidenceBase) -> None:
    scenario = load_scenario(_folder(tmp_path, "yes"), evidence)
    assert scenario.authority.count_ring_fenced_savings is True
    _, objective = programme_rules(scenario)
    assert objective.count_ring_fenced_savings is True


def test_read_from_the_workbook_settings_sheet(
    tmp_path: Path, minimal: Scenario, evidence: EvidenceBase
) -> None:
    """The workbook lists the setting on its authority sheet (as "no"); an officer types yes."""
    path = write_workbook(minimal, tmp_path / "s.xlsx", evidence)
    workbook = load_workbook(path)
    sheet = workbook["authority"]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "count_ring_fenced_savings")
    assert row[1].value == "no"
    row[1].value = "yes"
    workbook.save(path)
    assert load_scenario(path, evidence).authority.count_ring_fenced_savings is True


def test_a_value_that_is_not_yes_or_no_is_refused_with_its_place(
    tmp_path: Path, evidence: EvidenceBase
) -> None:
    """The setting goes on the 30th line of authority.csv (a heading and 28 settings before it);
    the authority sheet's problems name the setting's row and its value column."""
    with pytest.raises(InputError) as info:
        load_scenario(_folder(tmp_path, "sometimes"), evidence)
    [problem] = info.value.problems
    assert (problem.sheet, problem.row, problem.column) == ("authority", 30, "value")
    assert problem.file is not None and problem.file.endswith("authority.csv")
    assert problem.message == "count_ring_fenced_savings: expected yes or no, found 'sometimes'"
    assert problem.allowed == "yes or no"
