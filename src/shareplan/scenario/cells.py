"""Turning one cell into a typed value and back (pure).

Readers hand over raw cells: strings from CSV, or numbers, booleans, dates and errors from Excel.
``parse`` returns the value or a message saying what is wrong; ``to_text`` is the canonical text
form used by the CSV writer, so that a round trip through Excel changes no byte.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from typing import Any

from shareplan.scenario.schema import LIST_SEPARATOR, Column, Kind

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_TRUE = {"yes", "y", "true", "1"}
_FALSE = {"no", "n", "false", "0"}


@dataclass(frozen=True, slots=True)
class CellError:
    """A spreadsheet error value such as ``#DIV/0!`` or ``#REF!``."""

    code: str


class CellProblem(ValueError):
    """The cell cannot be read as its column's kind."""


def is_blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and raw.strip() == "")


def _number(raw: Any) -> float:
    if isinstance(raw, bool):
        raise CellProblem(f"expected a number, found {raw!r}")
    if isinstance(raw, int | float):
        value = float(raw)
    else:
        text = str(raw).strip().replace(",", "").replace("£", "")
        try:
            value = float(text)
        except ValueError:
            raise CellProblem(f"expected a number, found {str(raw).strip()!r}") from None
    if not math.isfinite(value):
        raise CellProblem(f"expected a finite number, found {raw!r}")
    return value


def _check_range(column: Column, value: float) -> None:
    if column.minimum is not None and value < column.minimum:
        raise CellProblem(f"{_fmt(value)} is below the minimum of {_fmt(column.minimum)}")
    if column.maximum is not None and value > column.maximum:
        raise CellProblem(f"{_fmt(value)} is above the maximum of {_fmt(column.maximum)}")


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _items(raw: Any) -> tuple[str, ...]:
    return tuple(item.strip() for item in str(raw).split(LIST_SEPARATOR) if item.strip())


def normalise_choice(text: str) -> str:
    return re.sub(r"[\s\-/]+", "_", text.strip().lower())


def parse(column: Column, raw: Any) -> Any:
    """The typed value of ``raw`` for ``column``; ``None`` when blank; :class:`CellProblem` if wrong."""
    if isinstance(raw, CellError):
        raise CellProblem(f"the cell holds the spreadsheet error {raw.code}")
    if is_blank(raw):
        if column.required:
            raise CellProblem("a value is required")
        return () if column.kind in (Kind.LIST, Kind.ID_LIST) else None
    kind = column.kind
    if kind is Kind.TEXT:
        if isinstance(raw, float) and raw.is_integer():
            return str(int(raw))
        return str(raw).strip()
    if kind is Kind.ID:
        text = str(int(raw)) if isinstance(raw, float) and raw.is_integer() else str(raw).strip()
        if not _ID.match(text):
            raise CellProblem(f"{text!r} is not a valid id")
        return text
    if kind in (Kind.INT, Kind.NUMBER, Kind.SHARE):
        if kind is Kind.SHARE and isinstance(raw, str) and raw.strip().endswith("%"):
            value = _number(raw.strip()[:-1]) / 100
        else:
            value = _number(raw)
        if kind is Kind.INT:
            if not value.is_integer():
                raise CellProblem(f"expected a whole number, found {_fmt(value)}")
            _check_range(column, value)
            return int(value)
        if kind is Kind.SHARE and not 0 <= value <= 1:
            raise CellProblem(f"{_fmt(value)} is not a share between 0 and 1 (write 15% as 0.15)")
        _check_range(column, value)
        return value
    if kind is Kind.BOOL:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise CellProblem(f"expected yes or no, found {str(raw).strip()!r}")
    if kind is Kind.ENUM:
        text = normalise_choice(str(raw))
        if column.choices and text not in column.choices:
            raise CellProblem(f"{str(raw).strip()!r} is not one of the allowed values")
        return text
    if kind is Kind.LIST:
        return _items(raw)
    if kind is Kind.ID_LIST:
        items = _items(raw)
        bad = [item for item in items if not _ID.match(item)]
        if bad:
            raise CellProblem(f"not valid ids: {', '.join(repr(b) for b in bad)}")
        return items
    if kind is Kind.DATE:
        if isinstance(raw, dt.datetime):
            return raw.date()
        if isinstance(raw, dt.date):
            return raw
        try:
            return dt.date.fromisoformat(str(raw).strip())
        except ValueError:
            raise CellProblem(
                f"expected a date as YYYY-MM-DD, found {str(raw).strip()!r}"
            ) from None
    raise AssertionError(f"unhandled column kind {kind}")


def to_cell(column: Column, value: Any) -> Any:
    """The value as a typed cell for a workbook (numbers stay numbers)."""
    if value is None:
        return None
    kind = column.kind
    if kind is Kind.BOOL:
        return "yes" if value else "no"
    if kind in (Kind.LIST, Kind.ID_LIST):
        return f"{LIST_SEPARATOR} ".join(value) if value else None
    if kind is Kind.INT:
        return int(value)
    if kind in (Kind.NUMBER, Kind.SHARE):
        number = float(value)
        return int(number) if number.is_integer() else number
    if kind is Kind.DATE:
        return value.isoformat()
    return str(value.value if hasattr(value, "value") else value)


def to_text(column: Column, value: Any) -> str:
    """The canonical text of a value (the CSV form)."""
    cell = to_cell(column, value)
    if cell is None:
        return ""
    if isinstance(cell, float):
        return repr(cell)
    return str(cell)
