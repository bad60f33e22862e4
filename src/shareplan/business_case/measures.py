"""Appraisal measures over yearly flows: pure functions, the year axis last.

* NPV = sum of present values = ``net @ DF`` (Green Book 5.54: PV benefits less PV costs);
* BCR = PV benefits / PV costs (Green Book 5.54; the 2025 review: no BCR cut-off, and a BCR below 1
  is not by itself poor value for money);
* payback year: the first year from which the cumulative net stays at or above zero to the end of
  the horizon (simple: undiscounted; discounted: of present values); ``-1`` when it never does.
  Payback is what councils use; it is not a Green Book measure;
* funding need: the peak cumulative net cost (the most the authority is out of pocket at a year
  end), zero when the cumulative net never falls below zero.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: Pounds within which a cumulative net counts as zero (rounding noise, not money).
TOLERANCE = 1e-6


def payback_year(net: npt.ArrayLike) -> IntArray:
    """First year index from which ``cumsum(net)`` stays >= 0; ``-1`` if it is negative at the end."""
    cum = np.cumsum(np.asarray(net, dtype=np.float64), axis=-1)
    ok = cum >= -TOLERANCE
    stays = np.logical_and.accumulate(ok[..., ::-1], axis=-1)[..., ::-1]
    first = np.argmax(stays, axis=-1).astype(np.int64)
    result: IntArray = np.where(stays[..., -1], first, -1)
    return result


def funding_need(net: npt.ArrayLike) -> FloatArray:
    """Peak cumulative net cost: ``max(0, -min_t cumsum(net)_t)``."""
    cum = np.cumsum(np.asarray(net, dtype=np.float64), axis=-1)
    result: FloatArray = np.maximum(0.0, -np.min(cum, axis=-1))
    return result


def benefit_cost_ratio(pv_benefits: npt.ArrayLike, pv_costs: npt.ArrayLike) -> FloatArray:
    """PV benefits / PV costs; ``nan`` where there are no costs (the ratio is undefined)."""
    b = np.asarray(pv_benefits, dtype=np.float64)
    c = np.asarray(pv_costs, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        result: FloatArray = np.where(c > 0, b / np.where(c > 0, c, 1.0), np.nan)
    return result


def linear_root(f0: npt.ArrayLike, f1: npt.ArrayLike) -> FloatArray:
    """Where a straight line through ``(0, f0)`` and ``(1, f1)`` crosses zero: ``f0 / (f0 - f1)``.

    Used for switching values, which are exact because the NPV is linear in the saving share and in
    the one-off cost multiplier. ``nan`` when the line is flat (the input does not move the NPV).
    """
    a = np.asarray(f0, dtype=np.float64)
    b = np.asarray(f1, dtype=np.float64)
    slope = b - a
    with np.errstate(divide="ignore", invalid="ignore"):
        result: FloatArray = np.where(slope != 0, -a / np.where(slope != 0, slope, 1.0), np.nan)
    return result
