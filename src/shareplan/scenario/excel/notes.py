"""The notes: what every column and setting means, written as the workbook's ``notes`` sheet (and
as docs/scenario-format.md)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shareplan.evidence.base import EvidenceBase
from shareplan.scenario.excel.layout import HEADER_FILL, HEADER_FONT, SECTION_FONT, WRAP
from shareplan.scenario.schema import LIST_SEPARATOR, Sheet
from shareplan.scenario.tables import schemas


@dataclass(frozen=True)
class ColumnNote:
    """One line of the notes sheet (and of docs/scenario-format.md)."""

    sheet: str
    column: str
    meaning: str
    unit: str
    allowed: str
    required: str
    default: str


def sheet_notes(spec: Sheet) -> list[ColumnNote]:
    """The notes on each column of a sheet; for the authority sheet, on each of its settings."""
    columns = spec.fields if spec.key_value else spec.columns
    return [
        ColumnNote(
            spec.name,
            column.name,
            column.meaning,
            column.unit,
            column.allowed(),
            "yes" if column.required else "no",
            column.default,
        )
        for column in columns
    ]


GENERAL_NOTES: tuple[tuple[str, str], ...] = (
    (
        "rows and headings",
        "Row 1 of each sheet holds the column names exactly as written here; each later row is "
        "one record. Amber headings are required. Blank rows are ignored. Sheets may be left "
        "out unless marked required.",
    ),
    (
        "authority sheet",
        "One setting per row: column A (field) names the setting, column B (value) holds it.",
    ),
    (
        "lists",
        f"Separate the items of a list with '{LIST_SEPARATOR}', for example: SAP{LIST_SEPARATOR} "
        "Oracle.",
    ),
    ("shares", "Write shares from 0 to 1: 0.15 means 15% (a cell formatted as % also works)."),
    ("yes/no", "Write yes or no."),
    ("money", "Pounds, in real prices of the authority's price base year."),
    ("ids", "Short ids of letters, digits, '_', '-' and '.', used to refer to rows elsewhere."),
)


def fill_notes(worksheet: Any, evidence: EvidenceBase) -> None:
    headings = (
        "sheet",
        "column or setting",
        "meaning",
        "unit",
        "allowed values",
        "required",
        "default",
    )
    for index, heading in enumerate(headings, start=1):
        cell = worksheet.cell(1, index, heading)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
    number = 2
    for topic, text in GENERAL_NOTES:
        worksheet.cell(number, 1, "(every sheet)")
        worksheet.cell(number, 2, topic)
        worksheet.cell(number, 3, text).alignment = WRAP
        number += 1
    for spec in schemas(evidence):
        number += 1
        title = worksheet.cell(number, 1, spec.name)
        title.font = SECTION_FONT
        what = "required sheet" if spec.required else "optional sheet"
        worksheet.cell(number, 3, f"{spec.purpose} ({what})").font = HEADER_FONT
        number += 1
        for note in sheet_notes(spec):
            values = (
                note.sheet,
                note.column,
                note.meaning,
                note.unit,
                note.allowed,
                note.required,
                note.default,
            )
            for index, value in enumerate(values, start=1):
                cell = worksheet.cell(number, index, value or None)
                if isinstance(value, str) and value:
                    cell.data_type = "s"
                cell.alignment = WRAP
            number += 1
    for letter, width in zip("ABCDEFG", (16, 26, 60, 10, 40, 9, 14), strict=True):
        worksheet.column_dimensions[letter].width = width
    worksheet.freeze_panes = "A2"
