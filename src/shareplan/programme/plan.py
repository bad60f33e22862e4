"""Everything results.json's ``programme`` needs, in one call.

:func:`plan_programme` optimises, explains, sweeps the frontier and the value-for-money curve,
runs the greedy order of buy beside the optimum, compares a proposed programme (EQUITY's P, B, C)
and builds the programme view. With ``choose_only`` it stops after the choice and its reasons
(a what-if page shows no more, and on thousands of candidates the trade-offs take most of the
time). It raises what :func:`~shareplan.programme.optimiser.optimise` raises (``InputError``,
``InfeasibleError``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, overload

import numpy as np

from shareplan.errors import raise_if_any
from shareplan.programme.candidates import CandidateSet, FloatArray
from shareplan.programme.constraints import Constraints, Objective
from shareplan.programme.explain import (
    BUDGET_STEP,
    Explanation,
    explain_programme,
    near_miss_pool,
)
from shareplan.programme.frontier import (
    EquityComparison,
    OrderOfBuy,
    ValueForMoneyCurve,
    equity_comparison,
    order_of_buy,
    speed_npv_frontier,
    value_for_money_curve,
    with_chosen,
)
from shareplan.programme.optimiser import Model, ProgrammeResult, solve_model
from shareplan.programme.records import Frontier, ProgrammeView
from shareplan.programme.screen import screened
from shareplan.programme.view import programme_view


@dataclass(frozen=True, slots=True)
class ProgrammeChoice:
    """The chosen programme and why each project is in (and the near misses out)."""

    result: ProgrammeResult
    explanation: Explanation

    def to_dict(self) -> dict[str, object]:
        out = self.result.to_dict()
        why = self.explanation
        shadow = why.budget_shadow
        out.update(
            {
                "constraint_use": [
                    u.model_copy(update={"limiting": u.key in why.limiting}).model_dump(mode="json")
                    for u in self.result.uses
                ],
                "limiting": [u.label for u in self.result.uses if u.key in why.limiting],
                "reasons": [s.model_dump(mode="json") for s in why.selected],
                "near_misses": [m.model_dump(mode="json") for m in why.near_misses],
                "equal_alternatives": [e.model_dump(mode="json") for e in why.equal_alternatives],
                "budget_shadow": None if shadow is None else shadow.model_dump(mode="json"),
            }
        )
        return out


@dataclass(frozen=True, slots=True)
class ProgrammePlan(ProgrammeChoice):
    """The choice with its trade-offs (frontier, value for money, order of buy), the comparison
    with a proposed programme and the view: the whole of results.json's ``programme``."""

    frontier: Frontier
    value_for_money: ValueForMoneyCurve
    order_of_buy: OrderOfBuy
    equity: EquityComparison | None
    view: ProgrammeView

    def to_dict(self) -> dict[str, object]:
        out = ProgrammeChoice.to_dict(self)
        out.update(
            {
                "frontier": self.frontier.model_dump(mode="json"),
                "value_for_money": self.value_for_money.to_dict(),
                "order_of_buy": self.order_of_buy.to_dict(),
                "equity": None if self.equity is None else self.equity.to_dict(),
                "view": self.view.model_dump(mode="json"),
            }
        )
        return out


@overload
def plan_programme(
    cands: CandidateSet,
    constraints: Constraints | None = ...,
    objective: Objective | None = ...,
    *,
    choose_only: Literal[False] = ...,
    proposed_ids: Sequence[str] | None = ...,
    draws: FloatArray | None = ...,
    near_misses: int = ...,
    frontier_points: int = ...,
    budgets: Sequence[float] | None = ...,
    budget_step: float = ...,
    time_limit: float = ...,
) -> ProgrammePlan: ...


@overload
def plan_programme(
    cands: CandidateSet,
    constraints: Constraints | None = ...,
    objective: Objective | None = ...,
    *,
    choose_only: bool,
    proposed_ids: Sequence[str] | None = ...,
    draws: FloatArray | None = ...,
    near_misses: int = ...,
    frontier_points: int = ...,
    budgets: Sequence[float] | None = ...,
    budget_step: float = ...,
    time_limit: float = ...,
) -> ProgrammeChoice: ...


def plan_programme(
    cands: CandidateSet,
    constraints: Constraints | None = None,
    objective: Objective | None = None,
    *,
    choose_only: bool = False,
    proposed_ids: Sequence[str] | None = None,
    draws: FloatArray | None = None,
    near_misses: int = 5,
    frontier_points: int = 20,
    budgets: Sequence[float] | None = None,
    budget_step: float = BUDGET_STEP,
    time_limit: float = 60.0,
) -> ProgrammeChoice:
    """The best programme with its reasons, trade-offs, comparison and view (a
    :class:`ProgrammePlan`), or with ``choose_only`` the programme and its reasons alone (the
    same choice: one model, one solve).

    ``draws`` (optional) are Monte Carlo yearly net savings for every candidate, shape
    (draws, candidates, years) in candidate order; the view takes the selected projects' slices.
    ``proposed_ids`` (optional) is a programme to compare (for example the officers' shortlist).
    """
    cons = constraints or Constraints()
    obj = (objective or Objective()).resolved(cands)
    raise_if_any(obj.problems())
    full = Model.build(cands, cons, time_limit)
    result = solve_model(full, obj)
    # the choice is made over every candidate; the questions around it, over those that can
    # be in an answer (the same optimum, docs/programme.md "Scale")
    keep = [*np.flatnonzero(result.selected).tolist(), *near_miss_pool(full, result)]
    model = screened(full, result.coefficients, keep)
    explanation = explain_programme(model, result, near_misses=near_misses, budget_step=budget_step)
    if choose_only:
        return ProgrammeChoice(result, explanation)
    selected_draws = None
    if draws is not None:
        selected_draws = np.asarray(draws, dtype=np.float64)[:, np.flatnonzero(result.selected), :]
    return ProgrammePlan(
        result=result,
        explanation=explanation,
        frontier=with_chosen(speed_npv_frontier(model, frontier_points, obj), result),
        value_for_money=value_for_money_curve(model, obj, budgets),
        order_of_buy=order_of_buy(model, obj),
        equity=None if proposed_ids is None else equity_comparison(model, obj, proposed_ids),
        view=programme_view(cands, result.selected_ids, selected_draws),
    )
