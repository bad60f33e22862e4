"""The validating wrapper: builds the business case of an opportunity from the scenario and evidence.

It checks the inputs (collecting every problem, then raising :class:`InputError`), turns the
scenario's services and partners, the opportunity's estimates and the evidence base into the
numbers of the pure model (:mod:`cashflow`), and returns a :class:`BusinessCase` that carries the
flows, the measures with and without optimism bias, a business-as-usual comparator, switching
values, a tornado, the Monte Carlo summary, the procurement route, the risk register and every
assumption used with its source.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

from shareplan.assessment.settings import HOSTS
from shareplan.business_case import cashflow, measures
from shareplan.business_case.assumptions import AssumptionBook
from shareplan.business_case.cashflow import COST_KINDS, FloatArray, FlowInputs
from shareplan.business_case.checks import MAX_DRAWS, findings
from shareplan.business_case.discounting import (
    ScheduleError,
    bands_from_value,
    parse_schedule,
    schedule_factors,
)
from shareplan.business_case.model import (
    Appraisal,
    BusinessCase,
    Measures,
    MonteCarloSummary,
    OptimismBias,
    SwitchingValue,
    Timeline,
    TornadoBar,
    UncertainRange,
    YearFlow,
)
from shareplan.business_case.montecarlo import Distribution, Ranges, simulate_npv
from shareplan.business_case.procurement import Procurement, assess_procurement
from shareplan.business_case.risks import RiskFacts, risk_register
from shareplan.errors import InputError, Problem, raise_if_any
from shareplan.evidence import load_evidence
from shareplan.evidence.base import EvidenceBase, Sector
from shareplan.opportunities.model import Opportunity
from shareplan.scenario.model import Authority, PartnerGeography, Scenario

#: Models in which the relationship is customer and supplier, so benefits ramp up quickly (seed).
SUPPLIER_MODELS = frozenset({"public_private", "commercial_trading", "corporate_centralisation"})
#: The three points of every uncertain range, in order.
LEVELS = ("low", "central", "high")


def year_label(authority: Authority, year: int) -> str:
    """The label of appraisal year ``year``, where year 0 is the authority's ``first_year``.

    With a 2010 first year, year 0 is ``2010/11`` and year 1 is ``2011/12`` in financial years
    (``2010`` and ``2011`` in calendar years):

    >>> from shareplan.scenario.model import Authority
    >>> import datetime as dt
    >>> a = Authority(name="R", price_base_year=2010, first_year=2010,
    ...               appraisal_date=dt.date(2010, 12, 1), implementation_budget=1.0)
    >>> year_label(a, 0), year_label(a, 1)
    ('2010/11', '2011/12')
    >>> year_label(a.model_copy(update={"financial_years": False}), 0)
    '2010'
    """
    calendar = authority.first_year + year
    if authority.financial_years:
        return f"{calendar}/{(calendar + 1) % 100:02d}"
    return str(calendar)


def discount_factors_for(scenario: Scenario, book: AssumptionBook) -> tuple[FloatArray, str]:
    """The discount factors of years ``0 .. horizon - 1`` under the scenario's schedule."""
    authority = scenario.authority
    name = authority.discount_schedule
    key = f"discount.schedule.{name}"
    if authority.horizon_years < 1:
        raise InputError(
            [
                Problem(
                    f"the horizon must be at least 1 year, not {authority.horizon_years}",
                    sheet="authority",
                    column="horizon_years",
                    allowed="a whole number of years from 1 to 60",
                )
            ]
        )
    names = sorted(
        k.removeprefix("discount.schedule.")
        for k in book.evidence.parameters
        if k.startswith("discount.schedule.")
    )
    if key not in book.evidence.parameters:
        raise InputError(
            [
                Problem(
                    f"no discount schedule {name!r}",
                    sheet="authority",
                    column="discount_schedule",
                    allowed=", ".join(names),
                )
            ]
        )
    value = book.get(key)
    row = book.override_row(key)
    try:
        bands = parse_schedule(value) if isinstance(value, str) else bands_from_value(value)
        factors = schedule_factors(bands, authority.horizon_years)
    except (ScheduleError, KeyError, TypeError, ValueError) as exc:
        raise InputError(
            [
                Problem(
                    f"discount schedule {name!r}: {exc}",
                    sheet="parameters" if row is not None else "authority",
                    row=row,
                    column="value" if row is not None else "discount_schedule",
                )
            ]
        ) from None
    return factors, name


@dataclass(frozen=True, slots=True)
class Prepared:
    """Everything the wrapper derived for one opportunity before any appraisal."""

    opportunity: Opportunity
    members: int
    baseline: float
    fte: float
    shares: tuple[float, float, float]
    keep: float
    platform_overlap: float
    has_platforms: bool
    local_share: float
    trading_volume: float
    trading_volume_range: tuple[float, float, float]
    trading_margin_range: tuple[float, float, float]
    team_fte: float
    cost_per_fte: float
    procurement: Procurement
    unadjusted: FlowInputs
    adjusted: FlowInputs
    optimism: OptimismBias
    ranges: Ranges
    cost_range: tuple[float, float, float]
    delay_range: tuple[float, float, float]
    min_affinity: int | None
    private: bool
    joint_venture: bool
    quick_win_months: float
    quick_win_share: float


def kept_in_borough_share(host: str, partners_in_borough: int, partners: int) -> float:
    """Share of the remaining staff whose work stays in the borough, by who does the work
    (``assessment.within_borough.host.<model>``, the rule the assessment's 'within the borough'
    criterion scores, so the two never disagree):

    * ``council``: the council does the work, so all of it stays: 1;
    * ``shared``: spread evenly over the members (the authority counts as one):
      ``(1 + partners in the borough) / (1 + partners)``;
    * ``partners``: the partners do the work: ``partners in the borough / partners`` (an
      outsourcing to a national provider keeps none).
    """
    if host == "council":
        return 1.0
    if host == "shared":
        return (1.0 + partners_in_borough) / (1.0 + partners)
    return partners_in_borough / max(partners, 1)


def _one_each(values: tuple[float, float, float]) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Low, central and high as one-entry arrays (a :class:`Ranges` for one opportunity)."""
    low, central, high = values
    return np.array([low]), np.array([central]), np.array([high])


def _declared_row(scenario: Scenario, opportunity: Opportunity) -> int | None:
    for index, declared in enumerate(scenario.opportunities):
        if declared.id == opportunity.id:
            return index + 2
    return None


def _estimate_problems(scenario: Scenario, opportunity: Opportunity) -> list[Problem]:
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


def _share_table(
    book: AssumptionBook, model: str, kinds: Sequence[tuple[str, float]]
) -> tuple[tuple[float, float, float], list[Problem]]:
    """Low, central, high saving shares for a model, weighted by the services' gross cost."""
    key = f"savings.share.{model}"
    total = sum(w for _, w in kinds)
    problems: list[Problem] = []
    shares = []
    for level in ("low", "central", "high"):
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


def prepare(scenario: Scenario, opportunity: Opportunity, book: AssumptionBook) -> Prepared:
    """Derive the model's inputs for one opportunity; raises :class:`InputError` on bad input."""
    problems = _estimate_problems(scenario, opportunity)
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
        book.evidence.model(opportunity.model)
    except KeyError:
        raise InputError(
            [
                Problem(
                    f"opportunity {opportunity.id!r}: no delivery model {opportunity.model!r}",
                    allowed=", ".join(book.evidence.model_ids),
                )
            ]
        ) from None
    model = opportunity.model
    baseline = float(sum(s.gross_cost for s in services))
    fte = float(sum(s.fte for s in services))
    for s in services:
        if s.gross_cost < 0 or s.fte < 0:
            problems.append(Problem(f"service {s.id!r}: a negative cost or FTE", sheet="services"))
    members = 1 + len(partners)
    sectors = [p.sector for p in partners]
    private = any(s in (Sector.PRIVATE, Sector.JOINT_VENTURE) for s in sectors)
    joint_venture = Sector.JOINT_VENTURE in sectors

    # Saving shares: evidence by model and kind, weighted by cost; the officer's estimates on top.
    kinds: dict[str, float] = {}
    for s in services:
        kinds[s.kind.value] = kinds.get(s.kind.value, 0.0) + s.gross_cost
    shares, share_problems = _share_table(book, model, sorted(kinds.items()))
    problems.extend(share_problems)
    est = opportunity.estimates
    low, central, high = shares
    if est.saving_central is not None:
        central = est.saving_central
    if est.saving_low is not None:
        low = est.saving_low
    if est.saving_high is not None:
        high = est.saving_high
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
    low, high = min(low, central), max(high, central)

    keep = 1.0 - book.number("savings.private_partner_gain_share") if private else 1.0
    nc_share = book.number("savings.non_cashable_share", model)
    # Commercial trading: the buyers' extra volume (a share of ours) and the net margin on it,
    # each with a range; the central case is baseline x central volume x central margin.
    volume_range = (0.0, 0.0, 0.0)
    margin_range = (0.0, 0.0, 0.0)
    if model == "commercial_trading":
        buyers = len(partners)
        per_buyer = [book.number("savings.trading", "volume_per_buyer", k) for k in LEVELS]
        margins = [book.number("savings.trading", "net_margin", k) for k in LEVELS]
        volume_range = (per_buyer[0] * buyers, per_buyer[1] * buyers, per_buyer[2] * buyers)
        margin_range = (margins[0], margins[1], margins[2])
        for label, triple in (
            ("savings.trading.volume_per_buyer", per_buyer),
            ("savings.trading.net_margin", margins),
        ):
            if not triple[0] <= triple[1] <= triple[2]:
                problems.append(
                    Problem(
                        f"parameter {label!r}: low, central and high are out of order "
                        f"({triple[0]:g}, {triple[1]:g}, {triple[2]:g})",
                        sheet="parameters",
                        row=book.override_row("savings.trading", tuple(label.split(".")[2:])),
                        column="value",
                        allowed="low <= central <= high",
                    )
                )
    trading_volume = volume_range[1]
    trading = baseline * trading_volume * margin_range[1]

    # Platforms: the share of the services' platforms that every partner also uses.
    platforms = {p for s in services for p in s.platforms}
    has_platforms = bool(platforms) and bool(partners)
    if has_platforms:
        common = set(platforms)
        for partner in partners:
            common &= set(partner.platforms)
        overlap = len(common) / len(platforms)
    else:
        overlap = 1.0
    discount = book.number("costs.common_platform_discount")
    integration = 1.0 - discount * overlap

    # Procurement route, lead time and cost.
    gross_share = central
    annual_contract = baseline * (1.0 - gross_share) if private else baseline
    procurement = assess_procurement(book, model, sectors, annual_contract)
    proc_months = procurement.lead_time_months
    impl_months = book.number("costs.implementation_months", model)
    impl_months += (
        book.number("costs.extra_months_no_common_platform")
        * integration
        * (1.0 if partners else 0.0)
    )
    if est.lead_time_months is not None:
        proc_months = min(proc_months, est.lead_time_months)
        impl_months = est.lead_time_months - proc_months
        book.record(
            "estimate.lead_time_months",
            est.lead_time_months,
            "estimate",
            "officer's estimate (opportunities sheet)",
            "Months from approval to the first saving",
            "months",
        )

    # Ramp-up by the seed's partnership-size finding.
    size = book.evidence.partnership_size
    ramps = ("savings.ramp_months",)
    start_months = proc_months + impl_months
    if model in SUPPLIER_MODELS or private:
        ramp = book.number(ramps[0], "supplier")
    elif members <= size.small_max_partners:
        ramp = book.number(ramps[0], "small")
    else:
        step = book.number("savings.large_partnership_years_per_member")
        years = min(
            float(size.large_realisation_years_high),
            size.large_realisation_years_low + step * (members - size.small_max_partners - 1),
        )
        ramp = max(book.number(ramps[0], "small"), 12.0 * years - start_months)
        book.record(
            "derived.large_partnership_years",
            years,
            "derived",
            size.source,
            "Years from approval to full run-rate for this partnership",
            "years",
            note=size.large_wording,
            confidence=size.confidence,
        )

    # One-off costs.
    staff_share = book.number("costs.staff_share_of_gross")
    cost_per_fte = baseline * staff_share / fte if fte > 0 else 0.0
    team_fte = book.number("costs.project_team_fte", model)
    team_rate = team_fte * book.number("costs.project_team_cost_ratio") * cost_per_fte / 12.0
    exit_years = book.number("costs.exit_cost_years_of_pay", "redundancy") + book.number(
        "costs.exit_cost_years_of_pay", "pension_strain"
    )
    exit_full = fte * exit_years * cost_per_fte
    ict = baseline * book.number("costs.ict_integration_share", model) * integration
    proc_cost = procurement.cost
    if est.one_off_cost is not None:
        computed = team_rate * start_months + proc_cost + ict + exit_full * min(central, 1.0)
        if computed > 0:
            scale = est.one_off_cost / computed
            team_rate, proc_cost, ict, exit_full = (
                team_rate * scale,
                proc_cost * scale,
                ict * scale,
                exit_full * scale,
            )
        else:
            ict = est.one_off_cost
        book.record(
            "estimate.one_off_cost",
            est.one_off_cost,
            "estimate",
            "officer's estimate (opportunities sheet); the evidence-based lines are scaled to it",
            "Total one-off cost before optimism bias",
            "pounds",
        )

    # Optimism bias.
    types = book.get("optimism.project_types", model)
    bounds = book.get("optimism.upper_bounds")

    def upper(dimension: str) -> tuple[str, float]:
        kind = str(types.get(dimension, ""))
        if not kind:
            return "", 0.0
        return kind, float(bounds[kind][dimension])

    one_off_type, one_off_upper = upper("one_off")
    duration_type, duration_upper = upper("duration")
    operating_type, operating_upper = upper("operating")
    mitigated = {
        d: book.number(f"optimism.mitigated_share.{d}")
        for d in ("one_off", "duration", "operating")
    }
    optimism = OptimismBias(
        one_off_type=one_off_type,
        one_off_upper=one_off_upper,
        one_off_mitigated=mitigated["one_off"],
        one_off_uplift=one_off_upper * (1.0 - mitigated["one_off"]),
        duration_type=duration_type,
        duration_upper=duration_upper,
        duration_mitigated=mitigated["duration"],
        duration_uplift=duration_upper * (1.0 - mitigated["duration"]),
        operating_type=operating_type,
        operating_upper=operating_upper,
        operating_mitigated=mitigated["operating"],
        operating_uplift=operating_upper * (1.0 - mitigated["operating"]),
    )
    for name, value in (
        ("optimism.one_off_uplift", optimism.one_off_uplift),
        ("optimism.duration_uplift", optimism.duration_uplift),
        ("optimism.operating_uplift", optimism.operating_uplift),
    ):
        book.record(
            name,
            value,
            "optimism_bias",
            "Green Book supplementary guidance: Optimism Bias (2003), Table 2 upper bound, less "
            "the mitigated share",
            "Optimism-bias uplift applied",
            "share",
        )

    # Monte Carlo ranges.
    cost_range = tuple(
        book.number("montecarlo.one_off_cost_multiplier", k) for k in ("low", "central", "high")
    )
    delay_range = tuple(
        book.number("montecarlo.delay_months", k) for k in ("low", "central", "high")
    )
    correlation = book.number("montecarlo.cost_delay_correlation")
    for label, rng in (
        ("montecarlo.one_off_cost_multiplier", cost_range),
        ("montecarlo.delay_months", delay_range),
    ):
        if not rng[0] <= rng[1] <= rng[2]:
            problems.append(
                Problem(
                    f"parameter {label!r}: low, central and high are out of order {rng}",
                    sheet="parameters",
                    row=book.override_row(label),
                    column="value",
                    allowed="low <= central <= high",
                )
            )
    quick_win_months = book.number("business_case.quick_win.months")
    quick_win_share = book.number("business_case.quick_win.min_share_of_annual")
    local_share = 1.0
    host = str(book.get(f"assessment.within_borough.host.{model}"))
    if host not in HOSTS:
        problems.append(
            Problem(
                f"parameter 'assessment.within_borough.host.{model}' must name who does the "
                f"work, not {host!r}",
                sheet="parameters",
                row=book.override_row(f"assessment.within_borough.host.{model}"),
                column="value",
                allowed=", ".join(HOSTS),
            )
        )
    else:
        in_borough = sum(1 for p in partners if p.geography == PartnerGeography.BOROUGH)
        local_share = kept_in_borough_share(host, in_borough, len(partners))
    problems.extend(book.problems)
    raise_if_any(problems)

    affinities = [p.affinity for p in partners]

    unadjusted = FlowInputs(
        baseline=baseline,
        share=central,
        keep=keep,
        trading=trading,
        non_cashable=baseline * nc_share,
        procurement_months=proc_months,
        implementation_months=impl_months,
        ramp_months=ramp,
        team_cost_per_month=team_rate,
        procurement_cost=proc_cost,
        ict_cost=ict,
        exit_cost_full=exit_full,
        delay_months=delay_range[1],
        cost_multiplier=cost_range[1],
    )
    adjusted = unadjusted.replace(
        one_off_uplift=optimism.one_off_uplift,
        duration_uplift=optimism.duration_uplift,
        operating_uplift=optimism.operating_uplift,
    )
    ranges = Ranges(
        share=(np.array([low]), np.array([central]), np.array([high])),
        cost_multiplier=(
            np.array([cost_range[0] / cost_range[1]]) if cost_range[1] else np.array([0.0]),
            np.array([1.0]),
            np.array([cost_range[2] / cost_range[1]]) if cost_range[1] else np.array([0.0]),
        ),
        delay_months=(
            np.array([delay_range[0] - delay_range[1]]),
            np.array([0.0]),
            np.array([delay_range[2] - delay_range[1]]),
        ),
        correlation=correlation,
        trading_volume=_one_each(volume_range),
        trading_margin=_one_each(margin_range),
    )
    return Prepared(
        opportunity=opportunity,
        members=members,
        baseline=baseline,
        fte=fte,
        shares=(low, central, high),
        keep=keep,
        platform_overlap=overlap,
        has_platforms=has_platforms,
        local_share=local_share,
        trading_volume=trading_volume,
        trading_volume_range=volume_range,
        trading_margin_range=margin_range,
        team_fte=team_fte,
        cost_per_fte=cost_per_fte,
        procurement=procurement,
        unadjusted=unadjusted,
        adjusted=adjusted,
        optimism=optimism,
        ranges=ranges,
        cost_range=(cost_range[0], cost_range[1], cost_range[2]),
        delay_range=(delay_range[0], delay_range[1], delay_range[2]),
        min_affinity=min(affinities) if affinities else None,
        private=private,
        joint_venture=joint_venture,
        quick_win_months=quick_win_months,
        quick_win_share=quick_win_share,
    )


def _measures(
    prepared: Prepared,
    inputs: FlowInputs,
    flows: dict[str, FloatArray],
    factors: FloatArray,
    authority: Authority,
) -> Measures:
    net = flows["net"]
    pv = net * factors
    pv_benefits = float(flows["benefits"] @ factors)
    pv_costs = float(flows["costs"] @ factors)
    bcr = float(measures.benefit_cost_ratio(pv_benefits, pv_costs))
    simple = int(measures.payback_year(net))
    discounted = int(measures.payback_year(pv))
    t = cashflow.timing(inputs)
    start = float(t.benefits_start)
    one_off_kinds = (*cashflow.ONE_OFF_KINDS, "optimism_bias_one_off")
    one_off = float(sum(np.sum(flows[k]) for k in one_off_kinds))
    share = float(np.asarray(inputs.share))
    steady = float(cashflow.steady_state_saving(inputs))
    quick = bool(
        cashflow.quick_win(
            inputs, prepared.quick_win_months, prepared.quick_win_share, t.benefits_start
        )
    )
    released = prepared.fte * min(max(share, 0.0), 1.0)
    created = prepared.fte * prepared.trading_volume
    kept = (prepared.fte - released) * prepared.local_share + created
    return Measures(
        npv=float(net @ factors),
        pv_benefits=pv_benefits,
        pv_costs=pv_costs,
        bcr=None if math.isnan(bcr) else bcr,
        payback_year=None if simple < 0 else simple,
        payback_label=None if simple < 0 else year_label(authority, simple),
        discounted_payback_year=None if discounted < 0 else discounted,
        discounted_payback_label=None if discounted < 0 else year_label(authority, discounted),
        months_to_first_saving=start,
        months_to_full_saving=float(t.full_benefits),
        savings_first_12_months=float(cashflow.savings_within(inputs, 12.0)),
        quick_win=quick,
        steady_state_annual_saving=steady,
        funding_need=float(measures.funding_need(net)),
        one_off_cost=one_off,
        fte_released=released,
        fte_kept_in_borough=kept,
        fte_created_in_borough=created,
        non_cashable_annual=float(np.asarray(inputs.non_cashable)),
        non_cashable_pv=float(flows["non_cashable"] @ factors),
    )


def appraise_inputs(
    prepared: Prepared,
    inputs: FlowInputs,
    factors: FloatArray,
    authority: Authority,
    basis: str,
) -> Appraisal:
    """Yearly flows and measures for one set of model inputs."""
    n_years = len(factors)
    flows = cashflow.yearly(inputs, n_years)
    cum = np.cumsum(flows["net"])
    pv = flows["net"] * factors
    cum_pv = np.cumsum(pv)
    years = tuple(
        YearFlow(
            year=y,
            label=year_label(authority, y),
            costs={k: float(flows[k][y]) for k in COST_KINDS},
            total_cost=float(flows["costs"][y]),
            savings=float(flows["savings"][y]),
            trading_income=float(flows["trading_income"][y]),
            benefits=float(flows["benefits"][y]),
            net=float(flows["net"][y]),
            cumulative_net=float(cum[y]),
            discount_factor=float(factors[y]),
            present_value=float(pv[y]),
            cumulative_present_value=float(cum_pv[y]),
            non_cashable=float(flows["non_cashable"][y]),
            project_team_fte=prepared.team_fte * float(flows["team_months"][y]) / 12.0,
        )
        for y in range(n_years)
    )
    return Appraisal(
        basis=basis,
        years=years,
        measures=_measures(prepared, inputs, flows, factors, authority),
    )


def business_as_usual(authority: Authority, factors: FloatArray) -> Appraisal:
    """The comparator: carry on as now. No change in cost, so every flow and the NPV are zero."""
    zero_costs = dict.fromkeys(COST_KINDS, 0.0)
    years = tuple(
        YearFlow(
            year=y,
            label=year_label(authority, y),
            costs=dict(zero_costs),
            total_cost=0.0,
            savings=0.0,
            trading_income=0.0,
            benefits=0.0,
            net=0.0,
            cumulative_net=0.0,
            discount_factor=float(factors[y]),
            present_value=0.0,
            cumulative_present_value=0.0,
            non_cashable=0.0,
            project_team_fte=0.0,
        )
        for y in range(len(factors))
    )
    zero = Measures(
        npv=0.0,
        pv_benefits=0.0,
        pv_costs=0.0,
        bcr=None,
        payback_year=None,
        payback_label=None,
        discounted_payback_year=None,
        discounted_payback_label=None,
        months_to_first_saving=0.0,
        months_to_full_saving=0.0,
        savings_first_12_months=0.0,
        quick_win=False,
        steady_state_annual_saving=0.0,
        funding_need=0.0,
        one_off_cost=0.0,
        fte_released=0.0,
        fte_kept_in_borough=0.0,
        fte_created_in_borough=0.0,
        non_cashable_annual=0.0,
        non_cashable_pv=0.0,
    )
    return Appraisal(basis="business_as_usual", years=years, measures=zero)


def switching_values(prepared: Prepared, factors: FloatArray) -> tuple[SwitchingValue, ...]:
    """Saving, one-off cost and delay at which the adjusted NPV is zero.

    The NPV is linear in the saving share and in the one-off cost multiplier, so those two roots are
    exact from two evaluations; the delay root is found by Brent's method on the (monotone) NPV.
    """
    base = prepared.adjusted
    npv = float(cashflow.npv_fast(base, factors))
    out = []
    share = float(np.asarray(base.share))
    per_share = prepared.baseline * prepared.keep
    root = float(
        measures.linear_root(
            cashflow.npv_fast(base.replace(share=0.0), factors),
            cashflow.npv_fast(base.replace(share=1.0), factors),
        )
    )
    central_saving = share * per_share
    if math.isnan(root) or per_share == 0:
        out.append(
            SwitchingValue(
                input="annual_saving",
                unit="pounds a year at full run-rate",
                central=central_saving,
                switching_value=None,
                change=None,
                method="linear (exact)",
                note="the saving does not move the NPV",
            )
        )
    else:
        value = root * per_share
        out.append(
            SwitchingValue(
                input="annual_saving",
                unit="pounds a year at full run-rate",
                central=central_saving,
                switching_value=value,
                change=(value - central_saving) / central_saving if central_saving else None,
                method="linear (exact)",
                note=f"a saving share of {root:.2%} of gross cost"
                + (" (more than the whole cost: no saving can pay back)" if root > 1 else ""),
            )
        )
    mult = float(np.asarray(base.cost_multiplier))
    one_off = float(
        npv - cashflow.npv_fast(base.replace(cost_multiplier=0.0), factors)
    )  # minus PV of one-off costs
    m_root = float(
        measures.linear_root(
            cashflow.npv_fast(base.replace(cost_multiplier=0.0), factors),
            cashflow.npv_fast(base.replace(cost_multiplier=1.0), factors),
        )
    )
    flows = cashflow.yearly(base, len(factors))
    total = float(sum(np.sum(flows[k]) for k in (*cashflow.ONE_OFF_KINDS, "optimism_bias_one_off")))
    if math.isnan(m_root) or one_off == 0:
        out.append(
            SwitchingValue(
                input="one_off_cost",
                unit="pounds (optimism bias included)",
                central=total,
                switching_value=None,
                change=None,
                method="linear (exact)",
                note="there are no one-off costs",
            )
        )
    elif m_root < 0:
        out.append(
            SwitchingValue(
                input="one_off_cost",
                unit="pounds (optimism bias included)",
                central=total,
                switching_value=None,
                change=None,
                method="linear (exact)",
                note="the NPV stays negative even with no one-off cost",
            )
        )
    else:
        out.append(
            SwitchingValue(
                input="one_off_cost",
                unit="pounds (optimism bias included)",
                central=total,
                switching_value=total * m_root / mult if mult else None,
                change=m_root / mult - 1.0 if mult else None,
                method="linear (exact)",
                note="all one-off cost lines scaled together",
            )
        )
    out.extend(_trading_switch(prepared, factors))
    horizon_months = 12.0 * len(factors)
    delay0 = float(np.asarray(base.delay_months))

    def at(delay: float) -> float:
        return float(cashflow.npv_fast(base.replace(delay_months=delay), factors))

    if npv <= 0:
        out.append(
            SwitchingValue(
                input="delay",
                unit="months of delay before savings begin",
                central=delay0,
                switching_value=None,
                change=None,
                method="Brent's method",
                note="the NPV is not positive even without delay",
            )
        )
    elif at(delay0 + horizon_months) > 0:
        out.append(
            SwitchingValue(
                input="delay",
                unit="months of delay before savings begin",
                central=delay0,
                switching_value=None,
                change=None,
                method="Brent's method",
                note="no delay within the horizon makes the NPV zero",
            )
        )
    else:
        root_delay = float(brentq(at, delay0, delay0 + horizon_months, xtol=1e-9))
        out.append(
            SwitchingValue(
                input="delay",
                unit="months of delay before savings begin",
                central=delay0,
                switching_value=root_delay,
                change=root_delay - delay0,
                method="Brent's method",
            )
        )
    return tuple(out)


def _trading_switch(prepared: Prepared, factors: FloatArray) -> list[SwitchingValue]:
    """The annual trading income at which the adjusted NPV is zero (commercial trading only).

    The NPV is linear in the trading income, so two evaluations give the root exactly; it is also
    stated as the net margin that gives it at the central volume (and the volume at the central
    margin). No entry when the opportunity does not trade.
    """
    base = prepared.adjusted
    central = float(np.asarray(base.trading))
    _, volume, v_hi = prepared.trading_volume_range
    _, margin, m_hi = prepared.trading_margin_range
    if v_hi * m_hi <= 0:
        return []
    unit = "pounds a year at full run-rate"
    without = float(cashflow.npv_fast(base.replace(trading=0.0), factors))
    if central <= 0:
        return [
            SwitchingValue(
                input="trading_income",
                unit=unit,
                central=central,
                switching_value=None,
                change=None,
                method="linear (exact)",
                note="no trading income in the central case",
            )
        ]
    root = float(
        measures.linear_root(without, cashflow.npv_fast(base.replace(trading=central), factors))
    )
    if math.isnan(root):
        note = "the trading income does not move the NPV"
        value = None
    elif root < 0:
        note = "the NPV stays positive with no trading income at all"
        value = None
    else:
        value = root * central
        note = (
            f"a net margin of {root * margin:.2%} at the central volume, or a volume of "
            f"{root * volume:.2%} of our own at the central margin"
        )
    return [
        SwitchingValue(
            input="trading_income",
            unit=unit,
            central=central,
            switching_value=value,
            change=None if value is None else value / central - 1.0,
            method="linear (exact)",
            note=note,
        )
    ]


def tornado(prepared: Prepared, factors: FloatArray) -> tuple[TornadoBar, ...]:
    """Adjusted NPV at each input's low and high, the others central; widest swing first.

    Each bar names the input, its low and high, and the model input it moves: the saving share,
    the one-off cost multiplier, the delay, the ramp, for commercial trading the buyers' volume and
    the net margin (each moving the trading income ``baseline x volume x margin``), and with a
    private partner its share of the gain.
    """
    base = prepared.adjusted
    low, _, high = prepared.shares
    c_lo, _, c_hi = prepared.cost_range
    d_lo, _, d_hi = prepared.delay_range
    ramp = float(np.asarray(base.ramp_months))
    # (input, unit, low, high, model field, field value at low, field value at high)
    specs: list[tuple[str, str, float, float, str, float, float]] = [
        ("saving_share", "share of gross cost", low, high, "share", low, high),
        ("one_off_cost_multiplier", "multiplier", c_lo, c_hi, "cost_multiplier", c_lo, c_hi),
        ("delay_months", "months", d_lo, d_hi, "delay_months", d_lo, d_hi),
        ("ramp_months", "months", ramp * 0.5, ramp * 2.0, "ramp_months", ramp * 0.5, ramp * 2.0),
    ]
    v_lo, v_mid, v_hi = prepared.trading_volume_range
    m_lo, m_mid, m_hi = prepared.trading_margin_range
    if v_hi * m_hi > 0:
        income = prepared.baseline
        specs.append(
            (
                "trading_volume",
                "share of own volume (all buyers)",
                v_lo,
                v_hi,
                "trading",
                income * v_lo * m_mid,
                income * v_hi * m_mid,
            )
        )
        specs.append(
            (
                "trading_margin",
                "share of trading turnover (net margin)",
                m_lo,
                m_hi,
                "trading",
                income * v_mid * m_lo,
                income * v_mid * m_hi,
            )
        )
    if prepared.private:
        gain = 1.0 - prepared.keep
        g_lo, g_hi = max(0.0, gain - 0.2), min(1.0, gain + 0.2)
        specs.append(
            ("private_partner_gain_share", "share", g_lo, g_hi, "keep", 1 - g_lo, 1 - g_hi)
        )
    bars = []
    for name, unit, lo, hi, field, at_lo, at_hi in specs:
        n_lo = float(cashflow.npv_fast(base.replace(**{field: at_lo}), factors))
        n_hi = float(cashflow.npv_fast(base.replace(**{field: at_hi}), factors))
        bars.append(
            TornadoBar(
                input=name,
                unit=unit,
                low=lo,
                high=hi,
                npv_at_low=n_lo,
                npv_at_high=n_hi,
                swing=abs(n_hi - n_lo),
            )
        )
    bars.sort(key=lambda b: -b.swing)
    return tuple(bars)


def monte_carlo(
    prepared: Prepared,
    factors: FloatArray,
    draws: int,
    seed: int,
    distribution: Distribution,
) -> MonteCarloSummary:
    sim = simulate_npv(
        _vector(prepared.adjusted),
        prepared.ranges,
        factors,
        draws,
        seed,
        distribution,
        quick_win_months=prepared.quick_win_months,
        quick_win_share=prepared.quick_win_share,
    )
    p10, p50, p90 = (float(v[0]) for v in sim.percentiles())
    return MonteCarloSummary(
        draws=draws,
        seed=seed,
        distribution=distribution,
        basis="optimism_bias_adjusted",
        correlation=prepared.ranges.correlation,
        mean=float(np.mean(sim.npv)),
        p10=p10,
        p50=p50,
        p90=p90,
        prob_npv_positive=float(sim.prob_positive()[0]),
        prob_quick_win=float(sim.prob_quick_win()[0]),
    )


def _vector(inputs: FlowInputs) -> FlowInputs:
    """The same inputs as one-entry arrays (the Monte Carlo works on a vector of opportunities)."""
    return FlowInputs(
        **{
            name: np.atleast_1d(np.asarray(getattr(inputs, name), dtype=np.float64))
            for name in FlowInputs.__dataclass_fields__
        }
    )


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
    prepared: list[tuple[Prepared, AssumptionBook]] = []
    for opportunity in opportunities:
        book = AssumptionBook(evidence, authority.appraisal_date, scenario.parameters)
        try:
            prepared.append((prepare(scenario, opportunity, book), book))
        except InputError as exc:
            problems.extend(p for p in exc.problems if p not in problems)
    raise_if_any(problems)

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
    cases = []
    for item, book in prepared:
        book.get(f"discount.schedule.{schedule}")
        cases.append(_assemble(scenario, item, book, factors, schedule, n_draws, dist))
    return tuple(cases)


def _assemble(
    scenario: Scenario,
    prepared: Prepared,
    book: AssumptionBook,
    factors: FloatArray,
    schedule: str,
    n_draws: int,
    distribution: Distribution,
) -> BusinessCase:
    authority = scenario.authority
    opportunity = prepared.opportunity
    adjusted = appraise_inputs(
        prepared, prepared.adjusted, factors, authority, "optimism_bias_adjusted"
    )
    unadjusted = appraise_inputs(prepared, prepared.unadjusted, factors, authority, "unadjusted")
    mc = (
        monte_carlo(prepared, factors, n_draws, authority.random_seed, distribution)
        if n_draws > 0
        else None
    )
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
    low, central, high = prepared.shares
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
        saving_share=UncertainRange(low=low, central=central, high=high),
        cost_multiplier=UncertainRange(
            low=prepared.cost_range[0], central=prepared.cost_range[1], high=prepared.cost_range[2]
        ),
        delay_months=UncertainRange(
            low=prepared.delay_range[0],
            central=prepared.delay_range[1],
            high=prepared.delay_range[2],
        ),
        trading_volume=UncertainRange(
            low=prepared.trading_volume_range[0],
            central=prepared.trading_volume_range[1],
            high=prepared.trading_volume_range[2],
        ),
        trading_margin=UncertainRange(
            low=prepared.trading_margin_range[0],
            central=prepared.trading_margin_range[1],
            high=prepared.trading_margin_range[2],
        ),
        keep_share=prepared.keep,
        platform_overlap=prepared.platform_overlap,
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
