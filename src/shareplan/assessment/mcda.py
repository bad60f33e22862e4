"""The linear additive model of multi-criteria analysis (DCLG, *Multi-criteria analysis: a manual*,
2009): each option's total is the weighted sum of its 0-100 scores, S_i = sum_j w_j * s_ij, with
weights that sum to one.

:func:`weighted_sum` and :func:`rank` are the pure maths over arrays; :func:`evaluate` checks its
inputs and returns a :class:`WeightedSumResult` carrying the intermediate values (each weighted
contribution), so that a report can say why one option is above another.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def weighted_sum(scores: FloatArray, weights: FloatArray) -> FloatArray:
    """(n, c) scores and (c,) or (c, k) weights to (n,) or (n, k) totals. No checks."""
    out: FloatArray = scores @ weights
    return out


def order(totals: FloatArray) -> IntArray:
    """Positions from best to worst: highest total first, ties kept in input order (stable)."""
    out: IntArray = np.argsort(-totals, kind="stable").astype(np.int64)
    return out


def rank(totals: FloatArray) -> IntArray:
    """Rank of each option, 1 = best; ties are broken by input order so ranks are a permutation."""
    ranks = np.empty(totals.shape[0], dtype=np.int64)
    ranks[order(totals)] = np.arange(1, totals.shape[0] + 1)
    return ranks


@dataclass(frozen=True)
class WeightedSumResult:
    """A weighted sum with everything that went into it."""

    ids: tuple[str, ...]
    criteria: tuple[str, ...]
    scores: FloatArray  # (n, c), 0-100
    weights: FloatArray  # (c,), sum 1
    totals: FloatArray  # (n,)
    ranks: IntArray  # (n,), 1 = best
    order: IntArray  # positions, best first

    @property
    def contributions(self) -> FloatArray:
        """(n, c) weighted contributions, scores x weights; each row sums to the total."""
        out: FloatArray = self.scores * self.weights
        return out

    def ranked_ids(self) -> tuple[str, ...]:
        return tuple(self.ids[i] for i in self.order.tolist())


def evaluate(
    scores: npt.ArrayLike,
    weights: npt.ArrayLike,
    ids: Sequence[str] | None = None,
    criteria: Sequence[str] | None = None,
) -> WeightedSumResult:
    """Check and run the weighted sum. Scores must be finite and within 0-100; weights finite,
    non-negative and not all zero (they are normalised to sum to one)."""
    s = np.asarray(scores, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64)
    if s.ndim != 2 or w.ndim != 1 or s.shape[1] != w.shape[0]:
        raise ValueError(f"scores {s.shape} and weights {w.shape} do not match")
    low, high = (float(s.min()), float(s.max())) if s.size else (0.0, 0.0)
    if not (low >= 0.0 and high <= 100.0):  # also false for NaN
        raise ValueError("scores must be finite and between 0 and 100")
    if not np.isfinite(w).all() or (w < 0).any() or w.sum() <= 0:
        raise ValueError("weights must be finite, non-negative and not all zero")
    w = w / w.sum()
    names = tuple(ids) if ids is not None else tuple(str(i) for i in range(s.shape[0]))
    crit = tuple(criteria) if criteria is not None else tuple(f"c{j}" for j in range(s.shape[1]))
    if len(names) != s.shape[0] or len(crit) != s.shape[1]:
        raise ValueError("ids and criteria must match the score matrix")
    totals = weighted_sum(s, w)
    best_first = order(totals)
    ranks = np.empty(totals.shape[0], dtype=np.int64)
    ranks[best_first] = np.arange(1, totals.shape[0] + 1)
    return WeightedSumResult(
        ids=names, criteria=crit, scores=s, weights=w, totals=totals, ranks=ranks, order=best_first
    )
