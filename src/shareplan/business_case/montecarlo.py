"""Monte Carlo risk analysis: seeded, chunked, vectorised over draws and opportunities.

Three inputs are uncertain for every opportunity, and two more for an opportunity that trades, each
drawn from its low / central / high (the central value is the mode) with a triangular or a PERT
distribution:

* the saving share;
* a multiplier on every one-off cost;
* the delay (months of slippage before savings begin);
* commercial trading: the extra volume the buyers bring (a share of the authority's own volume)
  and the net margin on it; the trading income of a draw is ``baseline * volume * margin``.

Cost overrun and delay are correlated through a Gaussian copula with correlation ``rho``: two
standard normals ``z1`` and ``rho * z1 + sqrt(1 - rho**2) * z2`` are turned into uniforms and then
into draws by each distribution's inverse CDF. Each uncertain input has its own random stream
(spawned from the seed), and draws are taken in chunks of whole draws from those streams, so the
results do not depend on the chunk size: the same seed gives the same draws, in one chunk or many.
Volume and margin are drawn independently of each other and of the rest, and only for the
opportunities whose trading income can vary (the others keep their central trading income), so an
opportunity that does not trade costs nothing extra.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy import special

from shareplan.business_case.cashflow import FlowInputs, yearly
from shareplan.business_case.montecarlo_kernel import Buffers, Kernel, Ppf

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]
Triple = tuple[FloatArray, FloatArray, FloatArray]
Distribution = Literal["triangular", "pert"]

#: Cells (draws x opportunities) per chunk: bounds the memory of the temporaries (about 8 MB each).
DEFAULT_CHUNK_CELLS = 1_000_000
#: Cells per chunk of :func:`simulate_npv`: its dozen buffers of 256 KiB fit a processor's cache.
SIMULATION_CHUNK_CELLS = 32_768


@dataclass(frozen=True, slots=True)
class Ranges:
    """Low, central (mode) and high of each uncertain input, one entry per opportunity.

    ``trading_volume`` (the buyers' extra volume as a share of the authority's own) and
    ``trading_margin`` (the net margin on it) are optional: without them trading income is fixed
    at the base inputs' ``trading``. With them, the base ``trading`` must be ``baseline x central
    volume x central margin``.
    """

    share: Triple
    cost_multiplier: Triple
    delay_months: Triple
    correlation: float = 0.0
    trading_volume: Triple | None = None
    trading_margin: Triple | None = None

    @property
    def size(self) -> int:
        return int(np.broadcast_shapes(*(np.shape(a) for a in self.share))[0])

    def trading_columns(self) -> IntArray:
        """The opportunities whose trading income can vary: a volume or margin range of positive
        width, and some income at the top of both ranges."""
        if self.trading_volume is None or self.trading_margin is None:
            return np.zeros(0, dtype=np.intp)
        n = self.size
        v_lo, _, v_hi = (
            np.broadcast_to(np.asarray(a, np.float64), (n,)) for a in self.trading_volume
        )
        m_lo, _, m_hi = (
            np.broadcast_to(np.asarray(a, np.float64), (n,)) for a in self.trading_margin
        )
        varies = ((v_hi > v_lo) | (m_hi > m_lo)) & (v_hi * m_hi > 0)
        result: IntArray = np.flatnonzero(varies)
        return result


def triangular_ppf(
    u: FloatArray, low: FloatArray, mode: FloatArray, high: FloatArray
) -> FloatArray:
    """Inverse CDF of the triangular distribution; a zero-width range returns ``low``.

    ``low + sqrt(u w (mode - low))`` below the mode's CDF ``c = (mode - low) / w``, else
    ``high - sqrt((1 - u) w (high - mode))``, with ``w = high - low``.
    """
    width = high - low
    safe = np.where(width > 0, width, 1.0)
    below = u * safe < mode - low
    root = np.sqrt(np.where(below, u * (mode - low), (1.0 - u) * (high - mode)) * safe)
    result: FloatArray = np.where(below, low + root, high - root)
    if np.any(width <= 0):
        result = np.where(width > 0, result, low)
    return result


@dataclass(frozen=True, slots=True)
class Draws:
    """One chunk of draws, each of shape ``(draws, opportunities)``; the trading volume and margin
    have one column per entry of ``trading_columns`` (the opportunities whose trading varies)."""

    share: FloatArray
    cost_multiplier: FloatArray
    delay_months: FloatArray
    trading_columns: IntArray
    trading_volume: FloatArray
    trading_margin: FloatArray


@dataclass(frozen=True, slots=True)
class _Raw:
    """Uniform and correlated standard normal variates for one chunk, before any distribution."""

    u_share: FloatArray
    z_cost: FloatArray
    z_delay: FloatArray
    u_volume: FloatArray
    u_margin: FloatArray


def _iter_raw(
    n: int, n_draws: int, seed: int, chunk: int, rho: float, n_trading: int = 0
) -> Iterator[_Raw]:
    """Raw variates in chunks of whole draws; each input has its own stream spawned from the seed,
    so the variates do not depend on the chunk size. (The first three streams are the same
    whether or not anything trades: a spawned child depends only on the seed and its index.)"""
    share_rng, cost_rng, delay_rng, volume_rng, margin_rng = (
        np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(5)
    )
    rest = float(np.sqrt(max(0.0, 1.0 - rho * rho)))
    done = 0
    while done < n_draws:
        size = min(chunk, n_draws - done)
        u_share = share_rng.random((size, n))
        z_cost = cost_rng.standard_normal((size, n))
        z_delay = rho * z_cost + rest * delay_rng.standard_normal((size, n))
        u_volume = volume_rng.random((size, n_trading))
        u_margin = margin_rng.random((size, n_trading))
        yield _Raw(u_share, z_cost, z_delay, u_volume, u_margin)
        done += size


class _Sampler:
    """Turns raw variates into draws of every uncertain input (constants worked out once)."""

    def __init__(self, ranges: Ranges, distribution: Distribution, columns: IntArray) -> None:
        self.columns = columns
        self.ppfs = _ppfs(ranges, distribution, columns)

    def __call__(self, raw: _Raw) -> Draws:
        share, cost, delay, volume, margin = self.ppfs

        def draw(ppf: Ppf | None, u: FloatArray) -> FloatArray:
            if ppf is None:
                return np.zeros((u.shape[0], 0))
            out = np.empty_like(u)
            ppf(u, out, np.empty_like(u), np.empty_like(u))
            return out

        return Draws(
            share=draw(share, raw.u_share),
            cost_multiplier=draw(cost, special.ndtr(raw.z_cost)),
            delay_months=draw(delay, special.ndtr(raw.z_delay)),
            trading_columns=self.columns,
            trading_volume=draw(volume, raw.u_volume),
            trading_margin=draw(margin, raw.u_margin),
        )


def _ppfs(
    ranges: Ranges, distribution: Distribution, columns: IntArray
) -> tuple[Ppf, Ppf, Ppf, Ppf | None, Ppf | None]:
    """The inverse CDF of each uncertain input (volume and margin only for ``columns``)."""
    n = ranges.size
    pert = distribution == "pert"
    volume = margin = None
    if columns.size and ranges.trading_volume is not None and ranges.trading_margin is not None:
        volume = Ppf(ranges.trading_volume, pert, n, columns)
        margin = Ppf(ranges.trading_margin, pert, n, columns)
    return (
        Ppf(ranges.share, pert, n, None),
        Ppf(ranges.cost_multiplier, pert, n, None),
        Ppf(ranges.delay_months, pert, n, None),
        volume,
        margin,
    )


def iter_draws(
    ranges: Ranges,
    n_draws: int,
    seed: int,
    chunk: int,
    distribution: Distribution = "triangular",
) -> Iterator[Draws]:
    """Yield the draws in chunks of at most ``chunk`` draws (reproducible whatever ``chunk``)."""
    if distribution not in ("triangular", "pert"):
        raise ValueError(f"unknown distribution {distribution!r}")
    columns = ranges.trading_columns()
    sampler = _Sampler(ranges, distribution, columns)
    raws = _iter_raw(
        ranges.size, n_draws, seed, chunk, float(ranges.correlation), int(columns.size)
    )
    for raw in raws:
        yield sampler(raw)


def with_draws(base: FlowInputs, draws: Draws) -> FlowInputs:
    """The base inputs (one entry per opportunity) with the drawn inputs put in."""
    changes: dict[str, FloatArray] = {
        "share": draws.share,
        "cost_multiplier": draws.cost_multiplier * np.asarray(base.cost_multiplier),
        "delay_months": draws.delay_months + np.asarray(base.delay_months),
    }
    columns = draws.trading_columns
    if columns.size:
        shape = draws.share.shape
        trading = np.empty(shape, dtype=np.float64)
        trading[...] = np.asarray(base.trading, dtype=np.float64)
        baseline = np.broadcast_to(np.asarray(base.baseline, dtype=np.float64), shape[-1:])
        trading[:, columns] = baseline[columns] * draws.trading_volume * draws.trading_margin
        changes["trading"] = trading
    return base.replace(**changes)


@dataclass(frozen=True, slots=True)
class Simulation:
    """NPV of every draw, and whether the draw is a quick win, shape ``(draws, opportunities)``."""

    npv: FloatArray
    quick_win: npt.NDArray[np.bool_]
    seed: int
    distribution: Distribution
    quick_win_months: float = 12.0
    quick_win_share: float = 0.0

    def percentiles(self, q: tuple[float, ...] = (10, 50, 90)) -> FloatArray:
        """Shape ``(len(q), opportunities)``."""
        result: FloatArray = np.percentile(self.npv, q, axis=0)
        return result

    def prob_positive(self) -> FloatArray:
        result: FloatArray = np.mean(self.npv > 0, axis=0)
        return result

    def prob_quick_win(self) -> FloatArray:
        """Share of draws that are quick wins: savings begin within ``quick_win_months`` of
        approval and reach ``quick_win_share`` of the steady-state annual saving by then (the rule
        of :func:`shareplan.business_case.cashflow.quick_win`)."""
        result: FloatArray = np.mean(self.quick_win, axis=0)
        return result


class _Streams:
    """The five random streams of :func:`_iter_raw`, handed out chunk by chunk, in order, to
    whichever thread asks next: the draws do not depend on the chunk size or the threads."""

    def __init__(self, seed: int, n_draws: int, n_trading: int, common_rows: int = 0) -> None:
        self.rngs = tuple(np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(5))
        self.lock = threading.Lock()
        self.done = 0
        self.n_draws = n_draws
        self.n_trading = n_trading
        # common random numbers: one column of variates per stream, copied to every opportunity
        self.common = np.empty((common_rows, 1)) if common_rows else None

    def fill(self, buf: Buffers, rows: int) -> tuple[int, int] | None:
        """Fills ``buf`` with the next (at most ``rows``) draws' raw variates: (first row, rows)
        or ``None`` when every draw has been handed out."""
        share, cost, delay, volume, margin = self.rngs
        with self.lock:
            row = self.done
            size = min(rows, self.n_draws - row)
            if size <= 0:
                return None
            self.done += size
            if self.common is not None:
                self._fill_common(buf, size, self.common[:size])
                return row, size
            share.random(out=buf.u_share[:size])
            cost.standard_normal(out=buf.z_cost[:size])
            delay.standard_normal(out=buf.z_delay[:size])
            if self.n_trading:
                volume.random(out=buf.u_volume[:size])
                margin.random(out=buf.u_margin[:size])
        return row, size

    def _fill_common(self, buf: Buffers, size: int, column: FloatArray) -> None:
        """Every opportunity gets the variates one opportunity simulated alone would get (the
        caller holds the lock)."""
        share, cost, delay, volume, margin = self.rngs
        share.random(out=column)
        buf.u_share[:size] = column
        cost.standard_normal(out=column)
        buf.z_cost[:size] = column
        delay.standard_normal(out=column)
        buf.z_delay[:size] = column
        if self.n_trading:
            volume.random(out=column)
            buf.u_volume[:size] = column
            margin.random(out=column)
            buf.u_margin[:size] = column


def simulate_npv(
    base: FlowInputs,
    ranges: Ranges,
    factors: FloatArray,
    n_draws: int,
    seed: int,
    distribution: Distribution = "triangular",
    chunk_cells: int = SIMULATION_CHUNK_CELLS,
    workers: int = 1,
    quick_win_months: float = 12.0,
    quick_win_share: float = 0.0,
    common: bool = False,
) -> Simulation:
    """NPV of every draw for every opportunity (``base`` fields have one entry per opportunity).

    With ``common``, every opportunity is valued on the same variates (common random numbers):
    exactly those it would get simulated alone with ``seed``, so one call on many opportunities
    gives each the draws, and the figures, of its own business case, at a fraction of the cost
    of a call per opportunity. Without it the opportunities' draws are independent (a
    programme's projects).

    Each of ``workers`` threads takes the next chunk's raw variates from the streams in turn (one
    at a time, so the streams are read in order) and values it in its own buffers
    (:class:`~shareplan.business_case.montecarlo_kernel.Kernel`; numpy releases the GIL), so the
    result is the same for any number of workers and any chunk size. A draw is a quick win by the
    rule of :func:`shareplan.business_case.cashflow.quick_win` with ``quick_win_months`` and
    ``quick_win_share`` (0: savings begin within the window).
    """
    if distribution not in ("triangular", "pert"):
        raise ValueError(f"unknown distribution {distribution!r}")
    n = ranges.size
    rows = max(1, min(n_draws, chunk_cells // max(1, n)))
    npvs = np.empty((n_draws, n), dtype=np.float64)
    quick = np.empty((n_draws, n), dtype=np.bool_)
    columns = ranges.trading_columns()
    kernel = Kernel(
        base,
        _ppfs(ranges, distribution, columns),
        columns,
        np.asarray(factors, dtype=np.float64),
        (quick_win_months, quick_win_share),
    )
    streams = _Streams(seed, n_draws, int(columns.size), rows if common else 0)
    rho = float(ranges.correlation)

    def run() -> None:
        if n == 0:  # nothing to value (the buffers' minima would have no entries)
            return
        buf = Buffers.allocate(rows, n, int(columns.size))
        while (chunk := streams.fill(buf, rows)) is not None:
            row, size = chunk
            kernel(buf, size, npvs[row : row + size], quick[row : row + size], rho)

    if workers <= 1:
        run()
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for job in [pool.submit(run) for _ in range(workers)]:
                job.result()
    return Simulation(npvs, quick, seed, distribution, quick_win_months, quick_win_share)


def simulate_yearly_net(
    base: FlowInputs,
    ranges: Ranges,
    n_years: int,
    n_draws: int,
    seed: int,
    distribution: Distribution = "triangular",
) -> FloatArray:
    """Yearly net cashable savings of every draw: shape ``(draws, opportunities, years)``.

    Uses the same draws as :func:`simulate_npv` with the same seed, so the two agree draw by draw.
    """
    out = np.empty((n_draws, ranges.size, n_years), dtype=np.float64)
    row = 0
    chunk = max(1, DEFAULT_CHUNK_CELLS // max(1, ranges.size * (n_years + 1)))
    for draws in iter_draws(ranges, n_draws, seed, chunk, distribution):
        size = draws.share.shape[0]
        out[row : row + size] = yearly(with_draws(base, draws), n_years)["net"]
        row += size
    return out
