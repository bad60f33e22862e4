"""One treatment of risk: optimism bias covers what the risk analysis has not quantified, and the
Monte Carlo draws only what the uplift does not already cover.

The evidence gives a range for the one-off cost (a multiplier on the estimate) and for the delay
before savings begin. Their means above the central estimate are the *expected* overrun and
slippage: the same systematic optimism the Green Book's uplifts stand for. Counting both would count
the risk twice, so the split follows the mitigated shares (Green Book 5.43-5.46: the uplifts "should not be 'locked
in' but can be reduced as an appraisal develops and the cost of specific risks are identified"):

* the share ``1 - m`` not yet mitigated is covered by the uplift (``upper x (1 - m)``);
* the share ``m`` mitigated by quantified risk work enters the headline as the expected value of
  the quantified risk: cost multiplier ``1 + m (mu_c - 1)``, delay ``c_d + m (mu_d - c_d)``;
* the Monte Carlo draws the *spread* around that headline: each draw's multiplier is the evidence
  range divided by its mean (mean 1), each draw's delay the range less its mean (mean 0).

So the headline is the mean of what the draws add to it: the mean NPV differs from the headline only
through the saving share's and the trading ranges' own skew (benefits carry no uplift, Green Book
5.45) and through the curvature of the NPV in the delay.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from shareplan.business_case.assumptions import AssumptionBook
from shareplan.business_case.model import OptimismBias
from shareplan.business_case.montecarlo import Distribution, FloatArray, Ranges
from shareplan.errors import Problem

Triple = tuple[float, float, float]
RangeArrays = tuple[FloatArray, FloatArray, FloatArray]

TREATMENT = (
    "Optimism bias covers the risks not yet quantified (upper bound x (1 - mitigated share)); "
    "the quantified share of the expected cost overrun and delay is in the headline; the Monte "
    "Carlo draws the spread around the headline (cost and delay ranges re-centred on their mean) "
    "and the saving and trading ranges, so headline, mean and percentiles share one basis."
)


def mean_of(values: Triple, distribution: Distribution) -> float:
    """Mean of a triangular ``(l + m + h) / 3`` or PERT ``(l + 4m + h) / 6`` distribution."""
    low, mode, high = values
    if distribution == "pert":
        return (low + 4.0 * mode + high) / 6.0
    return (low + mode + high) / 3.0


@dataclass(frozen=True, slots=True)
class RiskRanges:
    """The evidence ranges, the headline's cost multiplier and delay, and what the draws add."""

    cost: Triple
    delay: Triple
    headline_cost_multiplier: float
    headline_delay: float
    drawn_cost: Triple
    drawn_delay: Triple
    ranges: Ranges


def _one(values: Triple) -> RangeArrays:
    return np.array([values[0]]), np.array([values[1]]), np.array([values[2]])


def risk_ranges(
    book: AssumptionBook,
    optimism: OptimismBias,
    distribution: Distribution,
    shares: Triple,
    volume: Triple,
    margin: Triple,
) -> tuple[RiskRanges, list[Problem]]:
    """The ranges of one opportunity under the treatment above."""
    cost_key, delay_key = "montecarlo.one_off_cost_multiplier", "montecarlo.delay_months"
    c_lo, c_mid, c_hi = (book.number(cost_key, k) for k in ("low", "central", "high"))
    d_lo, d_mid, d_hi = (book.number(delay_key, k) for k in ("low", "central", "high"))
    problems = []
    for key, rng in ((cost_key, (c_lo, c_mid, c_hi)), (delay_key, (d_lo, d_mid, d_hi))):
        if not rng[0] <= rng[1] <= rng[2]:
            problems.append(
                Problem(
                    f"parameter {key!r}: low, central and high are out of order {rng}",
                    sheet="parameters",
                    row=book.override_row(key),
                    column="value",
                    allowed="low <= central <= high",
                )
            )
    relative = (c_lo / c_mid, 1.0, c_hi / c_mid) if c_mid > 0 else (1.0, 1.0, 1.0)
    mu_cost = mean_of(relative, distribution)
    mu_delay = mean_of((d_lo, d_mid, d_hi), distribution)
    m_cost = optimism.one_off_mitigated
    m_delay = optimism.duration_mitigated
    drawn_cost = (relative[0] / mu_cost, relative[1] / mu_cost, relative[2] / mu_cost)
    drawn_delay = (d_lo - mu_delay, d_mid - mu_delay, d_hi - mu_delay)
    ranges = Ranges(
        share=_one(shares),
        cost_multiplier=_one(drawn_cost),
        delay_months=_one(drawn_delay),
        correlation=book.number("montecarlo.cost_delay_correlation"),
        trading_volume=_one(volume),
        trading_margin=_one(margin),
    )
    return (
        RiskRanges(
            cost=(c_lo, c_mid, c_hi),
            delay=(d_lo, d_mid, d_hi),
            headline_cost_multiplier=1.0 + m_cost * (mu_cost - 1.0),
            headline_delay=d_mid + m_delay * (mu_delay - d_mid),
            drawn_cost=drawn_cost,
            drawn_delay=drawn_delay,
            ranges=ranges,
        ),
        problems,
    )


def gap_sentence(
    headline: float,
    p50: float,
    mean: float,
    shifts: dict[str, float],
) -> str:
    """One sentence on the gap between the headline NPV and the P50, in words.

    ``shifts`` is each range's effect on the mean NPV: its mean less its central value, times the
    NPV per unit (``saving``: the saving share; ``trading``: the trading income). The larger one
    that points the same way as the gap explains it; otherwise the curvature in the delay does.
    """
    scale = max(abs(headline), 1.0)
    gap = (p50 - headline) / scale
    if abs(gap) <= 0.02:
        return (
            "The median of the risk analysis is within 2% of the headline: the ranges sit "
            "evenly around the estimates the headline uses."
        )
    side = "below" if gap < 0 else "above"
    words = {
        "saving": "the saving's range is skewed, so its expected value is {dir} than the central "
        "estimate the headline uses",
        "trading": "the trading range is skewed, so the expected trading income is {dir} than "
        "the central estimate the headline uses",
    }
    same_way = {k: v for k, v in shifts.items() if v * gap > 0 and abs(v) > 0.005 * scale}
    if same_way:
        key = max(same_way, key=lambda k: abs(same_way[k]))
        reason = words[key].format(dir="lower" if gap < 0 else "higher")
    elif gap < 0:
        reason = (
            "slippage and overrun have a long tail, and savings that come late are worth less "
            "once discounted"
        )
    else:
        reason = (
            "the headline allows for the average slippage and overrun, which a few long delays "
            "pull up; in the typical outcome the delay and overrun are smaller than that average"
        )
    if (p50 < 0) != (headline < 0):
        signs = ("positive", "negative") if headline >= 0 else ("negative", "positive")
        return (
            f"The headline net present value is {signs[0]} but the median of the risk analysis "
            f"is {signs[1]}, because {reason}."
        )
    return f"The median is {abs(gap):.0%} {side} the headline because {reason}."
