"""Why the programme is what it is: reasons for each project in, near misses out, and the budget.

Every reason is worked out by solving the exact programme again with one thing changed:

* a selected project forced out: how much the objective falls without it, and what replaces it;
* a near miss forced in: how much the objective falls, which selected projects it displaces, and
  which rule keeps it out (the rule that, relaxed alone, lets it in at no loss); one that loses
  nothing ties with a chosen project and is listed apart, as an equal alternative;
* each rule switched off alone: whether the programme would then be better (the rules that limit
  it, :mod:`shareplan.programme.limits`);
* the budget raised by a step (default £100k): what the extra money buys.

An option whose NPV all stays with ring-fenced grants adds nothing to a programme ranked on the
general fund's share (:func:`grant_only`). On that NPV alone it is no near miss at all, so it is
not tried; in a blend it can still come near on its score, and its near-miss record says that its
savings stay with the grant rather than name a rule that keeps it out.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from shareplan.money import money
from shareplan.programme.candidates import BoolArray, FloatArray
from shareplan.programme.constraints import Group, Member, Objective, Row
from shareplan.programme.limits import added_keeps, limiting_rules, margin
from shareplan.programme.optimiser import (
    PER_MEMBER_KINDS,
    Model,
    Outcome,
    ProgrammeResult,
    diagnose,
)
from shareplan.programme.records import (
    BudgetShadow,
    EqualAlternative,
    NearMiss,
    SelectedReason,
    Use,
)

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
    """Why the programme is what it is. ``limiting`` holds the keys of the rules that limit it."""

    selected: tuple[SelectedReason, ...]
    near_misses: tuple[NearMiss, ...]
    budget_shadow: BudgetShadow | None
    limiting: tuple[str, ...] = ()
    equal_alternatives: tuple[EqualAlternative, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {
            "selected": [s.model_dump(mode="json") for s in self.selected],
            "near_misses": [m.model_dump(mode="json") for m in self.near_misses],
            "budget_shadow": None
            if self.budget_shadow is None
            else self.budget_shadow.model_dump(mode="json"),
            "limiting": list(self.limiting),
            "equal_alternatives": [e.model_dump(mode="json") for e in self.equal_alternatives],
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


def _groups_touching(
    model: Model, j: int, result: ProgrammeResult, limiting: tuple[str, ...]
) -> list[Group]:
    """Rules worth testing as the one keeping ``j`` out: those ``j`` counts in, those with no
    room left and those that limit the programme."""
    full = {u.key for u in result.uses if u.no_room_left}
    return [
        g
        for g in model.groups
        if g.key in full or g.key in limiting or any(j in r.idx for m in g.members for r in m.rows)
    ]


def _kept_out_by(
    model: Model, j: int, result: ProgrammeResult, limiting: tuple[str, ...]
) -> tuple[list[Group], tuple[str, ...]]:
    """Rules that, relaxed alone, would let ``j`` in at no loss: the groups, and their names in
    words (member names where they apply). ``j`` must cost something when forced in (an equal
    alternative is kept out by no rule).

    For each rule touching ``j`` the question is whether the best programme with ``j`` forced in
    and that rule relaxed still reaches the chosen programme's objective. Two answers are known
    without an exact solve: yes when the chosen programme with ``j`` added keeps every other rule
    and reaches it (a programme that proves it: relaxing "at most 6 projects" usually lets a
    seventh in); and no when the LP relaxation of the question is already below it. Only the
    rest are solved exactly.
    """
    c, base = result.coefficients, result.objective_value
    tol = 1e-9 * max(1.0, abs(base))
    names: list[str] = []
    groups: list[Group] = []
    for g in _groups_touching(model, j, result, limiting):
        relaxed = _relaxed_for(g, j, result.x)
        if relaxed is None:
            continue
        keep, mine = relaxed
        if not added_keeps(model, result, j, g.key, base - tol, keep):
            bound = model.bound(c, fix_one=[j], skip=[g.key], extra=keep)
            if bound is not None and bound < base - tol:
                continue
            trial = model.solve(c, fix_one=[j], skip=[g.key], extra=keep)
            if trial.x is None or float(c @ trial.x) < base - tol:
                continue
        groups.append(g)
        names.extend([m.label for m in mine] or [g.label])
    return groups, tuple(dict.fromkeys(names))


def _relaxed_for(g: Group, j: int, x: FloatArray) -> tuple[list[Row], list[Member]] | None:
    """What relaxing ``g`` means when asking whether it keeps ``j`` out: the rows still kept,
    and the members relaxed. A rule made of one rule per service or per partner is relaxed only
    where ``j`` counts and the chosen programme has no room left (a service it already has, a
    partner already at capacity): that a service could have two projects, neither of them
    chosen, is not what keeps ``j`` out. ``None`` when there is no such member."""
    if g.kind not in PER_MEMBER_KINDS:
        return [], []
    mine = [
        k
        for k, m in enumerate(g.members)
        if any(j in r.idx and r.slack(x) <= 1e-9 * max(1.0, abs(r.hi)) for r in m.rows)
    ]
    if not mine:
        return None
    keep = [r for k, m in enumerate(g.members) if k not in mine for r in m.rows]
    return keep, [g.members[k] for k in mine]


def _budget_needed(model: Model, result: ProgrammeResult, j: int) -> float | None:
    """The extra budget with which ``j`` could join the chosen projects as they are (every other
    rule kept), or ``None`` when it could not or the budget is no obstacle."""
    budget = model.constraints.budget
    if budget is None:
        return None
    block, lb, ub = model.rules(["budget"])
    y = np.array(result.x, dtype=np.float64)
    y[j] = 1.0
    if np.any(block.broken(y)) or np.any(y < lb) or np.any(y > ub):
        return None
    need = float(model.cands.cost @ y) - budget
    return need if need > 0 else None


def _forced_in(
    model: Model, result: ProgrammeResult, ranked: list[int], count: int
) -> tuple[dict[int, Outcome], list[int]]:
    """Each candidate in ``ranked`` forced in and solved, except those that cannot be among the
    ``count`` smallest losses. Returns the exact solves and the candidates that cannot go in.

    A cheap LP bound on each forced programme gives a least loss. Candidates are solved from the
    smallest least loss up; once ``count`` exact losses are known (equal alternatives, which
    lose nothing, apart), a candidate whose least loss is above the largest of them cannot make
    the list and is not solved. Every equal alternative is solved (its least loss is at most
    nothing), and the list is the same as when every candidate is solved.
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
        loss = base - float(c @ forced.x)
        if loss > margin(base):
            losses.append(loss)
    return solved, sorted(impossible)


def grant_only(model: Model, result: ProgrammeResult) -> BoolArray:
    """The candidates whose NPV all stays with ring-fenced grants when the programme ranks on
    the general fund's share of NPV: a general-fund NPV of nil beside a whole NPV that is not."""
    obj, cands = result.objective, model.cands
    # count_ring_fenced_savings, not on_general_fund: a programme solved without resolving the
    # objective has not read any_ring_fenced, and such a candidate makes it true anyway
    if obj.count_ring_fenced_savings or obj.kind not in ("npv", "blend"):
        return np.zeros(cands.n, dtype=bool)
    tiny = 1e-9 * max(1.0, float(np.max(np.abs(cands.npv), initial=0.0)))
    return (np.abs(cands.general_fund_npv) <= tiny) & (np.abs(cands.npv) > tiny)


def near_miss_pool(model: Model, result: ProgrammeResult, pool: int = NEAR_MISS_POOL) -> list[int]:
    """The ``pool`` unselected candidates with the largest contributions (ties by position) that
    the rules do not fix out: those tried as near misses. On the general fund's NPV alone an
    option whose NPV all stays with ring-fenced grants adds nothing, so it is not tried (forced
    in where there is room it would lose nothing and pass for an equal alternative)."""
    c = result.coefficients
    fixed_out = np.zeros(model.cands.n, dtype=bool)
    for m in model.members():
        fixed_out[m.fix_zero] = True
    if result.objective.kind == "npv":
        fixed_out |= grant_only(model, result)
    eligible = np.flatnonzero(~result.selected & ~fixed_out)
    return [int(j) for j in eligible[np.lexsort((eligible, -c[eligible]))][:pool]]


def _near_misses(
    model: Model, result: ProgrammeResult, count: int, pool: int, limiting: tuple[str, ...]
) -> tuple[tuple[NearMiss, ...], tuple[EqualAlternative, ...]]:
    """The ``count`` near misses with the smallest losses, and the equal alternatives (those of
    the pool that lose nothing when forced in)."""
    cands, c = model.cands, result.coefficients
    base = result.objective_value
    solved, impossible = _forced_in(model, result, near_miss_pool(model, result, pool), count)
    loss = {j: base - float(c @ _x(solved[j])) for j in solved}
    grant = grant_only(model, result)
    equal = sorted(
        (j for j in solved if loss[j] <= margin(base) and not grant[j]), key=lambda j: (-c[j], j)
    )
    order = sorted((j for j in solved if j not in equal), key=lambda j: (loss[j], j))
    out: list[NearMiss] = []
    for j in [*order, *impossible][:count]:
        if j in solved:
            out.append(_near_miss(model, result, j, _x(solved[j]), limiting))
            continue
        cand = cands.candidates[j]
        clash = diagnose_with(model, j)
        out.append(
            NearMiss(
                id=cand.id,
                title=cand.title,
                contribution=float(c[j]),
                loss_if_forced_in=None,
                displaces=(),
                brings_in=(),
                kept_out_by=tuple(clash),
                text=f"{cand.title} cannot be in any programme that keeps the rules: "
                f"{'; '.join(clash)}.",
            )
        )
    return tuple(out), tuple(_equal(model, result, j, _x(solved[j])) for j in equal)


def _near_miss(
    model: Model, result: ProgrammeResult, j: int, forced: FloatArray, limiting: tuple[str, ...]
) -> NearMiss:
    cands, obj, c = model.cands, result.objective, result.coefficients
    cand = cands.candidates[j]
    loss = result.objective_value - float(c @ forced)
    chosen = forced > 0.5
    displaces = tuple(cands.ids[k] for k in np.flatnonzero(result.selected & ~chosen))
    brings = tuple(cands.ids[k] for k in np.flatnonzero(chosen & ~result.selected) if k != j)
    if grant_only(model, result)[j]:
        return NearMiss(
            id=cand.id,
            title=cand.title,
            contribution=float(c[j]),
            loss_if_forced_in=loss,
            displaces=displaces,
            brings_in=brings,
            kept_out_by=(),
            text=_grant_text(cand.title, float(cands.npv[j]), obj, loss),
            grant_npv=float(cands.npv[j]),
        )
    groups, kept = _kept_out_by(model, j, result, limiting)
    need = _budget_needed(model, result, j) if any(g.key == "budget" for g in groups) else None
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
        + (
            f" With another {money(need)} of budget it could join the chosen projects."
            if need is not None
            else ""
        )
    )
    return NearMiss(
        id=cand.id,
        title=cand.title,
        contribution=float(c[j]),
        loss_if_forced_in=loss,
        displaces=displaces,
        brings_in=brings,
        kept_out_by=kept,
        text=text,
        budget_needed=need,
    )


def _grant_text(title: str, npv: float, obj: Objective, loss: float) -> str:
    """Why an option whose NPV all stays with ring-fenced grants is not in the programme."""
    return (
        f"{title} adds nothing the general fund can cash: all of its NPV ({money(npv)}) stays "
        "with the ring-fenced grant that pays for the service, and the programme is chosen on "
        "the savings the general fund can cash (count_ring_fenced_savings = yes would count "
        f"them). It comes near only on its score: forcing it in would lower {obj.label} by "
        f"{amount(obj, loss)}."
    )


def _equal(model: Model, result: ProgrammeResult, j: int, forced: FloatArray) -> EqualAlternative:
    cands = model.cands
    cand = cands.candidates[j]
    swapped = tuple(cands.ids[k] for k in np.flatnonzero(result.selected & (forced < 0.5)))
    text = (
        f"{cand.title} would do exactly as well in place of {_titles(model, swapped)}"
        if swapped
        else f"{cand.title} would do exactly as well"
    ) + f" on {result.objective.label}: the two tie, so no rule keeps it out."
    return EqualAlternative(id=cand.id, title=cand.title, in_place_of=swapped, text=text)


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
    model: Model,
    result: ProgrammeResult,
    step: float = BUDGET_STEP,
    limiting: tuple[str, ...] | None = None,
) -> BudgetShadow | None:
    """What ``step`` more budget buys (``None`` when there is no budget rule). ``limiting``: the
    keys of the rules that limit the programme, named when more money buys nothing (worked out
    here when not given)."""
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
        keys = limiting_rules(model, result) if limiting is None else limiting
        held = [g.label for g in model.groups if g.key in keys and g.key != "budget"]
        text = f"Another {money(step)} of budget buys nothing more"
        text += f": what holds the programme back is {'; '.join(held)}." if held else "."
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
    ``near_misses`` with the smallest loss are reported; those that lose nothing are reported
    apart, as equal alternatives.
    """
    limiting = limiting_rules(model, result)
    misses, equal = _near_misses(model, result, near_misses, pool, limiting)
    return Explanation(
        _selected_reasons(model, result),
        misses,
        budget_shadow(model, result, budget_step, limiting),
        limiting,
        equal,
    )
