"""The tracker on disk, as an Excel workbook (``.xlsx``) or as a folder of CSV files (its text
form, one file per sheet, for git), and the ledger extract an officer loads into it.

Both forms are read by the scenario's readers and checked by its cell parser, so a problem names
the same sheet, row and column in either. Writing is atomic: a tracker is replaced whole or not
at all.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from pydantic import BaseModel, ValidationError

from shareplan.errors import InputError, Problem, raise_if_any
from shareplan.scenario import cells
from shareplan.scenario.csvio import read_csv_table, render_csv
from shareplan.scenario.excel import read_workbook
from shareplan.scenario.schema import Sheet
from shareplan.scenario.tables import Collector, RawTable, parse_records
from shareplan.tracking.model import (
    Actual,
    Benefit,
    Milestone,
    ModelValue,
    PlanLine,
    Project,
    Settings,
    Tracker,
)
from shareplan.tracking.schema import (
    ACTUALS,
    BENEFITS,
    LEDGER,
    MILESTONE_SHEET,
    MODEL,
    PLAN,
    PROJECTS,
    SETTINGS,
    TRACKER_SHEETS,
)

RECORDS: tuple[tuple[Sheet, type[BaseModel], str], ...] = (
    (PROJECTS, Project, "projects"),
    (MODEL, ModelValue, "model"),
    (BENEFITS, Benefit, "benefits"),
    (PLAN, PlanLine, "plan"),
    (MILESTONE_SHEET, Milestone, "milestones"),
    (ACTUALS, Actual, "actuals"),
)
_HEADER = PatternFill("solid", fgColor="D9D9D9")


def is_workbook(path: Path) -> bool:
    return path.suffix.lower() in (".xlsx", ".xlsm")


# ------------------------------------------------------------------------------------ reading


def read_tables(path: Path) -> tuple[dict[str, RawTable], list[Problem]]:
    """The raw tables of a tracker at ``path`` (workbook or CSV folder), by sheet name."""
    if not path.exists():
        return {}, [Problem("no such tracker", str(path), allowed="a tracker .xlsx or folder")]
    if is_workbook(path):
        raw = read_workbook(path)
        return raw.tables, raw.problems
    if not path.is_dir():
        return {}, [Problem("a tracker is an .xlsx workbook or a folder of CSV files", str(path))]
    tables: dict[str, RawTable] = {}
    problems: list[Problem] = []
    for file in sorted(path.glob("*.csv")):
        table = read_csv_table(file, problems)
        if table is not None:
            tables[file.stem] = table
    return tables, problems


def _settings(table: RawTable, out: Collector) -> dict[str, Any]:
    fields = {f.name: f for f in SETTINGS.fields}
    values: dict[str, Any] = {}
    for row in table.rows:
        name = str(row.values.get("field") or "").strip()
        if name not in fields:
            out.add(table, f"unknown setting {name!r}", row.number, "field", ", ".join(fields))
            continue
        try:
            values[name] = cells.parse(fields[name], row.values.get("value"))
        except cells.CellProblem as exc:
            out.add(table, str(exc), row.number, "value", fields[name].allowed())
    for name, column in fields.items():
        if name not in values and column.required:
            out.add(table, f"the setting {name!r} is missing", None, "field", column.allowed())
    return values


def _build(model: type[BaseModel], table: RawTable, spec: Sheet, out: Collector) -> list[Any]:
    names = {c.name for c in spec.columns}
    built: list[Any] = []
    for number, record in parse_records(table, spec, out):
        if set(record) - names:  # a bad cell, already reported
            continue
        try:
            built.append(
                model(
                    **{
                        k: v
                        for k, v in record.items()
                        if v is not None or k in ("amount", "date", "source_row")
                    }
                )
            )
        except ValidationError as exc:
            for error in exc.errors():
                column = str(error["loc"][0]) if error["loc"] else None
                out.add(table, error["msg"], number, column)
    return built


def tracker_from_tables(tables: Mapping[str, RawTable], source: str) -> Tracker:
    """Parse and check every sheet; :class:`InputError` with every problem found."""
    out = Collector()
    parts: dict[str, Any] = {}
    for spec in TRACKER_SHEETS:
        if spec.name not in tables:
            out.problems.append(
                Problem(f"the tracker lacks its {spec.name!r} sheet", source, spec.name)
            )
    if "settings" in tables:
        settings = _settings(tables["settings"], out)
    for spec, model, name in RECORDS:
        if spec.name in tables:
            parts[name] = tuple(_build(model, tables[spec.name], spec, out))
    raise_if_any(out.problems)
    try:
        tracker = Tracker(settings=Settings(**settings), **parts)
    except ValidationError as exc:
        raise InputError([Problem(f"the tracker is inconsistent: {exc}", source)]) from None
    raise_if_any(_references(tracker, source))
    return tracker


def _references(tracker: Tracker, source: str) -> list[Problem]:
    codes = {p.code for p in tracker.projects}
    problems: list[Problem] = []
    for name, rows in (
        ("model", tracker.model),
        ("benefits", tracker.benefits),
        ("plan", tracker.plan),
        ("milestones", tracker.milestones),
        ("actuals", tracker.actuals),
    ):
        unknown = sorted({r.project for r in rows} - codes)
        problems.extend(
            Problem(
                f"unknown project {c!r}",
                source,
                name,
                column="project",
                allowed=", ".join(sorted(codes)),
            )
            for c in unknown
        )
    return problems


def load_tracker(path: Path) -> Tracker:
    tables, problems = read_tables(path)
    raise_if_any(problems)
    return tracker_from_tables(tables, str(path))


def read_ledger(path: Path) -> tuple[RawTable | None, list[Problem]]:
    """The ledger extract at ``path``: a CSV file, or the ``actuals`` (else the only) sheet of a
    workbook."""
    if not path.is_file():
        return None, [Problem("no such file", str(path), allowed="an .xlsx workbook or a .csv")]
    if is_workbook(path):
        raw = read_workbook(path)
        if raw.problems or not raw.tables:
            return None, raw.problems or [Problem("the workbook has no sheets", str(path))]
        table = raw.tables.get(LEDGER.name) or (
            next(iter(raw.tables.values())) if len(raw.tables) == 1 else None
        )
        if table is None:
            return None, [
                Problem(
                    f"the workbook has several sheets and none is named {LEDGER.name!r}",
                    str(path),
                    allowed=LEDGER.name,
                )
            ]
        return table, []
    if path.suffix.lower() != ".csv":
        return None, [Problem("a ledger extract is a .csv file or an .xlsx workbook", str(path))]
    problems: list[Problem] = []
    return read_csv_table(path, problems), problems


# ------------------------------------------------------------------------------------ writing


def tracker_rows(tracker: Tracker) -> dict[str, list[list[Any]]]:
    """Each sheet as typed cells (header first)."""
    data = tracker.settings.model_dump()
    rows: dict[str, list[list[Any]]] = {
        "settings": [["field", "value"]]
        + [[f.name, cells.to_cell(f, data[f.name])] for f in SETTINGS.fields]
    }
    for spec, _model, name in RECORDS:
        items: Sequence[BaseModel] = getattr(tracker, name)
        rows[spec.name] = [[c.name for c in spec.columns]] + [
            [cells.to_cell(c, getattr(item, c.name)) for c in spec.columns] for item in items
        ]
    return rows


def _temporary(path: Path) -> Path:
    return path.parent / f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp"


def write_tracker(tracker: Tracker, path: Path) -> Path:
    """Write ``tracker`` to ``path`` (``.xlsx``, or a folder of CSV files), replacing it whole."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if is_workbook(path):
            _write_workbook(tracker_rows(tracker), path)
        else:
            _write_folder(tracker_rows(tracker), path)
    except OSError as exc:
        raise InputError(
            [Problem(f"cannot write the tracker: {exc.strerror or exc}", str(path))]
        ) from exc
    return path


def notes_rows() -> list[list[Any]]:
    """The ``notes`` sheet: what every column of every sheet means and what it allows (the
    readers skip it, as they skip the scenario's)."""
    rows: list[list[Any]] = [["sheet", "column", "meaning", "allowed"]]
    for spec in TRACKER_SHEETS:
        for column in spec.fields or spec.columns:
            rows.append([spec.name, column.name, column.meaning, column.allowed()])
    for column in LEDGER.columns:
        rows.append(["ledger extract", column.name, column.meaning, column.allowed()])
    return rows


def _write_workbook(rows: Mapping[str, list[list[Any]]], path: Path) -> None:
    book = Workbook()
    book.remove(book.active)
    for name, table in {**rows, "notes": notes_rows()}.items():
        sheet = book.create_sheet(name)
        for r, values in enumerate(table, start=1):
            for c, value in enumerate(values, start=1):
                cell = sheet.cell(r, c, value)
                if isinstance(value, str):
                    cell.data_type = "s"  # text stays text, never a formula
                elif isinstance(value, float) and float(f"{value:.16g}") != value:
                    # openpyxl writes 16 digits; give it the shortest exact text (as the
                    # scenario's writer does) so a round trip keeps every figure
                    cell._value = repr(value)
                    cell.data_type = "n"
                if r == 1:
                    cell.font = Font(bold=True)
                    cell.fill = _HEADER
        for c, heading in enumerate(table[0], start=1):
            sheet.column_dimensions[get_column_letter(c)].width = max(12, len(str(heading)) + 4)
        sheet.freeze_panes = "A2"
    temporary = _temporary(path)
    try:
        book.save(temporary)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _write_folder(rows: Mapping[str, list[list[Any]]], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[Path, Path]] = []
    try:
        for name, table in rows.items():
            text = render_csv([[_text(v) for v in row] for row in table])
            temporary = _temporary(folder / f"{name}.csv")
            temporary.write_text(text, encoding="utf-8")
            staged.append((temporary, folder / f"{name}.csv"))
        for temporary, target in staged:
            os.replace(temporary, target)
    finally:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)


def _text(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value
