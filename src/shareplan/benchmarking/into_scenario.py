"""Turning chosen partner rows into a scenario's partners (pure: the caller loads and saves)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from shareplan.benchmarking.finder import PartnerRow
from shareplan.evidence.base import Sector
from shareplan.scenario import Partner, PartnerGeography, Scenario
from shareplan.scenario.model import place_of


def partner_id(name: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "partner"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}_{n}", n + 1
    return candidate


def add_partners(
    scenario: Scenario, rows: Sequence[PartnerRow], neutral_affinity: int
) -> tuple[Scenario, list[str]]:
    """The scenario with the rows appended as partners, and a note per row skipped.

    A council already among the partners (the same place, whatever its title and case: "Barnsley
    MBC" is Barnsley Metropolitan Borough Council; or the same ONS code) is not added twice, and the scenario's own authority is never added as its own partner. Affinity is
    left for officers to judge (``neutral_affinity`` stands in, flagged as not judged).
    """
    own = scenario.authority
    existing = {place_of(p.name).casefold() for p in scenario.partners}
    codes = {p.ons_code.upper() for p in scenario.partners if p.ons_code}
    taken = {p.id for p in scenario.partners}
    added: list[Partner] = []
    skipped: list[str] = []
    for row in rows:
        if (own.ons_code and row.code.upper() == own.ons_code.upper()) or place_of(
            row.name
        ).casefold() == own.place_name.casefold():
            skipped.append(f"{row.name} is the scenario's own authority, not a partner")
            continue
        if place_of(row.name).casefold() in existing or row.code.upper() in codes:
            skipped.append(f"{row.name} is already a partner in the scenario")
            continue
        pid = partner_id(place_of(row.name), taken)  # short ids: the place, not the title
        taken.add(pid)
        existing.add(place_of(row.name).casefold())
        added.append(
            Partner(
                id=pid,
                name=row.name,
                sector=Sector(row.sector),
                geography=PartnerGeography(row.geography),
                affinity=row.affinity or neutral_affinity,
                affinity_judged=row.affinity is not None,
                ons_code=row.code,
                notes=f"{row.notes}. Affinity: to judge.",
            )
        )
    data = scenario.model_dump()
    data["partners"] = [p.model_dump() for p in (*scenario.partners, *added)]
    return Scenario.model_validate(data), skipped
