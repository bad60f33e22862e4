"""Sensitivity: exact stability intervals against a brute-force sweep, rank reversal, SMAA."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from shareplan.assessment.mcda import order
from shareplan.assessment.sensitivity import (
    Tree,
    acceptability,
    lines,
    rank_reversals,
    smaa,
    stability,
)

CRITERIA = ("a1", "a2", "b1", "b2")
TREE = Tree(
    criteria=CRITERIA,
    group_of=("A", "A", "B", "B"),
    groups=("A", "B"),
    group_share={"A": 0.6, "B": 0.4},
    local_share={"a1": 0.5, "a2": 0.5, "b1": 0.75, "b2": 0.25},
)
SCORES = np.array(
    [
        [90.0, 20.0, 40.0, 70.0],
        [60.0, 65.0, 30.0, 10.0],
        [20.0, 50.0, 95.0, 60.0],
        [50.0, 50.0, 50.0, 50.0],
        [10.0, 95.0, 70.0, 20.0],
    ]
)
IDS = ("p", "q", "r", "s", "t")


def brute_weights(level: str, target: str, p: np.ndarray) -> np.ndarray:
    """Overall weights (len(p), 4) when ``target`` is set to share p of its node, written out
    directly (independently of the module): the siblings keep their proportions."""
    g = {k: np.full_like(p, v) for k, v in TREE.group_share.items()}
    loc = {k: np.full_like(p, v) for k, v in TREE.local_share.items()}
    if level == "group":
        other = "B" if target == "A" else "A"
        g[target], g[other] = p, 1 - p
    else:
        group = TREE.group_of[CRITERIA.index(target)]
        sib = next(
            c for c, gg in zip(CRITERIA, TREE.group_of, strict=True) if gg == group and c != target
        )
        loc[target], loc[sib] = p, 1 - p
    return np.stack([g[gg] * loc[c] for c, gg in zip(CRITERIA, TREE.group_of, strict=True)], axis=1)


@pytest.mark.parametrize("top_n", [1, 2, 3])
def test_stability_matches_brute_force_sweep(top_n: int) -> None:
    """Sweep each weight over [0, 1] in steps of 1e-6 and find, around its current value, the
    run where the top-N set is unchanged; the exact interval must agree to the grid's 1e-6."""
    exact = {(s.level, s.target): s for s in stability(SCORES, TREE, IDS, top_n)}
    grid = np.linspace(0.0, 1.0, 1_000_001)
    base_top = frozenset(order(SCORES @ TREE.weights())[:top_n].tolist())
    for (level, target), interval in exact.items():
        totals = brute_weights(level, target, grid) @ SCORES.T  # (grid, options)
        # top-N membership per grid point: the N-th highest total as threshold
        nth = -np.partition(-totals, top_n - 1, axis=1)[:, top_n - 1]
        inside = np.zeros(totals.shape, dtype=bool)
        inside[:, list(base_top)] = True
        same = (totals[:, list(base_top)].min(axis=1) >= nth) & (
            np.where(inside, -np.inf, totals).max(axis=1) <= nth
        )
        p0 = interval.current
        k0 = round(p0 * 1_000_000)
        assert same[k0]
        lo = k0
        while lo > 0 and same[lo - 1]:
            lo -= 1
        hi = k0
        while hi < len(grid) - 1 and same[hi + 1]:
            hi += 1
        assert interval.low == pytest.approx(grid[lo], abs=1.01e-6), (level, target)
        assert interval.high == pytest.approx(grid[hi], abs=1.01e-6), (level, target)


def test_lines_are_the_totals() -> None:
    """alpha + beta * p equals the weighted sum at the current share and at 0.3."""
    for level, target in TREE.targets():
        alpha, beta, p0 = lines(SCORES, TREE, level, target)
        assert alpha + beta * p0 == pytest.approx(SCORES @ TREE.weights())
        assert alpha + beta * 0.3 == pytest.approx(
            SCORES @ brute_weights(level, target, np.array([0.3]))[0]
        )


def test_rank_reversal_switching_value_makes_them_tie() -> None:
    totals = SCORES @ TREE.weights()
    for r in rank_reversals(SCORES, TREE, IDS):
        if r.weight is None:
            continue
        assert r.level is not None and r.switching_value is not None
        w = brute_weights(r.level, r.weight, np.array([r.switching_value]))[0]
        moved = SCORES @ w
        assert moved[IDS.index(r.upper)] == pytest.approx(moved[IDS.index(r.lower)], abs=1e-9)
        assert r.gap == pytest.approx(totals[IDS.index(r.upper)] - totals[IDS.index(r.lower)])


@settings(max_examples=60, deadline=None)
@given(
    arrays(np.float64, st.tuples(st.integers(2, 9), st.integers(1, 6)), elements=st.floats(0, 100)),
    st.integers(0, 2**32 - 1),
)
def test_acceptability_rows_and_columns_sum_to_one(scores: np.ndarray, seed: int) -> None:
    rng = np.random.default_rng(seed)
    w = rng.dirichlet(np.ones(scores.shape[1]), size=300)
    acc = acceptability(scores, w, chunk=128)
    assert acc.sum(axis=0) == pytest.approx(np.ones(scores.shape[0]))
    assert acc.sum(axis=1) == pytest.approx(np.ones(scores.shape[0]))


def test_smaa_is_seeded_and_dominance_is_certain() -> None:
    """Option 0 beats option 1 on every criterion, so under any weights it ranks above: P(rank 1)
    for option 0 is 1 with two options. The same seed gives the same result."""
    scores = np.array([[80.0, 70.0, 90.0], [20.0, 30.0, 10.0]])
    first = smaa(scores, ("x", "y"), top_n=1, samples=2000, seed=7)
    assert first.acceptability[0, 0] == 1.0
    assert first.p_top.tolist() == [1.0, 0.0]
    again = smaa(SCORES, IDS, 2, 3000, seed=11)
    assert np.array_equal(again.acceptability, smaa(SCORES, IDS, 2, 3000, seed=11).acceptability)
