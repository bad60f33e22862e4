"""Building a :class:`~shareplan.scenario.model.Scenario` from the raw tables a reader found (pure):
the sheets are checked, then each table of the scenario is built in its own function.

Every problem is collected with its file, sheet, row and column before anything is refused, so an
officer sees the whole list at once, in the order of the sheets. A reference to another table is
checked against every id given there, even on rows with other mistakes, so that one bad cell does
not also show up as an "unknown id" elsewhere.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from shareplan.errors import InputError, Problem, examples
from shareplan.evidence.base import EvidenceBase
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
from shareplan.scenario.schema import SHEETS
from shareplan.scenario.tables import (
    BAD,
    Collector,
    RawScenario,
    RawTable,
    Records,
    parse_authority,
    parse_records,
    schemas,
)

IGNORED_SHEETS = frozenset({"notes"})
_RECORD_SHEETS = ("services", "partners", "bundles", "opportunities", "weights", "parameters")
"""The record sheets read before any model is built, in the order their problems are listed."""
_DUPLICATE_KEYS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("services", ("id",), "id"),
    ("partners", ("id",), "id"),
    ("bundles", ("id",), "id"),
    ("opportunities", ("id",), "id"),
    ("weights", ("stakeholder", "target"), "target"),
    ("parameters", ("key",), "key"),
)
"""Each sheet's key (the columns that must be unique together) and the column a duplicate is
reported at."""


def build_scenario(raw: RawScenario, evidence: EvidenceBase) -> Scenario:
    """The scenario in ``raw``, or :class:`InputError` listing every problem found."""
    build = _Build(raw, evidence)
    build.check_sheets()
    authority = build.authority()
    every = {name: build.records(name) for name in _RECORD_SHEETS}
    build.check_duplicates(every)
    ids = _Ids.of(every)
    rows = {name: _good(records) for name, records in every.items()}
    build.check_bundle_ids(rows["bundles"], ids)
    services = build.services(rows["services"], authority)
    partners = build.partners(rows["partners"], authority, ids)
    bundles = build.bundles(rows["bundles"], ids)
    declared = build.opportunities(rows["opportunities"], ids)
    weights = build.weights(rows["weights"])
    parameters = build.parameters(rows["parameters"])
    background = build.background()
    build.check_discount_schedules(rows["parameters"], authority)
    build.check_some_service(services)
    if build.out.problems or authority is None:
        if not build.out.problems:
            build.out.problems.append(
                Problem("the authority sheet could not be read", raw.source, "authority")
            )
        raise InputError(build.out.problems)
    return Scenario(
        authority=authority,
        services=services,
        partners=partners,
        bundles=bundles,
        opportunities=declared,
        weights=weights,
        parameters=parameters,
        background=background,
    )


def _good(rows: Records) -> Records:
    """The rows without a bad cell: no model object is built from the others."""
    return [(n, r) for n, r in rows if BAD not in r]


@dataclass(frozen=True)
class _Ids:
    """Every id given in the sheets other rows refer to, bad rows included."""

    services: frozenset[str]
    partners: frozenset[str]
    bundles: frozenset[str]
    not_appraised: Mapping[str, int]
    """Services marked appraise = no, by id, with their row on the services sheet."""

    @classmethod
    def of(cls, rows: dict[str, Records]) -> _Ids:
        def ids(name: str) -> frozenset[str]:
            return frozenset(r["id"] for _, r in rows[name] if "id" in r)

        held = {r["id"]: n for n, r in rows["services"] if "id" in r and r.get("appraise") is False}
        return cls(ids("services"), ids("partners"), ids("bundles"), held)

    @property
    def units(self) -> frozenset[str]:
        """What an opportunity or a partner's wishes may name: a service or a bundle."""
        return self.services | self.bundles


def _without_blanks(r: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in r.items() if v is not None}


class _Build:
    """One scenario being built: its raw tables, their schemas, and the problems found so far."""

    def __init__(self, raw: RawScenario, evidence: EvidenceBase) -> None:
        self.raw = raw
        self.evidence = evidence
        self.specs = {s.name: s for s in schemas(evidence)}
        self.out = Collector()
        self.out.problems.extend(raw.problems)

    def table(self, name: str) -> RawTable:
        return self.raw.tables.get(name) or RawTable(name, self.raw.source, (), ())

    def records(self, name: str) -> Records:
        if name not in self.raw.tables:
            return []
        return parse_records(self.raw.tables[name], self.specs[name], self.out)

    def model(self, cls: type[BaseModel], data: dict[str, Any], table: str, row: int) -> Any:
        """``cls`` built from ``data``, or ``None`` with the model's own objections reported."""
        try:
            return cls(**data)
        except ValidationError as exc:
            for error in exc.errors():
                loc = str(error["loc"][0]) if error["loc"] else None
                where = row if table != "authority" else None
                self.out.add(self.table(table), error["msg"], where, loc)
            return None

    def keep(
        self, into: list[Any], cls: type[BaseModel], data: dict[str, Any], table: str, row: int
    ) -> None:
        """Append ``cls`` built from ``data`` to ``into``, unless the model objects (reported)."""
        built = self.model(cls, data, table, row)
        if built is not None:
            into.append(built)

    def unknown(
        self,
        table: str,
        number: int,
        column: str,
        ids: Iterable[str],
        known: Iterable[str],
        what: str,
    ) -> None:
        """Report the ids in a cell that name no row of the sheet they refer to."""
        sources = {"service": ("services", "bundles"), "partner": ("partners",)}.get(what, ())
        # A sheet that could not be read at all is reported once, not again as many unknown ids.
        if any(
            name in self.out.unreadable and name in ("services", "partners") for name in sources
        ):
            return
        known = set(known)
        missing = [i for i in ids if i not in known]
        if missing:
            self.out.add(
                self.table(table),
                f"unknown {what}: {examples(missing)}",
                number,
                column,
                examples(sorted(known)) or f"no {what}s are defined",
            )

    # ----------------------------------------------------------------------------------------
    # The sheets as a whole

    def check_sheets(self) -> None:
        """Unknown sheets, and required sheets missing from a source that has any sheet."""
        for name, found in self.raw.tables.items():
            if name not in self.specs and name not in IGNORED_SHEETS:
                self.out.add(found, f"unknown sheet {name!r}", allowed=", ".join(self.specs))
        for spec in self.specs.values():
            if spec.required and spec.name not in self.raw.tables and self.raw.tables:
                self.out.problems.append(
                    Problem(
                        f"required sheet {spec.name!r} is missing",
                        self.raw.source,
                        spec.name,
                        allowed=", ".join(s.name for s in SHEETS),
                    )
                )
        for spec in self.specs.values():
            if spec.name not in self.raw.tables:
                self.out.unreadable.add(spec.name)

    def check_duplicates(self, rows: dict[str, Records]) -> None:
        for name, key, column in _DUPLICATE_KEYS:
            first: dict[tuple[Any, ...], int] = {}
            for number, r in rows[name]:
                if not all(k in r for k in key):
                    continue
                value = tuple(r[k] for k in key)
                if value in first:
                    self.out.add(
                        self.table(name),
                        f"duplicate {column} {r[column]!r} (first on row {first[value]})",
                        number,
                        column,
                    )
                else:
                    first[value] = number

    def check_bundle_ids(self, bundle_rows: Records, ids: _Ids) -> None:
        for number, r in bundle_rows:
            if r["id"] in ids.services:
                self.out.add(
                    self.table("bundles"),
                    f"bundle id {r['id']!r} is also a service id",
                    number,
                    "id",
                )

    def check_discount_schedules(
        self, parameter_rows: Records, authority: Authority | None
    ) -> None:
        for f in schedule_rates(parameter_rows, self.evidence, authority):
            self.out.add(self.table("parameters"), f.message, f.row, f.column, f.allowed)

    def check_some_service(self, services: tuple[Service, ...]) -> None:
        """A services sheet with no rows, when nothing else has been said about it, or with no
        row to appraise."""
        if "services" not in self.raw.tables or any(
            p.sheet == "services" for p in self.out.problems
        ):
            return
        if not services:
            self.out.add(self.table("services"), "there are no services: add at least one row", 2)
        elif not any(s.appraise for s in services):
            self.out.add(
                self.table("services"),
                "every service is marked appraise = no, so there is nothing to appraise: split "
                "at least one into the services it covers, each on its own row",
                2,
                "appraise",
                "yes on at least one row",
            )

    # ----------------------------------------------------------------------------------------
    # Each table of the scenario

    def authority(self) -> Authority | None:
        if "authority" not in self.raw.tables:
            return None
        before = len(self.out.problems)
        parsed = parse_authority(self.raw.tables["authority"], self.specs["authority"], self.out)
        # A setting that failed its own check is not checked again by the model.
        if parsed is None or len(self.out.problems) != before:
            return None
        data = dict(parsed)
        data.setdefault("first_year", data.get("price_base_year"))
        if "contact" in data and data["contact"] is None:
            del data["contact"]
        authority: Authority | None = self.model(Authority, data, "authority", 1)
        return authority

    def services(self, rows: Records, authority: Authority | None) -> tuple[Service, ...]:
        priorities = set(authority.corporate_priorities) if authority else set()
        services: list[Service] = []
        for number, r in rows:
            traits = {t: r.pop(t) for t in INDICATOR_IDS}
            if priorities:
                self.unknown(
                    "services",
                    number,
                    "priorities",
                    r["priorities"] or (),
                    priorities,
                    "corporate priority",
                )
            data = _without_blanks(r)
            data["traits"] = traits
            self.keep(services, Service, data, "services", number)
        return tuple(services)

    def partners(
        self, rows: Records, authority: Authority | None, ids: _Ids
    ) -> tuple[Partner, ...]:
        neutral = neutral_affinity(self.evidence, authority)
        partners: list[Partner] = []
        for number, r in rows:
            self.unknown(
                "partners",
                number,
                "wants_services",
                r["wants_services"] or (),
                ids.units,
                "service",
            )
            self.unknown(
                "partners", number, "delivers", r["delivers"] or (), ids.services, "service"
            )
            if authority is not None:
                for f in own_partner(number, r, authority):
                    self.out.add(self.table("partners"), f.message, f.row, f.column, f.allowed)
            if r.get("affinity") is None:
                r["affinity"], r["affinity_judged"] = neutral, False
            self.keep(partners, Partner, _without_blanks(r), "partners", number)
        return tuple(partners)

    def not_appraised(self, table: str, number: int, named: Iterable[str], ids: _Ids) -> None:
        """Report the services in a bundle or a declared opportunity that are marked appraise =
        no: such a row stands for several services, so nothing is shared or bundled under it."""
        held = [i for i in named if i in ids.not_appraised]
        if held:
            one = len(held) == 1
            named_ = ", ".join(repr(i) for i in held)
            rows = ", ".join(str(ids.not_appraised[i]) for i in held)
            self.out.add(
                self.table(table),
                f"service{'' if one else 's'} {named_} {'is' if one else 'are'} marked appraise "
                f"= no on the services sheet (row{'' if one else 's'} {rows}): split "
                f"{'it' if one else 'each'} into the services it covers before sharing or "
                "bundling them",
                number,
                "service_ids",
                "services with appraise = yes",
            )

    def bundles(self, rows: Records, ids: _Ids) -> tuple[Bundle, ...]:
        bundles: list[Bundle] = []
        for number, r in rows:
            self.unknown(
                "bundles", number, "service_ids", r["service_ids"] or (), ids.services, "service"
            )
            self.not_appraised("bundles", number, r["service_ids"] or (), ids)
            self.keep(bundles, Bundle, _without_blanks(r), "bundles", number)
        return tuple(bundles)

    def opportunities(self, rows: Records, ids: _Ids) -> tuple[DeclaredOpportunity, ...]:
        declared: list[DeclaredOpportunity] = []
        for number, r in rows:
            self.unknown(
                "opportunities", number, "service_ids", r["service_ids"] or (), ids.units, "service"
            )
            self.not_appraised("opportunities", number, r["service_ids"] or (), ids)
            self.unknown(
                "opportunities",
                number,
                "partner_ids",
                r["partner_ids"] or (),
                ids.partners,
                "partner",
            )
            given = [
                v for v in (r["saving_low"], r["saving_central"], r["saving_high"]) if v is not None
            ]
            if given != sorted(given):
                self.out.add(
                    self.table("opportunities"),
                    "savings must satisfy low <= central <= high",
                    number,
                    "saving_central",
                    "low <= central <= high",
                )
            self.keep(declared, DeclaredOpportunity, _without_blanks(r), "opportunities", number)
        return tuple(declared)

    def weights(self, rows: Records) -> tuple[Weight, ...]:
        weights = tuple(
            w for number, r in rows if (w := self.model(Weight, r, "weights", number)) is not None
        )
        self._check_all_zero_weights(rows)
        return weights

    def _check_all_zero_weights(self, rows: Records) -> None:
        """Swing weights are normalised within each level of the value tree, so a stakeholder whose
        weights on one level (the groups, or the criteria of one group) are all zero gives no
        answer."""
        evidence = self.evidence
        group_of = {c.id: c.group for c in evidence.criteria}
        levels: dict[tuple[str, str], list[tuple[int, float]]] = {}
        for number, r in rows:
            level = "groups" if r["target"] in evidence.group_ids else group_of.get(r["target"], "")
            levels.setdefault((r["stakeholder"], level), []).append((number, r["weight"]))
        for (stakeholder, level), entries in levels.items():
            if entries and all(weight == 0 for _, weight in entries):
                what = "the criteria groups" if level == "groups" else f"the criteria of {level}"
                numbers = ", ".join(str(n) for n, _ in entries)
                self.out.add(
                    self.table("weights"),
                    f"every weight {stakeholder!r} gives to {what} is zero (rows {numbers}): "
                    "at least one must be above zero",
                    entries[0][0],
                    "weight",
                    "numbers of zero or more, not all zero",
                )

    def parameters(self, rows: Records) -> tuple[ParameterOverride, ...]:
        known_keys = set(self.evidence.parameters)
        parameters: list[ParameterOverride] = []
        for number, r in rows:
            parts = r["key"].split(".")
            if not any(".".join(parts[:n]) in known_keys for n in range(len(parts), 0, -1)):
                self.out.add(
                    self.table("parameters"),
                    f"unknown evidence parameter {r['key']!r}",
                    number,
                    "key",
                    "a key listed by `shareplan evidence`, optionally followed by a path into its "
                    "table",
                )
                continue
            value = r["value"]
            with contextlib.suppress(ValueError):
                value = float(value)
            data = {**r, "value": value, "note": r["note"] or ""}
            self.keep(parameters, ParameterOverride, data, "parameters", number)
        return tuple(parameters)

    def background(self) -> tuple[BackgroundPaper, ...]:
        papers: list[BackgroundPaper] = []
        for number, r in _good(self.records("background")):
            self.keep(papers, BackgroundPaper, _without_blanks(r), "background", number)
        return tuple(papers)
