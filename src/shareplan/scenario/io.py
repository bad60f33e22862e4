"""Loading and saving a scenario in either form, chosen by the path: a folder (or a path without a
suffix) is the CSV text form, ``.xlsx`` is the Excel workbook."""

from __future__ import annotations

from pathlib import Path

from shareplan.errors import InputError, Problem
from shareplan.evidence import EvidenceBase, load_evidence
from shareplan.scenario import csvio
from shareplan.scenario.build import build_scenario
from shareplan.scenario.model import Scenario
from shareplan.scenario.tables import RawScenario

EXCEL_SUFFIXES = (".xlsx", ".xlsm")


def form_of(path: Path) -> str:
    if path.suffix.lower() in EXCEL_SUFFIXES:
        return "excel"
    if path.suffix == "" or path.is_dir():
        return "text"
    raise InputError(
        [
            Problem(
                f"cannot tell the scenario's form from the name {path.name!r}",
                str(path),
                allowed="a folder of CSV files, or an .xlsx workbook",
            )
        ]
    )


def read_raw(path: Path) -> RawScenario:
    if not path.exists():
        raise InputError([Problem("no such file or folder", str(path))])
    if form_of(path) == "excel":
        from shareplan.scenario import excel

        return excel.read_workbook(path)
    return csvio.read_folder(path)


def load_scenario(path: Path, evidence: EvidenceBase | None = None) -> Scenario:
    """The scenario at ``path``, or :class:`InputError` listing every problem."""
    return build_scenario(read_raw(path), evidence or load_evidence())


def save_scenario(
    scenario: Scenario, path: Path, evidence: EvidenceBase | None = None
) -> list[Path]:
    evidence = evidence or load_evidence()
    if form_of(path) == "excel":
        from shareplan.scenario import excel

        excel.write_workbook(scenario, path, evidence)
        return [path]
    return csvio.write_folder(scenario, path, evidence)
