"""Which of a scenario's services each partner council delivers, from Revenue Outturn (pure).

A scenario's partner gets a ``delivers`` list so that the long list does not propose sharing a
service with a council that does not run it (issue 26: South Oxfordshire's template offered
council tax, benefits, elections and planning to Oxfordshire County Council). A partner council
delivers a service when the service is a Revenue Outturn line, the partner's net figure for it
in the year is not zero (a net income is a service whose income exceeds its cost, still run), and
the line's functions are not the other tier's in a two-tier area (the archetype's ``two_tier``: a
county's central services figure is its corporate core, not council tax or elections). A scenario with a service that is not a Revenue Outturn line gets
no list (not known), because a list would shut the partner out of that service too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from shareplan.benchmarking.outturn import SERVICE_LINE_IDS
from shareplan.benchmarking.store import NationalData
from shareplan.evidence.base import EvidenceBase
from shareplan.scenario.model import Partner, Scenario

#: The Revenue Outturn class of a council that does not run a line's functions marked for the
#: other tier (SC: shire county; SD: shire district).
_OTHER_TIER = {"district": "SC", "county": "SD"}


@dataclass(frozen=True)
class Delivered:
    """A partner's list and the note that explains it."""

    services: tuple[str, ...]
    note: str


def appraisal_date(year: str) -> dt.date:
    """The date on which a year's evidence is read: 1 April after the year (as the template)."""
    return dt.date(int(year[:4]) + 1, 4, 1)


def delivered_services(
    data: NationalData, evidence: EvidenceBase, scenario: Scenario, code: str, year: str
) -> Delivered | None:
    """The scenario's services the council ``code`` delivers in ``year``, or None when that is
    not known (a service that is no Revenue Outturn line, an unknown council, no return)."""
    council = data.authorities.get(code) if code else None
    lines = set(SERVICE_LINE_IDS)
    if council is None or not data.outturn.submitted(year, council.code):
        return None
    if any(s.id not in lines for s in scenario.services):
        return None
    on = appraisal_date(year)
    names = {s.id: s.name for s in scenario.services}
    delivers: list[str] = []
    other_tier: list[str] = []
    none: list[str] = []
    for service in scenario.services:
        figure = data.outturn.figure(council.code, service.id, year).gbp_thousand
        arche: dict[str, Any] = evidence.value(f"archetype.{service.id}", on)
        if figure is None or figure == 0:
            none.append(names[service.id])
        elif _OTHER_TIER.get(str(arche.get("two_tier", "both"))) == council.klass:
            other_tier.append(names[service.id])
        else:
            delivers.append(service.id)
    tier = "district's" if council.klass == "SC" else "county's"
    parts = [
        f"Delivers (Revenue Outturn {year}): "
        + (", ".join(names[s] for s in delivers) or "none of this scenario's services")
    ]
    if none:
        parts.append(f"reports no figure on {_and(none)}")
    if other_tier:
        parts.append(
            f"its figure for {_and(other_tier)} is for other functions, as these are the {tier} "
            "in a two-tier area"
        )
    ending = (
        ". Sharing, a joint team or a common approach is proposed only for services it delivers."
        if delivers
        else ". Remove it unless officers know better: an empty list restricts nothing."
    )
    note = "; ".join(parts) + ending
    return Delivered(tuple(delivers), note)


def with_delivered(
    scenario: Scenario,
    data: NationalData,
    evidence: EvidenceBase,
    year: str,
    partner_ids: Collection[str] | None = None,
) -> Scenario:
    """The scenario with ``delivers`` filled from ``year``'s Revenue Outturn for the partners
    with an ONS code and no list yet (those in ``partner_ids`` only, when given), each with a
    note saying so. A list officers wrote is kept."""
    partners: list[Partner] = []
    for p in scenario.partners:
        chosen = partner_ids is None or p.id in partner_ids
        found = (
            delivered_services(data, evidence, scenario, p.ons_code, year)
            if chosen and p.ons_code and not p.delivers
            else None
        )
        if found is None:
            partners.append(p)
            continue
        notes = f"{p.notes} {found.note}".strip()
        partners.append(p.model_copy(update={"delivers": found.services, "notes": notes}))
    return scenario.model_copy(update={"partners": tuple(partners)})


def _and(items: list[str]) -> str:
    """The items in a sentence, first letters in lower case: a, b and c."""
    lowered = [i[0].lower() + i[1:] for i in items]
    return lowered[0] if len(lowered) == 1 else ", ".join(lowered[:-1]) + " and " + lowered[-1]
