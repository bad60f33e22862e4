"""Trade-offs around the chosen programme, each point a real programme that keeps the rules.

* :func:`speed_npv_frontier`: the non-dominated programmes between savings in the first 12 months
  and total NPV, by an epsilon-constraint sweep over the exact MILP.
* :func:`value_for_money_curve`: the best objective reachable at each budget on a grid.
* :func:`equity_comparison`: EQUITY's three portfolios for a proposed programme: P (proposed),
  B (best benefit at the same cost) and C (cheapest with at least the same benefit).
* :func:`order_of_buy`: the greedy benefit/cost "order of buy", funded top-down under the rules,
  beside the exact optimum.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from shareplan.errors import InfeasibleError, InputError, Problem
from shareplan.money import money
from shareplan.programme.candidates import CandidateSet, FloatArray
from shareplan.programme.constraints import Member, Objective, Row
from shareplan.programme.optimiser import (
    Model,
    Outcome,
    ProgrammeResult,
    SolverTimedOut,
    solve_model,
)
from shareplan.programme.records import BuyStep, CurvePoint, Frontier, FrontierPoint, Portfolio

TIE_BREAK_SECONDS = 10.0
"""Longest a tie-break may search (the answer it refines is already the best on the first
measure). At 5,000 services x 60 partners one tie-break of the value-for-money curve ran to the
optimiser's full minute without finding anything."""


def _ids(cands: CandidateSet, x: FloatArray) -> tuple[str, ...]:
    return tuple(cands.ids[i] for i in np.flatnonzero(x > 0.5))


def at_least(c: FloatArray, level: float) -> Row:
    """``c @ x >= level``, a little loosened so a tie is not lost to rounding."""
    idx = np.arange(len(c), dtype=np.int64)
    return Row(idx, c, level - 1e-9 * max(1.0, abs(level)), math.inf)


def at_most(c: FloatArray, level: float) -> Row:
    idx = np.arange(len(c), dtype=np.int64)
    return Row(idx, c, -math.inf, level + 1e-9 * max(1.0, abs(level)))


def _lexicographic(
    model: Model,
    first: FloatArray,
    second: FloatArray,
    *,
    extra: Sequence[Row] = (),
    skip: Sequence[str] = (),
    maximise_first: bool = True,
    maximise_second: bool = True,
) -> Outcome:
    """Best on ``first``; among those, best on ``second``."""
    top = model.solve(first, extra=extra, skip=skip, maximise=maximise_first)
    return _tie_break(
        model,
        top,
        first,
        second,
        extra=extra,
        skip=skip,
        maximise_first=maximise_first,
        maximise_second=maximise_second,
    )


def _tie_break(
    model: Model,
    top: Outcome,
    first: FloatArray,
    second: FloatArray,
    *,
    extra: Sequence[Row] = (),
    skip: Sequence[str] = (),
    maximise_first: bool = True,
    maximise_second: bool = True,
) -> Outcome:
    """Among the programmes as good as ``top`` on ``first``, the best on ``second``."""
    if top.x is None:
        return top
    level = float(first @ top.x)
    keep = at_least(first, level) if maximise_first else at_most(first, level)
    try:
        with model.time_limited(TIE_BREAK_SECONDS):
            tie = model.solve(second, extra=[*extra, keep], skip=skip, maximise=maximise_second)
    except SolverTimedOut:
        # ``top`` is already best on ``first``; a tie-break that finds nothing in time (a loaded
        # machine, a county's thousands of candidates) only loses an equally good alternative
        # that is better on ``second``, which is no reason to stop the appraisal
        return top
    if tie.x is None:
        return top
    better = (first @ tie.x >= level) if maximise_first else (first @ tie.x <= level)
    return tie if better else top


def _point(cands: CandidateSet, x: FloatArray) -> FrontierPoint:
    return FrontierPoint(
        ids=_ids(cands, x),
        savings_12m=float(cands.savings_12m @ x),
        npv=float(cands.npv @ x),
        one_off_cost=float(cands.cost @ x),
        value_score=float(cands.score @ x),
        general_fund_npv=float(cands.general_fund_npv @ x),
    )


def speed_npv_frontier(
    model: Model, max_points: int = 20, objective: Objective | None = None
) -> Frontier:
    """The speed/NPV frontier by an epsilon-constraint sweep (every point an exact MILP answer).

    The NPV is the one ``objective`` ranks on (:meth:`Objective.npv_of`; the whole NPV without
    one), so that the frontier and the choice count the same savings.

    Start at the best-NPV programme (ties broken by more early savings). Then ask again for the
    best NPV with 12-month savings at least ``step`` above the last point's, breaking ties by more
    early savings, until no programme is fast enough. A point found this way is non-dominated: any
    programme with at least its early savings has at most its NPV, and any with equal NPV has at
    most its early savings. ``step`` is the range of early savings over ``max_points`` (at least £1).
    The fastest programme is always included.
    """
    cands = model.cands
    objective = objective or Objective(count_ring_fenced_savings=True)
    npv, early = objective.npv_of(cands), cands.savings_12m
    y: Literal["npv", "general_fund_npv"] = (
        "general_fund_npv" if objective.resolved(cands).on_general_fund else "npv"
    )
    first = _lexicographic(model, npv, early)
    if first.x is None:
        return Frontier(points=(), step=0.0, y=y)
    fastest_top = model.solve(early)  # its tie-break is needed only if the sweep falls short
    assert fastest_top.x is not None
    lo, hi = float(early @ first.x), float(early @ fastest_top.x)
    step = max(1.0, (hi - lo) / max(1, max_points))
    points = [_point(cands, first.x)]
    while points[-1].savings_12m + step <= hi + 1e-9 * max(1.0, hi):
        nxt = _lexicographic(
            model, npv, early, extra=[at_least(early, points[-1].savings_12m + step)]
        )
        if nxt.x is None:
            break
        points.append(_point(cands, nxt.x))
    if points[-1].savings_12m < hi - 1e-9 * max(1.0, hi):
        fastest = _tie_break(model, fastest_top, early, npv)
        assert fastest.x is not None
        points.append(_point(cands, fastest.x))
    return Frontier(points=tuple(points), step=step, y=y)


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def with_chosen(frontier: Frontier, result: ProgrammeResult) -> Frontier:
    """The frontier with the chosen programme in place of a point it ties on both early savings
    and NPV. Such a point is another programme with the same two figures (the same projects with
    an equally good partner, say); the chosen programme is then on the frontier too, and showing
    the other one beside it would list one programme twice, once as off the frontier."""
    t = result.totals
    mine = FrontierPoint(
        ids=result.selected_ids,
        savings_12m=t.savings_12m,
        npv=t.npv,
        one_off_cost=t.one_off_cost,
        value_score=t.value_score,
        general_fund_npv=t.general_fund_npv,
    )
    y = frontier.y
    points = tuple(
        mine if _same(q.savings_12m, t.savings_12m) and _same(q.on(y), mine.on(y)) else q
        for q in frontier.points
    )
    return frontier.model_copy(update={"points": points})


@dataclass(frozen=True, slots=True)
class ValueForMoneyCurve:
    objective: Objective
    points: tuple[CurvePoint, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "objective": self.objective.to_dict(),
            "points": [p.model_dump(mode="json") for p in self.points],
        }


def value_for_money_curve(
    model: Model,
    objective: Objective,
    budgets: Sequence[float] | None = None,
    n_points: int = 10,
) -> ValueForMoneyCurve:
    """Best objective at each budget (all other rules kept).

    Without ``budgets`` the grid runs evenly from the cost of the cheapest programme that keeps
    the other rules to the cost of the best programme with no budget limit.
    """
    cands = model.cands
    c, _ = objective.coefficients(cands)
    if budgets is None:
        cheapest = _lexicographic(model, cands.cost, c, skip=["budget"], maximise_first=False)
        if cheapest.x is None:
            return ValueForMoneyCurve(objective, ())
        best = _lexicographic(model, c, cands.cost, skip=["budget"], maximise_second=False)
        assert best.x is not None
        grid = np.linspace(float(cands.cost @ cheapest.x), float(cands.cost @ best.x), n_points)
        budgets = [float(b) for b in np.unique(grid)]
    found: dict[float, CurvePoint] = {}
    # Largest budget first: a programme chosen at a larger budget that also fits a smaller one is
    # the answer there too, and the model then knows it without solving again.
    for b in sorted({float(b) for b in budgets}, reverse=True):
        out = _lexicographic(
            model,
            c,
            cands.cost,
            extra=[at_most(cands.cost, b)],
            skip=["budget"],
            maximise_second=False,
        )
        if out.x is not None:
            found[b] = CurvePoint(
                budget=b,
                objective_value=float(c @ out.x),
                one_off_cost=float(cands.cost @ out.x),
                ids=_ids(cands, out.x),
            )
    points = [found[float(b)] for b in budgets if float(b) in found]
    return ValueForMoneyCurve(objective, tuple(points))


@dataclass(frozen=True, slots=True)
class EquityComparison:
    """P (proposed), B (best benefit for P's cost) and C (cheapest for P's benefit)."""

    objective: Objective
    proposed: Portfolio
    best_same_cost: Portfolio
    cheapest_same_benefit: Portfolio

    def to_dict(self) -> dict[str, object]:
        return {
            "objective": self.objective.to_dict(),
            "P": self.proposed.model_dump(mode="json"),
            "B": self.best_same_cost.model_dump(mode="json"),
            "C": self.cheapest_same_benefit.model_dump(mode="json"),
            "benefit_gain_B": _difference(self.best_same_cost.benefit, self.proposed.benefit),
            "cost_saving_C": _difference(
                self.proposed.one_off_cost, self.cheapest_same_benefit.one_off_cost
            ),
        }


def _difference(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a - b


def broken_rules(members: Sequence[Member], x: FloatArray) -> tuple[str, ...]:
    """The labels of the rules the 0/1 programme ``x`` breaks."""
    out: list[str] = []
    for m in members:
        if (
            any(not r.holds(x) for r in m.rows)
            or np.any(x[m.fix_zero] > 0.5)
            or np.any(x[m.fix_one] < 0.5)
        ):
            out.append(m.label)
    return tuple(out)


def equity_comparison(
    model: Model, objective: Objective, proposed_ids: Sequence[str]
) -> EquityComparison:
    """Compare a proposed programme with the best at its cost and the cheapest at its benefit.

    B and C keep every rule except the budget (B's budget is P's cost). P is reported as proposed,
    with the rules it breaks. Benefit is the objective (for example NPV). Ties: B is the cheapest
    of the best, C the most beneficial of the cheapest.
    """
    cands = model.cands
    unknown = cands.unknown(proposed_ids)
    if unknown:
        raise InputError(
            Problem(f"proposed programme: no candidate has the id {cid!r}") for cid in unknown
        )
    c, _ = objective.coefficients(cands)
    x = np.zeros(cands.n)
    x[cands.positions(list(proposed_ids))] = 1.0
    cost_p, benefit_p = float(cands.cost @ x), float(c @ x)
    p = Portfolio(
        name="P",
        ids=_ids(cands, x),
        one_off_cost=cost_p,
        benefit=benefit_p,
        breaks=broken_rules(model.members(), x),
    )

    def portfolio(name: str, out: Outcome, missing: str) -> Portfolio:
        if out.x is None:
            return Portfolio(
                name=name, ids=(), one_off_cost=None, benefit=None, exists=False, note=missing
            )
        return Portfolio(
            name=name,
            ids=_ids(cands, out.x),
            one_off_cost=float(cands.cost @ out.x),
            benefit=float(c @ out.x),
        )

    b = _lexicographic(
        model,
        c,
        cands.cost,
        extra=[at_most(cands.cost, cost_p)],
        skip=["budget"],
        maximise_second=False,
    )
    best = portfolio("B", b, f"no programme that keeps the rules costs {money(cost_p)} or less")
    cheap = _lexicographic(
        model,
        cands.cost,
        c,
        extra=[at_least(c, benefit_p)],
        skip=["budget"],
        maximise_first=False,
    )
    cheapest = portfolio("C", cheap, "no programme that keeps the rules reaches the same benefit")
    return EquityComparison(objective, p, best, cheapest)


@dataclass(frozen=True, slots=True)
class OrderOfBuy:
    """The greedy programme beside the exact one. ``gap`` = exact minus greedy objective."""

    objective: Objective
    steps: tuple[BuyStep, ...]
    ids: tuple[str, ...]
    objective_value: float
    keeps_rules: bool
    breaks: tuple[str, ...]
    exact_value: float | None
    exact_ids: tuple[str, ...]

    @property
    def gap(self) -> float | None:
        return None if self.exact_value is None else self.exact_value - self.objective_value

    def to_dict(self, max_steps: int = 50) -> dict[str, object]:
        return {
            "objective": self.objective.to_dict(),
            "ids": list(self.ids),
            "objective_value": self.objective_value,
            "keeps_rules": self.keeps_rules,
            "breaks": list(self.breaks),
            "exact_value": self.exact_value,
            "exact_ids": list(self.exact_ids),
            "gap": self.gap,
            "steps": [s.model_dump(mode="json") for s in self.steps[:max_steps]],
            "steps_total": len(self.steps),
        }


def greedy(
    model: Model, benefit: FloatArray, key: FloatArray
) -> tuple[FloatArray, list[tuple[int, bool, str | None]]]:
    """Fund candidates in descending ``key`` while every upper limit holds.

    Must-include candidates go first; then, when at least q quick wins are required, the best
    quick wins by ``key`` until q are funded; then everything else by ``key``. Candidates fixed
    out (must exclude, probability) and those with no positive benefit are skipped. Returns the 0/1 vector and, in order, each candidate's
    position, whether it was funded and, if not, the first rule it would have broken. Lower
    limits (at least N projects, at least q quick wins) are checked afterwards by the caller.
    """
    cands = model.cands
    members = model.members()
    fixed_out = np.zeros(cands.n, dtype=bool)
    first = np.zeros(cands.n, dtype=bool)
    for m in members:
        fixed_out[m.fix_zero] = True
        first[m.fix_one] = True
    upper = [(m.label, r) for m in members for r in m.rows if math.isfinite(r.hi)]
    per_candidate: list[list[tuple[int, float]]] = [[] for _ in range(cands.n)]
    for k, (_, r) in enumerate(upper):
        for j, a in zip(r.idx.tolist(), r.coef.tolist(), strict=True):
            per_candidate[j].append((k, a))
    used = np.zeros(len(upper))
    his = np.array([r.hi for _, r in upper])
    x = np.zeros(cands.n)
    ranked = sorted(range(cands.n), key=lambda j: (-key[j], j))
    quick = model.group("min_quick_wins")
    q_needed = int(quick.limit or 0) if quick is not None else 0
    quick_first = [j for j in ranked if cands.quick_win[j] and not first[j]] if q_needed else []
    order = [j for j in range(cands.n) if first[j]] + quick_first + ranked
    log: list[tuple[int, bool, str | None]] = []
    tried = np.zeros(cands.n, dtype=bool)
    for pos, j in enumerate(order):
        in_quick_phase = first.sum() <= pos < first.sum() + len(quick_first)
        if in_quick_phase and (x[cands.quick_win] > 0.5).sum() >= q_needed:
            continue  # enough quick wins: the rest wait for their turn by rank
        if tried[j] or fixed_out[j] or (benefit[j] <= 0 and not first[j]):
            continue
        tried[j] = True
        blocked: str | None = None
        for k, a in per_candidate[j]:
            if used[k] + a > his[k] + 1e-9 * max(1.0, abs(his[k])):
                blocked = upper[k][0]
                break
        if blocked is None:
            for k, a in per_candidate[j]:
                used[k] += a
            x[j] = 1.0
        log.append((j, blocked is None, blocked))
    return x, log


def order_of_buy(
    model: Model,
    objective: Objective,
    *,
    key: FloatArray | None = None,
    exact: bool = True,
) -> OrderOfBuy:
    """EQUITY's order of buy: rank by benefit/cost, fund top-down under the rules, compare.

    ``key`` replaces the benefit/cost ranking (for example the score, for a top-N-by-score
    baseline). Benefit is the objective coefficient; a free candidate with positive benefit ranks
    first. ``exact`` also solves the exact programme for the gap.
    """
    cands = model.cands
    c, _ = objective.coefficients(cands)
    if key is None:
        with np.errstate(divide="ignore", invalid="ignore"):
            key = np.where(cands.cost > 0, c / np.where(cands.cost > 0, cands.cost, 1.0), math.inf)
    x, log = greedy(model, c, key)
    steps: list[BuyStep] = []
    cum_cost = cum_benefit = 0.0
    for rank, (j, funded, blocked) in enumerate(log, start=1):
        if funded:
            cum_cost += float(cands.cost[j])
            cum_benefit += float(c[j])
        steps.append(
            BuyStep(
                rank=rank,
                id=cands.ids[j],
                benefit=float(c[j]),
                one_off_cost=float(cands.cost[j]),
                # no finite benefit per pound: a candidate that costs nothing
                ratio=None if math.isinf(float(key[j])) else float(key[j]),
                funded=funded,
                blocked_by=blocked,
                cumulative_cost=cum_cost,
                cumulative_benefit=cum_benefit,
            )
        )
    breaks = broken_rules(model.members(), x)
    exact_value: float | None = None
    exact_ids: tuple[str, ...] = ()
    if exact:
        try:
            result = solve_model(model, objective)
        except InfeasibleError:  # no exact programme: the gap is unknown
            result = None
        if result is not None:
            exact_value, exact_ids = result.objective_value, result.selected_ids
    return OrderOfBuy(
        objective,
        tuple(steps),
        _ids(cands, x),
        float(c @ x),
        not breaks,
        breaks,
        exact_value,
        exact_ids,
    )


def with_budget(model: Model, budget: float | None) -> Model:
    """The same model with another budget."""
    cons = dataclasses.replace(model.constraints, budget=budget)
    return Model.build(model.cands, cons, model.time_limit)
