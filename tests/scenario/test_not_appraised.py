"""A service marked ``appraise = no`` (a row standing for several services, such as the national
return's "Other services"): it reads and writes in both forms, ``validate`` lists it "to split"
without failing, and a bundle or a declared opportunity naming it is refused at its cell."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from typer.testing import CliRunner

from shareplan.cli import app
from shareplan.evidence import EvidenceBase
from shareplan.scenario import Bundle, DeclaredOpportunity, Scenario, load_scenario
from shareplan.scenario.csvio import write_folder
from shareplan.scenario.excel import write_workbook
from shareplan.scenario.schema import sheet
from tests.conftest import FIXTURES

runner = CliRunner()


def _held(minimal: Scenario, **update: object) -> Scenario:
    """The minimal scenario (payroll on services row 2, care on row 3) with payroll not to
    appraise."""
    payroll = minimal.service("payroll").model_copy(update={"appraise": False})
    services = (payroll, minimal.service("care"))
    return minimal.model_copy(update={"services": services, **update})


def _validate(path: Path) -> tuple[int, dict[str, Any]]:
    result = runner.invoke(app, ["validate", str(path), "--json"])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, json.loads(result.stdout)


def test_a_file_without_the_column_appraises_every_service(minimal: Scenario) -> None:
    """The minimal fixture's services.csv has no appraise column: blank means yes."""
    header = (FIXTURES / "minimal" / "services.csv").read_text("utf-8").splitlines()[0]
    assert "appraise" not in header.split(",")
    assert [s.appraise for s in minimal.services] == [True, True]


def test_text_and_workbook_round_trip_keeps_no(
    tmp_path: Path, minimal: Scenario, evidence: EvidenceBase
) -> None:
    """text -> workbook -> text gives the same bytes, with payroll's appraise cell 'no' and care's
    'yes'; the workbook's appraise column has the yes/no drop-down of every yes/no column."""
    scenario = _held(minimal)
    text = tmp_path / "text"
    write_folder(scenario, text, evidence)
    lines = (text / "services.csv").read_text("utf-8").splitlines()
    column = lines[0].split(",").index("appraise")
    assert [line.split(",")[column] for line in lines[1:]] == ["no", "yes"]
    workbook = write_workbook(load_scenario(text, evidence), tmp_path / "s.xlsx", evidence)
    assert load_scenario(workbook, evidence) == scenario
    again = tmp_path / "again"
    write_folder(load_scenario(workbook, evidence), again, evidence)
    for path in sorted(text.glob("*.csv")):
        assert (again / path.name).read_bytes() == path.read_bytes(), path.name

    services = load_workbook(workbook)["services"]
    index = [c.name for c in sheet("services").columns].index("appraise") + 1
    letter = get_column_letter(index)
    assert services.cell(1, index).value == "appraise"
    assert [services.cell(r, index).value for r in (2, 3)] == ["no", "yes"]
    lists = [
        v for v in services.data_validations.dataValidation if str(v.sqref).startswith(letter + "2")
    ]
    assert [v.formula1 for v in lists] == ['"yes,no"']


def test_validate_lists_it_to_split_and_passes(
    tmp_path: Path, minimal: Scenario, evidence: EvidenceBase
) -> None:
    folder = tmp_path / "s"
    write_folder(_held(minimal), folder, evidence)
    code, summary = _validate(folder)
    assert code == 0 and summary["valid"] is True
    assert summary["to_split"] == [
        "Payroll (payroll) is marked appraise = no, so it is left out of the appraisal; split it "
        "into the services it covers, each on its own row"
    ]
    result = runner.invoke(app, ["validate", str(folder)])
    assert result.exit_code == 0
    assert "to split: Payroll (payroll) is marked appraise = no" in " ".join(result.output.split())
    write_folder(minimal, tmp_path / "all", evidence)
    assert _validate(tmp_path / "all")[1]["to_split"] == []


def test_a_bundle_naming_it_is_refused_at_its_cell(
    tmp_path: Path, minimal: Scenario, evidence: EvidenceBase
) -> None:
    """In both forms: the bundles sheet, row 2, column service_ids, naming payroll's row."""
    bundle = Bundle(id="both", name="Both", service_ids=("payroll", "care"))
    scenario = _held(minimal, bundles=(bundle,))
    folder = tmp_path / "text"
    write_folder(scenario, folder, evidence)
    workbook = write_workbook(scenario, tmp_path / "s.xlsx", evidence)
    for path, file in ((folder, str(folder / "bundles.csv")), (workbook, str(workbook))):
        code, summary = _validate(path)
        assert code == 2
        assert summary["problems"] == [
            {
                "file": file,
                "sheet": "bundles",
                "row": 2,
                "column": "service_ids",
                "message": "service 'payroll' is marked appraise = no on the services sheet "
                "(row 2): split it into the services it covers before sharing or bundling them",
                "allowed": "services with appraise = yes",
            }
        ]


def test_a_declared_opportunity_naming_it_is_refused(
    tmp_path: Path, minimal: Scenario, evidence: EvidenceBase
) -> None:
    declared = DeclaredOpportunity(
        id="pay",
        service_ids=("care", "payroll"),
        partner_ids=("northby",),
        model="joint_procurement",
    )
    folder = tmp_path / "text"
    write_folder(_held(minimal, opportunities=(declared,)), folder, evidence)
    code, summary = _validate(folder)
    assert code == 2
    (problem,) = summary["problems"]
    assert (problem["sheet"], problem["row"], problem["column"]) == (
        "opportunities",
        2,
        "service_ids",
    )
    assert problem["message"].startswith("service 'payroll' is marked appraise = no")


def test_nothing_to_appraise_is_refused(
    tmp_path: Path, minimal: Scenario, evidence: EvidenceBase
) -> None:
    services = tuple(s.model_copy(update={"appraise": False}) for s in minimal.services)
    folder = tmp_path / "text"
    write_folder(minimal.model_copy(update={"services": services}), folder, evidence)
    code, summary = _validate(folder)
    assert code == 2
    (problem,) = summary["problems"]
    assert (problem["sheet"], problem["row"], problem["column"]) == ("services", 2, "appraise")
    assert "every service is marked appraise = no" in problem["message"]
