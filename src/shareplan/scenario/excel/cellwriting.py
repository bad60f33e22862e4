"""Writing one cell so that it reads back as the same value: text stays text, numbers keep every
digit, dates are dates; and the number formats and column widths an officer sees."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from shareplan.scenario.excel.layout import HEADER_FILL, HEADER_FONT, REQUIRED_FILL
from shareplan.scenario.schema import Column, Kind

_MAX_WIDTH = 60
_MIN_WIDTH = 10
_FIRST_EXCEL_DATE = dt.date(1900, 3, 1)  # before this, Excel's 1900 leap-year bug shifts dates


def write_header(worksheet: Any, columns: Sequence[Column]) -> None:
    for index, column in enumerate(columns, start=1):
        cell = worksheet.cell(1, index, column.name)
        cell.font = HEADER_FONT
        cell.fill = REQUIRED_FILL if column.required else HEADER_FILL


def write_cell(cell: Any, column: Column, value: Any) -> None:
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


def shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 1000 else repr(value)
    return str(value)


def width(texts: Iterable[str]) -> float:
    longest = max(
        (len(line) for text in texts for line in str(text).splitlines() or [""]), default=0
    )
    return float(min(_MAX_WIDTH, max(_MIN_WIDTH, longest + 2)))
