"""The benefits register, the RAG rule and the forecast conditional on actuals, with known answers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shareplan.evidence import load_evidence
from shareplan.tracking.forecast import Noise, forecast, weighted_percentiles
from shareplan.tracking.model import Category, Tracker
from shareplan.tracking.periods import Frequency, label_of, month_zero, periods
from shareplan.tracking.status import Rag, Rule, programme_status, project_status
from tests.tracking.conftest import plan_actuals, true_actuals

AS_AT = dt.date(2013, 9, 30)
EVIDENCE = load_evidence()
RULE = Rule.from_evidence(EVIDENCE, AS_AT)
NOISE = Noise.from_evidence(EVIDENCE, AS_AT)


def test_periods_of_financial_years() -> None:
    """A decision on 15 December 2010 falls in 2010/11 Q3 (October to December); month 0 of a
    business case whose year 0 is 2011/12 is 1 April 2011; monthly labels are YYYY-MM."""
    zero = month_zero(2011, financial_years=True)
    assert zero == dt.date(2011, 4, 1)
    quarters = periods(dt.date(2010, 12, 15), zero, 12, Frequency.QUARTERLY, True)
    assert [q.label for q in quarters] == [
        "2010/11 Q3",
        "2010/11 Q4",
        "2011/12 Q1",
        "2011/12 Q2",
        "2011/12 Q3",
        "2011/12 Q4",
    ]
    assert quarters[0].start == dt.date(2010, 10, 1) and quarters[0].end == dt.date(2010, 12, 31)
    assert quarters[0].start_month == -6 and quarters[2].start_month == 0
    assert label_of(dt.date(2011, 1, 1), Frequency.MONTHLY, True) == "2011-01"
    assert label_of(dt.date(2011, 1, 1), Frequency.QUARTERLY, False) == "2011 Q1"


def test_register_adds_up_to_the_business_case(
    tracker: Tracker, rotherham_results: dict[str, Any]
) -> None:
    """Each financial year's four quarters of the business-case column add up to that year's
    savings and one-off costs in the business case (the Cabinet report's figures)."""
    by_id = {o["id"]: o["business_case"] for o in rotherham_results["opportunities"]}
    for project in tracker.projects:
        years = by_id[project.opportunity_id]["adjusted"]["years"]
        for t, year in enumerate(years[:4]):
            label = f"{2011 + t}/{(12 + t) % 100:02d}"
            lines = [
                x for x in tracker.plan if x.project == project.code and x.period.startswith(label)
            ]
            saved = sum(x.business_case for x in lines if x.category is Category.CASHABLE_SAVING)
            spent = sum(x.business_case for x in lines if x.category is Category.ONE_OFF_COST)
            one_off = sum(
                year["costs"][k]
                for k in (
                    "project_team",
                    "procurement_legal",
                    "ict_integration",
                    "redundancy_pension",
                    "optimism_bias_one_off",
                )
            )
            assert saved == pytest.approx(year["savings"], rel=1e-9, abs=1e-6)
            assert spent == pytest.approx(one_off, rel=1e-9, abs=1e-6)


def test_register_bands_are_ordered_and_the_plan_is_the_business_cases_monte_carlo(
    tracker: Tracker, rotherham_results: dict[str, Any]
) -> None:
    """P10 <= P50 <= P90 everywhere. The tracker's plan NPV band comes from its own draws (so
    that with no actuals the forecast is exactly the plan) and agrees with the business case's
    Monte Carlo to within sampling error (4,000 draws against 10,000): P50 within 5% of the
    P10-P90 width."""
    for x in tracker.plan:
        assert x.cumulative_p10 <= x.cumulative_p50 + 1e-9 <= x.cumulative_p90 + 2e-9
    mc = {o["id"]: o["business_case"]["monte_carlo"] for o in rotherham_results["opportunities"]}
    for f, p in zip(forecast(tracker, AS_AT, NOISE), tracker.projects, strict=True):
        assert f.periods_used == 0
        assert f.plan_npv_p50 == pytest.approx(p.npv_p50)
        assert f.npv_p50 == pytest.approx(f.plan_npv_p50)  # no actuals: the forecast is the plan
        case = mc[p.opportunity_id]
        assert abs(p.npv_p50 - case["p50"]) < 0.05 * (case["p90"] - case["p10"])


def test_actuals_equal_to_plan_are_green_and_forecast_the_plans_p50(tracker: Tracker) -> None:
    """Every project reports exactly the plan's P50 path to September 2013 and reaches its
    milestones on their P50 dates: all green, and each forecast P50 NPV lands on the plan's P50
    (within 7% of the plan's P10-P90 width: the forecast keeps only the draws near the median
    path, which the median NPV need not be exactly)."""
    with_actuals = tracker.with_actuals(plan_actuals(tracker, AS_AT))
    statuses = programme_status(with_actuals, AS_AT, RULE)
    assert [s.rag for s in statuses] == [Rag.GREEN] * len(statuses), [s.reasons for s in statuses]
    for f in forecast(with_actuals, AS_AT, NOISE):
        assert f.periods_used == 12
        width = f.plan_npv_p90 - f.plan_npv_p10
        assert abs(f.npv_p50 - f.plan_npv_p50) < 0.07 * width, f
        assert f.npv_p90 - f.npv_p10 < width  # knowing what happened narrows the range


def test_three_months_late_with_half_the_savings_is_red_and_the_forecast_falls(
    tracker: Tracker,
) -> None:
    """ICT services centralised (SS01: share 8%) saving at 4% from three months late: cumulative
    savings fall below the plan's P10, so red by the rule; the forecast NPV falls, and the
    update finds the share and the delay that produced the figures."""
    code = next(p.code for p in tracker.projects if p.opportunity_id == "ict:cc")
    central = tracker.model_values(code)["input.share"]
    late = tracker.with_actuals(true_actuals(tracker, code, AS_AT, central / 2, 3.0))
    status = project_status(late, code, AS_AT, RULE)
    assert status.rag is Rag.RED
    assert status.savings.actual < status.savings.p10
    assert "below the plan's P10" in status.reasons[0]
    f = next(x for x in forecast(late, AS_AT, NOISE) if x.code == code)
    assert f.npv_p50 < f.plan_npv_p50 - 0.25 * (f.plan_npv_p90 - f.plan_npv_p10)
    assert f.share == pytest.approx(central / 2, rel=0.1)
    assert f.delay_months == pytest.approx(3.0, abs=1.5)


#: (as at, relative tolerance on the share, months of tolerance on the delay): two and three
#: years after the decision, i.e. about one and two years of savings
TOLERANCES = ((dt.date(2013, 3, 31), 0.10, 1.5), (dt.date(2014, 3, 31), 0.08, 1.0))


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(position=st.floats(0.1, 0.9), lateness=st.floats(0.1, 0.9))
def test_forecast_recovers_a_known_share_and_delay(
    tracker: Tracker, position: float, lateness: float
) -> None:
    """Synthetic projects whose true saving share and delay are known, each from 10% to 90% of
    the way across the business case's range (at the very ends the prior's triangular density is
    near zero and pulls the estimate inwards, as a Bayesian update should). The delay range is
    the spread around the headline timetable, which already carries the duration optimism bias,
    so it runs from 3 months early to 6 late rather than from 0; a delay beyond it is one the
    prior rules out. With actuals to March 2013 the updated share is within 10% of the truth
    and the delay within 1.5 months; with a year more, within 8% and 1 month."""
    code = next(p.code for p in tracker.projects if p.opportunity_id == "ict:cc")
    values = tracker.model_values(code)
    low, high = values["range.share.low"], values["range.share.high"]
    share = low + position * (high - low)
    early, late = values["range.delay_months.low"], values["range.delay_months.high"]
    delay = early + lateness * (late - early)
    for as_at, share_tolerance, delay_tolerance in TOLERANCES:
        known = tracker.with_actuals(true_actuals(tracker, code, as_at, share, delay))
        f = next(x for x in forecast(known, as_at, NOISE) if x.code == code)
        assert f.share == pytest.approx(share, rel=share_tolerance)
        assert f.delay_months == pytest.approx(delay, abs=delay_tolerance)


def test_weighted_percentiles_with_equal_weights() -> None:
    """Ten values 1..10, equal weights: the midpoint rule puts the median at 5.5 and P10 at 1.5."""
    import numpy as np

    values = np.arange(1.0, 11.0)
    p10, p50, p90 = weighted_percentiles(values, np.ones(10), (10, 50, 90))
    assert (p10, p50, p90) == pytest.approx((1.5, 5.5, 9.5))
