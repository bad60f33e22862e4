"""Green Book discounting: published worked example, hand-computed cases, cross-checks, properties."""

from __future__ import annotations

import numpy as np
import numpy_financial as npf
import pytest
from hypothesis import given
from hypothesis import strategies as st

from shareplan.business_case.discounting import (
    Band,
    ScheduleError,
    annuity_factor,
    npv,
    parse_schedule,
    present_values,
    rates_by_year,
    schedule_factors,
)

STANDARD = (
    Band(0, 30, 0.035),
    Band(31, 75, 0.03),
    Band(76, 125, 0.025),
    Band(126, 200, 0.02),
    Band(201, 300, 0.015),
    Band(301, None, 0.01),
)


def test_green_book_box_15_it_system() -> None:
    """Green Book (2003) Box 15: an IT system costs 1m now and saves 150k a year for 10 years.

    Annuity factor, years 1-10 at 3.5%: (1 - 1.035**-10) / 0.035 = 8.316605.
    NPV = -1,000,000 + 150,000 x 8.316605 = 247,491 (the Green Book rounds to 247k).
    With 100k a year: -1,000,000 + 831,661 = -168,339 (-168k).
    Switching value of the annual saving: 1,000,000 / 8.316605 = 120,241 a year.
    """
    df = schedule_factors(STANDARD, 11)
    assert annuity_factor(df, 1, 10) == pytest.approx(8.3166, abs=5e-5)
    assert npv([-1e6] + [150e3] * 10, df) == pytest.approx(247_491, abs=0.5)
    assert npv([-1e6] + [100e3] * 10, df) == pytest.approx(-168_339, abs=0.5)
    assert 1e6 / annuity_factor(df, 1, 10) == pytest.approx(120_241, abs=0.5)


def test_three_years_at_3_5_percent() -> None:
    """Flows -100, 60, 60 in years 0, 1, 2.

    DF = 1, 1/1.035 = 0.9661836, 1/1.071225 = 0.9335107.
    PV = -100, 57.9710145, 56.0106420; NPV = 13.9816565.
    """
    df = schedule_factors(STANDARD, 3)
    assert df == pytest.approx([1.0, 0.9661836, 0.9335107], abs=1e-7)
    assert present_values([-100, 60, 60], df) == pytest.approx(
        [-100, 57.9710145, 56.0106420], abs=1e-6
    )
    assert npv([-100, 60, 60], df) == pytest.approx(13.9816565, abs=1e-6)


def test_rate_steps_down_after_year_30() -> None:
    """Year 30 is the last year at 3.5%; year 31 is discounted from year 30 at 3.0%.

    DF_30 = 1.035**-30 = 0.3562784; DF_31 = DF_30 / 1.03 = 0.3459014, not 1.035**-31 = 0.3442304
    nor 1.03**-31. A flow of 1,000 in year 31 is worth 345.90.
    """
    df = schedule_factors(STANDARD, 32)
    assert df[30] == pytest.approx(0.3562784, abs=1e-7)
    assert df[31] == pytest.approx(0.3459014, abs=1e-7)
    assert df[31] == pytest.approx(df[30] / 1.03, rel=1e-14)
    assert df[31] != pytest.approx(1.035**-31, abs=1e-4)
    flows = np.zeros(32)
    flows[31] = 1000.0
    assert npv(flows, df) == pytest.approx(345.9014, abs=1e-4)


def test_published_check_values() -> None:
    """uk-appraisal-facts 1.1 check values: DF_1 0.9662, DF_10 0.7089, DF_30 0.3563, DF_31 0.3459,
    DF_60 0.1468, DF_75 0.0942, DF_100 0.0508."""
    df = schedule_factors(STANDARD, 101)
    for year, value in {
        1: 0.9662,
        10: 0.7089,
        30: 0.3563,
        31: 0.3459,
        60: 0.1468,
        75: 0.0942,
        100: 0.0508,
    }.items():
        assert df[year] == pytest.approx(value, abs=5e-5)


def test_numpy_financial_agrees_at_a_flat_rate() -> None:
    """numpy-financial's npv puts the first flow at t = 0, as the Green Book does."""
    flows = [-250_000.0, 40_000.0, 90_000.0, 120_000.0, 120_000.0, 80_000.0]
    df = schedule_factors(STANDARD, len(flows))
    assert npv(flows, df) == pytest.approx(npf.npv(0.035, flows), rel=1e-12)


def test_schedule_must_cover_the_horizon() -> None:
    short = (Band(0, 5, 0.035),)
    with pytest.raises(ScheduleError, match="covers years 0-5 only"):
        rates_by_year(short, 10)
    with pytest.raises(ScheduleError, match="at least 1 year"):
        rates_by_year(STANDARD, 0)
    with pytest.raises(ScheduleError, match="gap"):
        rates_by_year((Band(0, 5, 0.035), Band(7, None, 0.03)), 10)


def test_parse_schedule() -> None:
    assert parse_schedule("0-30:3.5%; 31-:0.03") == (Band(0, 30, 0.035), Band(31, None, 0.03))
    with pytest.raises(ScheduleError):
        parse_schedule("zero to thirty at 3.5")


flows_strategy = st.lists(
    st.floats(min_value=-1e7, max_value=1e7, allow_nan=False), min_size=1, max_size=40
)


@given(flows_strategy)
def test_npv_is_sum_of_present_values(flows: list[float]) -> None:
    df = schedule_factors(STANDARD, len(flows))
    pv = present_values(flows, df)
    assert npv(flows, df) == pytest.approx(float(np.sum(pv)), abs=1e-6 * (1 + np.abs(pv).sum()))
    assert pv == pytest.approx(np.asarray(flows) * df, abs=1e-9)


@given(flows_strategy, st.floats(min_value=0.0, max_value=0.2))
def test_flat_rate_matches_numpy_financial(flows: list[float], rate: float) -> None:
    df = schedule_factors((Band(0, None, rate),), len(flows))
    scale = 1 + float(np.abs(flows).sum())
    assert npv(flows, df) == pytest.approx(npf.npv(rate, flows), abs=1e-9 * scale)
