"""Which rules limit the programme, what keeps each near miss out, equal alternatives, and the
frontier carrying the chosen programme: hand-made examples with known answers."""

from __future__ import annotations

import pytest
from hand_sets import hand_set

from shareplan.programme.constraints import Constraints, Objective
from shareplan.programme.explain import explain_programme
from shareplan.programme.frontier import with_chosen
from shareplan.programme.optimiser import Model, solve_model
from shareplan.programme.plan import plan_programme
from shareplan.programme.records import Frontier, FrontierPoint

K = 1_000.0
M = 1_000_000.0


cands = hand_set


#: A £200k, NPV £1.0m; B £250k, £0.8m; C £150k, £0.6m; E the same as B for B's service.
SLACK = cands(
    ("A", 200 * K, 1.0 * M, "a"),
    ("B", 250 * K, 0.8 * M, "b"),
    ("C", 150 * K, 0.6 * M, "c"),
    ("E", 250 * K, 0.8 * M, "b"),
)
RULES = Constraints(projects=(1, 3), budget=500 * K)


def test_the_budget_limits_with_room_left_and_keeps_one_project_out() -> None:
    """Worked by hand. Up to 3 projects within £500k. A+B+C costs £600k, too much; of the pairs
    A+B (£450k, NPV £1.8m) beats A+C (£350k, £1.6m) and B+C (£400k, £1.4m). So 2 projects of
    the 3 allowed, £50k of the budget left: no rule has no room left.

    The budget limits all the same: without it A+B+C gives £2.4m. The count does not (with no
    limit on it the best is still A+B: only C could join, and the budget stops it), nor does
    "at least 1", nor one per service (b is full, but B and E together cost £500k for £1.6m).

    Near miss C: forced in, the best is A+C (£1.6m), a loss of £0.2m displacing B. The budget
    alone keeps it out: A+B+C keeps every other rule. Added to A+B it needs £600k, £100k more
    than the budget. E ties with B (A+E is £1.8m too): an equal alternative, kept out by
    nothing, not a near miss."""
    model = Model.build(SLACK, RULES)
    result = solve_model(model, Objective("npv"))
    assert result.selected_ids == ("A", "B")
    assert result.objective_value == pytest.approx(1.8 * M)
    budget = next(u for u in result.uses if u.key == "budget")
    assert budget.slack == pytest.approx(50 * K)
    assert not budget.no_room_left
    assert {u.label for u in result.no_room_left} == {"at most one opportunity per service"}

    why = explain_programme(model, result)
    assert why.limiting == ("budget",)
    assert [m.id for m in why.near_misses] == ["C"]
    c = why.near_misses[0]
    assert c.loss_if_forced_in == pytest.approx(0.2 * M)
    assert c.displaces == ("B",)
    assert c.kept_out_by == ("budget of £500k",)
    assert c.budget_needed == pytest.approx(100 * K)
    assert "With another £100k of budget it could join the chosen projects." in c.text
    assert [(e.id, e.in_place_of) for e in why.equal_alternatives] == [("E", ("B",))]
    assert "no rule keeps it out" in why.equal_alternatives[0].text


def test_results_block_says_which_rules_limit_and_which_are_full() -> None:
    """The same example through ``plan_programme``: ``constraint_use`` carries both flags, the
    block lists the limiting rules by name and the rules used to the full apart."""
    block = plan_programme(SLACK, RULES, Objective("npv"), choose_only=True).to_dict()
    uses = {u["key"]: u for u in block["constraint_use"]}  # type: ignore[union-attr]
    assert uses["budget"]["limiting"] is True and uses["budget"]["no_room_left"] is False
    assert uses["max_projects"]["limiting"] is False
    assert uses["min_projects"]["limiting"] is False
    assert uses["one_per_service"]["limiting"] is False
    assert uses["one_per_service"]["no_room_left"] is True
    assert block["limiting"] == ["budget of £500k"]
    assert block["no_room_left"] == ["at most one opportunity per service"]
    assert "binding" not in block


def test_a_full_count_that_changes_nothing_does_not_limit() -> None:
    """Worked by hand: at most 2 projects and no budget; A (£1.0m) and B (£0.8m) fill the count,
    and C (£0.6m) would add £0.6m: the count is full and limits. With a third project of negative
    NPV in place of C, the count is just as full but relaxing it gains nothing: it does not
    limit. What keeps the negative one out is no rule (it is simply worth less than nothing)."""
    full = Model.build(SLACK, Constraints(projects=(1, 2)))
    result = solve_model(full, Objective("npv"))
    assert result.selected_ids == ("A", "B")
    assert explain_programme(full, result).limiting == ("max_projects",)

    poor = cands(
        ("A", 200 * K, 1.0 * M, "a"), ("B", 250 * K, 0.8 * M, "b"), ("D", 1, -0.1 * M, "d")
    )
    model = Model.build(poor, Constraints(projects=(1, 2)))
    result = solve_model(model, Objective("npv"))
    assert {u.key for u in result.no_room_left} == {"max_projects"}
    why = explain_programme(model, result)
    assert why.limiting == ()
    assert [(m.id, m.kept_out_by) for m in why.near_misses] == [("D", ())]
    assert "No single rule keeps it out" in why.near_misses[0].text
    assert why.budget_shadow is None


def test_a_per_service_rule_with_room_does_not_keep_a_project_out() -> None:
    """Worked by hand: budget £300k, up to 3 projects. A (£200k, £1.0m, service a), C (£100k,
    £0.3m, service c), and two ways of sharing service x: X (£150k, £0.9m) and Y (£50k, £0.2m).
    Within £300k: A+C £1.3m (£300k), A+Y £1.2m, X+C £1.2m, C+Y £0.5m; A+X and anything with
    three projects but X+C+Y (two for x) cost too much. Best A+C, with nothing for service x.

    X forced in: X+C, £1.2m, a loss of £0.1m displacing A. The budget keeps it out (A+C+X, £2.2m,
    keeps every other rule) and A+C+X needs £450k, £150k more. The rule for service x is not
    what keeps it out, though relaxing it would reach £1.3m (X+Y+C, £300k): the programme has
    nothing for service x, so the rule has room, and only a second way of sharing the same
    service would get round it."""
    model = Model.build(
        cands(
            ("A", 200 * K, 1.0 * M, "a"),
            ("C", 100 * K, 0.3 * M, "c"),
            ("X", 150 * K, 0.9 * M, "x"),
            ("Y", 50 * K, 0.2 * M, "x"),
        ),
        Constraints(projects=(1, 3), budget=300 * K),
    )
    result = solve_model(model, Objective("npv"))
    assert result.selected_ids == ("A", "C")
    why = explain_programme(model, result)
    x = next(m for m in why.near_misses if m.id == "X")
    assert x.loss_if_forced_in == pytest.approx(0.1 * M)
    assert x.kept_out_by == ("budget of £300k",)
    assert x.budget_needed == pytest.approx(150 * K)


def test_the_frontier_lists_the_chosen_programme_once() -> None:
    """A frontier point with the chosen programme's early savings and NPV but other projects (an
    equally good partner) is the chosen programme's place on the frontier: it is replaced by the
    chosen programme, so the proposed programme is listed once, on the frontier."""
    model = Model.build(SLACK, RULES)
    result = solve_model(model, Objective("npv"))
    tie = FrontierPoint(
        ids=("A", "E"), savings_12m=0.0, npv=1.8 * M, one_off_cost=450 * K, value_score=100.0
    )
    other = FrontierPoint(
        ids=("C",), savings_12m=10.0, npv=0.6 * M, one_off_cost=150 * K, value_score=50.0
    )
    swapped = with_chosen(Frontier(points=(tie, other), step=1.0), result)
    assert [q.ids for q in swapped.points] == [("A", "B"), ("C",)]
    assert swapped.points[0].npv == pytest.approx(1.8 * M)
