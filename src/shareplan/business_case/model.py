"""The business case as data: frozen pydantic models that carry their intermediate values.

``BusinessCase.to_json()`` is what results.json holds under ``business_case`` (with ``procurement``
and ``risks`` beside it); every figure is in pounds at the scenario's price base year, real prices.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from shareplan.assessment.assess import DeliveryFacts
from shareplan.business_case.assumptions import Assumption
from shareplan.business_case.procurement import Procurement
from shareplan.business_case.risks import RiskRegister


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class YearFlow(Frozen):
    """One year of the cash flow. ``costs`` by kind; ``net = benefits - total_cost``."""

    year: int
    label: str
    costs: dict[str, float]
    total_cost: float
    savings: float
    trading_income: float
    benefits: float
    net: float
    cumulative_net: float
    discount_factor: float
    present_value: float
    cumulative_present_value: float
    non_cashable: float
    project_team_fte: float


class Measures(Frozen):
    """The appraisal measures of one set of flows (see ``measures.py`` for definitions)."""

    npv: float
    pv_benefits: float
    pv_costs: float
    bcr: float | None
    payback_year: int | None
    payback_label: str | None
    discounted_payback_year: int | None
    discounted_payback_label: str | None
    months_to_first_saving: float
    months_to_full_saving: float
    savings_first_12_months: float
    quick_win: bool
    months_to_quick_win_saving: float | None = None
    steady_state_annual_saving: float
    funding_need: float
    one_off_cost: float
    fte_released: float
    fte_kept_in_borough: float
    fte_created_in_borough: float
    fte_transferred: float = 0.0
    """Posts that stay but transfer to the partner that does the work (TUPE), where the partners
    do it (``assessment.within_borough.host``): they are not counted as kept in the borough by the
    council, yet a service delivered at places in the borough (leisure centres) is still worked
    there."""
    non_cashable_annual: float
    non_cashable_pv: float


class Appraisal(Frozen):
    """Yearly flows and their measures, on one basis."""

    basis: Literal["unadjusted", "optimism_bias_adjusted", "business_as_usual"]
    years: tuple[YearFlow, ...]
    measures: Measures


class CategoryUplift(Frozen):
    """The optimism-bias uplift of one category of one-off cost.

    ``project_type`` is the guidance's project type the category maps to (empty: none, so no
    uplift); ``uplift = upper * (1 - mitigated)``.
    """

    category: str
    cost_line: str
    project_type: str
    upper: float
    mitigated: float
    uplift: float


class OptimismBias(Frozen):
    """The optimism-bias uplifts applied, after mitigation.

    One-off costs take an uplift by cost category (``one_off``); durations and the operating cost of
    an outsourcing contract take the bound of the model's project type. A fixed-price contract
    mitigates the whole operating uplift (the contractor bears the price risk).
    """

    one_off: tuple[CategoryUplift, ...]
    one_off_mitigated: float
    duration_type: str
    duration_upper: float
    duration_mitigated: float
    duration_uplift: float
    operating_type: str
    operating_upper: float
    operating_mitigated: float
    operating_uplift: float
    fixed_price_contract: bool

    def uplift_of(self, cost_line: str) -> float:
        """The uplift on one cash-flow line (0 when no category maps to it)."""
        return next((c.uplift for c in self.one_off if c.cost_line == cost_line), 0.0)


#: The Green Book convention every switching value follows.
SWITCHING_CONVENTION = (
    "Green Book: each switching value moves one input alone, every other input (costs included) "
    "held at its central value"
)


class SwitchingValue(Frozen):
    """The value an input must take for the (adjusted) NPV to be zero, solved exactly, holding
    every other input at its central value (``convention``). ``switching_value`` is ``None`` when
    no value inside the input's meaningful range brings the NPV to zero; ``note`` then says why in
    a sentence."""

    input: str
    unit: str
    central: float
    switching_value: float | None
    change: float | None
    method: str
    note: str = ""
    convention: str = SWITCHING_CONVENTION


class TornadoBar(Frozen):
    input: str
    unit: str
    low: float
    high: float
    npv_at_low: float
    npv_at_high: float
    swing: float


class MonteCarloSummary(Frozen):
    """The risk analysis on the headline's own basis: ``headline`` is the adjusted NPV, ``mean``
    the expected value, and ``gap_explanation`` says in one sentence why P50 differs from the
    headline; ``treatment`` names how optimism bias and the drawn ranges share the risk."""

    draws: int
    seed: int
    distribution: str
    basis: str
    correlation: float
    mean: float
    p10: float
    p50: float
    p90: float
    prob_npv_positive: float
    prob_quick_win: float
    headline: float | None = None
    gap_explanation: str = ""
    treatment: str = ""


class Timeline(Frozen):
    """Months from the start of the proposal (month 0: the start of first_year), for a Gantt chart (optimism-bias adjusted)."""

    procurement_start_month: float
    procurement_end_month: float
    implementation_start_month: float
    implementation_end_month: float
    benefits_start_month: float
    full_benefits_month: float
    ramp_months: float


class UncertainRange(Frozen):
    """Low, central and high of one uncertain input (for the Monte Carlo and the tornado)."""

    low: float
    central: float
    high: float


def general_fund_share(npv: float, ring_fenced_share: float) -> float:
    """The part of ``npv`` the general fund bears and can cash: the ring-fenced grant keeps its
    share of the costs and of the benefits alike, so the rest scales pro rata."""
    return npv * (1.0 - ring_fenced_share)


class BusinessCase(Frozen):
    """The business case of one opportunity, with a business-as-usual comparator beside it.

    ``trading_volume`` is the work all the buyers are expected to buy together, as a share of the
    services' gross cost (each buyer scaled by its size, on the part the council delivers itself,
    ``delivered_share``, and at its chance of being won where it must advertise), and
    ``trading_margin`` the net margin on it (commercial trading; zeros for other models); trading
    income is ``baseline_annual_cost x volume x margin``. They are ``None`` only in results written
    before trading income was uncertain (then it is fixed at ``model_inputs["trading"]``).

    ``ring_fenced_share`` is the share of the services' cost paid from ring-fenced grants: that
    share of the saving and of any trading income stays with the grant, so it is not cashable for
    the general fund: ``general_fund_saving`` is the steady-state annual saving and trading income
    the general fund can cash (``general_fund_note`` says so in words; empty when nothing is
    ring-fenced). ``general_fund_npv`` is the general fund's share of the adjusted NPV: it bears
    its share of the costs and of the benefits pro rata, so it is ``npv x (1 - ring_fenced_share)``
    (``None`` only in results written before it; :attr:`npv_to_general_fund` works it out then).
    The NPV itself stays the whole public-sector value, as the Green Book counts it.
    """

    opportunity_id: str
    title: str
    model: str
    service_ids: tuple[str, ...]
    partner_ids: tuple[str, ...]
    members: int
    price_base_year: int
    first_year: int
    horizon_years: int
    discount_schedule: str
    baseline_annual_cost: float
    fte: float
    saving_share: UncertainRange
    cost_multiplier: UncertainRange
    delay_months: UncertainRange
    trading_volume: UncertainRange | None = None
    trading_margin: UncertainRange | None = None
    keep_share: float
    platform_overlap: float
    delivered_share: float = 1.0
    ring_fenced_share: float = 0.0
    general_fund_saving: float | None = None
    general_fund_note: str = ""
    general_fund_npv: float | None = None
    adjusted: Appraisal
    unadjusted: Appraisal
    business_as_usual: Appraisal
    optimism_bias: OptimismBias
    timeline: Timeline
    switching_values: tuple[SwitchingValue, ...]
    tornado: tuple[TornadoBar, ...]
    monte_carlo: MonteCarloSummary | None
    procurement: Procurement
    risks: RiskRegister
    assumptions: tuple[Assumption, ...]
    model_inputs: dict[str, float]

    @property
    def measures(self) -> Measures:
        """The headline (optimism-bias adjusted) measures."""
        return self.adjusted.measures

    @property
    def npv_to_general_fund(self) -> float:
        """The general fund's share of the adjusted NPV (``general_fund_npv``, or worked out from
        the NPV and the ring-fenced share for results written before it was recorded)."""
        if self.general_fund_npv is not None:
            return self.general_fund_npv
        return general_fund_share(self.adjusted.measures.npv, self.ring_fenced_share)

    def one_off_cost_by_year(self) -> tuple[float, ...]:
        """One-off costs (adjusted, optimism bias included) in each year, year 0 first."""
        one_off = ("project_team", "procurement_legal", "ict_integration", "redundancy_pension")
        return tuple(
            sum(y.costs[k] for k in one_off) + y.costs["optimism_bias_one_off"]
            for y in self.adjusted.years
        )

    def fte_by_year(self) -> tuple[float, ...]:
        """Project-team FTE the authority supplies in each year, year 0 first."""
        return tuple(y.project_team_fte for y in self.adjusted.years)

    def net_by_year(self) -> tuple[float, ...]:
        return tuple(y.net for y in self.adjusted.years)

    def programme_inputs(self) -> dict[str, Any]:
        """The fields of ``shareplan.programme.candidates.Candidate`` the business case supplies.

        The proposal's first year (the first row of the cash flows) is programme year 1; months
        are rounded to whole months.
        """
        m = self.adjusted.measures
        t = self.timeline
        return {
            "one_off_cost": m.one_off_cost,
            "npv": m.npv,
            "general_fund_npv": self.npv_to_general_fund,
            "savings_12m": m.savings_first_12_months,
            "quick_win": m.quick_win,
            "one_off_cost_by_year": self.one_off_cost_by_year(),
            "fte_by_year": self.fte_by_year(),
            "prob_positive_npv": None
            if self.monte_carlo is None
            else self.monte_carlo.prob_npv_positive,
            "needs_tender": self.procurement.needs_tender,
            "net_by_year": self.net_by_year(),
            "procurement_start_month": round(t.procurement_start_month),
            "procurement_end_month": round(t.procurement_end_month),
            "implementation_start_month": round(t.implementation_start_month),
            "implementation_end_month": round(t.implementation_end_month),
            "benefits_start_month": round(t.benefits_start_month),
        }

    def delivery_facts(self) -> DeliveryFacts:
        """What the assessment's criteria need from the business case (quick win, business case,
        legal and procurement clarity)."""
        m = self.adjusted.measures
        return DeliveryFacts(
            months_to_first_saving=m.months_to_first_saving,
            months_to_quick_win_saving=m.months_to_quick_win_saving
            if m.months_to_quick_win_saving is not None
            else math.inf,
            npv=m.npv,
            bcr=m.bcr if m.bcr is not None and m.bcr >= 0 else None,
            legal_clear=not self.procurement.legal_advice,
            note=self.procurement.wording,
        )

    def to_json(self) -> dict[str, Any]:
        """JSON-ready dump (dates as ISO text, enums as values, NaN never appears)."""
        return self.model_dump(mode="json")


def share_assumptions(cases: Sequence[BusinessCase]) -> list[BusinessCase]:
    """The same cases with every assumption that is equal in all its fields held once.

    Each case lists the 50-odd figures it used, and at county scale 15,000 cases built in worker
    processes arrive with their own copies of the same records: about a quarter of the business
    cases' memory. Equal records are interchangeable (they are frozen), so each case keeps its
    list, in its order, of shared records."""
    seen: dict[tuple[object, ...], Assumption] = {}
    out = []
    for case in cases:
        shared = tuple(seen.setdefault(_identity(a), a) for a in case.assumptions)
        out.append(case.model_copy(update={"assumptions": shared}))
    return out


def _identity(a: Assumption) -> tuple[object, ...]:
    # repr: a value may be a table (a dict or a list), which cannot be a key itself
    return (
        a.key,
        a.description,
        a.unit,
        repr(a.value),
        a.origin,
        a.source,
        a.confidence,
        a.valid_from,
        a.note,
    )
