"""The exact programme optimiser: a 0/1 mixed-integer programme solved by HiGHS (scipy ``milp``).

:func:`optimise` is the validating wrapper: it checks the candidates and rules, builds the rows
(:mod:`shareplan.programme.constraints`), solves, checks the answer itself, and returns a
:class:`ProgrammeResult`. When no programme meets the rules it finds a minimal set of clashing rules
by a deletion filter and raises :class:`~shareplan.errors.InfeasibleError` naming them.
:class:`Model` is the reusable core the explanation and frontier modules re-solve with changes.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from shareplan.errors import InfeasibleError, ShareplanError, raise_if_any
from shareplan.programme.candidates import BoolArray, CandidateSet, FloatArray, IntArray
from shareplan.programme.constraints import (
    Constraints,
    Group,
    Member,
    Objective,
    Row,
    build_groups,
)

#: Rules reported member by member (one row per service or partner).
PER_MEMBER_KINDS = ("one_per_service", "partner_capacity")
#: Largest group whose members the diagnosis tries one by one (bigger groups are named whole).
REFINE_LIMIT = 40
#: Relative MIP gap asked of HiGHS; small enough that the answer is optimal to the pound.
MIP_REL_GAP = 1e-9
DISP = False
PRESOLVE = False
#: Size of the first core in ``_solve_reduced`` (candidates with the smallest reduced costs).
CORE_SIZE = 50
#: Problems with at most this many free candidates go straight to HiGHS.
DIRECT_SIZE = 200
#: The order in which the diagnosis tries dropping rules. Rules tried first are likelier to be left
#: out of the message, so the levers members set (count, budget) are tried last and named first.
DROP_ORDER = (
    "must_exclude",
    "min_prob_positive_npv",
    "one_per_service",
    "partner_capacity",
    "fte",
    "funding",
    "min_quick_wins",
    "must_include",
    "max_projects",
    "budget",
    "min_projects",
)


class SolverError(ShareplanError):
    """The solver failed or returned an answer that breaks a rule (a bug, not a user mistake)."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """One solve: the chosen 0/1 vector (or ``None``), HiGHS's status and the time taken."""

    x: FloatArray | None
    status: str
    optimal: bool
    seconds: float
    objective: float = math.nan


_STATUS = {
    0: "optimal",
    1: "time or iteration limit",
    2: "infeasible",
    3: "unbounded",
    4: "solver error",
}


@dataclass(slots=True)
class Model:
    """The candidates' rows under a set of rules, ready to be solved again with changes."""

    cands: CandidateSet
    constraints: Constraints
    groups: tuple[Group, ...]
    time_limit: float = 60.0

    @classmethod
    def build(cls, cands: CandidateSet, cons: Constraints, time_limit: float = 60.0) -> Model:
        return cls(cands, cons, build_groups(cands, cons), time_limit)

    def group(self, key: str) -> Group | None:
        return next((g for g in self.groups if g.key == key), None)

    def members(self, skip: Iterable[str] = ()) -> list[Member]:
        skipped = set(skip)
        return [m for g in self.groups if g.key not in skipped for m in g.members]

    def solve(
        self,
        c: FloatArray,
        *,
        skip: Iterable[str] = (),
        members: Sequence[Member] | None = None,
        fix_one: Sequence[int] = (),
        fix_zero: Sequence[int] = (),
        extra: Sequence[Row] = (),
        maximise: bool = True,
    ) -> Outcome:
        """Best ``c @ x`` under the rules (all groups but ``skip``, or exactly ``members``)."""
        active = list(self.members(skip) if members is None else members)
        if fix_one or fix_zero:
            active.append(
                Member(
                    "forced",
                    fix_one=np.asarray(fix_one, dtype=np.int64),
                    fix_zero=np.asarray(fix_zero, dtype=np.int64),
                )
            )
        return solve_rows(c, self.cands.n, active, extra, maximise, self.time_limit)


def solve_rows(
    c: FloatArray,
    n: int,
    members: Sequence[Member],
    extra: Sequence[Row] = (),
    maximise: bool = True,
    time_limit: float = 60.0,
) -> Outcome:
    """Solve the 0/1 programme over ``members`` and ``extra`` rows, and check the answer.

    Before HiGHS sees it the problem is reduced: candidates fixed out or in are taken out of the
    columns (a fixed-in candidate's use moves into the row limits), and rows that can no longer be
    broken are dropped. The objective is scaled so its largest coefficient is 1 and each row so
    its largest coefficient is 1, which keeps HiGHS's tolerances meaningful when figures are in
    millions. HiGHS's own presolve is off: on these set-packing rows it spends far longer than the
    search it saves (30 s against under 1 s on the 5,000-candidate benchmark).
    """
    start = time.perf_counter()
    lb = np.zeros(n)
    ub = np.ones(n)
    for m in members:
        ub[m.fix_zero] = 0.0
    for m in members:
        lb[m.fix_one] = 1.0
    if np.any(lb > ub):
        return Outcome(None, "infeasible", False, time.perf_counter() - start)
    rows = [r for m in members for r in m.rows] + list(extra)
    free = np.flatnonzero(ub > lb)
    column = np.full(n, -1, dtype=np.int64)
    column[free] = np.arange(len(free))
    data: list[FloatArray] = []
    cols: list[IntArray] = []
    ptr = [0]
    los: list[float] = []
    his: list[float] = []
    for r in rows:
        fixed_part = float(r.coef @ lb[r.idx])
        keep = column[r.idx] >= 0
        coef, idx = r.coef[keep], column[r.idx][keep]
        lo, hi = r.lo - fixed_part, r.hi - fixed_part
        top = float(coef[coef > 0].sum())
        bottom = float(coef[coef < 0].sum())
        tol = 1e-9 * max(
            1.0,
            abs(r.lo) if math.isfinite(r.lo) else 0.0,
            abs(r.hi) if math.isfinite(r.hi) else 0.0,
        )
        if top < lo - tol or bottom > hi + tol:
            return Outcome(None, "infeasible", False, time.perf_counter() - start)
        if bottom >= lo - tol and top <= hi + tol:
            continue  # cannot be broken by the free candidates
        s = float(np.max(np.abs(coef))) or 1.0
        data.append(coef / s)
        cols.append(idx)
        ptr.append(ptr[-1] + len(idx))
        los.append(lo / s)
        his.append(hi / s)
    x = lb.copy()
    status, optimal = "optimal", True
    if len(free):
        c_free = c[free]
        c_scale = float(np.max(np.abs(c_free))) or 1.0
        cost = (-c_free if maximise else c_free) / c_scale
        a = sparse.csr_array(
            (
                np.concatenate(data) if data else np.zeros(0),
                np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64),
                np.array(ptr),
            ),
            shape=(len(data), len(free)),
        )
        found = _solve_reduced(cost, a, np.array(los), np.array(his), time_limit)
        if found is None:
            return Outcome(None, "infeasible", False, time.perf_counter() - start)
        x_free, status, optimal = found
        x[free] = x_free
    seconds = time.perf_counter() - start
    broken = [r for r in rows if not r.holds(x)]
    if broken or np.any(x < lb) or np.any(x > ub):
        raise SolverError(
            f"the solver returned a programme that breaks {len(broken)} rule(s); "
            "this is a bug, please report it"
        )
    return Outcome(x, status, optimal, seconds, float(c @ x))


def _milp(
    cost: FloatArray,
    a: sparse.csr_array,
    lo: FloatArray,
    hi: FloatArray,
    allowed: FloatArray,
    time_limit: float,
) -> tuple[FloatArray, str, bool] | None:
    """HiGHS on ``min cost @ x``, ``lo <= a @ x <= hi``, x 0/1 and 0 where ``allowed`` is 0.

    Only the allowed columns, and the rows they could break, are passed to HiGHS.
    """
    keep = np.flatnonzero(allowed > 0.5)
    x = np.zeros(len(cost))
    sub = a[:, keep].tocsr()
    top = sub.multiply(sub > 0).sum(axis=1)
    bottom = sub.multiply(sub < 0).sum(axis=1)
    tol = 1e-9
    if np.any(top < lo - tol) or np.any(bottom > hi + tol):
        return None
    live = ~((bottom >= lo - tol) & (top <= hi + tol))
    sub = sub[live]
    if len(keep) == 0:
        return x, "optimal", True
    res = milp(
        cost[keep],
        integrality=np.ones(len(keep)),
        bounds=Bounds(0.0, 1.0),
        constraints=[LinearConstraint(sub, lo[live], hi[live])] if sub.shape[0] else [],
        options={
            "time_limit": time_limit,
            "mip_rel_gap": MIP_REL_GAP,
            "disp": DISP,
            "presolve": PRESOLVE,
        },
    )
    if res.x is None:
        if int(res.status) in (0, 2):
            return None
        raise SolverError(f"the optimiser stopped without a programme: {res.message}")
    status = _STATUS.get(int(res.status), f"status {res.status}")
    x[keep] = np.round(np.asarray(res.x, dtype=np.float64))
    return x, status, int(res.status) == 0


def _solve_reduced(
    cost: FloatArray, a: sparse.csr_array, lo: FloatArray, hi: FloatArray, time_limit: float
) -> tuple[FloatArray, str, bool] | None:
    """Minimise over free 0/1 columns, exactly, by a core-then-prove scheme for large problems.

    Small problems go straight to HiGHS. For large ones: solve the LP relaxation; take as the core
    the ``CORE_SIZE`` columns with the smallest reduced costs; solve the MILP on the core alone
    (the rest at 0), which gives a feasible programme worth ``z``. A column at 0 in the LP with
    reduced cost ``d`` cannot be in any programme better than ``LP - d`` (LP duality), so every
    column with ``LP + d > z`` is fixed out. If what is left lies inside the core, the core answer
    is proven optimal; otherwise HiGHS solves again over what is left.
    """
    n = len(cost)
    ones = np.ones(n)
    if n <= DIRECT_SIZE:
        return _milp(cost, a, lo, hi, ones, time_limit)
    ub_rows = np.isfinite(hi)
    lb_rows = np.isfinite(lo)
    a_ub = sparse.vstack([a[ub_rows], -a[lb_rows]]).tocsr()
    b_ub = np.concatenate([hi[ub_rows], -lo[lb_rows]])
    lp = linprog(cost, A_ub=a_ub, b_ub=b_ub, bounds=(0, 1), method="highs")
    if lp.status == 2:
        return None
    if lp.status != 0:
        return _milp(cost, a, lo, hi, ones, time_limit)
    reduced = np.maximum(np.asarray(lp.lower.marginals, dtype=np.float64), 0.0)
    order = np.lexsort((np.arange(n), reduced))
    core = np.zeros(n)
    core[order[:CORE_SIZE]] = 1.0
    first = _milp(cost, a, lo, hi, core, time_limit)
    if first is None:
        return _milp(cost, a, lo, hi, ones, time_limit)
    z = float(cost @ first[0])
    tol = 1e-9 * max(1.0, abs(z))
    alive = (lp.fun + reduced <= z + tol).astype(np.float64)
    if np.all(alive <= core):
        return first
    return _milp(cost, a, lo, hi, np.maximum(alive, first[0]), time_limit)


def is_feasible(n: int, members: Sequence[Member], time_limit: float = 60.0) -> bool:
    return solve_rows(np.zeros(n), n, members, time_limit=time_limit).x is not None


def diagnose(model: Model) -> list[str]:
    """A minimal set of clashing rules, in words, by a deletion filter over the rule groups.

    Start from every group (infeasible). Drop each group in turn; if the rest is still infeasible
    it stays dropped, otherwise it is needed and goes back. What is left clashes, and dropping any
    one of it makes a programme possible. Groups with several members (one row per service, per
    partner, per must-include id) are then filtered member by member, when small enough, so the
    message can say which service or which id.
    """
    n = model.cands.n
    kept: list[Group] = list(model.groups)
    for g in sorted(kept, key=lambda h: DROP_ORDER.index(h.kind)):
        trial = [h for h in kept if h is not g]
        if not is_feasible(n, [m for h in trial for m in h.members], model.time_limit):
            kept = trial
    names: list[str] = []
    for g in kept:
        if len(g.members) > REFINE_LIMIT:
            names.append(g.label)
            continue
        others = [m for h in kept if h is not g for m in h.members]
        mine = list(g.members)
        for m in list(mine) if len(mine) > 1 else []:
            trial_m = [k for k in mine if k is not m]
            if not is_feasible(n, others + trial_m, model.time_limit):
                mine = trial_m
        names.extend(m.label for m in mine)
    return names


@dataclass(frozen=True, slots=True)
class Totals:
    """What the chosen programme adds up to."""

    n_projects: int
    one_off_cost: float
    npv: float
    value_score: float
    savings_12m: float
    quick_wins: int
    cost_by_year: tuple[float, ...]
    fte_by_year: tuple[float, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "n_projects": self.n_projects,
            "one_off_cost": self.one_off_cost,
            "npv": self.npv,
            "value_score": self.value_score,
            "savings_12m": self.savings_12m,
            "quick_wins": self.quick_wins,
            "cost_by_year": list(self.cost_by_year),
            "fte_by_year": list(self.fte_by_year),
        }


def totals_of(cands: CandidateSet, x: FloatArray) -> Totals:
    chosen = x > 0.5
    return Totals(
        n_projects=int(chosen.sum()),
        one_off_cost=float(cands.cost @ x),
        npv=float(cands.npv @ x),
        value_score=float(cands.score @ x),
        savings_12m=float(cands.savings_12m @ x),
        quick_wins=int((cands.quick_win & chosen).sum()),
        cost_by_year=tuple(float(v) for v in x @ cands.cost_by_year),
        fte_by_year=tuple(float(v) for v in x @ cands.fte_by_year),
    )


@dataclass(frozen=True, slots=True)
class ConstraintUse:
    """How much of a rule the programme uses. ``binding`` means no room is left.

    For a one-row rule ``used``/``limit``/``slack`` are in the rule's units (projects, £, FTE);
    for rules made of many rows (per service, per partner) ``tight`` lists the members with no room
    left. Fixing rules (must include/exclude, minimum probability) report how many they fix.
    """

    key: str
    label: str
    used: float | None
    limit: float | None
    slack: float | None
    binding: bool
    tight: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {
            "key": self.key,
            "label": self.label,
            "used": self.used,
            "limit": self.limit,
            "slack": self.slack,
            "binding": self.binding,
            "tight": list(self.tight),
        }


def _tight(r: Row, x: FloatArray) -> bool:
    limit = r.hi if math.isfinite(r.hi) else r.lo
    return r.slack(x) <= 1e-6 * max(1.0, abs(limit))


def constraint_uses(groups: Sequence[Group], x: FloatArray) -> tuple[ConstraintUse, ...]:
    out: list[ConstraintUse] = []
    for g in groups:
        rows = [r for m in g.members for r in m.rows]
        if not rows:
            fixed = sum(len(m.fix_zero) + len(m.fix_one) for m in g.members)
            out.append(ConstraintUse(g.key, g.label, float(fixed), None, None, False))
        elif len(rows) == 1 and g.kind not in PER_MEMBER_KINDS:
            r = rows[0]
            used = r.value(x)
            limit = r.hi if math.isfinite(r.hi) else r.lo
            slack = r.slack(x)
            out.append(ConstraintUse(g.key, g.label, used, limit, slack, _tight(r, x)))
        else:
            tight = tuple(m.label for m in g.members for r in m.rows if _tight(r, x))
            out.append(ConstraintUse(g.key, g.label, None, g.limit, None, bool(tight), tight))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class ProgrammeResult:
    """The chosen programme and how it was chosen."""

    objective: Objective
    constraints: Constraints
    objective_value: float
    selected_ids: tuple[str, ...]
    x: FloatArray = field(repr=False)
    coefficients: FloatArray = field(repr=False)
    normalisers: dict[str, float]
    totals: Totals
    uses: tuple[ConstraintUse, ...]
    status: str
    proven_optimal: bool
    solve_seconds: float

    @property
    def selected(self) -> BoolArray:
        return self.x > 0.5

    @property
    def binding(self) -> tuple[ConstraintUse, ...]:
        return tuple(u for u in self.uses if u.binding)

    def to_dict(self) -> dict[str, object]:
        return {
            "objective": self.objective.to_dict(),
            "objective_value": self.objective_value,
            "objective_unit": self.objective.unit,
            "normalisers": dict(self.normalisers),
            "constraints": self.constraints.to_dict(),
            "selected_ids": list(self.selected_ids),
            "totals": self.totals.to_dict(),
            "constraint_use": [u.to_dict() for u in self.uses],
            "binding": [u.label for u in self.binding],
            "solver": {
                "name": "HiGHS via scipy.optimize.milp",
                "status": self.status,
                "proven_optimal": self.proven_optimal,
                "seconds": self.solve_seconds,
            },
        }


def result_from(model: Model, objective: Objective, outcome: Outcome) -> ProgrammeResult:
    """Package a solve of ``model`` (which must have found a programme) as a result."""
    if outcome.x is None:
        raise ValueError("no programme to report")
    c, normalisers = objective.coefficients(model.cands)
    x = outcome.x
    return ProgrammeResult(
        objective=objective,
        constraints=model.constraints,
        objective_value=float(c @ x),
        selected_ids=tuple(model.cands.ids[i] for i in np.flatnonzero(x > 0.5)),
        x=x,
        coefficients=c,
        normalisers=normalisers,
        totals=totals_of(model.cands, x),
        uses=constraint_uses(model.groups, x),
        status=outcome.status,
        proven_optimal=outcome.optimal,
        solve_seconds=outcome.seconds,
    )


def infeasible_error(model: Model) -> InfeasibleError:
    names = diagnose(model)
    message = (
        "No programme meets all the rules. These clash: "
        + "; ".join(names)
        + ". Relax any one of them to get a programme."
    )
    return InfeasibleError(message, conflicting=names)


def solve_model(model: Model, objective: Objective) -> ProgrammeResult:
    """Best programme under ``model``'s rules; :class:`InfeasibleError` naming clashes if none."""
    c, _ = objective.coefficients(model.cands)
    outcome = model.solve(c)
    if outcome.x is None:
        raise infeasible_error(model)
    return result_from(model, objective, outcome)


def optimise(
    cands: CandidateSet,
    constraints: Constraints | None = None,
    objective: Objective | None = None,
    *,
    time_limit: float = 60.0,
) -> ProgrammeResult:
    """The best programme of ``cands`` under ``constraints`` for ``objective``.

    Raises :class:`~shareplan.errors.InputError` for bad rules (unknown ids, a negative budget) and
    :class:`~shareplan.errors.InfeasibleError` naming a minimal set of clashing rules.
    """
    cons = constraints or Constraints()
    obj = objective or Objective()
    raise_if_any(obj.problems())
    model = Model.build(cands, cons, time_limit)
    return solve_model(model, obj)
