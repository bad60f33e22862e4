"""Reading a workbook into raw tables, whatever an officer hands in.

Reading never raises for a bad file: a file that is empty, not a workbook, password-protected or
damaged becomes one :class:`~shareplan.errors.Problem` in :attr:`RawScenario.problems`, and
:func:`shareplan.scenario.build.build_scenario` turns it into an :class:`InputError`. Row numbers
are the spreadsheet's own (the header is row 1), so a problem points at the cell an officer sees.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from shareplan.errors import Problem
from shareplan.scenario import cells
from shareplan.scenario.excel.layout import KNOWN_NAMES, SKIPPED_SHEETS
from shareplan.scenario.tables import RawRow, RawScenario, RawTable

_CFB_MAGIC = (
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE compound file: old .xls, or an encrypted .xlsx
)
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


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
    return name.lower() if name.lower() in KNOWN_NAMES else name


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
