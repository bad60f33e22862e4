"""The Excel form of a scenario: reading a workbook into raw tables, and writing a scenario or the
blank template as a workbook an officer can fill in.

The workbook has one sheet per table of :data:`shareplan.scenario.schema.SHEETS`, in that order,
then a ``notes`` sheet explaining every column and setting, then a hidden ``lists`` sheet that holds
the longer drop-down lists. Readers skip both. Row numbers are the spreadsheet's own (the header is
row 1), so a problem points at the cell an officer sees.

Reading never raises for a bad file: a file that is empty, not a workbook, password-protected or
damaged becomes one :class:`~shareplan.errors.Problem` in :attr:`RawScenario.problems`, and
:func:`shareplan.scenario.tables.build_scenario` turns it into an :class:`InputError`. Writing is
atomic: the workbook is saved to a temporary file in the target folder and renamed over the target
only once complete, so a failure leaves no half-written file.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import uuid
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from shareplan.errors import InputError, Problem
from shareplan.evidence.base import EvidenceBase
from shareplan.scenario import cells
from shareplan.scenario.model import Scenario
from shareplan.scenario.schema import LIST_SEPARATOR, SHEETS, Column, Kind, Sheet
from shareplan.scenario.tables import RawRow, RawScenario, RawTable, scenario_rows, schemas

NOTES_SHEET = "notes"
LISTS_SHEET = "lists"
SKIPPED_SHEETS = frozenset({NOTES_SHEET, LISTS_SHEET})
"""Sheets the reader leaves out: they explain the workbook and feed its drop-downs."""
_KNOWN_NAMES = frozenset({s.name for s in SHEETS} | SKIPPED_SHEETS)

WRITE_SUFFIX = ".xlsx"

_CFB_MAGIC = (
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE compound file: old .xls, or an encrypted .xlsx
)
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_XML_ILLEGAL = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_INLINE_LIST_LIMIT = 255  # Excel's limit on a list validation written inline
_LAST_ROW = 1_048_576
_MAX_WIDTH = 60
_MIN_WIDTH = 10
_FIRST_EXCEL_DATE = dt.date(1900, 3, 1)  # before this, Excel's 1900 leap-year bug shifts dates

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
_REQUIRED_FILL = PatternFill("solid", fgColor="FFE699")
_SECTION_FONT = Font(bold=True, size=12)
_WRAP = Alignment(wrap_text=True, vertical="top")


# --------------------------------------------------------------------------------------------
# Reading


def read_workbook(path: Path) -> RawScenario:
    """The sheets of the workbook at ``path`` as raw tables, with any problem met while reading.

    Cells keep their spreadsheet types (numbers, booleans, dates); an error cell such as ``#DIV/0!``
    becomes :class:`~shareplan.scenario.cells.CellError`; formulas give their saved results.
    """
    raw = RawScenario(source=str(path))
    problem = _not_a_workbook(path)
    if problem is not None:
        raw.problems.append(problem)
        return raw
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of error on a damaged file
        raw.problems.append(_damaged(path, exc))
        return raw
    try:
        for worksheet in workbook.worksheets:
            name = _sheet_name(worksheet.title)
            if name in SKIPPED_SHEETS:
                continue
            if name in raw.tables:
                raw.problems.append(
                    Problem(
                        f"two sheets are named {name!r} (names are matched ignoring case)",
                        str(path),
                        worksheet.title,
                    )
                )
                continue
            worksheet.reset_dimensions()  # never trust the saved size: read every stored cell
            raw.tables[name] = _read_sheet(worksheet.iter_rows(), name, str(path), raw.problems)
    except Exception as exc:  # a damaged sheet fails only as it is parsed
        raw.tables.clear()
        raw.problems.append(_damaged(path, exc))
    finally:
        workbook.close()
    return raw


def _not_a_workbook(path: Path) -> Problem | None:
    """A problem when the file plainly cannot be an .xlsx workbook, else ``None``."""
    where = str(path)
    try:
        with path.open("rb") as handle:
            start = handle.read(512)
    except OSError as exc:
        return Problem(f"the file cannot be read: {exc.strerror or exc}", where)
    if not start:
        return Problem("the file is empty (0 bytes): it is not an Excel workbook", where)
    if start.startswith(_CFB_MAGIC):
        return Problem(
            "the file is password-protected or in the old .xls format; open it in Excel and save "
            "it as an Excel Workbook (.xlsx) without a password",
            where,
        )
    if not zipfile.is_zipfile(path):
        kind = "a text file" if _looks_like_text(start) else "not a workbook"
        return Problem(
            f"the file is {kind}, not an Excel workbook (.xlsx); a scenario in text form is a "
            "folder of CSV files",
            where,
        )
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype") if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, KeyError) as exc:
        return _damaged(path, exc)
    if mimetype.startswith(_ODS_MIMETYPE):
        return Problem(
            "the file is an OpenDocument spreadsheet; save it as an Excel Workbook (.xlsx)", where
        )
    if "xl/workbook.xml" not in names:
        return Problem("the file is a zip archive but not an Excel workbook (.xlsx)", where)
    return None


def _looks_like_text(start: bytes) -> bool:
    return b"\x00" not in start


def _damaged(path: Path, exc: BaseException) -> Problem:
    detail = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else type(exc).__name__
    return Problem(
        f"the workbook is damaged and cannot be read ({detail}); open it in Excel, save it as "
        "an Excel Workbook (.xlsx) and try again",
        str(path),
    )


def _sheet_name(title: str) -> str:
    """The sheet's name as the schema spells it (``Services `` reads as ``services``)."""
    name = title.strip()
    return name.lower() if name.lower() in _KNOWN_NAMES else name


def _read_sheet(
    rows: Iterable[Sequence[Any]], name: str, file: str, problems: list[Problem]
) -> RawTable:
    """One sheet as a raw table: the header row, then every row with a value in it."""
    iterator = iter(rows)
    header_cells = next(iterator, ())
    header = [_header_text(cell.value) for cell in header_cells]
    seen: dict[str, int] = {}
    keep: list[tuple[int, str]] = []  # (index, heading) of the columns that are read
    for index, heading in enumerate(header):
        if not heading:
            continue
        if heading in seen:
            problems.append(
                Problem(
                    f"the heading {heading!r} appears twice (columns "
                    f"{get_column_letter(seen[heading] + 1)} and {get_column_letter(index + 1)})",
                    file,
                    name,
                    1,
                    heading,
                )
            )
            continue
        seen[heading] = index
        keep.append((index, heading))
    unheaded: dict[int, int] = {}  # column index -> first row with a value but no heading
    body: list[RawRow] = []
    for number, row in enumerate(iterator, start=2):
        values = [_cell_value(cell) for cell in row]
        if all(cells.is_blank(v) for v in values):
            continue
        for index, value in enumerate(values):
            if not cells.is_blank(value) and (index >= len(header) or not header[index]):
                unheaded.setdefault(index, number)
        body.append(RawRow(number, {h: (values[i] if i < len(values) else None) for i, h in keep}))
    for index, first in sorted(unheaded.items()):
        letter = get_column_letter(index + 1)
        problems.append(
            Problem(
                f"column {letter} has values (from row {first}) but no heading in row 1",
                file,
                name,
                1,
                letter,
                "a column name in row 1, or no values in the column",
            )
        )
    return RawTable(name, file, tuple(h for _, h in keep), tuple(body))


def _header_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _cell_value(cell: Any) -> Any:
    value = cell.value
    if cell.data_type == "e":
        return cells.CellError(str(value))
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date()
    return value


# --------------------------------------------------------------------------------------------
# The notes: what every column and setting means


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


# --------------------------------------------------------------------------------------------
# Writing


def write_workbook(scenario: Scenario, path: Path, evidence: EvidenceBase) -> Path:
    """Write ``scenario`` as an Excel workbook at ``path`` (atomically); return the path.

    Raises :class:`InputError` when the path is not an ``.xlsx`` name, when a text holds a character
    a workbook cannot store (control characters other than tab and line breaks), or when the file
    cannot be written.
    """
    _check_target(path)
    tables = scenario_rows(scenario, evidence)
    # A parameter override given as a number is written as a number, not as its text.
    for row, override in zip(tables["parameters"][1:], scenario.parameters, strict=True):
        if isinstance(override.value, float):
            row[1] = cells.to_cell(Column("value", Kind.NUMBER, ""), override.value)
    _raise_on_illegal_text(tables, str(path))
    workbook = _build(tables, evidence)
    _save(workbook, path)
    return path


def write_template(path: Path, evidence: EvidenceBase) -> Path:
    """Write the blank scenario workbook at ``path`` (atomically); return the path.

    Every sheet has its header row; the authority sheet lists every setting with its default where
    it has one; drop-downs and the notes sheet are as in :func:`write_workbook`.
    """
    _check_target(path)
    tables: dict[str, list[list[Any]]] = {}
    for spec in schemas(evidence):
        if spec.key_value:
            tables[spec.name] = [[c.name for c in spec.columns]] + [
                [f.name, cells.to_cell(f, cells.parse(f, f.default)) if f.default else None]
                for f in spec.fields
            ]
        else:
            tables[spec.name] = [[c.name for c in spec.columns]]
    _save(_build(tables, evidence), path)
    return path


def _check_target(path: Path) -> None:
    if path.suffix.lower() != WRITE_SUFFIX:
        raise InputError(
            [
                Problem(
                    f"a workbook is written as {WRITE_SUFFIX}, not {path.suffix or 'without a suffix'}",
                    str(path),
                    allowed=f"a file name ending in {WRITE_SUFFIX}",
                )
            ]
        )


def _raise_on_illegal_text(tables: dict[str, list[list[Any]]], file: str) -> None:
    problems: list[Problem] = []
    for name, rows in tables.items():
        header = rows[0]
        for number, row in enumerate(rows[1:], start=2):
            for heading, value in zip(header, row, strict=True):
                if isinstance(value, str) and _XML_ILLEGAL.search(value):
                    problems.append(
                        Problem(
                            "the text holds a control character that a workbook cannot store",
                            file,
                            name,
                            number,
                            heading,
                            "printable characters, tabs and line breaks",
                        )
                    )
    if problems:
        raise InputError(problems)


def _build(tables: dict[str, list[list[Any]]], evidence: EvidenceBase) -> Workbook:
    workbook = Workbook()
    workbook.remove(workbook.active)
    lists = _Lists(workbook)
    for spec in schemas(evidence):
        worksheet = workbook.create_sheet(spec.name)
        rows = tables[spec.name]
        if spec.key_value:
            _fill_settings(worksheet, spec, rows, lists)
        else:
            _fill_records(worksheet, spec, rows, lists)
    _fill_notes(workbook.create_sheet(NOTES_SHEET), evidence)
    lists.finish()
    workbook.active = 0
    return workbook


def _fill_records(worksheet: Any, spec: Sheet, rows: list[list[Any]], lists: _Lists) -> None:
    _write_header(worksheet, spec.columns)
    for number, row in enumerate(rows[1:], start=2):
        for index, (column, value) in enumerate(zip(spec.columns, row, strict=True), start=1):
            _write_cell(worksheet.cell(number, index), column, value)
    last_row = max(len(rows), 2)
    for index, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(index)
        texts = [column.name] + [_shown(value) for value in (r[index - 1] for r in rows[1:])]
        worksheet.column_dimensions[letter].width = _width(texts)
        _validate(worksheet, column, f"{letter}2:{letter}{_LAST_ROW}", lists, spec.name)
    freeze = "C2" if len(spec.columns) > 1 and spec.columns[1].name in ("name", "title") else "A2"
    worksheet.freeze_panes = freeze
    worksheet.auto_filter.ref = f"A1:{get_column_letter(len(spec.columns))}{last_row}"


def _fill_settings(worksheet: Any, spec: Sheet, rows: list[list[Any]], lists: _Lists) -> None:
    _write_header(worksheet, spec.columns)
    fields = {f.name: f for f in spec.fields}
    for number, (name, value) in enumerate(rows[1:], start=2):
        field = fields[name]
        name_cell = worksheet.cell(number, 1, name)
        if field.required:
            name_cell.fill = _REQUIRED_FILL
        _write_cell(worksheet.cell(number, 2), field, value)
        _validate(worksheet, field, f"B{number}", lists, spec.name)
    worksheet.column_dimensions["A"].width = _width([r[0] for r in rows])
    worksheet.column_dimensions["B"].width = max(30, _width([_shown(r[1]) for r in rows]))
    worksheet.freeze_panes = "A2"


def _write_header(worksheet: Any, columns: Sequence[Column]) -> None:
    for index, column in enumerate(columns, start=1):
        cell = worksheet.cell(1, index, column.name)
        cell.font = _HEADER_FONT
        cell.fill = _REQUIRED_FILL if column.required else _HEADER_FILL


def _write_cell(cell: Any, column: Column, value: Any) -> None:
    if column.kind is Kind.DATE and isinstance(value, str):
        day = dt.date.fromisoformat(value)
        if day >= _FIRST_EXCEL_DATE:
            value = day
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # text starting '=' or '#' stays text, not a formula or an error
    elif isinstance(value, int | float) and not isinstance(value, bool):
        _keep_every_digit(cell, value)
    number_format = _number_format(column)
    if number_format and value is not None:
        cell.number_format = number_format


def _keep_every_digit(cell: Any, value: float) -> None:
    """Make openpyxl store ``value`` exactly.

    openpyxl writes numbers with 16 significant digits, which is not always enough to give back the
    same double (0.30000000000000004 would come back as 0.3), so a round trip would change the
    scenario. The file format allows the 17 digits Excel itself writes: for such a number the cell
    is given its shortest exact text, which openpyxl writes as it is. Pinned by the round-trip
    property tests.
    """
    if float(f"{value:.16g}") != value:
        cell._value = repr(value) if isinstance(value, float) else str(value)
        cell.data_type = "n"


def _number_format(column: Column) -> str | None:
    if column.kind is Kind.DATE:
        return "yyyy-mm-dd"
    if column.kind is Kind.SHARE:
        return "0.0%"
    if column.kind is Kind.NUMBER and column.unit.startswith("£"):
        return "#,##0"
    return None


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 1000 else repr(value)
    return str(value)


def _width(texts: Iterable[str]) -> float:
    longest = max(
        (len(line) for text in texts for line in str(text).splitlines() or [""]), default=0
    )
    return float(min(_MAX_WIDTH, max(_MIN_WIDTH, longest + 2)))


class _Lists:
    """The hidden sheet holding drop-down lists too long to write inline (added last)."""

    def __init__(self, workbook: Workbook) -> None:
        self._workbook = workbook
        self._columns: dict[tuple[str, ...], tuple[str, str]] = {}  # choices -> (title, range)

    def formula(self, title: str, choices: tuple[str, ...]) -> str:
        inline = ",".join(choices)
        if len(inline) <= _INLINE_LIST_LIMIT and not any("," in c for c in choices):
            return f'"{inline}"'
        if choices not in self._columns:
            letter = get_column_letter(len(self._columns) + 1)
            cells_range = f"{LISTS_SHEET}!${letter}$2:${letter}${len(choices) + 1}"
            self._columns[choices] = (title, cells_range)
        return self._columns[choices][1]

    def finish(self) -> None:
        if not self._columns:
            return
        worksheet = self._workbook.create_sheet(LISTS_SHEET)
        for index, (choices, (title, _)) in enumerate(self._columns.items(), start=1):
            worksheet.cell(1, index, title).font = _HEADER_FONT
            for number, choice in enumerate(choices, start=2):
                worksheet.cell(number, index, choice).data_type = "s"
        worksheet.sheet_state = "hidden"


def _validate(worksheet: Any, column: Column, cells_range: str, lists: _Lists, sheet: str) -> None:
    """Attach the column's drop-down list or number range to ``cells_range``."""
    validation: DataValidation | None = None
    if column.kind is Kind.BOOL:
        validation = DataValidation(type="list", formula1='"yes,no"')
    elif column.kind is Kind.ENUM and column.choices:
        formula = lists.formula(f"{sheet}.{column.name}", column.choices)
        validation = DataValidation(type="list", formula1=formula)
    elif column.kind is Kind.SHARE:
        validation = DataValidation(type="decimal", operator="between", formula1="0", formula2="1")
    elif column.kind in (Kind.INT, Kind.NUMBER) and column.minimum is not None:
        kind = "whole" if column.kind is Kind.INT else "decimal"
        low = _formula_number(column.minimum)
        if column.maximum is not None:
            high = _formula_number(column.maximum)
            validation = DataValidation(type=kind, operator="between", formula1=low, formula2=high)
        else:
            validation = DataValidation(type=kind, operator="greaterThanOrEqual", formula1=low)
    if validation is None:
        return
    validation.allow_blank = True
    validation.showErrorMessage = True
    validation.errorStyle = "stop"
    validation.errorTitle = f"Not allowed in {column.name}"[:32]
    validation.error = f"Allowed: {column.allowed()}"[:255]
    validation.showInputMessage = True
    validation.promptTitle = column.name[:32]
    validation.prompt = column.meaning[:255]
    worksheet.add_data_validation(validation)
    validation.add(cells_range)


def _formula_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _fill_notes(worksheet: Any, evidence: EvidenceBase) -> None:
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
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
    number = 2
    for topic, text in GENERAL_NOTES:
        worksheet.cell(number, 1, "(every sheet)")
        worksheet.cell(number, 2, topic)
        worksheet.cell(number, 3, text).alignment = _WRAP
        number += 1
    for spec in schemas(evidence):
        number += 1
        title = worksheet.cell(number, 1, spec.name)
        title.font = _SECTION_FONT
        what = "required sheet" if spec.required else "optional sheet"
        worksheet.cell(number, 3, f"{spec.purpose} ({what})").font = _HEADER_FONT
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
                cell.alignment = _WRAP
            number += 1
    for letter, width in zip("ABCDEFG", (16, 26, 60, 10, 40, 9, 14), strict=True):
        worksheet.column_dimensions[letter].width = width
    worksheet.freeze_panes = "A2"


def _save(workbook: Workbook, path: Path) -> None:
    """Save to a temporary file beside ``path``, then rename it over ``path``."""
    temporary = path.parent / f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        workbook.save(temporary)
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        reason = exc.strerror or str(exc)
        raise InputError([Problem(f"cannot write the workbook: {reason}", str(path))]) from exc
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
