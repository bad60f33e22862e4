"""The assumptions workbook written beside the report: every figure the appraisal used with its
source, confidence and date, each priority project's own assumptions, and its yearly cash flows.
The report's Appendix 5 summarises it; this is the full list a finance officer can filter."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from shareplan.evidence import ResolvedParameter
from shareplan.report.context import Context
from shareplan.report.dating import is_later

WORKBOOK_NAME = "assumptions.xlsx"


def _cell(value: Any) -> Any:
    """A value a spreadsheet cell can hold: numbers and text as they are, the rest as JSON."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return json.dumps(value, default=str, ensure_ascii=False)


def write_workbook(c: Context, path: Path) -> Path:
    book = Workbook(write_only=True)
    _parameters(book, c)
    _projects(book, c)
    book.save(str(path))
    return path


def _parameters(book: Workbook, c: Context) -> None:
    """Every setting and evidence figure, with its source, date and whether it is later evidence."""
    sheet = book.create_sheet("Assumptions")
    sheet.append(
        [
            "Key",
            "Description",
            "Unit",
            "Value",
            "Confidence",
            "Source",
            "Applies from",
            "Published after the meeting",
        ]
    )
    for param in c.results.parameters:
        evidence = isinstance(param, ResolvedParameter)
        valid_from = param.valid_from if isinstance(param, ResolvedParameter) else None
        sheet.append(
            [
                param.key,
                param.description,
                param.unit,
                _cell(param.value),
                str(param.confidence) if isinstance(param, ResolvedParameter) else "setting",
                param.source,
                valid_from.isoformat() if valid_from else None,
                ("yes" if is_later(param.source, valid_from, c.meeting_date) else "no")
                if evidence
                else None,
            ]
        )


def _projects(book: Workbook, c: Context) -> None:
    """Each priority project's own assumptions and its yearly cash flows."""
    own = book.create_sheet("Project assumptions")
    own.append(["Project", "Key", "Description", "Value", "Unit", "Confidence", "Source"])
    flows = book.create_sheet("Cash flows")
    flows.append(
        [
            "Project",
            "Year",
            "Costs",
            "Savings",
            "Trading income",
            "Net",
            "Discount factor",
            "Present value",
        ]
    )
    for oid in c.selected:
        bc = c.opp(oid).business_case
        for a in bc.assumptions:
            own.append(
                [
                    c.title(oid),
                    a.key,
                    a.description,
                    _cell(a.value),
                    a.unit,
                    str(a.confidence or a.origin),
                    a.source,
                ]
            )
        for i, y in enumerate(bc.adjusted.years):
            flows.append(
                [
                    c.title(oid),
                    y.label or c.year(i),
                    round(y.total_cost, 2),
                    round(y.savings, 2),
                    round(y.trading_income, 2),
                    round(y.net, 2),
                    round(y.discount_factor, 6),
                    round(y.present_value, 2),
                ]
            )
