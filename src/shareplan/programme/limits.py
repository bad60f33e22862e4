"""Which rules limit the programme: those whose relaxation alone would give a better one.

A rule with no room left need not be what holds the programme back (the last project may fill
the budget to the pound while a bigger budget would change nothing), and a rule with room left
may be exactly what does (£10k of a £350k budget left, and the next project costs £100k). So the
question is asked of the programme itself: with this rule switched off and every other kept, is
there a better programme? That is a counterfactual, answered in three steps, cheapest first:

* no, when the LP relaxation of the question is no better than the chosen programme (no
  programme can beat its relaxation);
* yes, when a better programme can be built by hand: the chosen one with the projects of negative
  value that only this rule held in taken out, then topped up with the best contributors that
  keep the other rules (raising "at most 5 projects" usually lets a sixth in this way);
* otherwise the question is solved exactly.

The same hand-built programme proves, for a near miss, that a rule keeps it out
(:func:`added_keeps`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from shareplan.programme.candidates import FloatArray
from shareplan.programme.constraints import Group, Row
from shareplan.programme.optimiser import PER_MEMBER_KINDS, Model, ProgrammeResult

#: Best-contributing candidates tried when topping a programme up by hand.
TOP_UP = 50
#: Relative margin by which a relaxed programme must beat the chosen one to count as better (the
#: solver's own relative gap is 1e-9; ties between equally good programmes are not "better").
BETTER = 1e-7


def margin(value: float) -> float:
    """How much better than ``value`` an objective must be to count as better."""
    return BETTER * max(1.0, abs(value))


def topped_up(
    model: Model,
    result: ProgrammeResult,
    y: FloatArray,
    skip: str,
    level: float,
    keep: Sequence[Row] = (),
) -> FloatArray | None:
    """``y`` with the best contributors added (at most :data:`TOP_UP` tried, best first) while
    every rule but ``skip`` holds (and the rows ``keep``), stopping once it reaches ``level``;
    ``None`` when ``y`` itself breaks a rule."""
    c = result.coefficients
    block, lb, ub = model.rules([skip])

    def keeps(v: FloatArray) -> bool:
        return not (
            np.any(block.broken(v))
            or np.any(v < lb)
            or np.any(v > ub)
            or not all(r.holds(v) for r in keep)
        )

    if not keeps(y):
        return None
    for i in np.argsort(-c, kind="stable")[:TOP_UP].tolist():
        if float(c @ y) >= level:
            break
        if y[i] < 0.5 and c[i] > 0:
            y[i] = 1.0
            if not keeps(y):
                y[i] = 0.0
    return y


def added_keeps(
    model: Model,
    result: ProgrammeResult,
    j: int,
    skip: str,
    level: float,
    keep: Sequence[Row] = (),
) -> bool:
    """Whether some programme with ``j`` in keeps every rule but ``skip`` (and the rows
    ``keep``) and reaches ``level`` of the objective, shown by building one: the chosen
    programme with ``j`` added, the chosen projects that share a service with ``j`` taken out,
    then topped up. ``False`` proves nothing (the caller then solves)."""
    cands = model.cands
    _, lb, _ = model.rules([skip])
    y = np.array(result.x, dtype=np.float64)
    y[j] = 1.0
    mine = set(cands.candidates[j].service_ids)
    for i in np.flatnonzero(result.selected).tolist():
        if mine & set(cands.candidates[i].service_ids) and lb[i] < 0.5:
            y[i] = 0.0
    built = topped_up(model, result, y, skip, level, keep)
    return built is not None and float(result.coefficients @ built) >= level


def _better_by_hand(
    model: Model, result: ProgrammeResult, skip: str, level: float, keep: Sequence[Row]
) -> bool:
    c = result.coefficients
    _, lb, _ = model.rules([skip])
    y = np.array(result.x, dtype=np.float64)
    # a project of negative value is in only because some rule holds it there
    y[(y > 0.5) & (c < 0) & (lb < 0.5)] = 0.0
    built = topped_up(model, result, y, skip, level, keep)
    return built is not None and float(c @ built) >= level


def full_rows(group: Group, x: FloatArray) -> tuple[list[Row], list[Row]]:
    """A rule's rows split into those with no room left under ``x`` and the rest."""
    full: list[Row] = []
    room: list[Row] = []
    for m in group.members:
        for r in m.rows:
            (full if r.slack(x) <= 1e-9 * max(1.0, abs(r.hi)) else room).append(r)
    return full, room


def limits(model: Model, result: ProgrammeResult, group: Group) -> bool:
    """Whether switching off ``group`` alone (every other rule kept) gives a better programme.

    A rule made of one rule per service or per partner is switched off only where the programme
    has no room left (the services it has, the partners at capacity): a second project for a
    service the programme does not touch is no reason the programme is smaller."""
    c, base = result.coefficients, result.objective_value
    level = base + margin(base)
    keep: list[Row] = []
    if group.kind in PER_MEMBER_KINDS:
        full, keep = full_rows(group, result.x)
        if not full:
            return False
    bound = model.bound(c, skip=[group.key], extra=keep)
    if bound is not None and bound < level:
        return False
    if _better_by_hand(model, result, group.key, level, keep):
        return True
    relaxed = model.solve(c, skip=[group.key], extra=keep)
    return relaxed.x is not None and float(c @ relaxed.x) >= level


def limiting_rules(model: Model, result: ProgrammeResult) -> tuple[str, ...]:
    """The keys of the rules that limit the programme, in the order the rules are listed."""
    return tuple(g.key for g in model.groups if limits(model, result, g))
