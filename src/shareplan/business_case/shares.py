"""Saving shares and trading from the evidence and the officers' estimates, checked.

The saving share of an opportunity is the evidence's low / central / high for its model and each
kind of service, weighted by the services' gross cost, with the officer's estimates on top; the
trading volume and margin apply when the model sells the authority's service: each buyer's volume is
scaled by its size and applies only to the part of the service the council delivers itself.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from shareplan.business_case.assumptions import AssumptionBook
from shareplan.business_case.staffing import staff_cost
from shareplan.errors import Problem
from shareplan.evidence.base import DeliveryModel
from shareplan.money import money
from shareplan.opportunities.model import Opportunity
from shareplan.scenario.model import Partner, Scenario, Service

#: The three points of every uncertain range, in order.
LEVELS = ("low", "central", "high")
Triple = tuple[float, float, float]


def _declared_row(scenario: Scenario, opportunity: Opportunity) -> int | None:
    for index, declared in enumerate(scenario.opportunities):
        if declared.id == opportunity.id:
            return index + 2
    return None


def estimate_problems(scenario: Scenario, opportunity: Opportunity) -> list[Problem]:
    """Officers' estimates out of range or out of order."""
    est = opportunity.estimates
    row = _declared_row(scenario, opportunity)
    out: list[Problem] = []

    def bad(column: str, message: str, allowed: str) -> None:
        out.append(
            Problem(
                f"opportunity {opportunity.id!r}: {message}",
                sheet="opportunities",
                row=row,
                column=column,
                allowed=allowed,
            )
        )

    for column in ("saving_low", "saving_central", "saving_high"):
        value = getattr(est, column)
        if value is not None and not (0.0 <= value <= 1.0 and math.isfinite(value)):
            bad(column, f"saving share {value:g} is outside 0-100%", "a share from 0 to 1")
    given = [(c, getattr(est, c)) for c in ("saving_low", "saving_central", "saving_high")]
    known = [(c, v) for c, v in given if v is not None]
    for (c1, v1), (c2, v2) in itertools.pairwise(known):
        if v1 > v2:
            bad(c2, f"{c1} ({v1:g}) is above {c2} ({v2:g})", "low <= central <= high")
    if est.one_off_cost is not None and not (
        est.one_off_cost >= 0 and math.isfinite(est.one_off_cost)
    ):
        bad("one_off_cost", f"one-off cost {est.one_off_cost:g} is negative", "0 or more pounds")
    if est.lead_time_months is not None and not (
        est.lead_time_months >= 0 and math.isfinite(est.lead_time_months)
    ):
        bad(
            "lead_time_months",
            f"lead time {est.lead_time_months:g} is negative",
            "0 or more months",
        )
    return out


def share_table(
    book: AssumptionBook, model: str, kinds: Sequence[tuple[str, float]]
) -> tuple[Triple, list[Problem]]:
    """Low, central, high saving shares for a model, weighted by the services' gross cost."""
    key = f"savings.share.{model}"
    total = sum(w for _, w in kinds)
    problems: list[Problem] = []
    shares = []
    for level in LEVELS:
        acc = 0.0
        for kind, weight in kinds:
            value = book.number(key, kind, level)
            if not 0.0 <= value <= 1.0:
                problems.append(
                    Problem(
                        f"parameter '{key}.{kind}.{level}': saving share {value:g} is outside "
                        "0-100%",
                        sheet="parameters",
                        row=book.override_row(key, (kind, level)),
                        column="value",
                        allowed="a share from 0 to 1",
                    )
                )
            acc += value * (weight / total if total > 0 else 1.0 / len(kinds))
        shares.append(acc)
    low, central, high = shares
    if not low <= central <= high:
        problems.append(
            Problem(
                f"parameter '{key}': saving shares are out of order (low {low:g}, central "
                f"{central:g}, high {high:g})",
                sheet="parameters",
                row=book.override_row(key),
                column="value",
                allowed="low <= central <= high",
            )
        )
    return (low, central, high), problems


def ordered(book: AssumptionBook, key: str, path: tuple[str, ...], values: Triple) -> list[Problem]:
    """A problem when a low / central / high triple is out of order."""
    if values[0] <= values[1] <= values[2]:
        return []
    label = ".".join((key, *path))
    return [
        Problem(
            f"parameter {label!r}: low, central and high are out of order "
            f"({values[0]:g}, {values[1]:g}, {values[2]:g})",
            sheet="parameters",
            row=book.override_row(key, path),
            column="value",
            allowed="low <= central <= high",
        )
    ]


def saving_shares(
    book: AssumptionBook, opportunity: Opportunity, services: Sequence[Service]
) -> tuple[Triple, list[Problem]]:
    """Evidence shares by model and kind, weighted by cost; the officer's estimates on top."""
    kinds: dict[str, float] = {}
    for s in services:
        kinds[s.kind.value] = kinds.get(s.kind.value, 0.0) + s.gross_cost
    shares, problems = share_table(book, opportunity.model, sorted(kinds.items()))
    est = opportunity.estimates
    low, central, high = shares
    central = central if est.saving_central is None else est.saving_central
    low = low if est.saving_low is None else est.saving_low
    high = high if est.saving_high is None else est.saving_high
    if (low, central, high) != shares:
        book.record(
            "estimate.saving_share",
            {"low": low, "central": central, "high": high},
            "estimate",
            "officer's estimate (opportunities sheet)",
            "Saving share of gross cost at full run-rate",
            "share",
        )
    # keep the range consistent when only the central estimate is given
    return (min(low, central), central, max(high, central)), problems


@dataclass(frozen=True, slots=True)
class Trading:
    """What the buyers would buy when the authority sells its service.

    ``buyers`` holds each buyer's volume (low, central, high) as a share of the services' gross
    cost, before the chance of winning its tender: the take-up share (``savings.trading``) times
    the buyer's size relative to the authority (``scale``: its sector's demand times the ratio of
    the populations) times ``delivered``, the share of the cost the council delivers itself.
    """

    buyers: tuple[Triple, ...]
    margin: Triple
    delivered: float
    scale: tuple[float, ...]

    def expected(self, advertise: Sequence[bool], win: float) -> Triple:
        """All buyers' volume together, where a buyer that must advertise is won with chance
        ``win``: its central volume is the expected one (``win x central``) and, unless the
        contract is certain (``win`` 1), its low is 0 (the competition is lost)."""
        low = central = high = 0.0
        for i, (lo, mid, hi) in enumerate(self.buyers):
            if i < len(advertise) and advertise[i] and win < 1.0:
                lo, mid = 0.0, mid * max(win, 0.0)
            low, central, high = low + lo, central + mid, high + hi
        return low, central, high


NO_TRADING = Trading((), (0.0, 0.0, 0.0), 1.0, ())


def delivered_share(book: AssumptionBook, services: Sequence[Service]) -> float:
    """The share of the services' gross cost the council delivers with its own staff: staff cost
    times ``savings.trading_delivered_cost_per_staff_pound``, at most the whole cost. The rest is
    commissioned or contracted, and a council cannot resell it."""
    gross = sum(s.gross_cost for s in services)
    if gross <= 0:
        return 1.0
    ratio = book.number("savings.trading_delivered_cost_per_staff_pound")
    return min(1.0, ratio * sum(staff_cost(s, book) for s in services) / gross)


def partner_need(book: AssumptionBook, partner: Partner, population: float | None) -> float:
    """A partner's need for the service relative to the authority's own: its sector's demand
    (``savings.trading_buyer_demand``) times its population over the authority's ``population``
    when both are known (else 1: a partner of the authority's size)."""
    demand = book.number("savings.trading_buyer_demand", partner.sector.value)
    if partner.population and population:
        demand *= partner.population / population
    return demand


def buyer_scale(book: AssumptionBook, partner: Partner, population: float | None) -> float:
    """A buyer's need for the service (:func:`partner_need`), at most
    ``savings.trading_max_buyer_scale``."""
    return min(
        partner_need(book, partner, population), book.number("savings.trading_max_buyer_scale")
    )


def joint_purchase(
    book: AssumptionBook,
    services: Sequence[Service],
    partners: Sequence[Partner],
    population: float | None,
) -> float:
    """What the members of a joint procurement buy together a year: the authority's spend on the
    services other than its staff (gross cost less staff cost: the supplies, contracts and
    premises it buys from the market) times one plus each partner's need relative to its own
    (:func:`partner_need`, not capped: a larger partner buys more). The share the council
    delivers itself (:func:`delivered_share`) does not fit: it counts the supplies its own staff
    use as delivered, so a back-office service would buy nothing, and those supplies are what a
    joint purchase buys (the seed's stationery)."""
    own = sum(max(0.0, s.gross_cost - staff_cost(s, book)) for s in services)
    needs = {p.name: partner_need(book, p, population) for p in partners}
    value = own * (1.0 + sum(needs.values()))
    book.record(
        "derived.joint_purchase",
        value,
        "derived",
        "(gross cost - staff cost) x (1 + each partner's savings.trading_buyer_demand by sector "
        "x its population / the authority's)",
        "The joint procurement's combined purchase a year (the contract it tenders)",
        "pounds a year",
        note=f"The authority's own non-staff spend {money(own)}; each partner's need relative to "
        "it: " + ", ".join(f"{name} {need:.2f}" for name, need in needs.items()),
    )
    return value


def trading_ranges(
    book: AssumptionBook,
    model: DeliveryModel,
    partners: Sequence[Partner],
    services: Sequence[Service],
    population: float | None,
) -> tuple[Trading, list[Problem]]:
    """Each buyer's volume and the net margin on it, when the authority sells its service (see
    :class:`Trading`); no buyers otherwise. ``population``: the authority's residents."""
    if not model.sells_service:
        return NO_TRADING, []
    t = [book.number("savings.trading", "volume_per_buyer", k) for k in LEVELS]
    m = [book.number("savings.trading", "net_margin", k) for k in LEVELS]
    take_up, margin = (t[0], t[1], t[2]), (m[0], m[1], m[2])
    problems = ordered(book, "savings.trading", ("volume_per_buyer",), take_up)
    problems += ordered(book, "savings.trading", ("net_margin",), margin)
    delivered = delivered_share(book, services)
    scale = tuple(buyer_scale(book, p, population) for p in partners)
    book.record(
        "derived.trading_delivered_share",
        delivered,
        "derived",
        "services' staff cost x savings.trading_delivered_cost_per_staff_pound / gross cost",
        "Share of the services' cost the council delivers itself (the part it can sell)",
        "share",
    )
    book.record(
        "derived.trading_buyer_scale",
        {p.name: k for p, k in zip(partners, scale, strict=True)},
        "derived",
        "savings.trading_buyer_demand by sector x the buyer's population / the authority's",
        "Each buyer's need for the service relative to the authority's own",
        "ratio",
    )
    buyers = tuple(
        (take_up[0] * k * delivered, take_up[1] * k * delivered, take_up[2] * k * delivered)
        for k in scale
    )
    return Trading(buyers, margin, delivered, scale), problems
