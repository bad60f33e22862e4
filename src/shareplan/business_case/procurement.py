"""The procurement route of an opportunity, its lead time and its cost, with its reasons in words.

The route follows from who supplies whom, the partners' sectors, the kind of service and the date
the procurement starts (thresholds and regimes apply on that date, not on the appraisal date):

* ``internal``: no other party (corporate centralisation): no procurement;
* ``council_supplies``: the authority sells its service (a model with ``sells_service``): it is the
  supplier and does not tender. A public buyer may buy without a tender only under genuine
  public-public cooperation (no private capital; no more than 20% of the activity on the open
  market; governed by the public interest, so not a sale at a margin); otherwise a buyer above the
  threshold must advertise, and the authority bids. A private buyer is not a contracting authority
  and runs no public procurement;
* ``public_public_exempt``: every partner is a public body and the arrangement is cooperation with
  no private capital: exempt (Procurement Act 2023 Schedule 2 Part 1; regulation 12 of the 2015
  Regulations; before 2015 the Teckal and Hamburg case law);
* ``part_b_no_notice``: a Part B service (to 2015) of modest value: no OJEU contract notice;
* ``part_b_advertised``: a Part B contract large enough to be of cross-border interest: no OJEU
  notice is required, but the Treaty principles require it to be advertised (Commission
  Interpretative Communication 2006/C 179/02), with a lead time and cost by value band;
* ``light_touch_above_threshold``: a light-touch service (from 2015) at or above its own threshold:
  a notice on Find a Tender (OJEU before 2021) and a procedure the authority designs;
* ``below_threshold``: a contract below the threshold that applies: no notice required;
* ``competitive_above_threshold``: a contract at or above the services threshold: Find a Tender
  (OJEU before 2021), with the statutory minimum time-scales;
* ``joint_venture_legal_advice``: a joint venture with a private shareholder is a partner: legal
  advice, and the route its contract value gives.

Public bodies that buy together (a model whose ``tender`` is ``joint``) make an exempt agreement
among themselves, but their purchase is a contract with the market: its route is the one for a
contract of their combined purchase (below the threshold, competitive above it, light-touch or
Part B by the service), with the months to agree among more than two members on top.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from shareplan.business_case.assumptions import AssumptionBook
from shareplan.evidence.base import DeliveryModel, Sector
from shareplan.money import money


class Route(StrEnum):
    INTERNAL = "internal"
    COUNCIL_SUPPLIES = "council_supplies"
    PUBLIC_PUBLIC_EXEMPT = "public_public_exempt"
    PART_B_NO_NOTICE = "part_b_no_notice"
    PART_B_ADVERTISED = "part_b_advertised"
    LIGHT_TOUCH_ABOVE_THRESHOLD = "light_touch_above_threshold"
    BELOW_THRESHOLD = "below_threshold"
    COMPETITIVE_ABOVE_THRESHOLD = "competitive_above_threshold"
    JOINT_VENTURE_LEGAL_ADVICE = "joint_venture_legal_advice"


ROUTE_WORDING = {
    Route.INTERNAL: "No procurement: a change within the authority",
    Route.COUNCIL_SUPPLIES: "The council sells its service: it is the supplier and does not tender",
    Route.PUBLIC_PUBLIC_EXEMPT: "Public-public cooperation, exempt from competitive tendering",
    Route.PART_B_NO_NOTICE: "A Part B service: no contract notice required",
    Route.PART_B_ADVERTISED: "A Part B service of cross-border interest: advertised under the "
    "Treaty principles",
    Route.LIGHT_TOUCH_ABOVE_THRESHOLD: "A light-touch service above its threshold: advertised",
    Route.BELOW_THRESHOLD: "Procurement below the threshold",
    Route.COMPETITIVE_ABOVE_THRESHOLD: "Competitive tender above the threshold",
    Route.JOINT_VENTURE_LEGAL_ADVICE: "Joint venture: legal advice needed on the procurement route",
}


JOINT_PURCHASE_WORDING = "A joint purchase from the market as one contract"
"""What a joint procurement's route wording starts with (the contract's own wording follows in
brackets: a route may have a colon of its own, and the tables put one after "Route")."""


COUNCIL_BIDS_WORDING = (
    "The council sells its service: it does not tender itself, but a buyer must advertise its "
    "purchase and the council has to win that competition"
)
"""The council-supplies wording when some buyer must advertise (the income depends on winning)."""


class Procurement(BaseModel):
    """The procurement route of one opportunity and what it adds to the timeline and the cost.

    ``procurement_start`` is the date the thresholds and the regime are read on;
    ``buyers_may_tender`` says, when the authority sells its service, that some of its public
    buyers must advertise their purchase (the trading income then depends on winning);
    ``buyers_advertise`` says which, one flag per buyer in the partners' order.
    """

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
    procurement_start: dt.date | None = None
    special_services: str = ""
    buyers_may_tender: bool = False
    buyers_advertise: tuple[bool, ...] = ()


def contract_value(annual: float, term_years: float, vat_inclusive: bool, vat: float) -> float:
    """Estimated value of a contract over its whole term, with VAT when the threshold includes it."""
    return annual * term_years * ((1.0 + vat) if vat_inclusive else 1.0)


class _Reader:
    """The procurement evidence on the procurement's start date, for one opportunity."""

    def __init__(self, book: AssumptionBook, special: bool) -> None:
        self.book = book
        self.regime = str(book.get("procurement.regime", "special_services")) if special else ""
        key = (
            "procurement.threshold.light_touch"
            if self.regime == "light_touch"
            else "procurement.threshold.services"
        )
        parameter = book.evidence.parameter(key)
        self.dated = parameter.at(book.on)
        self.threshold = book.number(key, "amount")
        self.vat_inclusive = bool(book.get(key, "vat_inclusive"))
        self.note = (
            ""
            if parameter.applies_on(book.on)
            else f"No threshold is shipped for {book.on.isoformat()}; the earliest one "
            f"(from {self.dated.valid_from.isoformat()}) is used."
        )
        self.law = str(book.get("procurement.regime", "law"))
        self.notice = str(book.get("procurement.regime", "notice_service"))
        self.basis = str(book.get("procurement.regime", "public_public"))

    def value(self, annual: float) -> float:
        term = self.book.number("procurement.contract_term_years")
        vat = self.book.number("procurement.vat_rate") if self.vat_inclusive else 0.0
        return contract_value(annual, term, self.vat_inclusive, vat)

    def make(
        self,
        route: Route,
        reasons: list[str],
        *,
        needs_tender: bool = False,
        value: float | None = None,
        days: float | None = None,
        extra_months: float = 0.0,
    ) -> Procurement:
        return Procurement(
            route=route,
            wording=ROUTE_WORDING[route],
            needs_tender=needs_tender,
            legal_advice=False,
            law=self.law,
            notice_service=self.notice,
            public_public_basis=self.basis,
            threshold=self.threshold,
            threshold_vat_inclusive=self.vat_inclusive,
            threshold_from=self.dated.valid_from,
            threshold_note=self.note,
            contract_value=value,
            above_threshold=None if value is None else value >= self.threshold,
            min_tender_days=days,
            lead_time_months=self.book.number("procurement.lead_months", route.value)
            + extra_months,
            cost=self.book.number("procurement.cost", route.value),
            reasons=tuple(reasons),
            procurement_start=self.book.on,
            special_services=self.regime,
        )

    def contract(self, annual: float, reasons: list[str]) -> Procurement:
        """The route of a contract worth ``annual`` a year (net) by the regime and threshold."""
        value = self.value(annual)
        above = value >= self.threshold
        vat = "including" if self.vat_inclusive else "excluding"
        if self.regime == "part_b":
            return self._part_b(value, reasons)
        kind = "the light-touch threshold" if self.regime == "light_touch" else "the threshold"
        reasons.append(
            f"estimated contract value {money(value)} over "
            f"{self.book.number('procurement.contract_term_years'):g} years ({vat} VAT) is "
            f"{'at or above' if above else 'below'} {kind} of {money(self.threshold)} in force "
            f"on {self.book.on.isoformat()}, when the procurement starts"
        )
        if not above:
            reasons.append(f"no notice on {self.notice} is required")
            return self.make(Route.BELOW_THRESHOLD, reasons, value=value)
        if self.regime == "light_touch":
            reasons.append(
                f"a light-touch service: a notice on {self.notice} and a procedure the authority "
                "designs, within the regime's rules"
            )
            return self.make(
                Route.LIGHT_TOUCH_ABOVE_THRESHOLD, reasons, needs_tender=True, value=value
            )
        days = self.book.number("procurement.min_tender_days")
        reasons.append(f"advertised on {self.notice}; open procedure at least {days:g} days")
        return self.make(
            Route.COMPETITIVE_ABOVE_THRESHOLD, reasons, needs_tender=True, value=value, days=days
        )

    def part_b_band(self, value: float) -> str:
        """``none``, ``advertise`` or ``full``: what a Part B contract of ``value`` (whole term)
        needs under the Treaty principles (``procurement.part_b_advertising``)."""
        if value >= self.book.number("procurement.part_b_advertising", "full_competition_from"):
            return "full"
        if value >= self.book.number("procurement.part_b_advertising", "advertise_from"):
            return "advertise"
        return "none"

    def _part_b(self, value: float, reasons: list[str]) -> Procurement:
        band = self.part_b_band(value)
        head = (
            f"a Part B service under the {self.law}: no {self.notice} contract notice is "
            f"required at any value (estimated {money(value)} over the term)"
        )
        if band == "none":
            reasons.append(
                f"{head}; advertise enough to be fair and transparent, and publish the award"
            )
            return self.make(Route.PART_B_NO_NOTICE, reasons, value=value)
        reasons.append(
            f"{head}, but a contract of this size is of cross-border interest, so the Treaty "
            "principles require it to be advertised and awarded in an open, fair competition "
            "(Commission Interpretative Communication 2006/C 179/02)"
        )
        route = Route.PART_B_ADVERTISED
        result = self.make(route, reasons, needs_tender=True, value=value)
        if band == "full":
            like = Route.COMPETITIVE_ABOVE_THRESHOLD.value
            result = result.model_copy(
                update={
                    "lead_time_months": self.book.number("procurement.lead_months", like),
                    "cost": self.book.number("procurement.cost", like),
                    "reasons": (
                        *result.reasons,
                        "at this value the competition is run like a full tender, with its lead "
                        "time and cost",
                    ),
                }
            )
        return result

    def buyer_advertises(self, value: float) -> tuple[bool, str]:
        """Whether a public buyer spending ``value`` over the term must advertise, and why."""
        if self.regime == "part_b":
            band = self.part_b_band(value)
            if band == "none":
                return False, (
                    f"a Part B service, so no {self.notice} notice, and small enough to buy "
                    "without advertising"
                )
            return True, (
                f"a Part B service, so no {self.notice} notice, but large enough to be of "
                "cross-border interest: the buyer must advertise under the Treaty principles"
            )
        kind = "the light-touch threshold" if self.regime == "light_touch" else "the threshold"
        if value >= self.threshold:
            return True, (
                f"at or above {kind} of {money(self.threshold)}, so the buyer must advertise on "
                f"{self.notice}"
            )
        return False, f"below {kind} of {money(self.threshold)}, so no notice is needed"


def _contracting_authorities(book: AssumptionBook) -> frozenset[Sector]:
    """The sectors whose bodies are contracting authorities, as the evidence base lists them."""
    return book.evidence.contracting_authorities


def _council_supplies(
    reader: _Reader,
    sectors: Sequence[Sector],
    annual: float,
    volumes: Sequence[float],
    margin: float,
    delivered: float,
    names: Sequence[str] = (),
) -> Procurement:
    """The authority sells its service: the roles of supplier and buyers, in words.

    ``volumes`` is each buyer's purchase as a share of the services' gross cost ``annual``, in the
    order of ``sectors``; ``delivered`` is the share of that cost the council delivers itself (its
    own activity, against which the open-market share is measured).
    """
    book = reader.book
    limit = book.number("procurement.cooperation_max_open_market_share")
    reasons = [
        "the council sells its service to the partners: it is the supplier, so it does not "
        "tender; any procurement is the buyers', and where a buyer must advertise the council "
        "has to win that competition"
    ]
    authorities = _contracting_authorities(book)
    sold = [volumes[i] if i < len(volumes) else 0.0 for i in range(len(sectors))]
    public = [i for i, s in enumerate(sectors) if s in authorities]
    others = [i for i, s in enumerate(sectors) if s not in authorities]
    advertise = [False] * len(sectors)
    if others:
        reasons.append(
            f"{len(others)} buyer(s) are not contracting authorities: they run no public "
            "procurement, and their custom counts as activity on the open market"
        )
    if public:
        activity = delivered + sum(sold)
        open_share = sum(sold[i] for i in others) / activity if activity > 0 else 0.0
        if margin <= 0 and open_share <= limit:
            reasons.append(
                f"the public buyers may rely on public-public cooperation: no private capital, "
                f"{open_share:.0%} of the activity on the open market (at most {limit:.0%}), "
                "and the service is shared at cost"
            )
        else:
            why = (
                "the service is sold at a margin, which is a sale, not cooperation in the public "
                "interest"
                if margin > 0
                else f"{open_share:.0%} of the activity is on the open market (more than "
                f"{limit:.0%})"
            )
            reasons.append(f"the public buyers cannot rely on the cooperation exemption: {why}")
            for i in public:
                value = reader.value(annual * sold[i] * (1.0 + max(margin, 0.0)))
                advertise[i], because = reader.buyer_advertises(value)
                reasons.append(
                    f"{names[i] if i < len(names) else f'buyer {i + 1}'} would buy about "
                    f"{money(value)} over the term: {because}"
                    + ("; the council must win its competition" if advertise[i] else "")
                )
    result = reader.make(Route.COUNCIL_SUPPLIES, reasons)
    update: dict[str, object] = {
        "buyers_may_tender": any(advertise),
        "buyers_advertise": tuple(advertise),
    }
    if any(advertise):
        update["wording"] = COUNCIL_BIDS_WORDING
    return result.model_copy(update=update)


def assess_procurement(
    book: AssumptionBook,
    model: DeliveryModel,
    sectors: Sequence[Sector],
    annual_value: float,
    *,
    special: bool = False,
    trading_volumes: Sequence[float] = (),
    trading_margin: float = 0.0,
    delivered: float = 1.0,
    buyer_names: Sequence[str] = (),
) -> Procurement:
    """The route for a model and partner set, with a contract worth ``annual_value`` a year (net).

    ``book`` reads the evidence on the date the procurement starts; ``special`` marks a Part B or
    light-touch service; ``trading_volumes`` (each buyer's purchase, a share of ``annual_value``),
    ``trading_margin`` and ``delivered`` (the share of the cost the council delivers itself)
    describe the sale when the authority sells its service.
    """
    reader = _Reader(book, special)
    if not sectors:
        return reader.make(
            Route.INTERNAL, ["no other party: the change is made within the authority"]
        )
    if model.sells_service:
        return _council_supplies(
            reader, sectors, annual_value, trading_volumes, trading_margin, delivered, buyer_names
        )
    if any(s in book.evidence.sectors_with("legal_advice") for s in sectors):
        base = reader.contract(
            annual_value,
            [
                "a joint venture company with a private shareholder is a partner: private "
                "capital rules out the public-public exemption, and legal advice is needed"
            ],
        )
        months = book.number("procurement.legal_advice", "months")
        advice = book.number("procurement.legal_advice", "cost")
        route = Route.JOINT_VENTURE_LEGAL_ADVICE
        lead = book.number("procurement.lead_months", route.value)
        cost = book.number("procurement.cost", route.value)
        return base.model_copy(
            update={
                "route": route,
                "wording": ROUTE_WORDING[route],
                "legal_advice": True,
                "lead_time_months": (lead if base.needs_tender else base.lead_time_months) + months,
                "cost": (cost if base.needs_tender else base.cost) + advice,
                "reasons": (
                    *base.reasons,
                    f"legal advice adds {months:g} months and {money(advice)}",
                ),
            }
        )
    if any(s in book.evidence.sectors_with("private_capital") for s in sectors):
        return reader.contract(
            annual_value,
            [
                "a private sector partner: the arrangement is a contract for services, and "
                "private capital rules out the public-public exemption"
            ],
        )
    if any(s not in _contracting_authorities(book) for s in sectors):
        return reader.contract(
            annual_value,
            [
                "a voluntary or community partner is not a contracting authority, so the "
                "public-public exemption does not cover it (a grant may apply: take advice)"
            ],
        )
    members = 1 + len(sectors)
    longer = [f"{members} members: longer to agree"] if members > 2 else []
    extra = book.number("procurement.months_per_extra_member") * max(0, members - 2)
    if model.tender == "joint":
        return _joint_purchase(reader, annual_value, longer, extra)
    reasons = [
        f"every partner is a public body, there is no private capital and the work is shared "
        f"among the members' public functions: cooperation exempt under {reader.basis}",
        *longer,
    ]
    return reader.make(Route.PUBLIC_PUBLIC_EXEMPT, reasons, extra_months=extra)


def _joint_purchase(reader: _Reader, annual: float, longer: list[str], extra: float) -> Procurement:
    """Public bodies buying together: the route of one contract for their combined purchase
    (``annual`` a year), the months to agree among more than two members on top."""
    reasons = [
        f"every partner is a public body, so their agreement to buy together is cooperation "
        f"exempt under {reader.basis}; but what they buy comes from the market, so the joint "
        "purchase is one contract for all the members' needs, procured by its value like any "
        "other",
        *longer,
    ]
    base = reader.contract(annual, reasons)
    return base.model_copy(
        update={
            "wording": f"{JOINT_PURCHASE_WORDING} ({base.wording[0].lower()}{base.wording[1:]})",
            "lead_time_months": base.lead_time_months + extra,
        }
    )
