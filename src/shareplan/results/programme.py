"""The ``programme`` block: the priority projects the optimiser chose and why, or why none could
be chosen. The programme stage's own records (:mod:`shareplan.programme.records`) sit in it as
they are; the blocks below are those the stage writes as dicts."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Discriminator, Tag

from shareplan.business_case import ProgrammeRisk
from shareplan.programme.constraints import ObjectiveKind
from shareplan.programme.records import (
    BudgetShadow,
    BuyStep,
    ConstraintUse,
    CurvePoint,
    EqualAlternative,
    Frontier,
    NearMiss,
    Portfolio,
    ProgrammeView,
    SelectedReason,
    Totals,
)
from shareplan.results.base import Number, Record


class ObjectiveUsed(Record):
    """What was maximised: NPV, value score, early savings or a blend of value and NPV.

    ``count_ring_fenced_savings``: whether the NPV the programme ranked on was the whole NPV
    (true) or the general fund's share of it (false: what the general fund can cash, the part
    paid from ring-fenced grants left out). ``any_ring_fenced``: whether any candidate's cost was
    partly paid from ring-fenced grants, so that the two differed. Results written before the
    setting ranked on the whole NPV, hence the defaults.
    """

    kind: ObjectiveKind
    value_weight: Number
    label: str
    count_ring_fenced_savings: bool = True
    any_ring_fenced: bool = False

    @property
    def on_general_fund(self) -> bool:
        """Whether the programme's NPV figures were the general fund's share, not the whole."""
        return self.any_ring_fenced and not self.count_ring_fenced_savings


class Rules(Record):
    """The rules the programme had to keep (``None`` switches a rule off)."""

    min_projects: int | None
    max_projects: int | None
    budget: Number | None
    funding_by_year: tuple[Number, ...] | None
    fte_capacity_by_year: tuple[Number, ...] | None
    one_opportunity_per_service: bool
    partner_capacity: int | None
    min_quick_wins: int
    must_include: tuple[str, ...]
    must_exclude: tuple[str, ...]
    min_prob_positive_npv: Number | None


class Solver(Record):
    name: str
    status: str
    proven_optimal: bool
    seconds: float


class ValueForMoney(Record):
    """The best objective reachable at each budget."""

    objective: ObjectiveUsed
    points: tuple[CurvePoint, ...]


class OrderOfBuy(Record):
    """The greedy benefit/cost order beside the exact optimum (``gap`` = exact minus greedy)."""

    objective: ObjectiveUsed
    ids: tuple[str, ...]
    objective_value: Number
    keeps_rules: bool
    breaks: tuple[str, ...]
    exact_value: Number | None
    exact_ids: tuple[str, ...]
    gap: Number | None
    steps: tuple[BuyStep, ...]
    steps_total: int


class Equity(Record):
    """The proposed programme (P) against the best benefit at its cost (B) and the cheapest with
    its benefit (C)."""

    objective: ObjectiveUsed
    P: Portfolio
    B: Portfolio
    C: Portfolio
    benefit_gain_B: Number | None
    cost_saving_C: Number | None


class Choice(Record):
    """The priority projects the optimiser chose and the reasons: what a what-if answers.

    ``no_room_left`` names the rules used to the full; ``limiting`` those whose relaxation alone
    would give a better programme (``None`` in a file written before it was worked out)."""

    feasible: Literal[True]
    objective: ObjectiveUsed
    objective_value: Number
    objective_unit: str
    normalisers: dict[str, Number]
    constraints: Rules
    selected_ids: tuple[str, ...]
    totals: Totals
    constraint_use: tuple[ConstraintUse, ...]
    no_room_left: tuple[str, ...]
    limiting: tuple[str, ...] | None = None
    solver: Solver
    reasons: tuple[SelectedReason, ...]
    near_misses: tuple[NearMiss, ...]
    equal_alternatives: tuple[EqualAlternative, ...] = ()
    budget_shadow: BudgetShadow | None


class ChosenProgramme(Choice):
    """The priority projects the optimiser chose, with the reasons and the trade-offs."""

    frontier: Frontier
    value_for_money: ValueForMoney
    order_of_buy: OrderOfBuy
    equity: Equity | None
    view: ProgrammeView
    risk_register: tuple[ProgrammeRisk, ...]


class Relaxed(Record):
    """One rule relaxed just enough to give a programme, and that programme's size."""

    setting: str
    option: str | None
    value: str
    projects: int
    one_off_cost: float
    npv: float
    text: str


class NoProgramme(Record):
    """No programme meets every rule: the message, a minimal set of clashing rules and the
    smallest change to each rule alone that gives a programme."""

    feasible: Literal[False]
    message: str
    conflicting: tuple[str, ...]
    objective: ObjectiveUsed
    constraints: Rules
    relaxations: tuple[Relaxed, ...] = ()


def _programme_kind(value: Any) -> str:
    feasible = (
        value.get("feasible") if isinstance(value, dict) else getattr(value, "feasible", None)
    )
    return "none" if feasible is False else "chosen"


ProgrammeResult = Annotated[
    Annotated[ChosenProgramme, Tag("chosen")] | Annotated[NoProgramme, Tag("none")],
    Discriminator(_programme_kind),
]
"""The ``programme`` block, told apart by ``feasible``."""
