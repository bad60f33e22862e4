"""Reading Revenue Outturn figures: the official RS workbooks (.xls, .xlsx) and tidy CSV.

The official "Revenue Outturn Summary (RS) data by LA" workbooks put one authority per row and one
RS line per column on the net current expenditure sheet: a title naming the year, then a header row
starting ``E-code``, then the authorities. The header is matched by label, not position, because
columns move between years (the 2010-11 social care line split in 2011-12; public health arrived in
2013-14; 2014-15 added ONS code and region columns).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shareplan.benchmarking.authorities import AuthorityTable
from shareplan.benchmarking.outturn import (
    LINE_IDS,
    PRINCIPAL_CLASSES,
    SERVICE_LINES,
    TOTAL_LINE,
    OutturnRecord,
    check_year_text,
)
from shareplan.errors import InputError, Problem

_ECODE = re.compile(r"^E\d{4}$")
_YEAR_IN_TITLE = re.compile(r"(20\d\d)\s*-\s*(\d\d)")
EXPECTED_LAYOUT = (
    "an MHCLG 'Revenue Outturn Summary (RS) data by LA' workbook (a sheet like "
    "'RS LA Data 2014-15 (1)' with a header row starting 'E-code' and net current expenditure "
    "columns such as 'Education services'), or a tidy CSV with columns fiscal_year, code "
    "(or ons_code / ecode), line (or item) and gbp_thousand"
)


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What one file gave: the records, and what was left out and why."""

    source: str
    years: tuple[str, ...]
    records: tuple[OutturnRecord, ...]
    skipped: tuple[str, ...]
    """Rows left out on purpose (police, fire and other non-principal bodies)."""
    not_submitted: tuple[str, ...]
    """Councils whose row is entirely blank: no return was submitted (kept as blank, not zero)."""


def _norm(text: object) -> str:
    return re.sub(r"\s+", " ", str(text).replace("\u2019", "'")).strip().lower()


def _line_for_header(text: object) -> str | None:
    label = _norm(text)
    if label.startswith("total service expenditure"):
        return TOTAL_LINE
    for line in SERVICE_LINES:
        if label in line.headers:
            return line.id
    return None


def _cell_number(value: Any) -> tuple[float | None, bool]:
    """(number, ok). Blank and the usual 'no data' marks are ``None``; other text is not ok."""
    if value is None:
        return None, True
    if isinstance(value, bool):
        return None, False
    if isinstance(value, int | float):
        return float(value), True
    text = str(value).strip().replace(",", "")
    if text in {"", "-", "..", "...", "\u2026", ":", "x", "[x]", "n/a", "N/A"}:
        return None, True
    try:
        return float(text), True
    except ValueError:
        return None, False


# ---- workbook grids ----------------------------------------------------------------------------


def _xls_sheets(path: Path) -> Iterator[tuple[str, list[list[Any]]]]:
    import xlrd

    try:
        book = xlrd.open_workbook(str(path), on_demand=True)
    except Exception as exc:  # xlrd raises its own XLRDError and assorted others
        raise InputError(
            [Problem(f"cannot read this .xls file: {exc}", file=str(path), allowed=EXPECTED_LAYOUT)]
        ) from None
    try:
        for name in book.sheet_names():
            sheet = book.sheet_by_name(name)
            if sheet.nrows < 8:
                continue
            yield name, [sheet.row_values(r) for r in range(sheet.nrows)]
            book.unload_sheet(name)
    finally:
        book.release_resources()


def _xlsx_sheets(path: Path) -> Iterator[tuple[str, list[list[Any]]]]:
    import warnings

    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(str(path), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several unrelated types for a bad file
        raise InputError(
            [
                Problem(
                    f"cannot read this .xlsx file: {exc}", file=str(path), allowed=EXPECTED_LAYOUT
                )
            ]
        ) from None
    try:
        for name in book.sheetnames:
            sheet = book[name]
            # Only the first rows decide whether this is the sheet; read it all only if so.
            head: list[list[Any]] = []
            for i, row in enumerate(sheet.iter_rows(values_only=True)):
                head.append(list(row))
                if i >= 15:
                    break
            if _find_header(head) is None:
                continue
            yield name, [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def _find_header(rows: Sequence[Sequence[Any]]) -> int | None:
    for r, row in enumerate(rows[:20]):
        if row and _norm(row[0]) == "e-code":
            lines = {_line_for_header(v) for v in row}
            if "education" in lines and TOTAL_LINE in lines:
                return r
    return None


def _title_year(rows: Sequence[Sequence[Any]], header: int) -> tuple[str | None, bool]:
    """The year named in the title rows, and whether they say 'net current expenditure'."""
    year = None
    nce = False
    for row in rows[:header]:
        for value in row:
            if not isinstance(value, str):
                continue
            if "net current expenditure" in value.lower():
                nce = True
            match = _YEAR_IN_TITLE.search(value)
            if match and year is None:
                year = f"{match.group(1)}-{match.group(2)}"
    return year, nce


def read_workbook(path: Path, authorities: AuthorityTable) -> ImportResult:
    """Read the net current expenditure sheet of an official RS workbook (.xls or .xlsx)."""
    suffix = path.suffix.lower()
    if suffix == ".xls":
        sheets: Iterable[tuple[str, list[list[Any]]]] = _xls_sheets(path)
    elif suffix in {".xlsx", ".xlsm"}:
        sheets = _xlsx_sheets(path)
    else:
        raise InputError(
            [Problem(f"unsupported file type {suffix!r}", file=str(path), allowed=EXPECTED_LAYOUT)]
        )
    candidates: list[tuple[str, list[list[Any]], int, str | None]] = []
    for name, rows in sheets:
        header = _find_header(rows)
        if header is None:
            continue
        year, nce = _title_year(rows, header)
        if nce:
            return _read_sheet(path, name, rows, header, year, authorities)
        candidates.append((name, rows, header, year))
    if candidates:
        name, rows, header, year = candidates[0]
        return _read_sheet(path, name, rows, header, year, authorities)
    raise InputError(
        [
            Problem(
                "no sheet of net current expenditure by authority was found",
                file=str(path),
                allowed=EXPECTED_LAYOUT,
            )
        ]
    )


def _sheet_columns(
    head: Sequence[Any],
) -> tuple[dict[str, int], int | None, int | None, int | None]:
    """The service lines' columns (up to the total), and the ONS code, class and name columns."""
    columns: dict[str, int] = {}
    ons_col = class_col = name_col = None
    for c, value in enumerate(head):
        label = _norm(value)
        if label == "ons code":
            ons_col = c
        elif label == "class":
            class_col = c
        elif label == "local authority":
            name_col = c
        line = _line_for_header(value)
        if line is not None and line not in columns:
            columns[line] = c
        if line == TOTAL_LINE:
            break  # the lines after the total are housing benefit, levies and so on
    return columns, ons_col, class_col, name_col


def _read_sheet(
    path: Path,
    sheet: str,
    rows: list[list[Any]],
    header: int,
    year: str | None,
    authorities: AuthorityTable,
) -> ImportResult:
    problems: list[Problem] = []
    if year is None or check_year_text(year):
        raise InputError(
            [
                Problem(
                    "the title rows do not name a financial year like '2014-15'",
                    file=str(path),
                    sheet=sheet,
                    allowed=EXPECTED_LAYOUT,
                )
            ]
        )
    head = rows[header]
    columns, ons_col, class_col, name_col = _sheet_columns(head)
    if class_col is None or name_col is None:
        raise InputError(
            [
                Problem(
                    "the header row has no 'Local authority' or 'Class' column",
                    file=str(path),
                    sheet=sheet,
                    row=header + 1,
                    allowed=EXPECTED_LAYOUT,
                )
            ]
        )
    records: list[OutturnRecord] = []
    skipped: list[str] = []
    blank: list[str] = []
    for r in range(header + 1, len(rows)):
        row = rows[r]
        if not row or not isinstance(row[0], str) or not _ECODE.match(row[0].strip()):
            continue
        ecode = row[0].strip()
        name = str(row[name_col]).strip()
        klass = str(row[class_col]).strip()
        if klass not in PRINCIPAL_CLASSES:
            skipped.append(f"{name} ({ecode}, class {klass})")
            continue
        ons = str(row[ons_col]).strip() if ons_col is not None and row[ons_col] else ""
        code = authorities.canonical(ons) if ons else None
        if code is None:
            code = authorities.canonical(ecode)
        if code is None:
            problems.append(
                Problem(
                    f"unknown authority {name!r} (E-code {ecode}, ONS code {ons or 'none'})",
                    file=str(path),
                    sheet=sheet,
                    row=r + 1,
                    column="E-code",
                    allowed="a principal council in the shipped authority list",
                )
            )
            continue
        values: dict[str, float | None] = {}
        for line, c in columns.items():
            value, ok = _cell_number(row[c] if c < len(row) else None)
            if not ok:
                problems.append(
                    Problem(
                        f"{row[c]!r} is not a number",
                        file=str(path),
                        sheet=sheet,
                        row=r + 1,
                        column=str(head[c]),
                        allowed="a figure in £ thousand, or blank",
                    )
                )
            values[line] = value
        if all(v is None for v in values.values()):
            blank.append(f"{name} ({code})")
        records.append(OutturnRecord(year, code, ecode, name, klass, values))
    if not records and not problems:
        problems.append(
            Problem(
                "no authority rows below the header",
                file=str(path),
                sheet=sheet,
                allowed=EXPECTED_LAYOUT,
            )
        )
    if problems:
        raise InputError(problems)
    return ImportResult(str(path), (year,), tuple(records), tuple(skipped), tuple(blank))


# ---- tidy CSV ------------------------------------------------------------------------------------


def _csv_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """The header and rows of a CSV file, each cell stripped."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            fields = [f.strip() for f in (reader.fieldnames or [])]
            rows = [
                {(k or "").strip(): (v or "").strip() for k, v in row.items()} for row in reader
            ]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError([Problem(f"cannot read CSV: {exc}", file=str(path))]) from None
    return fields, rows


FINANCING_LINES = frozenset(
    {
        "net_current_expenditure",
        "revenue_expenditure",
        "net_revenue_expenditure",
        "council_tax_requirement",
        "total_service_expenditure_non_ias19_pfi_basis",
    }
)
"""Financing lines below the service lines: read past, not used here."""


def _line_values(
    items: Sequence[tuple[str, str]],
    values: dict[str, float | None],
    file: str,
    row: int,
    line_field: str | None,
) -> list[Problem]:
    """Put each (line, figure) of one CSV row into ``values``; the problems found. A long-form
    file names its line column ``line_field``; a wide one (``None``) has a column per line."""
    problems: list[Problem] = []
    for line, text in items:
        if line not in LINE_IDS:
            if line not in FINANCING_LINES:
                problems.append(
                    Problem(
                        f"unknown service line {line!r}",
                        file=file,
                        row=row,
                        column=line_field or "line",
                        allowed=", ".join(LINE_IDS),
                    )
                )
            continue
        value, ok = _cell_number(text)
        if not ok:
            problems.append(
                Problem(
                    f"{text!r} is not a number",
                    file=file,
                    row=row,
                    column="gbp_thousand" if line_field else line,
                    allowed="a figure in £ thousand, or blank",
                )
            )
            continue
        values[line] = value
    return problems


def read_tidy_csv(path: Path, authorities: AuthorityTable) -> ImportResult:
    """Read figures from CSV: long form (one figure per row) or the shipped wide form.

    Long form: ``fiscal_year``, one of ``code``/``ons_code``/``ecode``, ``line`` (or ``item``) and
    ``gbp_thousand``; optional ``name``/``la_name`` and ``class``. Wide form: ``fiscal_year``,
    ``code``, ``name``, ``class`` and one column per line id. Blank figures stay blank.
    """
    fields, rows = _csv_rows(path)
    code_field = next((f for f in ("code", "ons_code", "ecode") if f in fields), None)
    line_field = next((f for f in ("line", "item") if f in fields), None)
    wide = code_field == "code" and any(line in fields for line in LINE_IDS)
    if (
        "fiscal_year" not in fields
        or code_field is None
        or (not wide and (line_field is None or "gbp_thousand" not in fields))
    ):
        raise InputError(
            [
                Problem(
                    f"unrecognised CSV columns: {', '.join(fields) or '(none)'}",
                    file=str(path),
                    allowed=EXPECTED_LAYOUT,
                )
            ]
        )
    problems: list[Problem] = []
    grouped: dict[tuple[str, str], dict[str, float | None]] = {}
    meta: dict[tuple[str, str], tuple[str, str, str]] = {}
    for i, row in enumerate(rows, start=2):
        year = row["fiscal_year"]
        bad_year = check_year_text(year)
        if bad_year:
            problems.append(Problem(bad_year, file=str(path), row=i, column="fiscal_year"))
            continue
        raw_code = row.get(code_field, "")
        if not raw_code and "ecode" in row:
            raw_code = row["ecode"]
        code = authorities.canonical(raw_code) if raw_code else None
        if code is None and row.get("ecode"):
            code = authorities.canonical(row["ecode"])
        klass = row.get("class", "")
        if code is None:
            if klass and klass not in PRINCIPAL_CLASSES:
                continue  # police, fire and so on: not principal councils
            problems.append(
                Problem(
                    f"unknown authority code {raw_code!r}",
                    file=str(path),
                    row=i,
                    column=code_field,
                    allowed="an ONS code or MHCLG E-code of an English principal council",
                )
            )
            continue
        a = authorities[code]
        key = (year, code)
        meta[key] = (a.ecode, row.get("name") or row.get("la_name") or a.name, klass or a.klass)
        values = grouped.setdefault(key, {})
        items: list[tuple[str, str]]
        if wide:
            items = [(line, row.get(line, "")) for line in LINE_IDS if line in row]
        else:
            assert line_field is not None
            items = [(row[line_field], row["gbp_thousand"])]
        problems += _line_values(items, values, str(path), i, line_field if not wide else None)
    if not grouped and not problems:
        problems.append(Problem("no rows", file=str(path), allowed=EXPECTED_LAYOUT))
    if problems:
        raise InputError(problems)
    records = tuple(
        OutturnRecord(y, c, *meta[(y, c)], values=v) for (y, c), v in sorted(grouped.items())
    )
    blank = tuple(
        f"{r.name} ({r.code}, {r.year})"
        for r in records
        if all(value is None for value in r.values.values())
    )
    years = tuple(sorted({r.year for r in records}))
    return ImportResult(str(path), years, records, (), blank)


def read_outturn_file(path: Path, authorities: AuthorityTable) -> ImportResult:
    """Read any supported file, chosen by its suffix."""
    if not path.exists():
        raise InputError([Problem("file not found", file=str(path))])
    if path.suffix.lower() == ".csv":
        return read_tidy_csv(path, authorities)
    return read_workbook(path, authorities)


def write_wide_csv(records: Sequence[OutturnRecord], handle: Any) -> None:
    """Write records in the shipped wide form (the inverse of the wide branch above)."""
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(["fiscal_year", "code", "ecode", "name", "class", *LINE_IDS])
    for r in sorted(records, key=lambda x: (x.year, x.code)):
        cells = []
        for line in LINE_IDS:
            value = r.values.get(line)
            cells.append("" if value is None else _compact(value))
        writer.writerow([r.year, r.code, r.ecode, r.name, r.klass, *cells])


def _compact(value: float) -> str:
    return str(int(value)) if value == int(value) else repr(value)
