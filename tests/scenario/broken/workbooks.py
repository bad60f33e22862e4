"""Broken scenario workbooks, each made from a valid one by one mistake an officer could make.

Each :class:`Case` writes its workbook with :func:`Case.build` and says which problems loading it
must report: the sheet, row and column, and a phrase of the message. The tests and the CLI tests
share these cases; ``python -m tests.scenario.broken.workbooks DIR`` writes them all into ``DIR`` to
try ``shareplan validate`` by hand.

The files are built rather than shipped because openpyxl stamps each workbook with the time it was
saved, so shipped copies would change on every rebuild without any change of content.
"""

from __future__ import annotations

import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from shareplan.evidence import EvidenceBase, load_evidence
from shareplan.scenario import Scenario, load_scenario
from shareplan.scenario.excel import write_workbook
from shareplan.scenario.schema import sheet

MINIMAL = Path(__file__).resolve().parents[2] / "fixtures" / "minimal"
_PAST_SERVICES = get_column_letter(len(sheet("services").columns) + 1)
"""The first column right of the services sheet's headings (AG with its 32 columns)."""

Expected = tuple[str | None, int | None, str | None, str]
"""(sheet, row, column, a phrase of the message) of one problem that must be reported."""


@dataclass(frozen=True)
class Case:
    name: str
    what: str
    make: Callable[[Path, Path], None]  # (a valid workbook, where to write the broken one)
    expected: tuple[Expected, ...]

    def build(self, folder: Path, scenario: Scenario, evidence: EvidenceBase) -> Path:
        """Write the broken workbook into ``folder`` and return its path."""
        folder.mkdir(parents=True, exist_ok=True)
        valid = folder / f"{self.name}.valid.xlsx"
        write_workbook(scenario, valid, evidence)
        target = folder / f"{self.name}.xlsx"
        self.make(valid, target)
        valid.unlink()
        return target


def _edit(change: Callable[[Any], None]) -> Callable[[Path, Path], None]:
    """A maker that opens the valid workbook, applies ``change`` and saves the result."""

    def make(valid: Path, target: Path) -> None:
        workbook = load_workbook(valid)
        change(workbook)
        workbook.save(target)

    return make


def _column(worksheet: Any, heading: str) -> int:
    for cell in worksheet[1]:
        if cell.value == heading:
            return int(cell.column)
    raise KeyError(heading)


def _set(sheet: str, row: int, heading: str, value: Any) -> Callable[[Any], None]:
    def change(workbook: Any) -> None:
        worksheet = workbook[sheet]
        worksheet.cell(row, _column(worksheet, heading)).value = value

    return change


def _set_at(sheet: str, coordinate: str, value: Any) -> Callable[[Any], None]:
    def change(workbook: Any) -> None:
        workbook[sheet][coordinate].value = value

    return change


def _delete_sheet(workbook: Any) -> None:
    del workbook["services"]


def _delete_column(workbook: Any) -> None:
    worksheet = workbook["partners"]
    worksheet.delete_cols(_column(worksheet, "sector"))


def _declare(model: str, partner_ids: str) -> Callable[[Any], None]:
    def change(workbook: Any) -> None:
        worksheet = workbook["opportunities"]
        values = {
            "id": "payroll-shared",
            "title": "Shared payroll",
            "service_ids": "payroll",
            "partner_ids": partner_ids,
            "model": model,
        }
        for heading, value in values.items():
            worksheet.cell(2, _column(worksheet, heading)).value = value

    return change


def _empty(valid: Path, target: Path) -> None:
    target.write_bytes(b"")


def _text(valid: Path, target: Path) -> None:
    target.write_text("id,name,gross_cost\npayroll,Payroll,800000\n", encoding="utf-8")


def _other_zip(valid: Path, target: Path) -> None:
    with zipfile.ZipFile(target, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")


def _encrypted(valid: Path, target: Path) -> None:
    # An encrypted .xlsx is an OLE compound file; its first eight bytes are the same signature.
    target.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))


def _damaged(valid: Path, target: Path) -> None:
    """The services sheet's XML cut off half way, as a failed copy would leave it."""
    with zipfile.ZipFile(valid) as source, zipfile.ZipFile(target, "w") as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet2.xml":
                data = data[: len(data) // 2]
            out.writestr(item, data)


def _formula_error(valid: Path, target: Path) -> None:
    """gross_cost of row 2 holds ``=1/0`` with the result Excel saves for it, ``#DIV/0!``."""
    staged = target.with_suffix(".staged.xlsx")
    _edit(_set("services", 2, "gross_cost", "#DIV/0!"))(valid, staged)
    with zipfile.ZipFile(staged) as source, zipfile.ZipFile(target, "w") as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet2.xml":
                assert data.count(b"<v>#DIV/0!</v>") == 1
                data = data.replace(b"<v>#DIV/0!</v>", b"<f>1/0</f><v>#DIV/0!</v>")
            out.writestr(item, data)
    staged.unlink()


def _many(workbook: Any) -> None:
    _set("services", 2, "gross_cost", -1)(workbook)
    _set("services", 3, "kind", "sideways")(workbook)
    _set("partners", 3, "affinity", "strong")(workbook)
    _set("authority", 5, "value", "next year")(workbook)  # first_year


CASES: tuple[Case, ...] = (
    Case(
        "missing-sheet",
        "the services sheet deleted",
        _edit(_delete_sheet),
        (("services", None, None, "required sheet 'services' is missing"),),
    ),
    Case(
        "missing-column",
        "the partners sheet without its sector column",
        _edit(_delete_column),
        (("partners", 1, "sector", "required column 'sector' is missing"),),
    ),
    Case(
        "wrong-type",
        "text in a number column",
        _edit(_set("services", 2, "gross_cost", "about a million")),
        (("services", 2, "gross_cost", "expected a number, found 'about a million'"),),
    ),
    Case(
        "negative-cost",
        "a negative annual cost",
        _edit(_set("services", 3, "gross_cost", -5000)),
        (("services", 3, "gross_cost", "-5000 is below the minimum of 0"),),
    ),
    Case(
        "duplicate-id",
        "two partners with the same id",
        _edit(_set("partners", 4, "id", "northby")),
        (("partners", 4, "id", "duplicate id 'northby' (first on row 2)"),),
    ),
    Case(
        "unknown-partner",
        "a declared opportunity naming a partner that is not in the partners sheet",
        _edit(_declare("public_public_shared_service", "northby; nobody")),
        (("opportunities", 2, "partner_ids", "unknown partner: nobody"),),
    ),
    Case(
        "unknown-model",
        "a declared opportunity with a delivery model the evidence base does not know",
        _edit(_declare("franchise", "northby")),
        (("opportunities", 2, "model", "'franchise' is not one of the allowed values"),),
    ),
    Case(
        "formula-error",
        "a formula whose saved result is #DIV/0!",
        _formula_error,
        (("services", 2, "gross_cost", "the cell holds the spreadsheet error #DIV/0!"),),
    ),
    Case(
        "error-value",
        "a cell holding the error value #N/A",
        _edit(_set("partners", 2, "affinity", "#N/A")),
        (("partners", 2, "affinity", "the cell holds the spreadsheet error #N/A"),),
    ),
    Case(
        "no-heading",
        "values in a column with no heading",
        _edit(_set_at("services", f"{_PAST_SERVICES}3", "stray")),
        (
            (
                "services",
                1,
                _PAST_SERVICES,
                f"column {_PAST_SERVICES} has values (from row 3) but no heading",
            ),
        ),
    ),
    Case(
        "many-mistakes",
        "four mistakes on three sheets, all reported at once",
        _edit(_many),
        (
            ("services", 2, "gross_cost", "below the minimum of 0"),
            ("services", 3, "kind", "'sideways' is not one of the allowed values"),
            ("partners", 3, "affinity", "expected a number, found 'strong'"),
            ("authority", 5, "value", "first_year: expected a number"),
        ),
    ),
    Case(
        "delivers-unknown",
        "a partner said to deliver a service the scenario does not have",
        _edit(_set("partners", 2, "delivers", "payroll; parking")),
        (("partners", 2, "delivers", "unknown service: parking"),),
    ),
    Case(
        "delivers-twice",
        "a partner's list of the services it delivers naming one twice",
        _edit(_set("partners", 3, "delivers", "care; care")),
        (("partners", 3, "delivers", "'care' listed twice"),),
    ),
    Case("empty-file", "a 0-byte file", _empty, ((None, None, None, "the file is empty"),)),
    Case(
        "not-a-workbook",
        "a CSV file renamed .xlsx",
        _text,
        ((None, None, None, "the file is a text file, not an Excel workbook"),),
    ),
    Case(
        "other-zip",
        "a zip archive that is not a workbook",
        _other_zip,
        ((None, None, None, "a zip archive but not an Excel workbook"),),
    ),
    Case(
        "password-protected",
        "an encrypted workbook",
        _encrypted,
        ((None, None, None, "password-protected or in the old .xls format"),),
    ),
    Case(
        "damaged",
        "a workbook whose services sheet is cut off",
        _damaged,
        ((None, None, None, "the workbook is damaged and cannot be read"),),
    ),
)


def case(name: str) -> Case:
    for found in CASES:
        if found.name == name:
            return found
    raise KeyError(name)


def main(folder: Path) -> None:
    evidence = load_evidence()
    scenario = load_scenario(MINIMAL, evidence)
    for each in CASES:
        path = each.build(folder, scenario, evidence)
        print(f"{path}: {each.what}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "broken-workbooks"))
