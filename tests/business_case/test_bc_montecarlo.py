"""Monte Carlo: degenerate ranges, reproducibility, chunk invariance, convergence, distributions."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shareplan.business_case import cashflow
from shareplan.business_case.cashflow import FlowInputs
from shareplan.business_case.discounting import Band, schedule_factors
from shareplan.business_case.montecarlo import (
    Ranges,
    iter_draws,
    simulate_npv,
    simulate_yearly_net,
    triangular_ppf,
    with_draws,
)
from shareplan.business_case.montecarlo_kernel import Ppf, pert_ppf

DF = schedule_factors((Band(0, None, 0.035),), 10)


def base(n: int = 3) -> FlowInputs:
    return FlowInputs(
        baseline=np.linspace(500_000.0, 2_000_000.0, n),
        share=np.full(n, 0.12),
        keep=np.ones(n),
        trading=np.zeros(n),
        non_cashable=np.zeros(n),
        procurement_months=np.full(n, 3.0),
        implementation_months=np.full(n, 6.0),
        ramp_months=np.full(n, 12.0),
        team_cost_per_month=np.full(n, 6_000.0),
        procurement_cost=np.full(n, 15_000.0),
        ict_cost=np.full(n, 60_000.0),
        exit_cost_full=np.full(n, 400_000.0),
        ict_uplift=np.full(n, 2.0),
        team_uplift=np.full(n, 2.0),
        duration_uplift=np.full(n, 0.54),
    )


def ranges(n: int = 3, fixed: bool = False) -> Ranges:
    if fixed:
        return Ranges(
            share=(np.full(n, 0.12),) * 3,
            cost_multiplier=(np.ones(n),) * 3,
            delay_months=(np.zeros(n),) * 3,
            correlation=0.6,
        )
    return Ranges(
        share=(np.full(n, 0.05), np.full(n, 0.12), np.full(n, 0.2)),
        cost_multiplier=(np.full(n, 0.9), np.ones(n), np.full(n, 1.6)),
        delay_months=(np.zeros(n), np.zeros(n), np.full(n, 9.0)),
        correlation=0.6,
    )


def test_all_inputs_central_gives_the_deterministic_npv() -> None:
    """With low = central = high for every input, every draw is the central case: P10 = P50 = P90
    = the deterministic NPV (yearly net x DF)."""
    sim = simulate_npv(base(), ranges(fixed=True), DF, 2_000, seed=7)
    deterministic = cashflow.yearly(base(), 10)["net"] @ DF
    p10, p50, p90 = sim.percentiles()
    for p in (p10, p50, p90):
        assert p == pytest.approx(deterministic, rel=1e-10)


def test_same_seed_same_results_whatever_the_chunks_and_threads() -> None:
    a = simulate_npv(base(), ranges(), DF, 3_000, seed=20101201)
    b = simulate_npv(base(), ranges(), DF, 3_000, seed=20101201, chunk_cells=700, workers=2)
    np.testing.assert_array_equal(a.npv, b.npv)
    c = simulate_npv(base(), ranges(), DF, 3_000, seed=1)
    assert not np.array_equal(a.npv, c.npv)


def test_no_opportunities_or_no_draws_give_empty_results() -> None:
    empty = np.zeros(0)
    nothing = FlowInputs(*(empty,) * 12)
    r = Ranges(share=(empty,) * 3, cost_multiplier=(empty,) * 3, delay_months=(empty,) * 3)
    assert simulate_npv(nothing, r, DF, 100, seed=1, workers=2).npv.shape == (100, 0)
    assert simulate_npv(base(), ranges(), DF, 0, seed=1).npv.shape == (0, 3)


def test_p50_converges() -> None:
    """P50 of 10,000 draws is within 1% of P50 of 100,000 draws (another seed), for an opportunity
    whose median NPV is well away from zero (2m a year of gross cost)."""
    one = base(1).replace(baseline=np.full(1, 2_000_000.0))
    small = simulate_npv(one, ranges(1), DF, 10_000, seed=11).percentiles((50,))[0]
    large = simulate_npv(one, ranges(1), DF, 100_000, seed=12).percentiles((50,))[0]
    assert np.all(large > 500_000)
    assert small == pytest.approx(large, rel=0.01)


def test_yearly_draws_agree_with_npv_draws() -> None:
    sim = simulate_npv(base(), ranges(), DF, 500, seed=3)
    yearly = simulate_yearly_net(base(), ranges(), 10, 500, seed=3)
    assert yearly.shape == (500, 3, 10)
    np.testing.assert_allclose(yearly @ DF, sim.npv, rtol=1e-9, atol=1e-6)


def test_cost_and_delay_are_correlated() -> None:
    """A Gaussian copula with rho 0.6 gives a clearly positive rank correlation."""
    draws = next(iter_draws(ranges(1), 20_000, seed=5, chunk=20_000))
    cost = draws.cost_multiplier[:, 0]
    delay = draws.delay_months[:, 0]
    ranks = np.corrcoef(np.argsort(np.argsort(cost)), np.argsort(np.argsort(delay)))[0, 1]
    assert 0.45 < ranks < 0.7


def test_triangular_and_pert_quantiles() -> None:
    """Triangular(0, 0, 9): the median solves 1 - (1 - x/9)**2 = 0.5, x = 9 (1 - sqrt(0.5)) = 2.636.
    Triangular(0, 5, 10) is symmetric: median 5. PERT(0, 5, 10) is Beta(3, 3): median 5."""
    u = np.array([0.5])
    z, m, t = np.zeros(1), np.full(1, 5.0), np.full(1, 10.0)
    assert triangular_ppf(u, z, z, np.full(1, 9.0))[0] == pytest.approx(9 * (1 - 0.5**0.5))
    assert triangular_ppf(u, z, m, t)[0] == pytest.approx(5.0)
    assert pert_ppf(u, z, m, t)[0] == pytest.approx(5.0)
    assert triangular_ppf(np.array([0.0, 1.0]), z, m, t) == pytest.approx([0.0, 10.0])
    assert triangular_ppf(u, m, m, m)[0] == 5.0


def trading_ranges(n: int = 3, fixed: bool = False) -> Ranges:
    """The default ranges with trading: buyers' volume 20%-50%-60% of ours, margin 0-10%-15%."""
    r = ranges(n, fixed)
    volume = (np.full(n, 0.2), np.full(n, 0.5), np.full(n, 0.6))
    margin = (np.zeros(n), np.full(n, 0.1), np.full(n, 0.15))
    if fixed:
        volume = (volume[1],) * 3
        margin = (margin[1],) * 3
    return Ranges(
        share=r.share,
        cost_multiplier=r.cost_multiplier,
        delay_months=r.delay_months,
        correlation=r.correlation,
        trading_volume=volume,
        trading_margin=margin,
    )


def trading_base(n: int = 3) -> FlowInputs:
    """The base inputs with their central trading income: baseline x 0.5 x 0.1."""
    b = base(n)
    return b.replace(trading=np.asarray(b.baseline) * 0.5 * 0.1)


def test_trading_fixed_at_central_gives_the_deterministic_npv() -> None:
    """Trading income of 5% of the baseline, every range collapsed to its central value: every
    draw is the central case, P10 = P50 = P90 = the deterministic NPV."""
    sim = simulate_npv(trading_base(), trading_ranges(fixed=True), DF, 2_000, seed=7)
    deterministic = cashflow.yearly(trading_base(), 10)["net"] @ DF
    for p in sim.percentiles():
        assert p == pytest.approx(deterministic, rel=1e-10)


def test_trading_income_is_drawn_and_the_other_draws_are_unchanged() -> None:
    """Volume and margin are drawn from their own streams: the saving, cost and delay draws are the
    same with or without trading ranges (so the NPVs differ by the trading income alone), the
    results are the same for any chunk size and thread count, and the mean trading income is
    baseline x E[volume] x E[margin] = baseline x (0.2 + 0.5 + 0.6) / 3 x (0 + 0.1 + 0.15) / 3
    = baseline x 0.036111 (independent triangulars), against 0.05 in the central case: the ranges
    lean down."""
    with_trading = next(iter_draws(trading_ranges(), 4_000, seed=9, chunk=4_000))
    without = next(iter_draws(ranges(), 4_000, seed=9, chunk=4_000))
    np.testing.assert_array_equal(with_trading.share, without.share)
    np.testing.assert_array_equal(with_trading.delay_months, without.delay_months)
    assert without.trading_columns.size == 0
    np.testing.assert_array_equal(with_trading.trading_columns, [0, 1, 2])
    a = simulate_npv(trading_base(), trading_ranges(), DF, 3_000, seed=20101201)
    b = simulate_npv(
        trading_base(), trading_ranges(), DF, 3_000, seed=20101201, chunk_cells=700, workers=2
    )
    np.testing.assert_array_equal(a.npv, b.npv)
    many = next(iter_draws(trading_ranges(1), 200_000, seed=4, chunk=200_000))
    income = many.trading_volume * many.trading_margin
    assert float(income.mean()) == pytest.approx((1.3 / 3) * (0.25 / 3), rel=0.01)
    fixed = simulate_npv(trading_base(), ranges(), DF, 3_000, seed=20101201)
    assert float(np.percentile(a.npv[:, 2], 10)) < float(np.percentile(fixed.npv[:, 2], 10))


def test_only_trading_opportunities_draw_trading() -> None:
    """An opportunity with no trading (volume 0) keeps its base trading income of 0 in every
    draw; the one that trades has its income drawn."""
    r = trading_ranges(2)
    r = Ranges(
        share=r.share,
        cost_multiplier=r.cost_multiplier,
        delay_months=r.delay_months,
        correlation=r.correlation,
        trading_volume=(np.array([0.0, 0.2]), np.array([0.0, 0.5]), np.array([0.0, 0.6])),
        trading_margin=r.trading_margin,
    )
    b = base(2).replace(trading=np.array([0.0, 2_000_000.0 * 0.05]))
    draws = next(iter_draws(r, 500, seed=2, chunk=500))
    np.testing.assert_array_equal(draws.trading_columns, [1])
    yearly = simulate_yearly_net(b, r, 10, 500, seed=2)
    sim = simulate_npv(b, r, DF, 500, seed=2)
    np.testing.assert_allclose(yearly @ DF, sim.npv, rtol=1e-9, atol=1e-6)
    assert np.ptp(sim.npv[:, 1]) > 0


def _draw(ppf: Ppf, u: np.ndarray) -> np.ndarray:
    out = np.empty_like(u)
    ppf(u, out, np.empty_like(u), np.empty_like(u))
    return out


def test_precomputed_inverse_cdf_equals_the_formula() -> None:
    """The sampler's triangular inverse CDF, with its constants worked out once and its branch
    picked by multiplying by 0 or 1, gives the draws of triangular_ppf: for (0, 0, 9) at u = 0.5,
    9 x (1 - sqrt(0.5)) = 2.636; a zero-width range gives its one value; random u over three mixed
    ranges agree to rounding, and so do the upper branch alone (every mode on its low end) and a
    draw written over its own uniforms."""
    lows, modes, highs = (
        np.array([0.0, 2.0, 5.0]),
        np.array([0.0, 3.0, 5.0]),
        np.array([9.0, 8.0, 5.0]),
    )
    ppf = Ppf((lows, modes, highs), False, 3, None)
    assert not ppf.upper_only
    u = np.random.default_rng(3).random((1_000, 3))
    assert _draw(ppf, u) == pytest.approx(triangular_ppf(u, lows, modes, highs), abs=1e-12)
    half = _draw(ppf, np.full((1, 3), 0.5))
    assert half[0, 0] == pytest.approx(9 * (1 - 0.5**0.5))
    assert half[0, 2] == 5.0
    upper = Ppf((lows[::2], modes[::2], highs[::2]), False, 2, None)
    assert upper.upper_only
    expected = triangular_ppf(u[:, ::2], lows[::2], modes[::2], highs[::2])
    assert _draw(upper, u[:, ::2].copy()) == pytest.approx(expected, abs=1e-12)
    same = u.copy()
    ppf(same, same, np.empty_like(u), np.empty_like(u))
    np.testing.assert_array_equal(same, _draw(ppf, u))


def _general(
    inputs: FlowInputs, r: Ranges, n_draws: int, seed: int, share: float
) -> tuple[np.ndarray, np.ndarray]:
    """NPV and quick win of every draw by the general closed form (cashflow.npv_and_start)."""
    draws = next(iter_draws(r, n_draws, seed, n_draws))
    drawn = with_draws(inputs, draws)
    npv, start = cashflow.npv_and_start(drawn, DF)
    quick = np.broadcast_to(cashflow.quick_win(drawn, 12.0, share, start), npv.shape)
    return npv, quick


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from([0.0, 0.1]))
def test_simulation_equals_the_general_closed_form_draw_by_draw(seed: int, share: float) -> None:
    """The simulation's kernel (constants per opportunity worked out once, buffers reused) gives
    the NPV and quick win of the general closed form for the same draws, over random portfolios
    that include its rare cases: a ramp that is a step, no procurement, no implementation, a delay
    that brings savings forward to the end of procurement or to month 0, no share kept, an
    outsourcing uplift, trading drawn for some opportunities and not others, and PERT."""
    rng = np.random.default_rng(seed)
    n = 40
    inputs = FlowInputs(
        baseline=rng.uniform(1e5, 5e6, n),
        share=rng.uniform(0.02, 0.2, n),
        keep=rng.choice([0.0, 0.5, 1.0], n),
        trading=np.zeros(n),
        non_cashable=np.zeros(n),
        procurement_months=rng.choice([0.0, 3.0, 9.0], n),
        implementation_months=rng.choice([0.0, 0.5, 6.0], n),
        ramp_months=rng.choice([0.0, 6.0, 48.0], n),
        team_cost_per_month=rng.uniform(0, 20_000, n),
        procurement_cost=rng.uniform(0, 60_000, n),
        ict_cost=rng.uniform(0, 300_000, n),
        exit_cost_full=rng.uniform(0, 900_000, n),
        delay_months=rng.choice([0.0, -2.0, 1.5], n),
        cost_multiplier=rng.uniform(1.0, 1.3, n),
        team_uplift=rng.uniform(0, 2, n),
        procurement_uplift=rng.uniform(0, 2, n),
        ict_uplift=rng.uniform(0, 2, n),
        exit_uplift=rng.uniform(0, 2, n),
        duration_uplift=rng.choice([0.0, 0.54], n),
        operating_uplift=rng.choice([0.0, 0.41], n),
    )
    trades = rng.random(n) < 0.3
    volume = (np.where(trades, 0.1, 0.0), np.where(trades, 0.25, 0.0), np.where(trades, 0.3, 0.0))
    margin = (np.zeros(n), np.full(n, 0.1), np.full(n, 0.15))
    inputs = inputs.replace(trading=np.asarray(inputs.baseline) * volume[1] * margin[1])
    central = np.asarray(inputs.share)
    r = Ranges(
        share=(central * 0.5, central, central * 1.6),
        cost_multiplier=(np.full(n, 0.9), np.ones(n), np.full(n, 1.6)),
        delay_months=(np.full(n, -4.0), np.full(n, -1.0), np.full(n, 6.0)),
        correlation=0.6,
        trading_volume=volume,
        trading_margin=margin,
    )
    npv, quick = _general(inputs, r, 300, seed, share)
    sim = simulate_npv(inputs, r, DF, 300, seed, chunk_cells=1_000, quick_win_share=share)
    scale = np.abs(npv) + np.asarray(inputs.baseline)  # rounding is relative to the gross flows
    assert np.all(np.abs(sim.npv - npv) <= 1e-12 * scale)
    np.testing.assert_array_equal(sim.quick_win, quick)
    pert = simulate_npv(inputs, r, DF, 50, seed, "pert", quick_win_share=share)
    draws = next(iter_draws(r, 50, seed, 50, "pert"))
    expected = cashflow.npv_fast(with_draws(inputs, draws), DF)
    assert np.all(np.abs(pert.npv - expected) <= 1e-12 * (np.abs(expected) + 1e6))
