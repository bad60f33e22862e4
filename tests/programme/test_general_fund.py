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
from shareplan.programme.explain import explain_programme
from shareplan.programme.optimiser import Model, optimise, solve_model


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


# The near-miss set: public health (NPV £1.0m, all of it with its grant; the best score, 90),
# libraries (£600k, score 50) and parks (£300k, score 50), each £100k; one project at most.
THREE = CandidateSet.build(
    [
        cand("public_health", 1_000_000.0, 0.0, score=90.0),
        cand("libraries", 600_000.0, 600_000.0),
        cand("parks", 300_000.0, 300_000.0),
    ]
)


def test_a_grant_funded_option_is_no_near_miss_on_the_general_funds_npv() -> None:
    """NPV objective, one project: libraries (600,000). Forced in, parks loses 300,000 and is
    kept out by the count; public health would lose 600,000 and, before the fix, was named as
    kept out by the count too, though it adds nothing: it is not tried at all now."""
    model = Model.build(THREE, Constraints(projects=(0, 1)))
    result = solve_model(model, Objective(kind="npv"))
    assert result.selected_ids == ("libraries",)
    why = explain_programme(model, result)
    assert [m.id for m in why.near_misses] == ["parks"]
    assert why.near_misses[0].loss_if_forced_in == pytest.approx(300_000.0)
    assert why.near_misses[0].kept_out_by == ("at most 1 project",)
    assert why.near_misses[0].grant_npv is None
    assert why.equal_alternatives == ()


def test_with_room_left_a_grant_funded_option_is_no_equal_alternative() -> None:
    """Three projects allowed and no budget: libraries and parks (900,000). Public health
    forced in loses nothing (it adds 0), which used to read as "would do exactly as well"."""
    model = Model.build(THREE, Constraints(projects=(0, 3)))
    result = solve_model(model, Objective(kind="npv"))
    assert set(result.selected_ids) >= {"libraries", "parks"}
    assert result.objective_value == pytest.approx(900_000.0)
    why = explain_programme(model, result)
    assert "public_health" not in [m.id for m in why.near_misses]
    assert "public_health" not in [e.id for e in why.equal_alternatives]


def test_in_a_blend_a_grant_funded_near_miss_says_its_savings_stay_with_the_grant() -> None:
    """Blend 50/50, one project. Scales: best score 90, best general-fund NPV 600,000.
    Public health 0.5 x 90/90 + 0 = 0.5; libraries 0.5 x 50/90 + 0.5 = 0.7778 (chosen); parks
    0.2778 + 0.25 = 0.5278. Parks loses 0.25 and the count keeps it out; public health loses
    0.7778 - 0.5 = 0.2778 on its score alone, and no rule is named as keeping it out."""
    model = Model.build(THREE, Constraints(projects=(0, 1)))
    result = solve_model(model, Objective(kind="blend", value_weight=0.5))
    assert result.selected_ids == ("libraries",)
    why = explain_programme(model, result)
    by_id = {m.id: m for m in why.near_misses}
    assert [m.id for m in why.near_misses] == ["parks", "public_health"]
    assert by_id["parks"].loss_if_forced_in == pytest.approx(0.25)
    assert by_id["parks"].kept_out_by == ("at most 1 project",)
    health = by_id["public_health"]
    assert health.loss_if_forced_in == pytest.approx(0.5 * 50 / 90 + 0.5 - 0.5)
    assert health.displaces == ("libraries",)
    assert health.kept_out_by == ()
    assert health.grant_npv == 1_000_000.0
    assert "stays with the ring-fenced grant" in health.text
    assert "£1.0m" in health.text
    assert "count_ring_fenced_savings = yes" in health.text
    assert "keeps it out" not in health.text


def test_counting_ring_fenced_savings_makes_it_an_ordinary_near_miss() -> None:
    """The same blend counting the whole NPV: scales 90 and 1,000,000. Public health 0.5 + 0.5
    = 1.0 (chosen); libraries 0.2778 + 0.3 = 0.5778; parks 0.2778 + 0.15 = 0.4278. Libraries
    loses 0.4222, kept out by the count; nothing is said of grants."""
    model = Model.build(THREE, Constraints(projects=(0, 1)))
    objective = Objective(kind="blend", value_weight=0.5, count_ring_fenced_savings=True)
    result = solve_model(model, objective)
    assert result.selected_ids == ("public_health",)
    why = explain_programme(model, result)
    first = why.near_misses[0]
    assert first.id == "libraries"
    assert first.loss_if_forced_in == pytest.approx(1.0 - (0.5 * 50 / 90 + 0.3))
    assert first.kept_out_by == ("at most 1 project",)
    assert all(m.grant_npv is None for m in why.near_misses)
