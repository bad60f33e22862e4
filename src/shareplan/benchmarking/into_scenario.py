"""Turning chosen partner rows into a scenario's partners (pure: the caller loads and saves)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from shareplan.benchmarking.finder import PartnerRow
from shareplan.evidence.base import Sector
from shareplan.scenario import Partner, PartnerGeography, Scenario


def partner_id(name: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "partner"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}_{n}", n + 1
    return candidate


def add_partners(scenario: Scenario, rows: Sequence[PartnerRow]) -> tuple[Scenario, list[str]]:
    """The scenario with the rows appended as partners, and a note per row skipped.

    A council already among the partners (same name, ignoring case) is not added twice.
    """
    existing = {p.name.strip().lower() for p in scenario.partners}
    taken = {p.id for p in scenario.partners}
    added: list[Partner] = []
    skipped: list[str] = []
    for row in rows:
        if row.name.strip().lower() in existing:
            skipped.append(f"{row.name} is already a partner in the scenario")
            continue
        pid = partner_id(row.name, taken)
        taken.add(pid)
        existing.add(row.name.strip().lower())
        added.append(
            Partner(
                id=pid,
                name=row.name,
                sector=Sector(row.sector),
                geography=PartnerGeography(row.geography),
                affinity=row.affinity,
                notes=f"{row.code}; {row.notes}",
            )
        )
    data = scenario.model_dump()
    data["partners"] = [p.model_dump() for p in (*scenario.partners, *added)]
    return Scenario.model_validate(data), skipped
