"""The exact optimiser against brute force, and the infeasibility diagnosis."""

from __future__ import annotations

from unittest import mock

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from programme_brute import all_subsets, brute_best, feasible_mask
from programme_strategies import alternative_instances, instances

from shareplan.errors import InfeasibleError, InputError
from shareplan.programme import solver
from shareplan.programme.candidates import Candidate, CandidateSet
from shareplan.programme.constraints import Constraints, Objective
from shareplan.programme.optimiser import optimise

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def cand(cid: str, cost: float, npv: float, **kw: object) -> Candidate:
    fields: dict[str, object] = {
        "title": cid.upper(),
        "service_ids": (f"svc-{cid}",),
        "partner_ids": (),
        "model": "lead authority",
        "one_off_cost": cost,
        "npv": npv,
        "value_score": 50.0,
        "savings_12m": 0.0,
        "quick_win": False,
    }
    fields.update(kw)
    return Candidate(id=cid, **fields)  # type: ignore[arg-type]


@FAST
@given(instances())
def test_objective_equals_brute_force(
    instance: tuple[list[Candidate], Constraints, Objective],
) -> None:
    cands, cons, obj = instance
    cset = CandidateSet.build(cands)
    best = brute_best(cands, cons, obj)
    if best is None:
        with pytest.raises(InfeasibleError) as err:
            optimise(cset, cons, obj)
        assert err.value.conflicting
        assert all(isinstance(name, str) and name for name in err.value.conflicting)
        return
    value, ok = best
    result = optimise(cset, cons, obj)
    assert result.objective_value == pytest.approx(value, rel=1e-9, abs=1e-6)
    # the chosen programme itself keeps every rule (checked by the brute-force rules)
    code = int(sum(1 << i for i in np.flatnonzero(result.selected)))
    assert ok[code]
    assert result.proven_optimal
    assert result.totals.n_projects == len(result.selected_ids)


@FAST
@given(alternative_instances())
def test_alternatives_for_one_service_match_brute_force(
    instance: tuple[list[Candidate], Constraints, Objective],
) -> None:
    """Instances built so that alternatives for a service often dominate one another and a cap
    on the number of projects often makes a capacity row unbreakable: the reductions that remove
    them must not change the best objective, on the direct path or the core-then-prove path."""
    cands, cons, obj = instance
    cset = CandidateSet.build(cands)
    best = brute_best(cands, cons, obj)
    for direct, core in ((200, 50), (2, 2)):
        with (
            mock.patch.object(solver, "DIRECT_SIZE", direct),
            mock.patch.object(solver, "CORE_SIZE", core),
        ):
            if best is None:
                with pytest.raises(InfeasibleError):
                    optimise(cset, cons, obj)
                continue
            result = optimise(cset, cons, obj)
        assert result.objective_value == pytest.approx(best[0], rel=1e-9, abs=1e-6)
        code = int(sum(1 << i for i in np.flatnonzero(result.selected)))
        assert best[1][code]
        assert result.proven_optimal


def test_budget_too_small_for_minimum_count_names_both() -> None:
    """Five projects at £300k each cost at least £1.5m; a £1.0m budget cannot buy five."""
    cands = CandidateSet.build([cand(f"p{i}", 300_000.0, 100_000.0) for i in range(8)])
    with pytest.raises(InfeasibleError) as err:
        optimise(cands, Constraints(projects=(5, 6), budget=1_000_000.0))
    assert set(err.value.conflicting) == {"budget of £1.0m", "at least 5 projects"}
    assert "budget of £1.0m" in str(err.value)
    assert "at least 5 projects" in str(err.value)


def test_must_include_two_alternatives_for_one_service() -> None:
    """Two alternatives for payroll cannot both be included; the service row names payroll."""
    cands = CandidateSet.build(
        [
            cand("a", 1.0, 1.0, service_ids=("payroll",)),
            cand("b", 1.0, 1.0, service_ids=("payroll", "hr")),
            cand("c", 1.0, 1.0),
        ]
    )
    with pytest.raises(InfeasibleError) as err:
        optimise(cands, Constraints(projects=None, must_include=("a", "b")))
    assert set(err.value.conflicting) == {
        "must include 'a'",
        "must include 'b'",
        "at most one opportunity for service 'payroll'",
    }


def test_quick_wins_against_partner_capacity() -> None:
    """Both quick wins are with Barnsley, and Barnsley may take only one project."""
    cands = CandidateSet.build(
        [
            cand("q1", 1.0, 1.0, quick_win=True, partner_ids=("barnsley",)),
            cand("q2", 1.0, 1.0, quick_win=True, partner_ids=("barnsley",)),
            cand("z", 1.0, 5.0),
        ]
    )
    with pytest.raises(InfeasibleError) as err:
        optimise(cands, Constraints(projects=None, partner_capacity=1, min_quick_wins=2))
    assert set(err.value.conflicting) == {
        "at least 2 quick wins",
        "at most 1 project with partner 'barnsley'",
    }


def test_bad_rules_are_input_errors() -> None:
    cands = CandidateSet.build([cand("a", 1.0, 1.0)])
    with pytest.raises(InputError) as err:
        optimise(cands, Constraints(budget=-5.0, must_include=("nope",)))
    assert len(err.value.problems) == 2


def test_bad_candidates_are_listed_together() -> None:
    with pytest.raises(InputError) as err:
        CandidateSet.build(
            [
                cand("a", -1.0, 1.0, value_score=120.0),
                cand("a", 1.0, 1.0, one_off_cost_by_year=(5.0, 5.0)),
            ]
        )
    assert len(err.value.problems) == 4


def test_subset_matrix_is_every_subset() -> None:
    subsets = all_subsets(3)
    assert subsets.shape == (8, 3)
    assert len({tuple(r) for r in subsets}) == 8
    cands = [cand("a", 1.0, 1.0), cand("b", 1.0, 1.0)]
    assert feasible_mask(cands, Constraints(projects=1), all_subsets(2)).sum() == 2
