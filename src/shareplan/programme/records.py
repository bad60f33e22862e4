"""The programme stage's plain records, typed once: the optimiser and the view make them, and
results.json holds them as they are (``shareplan.results.programme`` embeds them)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

Number = int | float
"""A figure as computed: a count stays ``5``, a sum stays ``5.0``."""


class Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Totals(Record):
    """What a programme adds up to (cost and officer FTE by programme year, year 1 first).
    ``general_fund_npv`` is the general fund's share of ``npv`` (``None`` in results written
    before it was recorded)."""

    n_projects: int
    one_off_cost: Number
    npv: Number
    general_fund_npv: Number | None = None
    value_score: Number
    savings_12m: Number
    quick_wins: int
    cost_by_year: tuple[Number, ...]
    fte_by_year: tuple[Number, ...]


class ConstraintUse(Record):
    """How much of a rule the programme uses, whether any room is left, and whether the rule
    limits the programme.

    ``no_room_left`` is arithmetic: the programme uses the whole of the rule (a budget spent to the
    pound, every allowed project chosen). ``limiting`` is a counterfactual: switching this rule off
    alone, every other kept, would give a better programme. The two differ both ways: £10k of a
    £350k budget can be left while the budget is all that keeps the next project out, and a rule
    can be used to the full while relaxing it would change nothing. ``limiting`` is ``None`` where
    it was not worked out (the choice alone, without its explanation).

    For a one-row rule ``used``/``limit``/``slack`` are in the rule's units (projects, £, FTE);
    for rules made of many rows (per service, per partner) ``tight`` lists the members with no room
    left. Fixing rules (must include/exclude, minimum probability) report how many they fix.
    """

    key: str
    label: str
    used: Number | None
    limit: Number | None
    slack: Number | None
    no_room_left: bool
    tight: tuple[str, ...] = ()
    limiting: bool | None = None


class BudgetShadow(Record):
    """What ``step`` more budget buys: the gain in the objective and the change of programme."""

    budget: Number
    step: Number
    gain: Number
    gain_per_pound: Number
    added: tuple[str, ...]
    removed: tuple[str, ...]
    text: str


class FrontierPoint(Record):
    """A programme on the speed/NPV frontier (``general_fund_npv`` as in :class:`Totals`)."""

    ids: tuple[str, ...]
    savings_12m: Number
    npv: Number
    one_off_cost: Number
    value_score: Number
    general_fund_npv: Number | None = None

    def on(self, y: str) -> Number:
        """The point's NPV as the frontier measures it (``y``: ``npv`` or ``general_fund_npv``)."""
        if y == "general_fund_npv" and self.general_fund_npv is not None:
            return self.general_fund_npv
        return self.npv


class Frontier(Record):
    """Non-dominated programmes, fastest last: 12-month savings rise and NPV never rises. ``step``
    is the least rise in 12-month savings between points. ``y`` names the NPV the frontier is
    on: the whole (``npv``) or, when the programme is chosen on the savings the general fund can
    cash, its share (``general_fund_npv``)."""

    x: Literal["savings_12m"] = "savings_12m"
    y: Literal["npv", "general_fund_npv"] = "npv"
    step: Number
    points: tuple[FrontierPoint, ...]


class BuyStep(Record):
    """One candidate in the order of buy: funded, or the rule that stopped it (``ratio`` is
    benefit per pound, ``None`` when it costs nothing)."""

    rank: int
    id: str
    benefit: Number
    one_off_cost: Number
    ratio: Number | None
    funded: bool
    blocked_by: str | None
    cumulative_cost: Number
    cumulative_benefit: Number


class CurvePoint(Record):
    """The best objective reachable within ``budget``, and the programme that reaches it."""

    budget: Number
    objective_value: Number
    one_off_cost: Number
    ids: tuple[str, ...]


class Portfolio(Record):
    """One of EQUITY's portfolios. ``note`` says why it is missing or what rules it breaks."""

    name: str
    ids: tuple[str, ...]
    one_off_cost: Number | None
    benefit: Number | None
    exists: bool = True
    breaks: tuple[str, ...] = ()
    note: str = ""


class TimelineRow(Record):
    """One project on the programme timeline (months from the programme start)."""

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
    """A risk to the programme as a whole (not to one project): too many projects with one
    partner, or too many tenders at once."""

    kind: str
    message: str
    ids: tuple[str, ...]
    value: int
    threshold: int


class Use(Record):
    """How much of one rule a project takes: ``amount`` of ``limit`` (``share`` = amount/limit)."""

    rule: str
    amount: Number
    limit: Number | None
    share: Number | None


class SelectedReason(Record):
    """Why a selected project is in: its contribution, the rules it uses, what would replace it."""

    id: str
    title: str
    contribution: Number
    share_of_objective: Number | None
    uses: tuple[Use, ...]
    loss_if_removed: Number | None
    replaced_by: tuple[str, ...]
    text: str


class NearMiss(Record):
    """Why a project that nearly made it is out: the loss if forced in (``None`` when it cannot
    go in at all), what it would displace and bring in, the rules that keep it out (each one
    that, relaxed alone, would let it in at no loss; none when the chosen projects are simply
    worth more), and ``budget_needed``: when the budget is one of those rules, the extra budget
    with which it could join the chosen projects as they are (``None`` when it could not).

    ``grant_npv``: set when the programme ranks on the general fund's share of each NPV and all of
    this option's NPV stays with ring-fenced grants: that NPV (£). Such an option adds nothing
    the general fund can cash, so its place near the programme is not a matter of a rule keeping
    it out: ``kept_out_by`` is empty and not worked out, and the text says why instead."""

    id: str
    title: str
    contribution: Number
    loss_if_forced_in: Number | None
    displaces: tuple[str, ...]
    brings_in: tuple[str, ...]
    kept_out_by: tuple[str, ...]
    text: str
    budget_needed: Number | None = None
    grant_npv: Number | None = None


class EqualAlternative(Record):
    """A project left out that would do exactly as well as a chosen one: forcing it in loses
    nothing, so no rule keeps it out; the two tie, and the choice between them is arbitrary."""

    id: str
    title: str
    in_place_of: tuple[str, ...]
    text: str


class NpvRange(Record):
    """The programme's net present value when costs, savings and timing vary: the mean (expected
    value), P10 / P50 / P90, the chance it is positive, and the partners whose projects were
    drawn together (``partner_correlation`` 0 or no ``shared_partners``: drawn independently)."""

    mean: Number
    p10: Number
    p50: Number
    p90: Number
    prob_positive: Number
    partner_correlation: Number
    shared_partners: tuple[str, ...]


class ProgrammeView(Record):
    """The programme's timeline, yearly cash flows, P10/P50/P90 of savings by year, counts and
    risks. ``cash_flows_by_year`` sums the central yearly nets of the projects that have them;
    ``missing_nets`` lists those that do not; the percentiles are ``None`` without Monte Carlo
    draws."""

    ids: tuple[str, ...]
    timeline: tuple[TimelineRow, ...]
    npv: Number
    cash_flows_by_year: tuple[Number, ...]
    missing_nets: tuple[str, ...]
    savings_percentiles_by_year: dict[str, tuple[Number, ...]] | None
    counts: Counts
    risks: tuple[ConcentrationRisk, ...]
    npv_range: NpvRange | None = None
