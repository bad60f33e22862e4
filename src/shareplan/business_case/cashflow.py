"""The cash-flow model of one shared-service opportunity: pure, vectorised, in months then years.

Every input is a number or an array; arrays broadcast against each other, so the same function
builds one opportunity's flows, a thousand opportunities' flows, or a thousand opportunities x ten
thousand Monte Carlo draws. The year axis is always last.

The timeline, in months from the start of the proposal (month 0 is the start of the scenario's
``first_year``: 1 April in financial years. It is not the date of approval, and not year 0 of the
discounting, which is the year of the appraisal date):

* procurement (or negotiation of the agreement) runs from 0 to ``P = p * (1 + u_d)``;
* implementation runs from ``P`` to ``S = P + i * (1 + u_d) + delay`` (``u_d``: the optimism-bias
  duration uplift; ``delay``: a Monte Carlo slippage);
* savings begin at ``S`` and ramp up linearly to the full run-rate at ``S + R``.

Money, all real pounds a year at full run-rate unless said:

* savings to the authority: ``baseline * share * keep`` a year (``keep``: share of the gain not kept
  by a private partner), times the ramp;
* trading income (commercial trading), times the same ramp; non-cashable gains, the same ramp, are
  reported beside the cash and never enter the net;
* one-off costs, each multiplied by ``cost_multiplier`` (1 in the central case): the project team,
  paid for the unstretched months ``p + i + delay`` at its monthly cost and spread evenly over the
  (stretched) window ``[0, S]``; legal and procurement cost spread evenly over ``[0, P]``; ICT
  integration spread over ``[P, S]``; redundancy and pension strain ``exit_cost_full * share`` booked
  as staff leave, i.e. in step with the ramp;
* optimism bias, one-off: each one-off line times its own uplift (``team_uplift``,
  ``procurement_uplift``, ``ict_uplift``, ``exit_uplift``: the bound of the project type its cost
  category maps to, or 0), shown as one line;
* optimism bias, operating (an outsourcing contract): ``u_o`` times the saving the contract
  promises, in step with it: the price risk falls on the difference between the contract and the
  in-house cost it replaces, because both carry the same running-cost pressures.

The duration uplift ``u_d`` moves *when* things happen; it never adds cost. The one-off uplifts are
applied to the unstretched one-off cost, because the capital-cost bound was measured on outturn
cost and so already includes what the overruns cost (docs/business-case.md explains why). Savings
never begin before procurement ends, whatever the (re-centred, possibly negative) drawn delay.

A cost spread over a window of zero length falls in the year that contains the window's start.
Each line is first built as a cumulative amount at the year boundaries (months 0, 12, ..., 12T); the
yearly amounts are the differences. That makes every yearly figure exact (no monthly loop) and lets
the Monte Carlo reduce to NPV with one matrix-vector product per line.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
Number = float | FloatArray

#: Cost lines, in the order shown in a cash-flow table.
COST_KINDS: tuple[str, ...] = (
    "project_team",
    "procurement_legal",
    "ict_integration",
    "redundancy_pension",
    "optimism_bias_one_off",
    "optimism_bias_operating",
)
#: One-off cost lines (the base of the one-off optimism-bias uplift).
ONE_OFF_KINDS: tuple[str, ...] = COST_KINDS[:4]
#: Cashable benefit lines.
BENEFIT_KINDS: tuple[str, ...] = ("savings", "trading_income")

#: Months below which a ramp or a window is a step or a lump (avoids dividing by ~0).
STEP = 1e-6


@dataclass(frozen=True, slots=True)
class FlowInputs:
    """The inputs of the cash-flow model (see the module docstring); arrays broadcast."""

    baseline: Number
    share: Number
    keep: Number
    trading: Number
    non_cashable: Number
    procurement_months: Number
    implementation_months: Number
    ramp_months: Number
    team_cost_per_month: Number
    procurement_cost: Number
    ict_cost: Number
    exit_cost_full: Number
    delay_months: Number = 0.0
    cost_multiplier: Number = 1.0
    team_uplift: Number = 0.0
    procurement_uplift: Number = 0.0
    ict_uplift: Number = 0.0
    exit_uplift: Number = 0.0
    duration_uplift: Number = 0.0
    operating_uplift: Number = 0.0

    def replace(self, **changes: Number) -> FlowInputs:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(changes)
        return FlowInputs(**values)


@dataclass(frozen=True, slots=True)
class Timing:
    """Months from the start of the proposal (month 0): end of procurement, start of savings, full run-rate."""

    procurement_end: FloatArray
    benefits_start: FloatArray
    full_benefits: FloatArray


def _arr(x: Number) -> FloatArray:
    return np.asarray(x, dtype=np.float64)


def timing(inputs: FlowInputs) -> Timing:
    """When procurement ends, savings begin and savings reach full run-rate (months)."""
    stretch = 1.0 + _arr(inputs.duration_uplift)
    procurement_end = _arr(inputs.procurement_months) * stretch
    start = procurement_end + _arr(inputs.implementation_months) * stretch
    start = np.maximum(start + _arr(inputs.delay_months), procurement_end)
    return Timing(procurement_end, start, start + _arr(inputs.ramp_months))


def team_cost_share(inputs: FlowInputs, start: FloatArray) -> FloatArray:
    """Share of the team's window ``[0, S]`` that is paid for: ``(p + i + delay) / S``.

    1 without a duration uplift; ``1 / (1 + u_d)`` with one and no delay. A window shorter than
    :data:`STEP` months costs nothing, so its share is 1.
    """
    worked = np.maximum(
        _arr(inputs.procurement_months)
        + _arr(inputs.implementation_months)
        + _arr(inputs.delay_months),
        0.0,
    )
    result: FloatArray = np.where(start >= STEP, worked / np.maximum(start, STEP), 1.0)
    return result


def boundaries(n_years: int) -> FloatArray:
    """Year boundaries in months: 0, 12, ..., 12 * n_years."""
    return 12.0 * np.arange(n_years + 1, dtype=np.float64)


def ramp_integral(months: FloatArray, start: FloatArray, ramp: FloatArray) -> FloatArray:
    """Months of full-rate saving delivered by month ``months``: the integral of the ramp.

    The ramp is 0 before ``start``, rises linearly to 1 at ``start + ramp`` and stays at 1, so the
    integral is ``y**2 / (2 * ramp) + max(x - ramp, 0)`` with ``x = months - start`` and
    ``y = clip(x, 0, ramp)``. A ramp shorter than :data:`STEP` months is a step: ``max(x, 0)``.
    """
    x = months - start
    r = np.maximum(ramp, STEP)
    y = np.clip(x, 0.0, r)
    ramped = y * y / (2.0 * r) + np.maximum(x - r, 0.0)
    result: FloatArray = np.where(ramp >= STEP, ramped, np.maximum(x, 0.0))
    return result


def ramp_level(months: FloatArray, start: FloatArray, ramp: FloatArray) -> FloatArray:
    """Share of the full run-rate reached at ``months`` (0 up to ``start``, 1 after the ramp)."""
    return window_share(months, start, start + ramp)


def window_share(months: FloatArray, begin: FloatArray, end: FloatArray) -> FloatArray:
    """Share of an amount spread evenly over ``[begin, end]`` that is spent by ``months``.

    A window shorter than :data:`STEP` months is a lump at ``begin``, counted once ``months`` is past
    it, so it falls in the year that contains ``begin``.
    """
    width = end - begin
    spread = np.clip((months - begin) / np.maximum(width, STEP), 0.0, 1.0)
    result: FloatArray = np.where(width >= STEP, spread, (months > begin).astype(np.float64))
    return result


def _total(arrays: Iterable[FloatArray]) -> FloatArray:
    """Sum of arrays that broadcast against each other."""
    result: FloatArray = functools.reduce(np.add, arrays)
    return result


def cumulative(inputs: FlowInputs, n_years: int) -> dict[str, FloatArray]:
    """Each line's cumulative amount at the year boundaries, shape ``(..., n_years + 1)``.

    Lines: the benefit and cost kinds, ``non_cashable`` and ``team_months`` (months the project
    team has worked; multiply by its FTE for FTE-years x 12).
    """
    return cumulative_at(inputs, boundaries(n_years))


def cumulative_at(inputs: FlowInputs, months: FloatArray) -> dict[str, FloatArray]:
    """Each line of :func:`cumulative` at any months from the proposal's start (a 1-D increasing array),
    shape ``(..., len(months))``: benefits tracking reads the plan by month or quarter."""
    m = np.asarray(months, dtype=np.float64)
    t = timing(inputs)
    start = t.benefits_start[..., None]
    proc_end = t.procurement_end[..., None]
    ramp = _arr(inputs.ramp_months)[..., None]

    ramped = ramp_integral(m, start, ramp) / 12.0  # years of full-rate saving delivered
    level = ramp_level(m, start, ramp)
    share = _arr(inputs.share)
    keep = _arr(inputs.keep)
    mult = _arr(inputs.cost_multiplier)[..., None]

    out: dict[str, FloatArray] = {}
    out["savings"] = (_arr(inputs.baseline) * share * keep)[..., None] * ramped
    out["trading_income"] = _arr(inputs.trading)[..., None] * ramped
    out["non_cashable"] = _arr(inputs.non_cashable)[..., None] * ramped
    team_months = np.minimum(m, start)
    out["team_months"] = team_months
    team_rate = _arr(inputs.team_cost_per_month) * team_cost_share(inputs, t.benefits_start)
    out["project_team"] = mult * team_rate[..., None] * team_months
    out["procurement_legal"] = (
        mult * _arr(inputs.procurement_cost)[..., None] * window_share(m, np.zeros(1), proc_end)
    )
    out["ict_integration"] = (
        mult * _arr(inputs.ict_cost)[..., None] * window_share(m, proc_end, start)
    )
    out["redundancy_pension"] = mult * (_arr(inputs.exit_cost_full) * share)[..., None] * level
    out["optimism_bias_one_off"] = _total(
        _arr(uplift)[..., None] * out[kind] for kind, uplift in one_off_uplifts(inputs)
    )
    out["optimism_bias_operating"] = _arr(inputs.operating_uplift)[..., None] * out["savings"]
    return out


def one_off_uplifts(inputs: FlowInputs) -> tuple[tuple[str, Number], ...]:
    """Each one-off cost line with its optimism-bias uplift."""
    return (
        ("project_team", inputs.team_uplift),
        ("procurement_legal", inputs.procurement_uplift),
        ("ict_integration", inputs.ict_uplift),
        ("redundancy_pension", inputs.exit_uplift),
    )


def yearly(inputs: FlowInputs, n_years: int) -> dict[str, FloatArray]:
    """Each line's amount in each year ``0 .. n_years - 1``, shape ``(..., n_years)``, plus
    ``costs``, ``benefits`` and ``net`` (benefits less costs; non-cashable gains excluded)."""
    flows = {k: np.diff(v, axis=-1) for k, v in cumulative(inputs, n_years).items()}
    flows["costs"] = _total(flows[k] for k in COST_KINDS)
    flows["benefits"] = _total(flows[k] for k in BENEFIT_KINDS)
    flows["net"] = flows["benefits"] - flows["costs"]
    return flows


def savings_within(
    inputs: FlowInputs, months: float = 12.0, start: FloatArray | None = None
) -> FloatArray:
    """Cashable savings and trading income delivered in the first ``months`` after approval.

    ``start`` is the month savings begin, if already known (``timing(inputs).benefits_start``).
    """
    if start is None:
        start = timing(inputs).benefits_start
    done = ramp_integral(np.asarray(months), start, _arr(inputs.ramp_months)) / 12.0
    annual = _arr(inputs.baseline) * _arr(inputs.share) * _arr(inputs.keep) + _arr(inputs.trading)
    result: FloatArray = annual * done
    return result


def steady_state_saving(inputs: FlowInputs) -> FloatArray:
    """The annual saving at full run-rate: savings (less the operating optimism bias on an
    outsourcing contract's promised saving) plus trading income."""
    savings = _arr(inputs.baseline) * _arr(inputs.share) * _arr(inputs.keep)
    result: FloatArray = savings * (1.0 - _arr(inputs.operating_uplift)) + _arr(inputs.trading)
    return result


def months_to_quick_win_saving(inputs: FlowInputs, min_share: float) -> FloatArray:
    """The month by which the savings and trading income delivered reach ``min_share`` of the
    steady-state annual saving (``inf`` when that saving is not positive).

    Delivered by month ``S + x`` is ``annual * I(x) / 12`` with the ramp integral ``I(x) = x**2 /
    (2R)`` up to ``R`` and ``R / 2 + (x - R)`` after, so the month is ``S + sqrt(2 R T)`` when the
    target ``T = 12 * min_share * steady / annual`` months at full rate is at most ``R / 2``, else
    ``S + T + R / 2``.
    """
    start = timing(inputs).benefits_start
    ramp = np.maximum(_arr(inputs.ramp_months), 0.0)
    annual = _arr(inputs.baseline) * _arr(inputs.share) * _arr(inputs.keep) + _arr(inputs.trading)
    steady = steady_state_saving(inputs)
    with np.errstate(divide="ignore", invalid="ignore"):
        target = np.where(annual > 0, 12.0 * min_share * steady / annual, np.inf)
    target = np.maximum(target, 0.0)
    x = np.where(target <= ramp / 2.0, np.sqrt(2.0 * ramp * target), target + ramp / 2.0)
    result: FloatArray = np.where(steady > 0, start + x, np.inf)
    return result


def quick_win(
    inputs: FlowInputs,
    months: float = 12.0,
    min_share: float = 0.0,
    start: FloatArray | None = None,
) -> npt.NDArray[np.bool_]:
    """Whether an opportunity is a quick win: savings begin before ``months`` and the savings
    delivered by then are at least ``min_share`` of the steady-state annual saving (which must be
    positive unless ``min_share`` is 0, when beginning in time is enough).

    The seed: "achieve savings and benefits within 12 months". The Monte Carlo applies the same
    rule to every draw.
    """
    if start is None:
        start = timing(inputs).benefits_start
    within = savings_within(inputs, months, start)
    steady = steady_state_saving(inputs)
    material = (within >= min_share * steady) & ((steady > 0) | (min_share <= 0))
    result: npt.NDArray[np.bool_] = (start < months) & material
    return result


class Suffix:
    """Suffix sums over the year boundaries ``m_k = 12k`` of ``w``, ``w m`` and ``w m**2``.

    ``H1(a) = sum_k w_k max(m_k - a, 0)`` and ``H2(a) = sum_k w_k max(m_k - a, 0)**2`` need only the
    terms with ``m_k > a``, i.e. ``k >= j(a) = floor(a / 12) + 1``, so each is a look-up in these
    sums: ``H1 = S1[j] - a S0[j]``, ``H2 = S2[j] - 2a S1[j] + a**2 S0[j]``; ``STEP(a) = S0[j]``
    is ``sum_k w_k [m_k > a]``.
    """

    def __init__(self, w: FloatArray) -> None:
        m = boundaries(len(w) - 1)
        zero = np.zeros(1)
        self.last = len(w)
        self.s0 = np.concatenate((np.cumsum(w[::-1])[::-1], zero))
        self.s1 = np.concatenate((np.cumsum((w * m)[::-1])[::-1], zero))
        self.s2 = np.concatenate((np.cumsum((w * m * m)[::-1])[::-1], zero))

    def index(self, a: FloatArray) -> npt.NDArray[np.intp]:
        """``j(a)``, for ``a >= 0`` (months from the proposal's start are never negative)."""
        j = (np.asarray(a) * (1.0 / 12.0)).astype(np.intp)
        j += 1
        result: npt.NDArray[np.intp] = np.minimum(j, self.last)
        return result

    def h1_h2(self, a: FloatArray, j: npt.NDArray[np.intp]) -> tuple[FloatArray, FloatArray]:
        s0 = np.take(self.s0, j)
        s1 = np.take(self.s1, j)
        h1 = s1 - a * s0
        h2 = np.take(self.s2, j) - a * (s1 + h1)
        return h1, h2

    def h1(self, a: FloatArray, j: npt.NDArray[np.intp]) -> FloatArray:
        result: FloatArray = np.take(self.s1, j) - a * np.take(self.s0, j)
        return result


def npv_fast(inputs: FlowInputs, factors: FloatArray) -> FloatArray:
    """The NPV of :func:`yearly`'s net, in closed form: O(1) work per opportunity, not O(years).

    Summation by parts turns ``sum_t DF_t (C(t+1) - C(t))`` into ``sum_k w_k C(k)`` with
    ``w_k = DF_{k-1} - DF_k`` (``DF_{-1} = DF_T = 0``). Every cumulative line ``C`` is built from
    ``max(m - a, 0)`` and its square at a few break points ``a`` (the start of savings, the end of
    the ramp, the end of procurement), whose weighted sums over the boundaries are look-ups in
    suffix sums (:class:`Suffix`). Equal to ``yearly(...)["net"] @ factors`` up to rounding; the
    tests check it. This is what makes 2,000 opportunities x 10,000 draws take seconds.
    """
    return npv_and_start(inputs, factors)[0]


def npv_variants(
    base: FlowInputs, variants: Sequence[Mapping[str, float]], factors: FloatArray
) -> list[float]:
    """The NPV of ``base`` with each variant's inputs changed (the rest as ``base``), in one
    vectorised call. Switching values and the tornado ask for a dozen such NPVs of one
    opportunity; one call on a dozen-entry vector does the same arithmetic element by element,
    so each figure equals ``npv_fast(base.replace(**variant))`` exactly, at a tenth of the cost
    of a dozen calls on single numbers."""
    if not variants:
        return []
    changed = sorted({name for variant in variants for name in variant})
    columns: dict[str, Number] = {
        name: np.array(
            [
                float(v[name]) if name in v else float(np.asarray(getattr(base, name)))
                for v in variants
            ]
        )
        for name in changed
    }
    npv = np.broadcast_to(npv_fast(base.replace(**columns), factors), (len(variants),))
    return [float(x) for x in npv]


def npv_and_start(inputs: FlowInputs, factors: FloatArray) -> tuple[FloatArray, FloatArray]:
    """:func:`npv_fast` and the month savings begin (the Monte Carlo needs both)."""
    sums = Suffix(np.concatenate(([0.0], factors)) - np.concatenate((factors, [0.0])))
    t = timing(inputs)
    start = t.benefits_start
    proc_end = t.procurement_end  # never drawn: one entry per opportunity
    ramp = _arr(inputs.ramp_months)
    sloped = ramp >= STEP
    safe_ramp = np.maximum(ramp, STEP)
    full = start + safe_ramp
    j_start = sums.index(start)
    j_full = sums.index(full)
    h1_start, h2_start = sums.h1_h2(start, j_start)
    h1_full, h2_full = sums.h1_h2(full, j_full)
    ramped = (h2_start - h2_full) / (2.0 * safe_ramp)
    level = (h1_start - h1_full) / safe_ramp
    if not np.all(sloped):
        ramped = np.where(sloped, ramped, h1_start)
        level = np.where(sloped, level, np.take(sums.s0, j_start))

    sum_m = float(sums.s1[0])
    j_proc = sums.index(proc_end)
    h1_proc = sums.h1(proc_end, j_proc)
    proc = np.where(
        proc_end >= STEP, (sum_m - h1_proc) / np.maximum(proc_end, STEP), float(sums.s0[1])
    )
    width = start - proc_end
    ict = (h1_proc - h1_start) / np.maximum(width, STEP)
    if np.any(width < STEP):
        ict = np.where(width >= STEP, ict, np.take(sums.s0, j_proc))

    share = _arr(inputs.share)
    keep = _arr(inputs.keep)
    baseline = _arr(inputs.baseline)
    savings = baseline * keep * share * (1.0 - _arr(inputs.operating_uplift))
    benefits = (savings + _arr(inputs.trading)) * (ramped * (1.0 / 12.0))
    team = _arr(inputs.team_cost_per_month) * team_cost_share(inputs, start) * (sum_m - h1_start)
    one_off = team * (1.0 + _arr(inputs.team_uplift))
    one_off += _arr(inputs.procurement_cost) * (1.0 + _arr(inputs.procurement_uplift)) * proc
    one_off += _arr(inputs.ict_cost) * (1.0 + _arr(inputs.ict_uplift)) * ict
    one_off += _arr(inputs.exit_cost_full) * (1.0 + _arr(inputs.exit_uplift)) * share * level
    result: FloatArray = benefits - one_off * _arr(inputs.cost_multiplier)
    return result, start
