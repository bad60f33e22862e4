"""Programme selection: pick the priority projects exactly, explain why, show the trade-offs.

Start with :func:`plan_programme` (everything results.json needs) or :func:`optimise` (just the
choice). Inputs: :class:`Candidate` records in a :class:`CandidateSet`, :class:`Constraints`, an
:class:`Objective`. See docs/programme.md for the formulation.
"""

from shareplan.programme.candidates import Candidate, CandidateSet
from shareplan.programme.constraints import Constraints, Objective
from shareplan.programme.explain import Explanation, budget_shadow, explain_programme
from shareplan.programme.frontier import (
    EquityComparison,
    OrderOfBuy,
    ValueForMoneyCurve,
    equity_comparison,
    order_of_buy,
    speed_npv_frontier,
    value_for_money_curve,
)
from shareplan.programme.optimiser import Model, ProgrammeResult, SolverError, optimise, solve_model
from shareplan.programme.plan import ProgrammePlan, plan_programme
from shareplan.programme.records import Frontier, ProgrammeView
from shareplan.programme.view import (
    cash_flows_by_year,
    concentration_risks,
    max_concurrent,
    percentiles_by_year,
    programme_view,
)

__all__ = [
    "Candidate",
    "CandidateSet",
    "Constraints",
    "EquityComparison",
    "Explanation",
    "Frontier",
    "Model",
    "Objective",
    "OrderOfBuy",
    "ProgrammePlan",
    "ProgrammeResult",
    "ProgrammeView",
    "SolverError",
    "ValueForMoneyCurve",
    "budget_shadow",
    "cash_flows_by_year",
    "concentration_risks",
    "equity_comparison",
    "explain_programme",
    "max_concurrent",
    "optimise",
    "order_of_buy",
    "percentiles_by_year",
    "plan_programme",
    "programme_view",
    "solve_model",
    "speed_npv_frontier",
    "value_for_money_curve",
]
