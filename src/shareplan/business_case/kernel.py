"""The Monte Carlo's inner loop: the closed-form NPV of :func:`cashflow.npv_and_start` split into
what is fixed for an opportunity (worked out once) and what a draw moves.

A draw moves four inputs: the saving share, the one-off cost multiplier, the delay and (for an
opportunity that trades) the trading income. Everything else (the timetable before any delay,
the procurement window, the ramp, the cost lines and their uplifts) is the same in every draw, so
the suffix-sum look-ups for the end of procurement, the procurement-cost weights and the
per-opportunity coefficients are computed once per simulation, not once per chunk. A draw then
costs two look-ups (the start of savings and the end of the ramp) and a few dozen element-wise
operations. Tests check that the kernel equals :func:`cashflow.npv_and_start` draw by draw.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from shareplan.business_case.cashflow import STEP, FloatArray, FlowInputs, SuffixSums

BoolArray = npt.NDArray[np.bool_]


def _arr(value: object, n: int) -> FloatArray:
    result: FloatArray = np.broadcast_to(np.asarray(value, dtype=np.float64), (n,)).copy()
    return result


class NpvKernel:
    """NPV and start of savings for draws of (share, multiplier, delay, trading); shape ``(n,)``
    base inputs, draws of shape ``(draws, n)``."""

    def __init__(self, base: FlowInputs, factors: FloatArray, n: int) -> None:
        self.sums = SuffixSums(np.concatenate(([0.0], factors)) - np.concatenate((factors, [0.0])))
        sums = self.sums
        stretch = 1.0 + _arr(base.duration_uplift, n)
        self.proc_end = _arr(base.procurement_months, n) * stretch
        self.start0 = self.proc_end + _arr(base.implementation_months, n) * stretch
        self.worked0 = _arr(base.procurement_months, n) + _arr(base.implementation_months, n)
        ramp = _arr(base.ramp_months, n)
        self.sloped = ramp >= STEP
        self.all_sloped = bool(np.all(self.sloped))
        self.ramp = np.maximum(ramp, STEP)
        self.sum_m = float(sums.s1[0])
        j_proc = sums.index(self.proc_end)
        self.h1_proc = sums.h1(self.proc_end, j_proc)
        self.lump_ict = np.take(sums.s0, j_proc)
        proc = np.where(
            self.proc_end >= STEP,
            (self.sum_m - self.h1_proc) / np.maximum(self.proc_end, STEP),
            float(sums.s0[1]),
        )
        self.fixed_cost = (
            _arr(base.procurement_cost, n) * (1.0 + _arr(base.procurement_uplift, n)) * proc
        )
        self.gross = _arr(base.baseline, n) * _arr(base.keep, n)
        self.saving = self.gross * (1.0 - _arr(base.operating_uplift, n))
        self.trading = _arr(base.trading, n)
        self.team = _arr(base.team_cost_per_month, n) * (1.0 + _arr(base.team_uplift, n))
        self.ict = _arr(base.ict_cost, n) * (1.0 + _arr(base.ict_uplift, n))
        self.exit = _arr(base.exit_cost_full, n) * (1.0 + _arr(base.exit_uplift, n))

    def start(self, delay: FloatArray) -> FloatArray:
        """The month savings begin, never before procurement ends."""
        result: FloatArray = np.maximum(self.start0 + delay, self.proc_end)
        return result

    def npv(
        self, share: FloatArray, multiplier: FloatArray, delay: FloatArray, trading: FloatArray
    ) -> tuple[FloatArray, FloatArray]:
        """NPV of each draw and the month its savings begin (equal to :func:`npv_and_start`)."""
        sums = self.sums
        start = self.start(delay)
        j_start = sums.index(start)
        h1_start, h2_start = sums.h1_h2(start, j_start)
        full = start + self.ramp
        h1_full, h2_full = sums.h1_h2(full, sums.index(full))
        ramped = (h2_start - h2_full) / (2.0 * self.ramp)
        level = (h1_start - h1_full) / self.ramp
        if not self.all_sloped:
            ramped = np.where(self.sloped, ramped, h1_start)
            level = np.where(self.sloped, level, np.take(sums.s0, j_start))
        width = start - self.proc_end
        ict = (self.h1_proc - h1_start) / np.maximum(width, STEP)
        if np.any(width < STEP):
            ict = np.where(width >= STEP, ict, self.lump_ict)
        worked = np.maximum(self.worked0 + delay, 0.0)
        team_share = np.where(start >= STEP, worked / np.maximum(start, STEP), 1.0)
        one_off = self.team * team_share * (self.sum_m - h1_start)
        one_off += self.ict * ict
        one_off += self.exit * share * level
        one_off += self.fixed_cost
        one_off *= multiplier
        benefits = (self.saving * share + trading) * ramped * (1.0 / 12.0)
        result: FloatArray = benefits - one_off
        return result, start

    def latest_quick_start(self, months: float, min_share: float) -> FloatArray:
        """For an opportunity with no trading income, the latest month savings may begin for a
        draw to be a quick win: the saving share cancels out of "delivered by ``months`` >=
        ``min_share`` x steady-state saving", leaving ``I(months - S) >= T`` months at full rate,
        ``T = 12 x min_share x (1 - u_o)``, so ``S <= months - I^-1(T)`` with ``I^-1(T) =
        sqrt(2 R T)`` up to ``R / 2`` and ``T + R / 2`` after (``T`` for a step). ``-inf`` when no
        saving can be material (nothing kept, or the uplift takes it all)."""
        if min_share <= 0:
            return np.full_like(self.start0, months)
        with np.errstate(divide="ignore", invalid="ignore"):
            target = np.where(self.gross > 0, 12.0 * min_share * self.saving / self.gross, np.inf)
        ramp = np.where(self.sloped, self.ramp, 0.0)
        x = np.where(target <= ramp / 2.0, np.sqrt(2.0 * ramp * target), target + ramp / 2.0)
        result: FloatArray = np.where((self.saving > 0) & (self.gross > 0), months - x, -np.inf)
        return result

    def quick_win(
        self,
        share: FloatArray,
        trading: FloatArray,
        start: FloatArray,
        months: float,
        min_share: float,
        columns: npt.NDArray[np.intp] | None = None,
    ) -> BoolArray:
        """The quick-win rule of :func:`cashflow.quick_win` for each draw (of the opportunities
        ``columns`` only, when given)."""
        pick = slice(None) if columns is None else columns
        r = self.ramp[pick]
        x = months - start
        y = np.clip(x, 0.0, r)
        done = y * y / (2.0 * r) + np.maximum(x - r, 0.0)
        if not self.all_sloped:
            done = np.where(self.sloped[pick], done, np.maximum(x, 0.0))
        savings = self.gross[pick] * share
        within = (savings + trading) * done * (1.0 / 12.0)
        steady = self.saving[pick] * share + trading
        material = (within >= min_share * steady) & ((steady > 0) | (min_share <= 0))
        result: BoolArray = (start < months) & material
        return result
