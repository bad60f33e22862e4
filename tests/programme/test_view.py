"""The programme view: timeline, cash flows, percentiles, counts and programme-level risks."""

from __future__ import annotations

import json

import numpy as np
import pytest

from shareplan.programme import Constraints, Objective, plan_programme
from shareplan.programme.candidates import Candidate, CandidateSet
from shareplan.programme.view import (
    cash_flows_by_year,
    max_concurrent,
    percentiles_by_year,
    programme_view,
)


def project(cid: str, partners: tuple[str, ...], tender: bool, start: int, end: int) -> Candidate:
    return Candidate(
        id=cid,
        title=f"Project {cid}",
        service_ids=(f"svc-{cid}",),
        partner_ids=partners,
        model="joint committee",
        one_off_cost=100_000.0,
        npv=500_000.0,
        value_score=60.0,
        savings_12m=20_000.0,
        quick_win=cid == "a",
        needs_tender=tender,
        net_by_year=(-100_000.0, 50_000.0, 150_000.0),
        procurement_start_month=start,
        procurement_end_month=end,
        implementation_start_month=end + 1,
        implementation_end_month=end + 6,
        benefits_start_month=end + 7,
    )


def portfolio() -> CandidateSet:
    """Four projects; three with Barnsley; tenders b (months 2-6), c (4-8), d (6-10) all open in
    month 6; a needs no tender."""
    return CandidateSet.build(
        [
            project("a", ("barnsley",), False, 0, 3),
            project("b", ("barnsley", "doncaster"), True, 2, 6),
            project("c", ("barnsley",), True, 4, 8),
            project("d", ("sheffield",), True, 6, 10),
        ]
    )


def test_max_concurrent_hand_example() -> None:
    """Windows 2-6, 4-8, 6-10, 11-12: three are open in month 6."""
    most, which = max_concurrent(np.array([2, 4, 6, 11]), np.array([6, 8, 10, 12]))
    assert most == 3
    assert list(which) == [0, 1, 2]
    assert max_concurrent(np.array([], dtype=np.int64), np.array([], dtype=np.int64))[0] == 0


def test_cash_flows_and_percentiles() -> None:
    """Two projects: nets (-1, 2) and (-3, 4) sum to (-4, 6). Draws 1..5 times the base in
    draw k give totals k*(-4, 6); P50 is the third draw, P10 and P90 interpolate (1.4 and 4.6)."""
    nets = np.array([[-1.0, 2.0], [-3.0, 4.0]])
    assert list(cash_flows_by_year(nets)) == [-4.0, 6.0]
    draws = np.stack([k * nets for k in range(1, 6)])
    table = percentiles_by_year(draws)
    assert table[1] == pytest.approx([-12.0, 18.0])
    assert table[0] == pytest.approx([-4.0 * 4.6, 6.0 * 1.4])
    assert table[2] == pytest.approx([-4.0 * 1.4, 6.0 * 4.6])


def test_programme_view_counts_and_risks() -> None:
    view = programme_view(portfolio(), ["a", "b", "c", "d"])
    assert view.counts.quick_wins == 1
    assert view.counts.partners == ("barnsley", "doncaster", "sheffield")
    assert view.counts.tenders == 3
    assert view.counts.most_tenders_at_once == 3
    kinds = {r.kind: r for r in view.risks}
    assert kinds["partner_concentration"].ids == ("a", "b", "c")
    # the partner's id is quoted, as in a rule, so that a report can put its name in its place
    assert kinds["partner_concentration"].message.startswith("3 projects depend on '")
    assert kinds["concurrent_tenders"].ids == ("b", "c", "d")
    assert view.cash_flows_by_year == (-400_000.0, 200_000.0, 600_000.0)
    assert view.timeline[1].procurement_start == 2 and view.timeline[1].benefits_start == 13
    quieter = programme_view(portfolio(), ["a", "b", "d"])
    assert quieter.risks == ()


def test_plan_programme_is_json_ready() -> None:
    cands = portfolio()
    rng = np.random.default_rng(1)
    draws = rng.normal(100.0, 10.0, size=(200, cands.n, 3))
    plan = plan_programme(
        cands,
        Constraints(projects=(2, 3), budget=250_000.0, partner_capacity=2),
        Objective("blend", value_weight=0.4),
        proposed_ids=["a", "b"],
        draws=draws,
    )
    assert plan.result.totals.n_projects == 2
    data = json.loads(json.dumps(plan.to_dict()))
    assert data["selected_ids"] == list(plan.result.selected_ids)
    assert set(data["view"]["savings_percentiles_by_year"]) == {"P10", "P50", "P90"}
    assert data["equity"]["P"]["ids"] == ["a", "b"]
    assert data["frontier"]["points"]
