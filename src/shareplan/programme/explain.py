"""Why the programme is what it is: reasons for each project in, near misses out, and the budget.

Every reason is worked out by solving the exact programme again with one thing changed:

* a selected project forced out: how much the objective falls without it, and what replaces it;
* a near miss forced in: how much the objective falls, which selected projects it displaces, and
  which rule keeps it out (the rule that, relaxed alone, lets it in at no loss);
* the budget raised by a step (default £100k): what the extra money buys.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from shareplan.money import money
from shareplan.programme.candidates import FloatArray
from shareplan.programme.constraints import Group, Objective, Row
from shareplan.programme.optimiser import Model, Outcome, ProgrammeResult, diagnose
from shareplan.programme.records import BudgetShadow, NearMiss, SelectedReason, Use

#: Extra budget for the shadow price (an illustrative step, not guidance).
BUDGET_STEP = 100_000.0
#: Unselected candidates with the largest contributions tried as near misses.
NEAR_MISS_POOL = 15


def amount(objective: Objective, value: float) -> str:
    """An objective figure in words: £ for money, points for scores, an index for the blend."""
    if objective.unit == "£":
        return money(value)
    if objective.unit == "points":
        return f"{value:.1f} points"
    return f"{value:.3f}"


@dataclass(frozen=True, slots=True)
class Explanation:
    selected: tuple[SelectedReason, ...]
    near_misses: tuple[NearMiss, ...]
    budget_shadow: BudgetShadow | None

    def to_dict(self) -> dict[str, object]:
        return {
            "selected": [s.model_dump(mode="json") for s in self.selected],
            "near_misses": [m.model_dump(mode="json") for m in self.near_misses],
            "budget_shadow": None
            if self.budget_shadow is None
            else self.budget_shadow.model_dump(mode="json"),
        }


def _uses(model: Model, i: int) -> tuple[Use, ...]:
    """The rules project ``i`` takes a share of (upper limits it counts against, lower ones it meets)."""
    out: list[Use] = []
    for g in model.groups:
        for m in g.members:
            if i in m.fix_one:
                out.append(Use(rule=m.label, amount=1.0, limit=None, share=None))
            for r in m.rows:
                hit = np.flatnonzero(r.idx == i)
                if not len(hit):
                    continue
                a = float(r.coef[hit[0]])
                limit = r.hi if math.isfinite(r.hi) else r.lo
                share = a / limit if limit else None
                out.append(Use(rule=m.label, amount=a, limit=limit, share=share))
    return tuple(out)


def _titles(model: Model, ids: tuple[str, ...]) -> str:
    cands = model.cands
    names = [cands.candidates[cands.index[i]].title for i in ids]
    return ", ".join(names) if names else "nothing"


def _selected_reasons(model: Model, result: ProgrammeResult) -> tuple[SelectedReason, ...]:
    cands, obj, c = model.cands, result.objective, result.coefficients
    base = result.objective_value
    out: list[SelectedReason] = []
    for i in np.flatnonzero(result.selected):
        cand = cands.candidates[i]
        without = model.solve(c, fix_zero=[int(i)])
        if without.x is None:
            loss: float | None = None
            replaced: tuple[str, ...] = ()
            tail = "the rules cannot be met without it"
        else:
            loss = base - float(c @ without.x)
            replaced = tuple(
                cands.ids[j] for j in np.flatnonzero((without.x > 0.5) & ~result.selected)
            )
            tail = (
                f"without it the best programme scores {amount(obj, loss)} less "
                f"(it would bring in {_titles(model, replaced)})"
            )
        uses = _uses(model, int(i))
        money_uses = [u for u in uses if u.share is not None and u.rule.startswith("budget")]
        budget_part = f", uses {money_uses[0].share:.0%} of the budget" if money_uses else ""
        share = float(c[i]) / base if base else None
        text = (
            f"{cand.title} adds {amount(obj, float(c[i]))} to {obj.label}"
            + (f" ({share:.0%} of the total)" if share is not None else "")
            + budget_part
            + f"; {tail}."
        )
        out.append(
            SelectedReason(
                id=cand.id,
                title=cand.title,
                contribution=float(c[i]),
                share_of_objective=share,
                uses=uses,
                loss_if_removed=loss,
                replaced_by=replaced,
                text=text,
            )
        )
    return tuple(out)


def _groups_touching(model: Model, j: int, result: ProgrammeResult) -> list[Group]:
    """Rules worth testing as the one keeping ``j`` out: the binding ones and those ``j`` is in."""
    binding = {u.key for u in result.uses if u.binding}
    return [
        g
        for g in model.groups
        if g.key in binding or any(j in r.idx for m in g.members for r in m.rows)
    ]


def _kept_out_by(
    model: Model, j: int, result: ProgrammeResult, base: float, forced: FloatArray
) -> tuple[str, ...]:
    """Rules that, relaxed alone, would let ``j`` in at no loss (member names where they apply).

    For each rule touching ``j`` the question is whether the best programme with ``j`` forced in
    and that rule relaxed still reaches ``base``. Three answers are known without an exact
    solve: yes when forcing ``j`` in costs nothing (relaxing a rule cannot make the forced-in
    programme worse); yes when the chosen programme with ``j`` added keeps every other rule and
    reaches ``base`` (a programme that proves it: relaxing "at most 6 projects" usually lets a
    seventh in); and no when the LP relaxation of the question is already below ``base``. Only
    the rest are solved exactly.
    """
    c = result.coefficients
    tol = 1e-9 * max(1.0, abs(base))
    names: list[str] = []
    for g in _groups_touching(model, j, result):
        if float(c @ forced) < base - tol and not _added_keeps(model, result, j, g.key, base - tol):
            bound = model.bound(c, fix_one=[j], skip=[g.key])
            if bound is not None and bound < base - tol:
                continue
            trial = model.solve(c, fix_one=[j], skip=[g.key])
            if trial.x is None or float(c @ trial.x) < base - tol:
                continue
        if len(g.members) == 1:
            names.append(g.label)
            continue
        tight = [
            m.label
            for m in g.members
            for r in m.rows
            if j in r.idx and r.slack(result.x) <= 1e-9 * max(1.0, abs(r.hi))
        ]
        names.extend(tight or [g.label])
    return tuple(dict.fromkeys(names))


#: Best-contributing candidates tried when topping up a programme that proves a rule keeps a
#: near miss out.
TOP_UP = 50


def _added_keeps(model: Model, result: ProgrammeResult, j: int, skip: str, level: float) -> bool:
    """Whether some programme with ``j`` in keeps every rule but ``skip`` and reaches ``level``
    of the objective, shown by building one: the chosen programme with ``j`` added, the chosen
    projects that share a service with ``j`` taken out, then topped up greedily with the best
    contributors that still keep the rules. ``False`` proves nothing (the caller then solves)."""
    c, cands = result.coefficients, model.cands
    block, lb, ub = model.rules([skip])

    def keeps(v: FloatArray) -> bool:
        return not (np.any(block.broken(v)) or np.any(v < lb) or np.any(v > ub))

    y = np.array(result.x, dtype=np.float64)
    y[j] = 1.0
    mine = set(cands.candidates[j].service_ids)
    for i in np.flatnonzero(result.selected).tolist():
        if mine & set(cands.candidates[i].service_ids) and lb[i] < 0.5:
            y[i] = 0.0
    if not keeps(y):
        return False
    for i in np.argsort(-c, kind="stable")[:TOP_UP].tolist():
        if float(c @ y) >= level:
            break
        if y[i] < 0.5 and c[i] > 0:
            y[i] = 1.0
            if not keeps(y):
                y[i] = 0.0
    return float(c @ y) >= level


def _forced_in(
    model: Model, result: ProgrammeResult, ranked: list[int], count: int
) -> tuple[dict[int, Outcome], list[int]]:
    """Each candidate in ``ranked`` forced in and solved, except those that cannot be among the
    ``count`` smallest losses. Returns the exact solves and the candidates that cannot go in.

    A cheap LP bound on each forced programme gives a least loss. Candidates are solved from the
    smallest least loss up; once ``count`` exact losses are known, a candidate whose least loss
    is above the largest of them cannot make the list and is not solved. The list is the same
    as when every candidate is solved.
    """
    c = result.coefficients
    base = result.objective_value
    tol = 1e-9 * max(1.0, abs(base))
    least: dict[int, float] = {}
    impossible: list[int] = []
    for j in ranked:
        bound = model.bound(c, fix_one=[j])
        # an infeasible relaxation proves there is no programme; the exact solve below confirms
        # it, so that a numerical slip in the LP can never mislabel a near miss as impossible
        least[j] = -math.inf if bound is None else base - bound
    solved: dict[int, Outcome] = {}
    losses: list[float] = []
    for j in sorted(least, key=lambda k: (least[k], k)):
        if len(losses) >= count and least[j] > sorted(losses)[count - 1] + tol:
            break
        forced = model.solve(c, fix_one=[j])
        if forced.x is None:
            impossible.append(j)
            continue
        solved[j] = forced
        losses.append(base - float(c @ forced.x))
    return solved, sorted(impossible)


def near_miss_pool(model: Model, result: ProgrammeResult, pool: int = NEAR_MISS_POOL) -> list[int]:
    """The ``pool`` unselected candidates with the largest contributions (ties by position) that
    the rules do not fix out: those tried as near misses."""
    c = result.coefficients
    fixed_out = np.zeros(model.cands.n, dtype=bool)
    for m in model.members():
        fixed_out[m.fix_zero] = True
    eligible = np.flatnonzero(~result.selected & ~fixed_out)
    return [int(j) for j in eligible[np.lexsort((eligible, -c[eligible]))][:pool]]


def _near_misses(
    model: Model, result: ProgrammeResult, count: int, pool: int
) -> tuple[NearMiss, ...]:
    cands, obj, c = model.cands, result.objective, result.coefficients
    base = result.objective_value
    ranked = near_miss_pool(model, result, pool)
    solved, impossible = _forced_in(model, result, ranked, count)
    order = sorted(solved, key=lambda j: (base - float(c @ _x(solved[j])), j)) + impossible
    out: list[NearMiss] = []
    for j in order[:count]:
        cand = cands.candidates[j]
        if j not in solved:
            clash = diagnose_with(model, j)
            text = (
                f"{cand.title} cannot be in any programme that keeps the rules: {'; '.join(clash)}."
            )
            out.append(
                NearMiss(
                    id=cand.id,
                    title=cand.title,
                    contribution=float(c[j]),
                    loss_if_forced_in=None,
                    displaces=(),
                    brings_in=(),
                    kept_out_by=tuple(clash),
                    text=text,
                )
            )
            continue
        forced = _x(solved[j])
        loss = base - float(c @ forced)
        chosen = forced > 0.5
        displaces = tuple(cands.ids[k] for k in np.flatnonzero(result.selected & ~chosen))
        brings = tuple(cands.ids[k] for k in np.flatnonzero(chosen & ~result.selected) if k != j)
        kept = _kept_out_by(model, j, result, base, forced)
        text = (
            f"Forcing {cand.title} in would lower {obj.label} by {amount(obj, loss)}: "
            f"it would displace {_titles(model, displaces)}"
            + (f" and bring in {_titles(model, brings)}" if brings else "")
            + ". "
            + (
                f"What keeps it out: {'; '.join(kept)}."
                if kept
                else "No single rule keeps it out: the projects chosen are simply worth more."
            )
        )
        out.append(
            NearMiss(
                id=cand.id,
                title=cand.title,
                contribution=float(c[j]),
                loss_if_forced_in=loss,
                displaces=displaces,
                brings_in=brings,
                kept_out_by=tuple(kept),
                text=text,
            )
        )
    return tuple(out)


def _x(outcome: Outcome) -> FloatArray:
    if outcome.x is None:
        raise ValueError("no programme")
    return outcome.x


def diagnose_with(model: Model, j: int) -> list[str]:
    """The rules that clash with including candidate ``j`` (a deletion filter, as in optimise)."""
    cons = model.constraints
    must = (*cons.must_include, model.cands.ids[j])
    forced = Model.build(
        model.cands, dataclasses.replace(cons, must_include=must), model.time_limit
    )
    return diagnose(forced)


def budget_shadow(
    model: Model, result: ProgrammeResult, step: float = BUDGET_STEP
) -> BudgetShadow | None:
    """What ``step`` more budget buys (``None`` when there is no budget rule)."""
    budget = model.constraints.budget
    if budget is None:
        return None
    obj = result.objective
    c = result.coefficients
    everyone = np.arange(model.cands.n, dtype=np.int64)
    richer_budget = Row(everyone, model.cands.cost, -math.inf, budget + step)
    richer = model.solve(c, skip=["budget"], extra=[richer_budget])
    if richer.x is None:  # cannot happen: the chosen programme keeps the larger budget
        raise ValueError("no programme at a larger budget")
    gain = float(c @ richer.x) - result.objective_value
    richer_ids = tuple(model.cands.ids[i] for i in np.flatnonzero(richer.x > 0.5))
    added = tuple(i for i in richer_ids if i not in result.selected_ids)
    removed = tuple(i for i in result.selected_ids if i not in richer_ids)
    if gain <= 1e-9 * max(1.0, abs(result.objective_value)):
        binding = [u.label for u in result.binding if u.key != "budget"]
        text = f"Another {money(step)} of budget buys nothing more"
        text += f": {'; '.join(binding)} bind first." if binding else "."
    else:
        text = (
            f"Another {money(step)} of budget raises {obj.label} by {amount(obj, gain)}"
            f" (adds {_titles(model, added)}"
            + (f"; drops {_titles(model, removed)}" if removed else "")
            + ")."
        )
    return BudgetShadow(
        budget=budget,
        step=step,
        gain=gain,
        gain_per_pound=gain / step,
        added=added,
        removed=removed,
        text=text,
    )


def explain_programme(
    model: Model,
    result: ProgrammeResult,
    *,
    near_misses: int = 5,
    pool: int = NEAR_MISS_POOL,
    budget_step: float = BUDGET_STEP,
) -> Explanation:
    """Reasons for each selected project, the best ``near_misses`` out, and the budget's shadow price.

    Near misses are chosen from the ``pool`` unselected candidates with the largest contribution
    to the objective (those the rules fix out are not near misses); each is forced in, and the
    ``near_misses`` with the smallest loss are reported.
    """
    return Explanation(
        _selected_reasons(model, result),
        _near_misses(model, result, near_misses, pool),
        budget_shadow(model, result, budget_step),
    )
