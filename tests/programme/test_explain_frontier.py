"""Explanations, the frontier, the value-for-money curve, EQUITY's P/B/C and the order of buy."""

from __future__ import annotations

import itertools
from unittest import mock

import numpy as np
import pytest
from hand_sets import hand_set
from hypothesis import HealthCheck, given, settings
from programme_brute import all_subsets, brute_best, feasible_mask
from programme_strategies import instances

from shareplan.errors import InfeasibleError
from shareplan.programme import optimiser, solver
from shareplan.programme.candidates import Candidate, CandidateSet
from shareplan.programme.constraints import Constraints, Objective
from shareplan.programme.explain import explain_programme
from shareplan.programme.frontier import (
    TIE_BREAK_SECONDS,
    equity_comparison,
    order_of_buy,
    speed_npv_frontier,
    value_for_money_curve,
)
from shareplan.programme.optimiser import Model, solve_model
from shareplan.programme.plan import ProgrammePlan, plan_programme

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
K = 1_000.0
M = 1_000_000.0


def five() -> CandidateSet:
    """The hand example: five candidates, objective NPV, 1 or 2 projects, budget £1.0m.

    ====  =====  =====  =======
    id    cost   NPV    service
    ====  =====  =====  =======
    A     600k   1.50m  hr
    B     400k   1.00m  payroll
    C     500k   1.20m  finance
    D     300k   0.50m  hr
    E     100k   0.25m  ict
    ====  =====  =====  =======
    """
    rows = [
        ("A", 600 * K, 1.5 * M, "hr"),
        ("B", 400 * K, 1.0 * M, "payroll"),
        ("C", 500 * K, 1.2 * M, "finance"),
        ("D", 300 * K, 0.5 * M, "hr"),
        ("E", 100 * K, 0.25 * M, "ict"),
    ]
    return hand_set(*rows)


RULES = Constraints(projects=(1, 2), budget=1.0 * M)


def test_hand_example_explanation() -> None:
    """Worked by hand.

    Pairs within £1.0m (A and D share hr): A+B £1.0m NPV £2.5m; B+C £0.9m £2.2m; A+E £0.7m
    £1.75m; C+D £0.8m £1.7m; B+D £0.7m £1.5m; C+E £1.45m; B+E £1.25m; D+E £0.75m. Best: A+B, £2.5m.

    Near misses, each forced in: C's best is B+C (£2.2m), a loss of £0.3m; it displaces A, and the
    budget alone keeps it out (with no budget A+C gives £2.7m). E's best is A+E (£1.75m), a loss of
    £0.75m, displacing B. D's best is C+D (£1.7m), a loss of £0.8m. So C, E, D in that order.

    Without A the best is B+C (loss £0.3m, C comes in); without B it is A+E (loss £0.75m).

    Shadow price: with £1.1m, A+C costs £1.1m and gives £2.7m: another £100k buys £0.2m, adding C
    and dropping B (£2 of NPV per extra £1 of budget).
    """
    model = Model.build(five(), RULES)
    result = solve_model(model, Objective("npv"))
    assert result.selected_ids == ("A", "B")
    assert result.objective_value == pytest.approx(2.5 * M)
    assert {u.label for u in result.no_room_left} == {
        "budget of £1.0m",
        "at most 2 projects",
        "at most one opportunity per service",  # hr is taken by A, so D cannot join
    }
    service = next(u for u in result.uses if u.key == "one_per_service")
    assert service.tight == ("at most one opportunity for service 'hr'",)

    why = explain_programme(model, result, near_misses=3)
    by_id = {s.id: s for s in why.selected}
    assert by_id["A"].loss_if_removed == pytest.approx(0.3 * M)
    assert by_id["A"].replaced_by == ("C",)
    assert by_id["B"].loss_if_removed == pytest.approx(0.75 * M)
    assert by_id["B"].replaced_by == ("E",)
    assert any(
        u.rule == "budget of £1.0m" and u.share == pytest.approx(0.6) for u in by_id["A"].uses
    )

    assert [m.id for m in why.near_misses] == ["C", "E", "D"]
    c = why.near_misses[0]
    assert c.loss_if_forced_in == pytest.approx(0.3 * M)
    assert c.displaces == ("A",)
    assert c.kept_out_by == ("budget of £1.0m",)
    assert "£300k" in c.text and "budget of £1.0m" in c.text

    shadow = why.budget_shadow
    assert shadow is not None
    assert shadow.gain == pytest.approx(0.2 * M)
    assert shadow.gain_per_pound == pytest.approx(2.0)
    assert shadow.added == ("C",) and shadow.removed == ("B",)
    assert why.to_dict()["budget_shadow"]["gain"] == pytest.approx(0.2 * M)  # type: ignore[index]


def test_hand_example_equity() -> None:
    """P = B+D (£0.7m, NPV £1.5m). B at £0.7m or less: A+E (£0.7m, £1.75m) beats C+E (£1.45m)
    and B+D. C, cheapest with NPV of at least £1.5m: A alone at £0.6m (nothing cheaper reaches
    £1.5m: C £0.5m gives £1.2m, B+E £0.5m gives £1.25m, D+E £0.4m gives £0.75m)."""
    model = Model.build(five(), RULES)
    eq = equity_comparison(model, Objective("npv"), ["B", "D"])
    assert eq.proposed.one_off_cost == pytest.approx(0.7 * M)
    assert eq.proposed.benefit == pytest.approx(1.5 * M)
    assert eq.proposed.breaks == ()
    assert eq.best_same_cost.ids == ("A", "E")
    assert eq.best_same_cost.benefit == pytest.approx(1.75 * M)
    assert eq.cheapest_same_benefit.ids == ("A",)
    assert eq.cheapest_same_benefit.one_off_cost == pytest.approx(0.6 * M)
    d = eq.to_dict()
    assert d["benefit_gain_B"] == pytest.approx(0.25 * M)
    assert d["cost_saving_C"] == pytest.approx(0.1 * M)


def test_equity_reports_rules_the_proposal_breaks() -> None:
    model = Model.build(five(), RULES)
    eq = equity_comparison(model, Objective("npv"), ["A", "D", "E"])
    assert set(eq.proposed.breaks) == {
        "at most 2 projects",
        "at most one opportunity for service 'hr'",
    }


def test_hand_example_order_of_buy() -> None:
    """NPV/cost: E 2.5, A 2.5, C 2.4, B 2.5, D 1.67. Ties by position: A, B, E, C, D.
    Fund A (£0.6m), B (£1.0m in all), then E is blocked by the budget: greedy = A+B = exact."""
    model = Model.build(five(), RULES)
    buy = order_of_buy(model, Objective("npv"))
    assert buy.ids == ("A", "B")
    assert buy.gap == pytest.approx(0.0)
    assert [s.id for s in buy.steps][:3] == ["A", "B", "E"]
    assert buy.steps[2].blocked_by in {"budget of £1.0m", "at most 2 projects"}


def test_value_for_money_curve_hand_example() -> None:
    """Budgets £0.5m, £1.0m, £1.1m: B+E (£1.25m, beating C alone at £1.2m), A+B (£2.5m),
    A+C (£2.7m)."""
    model = Model.build(five(), RULES)
    curve = value_for_money_curve(model, Objective("npv"), budgets=[0.5 * M, 1.0 * M, 1.1 * M])
    assert [p.ids for p in curve.points] == [("B", "E"), ("A", "B"), ("A", "C")]
    assert [p.objective_value for p in curve.points] == pytest.approx([1.25 * M, 2.5 * M, 2.7 * M])


def test_a_tie_break_out_of_time_keeps_the_best_answer() -> None:
    """On a loaded machine HiGHS may reach its time limit in a tie-break (the cheapest of the
    equally good programmes) before finding anything. The curve then keeps the first answer,
    already the best NPV at each budget, instead of stopping the appraisal; any other solver
    failure still stops it."""
    model = Model.build(five(), RULES)
    real = Model.solve
    calls = {"n": 0}

    limits: list[float] = []

    def flaky(self: Model, *args: object, **kwargs: object) -> optimiser.Outcome:
        calls["n"] += 1
        limits.append(self.time_limit)
        if calls["n"] % 2 == 0:  # every tie-break
            raise optimiser.SolverTimedOut("Time limit reached")
        return real(self, *args, **kwargs)  # type: ignore[arg-type]

    with mock.patch.object(Model, "solve", flaky):
        curve = value_for_money_curve(model, Objective("npv"), budgets=[0.5 * M, 1.0 * M])
    assert [p.objective_value for p in curve.points] == pytest.approx([1.25 * M, 2.5 * M])
    # the tie-breaks, and only they, search for at most TIE_BREAK_SECONDS
    assert limits[1::2] == [TIE_BREAK_SECONDS] * 2 and limits[0::2] == [60.0] * 2
    assert model.time_limit == 60.0

    def broken(self: Model, *args: object, **kwargs: object) -> optimiser.Outcome:
        calls["n"] += 1
        if calls["n"] % 2 == 0:
            raise optimiser.SolverError("HiGHS failed")
        return real(self, *args, **kwargs)  # type: ignore[arg-type]

    with mock.patch.object(Model, "solve", broken), pytest.raises(optimiser.SolverError):
        value_for_money_curve(model, Objective("npv"), budgets=[0.5 * M])


@FAST
@given(instances())
def test_frontier_is_the_exact_non_dominated_set(
    instance: tuple[list[Candidate], Constraints, Objective],
) -> None:
    cands, cons, _ = instance
    subsets = all_subsets(len(cands))
    ok = feasible_mask(cands, cons, subsets)
    model = Model.build(CandidateSet.build(cands), cons)
    frontier = speed_npv_frontier(model, max_points=10_000)
    if not ok.any():
        assert frontier.points == ()
        return
    x = subsets.astype(float)
    early = x @ np.array([c.savings_12m for c in cands])
    npv = x @ np.array([c.npv for c in cands])
    pairs = {(float(s), float(v)) for s, v in zip(early[ok], npv[ok], strict=True)}
    best = {
        (s, v)
        for s, v in pairs
        if not any(s2 >= s and v2 >= v and (s2, v2) != (s, v) for s2, v2 in pairs)
    }
    got = [(p.savings_12m, p.npv) for p in frontier.points]
    assert set(got) == best
    for a, b in itertools.pairwise(got):
        assert b[0] > a[0] and b[1] <= a[1]  # monotone: more early savings, never more NPV
    index = {c.id: i for i, c in enumerate(cands)}
    for p in frontier.points:
        code = sum(1 << index[i] for i in p.ids)
        assert ok[code]  # every point is a feasible programme


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_core_then_prove_path_matches_brute_force(
    instance: tuple[list[Candidate], Constraints, Objective],
) -> None:
    """Force the large-problem path (LP, core MILP, reduced-cost fixing) on small instances."""
    cands, cons, obj = instance
    best = brute_best(cands, cons, obj)
    with (
        mock.patch.object(solver, "DIRECT_SIZE", 2),
        mock.patch.object(solver, "CORE_SIZE", 2),
    ):
        if best is None:
            with pytest.raises(InfeasibleError):
                optimiser.optimise(CandidateSet.build(cands), cons, obj)
            return
        result = optimiser.optimise(CandidateSet.build(cands), cons, obj)
    assert result.objective_value == pytest.approx(best[0], rel=1e-9, abs=1e-6)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_explanations_are_consistent(
    instance: tuple[list[Candidate], Constraints, Objective],
) -> None:
    """Losses are never negative (the programme is optimal) and every reason is JSON-ready."""
    import json

    cands, cons, obj = instance
    if brute_best(cands, cons, obj) is None:
        return
    model = Model.build(CandidateSet.build(cands), cons)
    result = solve_model(model, obj)
    why = explain_programme(model, result)
    tol = 1e-6 * max(1.0, abs(result.objective_value))
    for s in why.selected:
        assert s.loss_if_removed is None or s.loss_if_removed >= -tol
    for m in why.near_misses:
        assert m.loss_if_forced_in is None or m.loss_if_forced_in >= -tol
        assert m.id not in result.selected_ids
    if why.budget_shadow is not None:
        assert why.budget_shadow.gain >= -tol
    json.dumps(why.to_dict())
    json.dumps(result.to_dict())


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_choose_only_is_the_full_plans_choice(
    instance: tuple[list[Candidate], Constraints, Objective],
) -> None:
    """The what-if's choose-only plan picks exactly the programme the full plan picks, with the
    same reasons, near misses and budget shadow, and carries none of the trade-offs."""
    cands, cons, obj = instance
    pool = CandidateSet.build(cands)
    if brute_best(cands, cons, obj) is None:
        with pytest.raises(InfeasibleError):
            plan_programme(pool, cons, obj, choose_only=True)
        return
    full = plan_programme(pool, cons, obj)
    alone = plan_programme(pool, cons, obj, choose_only=True)
    assert not isinstance(alone, ProgrammePlan)
    assert alone.result.selected_ids == full.result.selected_ids
    assert alone.result.objective_value == full.result.objective_value
    assert alone.explanation == full.explanation
    whole, part = full.to_dict(), alone.to_dict()
    for block in (whole, part):
        block.pop("solver")  # the time each solve took differs
    assert part == {k: v for k, v in whole.items() if k in part}
    assert set(whole) - set(part) == {
        "frontier",
        "value_for_money",
        "order_of_buy",
        "equity",
        "view",
    }
