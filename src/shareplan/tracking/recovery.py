"""Recovery options for a red or amber project: carry on, or stop it and let the programme
optimiser fill the gap from the near misses, under the programme's own rules (the same budget,
officer capacity, partner and quick-win rules Cabinet's programme met, as ``shareplan.whatif`` reads them).

The what-if starts from the appraisal's results (the programme's candidates and rules), keeps
every other approved project in, keeps the stopped one out, and takes what has already been
spent on it out of the budget: that money is gone whatever members decide. Sunk costs do not
count against carrying on (Green Book): carrying on is worth the forecast NPV less what has
already happened.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from shareplan import pipeline
from shareplan.errors import InfeasibleError, InputError
from shareplan.programme import optimise
from shareplan.results import Results
from shareplan.whatif import saved_rules


@dataclass(frozen=True, slots=True)
class Addition:
    opportunity_id: str
    title: str
    npv: float
    one_off_cost: float


@dataclass(frozen=True, slots=True)
class Recovery:
    """What the what-if found for stopping ``opportunity_id``."""

    opportunity_id: str
    budget_left: float | None
    additions: tuple[Addition, ...]
    infeasible: str = ""  # why no programme meets the rules without the project, if none does

    @property
    def added_npv(self) -> float:
        return sum(a.npv for a in self.additions)


def recovery_options(
    results: Results,
    approved: Sequence[str],
    stop: str,
    spent_on_stopped: float,
) -> Recovery:
    """The programme the optimiser picks with ``stop`` out and the other ``approved`` in."""
    scored, cases = pipeline.saved_candidates(results)
    cands = pipeline.candidates(scored, cases)
    constraints, objective = saved_rules(results)
    budget = constraints.budget
    left = None if budget is None else max(0.0, budget - spent_on_stopped)
    rules = replace(
        constraints,
        must_include=tuple(i for i in approved if i != stop),
        must_exclude=(*constraints.must_exclude, stop),
        budget=left,
    )
    try:
        chosen = optimise(cands, rules, objective)
    except InfeasibleError as exc:
        names = "; ".join(exc.conflicting)
        return Recovery(stop, left, (), f"{exc}{': ' + names if names else ''}")
    except InputError as exc:
        return Recovery(stop, left, (), "; ".join(p.message for p in exc.problems))
    by_id = {c.opportunity_id: c for c in cases}
    added = [i for i in chosen.selected_ids if i not in approved]
    return Recovery(
        stop,
        left,
        tuple(
            Addition(i, by_id[i].title, by_id[i].measures.npv, by_id[i].measures.one_off_cost)
            for i in added
        ),
    )
