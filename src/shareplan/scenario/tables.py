"""Scenario tables as readers hand them over and writers take them (pure: no file access here):
the raw tables, the sheets' schemas with the evidence's choices, each sheet's cells parsed into
typed rows, and a scenario turned back into rows.

Every problem found is collected with its file, sheet, row and column, so that an officer sees
the whole list at once; :mod:`shareplan.scenario.build` makes the scenario from the typed rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from shareplan.errors import Problem
from shareplan.evidence.base import EvidenceBase
from shareplan.scenario import cells
from shareplan.scenario.model import Scenario
from shareplan.scenario.schema import SHEETS, Column, Kind, Sheet, sheet

BAD = "\0bad"
"""The key marking a parsed row with a bad cell: kept so that duplicates are still found, but no
model object is built from it."""
Records = list[tuple[int, dict[str, Any]]]
"""A record table's typed rows: the row number a person sees, and the values by column."""


@dataclass(frozen=True)
class RawRow:
    number: int  # the row number a person sees; the header is row 1
    values: Mapping[str, Any]


@dataclass(frozen=True)
class RawTable:
    name: str
    file: str
    header: tuple[str, ...]
    rows: tuple[RawRow, ...]


@dataclass
class RawScenario:
    """What a reader found: tables by sheet name, plus problems met while reading."""

    source: str
    tables: dict[str, RawTable] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def _schema(name: str, evidence: EvidenceBase) -> Sheet:
    """The sheet's schema with the choices that come from the evidence base filled in."""
    base = sheet(name)
    fill: dict[str, tuple[str, ...]] = {}
    if name == "opportunities":
        fill["model"] = evidence.model_ids
    elif name == "weights":
        fill["target"] = evidence.group_ids + evidence.criterion_ids
    if not fill:
        return base
    columns = tuple(
        Column(**{**c.__dict__, "choices": fill[c.name]}) if c.name in fill else c
        for c in base.columns
    )
    return Sheet(base.name, base.purpose, columns, base.required, base.key_value, base.fields)


def schemas(evidence: EvidenceBase) -> tuple[Sheet, ...]:
    return tuple(_schema(s.name, evidence) for s in SHEETS)


class Collector:
    """Problems found while parsing tables, each with its file, sheet, row and column."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        # Sheets whose rows could not be read at all (missing sheet or column): references into
        # them are not checked, or one missing sheet would also show as many unknown ids.
        self.unreadable: set[str] = set()

    def add(
        self,
        table: RawTable,
        message: str,
        row: int | None = None,
        column: str | None = None,
        allowed: str | None = None,
    ) -> None:
        self.problems.append(Problem(message, table.file, table.name, row, column, allowed))


def parse_records(table: RawTable, spec: Sheet, out: Collector) -> Records:
    """The typed rows of a record table (row number, values by column), every bad cell reported
    to ``out``; rows with a bad cell are kept, marked, so that duplicates are still found."""
    known = {c.name for c in spec.columns}
    for name in table.header:
        if name and name not in known:
            out.add(
                table, f"unknown column {name!r}", 1, name, ", ".join(c.name for c in spec.columns)
            )
    missing = [c for c in spec.columns if c.required and c.name not in table.header]
    for column in missing:
        out.add(
            table, f"required column {column.name!r} is missing", 1, column.name, column.allowed()
        )
    if missing:
        out.unreadable.add(table.name)
        return []
    records: Records = []
    for row in table.rows:
        if all(cells.is_blank(v) for v in row.values.values()):
            continue
        record: dict[str, Any] = {}
        ok = True
        for column in spec.columns:
            raw = row.values.get(column.name)
            if cells.is_blank(raw) and column.default:
                raw = column.default
            try:
                value = cells.parse(column, raw)
            except cells.CellProblem as exc:
                out.add(table, str(exc), row.number, column.name, column.allowed())
                ok = False
                continue
            if column.kind is Kind.ID_LIST and value:
                twice = sorted({i for i in value if value.count(i) > 1})
                if twice:
                    out.add(
                        table,
                        f"{', '.join(repr(i) for i in twice)} listed twice: each id counts once",
                        row.number,
                        column.name,
                        "each id once, separated by ';'",
                    )
                    ok = False
            record[column.name] = value
        # Rows with a bad cell are kept (so that duplicate ids are still found) but marked, and
        # no model object is built from them.
        if not ok:
            record[BAD] = True
        records.append((row.number, record))
    return records


def parse_authority(table: RawTable, spec: Sheet, out: Collector) -> dict[str, Any] | None:
    """The authority sheet's settings by name, defaults filled in, every bad one reported to
    ``out``; ``None`` when the sheet lacks its two columns."""
    for column_name in ("field", "value"):
        if column_name not in table.header:
            out.add(
                table, f"required column {column_name!r} is missing", 1, column_name, "field, value"
            )
    if "field" not in table.header or "value" not in table.header:
        return None
    fields = {f.name: f for f in spec.fields}
    seen: dict[str, int] = {}
    record: dict[str, Any] = {}
    for row in table.rows:
        name_raw = row.values.get("field")
        if cells.is_blank(name_raw):
            if not cells.is_blank(row.values.get("value")):
                out.add(
                    table, "a value without a field name", row.number, "field", ", ".join(fields)
                )
            continue
        name = str(name_raw).strip()
        if name not in fields:
            out.add(table, f"unknown setting {name!r}", row.number, "field", ", ".join(fields))
            continue
        if name in seen:
            out.add(
                table,
                f"setting {name!r} is given twice (first on row {seen[name]})",
                row.number,
                "field",
            )
            continue
        seen[name] = row.number
        column = fields[name]
        raw = row.values.get("value")
        try:
            value = cells.parse(column, raw if not cells.is_blank(raw) else (column.default or raw))
        except cells.CellProblem as exc:
            out.add(table, f"{name}: {exc}", row.number, "value", column.allowed())
            continue
        if value is not None:
            record[name] = value
    low, high = record.get("priority_projects_min"), record.get("priority_projects")
    if low is not None and high is not None and low > high:
        out.add(
            table,
            f"priority_projects_min is {low} but priority_projects is {high}",
            seen["priority_projects_min"],
            "value",
            f"a number of projects from 1 to {high}",
        )
    for column in spec.fields:
        if column.name not in seen:
            if column.required:
                out.add(
                    table,
                    f"required setting {column.name!r} is missing",
                    None,
                    "field",
                    column.allowed(),
                )
            elif column.default:
                record[column.name] = cells.parse(column, column.default)
    return record


def scenario_rows(scenario: Scenario, evidence: EvidenceBase) -> dict[str, list[list[Any]]]:
    """Each sheet as a header row and typed rows, in schema order (the writers' common input)."""
    specs = {s.name: s for s in schemas(evidence)}
    out: dict[str, list[list[Any]]] = {}
    auth = specs["authority"]
    data = scenario.authority.model_dump()
    out["authority"] = [["field", "value"]] + [
        [f.name, cells.to_cell(f, data.get(f.name))] for f in auth.fields
    ]

    def rows(
        name: str, items: Iterable[BaseModel], extra: Callable[[Any], dict[str, Any]] | None = None
    ) -> None:
        spec = specs[name]
        table: list[list[Any]] = [[c.name for c in spec.columns]]
        for item in items:
            d = item.model_dump()
            if extra:
                d.update(extra(item))
            table.append([cells.to_cell(c, d.get(c.name)) for c in spec.columns])
        out[name] = table

    rows("services", scenario.services, lambda s: dict(s.traits))
    rows(
        "partners",
        scenario.partners,
        lambda p: {} if p.affinity_judged else {"affinity": None},
    )
    rows("bundles", scenario.bundles)
    rows("opportunities", scenario.opportunities)
    rows("weights", scenario.weights)
    rows("parameters", scenario.parameters)
    rows("background", scenario.background)
    return out
