"""Scenario tables as readers hand them over, and the checks that turn them into a
:class:`~shareplan.scenario.model.Scenario` (pure: no file access here).

Every problem found is collected with its file, sheet, row and column, so that an officer sees
the whole list at once.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from shareplan.errors import InputError, Problem, examples
from shareplan.evidence.base import EvidenceBase
from shareplan.scenario import cells
from shareplan.scenario.checks import neutral_affinity, own_partner, schedule_rates
from shareplan.scenario.model import (
    INDICATOR_IDS,
    Authority,
    BackgroundPaper,
    Bundle,
    DeclaredOpportunity,
    ParameterOverride,
    Partner,
    Scenario,
    Service,
    Weight,
)
from shareplan.scenario.schema import SHEETS, Column, Kind, Sheet, sheet

IGNORED_SHEETS = frozenset({"notes"})
_BAD = "\0bad"


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


def parse_records(table: RawTable, spec: Sheet, out: Collector) -> list[tuple[int, dict[str, Any]]]:
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
    records: list[tuple[int, dict[str, Any]]] = []
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
            record[_BAD] = True
        records.append((row.number, record))
    return records


def _parse_authority(
    table: RawTable, spec: Sheet, out: Collector
) -> tuple[int, dict[str, Any]] | None:
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
    return (1, record)


def _model(
    cls: type[BaseModel], data: dict[str, Any], table: RawTable, row: int, out: Collector
) -> Any:
    try:
        return cls(**data)
    except ValidationError as exc:
        for error in exc.errors():
            loc = str(error["loc"][0]) if error["loc"] else None
            out.add(table, error["msg"], row if table.name != "authority" else None, loc)
        return None


def _duplicates(
    table: RawTable,
    records: list[tuple[int, dict[str, Any]]],
    key: Callable[[dict[str, Any]], Any],
    column: str,
    out: Collector,
) -> None:
    first: dict[Any, int] = {}
    for number, record in records:
        k = key(record)
        if k in first:
            out.add(
                table,
                f"duplicate {column} {record[column]!r} (first on row {first[k]})",
                number,
                column,
            )
        else:
            first[k] = number


def _all_zero_weights(
    table: RawTable,
    rows: list[tuple[int, dict[str, Any]]],
    evidence: EvidenceBase,
    out: Collector,
) -> None:
    """Swing weights are normalised within each level of the value tree, so a stakeholder whose
    weights on one level (the groups, or the criteria of one group) are all zero gives no answer."""
    group_of = {c.id: c.group for c in evidence.criteria}
    levels: dict[tuple[str, str], list[tuple[int, float]]] = {}
    for number, r in rows:
        level = "groups" if r["target"] in evidence.group_ids else group_of.get(r["target"], "")
        levels.setdefault((r["stakeholder"], level), []).append((number, r["weight"]))
    for (stakeholder, level), entries in levels.items():
        if entries and all(weight == 0 for _, weight in entries):
            what = "the criteria groups" if level == "groups" else f"the criteria of {level}"
            numbers = ", ".join(str(n) for n, _ in entries)
            out.add(
                table,
                f"every weight {stakeholder!r} gives to {what} is zero (rows {numbers}): "
                "at least one must be above zero",
                entries[0][0],
                "weight",
                "numbers of zero or more, not all zero",
            )


def build_scenario(raw: RawScenario, evidence: EvidenceBase) -> Scenario:
    """The scenario in ``raw``, or :class:`InputError` listing every problem found."""
    out = Collector()
    out.problems.extend(raw.problems)
    specs = {s.name: s for s in schemas(evidence)}
    for name, found in raw.tables.items():
        if name not in specs and name not in IGNORED_SHEETS:
            out.add(found, f"unknown sheet {name!r}", allowed=", ".join(specs))
    for spec in specs.values():
        if spec.required and spec.name not in raw.tables and raw.tables:
            out.problems.append(
                Problem(
                    f"required sheet {spec.name!r} is missing",
                    raw.source,
                    spec.name,
                    allowed=", ".join(s.name for s in SHEETS),
                )
            )

    def table(name: str) -> RawTable:
        return raw.tables.get(name) or RawTable(name, raw.source, (), ())

    def records(name: str) -> list[tuple[int, dict[str, Any]]]:
        return parse_records(raw.tables[name], specs[name], out) if name in raw.tables else []

    def good(rows: list[tuple[int, dict[str, Any]]]) -> list[tuple[int, dict[str, Any]]]:
        return [(n, r) for n, r in rows if _BAD not in r]

    for spec in specs.values():
        if spec.name not in raw.tables:
            out.unreadable.add(spec.name)
    authority = None
    if "authority" in raw.tables:
        before = len(out.problems)
        parsed = _parse_authority(raw.tables["authority"], specs["authority"], out)
        # A setting that failed its own check is not checked again by the model.
        if parsed is not None and len(out.problems) == before:
            data = dict(parsed[1])
            data.setdefault("first_year", data.get("price_base_year"))
            if "contact" in data and data["contact"] is None:
                del data["contact"]
            authority = _model(Authority, data, raw.tables["authority"], 1, out)

    service_rows = records("services")
    partner_rows = records("partners")
    bundle_rows = records("bundles")
    opportunity_rows = records("opportunities")
    weight_rows = records("weights")
    parameter_rows = records("parameters")

    for name, rows in (
        ("services", service_rows),
        ("partners", partner_rows),
        ("bundles", bundle_rows),
        ("opportunities", opportunity_rows),
    ):
        _duplicates(
            table(name), [(n, r) for n, r in rows if "id" in r], lambda r: r["id"], "id", out
        )
    _duplicates(
        table("weights"),
        [(n, r) for n, r in weight_rows if "stakeholder" in r and "target" in r],
        lambda r: (r["stakeholder"], r["target"]),
        "target",
        out,
    )
    _duplicates(
        table("parameters"),
        [(n, r) for n, r in parameter_rows if "key" in r],
        lambda r: r["key"],
        "key",
        out,
    )
    # References are checked against every id given, even on rows with other mistakes, so that
    # one bad cell does not also show up as an "unknown id" elsewhere.
    service_ids = {r["id"] for _, r in service_rows if "id" in r}
    partner_ids = {r["id"] for _, r in partner_rows if "id" in r}
    bundle_ids = {r["id"] for _, r in bundle_rows if "id" in r}
    service_rows, partner_rows, bundle_rows = (
        good(service_rows),
        good(partner_rows),
        good(bundle_rows),
    )
    opportunity_rows, weight_rows, parameter_rows = (
        good(opportunity_rows),
        good(weight_rows),
        good(parameter_rows),
    )
    all_units = service_ids | bundle_ids
    if service_ids & bundle_ids:
        for number, r in bundle_rows:
            if r["id"] in service_ids:
                out.add(
                    table("bundles"), f"bundle id {r['id']!r} is also a service id", number, "id"
                )

    def unknown(
        tbl: str, number: int, column: str, ids: Iterable[str], known: set[str], what: str
    ) -> None:
        sources = {"service": ("services", "bundles"), "partner": ("partners",)}.get(what, ())
        if any(name in out.unreadable and name in ("services", "partners") for name in sources):
            return
        missing = [i for i in ids if i not in known]
        if missing:
            out.add(
                table(tbl),
                f"unknown {what}: {examples(missing)}",
                number,
                column,
                examples(sorted(known)) or f"no {what}s are defined",
            )

    priorities = set(authority.corporate_priorities) if authority else set()
    services: list[Service] = []
    for number, r in service_rows:
        traits = {t: r.pop(t) for t in INDICATOR_IDS}
        if priorities:
            unknown(
                "services",
                number,
                "priorities",
                r["priorities"] or (),
                priorities,
                "corporate priority",
            )
        data = {k: v for k, v in r.items() if v is not None}
        data["traits"] = traits
        s = _model(Service, data, table("services"), number, out)
        if s is not None:
            services.append(s)
    partners: list[Partner] = []
    neutral = neutral_affinity(evidence, authority)
    for number, r in partner_rows:
        unknown(
            "partners", number, "wants_services", r["wants_services"] or (), all_units, "service"
        )
        if authority is not None:
            for f in own_partner(number, r, authority):
                out.add(table("partners"), f.message, f.row, f.column, f.allowed)
        if r.get("affinity") is None:
            r["affinity"], r["affinity_judged"] = neutral, False
        p = _model(
            Partner, {k: v for k, v in r.items() if v is not None}, table("partners"), number, out
        )
        if p is not None:
            partners.append(p)
    bundles: list[Bundle] = []
    for number, r in bundle_rows:
        unknown("bundles", number, "service_ids", r["service_ids"] or (), service_ids, "service")
        b = _model(
            Bundle, {k: v for k, v in r.items() if v is not None}, table("bundles"), number, out
        )
        if b is not None:
            bundles.append(b)
    declared: list[DeclaredOpportunity] = []
    for number, r in opportunity_rows:
        unknown(
            "opportunities", number, "service_ids", r["service_ids"] or (), all_units, "service"
        )
        unknown(
            "opportunities", number, "partner_ids", r["partner_ids"] or (), partner_ids, "partner"
        )
        lo, mid, hi = r["saving_low"], r["saving_central"], r["saving_high"]
        given = [v for v in (lo, mid, hi) if v is not None]
        if given != sorted(given):
            out.add(
                table("opportunities"),
                "savings must satisfy low <= central <= high",
                number,
                "saving_central",
                "low <= central <= high",
            )
        d = _model(
            DeclaredOpportunity,
            {k: v for k, v in r.items() if v is not None},
            table("opportunities"),
            number,
            out,
        )
        if d is not None:
            declared.append(d)
    weights = [
        w
        for number, r in weight_rows
        if (w := _model(Weight, r, table("weights"), number, out)) is not None
    ]
    _all_zero_weights(table("weights"), weight_rows, evidence, out)
    parameters: list[ParameterOverride] = []
    known_keys = set(evidence.parameters)
    for number, r in parameter_rows:
        parts = r["key"].split(".")
        if not any(".".join(parts[:n]) in known_keys for n in range(len(parts), 0, -1)):
            out.add(
                table("parameters"),
                f"unknown evidence parameter {r['key']!r}",
                number,
                "key",
                "a key listed by `shareplan evidence`, optionally followed by a path into its table",
            )
            continue
        value = r["value"]
        with contextlib.suppress(ValueError):
            value = float(value)
        p = _model(
            ParameterOverride,
            {**r, "value": value, "note": r["note"] or ""},
            table("parameters"),
            number,
            out,
        )
        if p is not None:
            parameters.append(p)

    background = [
        b
        for number, r in good(records("background"))
        if (
            b := _model(
                BackgroundPaper,
                {k: v for k, v in r.items() if v is not None},
                table("background"),
                number,
                out,
            )
        )
        is not None
    ]
    for f in schedule_rates(parameter_rows, evidence, authority):
        out.add(table("parameters"), f.message, f.row, f.column, f.allowed)

    if (
        not services
        and "services" in raw.tables
        and not any(p.sheet == "services" for p in out.problems)
    ):
        out.add(table("services"), "there are no services: add at least one row", 2)
    if out.problems or authority is None:
        if not out.problems:
            out.problems.append(
                Problem("the authority sheet could not be read", raw.source, "authority")
            )
        raise InputError(out.problems)
    return Scenario(
        authority=authority,
        services=tuple(services),
        partners=tuple(partners),
        bundles=tuple(bundles),
        opportunities=tuple(declared),
        weights=tuple(weights),
        parameters=tuple(parameters),
        background=tuple(background),
    )


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
