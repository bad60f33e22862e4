"""The Monte Carlo's inner loop: each draw's NPV and quick-win test, in buffers reused chunk to chunk.

:func:`shareplan.business_case.cashflow.npv_and_start` values any inputs. In a simulation only the
saving share, the cost multiplier, the delay and (for an opportunity that trades) the trading income
are drawn; everything else is fixed per opportunity. So everything that depends only on the fixed
inputs is worked out once per simulation: the end of procurement, the discounted weight of the
procurement and legal cost, each one-off line's uplifted rate, the saving per unit of share. A draw
then costs only the arithmetic that involves what was drawn.

Three things make the per-draw arithmetic cheap on an ordinary processor:

* every chunk is valued in buffers allocated once per thread, small enough to stay in the
  processor's cache (fresh buffers for each chunk cost page faults, and large chunks miss the
  cache on every pass);
* nothing in the common path selects with a boolean mask (``np.where``, ``copyto(where=)``): a
  random mask defeats the processor's branch prediction and costs ten times an arithmetic pass.
  A triangular draw picks its branch by multiplying by 1 or 0 (exact: ``x * 1 = x``, ``x * 0 + y =
  y``), and the two rare cases the closed form treats apart (savings starting at month 0, an
  implementation of no length) are checked once per chunk and fixed only when they occur;
* every step writes into an existing buffer (``out=``) instead of a new temporary.

The draws are those of the general code, bit for bit (same streams, same arithmetic); the NPV
equals :func:`~shareplan.business_case.cashflow.npv_and_start`'s up to rounding (constants are
multiplied together once here rather than in every draw), and the tests check it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import special

from shareplan.business_case.cashflow import STEP, FlowInputs, Suffix

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.intp]
Triple = tuple[FloatArray, FloatArray, FloatArray]


def _per(value: object, n: int) -> FloatArray:
    """One entry per opportunity (a scalar or a length-``n`` array), as a new float array."""
    return np.array(np.broadcast_to(np.asarray(value, dtype=np.float64), (n,)))


def pert_ppf(u: FloatArray, low: FloatArray, mode: FloatArray, high: FloatArray) -> FloatArray:
    """Inverse CDF of the PERT distribution (a scaled beta with weight 4 on the mode)."""
    width = high - low
    safe = np.where(width > 0, width, 1.0)
    alpha = 1.0 + 4.0 * (mode - low) / safe
    beta = 1.0 + 4.0 * (high - mode) / safe
    x = special.betaincinv(alpha, beta, u)
    result: FloatArray = np.where(width > 0, low + x * safe, low)
    return result


class Ppf:
    """The inverse CDF of one uncertain input with its per-opportunity constants worked out once.

    Triangular: ``c = (mode - low) / w``, ``a = w (mode - low)``, ``b = w (high - mode)``; a draw is
    ``low + sqrt(u a)`` below ``c`` and ``high - sqrt((1 - u) b)`` from ``c`` up (a zero-width range
    has ``a = b = c = 0`` and returns ``high = low``), as in
    :func:`shareplan.business_case.montecarlo.triangular_ppf`. When every mode sits on its low
    end (``c = 0``: the delay's usual range) only the upper branch is computed. PERT keeps its beta
    parameters and :func:`pert_ppf`.
    """

    def __init__(self, triple: Triple, pert: bool, n: int, columns: IntArray | None) -> None:
        low, mode, high = (_per(a, n) for a in triple)
        if columns is not None:
            low, mode, high = low[columns], mode[columns], high[columns]
        self.low, self.mode, self.high = low, mode, high
        self.pert = pert
        width = high - low
        self.c = np.where(width > 0, (mode - low) / np.where(width > 0, width, 1.0), 0.0)
        self.a = width * (mode - low)
        self.b = width * (high - mode)
        self.upper_only = bool(np.all(self.c <= 0.0))

    def __call__(self, u: FloatArray, out: FloatArray, t1: FloatArray, t2: FloatArray) -> None:
        """Draws for the uniforms ``u`` into ``out`` (which may be ``u``); ``t1``, ``t2``: scratch."""
        if self.pert:
            np.copyto(out, pert_ppf(u, self.low, self.mode, self.high))
            return
        if self.upper_only:
            np.subtract(1.0, u, out=out)
            np.multiply(out, self.b, out=out)
            np.sqrt(out, out=out)
            np.subtract(self.high, out, out=out)
            return
        below, above = t1, t2
        np.less(u, self.c, out=below, casting="unsafe")  # 1.0 on the lower branch, else 0.0
        np.subtract(1.0, u, out=above)
        np.multiply(above, self.b, out=above)
        np.multiply(u, self.a, out=out)
        np.multiply(out, below, out=out)
        np.subtract(1.0, below, out=below)  # now 1.0 on the upper branch
        np.multiply(above, below, out=above)
        np.add(out, above, out=out)  # u a below c, (1 - u) b from c up
        np.sqrt(out, out=out)  # the root
        np.add(self.low, out, out=above)
        np.subtract(self.high, out, out=out)
        np.multiply(out, below, out=out)
        np.subtract(1.0, below, out=below)  # 1.0 on the lower branch again
        np.multiply(above, below, out=above)
        np.add(out, above, out=out)


@dataclass(frozen=True, slots=True)
class Buffers:
    """One thread's buffers for a chunk of ``rows`` draws (views of ``rows`` or fewer are used)."""

    u_share: FloatArray
    z_cost: FloatArray
    z_delay: FloatArray
    u_volume: FloatArray
    u_margin: FloatArray
    scratch: tuple[FloatArray, ...]
    trading: FloatArray
    trading_scratch: tuple[FloatArray, FloatArray]
    index: IntArray
    flags: tuple[BoolArray, BoolArray]

    @classmethod
    def allocate(cls, rows: int, n: int, n_trading: int) -> Buffers:
        def grid() -> FloatArray:
            return np.empty((rows, n), dtype=np.float64)

        return cls(
            u_share=grid(),
            z_cost=grid(),
            z_delay=grid(),
            u_volume=np.empty((rows, n_trading), dtype=np.float64),
            u_margin=np.empty((rows, n_trading), dtype=np.float64),
            scratch=tuple(grid() for _ in range(10)),
            trading=grid() if n_trading else np.empty((0, n)),
            trading_scratch=(
                np.empty((rows, n_trading), dtype=np.float64),
                np.empty((rows, n_trading), dtype=np.float64),
            ),
            index=np.empty((rows, n), dtype=np.intp),
            flags=(np.empty((rows, n), dtype=np.bool_), np.empty((rows, n), dtype=np.bool_)),
        )


class Kernel:
    """Values chunks of draws for fixed base inputs and ranges (see the module docstring)."""

    def __init__(
        self,
        base: FlowInputs,
        ppfs: tuple[Ppf, Ppf, Ppf, Ppf | None, Ppf | None],
        columns: IntArray,
        factors: FloatArray,
        quick_win: tuple[float, float],
    ) -> None:
        n = ppfs[0].low.shape[0]
        self.n = n
        self.share, self.cost, self.delay, self.volume, self.margin = ppfs
        self.columns = columns
        self.months, self.min_share = quick_win
        self.sums = Suffix(np.concatenate(([0.0], factors)) - np.concatenate((factors, [0.0])))
        # the suffix sums shifted by one, so that the look-up index is the year ``floor(a / 12)``
        self.s0, self.s1, self.s2 = (
            s[1:].copy() for s in (self.sums.s0, self.sums.s1, self.sums.s2)
        )
        self.sum_m = float(self.sums.s1[0])
        value = {name: _per(getattr(base, name), n) for name in FlowInputs.__dataclass_fields__}
        self._timing(value)
        self._money(value)

    def _timing(self, v: dict[str, FloatArray]) -> None:
        stretch = 1.0 + v["duration_uplift"]
        self.proc_end = v["procurement_months"] * stretch
        self.implemented = self.proc_end + v["implementation_months"] * stretch
        self.worked = v["procurement_months"] + v["implementation_months"]
        self.base_delay = v["delay_months"]
        self.base_multiplier = v["cost_multiplier"]
        ramp = v["ramp_months"]
        self.stepped = np.flatnonzero(ramp < STEP)
        self.safe_ramp = np.maximum(ramp, STEP)
        self.per_ramp = 1.0 / self.safe_ramp
        self.per_two_ramp = 1.0 / (2.0 * self.safe_ramp)
        # the procurement's end is never drawn: its weight and the ICT line's fallback are fixed
        j_proc = self.sums.index(self.proc_end)
        self.h1_proc = self.sums.h1(self.proc_end, j_proc)
        self.ict_lump = np.take(self.sums.s0, j_proc)
        self.proc_weight = np.where(
            self.proc_end >= STEP,
            (self.sum_m - self.h1_proc) / np.maximum(self.proc_end, STEP),
            float(self.sums.s0[1]),
        )

    def _money(self, v: dict[str, FloatArray]) -> None:
        kept = v["baseline"] * v["keep"]
        self.kept = kept
        self.operating_kept = 1.0 - v["operating_uplift"]
        self.savings_rate = kept * self.operating_kept
        self.trading_base = v["trading"]
        self.trading_baseline = v["baseline"][self.columns]
        self.team_rate = v["team_cost_per_month"] * (1.0 + v["team_uplift"])
        self.procurement = (
            v["procurement_cost"] * (1.0 + v["procurement_uplift"]) * self.proc_weight
        )
        self.ict_rate = v["ict_cost"] * (1.0 + v["ict_uplift"])
        self.exit_rate = v["exit_cost_full"] * (1.0 + v["exit_uplift"])

    def __call__(
        self, buf: Buffers, rows: int, npv: FloatArray, quick: BoolArray, rho: float
    ) -> None:
        """Values the first ``rows`` draws of ``buf`` (raw variates filled in) into ``npv`` and
        ``quick`` (each ``(rows, n)``)."""
        share, cost, delay, start, a, b, c, d, e, f = (s[:rows] for s in buf.scratch)
        self._draw(buf, rows, rho, (share, cost, delay), (a, b, c))
        trading = self._trading(buf, rows)
        np.add(self.implemented, delay, out=start)
        np.maximum(start, self.proc_end, out=start)
        # the team is paid for p + i + delay months spread over [0, start] (all of it below STEP)
        np.add(self.worked, delay, out=a)
        np.maximum(a, 0.0, out=a)
        np.maximum(start, STEP, out=b)
        np.divide(a, b, out=a)
        if start.min() < STEP:
            np.copyto(a, 1.0, where=start < STEP)
        index = buf.index[:rows]
        h1_start, h2_start = delay, f  # the delay is spent
        self._h(start, index, h1_start, h2_start, b)
        stepped = self.stepped
        if stepped.size:  # a step, not a ramp: H1 and S0 at the start, kept before reuse
            ramp_step = h1_start[:, stepped].copy()
            level_step = np.take(self.s0, index[:, stepped], mode="clip")
        np.subtract(self.sum_m, h1_start, out=b)
        np.multiply(a, b, out=a)
        np.multiply(a, self.team_rate, out=a)
        np.add(a, self.procurement, out=a)  # a: the one-off costs so far
        self._ict(start, h1_start, a, b, c)
        full, h1_full, h2_full = b, c, d
        np.add(start, self.safe_ramp, out=full)
        self._h(full, index, h1_full, h2_full, e)
        ramped, level = h2_start, h1_full
        np.subtract(h2_start, h2_full, out=ramped)
        np.multiply(ramped, self.per_two_ramp, out=ramped)
        np.subtract(h1_start, h1_full, out=level)
        np.multiply(level, self.per_ramp, out=level)
        if stepped.size:
            ramped[:, stepped] = ramp_step
            level[:, stepped] = level_step
        np.multiply(share, level, out=level)
        np.multiply(level, self.exit_rate, out=level)
        np.add(a, level, out=a)
        np.multiply(a, cost, out=a)  # the one-off costs x the drawn multiplier
        np.multiply(share, self.savings_rate, out=b)
        np.add(b, trading, out=b)
        np.multiply(ramped, 1.0 / 12.0, out=ramped)
        np.multiply(b, ramped, out=b)
        np.subtract(b, a, out=npv)
        self._quick(buf, rows, start, share, trading, quick, (b, c, d))

    def _draw(
        self,
        buf: Buffers,
        rows: int,
        rho: float,
        out: tuple[FloatArray, FloatArray, FloatArray],
        t: tuple[FloatArray, FloatArray, FloatArray],
    ) -> None:
        """The drawn share, cost multiplier and delay (the copula and the inverse CDFs)."""
        share, cost, delay = out
        z_cost, z_delay = buf.z_cost[:rows], buf.z_delay[:rows]
        rest = float(np.sqrt(max(0.0, 1.0 - rho * rho)))
        np.multiply(z_cost, rho, out=t[2])
        np.multiply(z_delay, rest, out=z_delay)
        np.add(t[2], z_delay, out=z_delay)
        self.share(buf.u_share[:rows], share, t[0], t[1])
        special.ndtr(z_cost, out=z_cost)
        self.cost(z_cost, cost, t[0], t[1])
        np.multiply(cost, self.base_multiplier, out=cost)
        special.ndtr(z_delay, out=z_delay)
        self.delay(z_delay, delay, t[0], t[1])
        np.add(delay, self.base_delay, out=delay)

    def _trading(self, buf: Buffers, rows: int) -> FloatArray:
        """Each draw's trading income: drawn for the trading columns, fixed for the others."""
        if self.volume is None or self.margin is None or not self.columns.size:
            return self.trading_base
        volume, margin = buf.u_volume[:rows], buf.u_margin[:rows]
        t1, t2 = (t[:rows] for t in buf.trading_scratch)
        self.volume(volume, volume, t1, t2)
        self.margin(margin, margin, t1, t2)
        np.multiply(self.trading_baseline, volume, out=volume)
        np.multiply(volume, margin, out=volume)
        trading = buf.trading[:rows]
        np.copyto(trading, self.trading_base)
        trading[:, self.columns] = volume
        return trading

    def _h(
        self, at: FloatArray, index: IntArray, h1: FloatArray, h2: FloatArray, t: FloatArray
    ) -> None:
        """``H1(at)`` into ``h1`` and ``H2(at)`` into ``h2`` (:class:`Suffix`), ``index`` the
        year that contains ``at``; ``t``: scratch."""
        np.multiply(at, 1.0 / 12.0, out=t)
        np.copyto(index, t, casting="unsafe")  # truncation, as in Suffix.index
        np.take(self.s0, index, out=h1, mode="clip")
        np.multiply(at, h1, out=h1)
        np.take(self.s1, index, out=t, mode="clip")
        np.subtract(t, h1, out=h1)
        np.add(t, h1, out=t)
        np.multiply(t, at, out=t)
        np.take(self.s2, index, out=h2, mode="clip")
        np.subtract(h2, t, out=h2)

    def _ict(
        self,
        start: FloatArray,
        h1_start: FloatArray,
        one_off: FloatArray,
        width: FloatArray,
        t: FloatArray,
    ) -> None:
        """Adds the ICT line: spread evenly over ``[end of procurement, start]`` (a lump in the
        year of the procurement's end when that window has no length)."""
        np.subtract(start, self.proc_end, out=width)
        lump = width < STEP if width.min() < STEP else None
        np.maximum(width, STEP, out=width)
        np.subtract(self.h1_proc, h1_start, out=t)
        np.divide(t, width, out=t)
        if lump is not None:
            np.copyto(t, np.broadcast_to(self.ict_lump, t.shape), where=lump)
        np.multiply(t, self.ict_rate, out=t)
        np.add(one_off, t, out=one_off)

    def _quick(
        self,
        buf: Buffers,
        rows: int,
        start: FloatArray,
        share: FloatArray,
        trading: FloatArray,
        quick: BoolArray,
        t: tuple[FloatArray, FloatArray, FloatArray],
    ) -> None:
        """The quick-win rule of :func:`shareplan.business_case.cashflow.quick_win`, every draw."""
        if start.min() >= self.months:
            quick.fill(False)
            return
        delivered, annual, steady = t
        # months of full-rate saving by the deadline: y**2 / 2R + max(x - R, 0), x = months - S,
        # y = clip(x, 0, R); a step: max(x, 0)
        np.subtract(self.months, start, out=delivered)
        np.maximum(delivered, 0.0, out=annual)
        np.minimum(annual, self.safe_ramp, out=annual)
        np.multiply(annual, annual, out=annual)
        np.multiply(annual, self.per_two_ramp, out=annual)
        np.subtract(delivered, self.safe_ramp, out=steady)
        if self.stepped.size:
            step = np.maximum(delivered[:, self.stepped], 0.0)
        np.maximum(steady, 0.0, out=steady)
        np.add(annual, steady, out=delivered)
        if self.stepped.size:
            delivered[:, self.stepped] = step
        np.divide(delivered, 12.0, out=delivered)
        np.multiply(share, self.kept, out=steady)  # savings at full rate, before the uplift
        np.add(steady, trading, out=annual)
        np.multiply(delivered, annual, out=delivered)  # delivered by the deadline
        np.multiply(steady, self.operating_kept, out=steady)
        np.add(steady, trading, out=steady)  # the steady-state annual saving
        material, early = buf.flags[0][:rows], buf.flags[1][:rows]
        np.multiply(steady, self.min_share, out=annual)
        np.greater_equal(delivered, annual, out=material)
        if self.min_share > 0:
            np.greater(steady, 0.0, out=early)
            np.logical_and(material, early, out=material)
        np.less(start, self.months, out=early)
        np.logical_and(material, early, out=quick)
