"""The 0/1 solver's reductions (dominance, count-capped rows, core-then-prove), the model's
remembered answers and the LP-pruned near misses, against hand examples and brute force."""

from __future__ import annotations

import dataclasses
import math
from unittest import mock

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from programme_brute import all_subsets, brute_best
from programme_strategies import alternative_instances, instances
from scipy import sparse

from shareplan.errors import InfeasibleError
from shareplan.programme import solver
from shareplan.programme.candidates import Candidate, CandidateSet
from shareplan.programme.constraints import Constraints, Objective
from shareplan.programme.explain import explain_programme
from shareplan.programme.frontier import at_most
from shareplan.programme.optimiser import Model, solve_block, solve_model
from shareplan.programme.solver import Block, dominated, reduce_rows

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
INF = math.inf


def block(rows: list[list[float]], lo: list[float], hi: list[float]) -> Block:
    return Block(sparse.csr_array(np.array(rows, dtype=float)), np.array(lo), np.array(hi))


def test_dominated_alternatives_hand_example() -> None:
    """Four alternatives for one service (the packing row ``x0+x1+x2+x3 <= 1``), a budget row
    (costs 3, 4, 3, 1 against 10) and an "at least one quick win" row (only x2 is a quick win).
    Minimising -NPV with NPVs 5, 4, 5, 1, the order of taking is x0, x2 (a tie, by position),
    x1, x3.

    * x1 (NPV 4, cost 4) is dominated by x0 (NPV 5, cost 3, no quick win either): dropped.
    * x2 is not dominated by x0: x0 is worse on the quick-win row. (x2 is no worse than x0
      anywhere, but it is taken after x0, so x0 stays too.)
    * x3 (NPV 1) costs less than any other: nothing dominates it.
    """
    b = block([[1, 1, 1, 1], [3, 4, 3, 1], [0, 0, 1, 0]], [-INF, -INF, 1], [1, 10, INF])
    out = dominated(np.array([-5.0, -4.0, -5.0, -1.0]), b.a, b.lo, b.hi)
    assert out.tolist() == [False, True, False, False]


def test_dominance_needs_a_shared_packing_row() -> None:
    """The same figures without the service row: x0 and x1 can both be chosen, so x1 is kept."""
    b = block([[3, 4, 3, 1]], [-INF], [10])
    out = dominated(np.array([-5.0, -4.0, -5.0, -1.0]), b.a, b.lo, b.hi)
    assert not out.any()


def test_identical_alternatives_keep_the_first() -> None:
    """Three identical alternatives for one service: the first (by position) stays."""
    b = block([[1, 1, 1], [2, 2, 2]], [-INF, -INF], [1, 5])
    out = dominated(np.array([-1.0, -1.0, -1.0]), b.a, b.lo, b.hi)
    assert out.tolist() == [False, True, True]


def test_count_cap_drops_rows_a_few_projects_cannot_break() -> None:
    """At most 2 of 4 projects (row 0). FTE 1, 2, 3, 4 against a capacity of 7: the two largest
    need 7, so the FTE row can never be broken and is dropped. Against 6 it can (3 + 4 = 7) and
    stays. The counting row itself stays: it is what makes the other row safe to drop."""
    lb, ub = np.zeros(4), np.ones(4)
    kept = reduce_rows(block([[1, 1, 1, 1], [1, 2, 3, 4]], [-INF, -INF], [2, 7]), lb, ub)
    assert kept is not None and kept.a.shape[0] == 1
    assert kept.a.toarray().tolist() == [[1, 1, 1, 1]]
    tight = reduce_rows(block([[1, 1, 1, 1], [1, 2, 3, 4]], [-INF, -INF], [2, 6]), lb, ub)
    assert tight is not None and tight.a.shape[0] == 2


def test_count_cap_proves_a_minimum_unreachable() -> None:
    """At most 2 projects, but at least 8 FTE of work wanted from FTE 1, 2, 3, 4: the best two
    give 7, so no programme exists."""
    rows = block([[1, 1, 1, 1], [1, 2, 3, 4]], [-INF, 8], [2, INF])
    assert reduce_rows(rows, np.zeros(4), np.ones(4)) is None


@st.composite
def binary_problems(
    draw: st.DrawFn,
) -> tuple[np.ndarray, Block, np.ndarray, np.ndarray]:
    """A random 0/1 programme: packing rows, a counting row, knapsack rows with some negative
    coefficients, lower, upper and two-sided limits, and a few columns fixed by bounds."""
    n = draw(st.integers(1, 10))
    rows: list[list[float]] = []
    los: list[float] = []
    his: list[float] = []
    for _ in range(draw(st.integers(0, 3))):
        members = draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=n, unique=True))
        rows.append([1.0 if i in members else 0.0 for i in range(n)])
        los.append(-INF)
        his.append(1.0)
    if draw(st.booleans()):
        rows.append([1.0] * n)
        los.append(float(draw(st.integers(0, 2))) if draw(st.booleans()) else -INF)
        his.append(float(draw(st.integers(1, 4))))
    for _ in range(draw(st.integers(0, 3))):
        rows.append([float(draw(st.integers(-2, 5))) for _ in range(n)])
        kind = draw(st.sampled_from(("upper", "lower", "both")))
        a, b = sorted((float(draw(st.integers(-3, 12))), float(draw(st.integers(-3, 12)))))
        los.append(a if kind in ("lower", "both") else -INF)
        his.append(b if kind in ("upper", "both") else INF)
    c = np.array([float(draw(st.integers(-10, 10))) for _ in range(n)])
    lb, ub = np.zeros(n), np.ones(n)
    for i in draw(st.lists(st.integers(0, n - 1), max_size=2, unique=True)):
        if draw(st.booleans()):
            lb[i] = 1.0
        else:
            ub[i] = 0.0
    rows_block = (
        block(rows, los, his) if rows else Block(sparse.csr_array((0, n)), np.zeros(0), np.zeros(0))
    )
    return c, rows_block, lb, ub


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(binary_problems(), st.booleans(), st.booleans())
def test_solver_matches_enumeration(
    problem: tuple[np.ndarray, Block, np.ndarray, np.ndarray], maximise: bool, core: bool
) -> None:
    """Every reduction together (fixing, row dropping, count caps, dominance, and on request the
    LP core and reduced-cost fixing) gives the optimum of a full enumeration."""
    c, rows, lb, ub = problem
    x = all_subsets(len(c)).astype(float)
    v = x @ rows.a.toarray().T if rows.n_rows else np.zeros((len(x), 0))
    ok = np.all((v >= rows.lo - 1e-9) & (v <= rows.hi + 1e-9), axis=1)
    ok &= np.all((x >= lb) & (x <= ub), axis=1)
    size = (1, 1) if core else (200, 50)
    with (
        mock.patch.object(solver, "DIRECT_SIZE", size[0]),
        mock.patch.object(solver, "CORE_SIZE", size[1]),
    ):
        out = solve_block(c, rows, lb, ub, maximise)
    if not ok.any():
        assert out.x is None
        return
    values = x[ok] @ c
    best = values.max() if maximise else values.min()
    assert out.x is not None and out.optimal
    assert float(c @ out.x) == pytest.approx(best, abs=1e-9)


def test_model_reuses_an_answer_that_fits_a_tighter_question() -> None:
    """Five projects (the hand example of the explanation tests), at most 2, budget skipped.
    Unlimited, the best pair is A+C (£1.1m, NPV £2.7m). Asked again with at most £1.2m, A+C
    still fits: the model answers from memory (the same outcome object). With at most £1.0m it
    does not fit, so the model solves again and finds A+B (£2.5m)."""
    k, m = 1_000.0, 1_000_000.0
    rows = [
        ("A", 600 * k, 1.5 * m, "hr"),
        ("B", 400 * k, 1.0 * m, "payroll"),
        ("C", 500 * k, 1.2 * m, "finance"),
        ("D", 300 * k, 0.5 * m, "hr"),
        ("E", 100 * k, 0.25 * m, "ict"),
    ]
    cands = CandidateSet.build(
        Candidate(cid, cid, (svc,), (), "lead authority", cost, npv, 50.0, 0.0, False)
        for cid, cost, npv, svc in rows
    )
    model = Model.build(cands, Constraints(projects=(1, 2), budget=1.0 * m))
    free = model.solve(cands.npv, skip=["budget"])
    assert free.x is not None and free.objective == pytest.approx(2.7 * m)
    roomy = model.solve(cands.npv, skip=["budget"], extra=[at_most(cands.cost, 1.2 * m)])
    assert roomy is free
    tight = model.solve(cands.npv, skip=["budget"], extra=[at_most(cands.cost, 1.0 * m)])
    assert tight is not free and tight.objective == pytest.approx(2.5 * m)
    assert model.solve(cands.npv) is not free  # the budget rule is back: not a relaxation


def _forced_in_losses(
    cands: list[Candidate], cons: Constraints, obj: Objective, base: float, ids: list[str]
) -> dict[str, float]:
    out: dict[str, float] = {}
    for cid in ids:
        forced = brute_best(cands, dataclasses.replace(cons, must_include=(cid,)), obj)
        out[cid] = math.inf if forced is None else base - forced[0]
    return out


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(instances(), alternative_instances()))
def test_near_misses_are_the_smallest_losses(
    instance: tuple[list[Candidate], Constraints, Objective],
) -> None:
    """The near misses skip exact solves on the strength of LP bounds; the list must still be
    the candidates of the pool with the smallest losses by brute force, each with its loss,
    leaving out those that lose nothing: they are exactly the equal alternatives."""
    cands, cons, obj = instance
    cons = dataclasses.replace(cons, must_include=())
    if brute_best(cands, cons, obj) is None:
        return
    cset = CandidateSet.build(cands)
    model = Model.build(cset, cons)
    try:
        result = solve_model(model, obj)
    except InfeasibleError:  # pragma: no cover - brute force said feasible
        raise
    why = explain_programme(model, result, near_misses=3, pool=15)
    c = result.coefficients
    excluded = set(cons.must_exclude)
    if cons.min_prob_positive_npv is not None:
        floor = cons.min_prob_positive_npv
        excluded |= {
            x.id for x in cands if x.prob_positive_npv is not None and x.prob_positive_npv < floor
        }
    pool = sorted(
        (
            i
            for i, x in enumerate(cands)
            if x.id not in result.selected_ids and x.id not in excluded
        ),
        key=lambda i: (-c[i], i),
    )[:15]
    losses = _forced_in_losses(
        cands, cons, obj, result.objective_value, [cands[i].id for i in pool]
    )
    tol = 1e-6 * max(1.0, abs(result.objective_value))
    equal = {cid for cid, loss in losses.items() if abs(loss) <= tol}
    assert {e.id for e in why.equal_alternatives} == equal
    losses = {cid: loss for cid, loss in losses.items() if cid not in equal}
    reported = [m.id for m in why.near_misses]
    assert len(reported) == min(3, len(losses))
    for m in why.near_misses:
        if m.loss_if_forced_in is None:
            assert losses[m.id] == math.inf
        else:
            assert m.loss_if_forced_in == pytest.approx(losses[m.id], abs=tol)
    if not reported:
        return
    worst = max(losses[i] for i in reported)
    for cid, loss in losses.items():
        if cid not in reported:
            assert loss >= worst - tol
