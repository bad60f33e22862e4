"""The risk register of one opportunity: the seed's risks, plus risks raised from the data.

Every opportunity carries the seed's risks (section 9: financial, political, reputational, legal and
procurement, and the practical issues it lists: back-office support, pay and grading, pensions,
insurance, governance) with the seed's mitigations as defaults. Risks are raised automatically from
the data: a joint venture partner, a partnership of more than three members, a private partner, a
competitive tender, low affinity, a low Monte Carlo probability of a positive NPV, jobs leaving the
borough, no common systems platform. Likelihood and impact are 1-5; the rating is their product.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from shareplan.business_case.assumptions import AssumptionBook

CATEGORIES = ("financial", "political", "reputational", "legal_procurement", "practical")


class Risk(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    category: Literal["financial", "political", "reputational", "legal_procurement", "practical"]
    description: str
    likelihood: int = Field(ge=1, le=5)
    impact: int = Field(ge=1, le=5)
    rating: int
    mitigation: str
    owner: str
    residual_likelihood: int = Field(ge=1, le=5)
    residual_impact: int = Field(ge=1, le=5)
    residual_rating: int
    raised_by: Literal["seed", "data"]
    trigger: str = ""


class RiskRegister(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    risks: tuple[Risk, ...]

    @property
    def highest_residual(self) -> int:
        return max((r.residual_rating for r in self.risks), default=0)

    def by_category(self) -> dict[str, tuple[Risk, ...]]:
        return {c: tuple(r for r in self.risks if r.category == c) for c in CATEGORIES}


@dataclass(frozen=True, slots=True)
class RiskFacts:
    """What the data says about an opportunity, for raising risks."""

    joint_venture: bool
    members: int
    small_max_members: int
    private_partner: bool
    needs_tender: bool
    min_affinity: int | None
    prob_npv_positive: float | None
    fte_leaving_borough: float
    platform_overlap: float
    has_platforms: bool


def _risk(item: Mapping[str, Any], raised_by: Literal["seed", "data"], trigger: str = "") -> Risk:
    likelihood = int(item["likelihood"])
    impact = int(item["impact"])
    residual_l = int(item["residual_likelihood"])
    residual_i = int(item["residual_impact"])
    return Risk(
        id=str(item["id"]),
        category=item["category"],
        description=str(item["description"]),
        likelihood=likelihood,
        impact=impact,
        rating=likelihood * impact,
        mitigation=str(item["mitigation"]),
        owner=str(item["owner"]),
        residual_likelihood=residual_l,
        residual_impact=residual_i,
        residual_rating=residual_l * residual_i,
        raised_by=raised_by,
        trigger=trigger,
    )


def risk_register(book: AssumptionBook, facts: RiskFacts) -> RiskRegister:
    """The seed's risks and those the data raises, most severe first (stable order on ties)."""
    risks = [_risk(item, "seed") for item in book.get("risks.register")]
    raised = {str(item["id"]): item for item in book.get("risks.raised")}
    low_affinity = book.number("risks.thresholds", "low_affinity")
    low_probability = book.number("risks.thresholds", "low_payback_probability")
    overlap_floor = book.number("risks.thresholds", "platform_overlap")
    triggers: list[tuple[str, str]] = []
    if facts.joint_venture:
        triggers.append(("joint_venture", "a partner is a joint venture company"))
    if facts.members > facts.small_max_members:
        triggers.append(("large_partnership", f"{facts.members} members"))
    if facts.private_partner:
        triggers.append(("private_partner", "a partner is a private company"))
    if facts.needs_tender:
        triggers.append(("tender", "a competitive tender above the threshold is needed"))
    if facts.min_affinity is not None and facts.min_affinity <= low_affinity:
        triggers.append(("low_affinity", f"a partner's affinity is {facts.min_affinity} of 5"))
    if facts.prob_npv_positive is not None and facts.prob_npv_positive < low_probability:
        triggers.append(("low_payback_probability", f"P(NPV > 0) = {facts.prob_npv_positive:.0%}"))
    if facts.fte_leaving_borough > 0.05:
        triggers.append(
            ("jobs_leave_borough", f"{facts.fte_leaving_borough:.1f} FTE would work outside")
        )
    if facts.has_platforms and facts.platform_overlap < overlap_floor:
        triggers.append(("platforms", f"platform overlap {facts.platform_overlap:.0%}"))
    for risk_id, trigger in triggers:
        if risk_id in raised:
            risks.append(_risk(raised[risk_id], "data", trigger))
    order = sorted(range(len(risks)), key=lambda i: (-risks[i].residual_rating, i))
    return RiskRegister(risks=tuple(risks[i] for i in order))


class ProgrammeRisk(BaseModel):
    """One risk as it stands across the opportunities of a programme."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    category: str
    description: str
    opportunities: tuple[str, ...]
    max_rating: int
    max_residual_rating: int


def programme_risks(registers: Mapping[str, RiskRegister]) -> tuple[ProgrammeRisk, ...]:
    """Each risk id across the chosen opportunities: which carry it and its worst ratings.

    A helper for the programme stage, which owns programme-level risk; most widespread first.
    """
    grouped: dict[str, list[tuple[str, Risk]]] = {}
    for opportunity_id, register in registers.items():
        for risk in register.risks:
            grouped.setdefault(risk.id, []).append((opportunity_id, risk))
    out: list[ProgrammeRisk] = []
    for risk_id, entries in grouped.items():
        first = entries[0][1]
        ids: Sequence[str] = sorted({o for o, _ in entries})
        out.append(
            ProgrammeRisk(
                id=risk_id,
                category=first.category,
                description=first.description,
                opportunities=tuple(ids),
                max_rating=max(r.rating for _, r in entries),
                max_residual_rating=max(r.residual_rating for _, r in entries),
            )
        )
    out.sort(key=lambda r: (-len(r.opportunities), -r.max_residual_rating, r.id))
    return tuple(out)
