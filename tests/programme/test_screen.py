"""The smaller candidate set behind the trade-offs: same optimum as every candidate, every time."""

from __future__ import annotations

from unittest import mock

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shareplan.errors import InfeasibleError
from shareplan.programme import screen
from shareplan.programme.candidates import Candidate, CandidateSet
from shareplan.programme.constraints import Constraints, Objective
from shareplan.programme.frontier import at_least, at_most
from shareplan.programme.optimiser import Model, Outcome, solve_model
from shareplan.programme.plan import ProgrammePlan, plan_programme
from shareplan.programme.screen import ScreenedModel, covered, screened

SERVICES = tuple(f"s{i}" for i in range(10))
PARTNERS = ("barnsley", "doncaster", "sheffield", "nhs", "police")
K = 1_000.0


@st.composite
def crowded(draw: st.DrawFn) -> tuple[list[Candidate], Constraints, Objective]:
    """Many candidates with figures from small sets, so that many are covered several times over,
    some covering two services, under rules of every kind that keeps a number of projects."""
    n = draw(st.integers(8, 36))
    out: list[Candidate] = []
    for i in range(n):
        first = draw(st.sampled_from(SERVICES))
        services = (first,) if draw(st.integers(0, 4)) else (first, draw(st.sampled_from(SERVICES)))
        year1 = draw(st.sampled_from((0.0, 100 * K, 200 * K, 300 * K)))
        year2 = draw(st.sampled_from((0.0, 100 * K)))
        out.append(
            Candidate(
                id=f"c{i}",
                title=f"Candidate {i}",
                service_ids=tuple(dict.fromkeys(services)),
                partner_ids=tuple(
                    draw(st.lists(st.sampled_from(PARTNERS), max_size=2, unique=True))
                ),
                model="lead authority",
                one_off_cost=year1 + year2,
                one_off_cost_by_year=(year1, year2),
                fte_by_year=(float(draw(st.integers(0, 2))), float(draw(st.integers(0, 1)))),
                npv=draw(st.sampled_from((-100 * K, 0.0, 200 * K, 400 * K, 600 * K))),
                value_score=float(draw(st.sampled_from((20, 50, 80)))),
                savings_12m=draw(st.sampled_from((0.0, 50 * K, 100 * K))),
                quick_win=draw(st.booleans()),
                prob_positive_npv=draw(st.none() | st.sampled_from((0.3, 0.7, 0.9))),
            )
        )
    ids = [c.id for c in out]
    hi = draw(st.integers(1, 3))
    cons = Constraints(
        projects=(draw(st.integers(0, hi)), hi),
        budget=draw(st.none() | st.integers(0, 80).map(lambda k: k * 10 * K)),
        funding_by_year=draw(st.none() | st.just((500 * K, 150 * K))),
        fte_capacity_by_year=draw(st.none() | st.just((3.0, 1.0))),
        partner_capacity=draw(st.none() | st.integers(0, 2)),
        min_quick_wins=draw(st.integers(0, 1)),
        must_include=tuple(draw(st.lists(st.sampled_from(ids), max_size=1))),
        must_exclude=tuple(draw(st.lists(st.sampled_from(ids), max_size=2, unique=True))),
        min_prob_positive_npv=draw(st.none() | st.just(0.5)),
    )
    obj = Objective(
        kind=draw(st.sampled_from(("npv", "value", "early_savings", "blend"))),
        value_weight=draw(st.sampled_from((0.0, 0.5, 1.0))),
    )
    return out, cons, obj


def _value(out: Outcome, c: np.ndarray) -> float | None:
    return None if out.x is None else float(c @ out.x)


def _same(a: Outcome, b: Outcome, c: np.ndarray) -> None:
    va, vb = _value(a, c), _value(b, c)
    assert (va is None) == (vb is None)
    if va is not None and vb is not None:
        assert va == pytest.approx(vb, rel=1e-9, abs=1e-6)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(crowded(), st.data())
def test_the_smaller_set_gives_the_same_optimum_as_every_candidate(
    instance: tuple[list[Candidate], Constraints, Objective], data: st.DataObject
) -> None:
    """Every kind of question the trade-offs ask (the objective; a project forced out; a candidate
    forced in; NPV for at least some early savings; the cheapest for at least some benefit; the
    best within a budget) has the same optimum over the smaller set as over every candidate."""
    cands, cons, obj = instance
    pool = CandidateSet.build(cands)
    full = Model.build(pool, cons)
    c, _ = obj.coefficients(pool)
    one = data.draw(st.integers(0, pool.n - 1))
    forced = data.draw(st.integers(0, pool.n - 1))
    with mock.patch.object(screen, "SCREEN_FROM", 1):
        small = screened(full, c, keep=[forced])
    level = data.draw(st.sampled_from((0.0, 50 * K, 150 * K)))
    budget = data.draw(st.sampled_from((100 * K, 300 * K, 700 * K)))
    floor = float(np.sort(c)[-1]) * data.draw(st.sampled_from((0.0, 0.5, 1.0)))
    questions = [
        (c, {}),
        (c, {"fix_zero": [one]}),
        (c, {"fix_one": [forced]}),
        (pool.npv, {"extra": [at_least(pool.savings_12m, level)]}),
        (pool.savings_12m, {}),
        (pool.cost, {"extra": [at_least(c, floor)], "skip": ["budget"], "maximise": False}),
        (c, {"extra": [at_most(pool.cost, budget)], "skip": ["budget"]}),
    ]
    for vector, kw in questions:
        _same(small.solve(vector, **kw), full.solve(vector, **kw), vector)  # type: ignore[arg-type]


def _single_service_pool(npvs: list[float]) -> CandidateSet:
    return CandidateSet.build(
        Candidate(
            id=f"c{i}",
            title=f"Candidate {i}",
            service_ids=(f"s{i}",),
            partner_ids=(),
            model="lead authority",
            one_off_cost=100 * K,
            npv=v,
            value_score=50.0,
            savings_12m=0.0,
            quick_win=False,
        )
        for i, v in enumerate(npvs)
    )


def test_a_candidate_with_enough_covers_is_dropped_and_one_without_is_kept() -> None:
    """One project at most, one service each, all at the same cost: a programme of one can block
    no cover, so a candidate needs SPARE + 1 = 2 covers (better or equal NPV, earlier) to go.
    NPVs 5, 4, 3, 3, 1 (£k): the first two have fewer than two covers and stay; the rest go."""
    pool = _single_service_pool([5 * K, 4 * K, 3 * K, 3 * K, 1 * K])
    model = Model.build(pool, Constraints(projects=1))
    assert covered(model, pool.npv).tolist() == [False, False, True, True, True]
    with mock.patch.object(screen, "SCREEN_FROM", 1):
        small = screened(model, pool.npv)
    assert isinstance(small, ScreenedModel)
    assert small.kept.tolist() == [0, 1]


def test_covers_that_a_programme_could_block_are_not_enough() -> None:
    """Three projects at most: the other two can block two covers, so a candidate needs
    2 x 1 + 1 + 1 = 4 disjoint covers. With six candidates only the fifth and sixth have four."""
    pool = _single_service_pool([6 * K, 5 * K, 4 * K, 3 * K, 2 * K, 1 * K])
    model = Model.build(pool, Constraints(projects=(1, 3)))
    assert covered(model, pool.npv).tolist() == [False, False, False, False, True, True]


def test_covers_sharing_a_service_count_once() -> None:
    """Covers are counted only when they share no service with each other: two alternatives for
    the same service could both be blocked by one project."""
    pool = CandidateSet.build(
        Candidate(
            id=f"c{i}",
            title=f"Candidate {i}",
            service_ids=(svc,),
            partner_ids=(),
            model="lead authority",
            one_off_cost=100 * K,
            npv=v,
            value_score=50.0,
            savings_12m=0.0,
            quick_win=False,
        )
        for i, (svc, v) in enumerate([("hr", 5 * K), ("hr", 4 * K), ("ict", 1 * K)])
    )
    model = Model.build(pool, Constraints(projects=1))
    assert covered(model, pool.npv).tolist() == [False, False, False]


def test_an_open_number_of_projects_keeps_every_candidate() -> None:
    pool = _single_service_pool([5 * K, 4 * K, 3 * K] * 200)
    model = Model.build(pool, Constraints(projects=None, budget=300 * K))
    assert screened(model, pool.npv) is model


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(crowded())
def test_the_whole_plan_has_the_same_figures_over_the_smaller_set(
    instance: tuple[list[Candidate], Constraints, Objective],
) -> None:
    """Reasons, near misses, budget shadow, frontier, value for money and the order of buy's
    exact value are the same figures with and without the smaller set."""
    cands, cons, obj = instance
    pool = CandidateSet.build(cands)
    try:
        solve_model(Model.build(pool, cons), obj)
    except InfeasibleError:  # no programme keeps the rules: nothing to compare
        return
    with mock.patch.object(screen, "SCREEN_FROM", 1):
        small = plan_programme(pool, cons, obj, proposed_ids=[cands[0].id])
    with mock.patch.object(screen, "SCREEN_FROM", 10**9):
        full = plan_programme(pool, cons, obj, proposed_ids=[cands[0].id])
    assert small.result.selected_ids == full.result.selected_ids

    def figures(plan: ProgrammePlan) -> list[float]:
        why, eq = plan.explanation, plan.equity
        shadow = why.budget_shadow
        assert eq is not None
        out: list[float | None] = [
            *(r.loss_if_removed for r in why.selected),
            *(m.loss_if_forced_in for m in why.near_misses),
            None if shadow is None else shadow.gain,
            *(v for q in plan.frontier.points for v in (q.savings_12m, q.npv)),
            *(v for q in plan.value_for_money.points for v in (q.budget, q.objective_value)),
            plan.order_of_buy.exact_value,
            eq.best_same_cost.benefit,
            eq.cheapest_same_benefit.one_off_cost,
        ]
        return [np.nan if v is None else v for v in out]

    assert [m.id for m in small.explanation.near_misses] == [
        m.id for m in full.explanation.near_misses
    ]
    assert figures(small) == pytest.approx(figures(full), rel=1e-9, abs=1e-6, nan_ok=True)
