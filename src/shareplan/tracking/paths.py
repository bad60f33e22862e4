"""The business case's Monte Carlo, read at the tracker's period boundaries (pure numpy).

The draws are the business case's own: the same inputs, ranges, distribution and seed through
:func:`shareplan.business_case.montecarlo.iter_draws`, and the same cash-flow model through
:func:`shareplan.business_case.cashflow.cumulative_at`. Only the time grid differs: period ends in
months from approval instead of year ends. The baseline takes percentiles of these paths; the
forecast weights the same paths by how well they match the actuals.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from shareplan.business_case.cashflow import (
    ONE_OFF_KINDS,
    FlowInputs,
    cumulative_at,
    ramp_level,
    timing,
)
from shareplan.business_case.montecarlo import Distribution, Ranges, iter_draws, with_draws

FloatArray = npt.NDArray[np.float64]

CHUNK = 1 << 30  # one chunk: the paths are held in memory anyway


@dataclass(frozen=True, slots=True)
class Paths:
    """Cumulative amounts at the boundaries, shape ``(draws, projects, boundaries)``; timings and
    drawn inputs shape ``(draws, projects)``. ``fte_released`` is the level at each boundary."""

    cashable_saving: FloatArray
    trading_income: FloatArray
    non_cashable_gain: FloatArray
    one_off_cost: FloatArray
    operating_risk: FloatArray
    fte_released: FloatArray
    procurement_done: FloatArray
    go_live: FloatArray
    full_run_rate: FloatArray
    share: FloatArray
    delay_months: FloatArray
    cost_multiplier: FloatArray

    @property
    def benefits(self) -> FloatArray:
        result: FloatArray = self.cashable_saving + self.trading_income
        return result

    @property
    def net(self) -> FloatArray:
        """Cumulative cashable net: savings and trading income less one-off costs and the
        operating optimism bias (non-cashable gains never enter it)."""
        result: FloatArray = self.benefits - self.one_off_cost - self.operating_risk
        return result


def paths_of(inputs: FlowInputs, fte: FloatArray, months: FloatArray) -> Paths:
    """The paths of ``inputs`` (arrays broadcasting to ``(draws, projects)``) at ``months``.

    Months before the business case's month 0 hold nothing yet (the model starts there)."""
    grid = np.maximum(np.asarray(months, dtype=np.float64), 0.0)
    lines = cumulative_at(inputs, grid)
    when = timing(inputs)
    one_off = sum((lines[k] for k in ONE_OFF_KINDS), np.zeros(1)) + lines["optimism_bias_one_off"]
    share = np.asarray(inputs.share, dtype=np.float64)
    level = ramp_level(
        grid,
        when.benefits_start[..., None],
        np.asarray(inputs.ramp_months, dtype=np.float64)[..., None],
    )
    shape = lines["savings"].shape[:-1]
    return Paths(
        cashable_saving=lines["savings"],
        trading_income=lines["trading_income"],
        non_cashable_gain=lines["non_cashable"],
        one_off_cost=one_off,
        operating_risk=lines["optimism_bias_operating"],
        fte_released=(fte * share)[..., None] * level,
        procurement_done=np.broadcast_to(when.procurement_end, shape).copy(),
        go_live=np.broadcast_to(when.benefits_start, shape).copy(),
        full_run_rate=np.broadcast_to(when.full_benefits, shape).copy(),
        share=np.broadcast_to(share, shape).copy(),
        delay_months=np.broadcast_to(np.asarray(inputs.delay_months, np.float64), shape).copy(),
        cost_multiplier=np.broadcast_to(
            np.asarray(inputs.cost_multiplier, np.float64), shape
        ).copy(),
    )


def simulate_paths(
    base: FlowInputs,
    ranges: Ranges,
    fte: FloatArray,
    months: FloatArray,
    n_draws: int,
    seed: int,
    distribution: Distribution,
) -> Paths:
    """Every draw's paths: the business case's Monte Carlo draws, put through the cash-flow model
    at ``months`` (``base`` and ``ranges`` as :func:`shareplan.business_case.uncertain_inputs`
    gives them)."""
    draws = next(iter_draws(ranges, n_draws, seed, CHUNK, distribution))
    return paths_of(with_draws(base, draws), np.asarray(fte, dtype=np.float64), months)
