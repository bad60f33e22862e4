"""The one-line reason for one opportunity's score on one criterion, in plain words (the value
functions themselves are in :mod:`shareplan.assessment.criteria`)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from shareplan.assessment.criteria import LEVEL_WORDS, PARTNER_LEVEL, SERVICE_LEVEL
from shareplan.assessment.settings import AssessmentSettings
from shareplan.scenario.model import Partner, PartnerGeography, Scenario, Service


def _level(level: int, place: str) -> str:
    """A geographical level in words; the first is the authority's own area, by its place."""
    return place if level == 0 else LEVEL_WORDS[level]


def _names(partners: Sequence[Partner]) -> str:
    return ", ".join(p.name for p in partners)


def rationale(
    criterion: str,
    value: float | None,
    status: int,
    services: Sequence[Service],
    partners: Sequence[Partner],
    model_id: str,
    scenario: Scenario,
    settings: AssessmentSettings,
    lead_months: float,
    lead_source: str,
    bcr: float | None,
    npv: float | None,
    legal_clear: bool | None,
) -> str:
    """The one-line reason for one opportunity's score on ``criterion`` (plain words)."""
    if criterion in ("track_record", "common_objectives", "common_platforms"):
        return _service_reason(criterion, services, partners)
    if criterion in ("early_intervention", "corporate_priorities"):
        return _priority_reason(criterion, services, partners, scenario, settings)
    if criterion in ("within_borough", "geographical_level", "affinity_beyond", "voluntary_sector"):
        place = scenario.authority.place_name
        return _partner_reason(criterion, services, partners, place, model_id, settings)
    if criterion in ("quick_win", "benefit_cost_speed"):
        if criterion == "benefit_cost_speed":
            return (
                f"the model's typical saving and a start in about {lead_months:.0f} months "
                f"({lead_source})"
            )
        if not math.isfinite(lead_months):
            return "the business case's savings never reach the quick-win share: no quick win"
        full = settings.quick_win_full_months
        verdict = "a quick win" if lead_months <= full else "not a quick win"
        return (
            f"savings in about {lead_months:.0f} months ({lead_source}): {verdict}; the score "
            f"is 100 within {full:.0f} months (a quick win), falling to 0 at "
            f"{settings.quick_win_zero_months:.0f}"
        )
    if criterion == "clear_business_case":
        if bcr is not None:
            return f"benefit-cost ratio {bcr:.2f} from the business case"
        if npv is not None:
            return f"net present value £{npv:,.0f} from the business case"
        return "pending: the business case will supply the benefit-cost ratio"
    if criterion == "legal_procurement_clear":
        return _legal_reason(partners, legal_clear, settings)
    raise KeyError(criterion)


def _service_reason(
    criterion: str, services: Sequence[Service], partners: Sequence[Partner]
) -> str:
    if criterion == "track_record":
        ratings = ", ".join(f"{s.name} {s.track_record}/5" for s in services)
        return f"track record rated {ratings} (1 = weak, 5 = strong)"
    if not partners:
        return "not applicable: no outside partner"
    objectives = criterion == "common_objectives"

    def theirs(p: Partner) -> set[str]:
        return set(p.objectives if objectives else p.platforms)

    mine: set[str] = set().union(*(s.priorities if objectives else s.platforms for s in services))
    noun = "objectives" if objectives else "systems platforms"
    if not mine:
        return f"missing: no {'priorities' if objectives else 'systems platforms'} recorded for the service"
    known = [p for p in partners if theirs(p)]
    if not known:
        return f"missing: no {noun} recorded for {_names(partners)}"
    sharing = [p for p in known if mine & theirs(p)]
    common = sorted(set().union(*(mine & theirs(p) for p in sharing))) if sharing else []
    text = f"{len(sharing)} of {len(known)} partners share {noun}"
    if common:
        text += f" ({', '.join(common)})"
    unknown = [p for p in partners if not theirs(p)]
    if unknown:
        text += f"; none recorded for {_names(unknown)}"
    return text


def _priority_reason(
    criterion: str,
    services: Sequence[Service],
    partners: Sequence[Partner],
    scenario: Scenario,
    settings: AssessmentSettings,
) -> str:
    if criterion == "early_intervention":
        if not any(s.early_intervention for s in services):
            return "the service is not early intervention or prevention"
        integrators = [p for p in partners if p.sector in settings.integrator_sectors]
        if integrators:
            return f"early intervention shared with {_names(integrators)}, as place-based budgets intend"
        return "early intervention, but with no health, police, fire or voluntary partner to integrate with"
    corporate = scenario.authority.corporate_priorities
    if not corporate:
        return "missing: the authority lists no corporate priorities"
    priorities: set[str] = set().union(*(s.priorities for s in services))
    hits = sorted(priorities & set(corporate))
    if not hits:
        return "supports none of the corporate priorities"
    return f"supports {len(hits)} corporate priorit{'y' if len(hits) == 1 else 'ies'} ({', '.join(hits)})"


def _partner_reason(
    criterion: str,
    services: Sequence[Service],
    partners: Sequence[Partner],
    place: str,
    model_id: str,
    settings: AssessmentSettings,
) -> str:
    """The reason for a partner criterion, naming the authority's place where the seed's wording
    said "the borough" (a district or a county is not one)."""
    host = settings.host[model_id]
    if criterion == "within_borough":
        local = [p for p in partners if p.geography == PartnerGeography.BOROUGH]
        if host == "council":
            return f"the council does the work, so the jobs stay in {place}"
        if host == "partners":
            return f"the partner does the work; {len(local)} of {len(partners)} delivering partners are in {place}"
        return f"work shared between the council and {len(partners)} partners, {len(local)} of them in {place}"
    if criterion == "geographical_level":
        service_level = max(SERVICE_LEVEL[s.geography] for s in services)
        reach = max((PARTNER_LEVEL[p.geography] for p in partners), default=0)
        return (
            f"the service's natural footprint is {_level(service_level, place)}; "
            f"the partners reach {_level(reach, place)}"
        )
    if criterion == "affinity_beyond":
        beyond = [p for p in partners if p.geography != PartnerGeography.BOROUGH]
        if not beyond:
            return f"not applicable: no partner beyond {place}"
        mean = sum(p.affinity for p in beyond) / len(beyond)
        return f"affinity with partners beyond {place} averages {mean:.1f}/5 ({_names(beyond)})"
    vcs = [p for p in partners if p.sector in settings.voluntary_sectors]
    return f"with {_names(vcs)}" if vcs else "no voluntary or community sector partner"


def _legal_reason(
    partners: Sequence[Partner], legal_clear: bool | None, settings: AssessmentSettings
) -> str:
    if legal_clear is not None:
        return (
            "legal and procurement implications confirmed clear"
            if legal_clear
            else "legal and procurement implications not yet clear"
        )
    if any(p.sector in settings.legal_advice_sectors for p in partners):
        return "provisional: a joint venture company needs legal advice on procurement"
    if any(p.sector in settings.private_sectors for p in partners):
        return "provisional: a private partner means a competitive procurement (route known, slow)"
    return (
        "provisional: an arrangement between public bodies, exempt from tender if the tests are met"
    )
