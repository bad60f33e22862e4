"""The cash-flow model: hand-computed timelines, ramps, optimism bias, and its invariants."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shareplan.business_case import cashflow, measures
from shareplan.business_case.cashflow import FlowInputs
from shareplan.business_case.discounting import Band, schedule_factors

STANDARD = (Band(0, 30, 0.035), Band(31, 75, 0.03), Band(76, None, 0.025))


def simple(**changes: float) -> FlowInputs:
    """A plain case: no ramp, no team, no exits, no trading, no optimism bias."""
    base = FlowInputs(
        baseline=1_000_000.0,
        share=0.1,
        keep=1.0,
        trading=0.0,
        non_cashable=0.0,
        procurement_months=0.0,
        implementation_months=12.0,
        ramp_months=0.0,
        team_cost_per_month=0.0,
        procurement_cost=0.0,
        ict_cost=0.0,
        exit_cost_full=0.0,
    )
    return base.replace(**changes)


def test_green_book_example_through_the_model() -> None:
    """1m spent in year 0 (a lump at month 0) and 150k a year from month 12 (year 1) to year 10:
    NPV 247,491 over an 11-year horizon (years 0-10)."""
    inputs = simple(baseline=1_500_000.0, share=0.1, procurement_cost=1_000_000.0)
    flows = cashflow.yearly(inputs, 11)
    assert flows["net"] == pytest.approx([-1e6] + [150e3] * 10, abs=1e-6)
    df = schedule_factors(STANDARD, 11)
    assert float(flows["net"] @ df) == pytest.approx(247_491, abs=0.5)
    assert float(cashflow.npv_fast(inputs, df)) == pytest.approx(247_491, abs=0.5)


def test_payback_in_a_year_with_a_partial_ramp() -> None:
    """Saving 10% of 1.2m = 120,000 a year (10,000 a month) at full run-rate; savings begin at month
    6 and ramp up over 12 months; a 100,000 lump cost at month 0.

    Months of full-rate saving delivered, F(m) = (m - 6)**2 / 24 on the ramp, (m - 6) - 6 after:
    year 0: F(12) = 36/24 = 1.5 months -> 15,000; year 1: F(24) - F(12) = 12 - 1.5 = 10.5 -> 105,000;
    year 2: 12 months -> 120,000.
    Net: -85,000, 105,000, 120,000; cumulative -85,000, 20,000, ... so simple payback is in year 1,
    the year the ramp is still running. Discounted: -85,000 + 105,000 x 0.9661836 = 16,449 > 0, also
    year 1. Funding need (peak cumulative cost) 85,000. Savings in the first 12 months 15,000.
    """
    inputs = simple(
        baseline=1_200_000.0,
        share=0.1,
        implementation_months=6.0,
        ramp_months=12.0,
        procurement_cost=100_000.0,
    )
    flows = cashflow.yearly(inputs, 5)
    assert flows["savings"][:3] == pytest.approx([15_000, 105_000, 120_000], abs=1e-6)
    assert flows["net"][:3] == pytest.approx([-85_000, 105_000, 120_000], abs=1e-6)
    assert int(measures.payback_year(flows["net"])) == 1
    df = schedule_factors(STANDARD, 5)
    assert int(measures.payback_year(flows["net"] * df)) == 1
    assert float(measures.funding_need(flows["net"])) == pytest.approx(85_000)
    assert float(cashflow.savings_within(inputs, 12.0)) == pytest.approx(15_000)


def test_optimism_bias_on_costs_and_duration() -> None:
    """Procurement 3 months (cost 10,000), implementation 6 months (ICT 50,000); uplifts 54% on
    duration and 200% on one-off costs (equipment and development upper bounds).

    Durations: procurement 3 x 1.54 = 4.62 months; savings start at 4.62 + 6 x 1.54 = 13.86 (9 without
    the uplift: a quick win becomes a 14-month project).
    ICT spread over months 4.62-13.86 (9.24 months): year 0 gets (12 - 4.62) / 9.24 = 0.7987013 of it,
    39,935.06; year 1 gets 10,064.94. Procurement falls wholly in year 0.
    Optimism-bias line = 2.0 x one-off costs: year 0 2 x (10,000 + 39,935.06) = 99,870.13; year 1
    20,129.87; 120,000 in all.
    """
    plain = simple(
        procurement_months=3.0,
        implementation_months=6.0,
        procurement_cost=10_000.0,
        ict_cost=50_000.0,
    )
    adjusted = plain.replace(duration_uplift=0.54, procurement_uplift=2.0, ict_uplift=2.0)
    assert float(cashflow.timing(plain).benefits_start) == pytest.approx(9.0)
    t = cashflow.timing(adjusted)
    assert float(t.procurement_end) == pytest.approx(4.62)
    assert float(t.benefits_start) == pytest.approx(13.86)
    flows = cashflow.yearly(adjusted, 3)
    assert flows["procurement_legal"] == pytest.approx([10_000, 0, 0], abs=1e-6)
    assert flows["ict_integration"] == pytest.approx([39_935.06, 10_064.94, 0], abs=0.01)
    assert flows["optimism_bias_one_off"] == pytest.approx([99_870.13, 20_129.87, 0], abs=0.01)
    assert float(np.sum(flows["optimism_bias_one_off"])) == pytest.approx(120_000)


def test_one_off_uplift_applies_to_the_unstretched_team_cost() -> None:
    """A project team at 1,000 a month, procurement 3 months and implementation 6: 9,000 of team
    cost before optimism bias. With the duration uplift (54%) savings begin at 9 x 1.54 = 13.86
    months: the team's 9,000 is spread evenly over those 13.86 months (year 0: 12 / 13.86 of it =
    7,792.21; year 1: 1,207.79), not paid for 13.86 months (13,860). The one-off uplift (200%) is on
    the 9,000: 18,000 more (year 0: 15,584.42; year 1: 2,415.58), so the team costs 27,000 in all,
    not 13,860 x 3 = 41,580 (4.62 x 9,000). A Monte Carlo delay of 3 months is paid in full: 12,000
    before the uplift. Without a duration uplift nothing changes: 1,000 a month for 9 months. The
    team is still counted as working until savings begin (its FTE is for 13.86 months)."""
    plain = simple(
        procurement_months=3.0,
        implementation_months=6.0,
        team_cost_per_month=1_000.0,
        share=0.0,
    )
    adjusted = plain.replace(duration_uplift=0.54, team_uplift=2.0)
    flows = cashflow.yearly(adjusted, 3)
    assert flows["project_team"] == pytest.approx([7_792.21, 1_207.79, 0], abs=0.01)
    assert flows["optimism_bias_one_off"] == pytest.approx([15_584.42, 2_415.58, 0], abs=0.01)
    total = float(np.sum(flows["project_team"] + flows["optimism_bias_one_off"]))
    assert total == pytest.approx(27_000.0)
    assert float(np.sum(flows["team_months"])) == pytest.approx(13.86)
    df = schedule_factors(STANDARD, 3)
    assert float(cashflow.npv_fast(adjusted, df)) == pytest.approx(float(flows["net"] @ df))
    delayed = cashflow.yearly(adjusted.replace(delay_months=3.0), 3)
    assert float(np.sum(delayed["project_team"])) == pytest.approx(12_000.0)
    unadjusted = cashflow.yearly(plain, 3)
    assert unadjusted["project_team"] == pytest.approx([9_000, 0, 0])


def test_outsourcing_operating_uplift_falls_on_the_promised_saving() -> None:
    """Outsourcing upper bound 41%, applied like for like: the contract and the in-house service it
    replaces carry the same running-cost pressures, so the price risk falls on the difference, the
    saving the contract promises: 1m x 0.2 = 200,000 a year from month 12, so 0.41 x 200,000 =
    82,000 a year (not 41% of the 800,000 contract, 328,000, which no saving could cover). The
    steady-state saving is 200,000 - 82,000 = 118,000."""
    inputs = simple(share=0.2, operating_uplift=0.41)
    flows = cashflow.yearly(inputs, 3)
    assert flows["optimism_bias_operating"] == pytest.approx([0, 82_000, 82_000], abs=1e-6)
    assert float(cashflow.steady_state_saving(inputs)) == pytest.approx(118_000)


def test_redundancy_is_not_uplifted_when_its_category_maps_to_none() -> None:
    """Only the lines whose category maps to a project type are uplifted: ICT 50,000 at 200% adds
    100,000; redundancy 100,000 x 0.2 = 20,000 (exit_uplift 0) adds nothing. Optimism-bias line:
    100,000, not 2 x 70,000 = 140,000."""
    inputs = simple(share=0.2, ict_cost=50_000.0, exit_cost_full=100_000.0, ict_uplift=2.0)
    flows = cashflow.yearly(inputs, 3)
    assert float(np.sum(flows["redundancy_pension"])) == pytest.approx(20_000.0)
    assert float(np.sum(flows["optimism_bias_one_off"])) == pytest.approx(100_000.0)


def test_private_partner_keeps_a_share_and_exits_follow_the_ramp() -> None:
    """keep = 0.5 halves the authority's saving; exit costs (100,000 per unit share, so 10,000 at a
    10% share) are booked as the ramp rises: a 12-month ramp from month 6 is half done at month 12."""
    inputs = simple(keep=0.5, implementation_months=6.0, ramp_months=12.0, exit_cost_full=100_000.0)
    flows = cashflow.yearly(inputs, 3)
    assert flows["savings"][2] == pytest.approx(50_000)
    assert flows["redundancy_pension"] == pytest.approx([5_000, 5_000, 0])


@st.composite
def flow_inputs(draw: st.DrawFn) -> FlowInputs:
    money = st.floats(min_value=0.0, max_value=5e6)
    months = st.floats(min_value=0.0, max_value=60.0)
    return FlowInputs(
        baseline=draw(money),
        share=draw(st.floats(min_value=0.0, max_value=1.0)),
        keep=draw(st.floats(min_value=0.0, max_value=1.0)),
        trading=draw(st.floats(min_value=0.0, max_value=1e5)),
        non_cashable=draw(st.floats(min_value=0.0, max_value=1e5)),
        procurement_months=draw(st.one_of(st.just(0.0), months)),
        implementation_months=draw(st.one_of(st.just(0.0), months)),
        ramp_months=draw(st.one_of(st.just(0.0), months)),
        team_cost_per_month=draw(st.floats(min_value=0.0, max_value=2e4)),
        procurement_cost=draw(st.floats(min_value=0.0, max_value=2e5)),
        ict_cost=draw(st.floats(min_value=0.0, max_value=5e5)),
        exit_cost_full=draw(st.floats(min_value=0.0, max_value=2e6)),
        delay_months=draw(st.floats(min_value=0.0, max_value=12.0)),
        cost_multiplier=draw(st.floats(min_value=0.5, max_value=2.0)),
        team_uplift=draw(st.sampled_from([0.0, 0.24, 2.0])),
        procurement_uplift=draw(st.sampled_from([0.0, 2.0])),
        ict_uplift=draw(st.sampled_from([0.0, 0.24, 2.0])),
        exit_uplift=draw(st.sampled_from([0.0, 0.5])),
        duration_uplift=draw(st.sampled_from([0.0, 0.04, 0.54])),
        operating_uplift=draw(st.sampled_from([0.0, 0.41])),
    )


@settings(max_examples=200, deadline=None)
@given(flow_inputs(), st.integers(min_value=1, max_value=40))
def test_closed_form_npv_equals_yearly_flows(inputs: FlowInputs, n_years: int) -> None:
    """npv_fast (closed form) = yearly net x DF = sum of present values."""
    df = schedule_factors(STANDARD, n_years)
    net = cashflow.yearly(inputs, n_years)["net"]
    scale = 1.0 + float(np.abs(net).sum()) + float(inputs.baseline)
    assert float(cashflow.npv_fast(inputs, df)) == pytest.approx(float(net @ df), abs=1e-7 * scale)
    assert float(np.sum(net * df)) == pytest.approx(float(net @ df), abs=1e-9 * scale)


VARIED = ("share", "trading", "cost_multiplier", "delay_months", "ramp_months", "keep")


@settings(max_examples=100, deadline=None)
@given(
    flow_inputs(),
    st.lists(
        st.dictionaries(st.sampled_from(VARIED), st.floats(min_value=0.0, max_value=2.0)),
        max_size=12,
    ),
)
def test_npv_of_variants_in_one_call_equals_each_call_on_its_own(
    inputs: FlowInputs, variants: list[dict[str, float]]
) -> None:
    """The switching values and the tornado ask for a dozen NPVs in one vectorised call: each
    must be exactly (not approximately) the NPV of that variant computed alone, so that the
    figures in results.json do not move by a rounding when the calls are batched."""
    df = schedule_factors(STANDARD, 30)
    alone = [float(cashflow.npv_fast(inputs.replace(**v), df)) for v in variants]
    assert cashflow.npv_variants(inputs, variants, df) == alone


@settings(max_examples=200, deadline=None)
@given(
    flow_inputs(), st.floats(min_value=0.0, max_value=1.0), st.floats(min_value=0.0, max_value=1.0)
)
def test_npv_is_monotone_in_the_saving(inputs: FlowInputs, a: float, b: float) -> None:
    """More saving never lowers the NPV while the saving exceeds its exit cost: here exit costs are
    held at zero, and the operating uplift only shrinks as the saving grows."""
    df = schedule_factors(STANDARD, 10)
    inputs = inputs.replace(exit_cost_full=0.0)
    lo, hi = sorted((a, b))
    scale = 1.0 + float(inputs.baseline) * 10
    assert (
        float(cashflow.npv_fast(inputs.replace(share=lo), df))
        <= float(cashflow.npv_fast(inputs.replace(share=hi), df)) + 1e-9 * scale
    )


@settings(max_examples=200, deadline=None)
@given(flow_inputs())
def test_switching_saving_share_is_the_root(inputs: FlowInputs) -> None:
    """The NPV is linear in the saving share, so the root from two evaluations is exact."""
    df = schedule_factors(STANDARD, 10)
    f0 = cashflow.npv_fast(inputs.replace(share=0.0), df)
    f1 = cashflow.npv_fast(inputs.replace(share=1.0), df)
    root = float(measures.linear_root(f0, f1))
    if np.isnan(root):
        return
    scale = 1.0 + abs(float(f0)) + abs(float(f1))
    assert float(cashflow.npv_fast(inputs.replace(share=root), df)) == pytest.approx(
        0.0, abs=1e-9 * scale * max(1.0, abs(root))
    )
