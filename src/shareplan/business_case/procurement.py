"""The procurement route of an opportunity, its lead time and its cost.

The route follows from the partners' sectors and the delivery model (the seed: "if a shared service
is developed as a public/public model there is no requirement for an OJEU procurement, however, if
the delivery vehicle involves a private sector partner then OJEU will apply"; "where proposals ...
involve delivery through the RBT joint venture company this will have specific implications for
procurement processes. Legal advice is being sought"):

* ``internal``: corporate centralisation, no other party, no procurement;
* ``public_public_exempt``: every partner is a public body (a contracting authority), or the
  authority sells its service (commercial trading): exempt from competitive tendering as a
  public-public arrangement (Procurement Act 2023 Schedule 2 Part 1, which replaced regulation 12 of
  the 2015 Regulations; before 2015, the Teckal and Hamburg case law);
* ``competitive_above_threshold``: a private partner (or a voluntary or community partner, which is
  not a contracting authority) and a contract worth at least the threshold in force: advertised on
  Find a Tender (OJEU before 2021) with the statutory minimum time-scales;
* ``below_threshold``: the same below the threshold;
* ``joint_venture_legal_advice``: a joint venture company with a private shareholder is a partner:
  flagged for legal advice, with its months and cost, and a tender when above the threshold.

Thresholds, time-scales, lead times and costs come from the evidence base (``procurement.*``) as they
apply on the scenario's appraisal date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from shareplan.business_case.assumptions import AssumptionBook
from shareplan.evidence.base import PUBLIC_SECTORS, Sector


class Route(StrEnum):
    INTERNAL = "internal"
    PUBLIC_PUBLIC_EXEMPT = "public_public_exempt"
    BELOW_THRESHOLD = "below_threshold"
    COMPETITIVE_ABOVE_THRESHOLD = "competitive_above_threshold"
    JOINT_VENTURE_LEGAL_ADVICE = "joint_venture_legal_advice"


ROUTE_WORDING = {
    Route.INTERNAL: "No procurement: a change within the authority",
    Route.PUBLIC_PUBLIC_EXEMPT: "Public-public arrangement, exempt from competitive tendering",
    Route.BELOW_THRESHOLD: "Procurement below the threshold",
    Route.COMPETITIVE_ABOVE_THRESHOLD: "Competitive tender above the threshold",
    Route.JOINT_VENTURE_LEGAL_ADVICE: "Joint venture: legal advice needed on the procurement route",
}


class Procurement(BaseModel):
    """The procurement route of one opportunity and what it adds to the timeline and the cost."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    route: Route
    wording: str
    needs_tender: bool
    legal_advice: bool
    law: str
    notice_service: str
    public_public_basis: str
    threshold: float
    threshold_vat_inclusive: bool
    threshold_from: dt.date
    threshold_note: str
    contract_value: float | None
    above_threshold: bool | None
    min_tender_days: float | None
    lead_time_months: float
    cost: float
    reasons: tuple[str, ...]


def contract_value(annual: float, term_years: float, vat_inclusive: bool, vat: float) -> float:
    """Estimated value of a contract over its whole term, with VAT when the threshold includes it."""
    return annual * term_years * ((1.0 + vat) if vat_inclusive else 1.0)


def assess_procurement(
    book: AssumptionBook,
    model_id: str,
    sectors: Sequence[Sector],
    annual_value: float,
) -> Procurement:
    """The route for a model and partner set, with a contract worth ``annual_value`` a year (net)."""
    threshold_param = book.evidence.parameter("procurement.threshold.services")
    dated = threshold_param.at(book.on)
    threshold = book.number("procurement.threshold.services", "amount")
    vat_inclusive = bool(book.get("procurement.threshold.services", "vat_inclusive"))
    note = ""
    if not threshold_param.applies_on(book.on):
        note = (
            f"No threshold is shipped for {book.on.isoformat()}; the earliest one "
            f"(from {dated.valid_from.isoformat()}) is used."
        )
    law = str(book.get("procurement.regime", "law"))
    notice = str(book.get("procurement.regime", "notice_service"))
    basis = str(book.get("procurement.regime", "public_public"))
    lead = "procurement.lead_months"
    cost = "procurement.cost"
    reasons: list[str] = []
    private = [s for s in sectors if s == Sector.PRIVATE]
    joint = [s for s in sectors if s == Sector.JOINT_VENTURE]
    public = book.evidence.contracting_authorities or PUBLIC_SECTORS
    non_public = [s for s in sectors if s not in public and s not in (Sector.PRIVATE,)]
    members = 1 + len(sectors)

    def competitive_or_below(route_reason: str) -> Procurement:
        term = book.number("procurement.contract_term_years")
        vat = book.number("procurement.vat_rate") if vat_inclusive else 0.0
        value = contract_value(annual_value, term, vat_inclusive, vat)
        above = value >= threshold
        route = Route.COMPETITIVE_ABOVE_THRESHOLD if above else Route.BELOW_THRESHOLD
        reasons.append(route_reason)
        reasons.append(
            f"estimated contract value {value:,.0f} over {term:g} years "
            f"({'including' if vat_inclusive else 'excluding'} VAT) is "
            f"{'at or above' if above else 'below'} the threshold of {threshold:,.0f}"
        )
        days = book.number("procurement.min_tender_days") if above else None
        if above:
            reasons.append(f"advertised on {notice}; open procedure at least {days:g} days")
        return Procurement(
            route=route,
            wording=ROUTE_WORDING[route],
            needs_tender=above,
            legal_advice=False,
            law=law,
            notice_service=notice,
            public_public_basis=basis,
            threshold=threshold,
            threshold_vat_inclusive=vat_inclusive,
            threshold_from=dated.valid_from,
            threshold_note=note,
            contract_value=value,
            above_threshold=above,
            min_tender_days=days,
            lead_time_months=book.number(lead, route.value),
            cost=book.number(cost, route.value),
            reasons=tuple(reasons),
        )

    if not sectors:
        reasons.append("no other party: the change is made within the authority")
        return Procurement(
            route=Route.INTERNAL,
            wording=ROUTE_WORDING[Route.INTERNAL],
            needs_tender=False,
            legal_advice=False,
            law=law,
            notice_service=notice,
            public_public_basis=basis,
            threshold=threshold,
            threshold_vat_inclusive=vat_inclusive,
            threshold_from=dated.valid_from,
            threshold_note=note,
            contract_value=None,
            above_threshold=None,
            min_tender_days=None,
            lead_time_months=book.number(lead, Route.INTERNAL.value),
            cost=book.number(cost, Route.INTERNAL.value),
            reasons=tuple(reasons),
        )
    if joint:
        base = competitive_or_below(
            "a joint venture company with a private shareholder is a partner: the public-public "
            "exemption does not apply to private capital, and legal advice is needed (seed)"
        )
        months = book.number("procurement.legal_advice", "months")
        advice = book.number("procurement.legal_advice", "cost")
        route = Route.JOINT_VENTURE_LEGAL_ADVICE
        extra_lead = book.number(lead, route.value) if base.needs_tender else base.lead_time_months
        extra_cost = book.number(cost, route.value) if base.needs_tender else base.cost
        return base.model_copy(
            update={
                "route": route,
                "wording": ROUTE_WORDING[route],
                "legal_advice": True,
                "lead_time_months": extra_lead + months,
                "cost": extra_cost + advice,
                "reasons": (
                    *base.reasons,
                    f"legal advice adds {months:g} months and {advice:,.0f}",
                ),
            }
        )
    if private:
        return competitive_or_below(
            "a private sector partner: the arrangement is a contract for services and must be "
            "competed"
        )
    if model_id == "commercial_trading":
        reasons.append(
            "the authority sells its service to the partners: no procurement by the authority; "
            "buyers that are authorities rely on the public-public exemption, which holds only "
            "while no more than 20% of the arrangement's activity is outside public functions"
        )
    elif non_public:
        return competitive_or_below(
            "a voluntary or community partner is not a contracting authority, so the public-public "
            "exemption does not cover it (a grant or the light-touch regime may apply: take advice)"
        )
    else:
        reasons.append(f"every partner is a public body: exempt under {basis}")
    route = Route.PUBLIC_PUBLIC_EXEMPT
    months = book.number(lead, route.value) + book.number(
        "procurement.months_per_extra_member"
    ) * max(0, members - 2)
    if members > 2:
        reasons.append(f"{members} members: longer to agree")
    return Procurement(
        route=route,
        wording=ROUTE_WORDING[route],
        needs_tender=False,
        legal_advice=False,
        law=law,
        notice_service=notice,
        public_public_basis=basis,
        threshold=threshold,
        threshold_vat_inclusive=vat_inclusive,
        threshold_from=dated.valid_from,
        threshold_note=note,
        contract_value=None,
        above_threshold=None,
        min_tender_days=None,
        lead_time_months=months,
        cost=book.number(cost, route.value),
        reasons=tuple(reasons),
    )
