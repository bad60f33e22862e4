"""How firm the ranking is: exact weight-stability intervals, the rank-reversal table and SMAA.

**One weight at a time, exactly.** Change one weight of the value tree (a group's share of the whole,
or a criterion's share within its group) to p while the other weights at that node keep their
proportions (if they are all zero, they share the rest equally). Every option's total is then a
straight line in p, total_i(p) = alpha_i + beta_i * p, so two options swap at the single point where
their lines cross, p* = -(alpha_a - alpha_b) / (beta_a - beta_b). The interval over which the top N
is unchanged is bounded by the nearest crossings between an option inside the top N and one outside
it; nothing is searched or sampled, and the bounds are exact to floating-point accuracy.

**Rank reversal.** For each pair of options next to each other in the ranking, the smallest single
weight change that makes them swap (the Green Book's *switching value*, applied to weights),
measured as how much overall weight moves.

**Stochastic multicriteria acceptability analysis (SMAA; Lahdelma, Hokkanen and Salminen, 1998).**
Draw many weight vectors uniformly from the simplex of all weights (no preference information), or
within the stakeholders' range of each weight, rank the options under each, and count how often
each option takes each rank (its rank acceptability) and lands in the top N. Vectorised in numpy and
chunked so that memory stays flat.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from shareplan.assessment.mcda import order

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
_FLAT = 1e-12  # |slope difference| below which two lines are treated as parallel


@dataclass(frozen=True)
class Tree:
    """The value tree with its weights: groups' shares and criteria's shares within groups."""

    criteria: tuple[str, ...]
    group_of: tuple[str, ...]  # group of each criterion
    groups: tuple[str, ...]
    group_share: Mapping[str, float]
    local_share: Mapping[str, float]

    def weights(self) -> FloatArray:
        return np.array(
            [
                self.group_share[g] * self.local_share[c]
                for c, g in zip(self.criteria, self.group_of, strict=True)
            ]
        )

    def targets(self) -> list[tuple[str, str]]:
        """Every weight that can be varied: (level, id), groups first; a criterion alone in its
        group is left out (its share is fixed at one)."""
        out = [("group", g) for g in self.groups] if len(self.groups) > 1 else []
        for c, g in zip(self.criteria, self.group_of, strict=True):
            if self.group_of.count(g) > 1:
                out.append(("criterion", c))
        return out


def _rescaled(shares: FloatArray, k: int, p: float) -> FloatArray:
    """Shares with element k set to p and the others keeping their proportions (or equal if zero)."""
    others = shares.copy()
    others[k] = 0.0
    rest = others.sum()
    if rest > 0:
        others *= (1.0 - p) / rest
    else:
        mask = np.ones_like(shares, dtype=bool)
        mask[k] = False
        others[mask] = (1.0 - p) / mask.sum()
    others[k] = p
    return others


def lines(
    scores: FloatArray, tree: Tree, level: str, target: str
) -> tuple[FloatArray, FloatArray, float]:
    """alpha (n,), beta (n,) and the current share p0 such that total_i(p) = alpha_i + beta_i * p when
    the ``target`` weight (a group or a criterion) is set to share p of its node."""
    groups = list(tree.groups)
    gshare = np.array([tree.group_share[g] for g in groups])
    # value of each option within each group: (n, n_groups)
    within = np.zeros((scores.shape[0], len(groups)))
    for j, (c, g) in enumerate(zip(tree.criteria, tree.group_of, strict=True)):
        within[:, groups.index(g)] += tree.local_share[c] * scores[:, j]
    if level == "group":
        k = groups.index(target)
        at0 = within @ _rescaled(gshare, k, 0.0)
        at1 = within @ _rescaled(gshare, k, 1.0)
        return at0, at1 - at0, float(gshare[k])
    g = tree.group_of[tree.criteria.index(target)]
    members = [j for j, gg in enumerate(tree.group_of) if gg == g]
    local = np.array([tree.local_share[tree.criteria[j]] for j in members])
    k = members.index(tree.criteria.index(target))
    outside = within @ gshare - within[:, groups.index(g)] * gshare[groups.index(g)]
    sub = scores[:, members]
    gw = gshare[groups.index(g)]
    at0 = outside + gw * (sub @ _rescaled(local, k, 0.0))
    at1 = outside + gw * (sub @ _rescaled(local, k, 1.0))
    return at0, at1 - at0, float(local[k])


@dataclass(frozen=True)
class StabilityInterval:
    """Over [low, high] (shares of the weight's node) the top N stays the same set of options."""

    level: str
    target: str
    current: float
    low: float
    high: float
    parent_share: float  # the group's share for a criterion, 1 for a group
    enters_below: str | None  # who would enter the top N just below ``low``
    leaves_below: str | None
    enters_above: str | None
    leaves_above: str | None

    def to_dict(self) -> dict[str, object]:
        return {
            "level": self.level,
            "weight": self.target,
            "current_share": round(self.current, 6),
            "stable_from": round(self.low, 6),
            "stable_to": round(self.high, 6),
            "overall_current": round(self.current * self.parent_share, 6),
            "overall_from": round(self.low * self.parent_share, 6),
            "overall_to": round(self.high * self.parent_share, 6),
            "below_from": (
                None
                if self.enters_below is None
                else {"enters": self.enters_below, "leaves": self.leaves_below}
            ),
            "above_to": (
                None
                if self.enters_above is None
                else {"enters": self.enters_above, "leaves": self.leaves_above}
            ),
        }


def top_set_interval(
    alpha: FloatArray, beta: FloatArray, p0: float, top: IntArray
) -> tuple[float, float, tuple[int, int] | None, tuple[int, int] | None]:
    """The interval of p around p0 within [0, 1] where every option in ``top`` scores at least as
    much as every option outside it; and the binding (inside, outside) pair at each end."""
    n = alpha.shape[0]
    inside = np.zeros(n, dtype=bool)
    inside[top] = True
    if inside.all() or not inside.any():
        return 0.0, 1.0, None, None
    i_idx, k_idx = np.nonzero(inside)[0], np.nonzero(~inside)[0]
    da = alpha[i_idx][:, None] - alpha[k_idx][None, :]
    db = beta[i_idx][:, None] - beta[k_idx][None, :]
    low, high = 0.0, 1.0
    low_pair: tuple[int, int] | None = None
    high_pair: tuple[int, int] | None = None
    with np.errstate(divide="ignore", invalid="ignore"):
        cross = -da / db
    rising = db > _FLAT  # the inside option gains on the outside one as p grows: bound below
    falling = db < -_FLAT
    if rising.any():
        c = np.where(rising, cross, -np.inf)
        a = int(np.argmax(c))
        if c.flat[a] > low:
            low = float(min(c.flat[a], p0))
            r, s = np.unravel_index(a, c.shape)
            low_pair = (int(i_idx[r]), int(k_idx[s]))
    if falling.any():
        c = np.where(falling, cross, np.inf)
        a = int(np.argmin(c))
        if c.flat[a] < high:
            high = float(max(c.flat[a], p0))
            r, s = np.unravel_index(a, c.shape)
            high_pair = (int(i_idx[r]), int(k_idx[s]))
    return low, high, low_pair, high_pair


def stability(
    scores: FloatArray, tree: Tree, ids: Sequence[str], top_n: int
) -> list[StabilityInterval]:
    """For every weight of the tree, the exact interval over which the top ``top_n`` is unchanged."""
    ranking = order(scores @ tree.weights())
    top = ranking[:top_n]
    out: list[StabilityInterval] = []
    for level, target in tree.targets():
        alpha, beta, p0 = lines(scores, tree, level, target)
        lo, hi, lp, hp = top_set_interval(alpha, beta, p0, top)
        parent = (
            1.0
            if level == "group"
            else tree.group_share[tree.group_of[tree.criteria.index(target)]]
        )
        out.append(
            StabilityInterval(
                level=level,
                target=target,
                current=p0,
                low=lo,
                high=hi,
                parent_share=parent,
                enters_below=None if lp is None else ids[lp[1]],
                leaves_below=None if lp is None else ids[lp[0]],
                enters_above=None if hp is None else ids[hp[1]],
                leaves_above=None if hp is None else ids[hp[0]],
            )
        )
    return out


@dataclass(frozen=True)
class RankReversal:
    """The smallest single weight change that swaps two neighbours in the ranking."""

    rank: int  # of the upper option
    upper: str
    lower: str
    gap: float  # total points between them
    level: str | None
    weight: str | None
    current: float | None
    switching_value: float | None  # the share at which they tie
    overall_change: float | None  # overall weight moved (share change x parent share)

    def to_dict(self) -> dict[str, object]:
        def r(x: float | None) -> float | None:
            return None if x is None else round(x, 6) + 0.0

        return {
            "rank": self.rank,
            "upper": self.upper,
            "lower": self.lower,
            "gap": round(self.gap, 6),
            "level": self.level,
            "weight": self.weight,
            "current_share": r(self.current),
            "switching_share": r(self.switching_value),
            "overall_change": r(self.overall_change),
        }


def rank_reversals(
    scores: FloatArray, tree: Tree, ids: Sequence[str], limit: int | None = None
) -> list[RankReversal]:
    """For each adjacent pair in the ranking (the first ``limit`` pairs, or all), the single weight
    whose smallest change swaps them, or none if no single weight can."""
    totals = scores @ tree.weights()
    ranking = order(totals)
    pairs = len(ranking) - 1 if limit is None else min(limit, len(ranking) - 1)
    upper, lower = ranking[:pairs], ranking[1 : pairs + 1]
    best_move = np.full(pairs, np.inf)
    best: list[tuple[str, str, float, float] | None] = [None] * pairs
    for level, target in tree.targets():
        alpha, beta, p0 = lines(scores, tree, level, target)
        parent = (
            1.0
            if level == "group"
            else tree.group_share[tree.group_of[tree.criteria.index(target)]]
        )
        da = alpha[upper] - alpha[lower]
        db = beta[upper] - beta[lower]
        with np.errstate(divide="ignore", invalid="ignore"):
            cross = -da / db
        ok = (np.abs(db) > _FLAT) & (cross >= 0.0) & (cross <= 1.0)
        move = np.where(ok, np.abs(cross - p0) * parent, np.inf)
        better = move < best_move
        for i in np.nonzero(better)[0].tolist():
            best_move[i] = move[i]
            best[i] = (level, target, p0, float(cross[i]))
    out: list[RankReversal] = []
    for i in range(pairs):
        a, b = int(upper[i]), int(lower[i])
        found = best[i]
        out.append(
            RankReversal(
                rank=i + 1,
                upper=ids[a],
                lower=ids[b],
                gap=float(totals[a] - totals[b]),
                level=None if found is None else found[0],
                weight=None if found is None else found[1],
                current=None if found is None else found[2],
                switching_value=None if found is None else found[3],
                overall_change=None if found is None else float(best_move[i]),
            )
        )
    return out


# ------------------------------------------------------------------------------ SMAA


def sample_simplex(rng: np.random.Generator, n: int, dims: int) -> FloatArray:
    """n weight vectors uniform on the simplex (normalised exponentials = Dirichlet(1, ..., 1))."""
    e = rng.exponential(size=(n, dims))
    out: FloatArray = e / e.sum(axis=1, keepdims=True)
    return out


def sample_ranges(
    rng: np.random.Generator, n: int, low: FloatArray, high: FloatArray
) -> FloatArray:
    """n weight vectors with each weight uniform in [low, high], then normalised to sum to one."""
    w = rng.uniform(low, high, size=(n, low.shape[0]))
    total = w.sum(axis=1, keepdims=True)
    total[total <= 0] = 1.0
    out: FloatArray = w / total
    return out


def acceptability(
    scores: FloatArray, weights: FloatArray, chunk: int = 1000, ranks: int | None = None
) -> FloatArray:
    """Rank acceptability (n_options, ranks): entry [i, r] is the share of the weight samples
    (rows of ``weights``) under which option i takes rank r + 1. With every rank (the default)
    each row and column sums to 1."""
    return rank_statistics(scores, weights, chunk, ranks)[0]


def rank_statistics(
    scores: FloatArray, weights: FloatArray, chunk: int = 1000, ranks: int | None = None
) -> tuple[FloatArray, FloatArray]:
    """The rank acceptability of the first ``ranks`` ranks (all when ``None``) and every option's
    expected rank over all of them.

    Only the first ranks are counted because an n x n table is what a long list cannot afford:
    15,000 shortlisted opportunities would need 1.8 GB for it, and a report shows ten ranks."""
    n = scores.shape[0]
    kept = n if ranks is None else max(1, min(ranks, n))
    counts = np.zeros(n * kept, dtype=np.int64)
    rank_sum = np.zeros(n, dtype=np.float64)
    for start in range(0, weights.shape[0], chunk):
        w = weights[start : start + chunk]
        totals = w @ scores.T  # (k, n)
        ranked = np.argsort(-totals, axis=1, kind="stable")  # ranked[s, r] = option at rank r
        head = ranked[:, :kept]
        slots = np.tile(np.arange(kept, dtype=np.int64), head.shape[0])
        counts += np.bincount(head.ravel() * kept + slots, minlength=n * kept)
        places = np.tile(np.arange(1, n + 1, dtype=np.float64), ranked.shape[0])
        rank_sum += np.bincount(ranked.ravel(), weights=places, minlength=n)
    samples = weights.shape[0]
    table: FloatArray = counts.reshape(n, kept) / samples
    expected: FloatArray = rank_sum / samples
    return table, expected


@dataclass(frozen=True)
class SMAAResult:
    method: str
    samples: int
    seed: int
    top_n: int
    ids: tuple[str, ...]
    acceptability: FloatArray  # (n, ranks kept): the first ranks only, see rank_statistics
    expected: FloatArray  # (n,) expected rank over every rank

    @property
    def p_top(self) -> FloatArray:
        out: FloatArray = self.acceptability[:, : self.top_n].sum(axis=1)
        return out

    @property
    def expected_rank(self) -> FloatArray:
        return self.expected

    def for_option(self, i: int, ranks_shown: int) -> dict[str, object]:
        shown = min(ranks_shown, self.acceptability.shape[1])
        row = self.acceptability[i]
        return {
            "p_top_n": round(float(self.p_top[i]), 4),
            "expected_rank": round(float(self.expected[i]), 3),
            "rank_acceptability": [round(float(x), 4) for x in row[:shown]],
            "beyond_shown": round(max(0.0, 1.0 - float(row[:shown].sum())), 4),
        }

    def to_dict(self, ranks_shown: int) -> dict[str, object]:
        return {
            "method": self.method,
            "samples": self.samples,
            "seed": self.seed,
            "top_n": self.top_n,
            "ranks_shown": min(ranks_shown, self.acceptability.shape[1]),
            "options": {oid: self.for_option(i, ranks_shown) for i, oid in enumerate(self.ids)},
        }


def smaa(
    scores: FloatArray,
    ids: Sequence[str],
    top_n: int,
    samples: int,
    seed: int,
    low: FloatArray | None = None,
    high: FloatArray | None = None,
    chunk: int = 1000,
    ranks: int | None = None,
) -> SMAAResult:
    """SMAA over the effective score matrix: weights uniform on the simplex, or within [low, high];
    the acceptability of the first ``ranks`` ranks is kept (all when ``None``)."""
    rng = np.random.default_rng(seed)
    if low is None or high is None:
        weights, method = sample_simplex(rng, samples, scores.shape[1]), "uniform on the simplex"
    else:
        weights, method = sample_ranges(rng, samples, low, high), "within the stakeholders' ranges"
    table, expected = rank_statistics(scores, weights, chunk, ranks)
    return SMAAResult(
        method=method,
        samples=samples,
        seed=seed,
        top_n=top_n,
        ids=tuple(ids),
        acceptability=table,
        expected=expected,
    )
