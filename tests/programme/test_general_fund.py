"""The programme ranks on the general fund's share of each NPV unless the council counts the
savings that stay with ring-fenced grants (a Director of Finance's challenge: do not choose a
project on savings the general fund cannot cash)."""

from __future__ import annotations

import math

import pytest

from shareplan.errors import InputError
from shareplan.programme import plan_programme
from shareplan.programme.candidates import Candidate, CandidateSet
from shareplan.programme.constraints import Constraints, Objective
from shareplan.programme.optimiser import optimise


def cand(cid: str, npv: float, general_fund_npv: float | None, score: float = 50.0) -> Candidate:
    return Candidate(
        id=cid,
        title=cid.upper(),
        service_ids=(f"svc-{cid}",),
        partner_ids=(),
        model="lead authority",
        one_off_cost=100_000.0,
        npv=npv,
        general_fund_npv=general_fund_npv,
        value_score=score,
        savings_12m=0.0,
        quick_win=False,
    )


# Public health, paid 100% from its grant: the higher NPV (£1.0m), none of it the general fund's.
# Libraries, no ring-fence: £600k, all of it the general fund's. The budget buys one of them.
PAIR = CandidateSet.build(
    [cand("public_health", 1_000_000.0, 0.0), cand("libraries", 600_000.0, 600_000.0)]
)
ONE = Constraints(projects=(0, 1), budget=100_000.0)


def test_by_default_the_programme_is_chosen_on_what_the_general_fund_can_cash() -> None:
    """NPV objective: 0 for public health against 600,000 for libraries, so libraries."""
    result = optimise(PAIR, ONE, Objective(kind="npv"))
    assert result.selected_ids == ("libraries",)
    assert result.objective_value == 600_000.0
    assert result.totals.npv == 600_000.0
    assert result.totals.general_fund_npv == 600_000.0
    assert result.objective.on_general_fund
    assert result.objective.label == "total general-fund NPV"


def test_counting_ring_fenced_savings_ranks_on_the_whole_npv() -> None:
    """The same pair with count_ring_fenced_savings: 1,000,000 beats 600,000, so public health,
    whose totals show the whole NPV and nothing for the general fund."""
    result = optimise(PAIR, ONE, Objective(kind="npv", count_ring_fenced_savings=True))
    assert result.selected_ids == ("public_health",)
    assert result.objective_value == 1_000_000.0
    assert result.totals.npv == 1_000_000.0
    assert result.totals.general_fund_npv == 0.0
    assert not result.objective.on_general_fund
    assert result.objective.label == "total NPV"


@pytest.mark.parametrize(
    ("count", "chosen", "value"),
    [
        # general fund: public health 0.5 x 50/50 + 0.5 x 0/600k = 0.5; libraries 0.5 + 0.5 = 1.0
        (False, "libraries", 1.0),
        # whole: public health 0.5 + 0.5 x 1.0m/1.0m = 1.0; libraries 0.5 + 0.5 x 0.6 = 0.8
        (True, "public_health", 1.0),
    ],
)
def test_the_blend_scales_the_npv_it_ranks_on(count: bool, chosen: str, value: float) -> None:
    """Equal scores (50): the NPV half decides, each NPV over the best candidate's on the same
    reading (600,000 on the general fund's share, 1,000,000 on the whole)."""
    objective = Objective(kind="blend", value_weight=0.5, count_ring_fenced_savings=count)
    result = optimise(PAIR, ONE, objective)
    assert result.selected_ids == (chosen,)
    assert result.objective_value == pytest.approx(value)
    assert result.normalisers["npv_scale"] == (1_000_000.0 if count else 600_000.0)


def test_value_and_early_savings_do_not_read_npv() -> None:
    """The setting changes nothing where the objective does not rank on NPV: on value, the
    higher score wins either way."""
    cands = CandidateSet.build(
        [
            cand("public_health", 1_000_000.0, 0.0, score=80.0),
            cand("libraries", 600_000.0, 600_000.0, score=60.0),
        ]
    )
    for count in (False, True):
        objective = Objective(kind="value", count_ring_fenced_savings=count)
        assert optimise(cands, ONE, objective).selected_ids == ("public_health",)


def test_without_a_general_fund_share_it_is_the_whole_npv() -> None:
    """A candidate that gives no general-fund share (results from before it) counts its whole
    NPV either way, and nothing is said about ring-fenced grants."""
    cands = CandidateSet.build([cand("a", 500.0, None), cand("b", 400.0, 400.0)])
    assert list(cands.general_fund_npv) == [500.0, 400.0]
    assert not cands.any_ring_fenced
    result = optimise(cands, ONE, Objective(kind="npv"))
    assert result.selected_ids == ("a",)
    assert result.objective.label == "total NPV"


def test_the_frontier_is_on_the_npv_the_programme_ranks_on() -> None:
    """The speed/NPV frontier of the pair, one project at most: on the general fund's share its
    best point is libraries (600,000), on the whole public health (1,000,000)."""
    fund = plan_programme(PAIR, ONE, Objective(kind="npv"))
    assert fund.frontier.y == "general_fund_npv"
    assert fund.frontier.points[0].ids == ("libraries",)
    assert fund.frontier.points[0].general_fund_npv == 600_000.0
    whole = plan_programme(PAIR, ONE, Objective(kind="npv", count_ring_fenced_savings=True))
    assert whole.frontier.y == "npv"
    assert whole.frontier.points[0].ids == ("public_health",)
    assert whole.frontier.points[0].on("npv") == 1_000_000.0


def test_a_general_fund_share_that_is_not_a_number_is_refused() -> None:
    with pytest.raises(InputError, match="general_fund_npv is nan"):
        CandidateSet.build([cand("a", 500.0, math.nan)])
