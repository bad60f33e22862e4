"""When the programme rules clash: the smallest change to each rule that gives a programme.

``diagnose`` names the rules that clash; an officer then wants to know what to change, and by how
much. For each rule that is switched on, :func:`relaxations` finds the smallest relaxation of that
rule alone (the others unchanged) under which a programme exists, and what that programme is:
"with priority_projects_min = 3 the programme has 4 projects, £486k". Each names the scenario
setting and the ``shareplan programme`` option that make the change.

The searches use feasibility only, which is monotone in every rule here (a larger budget, fewer
required projects, a lower probability floor never remove a programme), so a count is stepped and
an amount bisected.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from shareplan.errors import InfeasibleError
from shareplan.money import money
from shareplan.programme.candidates import CandidateSet
from shareplan.programme.constraints import Constraints, Objective
from shareplan.programme.optimiser import ProgrammeResult, SolverError, optimise

BISECTIONS = 24
"""Halvings of a money or capacity interval: 2**-24 of the range, well under a pound."""


@dataclass(frozen=True, slots=True)
class Relaxation:
    """One rule relaxed just enough, and the programme that then exists."""

    setting: str
    option: str | None
    value: str
    projects: int
    one_off_cost: float
    npv: float

    @property
    def text(self) -> str:
        how = f"{self.setting} = {self.value}"
        if self.option:
            how += f" (or {self.option})"
        return (
            f"with {how} the programme has {self.projects} project"
            f"{'' if self.projects == 1 else 's'}, {money(self.one_off_cost)} one-off"
        )

    def to_dict(self) -> dict[str, object]:
        return {
            "setting": self.setting,
            "option": self.option,
            "value": self.value,
            "projects": self.projects,
            "one_off_cost": self.one_off_cost,
            "npv": self.npv,
            "text": self.text,
        }


def _try(
    cands: CandidateSet, constraints: Constraints, objective: Objective
) -> ProgrammeResult | None:
    try:
        return optimise(cands, constraints, objective)
    except (InfeasibleError, SolverError):
        # A bisection probes amounts exactly at a programme's cost, where the solver's tolerance
        # can return a programme a hair over the rule; such a probe counts as "no programme".
        return None


def _relaxed(setting: str, option: str | None, value: str, result: ProgrammeResult) -> Relaxation:
    t = result.totals
    return Relaxation(setting, option, value, t.n_projects, t.one_off_cost, t.npv)


def _smallest_amount(
    feasible_at: Callable[[float], ProgrammeResult | None], low: float, high: float
) -> tuple[float, ProgrammeResult] | None:
    """The smallest amount in (low, high] at which a programme exists (rounded up to a figure a
    person would type), with that programme; ``None`` when there is none even at ``high``."""
    best = feasible_at(high)
    if best is None:
        return None
    top = high
    for _ in range(BISECTIONS):
        middle = (low + top) / 2
        found = feasible_at(middle)
        if found is None:
            low = middle
        else:
            top, best = middle, found
    rounded = _round_up(top)
    return rounded, feasible_at(rounded) or best


def _round_up(value: float) -> float:
    """Up to two significant figures (£486,213 -> £490,000), so the change is one to type."""
    if value <= 0:
        return 0.0
    step = 10 ** max(0, math.floor(math.log10(value)) - 1)
    return float(math.ceil(value / step) * step)


def relaxations(
    cands: CandidateSet, constraints: Constraints, objective: Objective
) -> tuple[Relaxation, ...]:
    """For each rule in force, the smallest change to it alone that gives a programme."""
    out: list[Relaxation] = []
    c = constraints

    def with_(**changes: Any) -> ProgrammeResult | None:
        return _try(cands, dataclasses.replace(c, **changes), objective)

    lo, hi = c.min_projects, c.max_projects
    if lo is not None and hi is not None and lo > 1:
        for k in range(lo - 1, 0, -1):
            found = with_(projects=(k, hi))
            if found is not None:
                out.append(_relaxed("priority_projects_min", f"--projects {k}-{hi}", str(k), found))
                break
    if c.budget is not None:
        total = float(cands.cost.sum())
        step = _smallest_amount(lambda b: with_(budget=b), c.budget, max(total, c.budget))
        if step is not None and step[0] > c.budget:
            amount, found = step
            out.append(
                _relaxed("implementation_budget", f"--budget {amount:.0f}", money(amount), found)
            )
    if c.min_quick_wins > 0:
        for k in range(c.min_quick_wins - 1, -1, -1):
            found = with_(min_quick_wins=k)
            if found is not None:
                out.append(_relaxed("min_quick_wins", f"--min-quick-wins {k}", str(k), found))
                break
    if c.partner_capacity is not None:
        for k in range(c.partner_capacity + 1, cands.n + 1):
            found = with_(partner_capacity=k)
            if found is not None:
                out.append(
                    _relaxed("max_projects_per_partner", f"--partner-capacity {k}", str(k), found)
                )
                break
    if c.fte_capacity_by_year is not None and c.fte_capacity_by_year:
        years = len(c.fte_capacity_by_year)
        now = max(c.fte_capacity_by_year)
        # every candidate's team in the same year is the most any programme could need
        need = float(cands.fte_by_year.sum(axis=0).max()) if cands.n else now
        step = _smallest_amount(
            lambda f: with_(fte_capacity_by_year=(f,) * years), now, max(need, now * 10, 1.0)
        )
        if step is not None and step[0] > now:
            out.append(_relaxed("officer_capacity_fte", None, f"{step[0]:g}", step[1]))
    floor_now = c.min_prob_positive_npv
    if floor_now is not None:
        found = with_(min_prob_positive_npv=None)
        if found is not None:
            floor = _smallest_amount(
                lambda p: with_(min_prob_positive_npv=floor_now - p), 0.0, floor_now
            )
            if floor is not None:
                value = max(0.0, floor_now - floor[0])
                out.append(
                    _relaxed(
                        "min_probability_positive_npv",
                        f"--min-probability {value:.2f}",
                        f"{value:.2f}",
                        floor[1],
                    )
                )
    if c.must_include:
        found = with_(must_include=())
        if found is not None:
            out.append(_relaxed("must_include", "leave out --must-include", "none", found))
    return tuple(out)
