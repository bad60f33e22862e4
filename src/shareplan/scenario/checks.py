"""Checks across a scenario's tables that readers' cell-by-cell parsing cannot make (pure): the
authority as its own partner, a discount schedule typed with its unit and in a plausible range, and
the neutral affinity a partner not yet judged stands at."""

from __future__ import annotations

from typing import Any, NamedTuple

from shareplan.evidence import rates
from shareplan.evidence.base import EvidenceBase
from shareplan.scenario.model import Authority, place_of


class Finding(NamedTuple):
    """A problem at one cell of the sheet being checked."""

    row: int
    column: str
    message: str
    allowed: str


NEUTRAL_AFFINITY = "partners.affinity_neutral"


def neutral_affinity(evidence: EvidenceBase, authority: Authority | None) -> int:
    """The affinity an appraisal uses for a partner officers have not yet judged."""
    when = authority.appraisal_date if authority else None
    parameter = evidence.parameter(NEUTRAL_AFFINITY)
    value = parameter.at(when).value if when else parameter.values[-1].value
    return int(value)


def _same_body(a: str, b: str) -> bool:
    """Whether two names are one council: compared by place, ignoring the council's title and case."""
    return place_of(a).casefold() == place_of(b).casefold()


def own_partner(number: int, r: dict[str, Any], authority: Authority) -> list[Finding]:
    """The authority given as its own partner, by ONS code or by name."""
    code = (r.get("ons_code") or "").strip().upper()
    if code and authority.ons_code and code == authority.ons_code.strip().upper():
        return [
            Finding(
                number,
                "ons_code",
                f"the partner's ONS code {code} is the authority's own: "
                "a council cannot be its own partner",
                "another organisation's code",
            )
        ]
    if r.get("name") and _same_body(str(r["name"]), authority.name):
        return [
            Finding(
                number,
                "name",
                f"{r['name']!r} is the authority itself ({authority.name}): "
                "a council cannot be its own partner",
                "another organisation",
            )
        ]
    return []


def schedule_rates(
    rows: list[tuple[int, dict[str, Any]]], evidence: EvidenceBase, authority: Authority | None
) -> list[Finding]:
    """A discount schedule typed in the parameters sheet: every rate with its unit (``3.5%`` or
    ``0.035``) and inside the evidence's plausible range, so that ``3.5`` is never read as 350%."""
    plausible = evidence.parameter("discount.plausible_range")
    bounds = (plausible.at(authority.appraisal_date) if authority else plausible.values[-1]).value
    allowed = f"bands such as {rates.EXAMPLE}"
    out: list[Finding] = []
    for number, r in rows:
        if not str(r.get("key", "")).startswith("discount.schedule.") or not isinstance(
            r.get("value"), str
        ):
            continue
        try:
            bands = rates.parse_bands(r["value"])
        except rates.RateError as exc:
            out.append(Finding(number, "value", str(exc), allowed))
            continue
        for first, last, rate in bands:
            why = rates.implausible(rate, bounds)
            if why:
                span = f"{first}-{'' if last is None else last}"
                out.append(Finding(number, "value", f"band {span}: {why}", allowed))
    return out
