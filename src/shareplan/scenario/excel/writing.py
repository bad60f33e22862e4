"""Writing a scenario, or the blank template, as a workbook an officer can fill in.

The workbook has one sheet per table of :data:`shareplan.scenario.schema.SHEETS`, in that order,
then a ``notes`` sheet explaining every column and setting, then a hidden ``lists`` sheet that holds
the longer drop-down lists. Writing is atomic: the workbook is saved to a temporary file in the
target folder and renamed over the target only once complete, so a failure leaves no half-written
file.
"""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from shareplan.errors import InputError, Problem
from shareplan.evidence.base import EvidenceBase
from shareplan.scenario import cells
from shareplan.scenario.excel.cellwriting import shown, width, write_cell, write_header
from shareplan.scenario.excel.dropdowns import Lists, validate
from shareplan.scenario.excel.layout import NOTES_SHEET, REQUIRED_FILL
from shareplan.scenario.excel.notes import fill_notes
from shareplan.scenario.model import Scenario
from shareplan.scenario.schema import Column, Kind, Sheet
from shareplan.scenario.tables import scenario_rows, schemas

WRITE_SUFFIX = ".xlsx"
_XML_ILLEGAL = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_LAST_ROW = 1_048_576


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
    lists = Lists(workbook)
    for spec in schemas(evidence):
        worksheet = workbook.create_sheet(spec.name)
        rows = tables[spec.name]
        if spec.key_value:
            _fill_settings(worksheet, spec, rows, lists)
        else:
            _fill_records(worksheet, spec, rows, lists)
    fill_notes(workbook.create_sheet(NOTES_SHEET), evidence)
    lists.finish()
    workbook.active = 0
    return workbook


def _fill_records(worksheet: Any, spec: Sheet, rows: list[list[Any]], lists: Lists) -> None:
    write_header(worksheet, spec.columns)
    for number, row in enumerate(rows[1:], start=2):
        for index, (column, value) in enumerate(zip(spec.columns, row, strict=True), start=1):
            write_cell(worksheet.cell(number, index), column, value)
    last_row = max(len(rows), 2)
    for index, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(index)
        texts = [column.name] + [shown(value) for value in (r[index - 1] for r in rows[1:])]
        worksheet.column_dimensions[letter].width = width(texts)
        validate(worksheet, column, f"{letter}2:{letter}{_LAST_ROW}", lists, spec.name)
    freeze = "C2" if len(spec.columns) > 1 and spec.columns[1].name in ("name", "title") else "A2"
    worksheet.freeze_panes = freeze
    worksheet.auto_filter.ref = f"A1:{get_column_letter(len(spec.columns))}{last_row}"


def _fill_settings(worksheet: Any, spec: Sheet, rows: list[list[Any]], lists: Lists) -> None:
    write_header(worksheet, spec.columns)
    fields = {f.name: f for f in spec.fields}
    for number, (name, value) in enumerate(rows[1:], start=2):
        field = fields[name]
        name_cell = worksheet.cell(number, 1, name)
        if field.required:
            name_cell.fill = REQUIRED_FILL
        write_cell(worksheet.cell(number, 2), field, value)
        validate(worksheet, field, f"B{number}", lists, spec.name)
    worksheet.column_dimensions["A"].width = width([r[0] for r in rows])
    worksheet.column_dimensions["B"].width = max(30, width([shown(r[1]) for r in rows]))
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
