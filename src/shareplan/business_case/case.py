"""The validating wrapper: builds the business case of each opportunity from the scenario and the
evidence.

It checks the scenario first, derives each opportunity's model inputs (:mod:`prepare`), and
assembles a :class:`BusinessCase` carrying the flows and measures with and without optimism bias, a
business-as-usual comparator (:mod:`appraise`), switching values and a tornado
(:mod:`sensitivity`), the Monte Carlo summary on the headline's basis (:mod:`risk_basis`), the
procurement route, the risk register and every assumption used with its source.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np

from shareplan.business_case import cashflow
from shareplan.business_case.appraise import (
    appraise_inputs,
    business_as_usual,
    discount_factors_for,
    year_label,
)
from shareplan.business_case.assumptions import AssumptionBook
from shareplan.business_case.cashflow import FloatArray, FlowInputs
from shareplan.business_case.checks import MAX_DRAWS, findings
from shareplan.business_case.model import (
    BusinessCase,
    MonteCarloSummary,
    Timeline,
    UncertainRange,
    general_fund_share,
)
from shareplan.business_case.montecarlo import Distribution, Simulation
from shareplan.business_case.montecarlo_cases import simulate_cases
from shareplan.business_case.prepare import Prepared, prepare
from shareplan.business_case.risk_basis import TREATMENT, gap_sentence, mean_of
from shareplan.business_case.risks import RiskFacts, risk_register
from shareplan.business_case.sensitivity import switching_values, tornado
from shareplan.business_case.staffing import kept_in_borough_share
from shareplan.errors import InputError, Problem, raise_if_any
from shareplan.evidence import load_evidence
from shareplan.evidence.base import EvidenceBase
from shareplan.opportunities.model import Opportunity
from shareplan.scenario.model import Scenario

__all__ = [
    "Prepared",
    "build_business_case",
    "build_business_cases",
    "discount_factors_for",
    "kept_in_borough_share",
    "prepare",
    "year_label",
]


def monte_carlo(prepared: Prepared, factors: FloatArray, sim: Simulation) -> MonteCarloSummary:
    """The summary of an opportunity's own simulation (:func:`simulate_cases`)."""
    draws, seed, distribution = int(sim.npv.shape[0]), sim.seed, sim.distribution
    p10, p50, p90 = (float(v[0]) for v in sim.percentiles())
    headline = float(cashflow.npv_fast(prepared.adjusted, factors))
    mean = float(np.mean(sim.npv))
    return MonteCarloSummary(
        draws=draws,
        seed=seed,
        distribution=distribution,
        basis="optimism_bias_adjusted",
        correlation=prepared.ranges.correlation,
        mean=mean,
        p10=p10,
        p50=p50,
        p90=p90,
        prob_npv_positive=float(sim.prob_positive()[0]),
        prob_quick_win=float(sim.prob_quick_win()[0]),
        headline=headline,
        gap_explanation=gap_sentence(
            headline, p50, mean, _shifts(prepared, factors, distribution, headline)
        ),
        treatment=TREATMENT,
    )


def _shifts(
    prepared: Prepared, factors: FloatArray, distribution: Distribution, npv: float
) -> dict[str, float]:
    """How far the saving's and the trading's expected values move the NPV from the headline
    ``npv``."""
    share_mean = mean_of(prepared.shares, distribution)
    volume_mean = mean_of(prepared.trading_volume_range, distribution)
    margin_mean = mean_of(prepared.trading_margin_range, distribution)
    trading_mean = prepared.baseline * volume_mean * margin_mean
    saving, trading = cashflow.npv_variants(
        prepared.adjusted, [{"share": share_mean}, {"trading": trading_mean}], factors
    )
    return {"saving": saving - npv, "trading": trading - npv}


def build_business_case(
    scenario: Scenario,
    opportunity: Opportunity,
    evidence: EvidenceBase | None = None,
    *,
    draws: int | None = None,
    distribution: Distribution | None = None,
) -> BusinessCase:
    """The business case of one opportunity (see :func:`build_business_cases`)."""
    return build_business_cases(
        scenario, (opportunity,), evidence, draws=draws, distribution=distribution
    )[0]


def build_business_cases(
    scenario: Scenario,
    opportunities: Sequence[Opportunity],
    evidence: EvidenceBase | None = None,
    *,
    draws: int | None = None,
    distribution: Distribution | None = None,
) -> tuple[BusinessCase, ...]:
    """Business cases for the given (shortlisted) opportunities, in order.

    ``draws`` overrides the evidence's ``montecarlo.draws`` (0: no Monte Carlo); the seed is the
    scenario's ``authority.random_seed``. The scenario is checked first (:func:`check_scenario`:
    overrides of the wrong shape, type or sign, the horizon, the discount schedule); every problem
    there and in every opportunity is collected before :class:`InputError` is raised, so nothing
    is half-built.
    """
    evidence = evidence or load_evidence()
    authority = scenario.authority
    found = findings(scenario, evidence)
    # The scenario model keeps no rows; the book's convention (one row per override under a
    # header) locates each override, as in every other problem about the parameters sheet.
    problems = [
        dataclasses.replace(f.problem, row=f.index + 2) if f.index is not None else f.problem
        for f in found
    ]
    if any(f.blocking for f in found):
        raise InputError(problems)
    base_book = AssumptionBook(evidence, authority.appraisal_date, scenario.parameters)
    factors, schedule = discount_factors_for(scenario, base_book)
    if draws is not None and not 0 <= draws <= MAX_DRAWS:
        raise InputError(
            [Problem(f"{draws} Monte Carlo draws", allowed=f"0 (none) to {MAX_DRAWS:,}")]
        )
    n_draws = int(base_book.number("montecarlo.draws")) if draws is None else int(draws)
    dist_name = distribution or str(base_book.get("montecarlo.distribution"))
    if dist_name not in ("triangular", "pert"):
        raise InputError(
            [
                Problem(
                    f"unknown Monte Carlo distribution {dist_name!r}",
                    sheet="parameters",
                    row=base_book.override_row("montecarlo.distribution"),
                    column="value",
                    allowed="triangular, pert",
                )
            ]
        )
    dist: Distribution = "triangular" if dist_name == "triangular" else "pert"
    prepared: list[tuple[Prepared, AssumptionBook]] = []
    for opportunity in opportunities:
        book = AssumptionBook(evidence, authority.appraisal_date, scenario.parameters)
        try:
            prepared.append((prepare(scenario, opportunity, book, dist), book))
        except InputError as exc:
            problems.extend(p for p in exc.problems if p not in problems)
    raise_if_any(problems)
    sims: list[Simulation | None] = [None] * len(prepared)
    if n_draws > 0:
        sims[:] = simulate_cases(
            [item for item, _ in prepared], factors, n_draws, authority.random_seed, dist
        )
    cases = []
    for (item, book), sim in zip(prepared, sims, strict=True):
        book.get(f"discount.schedule.{schedule}")
        for key in ("derived.year_zero",):
            book.used[key] = base_book.used[key]
        cases.append(_assemble(scenario, item, book, factors, schedule, sim))
    return tuple(cases)


def _assemble(
    scenario: Scenario,
    prepared: Prepared,
    book: AssumptionBook,
    factors: FloatArray,
    schedule: str,
    sim: Simulation | None,
) -> BusinessCase:
    authority = scenario.authority
    opportunity = prepared.opportunity
    adjusted = appraise_inputs(
        prepared, prepared.adjusted, factors, authority, "optimism_bias_adjusted"
    )
    unadjusted = appraise_inputs(prepared, prepared.unadjusted, factors, authority, "unadjusted")
    mc = None if sim is None else monte_carlo(prepared, factors, sim)
    t = cashflow.timing(prepared.adjusted)
    timeline = Timeline(
        procurement_start_month=0.0,
        procurement_end_month=float(t.procurement_end),
        implementation_start_month=float(t.procurement_end),
        implementation_end_month=float(t.benefits_start),
        benefits_start_month=float(t.benefits_start),
        full_benefits_month=float(t.full_benefits),
        ramp_months=float(np.asarray(prepared.adjusted.ramp_months)),
    )
    m = adjusted.measures
    facts = RiskFacts(
        joint_venture=prepared.joint_venture,
        members=prepared.members,
        small_max_members=book.evidence.partnership_size.small_max_partners,
        private_partner=prepared.private and not prepared.joint_venture,
        needs_tender=prepared.procurement.needs_tender,
        min_affinity=prepared.min_affinity,
        prob_npv_positive=None if mc is None else mc.prob_npv_positive,
        fte_leaving_borough=(prepared.fte - m.fte_released) * (1.0 - prepared.local_share),
        platform_overlap=prepared.platform_overlap,
        has_platforms=prepared.has_platforms,
    )
    register = risk_register(book, facts)
    inputs = {
        name: float(np.asarray(getattr(prepared.adjusted, name)))
        for name in FlowInputs.__dataclass_fields__
    }
    return BusinessCase(
        opportunity_id=opportunity.id,
        title=opportunity.title,
        model=opportunity.model,
        service_ids=opportunity.service_ids,
        partner_ids=opportunity.partner_ids,
        members=prepared.members,
        price_base_year=authority.price_base_year,
        first_year=authority.first_year,
        horizon_years=len(factors),
        discount_schedule=schedule,
        baseline_annual_cost=prepared.baseline,
        fte=prepared.fte,
        saving_share=_range(prepared.shares),
        cost_multiplier=_range(prepared.risk.drawn_cost),
        delay_months=_range(prepared.risk.drawn_delay),
        trading_volume=_range(prepared.trading_volume_range),
        trading_margin=_range(prepared.trading_margin_range),
        keep_share=prepared.keep,
        platform_overlap=prepared.platform_overlap,
        delivered_share=prepared.delivered_share,
        ring_fenced_share=prepared.ring_fenced_share,
        general_fund_saving=adjusted.measures.steady_state_annual_saving
        * (1.0 - prepared.ring_fenced_share),
        general_fund_note=general_fund_note(prepared.ring_fenced_share),
        general_fund_npv=general_fund_share(adjusted.measures.npv, prepared.ring_fenced_share),
        adjusted=adjusted,
        unadjusted=unadjusted,
        business_as_usual=business_as_usual(authority, factors),
        optimism_bias=prepared.optimism,
        timeline=timeline,
        switching_values=switching_values(prepared, factors),
        tornado=tornado(prepared, factors),
        monte_carlo=mc,
        procurement=prepared.procurement,
        risks=register,
        assumptions=book.assumptions(),
        model_inputs=inputs,
    )


def general_fund_note(ring_fenced: float) -> str:
    """A sentence when part of the services' cost is paid from ring-fenced grants."""
    if ring_fenced <= 0:
        return ""
    return (
        f"{ring_fenced:.0%} of the services' cost is paid from a ring-fenced grant (such as the "
        "dedicated schools grant or the public health grant): that share of the saving and of any "
        "trading income stays with the grant and cannot be cashed for the general fund."
    )


def _range(values: tuple[float, float, float]) -> UncertainRange:
    return UncertainRange(low=values[0], central=values[1], high=values[2])
