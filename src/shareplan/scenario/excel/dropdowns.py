"""The workbook's drop-downs and number ranges, so that Excel itself refuses most bad entries; lists
too long to write inline go to a hidden ``lists`` sheet."""

from __future__ import annotations

from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from shareplan.scenario.excel.layout import HEADER_FONT, LISTS_SHEET
from shareplan.scenario.schema import Column, Kind

_INLINE_LIST_LIMIT = 255  # Excel's limit on a list validation written inline


class Lists:
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
            worksheet.cell(1, index, title).font = HEADER_FONT
            for number, choice in enumerate(choices, start=2):
                worksheet.cell(number, index, choice).data_type = "s"
        worksheet.sheet_state = "hidden"


def validate(worksheet: Any, column: Column, cells_range: str, lists: Lists, sheet: str) -> None:
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
