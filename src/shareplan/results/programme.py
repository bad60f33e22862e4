"""The ``programme`` block: the priority projects the optimiser chose and why, or why none could
be chosen."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Discriminator, Tag

from shareplan.business_case import ProgrammeRisk
from shareplan.programme.constraints import ObjectiveKind
from shareplan.results.base import Number, Record


class ObjectiveUsed(Record):
    """What was maximised: NPV, value score, early savings or a blend of value and NPV."""

    kind: ObjectiveKind
    value_weight: Number
    label: str


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


class Totals(Record):
    n_projects: int
    one_off_cost: Number
    npv: Number
    value_score: Number
    savings_12m: Number
    quick_wins: int
    cost_by_year: tuple[Number, ...]
    fte_by_year: tuple[Number, ...]


class RuleUse(Record):
    """How much of a rule the programme uses; ``tight`` lists the members of a many-row rule
    (per service, per partner) that have no room left."""

    key: str
    label: str
    used: Number | None
    limit: Number | None
    slack: Number | None
    binding: bool
    tight: tuple[str, ...]


class Solver(Record):
    name: str
    status: str
    proven_optimal: bool
    seconds: float


class Use(Record):
    rule: str
    amount: Number
    limit: Number | None
    share: Number | None


class Reason(Record):
    """Why a selected project is in the programme."""

    id: str
    title: str
    contribution: Number
    share_of_objective: Number | None
    uses: tuple[Use, ...]
    loss_if_removed: Number | None
    replaced_by: tuple[str, ...]
    text: str


class NearMiss(Record):
    """A project that nearly made it: the loss if forced in, what it would displace, the rules
    that keep it out (``loss_if_forced_in`` is ``None`` when it cannot go in at all)."""

    id: str
    title: str
    contribution: Number
    loss_if_forced_in: Number | None
    displaces: tuple[str, ...]
    brings_in: tuple[str, ...]
    kept_out_by: tuple[str, ...]
    text: str


class BudgetShadow(Record):
    """What ``step`` more budget buys."""

    budget: Number
    step: Number
    gain: Number
    gain_per_pound: Number
    added: tuple[str, ...]
    removed: tuple[str, ...]
    text: str


class FrontierPoint(Record):
    ids: tuple[str, ...]
    savings_12m: Number
    npv: Number
    one_off_cost: Number
    value_score: Number


class Frontier(Record):
    """Non-dominated programmes between savings in the first 12 months (x) and NPV (y)."""

    x: Literal["savings_12m"]
    y: Literal["npv"]
    step: Number
    points: tuple[FrontierPoint, ...]


class CurvePoint(Record):
    budget: Number
    objective_value: Number
    one_off_cost: Number
    ids: tuple[str, ...]


class ValueForMoney(Record):
    """The best objective reachable at each budget."""

    objective: ObjectiveUsed
    points: tuple[CurvePoint, ...]


class BuyStep(Record):
    rank: int
    id: str
    benefit: Number
    one_off_cost: Number
    ratio: Number | None
    funded: bool
    blocked_by: str | None
    cumulative_cost: Number
    cumulative_benefit: Number


class OrderOfBuy(Record):
    """The greedy benefit/cost order beside the exact optimum (``gap`` = exact minus greedy)."""

    objective: ObjectiveUsed
    ids: tuple[str, ...]
    objective_value: Number
    keeps_rules: bool
    breaks: tuple[str, ...]
    exact_value: Number
    exact_ids: tuple[str, ...]
    gap: Number
    steps: tuple[BuyStep, ...]
    steps_total: int


class Portfolio(Record):
    name: str
    ids: tuple[str, ...]
    one_off_cost: Number | None
    benefit: Number | None
    exists: bool
    breaks: tuple[str, ...]
    note: str


class Equity(Record):
    """The proposed programme (P) against the best benefit at its cost (B) and the cheapest with
    its benefit (C)."""

    objective: ObjectiveUsed
    P: Portfolio
    B: Portfolio
    C: Portfolio
    benefit_gain_B: Number | None
    cost_saving_C: Number | None


class TimelineRow(Record):
    """One project on the programme timeline, in months from the programme start."""

    id: str
    title: str
    needs_tender: bool
    procurement_start: int | None
    procurement_end: int | None
    implementation_start: int | None
    implementation_end: int | None
    benefits_start: int | None


class Counts(Record):
    n_projects: int
    quick_wins: int
    partners: tuple[str, ...]
    n_partners: int
    tenders: int
    most_tenders_at_once: int


class ConcentrationRisk(Record):
    """A risk to the programme as a whole: too many projects with one partner, or too many
    tenders at once."""

    kind: str
    message: str
    ids: tuple[str, ...]
    value: int
    threshold: int


class View(Record):
    """The programme's timeline, cash flows by year, savings bands, counts and risks."""

    ids: tuple[str, ...]
    timeline: tuple[TimelineRow, ...]
    npv: Number
    cash_flows_by_year: tuple[Number, ...]
    missing_nets: tuple[str, ...]
    savings_percentiles_by_year: dict[str, tuple[Number, ...]] | None
    counts: Counts
    risks: tuple[ConcentrationRisk, ...]


class ChosenProgramme(Record):
    """The priority projects the optimiser chose, with the reasons and the trade-offs."""

    feasible: Literal[True]
    objective: ObjectiveUsed
    objective_value: Number
    objective_unit: str
    normalisers: dict[str, Number]
    constraints: Rules
    selected_ids: tuple[str, ...]
    totals: Totals
    constraint_use: tuple[RuleUse, ...]
    binding: tuple[str, ...]
    solver: Solver
    reasons: tuple[Reason, ...]
    near_misses: tuple[NearMiss, ...]
    budget_shadow: BudgetShadow | None
    frontier: Frontier
    value_for_money: ValueForMoney
    order_of_buy: OrderOfBuy
    equity: Equity | None
    view: View
    risk_register: tuple[ProgrammeRisk, ...]


class NoProgramme(Record):
    """No programme meets every rule: the message and a minimal set of clashing rules."""

    feasible: Literal[False]
    message: str
    conflicting: tuple[str, ...]
    objective: ObjectiveUsed
    constraints: Rules


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
