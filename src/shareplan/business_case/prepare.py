"""From the scenario, an opportunity and the evidence to the numbers of the pure model.

:func:`prepare` checks the inputs (collecting every problem, then raising :class:`InputError`) and
derives, one concern per helper: the saving shares, trading, platforms, the procurement route and
timetable, the ramp, the staff and one-off costs, optimism bias, the risk ranges and the jobs host.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from shareplan.assessment.settings import HOSTS
from shareplan.business_case.assumptions import AssumptionBook
from shareplan.business_case.cashflow import FlowInputs
from shareplan.business_case.model import OptimismBias
from shareplan.business_case.montecarlo import Distribution, Ranges
from shareplan.business_case.optimism import optimism_bias, uplift_fields
from shareplan.business_case.procurement import Procurement, assess_procurement
from shareplan.business_case.risk_basis import RiskRanges, risk_ranges
from shareplan.business_case.shares import (
    Trading,
    delivered_share,
    estimate_problems,
    joint_purchase,
    saving_shares,
    trading_ranges,
)
from shareplan.business_case.staffing import cost_per_fte, jobs, kept_in_borough_share
from shareplan.errors import InputError, Problem, raise_if_any
from shareplan.evidence.base import DeliveryModel
from shareplan.opportunities.model import Opportunity
from shareplan.scenario.model import Authority, Partner, PartnerGeography, Scenario, Service

Triple = tuple[float, float, float]


@dataclass(frozen=True, slots=True)
class Prepared:
    """Everything the wrapper derived for one opportunity before any appraisal."""

    opportunity: Opportunity
    members: int
    baseline: float
    fte: float
    shares: Triple
    keep: float
    platform_overlap: float
    has_platforms: bool
    local_share: float
    transfer_share: float
    trading_volume: float
    trading_volume_range: Triple
    trading_margin_range: Triple
    delivered_share: float
    trading: Trading
    ring_fenced_share: float
    team_fte: float
    cost_per_fte: float
    procurement: Procurement
    unadjusted: FlowInputs
    adjusted: FlowInputs
    optimism: OptimismBias
    risk: RiskRanges
    min_affinity: int | None
    private: bool
    joint_venture: bool
    quick_win_months: float
    quick_win_share: float

    @property
    def trading_staff_volume(self) -> float:
        """The buyers' expected work as a share of the work the council's own staff do (the
        trading volume is a share of the gross cost, of which the staff deliver
        ``delivered_share``)."""
        return self.trading_volume / self.delivered_share if self.delivered_share > 0 else 0.0

    @property
    def ranges(self) -> Ranges:
        return self.risk.ranges

    @property
    def cost_range(self) -> Triple:
        return self.risk.cost

    @property
    def delay_range(self) -> Triple:
        return self.risk.delay


def platform_overlap(
    services: Sequence[Service], partners: Sequence[Partner]
) -> tuple[float, bool]:
    """Share of the services' platforms that every partner also uses (1: nothing to integrate)."""
    platforms = {p for s in services for p in s.platforms}
    if not (platforms and partners):
        return 1.0, False
    common = set(platforms)
    for partner in partners:
        common &= set(partner.platforms)
    return len(common) / len(platforms), True


def proposal_start(authority: Authority) -> dt.date:
    """When the proposal (and its procurement) starts: the start of ``first_year`` (1 April in
    financial years), or the appraisal date if that is later."""
    start = dt.date(authority.first_year, 4 if authority.financial_years else 1, 1)
    return max(start, authority.appraisal_date)


def ramp_months(
    book: AssumptionBook, model: DeliveryModel, private: bool, members: int, start: float
) -> float:
    """Months from the first saving to full run-rate, by the seed's partnership-size finding."""
    size = book.evidence.partnership_size
    if model.relationship == "customer_supplier" or private:
        return book.number("savings.ramp_months", "supplier")
    if members <= size.small_max_partners:
        return book.number("savings.ramp_months", "small")
    step = book.number("savings.large_partnership_years_per_member")
    years = min(
        float(size.large_realisation_years_high),
        size.large_realisation_years_low + step * (members - size.small_max_partners - 1),
    )
    book.record(
        "derived.large_partnership_years",
        years,
        "derived",
        size.source,
        "Years from the start of the proposal to full run-rate for this partnership",
        "years",
        note=size.large_wording,
        confidence=size.confidence,
    )
    return max(book.number("savings.ramp_months", "small"), 12.0 * years - start)


def local_share(
    book: AssumptionBook, model: str, partners: Sequence[Partner]
) -> tuple[float, list[Problem]]:
    """Share of the remaining staff whose work stays in the borough (who hosts, by model)."""
    key = f"assessment.within_borough.host.{model}"
    host = str(book.get(key))
    if host not in HOSTS:
        return 1.0, [
            Problem(
                f"parameter {key!r} must name who does the work, not {host!r}",
                sheet="parameters",
                row=book.override_row(key),
                column="value",
                allowed=", ".join(HOSTS),
            )
        ]
    in_borough = sum(1 for p in partners if p.geography == PartnerGeography.BOROUGH)
    return kept_in_borough_share(host, in_borough, len(partners)), []


def ring_fenced_share(services: Sequence[Service]) -> float:
    """Share of the services' gross cost paid from ring-fenced grants (0 when they cost nothing)."""
    gross = sum(s.gross_cost for s in services)
    return sum(s.gross_cost * s.ring_fenced_share for s in services) / gross if gross > 0 else 0.0


def _parties(
    scenario: Scenario, opportunity: Opportunity, book: AssumptionBook
) -> tuple[list[Service], list[Partner], DeliveryModel]:
    try:
        services = [scenario.service(s) for s in opportunity.service_ids]
    except KeyError as exc:
        raise InputError(
            [Problem(f"opportunity {opportunity.id!r}: no service {exc.args[0]!r}")]
        ) from None
    try:
        partners = [scenario.partner(p) for p in opportunity.partner_ids]
    except KeyError as exc:
        raise InputError(
            [Problem(f"opportunity {opportunity.id!r}: no partner {exc.args[0]!r}")]
        ) from None
    try:
        model = book.evidence.model(opportunity.model)
    except KeyError:
        raise InputError(
            [
                Problem(
                    f"opportunity {opportunity.id!r}: no delivery model {opportunity.model!r}",
                    allowed=", ".join(book.evidence.model_ids),
                )
            ]
        ) from None
    return services, partners, model


@dataclass(frozen=True, slots=True)
class _OneOff:
    team_rate: float
    procurement: float
    ict: float
    exit_full: float


def one_off_costs(
    book: AssumptionBook,
    opportunity: Opportunity,
    per_fte: float,
    released: float,
    share: float,
    ict: float,
    procurement_cost: float,
    months: float,
) -> _OneOff:
    """The project team's monthly cost, route cost, ICT and the exit cost at a saving share of 1
    (``exit_full x share`` is the exit cost of the FTE released), scaled to an officer's one-off
    estimate when there is one."""
    team_fte = book.number("costs.project_team_fte", opportunity.model)
    team_rate = team_fte * book.number("costs.project_team_cost_ratio") * per_fte / 12.0
    exit_years = book.number("costs.exit_cost_years_of_pay", "redundancy") + book.number(
        "costs.exit_cost_years_of_pay", "pension_strain"
    )
    exit_now = released * exit_years * per_fte
    exit_full = exit_now / share if share > 0 else 0.0
    costs = _OneOff(team_rate, procurement_cost, ict, exit_full)
    estimate = opportunity.estimates.one_off_cost
    if estimate is None:
        return costs
    computed = team_rate * months + procurement_cost + ict + exit_now
    book.record(
        "estimate.one_off_cost",
        estimate,
        "estimate",
        "officer's estimate (opportunities sheet); the evidence-based lines are scaled to it",
        "Total one-off cost before optimism bias",
        "pounds",
    )
    if computed <= 0:
        return _OneOff(0.0, 0.0, estimate, 0.0)
    k = estimate / computed
    return _OneOff(team_rate * k, procurement_cost * k, ict * k, exit_full * k)


def timetable(
    scenario: Scenario,
    opportunity: Opportunity,
    book: AssumptionBook,
    model: DeliveryModel,
    services: Sequence[Service],
    partners: Sequence[Partner],
    central: float,
    trading: Trading,
) -> tuple[Procurement, float, float, float]:
    """The procurement route, the months of procurement and of implementation (an officer's lead
    time replaces their sum) and the ramp. ``central``: the saving share; ``trading``: what each
    buyer would buy, when the authority sells its service."""
    baseline = float(sum(s.gross_cost for s in services))
    sectors = [p.sector for p in partners]
    private = any(s in book.evidence.sectors_with("private_capital") for s in sectors)
    overlap, _ = platform_overlap(services, partners)
    integration = 1.0 - book.number("costs.common_platform_discount") * overlap
    # A joint procurement tenders what the members buy together, not the services' staff.
    if model.tender == "joint":
        value = joint_purchase(book, services, partners, scenario.authority.population)
    else:
        value = baseline * (1.0 - central) if private else baseline
    procurement = assess_procurement(
        book.on_date(proposal_start(scenario.authority)),
        model,
        sectors,
        value,
        special=any(s.light_touch for s in services),
        trading_volumes=[b[1] for b in trading.buyers],
        trading_margin=trading.margin[1],
        delivered=trading.delivered,
        buyer_names=[p.name for p in partners],
    )
    proc_months = procurement.lead_time_months
    impl_months = book.number("costs.implementation_months", model.id)
    impl_months += (
        book.number("costs.extra_months_no_common_platform") * integration * bool(partners)
    )
    lead = opportunity.estimates.lead_time_months
    if lead is not None:
        proc_months = min(proc_months, lead)
        impl_months = lead - proc_months
        book.record(
            "estimate.lead_time_months",
            lead,
            "estimate",
            "officer's estimate (opportunities sheet)",
            "Months from the start of the proposal to the first saving",
            "months",
        )
    members = 1 + len(partners)
    ramp = ramp_months(book, model, private, members, proc_months + impl_months)
    return procurement, proc_months, impl_months, ramp


def _costs(
    book: AssumptionBook,
    opportunity: Opportunity,
    services: Sequence[Service],
    overlap: float,
    centrals: tuple[float, float],
    route_cost: float,
    months: float,
) -> _OneOff:
    """The one-off cost lines: ICT (on the part of the cost the council delivers itself, less the
    common-platform discount), the route's cost, the team and the exit costs of the posts released
    (``centrals``: saving share, the buyers' work as a share of the staff's own)."""
    share, volume = centrals
    baseline = float(sum(s.gross_cost for s in services)) * delivered_share(book, services)
    fte = float(sum(s.fte for s in services))
    integration = 1.0 - book.number("costs.common_platform_discount") * overlap
    ict = baseline * book.number("costs.ict_integration_share", opportunity.model) * integration
    released = jobs(fte, share, volume, 1.0).released
    per_fte = cost_per_fte(services, book)
    return one_off_costs(book, opportunity, per_fte, released, share, ict, route_cost, months)


def risk_adjusted(unadjusted: FlowInputs, optimism: OptimismBias, risk: RiskRanges) -> FlowInputs:
    """The headline inputs: the optimism-bias uplifts, and the quantified share of the expected
    overrun and delay (:mod:`risk_basis`)."""
    return unadjusted.replace(
        **uplift_fields(optimism),
        delay_months=risk.headline_delay,
        cost_multiplier=risk.headline_cost_multiplier,
    )


def prepare(
    scenario: Scenario,
    opportunity: Opportunity,
    book: AssumptionBook,
    distribution: Distribution = "triangular",
) -> Prepared:
    """Derive the model's inputs for one opportunity; raises :class:`InputError` on bad input."""
    problems = estimate_problems(scenario, opportunity)
    services, partners, model = _parties(scenario, opportunity, book)
    baseline = float(sum(s.gross_cost for s in services))
    fte = float(sum(s.fte for s in services))
    sectors = [p.sector for p in partners]
    private = any(s in book.evidence.sectors_with("private_capital") for s in sectors)
    shares, found = saving_shares(book, opportunity, services)
    problems += found
    central = shares[1]
    keep = 1.0 - book.number("savings.private_partner_gain_share") if private else 1.0
    trading, found = trading_ranges(book, model, partners, services, scenario.authority.population)
    problems += found
    margin = trading.margin
    overlap, has_platforms = platform_overlap(services, partners)
    procurement, proc_months, impl_months, ramp = timetable(
        scenario, opportunity, book, model, services, partners, central, trading
    )
    win = book.number("savings.trading_win_probability")
    volume = trading.expected(procurement.buyers_advertise, win)
    staff_volume = volume[1] / trading.delivered if trading.delivered > 0 else 0.0
    members = 1 + len(partners)
    per_fte = cost_per_fte(services, book)
    costs = _costs(
        book,
        opportunity,
        services,
        overlap,
        (central, staff_volume),
        procurement.cost,
        proc_months + impl_months,
    )
    optimism, found = optimism_bias(book, model.id, procurement.needs_tender)
    problems += found
    risk, found = risk_ranges(book, optimism, distribution, shares, volume, margin)
    problems += found
    local, found = local_share(book, model.id, partners)
    problems += found
    problems += book.problems
    raise_if_any(problems)

    unadjusted = FlowInputs(
        baseline=baseline,
        share=central,
        keep=keep,
        trading=baseline * volume[1] * margin[1],
        non_cashable=baseline * book.number("savings.non_cashable_share", model.id),
        procurement_months=proc_months,
        implementation_months=impl_months,
        ramp_months=ramp,
        team_cost_per_month=costs.team_rate,
        procurement_cost=costs.procurement,
        ict_cost=costs.ict,
        exit_cost_full=costs.exit_full,
        delay_months=risk.delay[1],
        cost_multiplier=1.0,
    )
    affinities = [p.affinity for p in partners]
    return Prepared(
        opportunity=opportunity,
        members=members,
        baseline=baseline,
        fte=fte,
        shares=shares,
        keep=keep,
        platform_overlap=overlap,
        has_platforms=has_platforms,
        local_share=local,
        transfer_share=float(book.get(f"assessment.within_borough.host.{model.id}") == "partners"),
        trading_volume=volume[1],
        trading_volume_range=volume,
        trading_margin_range=margin,
        delivered_share=trading.delivered,
        trading=trading,
        ring_fenced_share=ring_fenced_share(services),
        team_fte=book.number("costs.project_team_fte", model.id),
        cost_per_fte=per_fte,
        procurement=procurement,
        unadjusted=unadjusted,
        adjusted=risk_adjusted(unadjusted, optimism, risk),
        optimism=optimism,
        risk=risk,
        min_affinity=min(affinities) if affinities else None,
        private=private,
        joint_venture=any(s in book.evidence.sectors_with("legal_advice") for s in sectors),
        quick_win_months=book.number("business_case.quick_win.months"),
        quick_win_share=book.number("business_case.quick_win.min_share_of_annual"),
    )
