"""The 0/1 solver under the optimiser: reduce, prune, then prove with HiGHS. Arrays in, arrays out.

The problem is ``minimise cost @ x`` subject to ``lo <= A @ x <= hi``, ``x`` 0/1, with some ``x``
fixed by bounds. :func:`reduce_rows` takes the fixed columns out and drops rows that can no longer
be broken; :func:`dominated` removes alternatives that can never be needed; :func:`solve_binary`
solves what is left exactly (large problems by an LP bound, a core and reduced-cost fixing).
Every reduction keeps at least one optimal programme, so the answer stays proven optimal; the
docstrings give each proof. Nothing here knows about candidates or rules: see ``optimiser.py``.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

#: Relative MIP gap asked of HiGHS; small enough that the answer is optimal to the pound.
MIP_REL_GAP = 1e-9
#: Size of the first core in the large-problem path (the columns with the smallest reduced costs).
CORE_SIZE = 50
#: Problems with at most this many columns (after dominance) go straight to HiGHS.
DIRECT_SIZE = 200
#: HiGHS's presolve runs only on problems with at most this many columns: on small ones it pays
#: for itself, on the 5,000-candidate benchmark it took 30 s of 33 s on these set-packing rows.
PRESOLVE_COLUMNS = 200
#: Packing rows with more members than this are not searched for dominated pairs (pairs grow as
#: the square of the members; "at most 1 project" over every candidate would be millions).
PACKING_ROW_LIMIT = 64
#: HiGHS options beyond scipy's own. The sub-MIP heuristics (RINS, RENS, root reduced cost) spent
#: most of each solve on these small, tight problems (0.2 s of 0.25 s on a 50-column core) and
#: never found a better programme than branching did; the proof is unaffected.
HIGHS_OPTIONS: dict[str, object] = {
    "mip_heuristic_run_rins": False,
    "mip_heuristic_run_rens": False,
    "mip_heuristic_run_root_reduced_cost": False,
    "mip_heuristic_effort": 0.0,
}
DISP = False

_STATUS = {
    0: "optimal",
    1: "time or iteration limit",
    2: "infeasible",
    3: "unbounded",
    4: "solver error",
}


class SolveFailed(RuntimeError):
    """HiGHS stopped without a programme for a reason other than infeasibility."""


class SolveTimedOut(SolveFailed):
    """HiGHS reached its time limit before it found any programme."""


@dataclass(frozen=True, slots=True)
class Block:
    """Linear rows ``lo <= a @ x <= hi`` over ``n`` columns, stacked as one sparse matrix."""

    a: sparse.csr_array
    lo: FloatArray
    hi: FloatArray

    @property
    def n_rows(self) -> int:
        return int(self.a.shape[0])

    @classmethod
    def empty(cls, n: int) -> Block:
        return cls(sparse.csr_array((0, n)), np.zeros(0), np.zeros(0))

    @classmethod
    def from_rows(
        cls,
        n: int,
        idx: Sequence[IntArray],
        coef: Sequence[FloatArray],
        lo: Sequence[float],
        hi: Sequence[float],
    ) -> Block:
        """Rows given as (column positions, coefficients) pairs; repeated positions add up."""
        if not idx:
            return cls.empty(n)
        lengths = np.array([len(i) for i in idx], dtype=np.int64)
        indptr = np.concatenate([np.zeros(1, dtype=np.int64), np.cumsum(lengths)])
        a = sparse.csr_array(
            (np.concatenate(coef).astype(np.float64), np.concatenate(idx), indptr),
            shape=(len(idx), n),
        )
        a.sum_duplicates()
        return cls(a, np.asarray(lo, dtype=np.float64), np.asarray(hi, dtype=np.float64))

    @classmethod
    def stack(cls, blocks: Sequence[Block], n: int) -> Block:
        parts = [b for b in blocks if b.n_rows]
        if not parts:
            return cls.empty(n)
        if len(parts) == 1:
            return parts[0]
        return cls(
            sparse.csr_array(sparse.vstack([b.a for b in parts], format="csr")),
            np.concatenate([b.lo for b in parts]),
            np.concatenate([b.hi for b in parts]),
        )

    def broken(self, x: FloatArray, rel_tol: float = 1e-7) -> BoolArray:
        """Which rows ``x`` breaks, allowing ``rel_tol`` of the larger of 1 and each finite limit."""
        v = self.a @ x
        tol = rel_tol * limit_scale(self.lo, self.hi)
        return np.asarray((v < self.lo - tol) | (v > self.hi + tol), dtype=np.bool_)


def limit_scale(lo: FloatArray, hi: FloatArray) -> FloatArray:
    """Per row, the larger of 1 and the magnitudes of its finite limits (for tolerances)."""
    finite_lo = np.where(np.isfinite(lo), np.abs(lo), 0.0)
    finite_hi = np.where(np.isfinite(hi), np.abs(hi), 0.0)
    return np.maximum(1.0, np.maximum(finite_lo, finite_hi))


@dataclass(frozen=True, slots=True)
class Reduced:
    """The rows that free columns can still break, over those columns, each scaled to a largest
    coefficient of 1 (``free[k]`` is the original position of column ``k``)."""

    free: IntArray
    a: sparse.csr_array
    lo: FloatArray
    hi: FloatArray


def reduce_rows(block: Block, lb: FloatArray, ub: FloatArray) -> Reduced | None:
    """Take fixed columns out of ``block`` and drop the rows that can no longer be broken.

    A column with ``lb == ub`` is fixed; its use moves into the row limits. A row whose free
    columns cannot reach its lower limit even all at their best, or cannot stay under its upper
    limit even all at their least, cannot be met: the answer is ``None`` (infeasible). A row that
    holds whatever the free columns do is dropped. "All at their best" is capped by a counting
    row: when at most ``k`` projects may be chosen, a row of non-negative coefficients can reach
    at most the sum of its ``k`` largest, so officer capacity that six projects can never use up
    is not a row HiGHS has to carry. Each remaining row is divided by its largest
    coefficient, which keeps HiGHS's tolerances meaningful when figures are in millions.
    """
    free = np.flatnonzero(ub > lb).astype(np.int64)
    m = block.n_rows
    fixed_use = block.a @ lb if m else np.zeros(0)
    lo = block.lo - fixed_use
    hi = block.hi - fixed_use
    sub = sparse.csr_array(block.a[:, free]) if m else sparse.csr_array((0, len(free)))
    rows = np.repeat(np.arange(m, dtype=np.int64), np.diff(sub.indptr))
    data = sub.data
    top = np.bincount(rows, weights=np.maximum(data, 0.0), minlength=m).astype(np.float64)
    bottom = np.bincount(rows, weights=np.minimum(data, 0.0), minlength=m).astype(np.float64)
    top = np.minimum(top, _largest_k_sum(sub, rows, hi, bottom))
    tol = 1e-9 * limit_scale(block.lo, block.hi)
    if np.any(top < lo - tol) or np.any(bottom > hi + tol):
        return None
    live = np.flatnonzero(~((bottom >= lo - tol) & (top <= hi + tol)))
    sub = sparse.csr_array(sub[live])
    sizes = np.diff(sub.indptr)
    scale = np.zeros(len(live))
    np.maximum.at(scale, np.repeat(np.arange(len(live)), sizes), np.abs(sub.data))
    scale[scale == 0] = 1.0
    scaled = sparse.csr_array(
        (sub.data / np.repeat(scale, sizes), sub.indices, sub.indptr), shape=sub.shape
    )
    return Reduced(free, scaled, lo[live] / scale, hi[live] / scale)


def _count_limit(a: sparse.csr_array, hi: FloatArray) -> tuple[int | None, BoolArray]:
    """The most columns that can be 1 at once, when a row says so: a row with coefficient 1 on
    every column and a finite upper limit ("at most 6 projects"). Also which rows are such
    counting rows. ``None`` when there is none."""
    m, n = a.shape
    sizes = np.diff(a.indptr)
    rows = np.repeat(np.arange(m), sizes)
    ones = np.bincount(rows, weights=(a.data == 1.0).astype(np.float64), minlength=m)
    counting = (sizes == n) & (ones == n) & np.isfinite(hi)
    if n == 0 or not np.any(counting):
        return None, counting
    return max(0, math.floor(float(np.min(hi[counting])) + 1e-9)), counting


def _largest_k_sum(
    a: sparse.csr_array, rows: IntArray, hi: FloatArray, bottom: FloatArray
) -> FloatArray:
    """Per row, the most it can reach when a counting row allows at most ``k`` columns at 1: the
    sum of its ``k`` largest coefficients. Infinity for rows with a negative coefficient, when
    there is no counting row, and for the counting rows themselves (a row cannot vouch for
    itself: the tightest of them must stay)."""
    m = a.shape[0]
    k, counting = _count_limit(a, hi)
    if k is None:
        return np.full(m, np.inf)
    order = np.lexsort((-a.data, rows))  # within each row, largest coefficient first
    place = np.arange(len(order)) - a.indptr[rows[order]]
    counted = place < k
    out = np.bincount(
        rows[order][counted], weights=np.maximum(a.data[order][counted], 0.0), minlength=m
    )
    return np.where((bottom < 0) | counting, np.inf, out)


def _pairs_in_packing_rows(a: sparse.csr_array, hi: FloatArray) -> tuple[IntArray, IntArray]:
    """Ordered pairs (i, j), i != j, of columns that share a packing row: a row whose
    coefficients are all 1 and whose upper limit is below 2, so no two of its columns can both be
    1. Rows with more than ``PACKING_ROW_LIMIT`` columns are left out."""
    m, n = a.shape
    sizes = np.diff(a.indptr)
    rows = np.repeat(np.arange(m), sizes)
    ones = np.bincount(rows, weights=(a.data == 1.0).astype(np.float64), minlength=m)
    packing = (ones == sizes) & (sizes >= 2) & (sizes <= PACKING_ROW_LIMIT) & (hi < 2.0)
    firsts: list[IntArray] = []
    seconds: list[IntArray] = []
    for k in np.unique(sizes[packing]):
        starts = a.indptr[:-1][packing & (sizes == k)]
        members = a.indices[starts[:, None] + np.arange(k)]  # one row of columns per packing row
        firsts.append(np.repeat(members, k, axis=1).ravel())
        seconds.append(np.tile(members, (1, k)).ravel())
    if not firsts:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    codes = np.unique(np.concatenate(firsts).astype(np.int64) * n + np.concatenate(seconds))
    first, second = codes // n, codes % n
    distinct = first != second
    return first[distinct], second[distinct]


def dominated(cost: FloatArray, a: sparse.csr_array, lo: FloatArray, hi: FloatArray) -> BoolArray:
    """Columns that can be fixed at 0 without losing every optimum (minimising ``cost @ x``).

    Column ``i`` dominates column ``j`` when (1) they share a packing row, so no feasible ``x``
    has both at 1; (2) ``cost[i] <= cost[j]``, ties going to the earlier position; (3) in every
    row, ``i`` is no worse: ``a[r, i] <= a[r, j]`` where only an upper limit applies (budget,
    FTE, counts, per-partner and per-service rows), ``a[r, i] >= a[r, j]`` where only a lower
    limit applies (at least q quick wins, at least N projects) and ``a[r, i] == a[r, j]`` where
    both apply. Comparisons are exact, with no tolerance.

    Columns are taken in order of (cost, position); ``j`` is fixed at 0 when a column taken
    before it, and not itself fixed at 0, dominates it. Proof that an optimum survives each step:
    let ``x`` be optimal with ``x[j] = 1``. By (1) ``x[i] = 0``. Swap: ``x' = x - e_j + e_i``.
    Each upper row falls or stays (``a[r, i] <= a[r, j]``), each lower row rises or stays, each
    two-sided row is unchanged, so ``x'`` is feasible; by (2) it costs no more, so it is optimal
    too, and it does not use ``j``. Since ``i`` was decided before ``j`` and is kept, the swap
    stays available when later columns are removed. A candidate fixed in (must include) is not a
    column here at all, and a quick win, a partner or a second service shows up as a row in
    which the alternative is worse, so none of these roles is ever dropped.
    """
    n = len(cost)
    out = np.zeros(n, dtype=np.bool_)
    if n < 2 or a.shape[0] == 0:
        return out
    first, second = _pairs_in_packing_rows(a, hi)
    if not len(first):
        return out
    rank = np.empty(n, dtype=np.int64)
    rank[np.lexsort((np.arange(n), cost))] = np.arange(n)
    ahead = rank[first] < rank[second]
    first, second = first[ahead], second[ahead]
    columns = sparse.csc_array(a)
    diff = sparse.coo_array(columns[:, first] - columns[:, second])
    upper = np.isfinite(hi) & ~np.isfinite(lo)
    lower = np.isfinite(lo) & ~np.isfinite(hi)
    both = np.isfinite(lo) & np.isfinite(hi)
    r, d = diff.row, diff.data
    worse = (upper[r] & (d > 0)) | (lower[r] & (d < 0)) | (both[r] & (d != 0))
    fails = np.zeros(len(first), dtype=np.bool_)
    fails[diff.col[worse]] = True
    first, second = first[~fails], second[~fails]
    order = np.argsort(rank[second], kind="stable")
    for i, j in zip(first[order].tolist(), second[order].tolist(), strict=True):
        if not out[i]:
            out[j] = True
    return out


@dataclass(slots=True)
class SolveStats:
    """Where the time went and how far each reduction shrank the problem."""

    columns: int = 0
    rows: int = 0
    after_dominance: int = 0
    after_fixing: int = 0
    reduce_seconds: float = 0.0
    lp_seconds: float = 0.0
    milp_seconds: float = 0.0
    milp_calls: int = 0
    lp_bound: float = math.nan

    def to_dict(self) -> dict[str, float | int | None]:
        return {
            "columns": self.columns,
            "rows": self.rows,
            "after_dominance": self.after_dominance,
            "after_fixing": self.after_fixing,
            "reduce_seconds": self.reduce_seconds,
            "lp_seconds": self.lp_seconds,
            "milp_seconds": self.milp_seconds,
            "milp_calls": self.milp_calls,
        }


@dataclass(frozen=True, slots=True)
class BinarySolution:
    x: FloatArray
    status: str
    optimal: bool
    stats: SolveStats = field(default_factory=SolveStats)


def _milp(
    cost: FloatArray,
    a: sparse.csr_array,
    lo: FloatArray,
    hi: FloatArray,
    keep: IntArray,
    time_limit: float,
    stats: SolveStats,
) -> tuple[FloatArray, str, bool] | None:
    """HiGHS on ``min cost @ x`` over the columns ``keep`` (the others at 0).

    Only the rows those columns could break are passed on. ``None`` means infeasible.
    """
    x = np.zeros(len(cost))
    sub = sparse.csr_array(a[:, keep])
    m = sub.shape[0]
    rows = np.repeat(np.arange(m), np.diff(sub.indptr))
    top = np.bincount(rows, weights=np.maximum(sub.data, 0.0), minlength=m)
    bottom = np.bincount(rows, weights=np.minimum(sub.data, 0.0), minlength=m)
    tol = 1e-9
    if np.any(top < lo - tol) or np.any(bottom > hi + tol):
        return None
    if len(keep) == 0:
        return x, "optimal", True
    live = np.flatnonzero(~((bottom >= lo - tol) & (top <= hi + tol)))
    sub = sparse.csr_array(sub[live])
    start = time.perf_counter()
    with warnings.catch_warnings():
        # scipy passes options it does not know to HiGHS verbatim, and says so
        warnings.filterwarnings("ignore", message="Unrecognized options", category=RuntimeWarning)
        res = milp(
            cost[keep],
            integrality=np.ones(len(keep)),
            bounds=Bounds(0.0, 1.0),
            constraints=[LinearConstraint(sub, lo[live], hi[live])] if len(live) else [],
            options={
                "time_limit": time_limit,
                "mip_rel_gap": MIP_REL_GAP,
                "disp": DISP,
                "presolve": len(keep) <= PRESOLVE_COLUMNS,
                **HIGHS_OPTIONS,
            },
        )
    stats.milp_seconds += time.perf_counter() - start
    stats.milp_calls += 1
    if res.x is None:
        if int(res.status) in (0, 2):
            return None
        if int(res.status) == 1:
            raise SolveTimedOut(str(res.message))
        raise SolveFailed(str(res.message))
    x[keep] = np.round(np.asarray(res.x, dtype=np.float64))
    return x, _STATUS.get(int(res.status), f"status {res.status}"), int(res.status) == 0


def solve_binary(
    cost: FloatArray,
    a: sparse.csr_array,
    lo: FloatArray,
    hi: FloatArray,
    time_limit: float = 60.0,
) -> BinarySolution | None:
    """Minimise ``cost @ x`` over 0/1 ``x`` with ``lo <= a @ x <= hi``, exactly; ``None`` if
    infeasible.

    First the dominated columns go (:func:`dominated`). Small problems then go straight to HiGHS.
    Large ones are solved core first, then proved:

    1. Solve the LP relaxation, worth ``L`` (a lower bound on the cost of any programme).
    2. Solve the 0/1 problem on a core of the ``CORE_SIZE`` columns with the smallest reduced
       costs, the rest at 0: a real programme costing ``z``.
    3. A column at 0 in the LP with reduced cost ``d`` cannot be in any programme cheaper than
       ``L + d`` (LP duality). Every column with ``L + d > z`` is therefore fixed at 0: it cannot
       be in any programme at least as good as the core's.
    4. If what is left lies inside the core, the core answer is optimal. Otherwise HiGHS solves
       again over what is left (and the core's programme), which contains every optimum.
    """
    stats = SolveStats(columns=len(cost), rows=int(a.shape[0]))
    start = time.perf_counter()
    cols = np.flatnonzero(~dominated(cost, a, lo, hi)).astype(np.int64)
    stats.reduce_seconds += time.perf_counter() - start
    stats.after_dominance = stats.after_fixing = len(cols)

    def done(found: tuple[FloatArray, str, bool] | None) -> BinarySolution | None:
        return None if found is None else BinarySolution(found[0], found[1], found[2], stats)

    if len(cols) <= DIRECT_SIZE:
        return done(_milp(cost, a, lo, hi, cols, time_limit, stats))
    sub = sparse.csr_array(a[:, cols])
    upper, lower = np.isfinite(hi), np.isfinite(lo)
    start = time.perf_counter()
    lp = linprog(
        cost[cols],
        A_ub=sparse.vstack([sub[np.flatnonzero(upper)], -sub[np.flatnonzero(lower)]], "csr"),
        b_ub=np.concatenate([hi[upper], -lo[lower]]),
        bounds=(0, 1),
        method="highs",
    )
    stats.lp_seconds += time.perf_counter() - start
    if lp.status == 2:
        return None
    if lp.status != 0:
        return done(_milp(cost, a, lo, hi, cols, time_limit, stats))
    stats.lp_bound = float(lp.fun)
    reduced = np.maximum(np.asarray(lp.lower.marginals, dtype=np.float64), 0.0)
    order = np.lexsort((cols, reduced))
    core = cols[np.sort(order[:CORE_SIZE])]
    first = _milp(cost, a, lo, hi, core, time_limit, stats)
    if first is None:
        return done(_milp(cost, a, lo, hi, cols, time_limit, stats))
    z = float(cost @ first[0])
    tol = 1e-9 * max(1.0, abs(z))
    alive = cols[lp.fun + reduced <= z + tol]
    stats.after_fixing = len(np.union1d(alive, core))
    if np.all(np.isin(alive, core)):
        return done(first)
    keep = np.union1d(alive, np.flatnonzero(first[0] > 0.5)).astype(np.int64)
    stats.after_fixing = len(keep)
    return done(_milp(cost, a, lo, hi, keep, time_limit, stats))


def lp_bound(cost: FloatArray, a: sparse.csr_array, lo: FloatArray, hi: FloatArray) -> float | None:
    """The LP relaxation's optimum: no 0/1 ``x`` costs less. ``None`` when even the relaxation
    has no solution, which proves the 0/1 problem infeasible too."""
    if len(cost) == 0:
        return 0.0
    upper, lower = np.isfinite(hi), np.isfinite(lo)
    lp = linprog(
        cost,
        A_ub=sparse.vstack([a[np.flatnonzero(upper)], -a[np.flatnonzero(lower)]], "csr"),
        b_ub=np.concatenate([hi[upper], -lo[lower]]),
        bounds=(0, 1),
        method="highs",
    )
    if lp.status == 2:
        return None
    if lp.status != 0:
        return -math.inf  # no bound known: nothing may be skipped on its strength
    return float(lp.fun)
