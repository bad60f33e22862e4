"""Each business case's Monte Carlo, simulated many opportunities at a time, gives every
opportunity exactly the draws and the figures it gets simulated alone."""

from __future__ import annotations

import numpy as np
import pytest

from shareplan.business_case import montecarlo_cases
from shareplan.business_case.assumptions import AssumptionBook
from shareplan.business_case.discounting import Band, schedule_factors
from shareplan.business_case.montecarlo import simulate_npv
from shareplan.business_case.prepare import Prepared, prepare
from shareplan.pipeline import AppraisalRun

DF = schedule_factors((Band(0, None, 0.035),), 10)


def prepared_items(run: AppraisalRun) -> list[Prepared]:
    scenario, evidence = run.scenario, run.evidence
    book = AssumptionBook(evidence, scenario.authority.appraisal_date, scenario.parameters)
    return [prepare(scenario, o, book, "triangular") for o in run.opportunities]


@pytest.mark.parametrize("block", [1, 7, 250])
def test_a_block_gives_each_opportunity_its_own_simulation_exactly(
    rotherham_run: AppraisalRun, block: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rotherham's shortlist mixes opportunities that trade (volume and margin drawn) with ones
    that do not, ramps with steps, and modes on and off the low end of a range: every one's
    NPVs and quick-win flags, draw by draw, are those of a simulation of it alone."""
    items = prepared_items(rotherham_run)
    assert any(p.ranges.trading_volume is not None for p in items)
    monkeypatch.setattr(montecarlo_cases, "BLOCK", block)
    together = montecarlo_cases.simulate_cases(items, DF, 1_500, 20101201, "triangular")
    assert len(together) == len(items)
    for p, sim in zip(items, together, strict=True):
        alone = simulate_npv(
            montecarlo_cases._stack_inputs([p]),
            p.ranges,
            DF,
            1_500,
            20101201,
            "triangular",
            quick_win_months=p.quick_win_months,
            quick_win_share=p.quick_win_share,
        )
        assert np.array_equal(sim.npv, alone.npv)
        assert np.array_equal(sim.quick_win, alone.quick_win)
        assert float(np.mean(sim.npv)) == float(np.mean(alone.npv))
        assert np.array_equal(sim.percentiles(), alone.percentiles())


def test_common_numbers_are_the_same_for_every_opportunity(rotherham_run: AppraisalRun) -> None:
    """With common random numbers two opportunities with the same ranges get the same draws;
    without them (a programme's projects) they get independent ones."""
    item = prepared_items(rotherham_run)[0]
    two = montecarlo_cases._stack_inputs([item, item])
    ranges = montecarlo_cases._stack_ranges([item, item], float(item.ranges.correlation))
    common = simulate_npv(two, ranges, DF, 500, 3, common=True)
    independent = simulate_npv(two, ranges, DF, 500, 3)
    assert np.array_equal(common.npv[:, 0], common.npv[:, 1])
    assert not np.array_equal(independent.npv[:, 0], independent.npv[:, 1])
