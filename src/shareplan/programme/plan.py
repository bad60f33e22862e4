"""Everything results.json's ``programme`` needs, in one call.

:func:`plan_programme` optimises, explains, sweeps the frontier and the value-for-money curve,
runs the greedy order of buy beside the optimum, compares a proposed programme (EQUITY's P, B, C)
and builds the programme view. It raises what :func:`~shareplan.programme.optimiser.optimise`
raises (``InputError``, ``InfeasibleError``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from shareplan.errors import raise_if_any
from shareplan.programme.candidates import CandidateSet, FloatArray
from shareplan.programme.constraints import Constraints, Objective
from shareplan.programme.explain import BUDGET_STEP, Explanation, explain_programme
from shareplan.programme.frontier import (
    EquityComparison,
    OrderOfBuy,
    ValueForMoneyCurve,
    equity_comparison,
    order_of_buy,
    speed_npv_frontier,
    value_for_money_curve,
)
from shareplan.programme.optimiser import Model, ProgrammeResult, solve_model
from shareplan.programme.records import Frontier, ProgrammeView
from shareplan.programme.view import programme_view


@dataclass(frozen=True, slots=True)
class ProgrammePlan:
    result: ProgrammeResult
    explanation: Explanation
    frontier: Frontier
    value_for_money: ValueForMoneyCurve
    order_of_buy: OrderOfBuy
    equity: EquityComparison | None
    view: ProgrammeView

    def to_dict(self) -> dict[str, object]:
        out = self.result.to_dict()
        out.update(
            {
                "reasons": [s.model_dump(mode="json") for s in self.explanation.selected],
                "near_misses": [m.model_dump(mode="json") for m in self.explanation.near_misses],
                "budget_shadow": (
                    None
                    if self.explanation.budget_shadow is None
                    else self.explanation.budget_shadow.model_dump(mode="json")
                ),
                "frontier": self.frontier.model_dump(mode="json"),
                "value_for_money": self.value_for_money.to_dict(),
                "order_of_buy": self.order_of_buy.to_dict(),
                "equity": None if self.equity is None else self.equity.to_dict(),
                "view": self.view.model_dump(mode="json"),
            }
        )
        return out


def plan_programme(
    cands: CandidateSet,
    constraints: Constraints | None = None,
    objective: Objective | None = None,
    *,
    proposed_ids: Sequence[str] | None = None,
    draws: FloatArray | None = None,
    near_misses: int = 5,
    frontier_points: int = 20,
    budgets: Sequence[float] | None = None,
    budget_step: float = BUDGET_STEP,
    time_limit: float = 60.0,
) -> ProgrammePlan:
    """The best programme with its reasons, trade-offs, comparison and view.

    ``draws`` (optional) are Monte Carlo yearly net savings for every candidate, shape
    (draws, candidates, years) in candidate order; the view takes the selected projects' slices.
    ``proposed_ids`` (optional) is a programme to compare (for example the officers' shortlist).
    """
    cons = constraints or Constraints()
    obj = objective or Objective()
    raise_if_any(obj.problems())
    model = Model.build(cands, cons, time_limit)
    result = solve_model(model, obj)
    selected_draws = None
    if draws is not None:
        selected_draws = np.asarray(draws, dtype=np.float64)[:, np.flatnonzero(result.selected), :]
    return ProgrammePlan(
        result=result,
        explanation=explain_programme(
            model, result, near_misses=near_misses, budget_step=budget_step
        ),
        frontier=speed_npv_frontier(model, frontier_points),
        value_for_money=value_for_money_curve(model, obj, budgets),
        order_of_buy=order_of_buy(model, obj),
        equity=None if proposed_ids is None else equity_comparison(model, obj, proposed_ids),
        view=programme_view(cands, result.selected_ids, selected_draws),
    )
