"""The programme chosen for the Rotherham 2010 example, checked against results.json's own figures.

Every rule is checked from the business cases of the opportunities (their one-off cost, project
team FTE by year, quick-win flag, services and partners), not from the programme's totals, so a
programme that merely reports itself as keeping the rules would fail.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from typing import Any

import pytest

Results = dict[str, Any]


def _programme(results: Results) -> dict[str, Any]:
    block: dict[str, Any] = results["programme"]
    assert block["feasible"], block.get("message")
    return block


def _opportunities(results: Results) -> dict[str, dict[str, Any]]:
    return {o["id"]: o for o in results["opportunities"]}


def _one_off_cost(opp: dict[str, Any]) -> float:
    return float(opp["business_case"]["adjusted"]["measures"]["one_off_cost"])


def _fte_by_year(opp: dict[str, Any]) -> list[float]:
    return [float(y["project_team_fte"]) for y in opp["business_case"]["adjusted"]["years"]]


def _quick_win(opp: dict[str, Any]) -> bool:
    return bool(opp["business_case"]["adjusted"]["measures"]["quick_win"])


def broken_rules(results: Results, ids: list[str]) -> list[str]:
    """The rules of the programme block that the programme ``ids`` breaks, worked out from the
    opportunities' business cases."""
    rules = _programme(results)["constraints"]
    opps = _opportunities(results)
    chosen = [opps[i] for i in ids]
    broken: list[str] = []
    lo, hi = rules["min_projects"], rules["max_projects"]
    if lo is not None and len(ids) < lo:
        broken.append(f"fewer than {lo} projects")
    if hi is not None and len(ids) > hi:
        broken.append(f"more than {hi} projects")
    cost = sum(_one_off_cost(o) for o in chosen)
    if rules["budget"] is not None and cost > rules["budget"] * (1 + 1e-9):
        broken.append(f"cost {cost:,.0f} above the budget")
    for y, limit in enumerate(rules["fte_capacity_by_year"] or []):
        used = sum(_fte_by_year(o)[y] if y < len(_fte_by_year(o)) else 0.0 for o in chosen)
        if used > limit + 1e-9:
            broken.append(f"{used:.2f} FTE in year {y + 1}, above {limit}")
    services = Counter(s for o in chosen for s in o["service_ids"])
    broken.extend(f"service {s!r} {k} times" for s, k in services.items() if k > 1)
    if rules["partner_capacity"] is not None:
        partners = Counter(p for o in chosen for p in o["partner_ids"])
        broken.extend(
            f"partner {p!r} {k} times" for p, k in partners.items() if k > rules["partner_capacity"]
        )
    if sum(_quick_win(o) for o in chosen) < rules["min_quick_wins"]:
        broken.append("too few quick wins")
    return broken


def test_programme_has_five_or_six_projects_and_keeps_every_rule(
    rotherham_results: Results,
) -> None:
    """The 2010 report asked for five or six priority projects within the £2.0m transformation
    budget and the officers' capacity, with a quick win, one option per service and no partner
    carrying more than two."""
    block = _programme(rotherham_results)
    ids = block["selected_ids"]
    opps = _opportunities(rotherham_results)
    assert len(ids) in (5, 6)
    assert block["solver"]["proven_optimal"] is True

    budget = rotherham_results["scenario"]["implementation_budget"]
    assert block["constraints"]["budget"] == budget
    cost = sum(_one_off_cost(opps[i]) for i in ids)
    assert cost <= budget
    assert block["totals"]["one_off_cost"] == pytest.approx(cost)

    capacity = block["constraints"]["fte_capacity_by_year"]
    assert capacity, "the example sets officer capacity"
    for y, limit in enumerate(capacity):
        used = sum(_fte_by_year(opps[i])[y] for i in ids if y < len(_fte_by_year(opps[i])))
        assert used <= limit + 1e-9

    assert sum(_quick_win(opps[i]) for i in ids) >= 1
    services = Counter(s for i in ids for s in opps[i]["service_ids"])
    assert max(services.values()) == 1
    partners = Counter(p for i in ids for p in opps[i]["partner_ids"])
    assert block["constraints"]["partner_capacity"] == 2
    assert not partners or max(partners.values()) <= 2
    assert broken_rules(rotherham_results, ids) == []


def test_frontier_points_are_feasible_and_monotone(rotherham_results: Results) -> None:
    """Each point is a real programme that keeps the rules; its figures are the sums of its
    projects'; 12-month savings strictly rise along the frontier and NPV never rises."""
    block = _programme(rotherham_results)
    opps = _opportunities(rotherham_results)
    points = block["frontier"]["points"]
    assert len(points) >= 2
    for p in points:
        assert broken_rules(rotherham_results, p["ids"]) == []
        measures = [opps[i]["business_case"]["adjusted"]["measures"] for i in p["ids"]]
        assert p["npv"] == pytest.approx(sum(m["npv"] for m in measures))
        assert p["savings_12m"] == pytest.approx(
            sum(m["savings_first_12_months"] for m in measures)
        )
    for a, b in itertools.pairwise(points):
        assert b["savings_12m"] > a["savings_12m"]
        assert b["npv"] <= a["npv"]


def test_value_for_money_points_fit_their_budgets(rotherham_results: Results) -> None:
    """More budget never buys less: the best objective rises (or stays) with the budget, and
    every programme on the curve costs no more than its budget and keeps the other rules."""
    block = _programme(rotherham_results)
    points = block["value_for_money"]["points"]
    assert points
    for p in points:
        assert p["one_off_cost"] <= p["budget"] * (1 + 1e-9)
        others = [r for r in broken_rules(rotherham_results, p["ids"]) if "budget" not in r]
        assert others == []
    values = [p["objective_value"] for p in points]
    assert all(b >= a - 1e-9 for a, b in itertools.pairwise(values))


def test_a_near_miss_is_explained(rotherham_results: Results) -> None:
    """A near miss is out of the programme; forcing it in costs something; the projects it
    displaces are chosen ones; and the explanation names the rule that keeps it out, in the
    words of a rule the programme applies."""
    block = _programme(rotherham_results)
    selected = set(block["selected_ids"])
    misses = block["near_misses"]
    assert misses
    labels = {u["label"] for u in block["constraint_use"]}
    labels |= {t for u in block["constraint_use"] for t in u["tight"]}
    explained = [m for m in misses if m["kept_out_by"]]
    assert explained, "at least one near miss names what keeps it out"
    miss = explained[0]
    assert miss["id"] not in selected
    assert miss["loss_if_forced_in"] is not None and miss["loss_if_forced_in"] >= 0
    assert set(miss["displaces"]) <= selected
    assert "What keeps it out" in miss["text"]
    for rule in miss["kept_out_by"]:
        assert rule in labels or rule.startswith("at most one opportunity for service")
    losses = [m["loss_if_forced_in"] for m in misses if m["loss_if_forced_in"] is not None]
    assert losses == sorted(losses)  # nearest first
    assert all(math.isfinite(v) for v in losses)
