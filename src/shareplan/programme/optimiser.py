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
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np

from shareplan.errors import InfeasibleError, ShareplanError, raise_if_any
from shareplan.programme.candidates import BoolArray, CandidateSet, FloatArray
from shareplan.programme.constraints import (
    Constraints,
    Group,
    Member,
    Objective,
    Row,
    build_groups,
)
from shareplan.programme.records import ConstraintUse, Totals
from shareplan.programme.solver import (
    Block,
    SolveFailed,
    SolveStats,
    SolveTimedOut,
    lp_bound,
    reduce_rows,
    solve_binary,
)

#: Rules reported member by member (one row per service or partner).
PER_MEMBER_KINDS = ("one_per_service", "partner_capacity")
#: Largest group whose members the diagnosis tries one by one (bigger groups are named whole).
REFINE_LIMIT = 40
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


class SolverTimedOut(SolverError):
    """The solver reached its time limit before it found any programme."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """One solve: the chosen 0/1 vector (or ``None``), HiGHS's status, the time taken, and where
    the time went (``stats``; ``None`` when no search was needed)."""

    x: FloatArray | None
    status: str
    optimal: bool
    seconds: float
    objective: float = math.nan
    stats: SolveStats | None = None


def _bounds(members: Iterable[Member], n: int) -> tuple[FloatArray, FloatArray]:
    lb, ub = np.zeros(n), np.ones(n)
    for m in members:
        ub[m.fix_zero] = 0.0
    for m in members:
        lb[m.fix_one] = 1.0
    return lb, ub


def rows_block(rows: Sequence[Row], n: int) -> Block:
    """Rows as one sparse block over ``n`` candidates."""
    return Block.from_rows(
        n, [r.idx for r in rows], [r.coef for r in rows], [r.lo for r in rows], [r.hi for r in rows]
    )


RowKey = tuple[tuple[bytes, bytes], float, float]


def _row_key(r: Row) -> RowKey:
    return ((r.idx.tobytes(), r.coef.tobytes()), r.lo, r.hi)


@dataclass(frozen=True, slots=True)
class _Query:
    """What one call of :meth:`Model.solve` asks, in a form that can be compared and hashed."""

    c: bytes
    maximise: bool
    skip: frozenset[str]
    fix_one: frozenset[int]
    fix_zero: frozenset[int]
    extra: frozenset[RowKey]

    def relaxes(self, other: _Query) -> bool:
        """Whether every programme ``other`` allows is also allowed here, for the same objective:
        this skips at least the rules ``other`` skips, forces no more, and each of its extra rows
        is one of ``other``'s with limits at least as wide (a budget of £2m allows every
        programme a budget of £1.5m allows)."""
        return (
            self.c == other.c
            and self.maximise == other.maximise
            and self.skip >= other.skip
            and self.fix_one <= other.fix_one
            and self.fix_zero <= other.fix_zero
            and all(
                any(
                    row == theirs and lo <= t_lo and hi >= t_hi
                    for theirs, t_lo, t_hi in other.extra
                )
                for row, lo, hi in self.extra
            )
        )


@dataclass(slots=True)
class Model:
    """The candidates' rows under a set of rules, ready to be solved again with changes.

    The rows of each rule are stacked once as a sparse block and reused by every solve. Solves
    are remembered: asking the same question again costs nothing, and a question whose answer is
    already known is not sent to HiGHS. That happens when an earlier solve, for the same
    objective, allowed every programme this one allows (fewer rules, fewer forced choices, fewer
    extra rows) and its optimal programme also keeps this question's rules: it is then optimal
    here too. An earlier infeasible question with a looser rule set makes this one infeasible.
    ``remember=False`` switches this off.
    """

    cands: CandidateSet
    constraints: Constraints
    groups: tuple[Group, ...]
    time_limit: float = 60.0
    remember: bool = True
    _blocks: dict[frozenset[str], tuple[Block, FloatArray, FloatArray]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _memo: dict[_Query, Outcome] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @classmethod
    def build(cls, cands: CandidateSet, cons: Constraints, time_limit: float = 60.0) -> Model:
        return cls(cands, cons, build_groups(cands, cons), time_limit)

    @contextmanager
    def time_limited(self, seconds: float) -> Iterator[None]:
        """Solves inside the block stop after at most ``seconds`` each (for questions whose
        answer only refines another, such as a tie-break)."""
        before = self.time_limit
        self.time_limit = min(before, seconds)
        try:
            yield
        finally:
            self.time_limit = before

    def group(self, key: str) -> Group | None:
        return next((g for g in self.groups if g.key == key), None)

    def members(self, skip: Iterable[str] = ()) -> list[Member]:
        skipped = set(skip)
        return [m for g in self.groups if g.key not in skipped for m in g.members]

    def rules(self, skip: Iterable[str] = ()) -> tuple[Block, FloatArray, FloatArray]:
        """Every rule but ``skip`` as one block of rows and the bounds they fix (built once)."""
        key = frozenset(skip)
        found = self._blocks.get(key)
        if found is None:
            members = self.members(key)
            block = rows_block([r for m in members for r in m.rows], self.cands.n)
            lb, ub = _bounds(members, self.cands.n)
            found = self._blocks[key] = (block, lb, ub)
        return found

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
        n = self.cands.n
        if members is not None:
            active = list(members)
            if fix_one or fix_zero:
                active.append(
                    Member(
                        "forced",
                        fix_one=np.asarray(fix_one, dtype=np.int64),
                        fix_zero=np.asarray(fix_zero, dtype=np.int64),
                    )
                )
            return solve_rows(c, n, active, extra, maximise, self.time_limit)
        query = _Query(
            np.asarray(c, dtype=np.float64).tobytes(),
            maximise,
            frozenset(skip),
            frozenset(int(i) for i in fix_one),
            frozenset(int(i) for i in fix_zero),
            frozenset(_row_key(r) for r in extra),
        )
        known = self._known(query, extra) if self.remember else None
        if known is not None:
            return known
        block, lb, ub = self._problem(query, extra)
        outcome = solve_block(c, block, lb, ub, maximise, self.time_limit)
        if outcome.x is not None:
            outcome.x.flags.writeable = False
        if self.remember:
            self._memo[query] = outcome
        return outcome

    def _problem(self, query: _Query, extra: Sequence[Row]) -> tuple[Block, FloatArray, FloatArray]:
        n = self.cands.n
        block, lb, ub = self.rules(query.skip)
        lb, ub = lb.copy(), ub.copy()
        ub[list(query.fix_zero)] = 0.0
        lb[list(query.fix_one)] = 1.0
        if extra:
            block = Block.stack([block, rows_block(extra, n)], n)
        return block, lb, ub

    def bound(
        self,
        c: FloatArray,
        *,
        skip: Iterable[str] = (),
        fix_one: Sequence[int] = (),
        fix_zero: Sequence[int] = (),
        extra: Sequence[Row] = (),
        maximise: bool = True,
    ) -> float | None:
        """A bound on the best ``c @ x`` that :meth:`solve` would find with the same arguments:
        no programme does better (above it when maximising, below when minimising). It is the
        LP relaxation of the reduced problem, widened by a safety margin for the LP's
        tolerances, and costs a few milliseconds where the exact solve costs tens. ``None``
        means no programme keeps the rules (the relaxation is infeasible). Use it to skip an
        exact solve whose answer cannot matter."""
        query = _Query(
            b"",
            maximise,
            frozenset(skip),
            frozenset(int(i) for i in fix_one),
            frozenset(int(i) for i in fix_zero),
            frozenset(),
        )
        block, lb, ub = self._problem(query, extra)
        if np.any(lb > ub):
            return None
        reduced = reduce_rows(block, lb, ub)
        if reduced is None:
            return None
        fixed = float(c @ lb)
        if not len(reduced.free):
            return fixed
        c_free = c[reduced.free]
        c_scale = float(np.max(np.abs(c_free))) or 1.0
        sign = -1.0 if maximise else 1.0
        value = lp_bound(sign * c_free / c_scale, reduced.a, reduced.lo, reduced.hi)
        if value is None:
            return None
        if not math.isfinite(value):
            return math.inf if maximise else -math.inf
        margin = 1e-6 * (1 + len(reduced.free))
        return fixed + sign * (value - margin) * c_scale

    def _known(self, query: _Query, extra: Sequence[Row]) -> Outcome | None:
        """A remembered outcome that answers ``query`` exactly, if there is one."""
        same = self._memo.get(query)
        if same is not None:
            return same
        for earlier, outcome in self._memo.items():
            if not earlier.relaxes(query):
                continue
            if outcome.x is None and outcome.status == "infeasible":
                return outcome
            if outcome.x is not None and outcome.optimal and self._keeps(query, extra, outcome.x):
                return outcome
        return None

    def _keeps(self, query: _Query, extra: Sequence[Row], x: FloatArray) -> bool:
        block, lb, ub = self.rules(query.skip)
        chosen = x > 0.5
        return bool(
            not np.any(x < lb)
            and not np.any(x > ub)
            and all(chosen[i] for i in query.fix_one)
            and not any(chosen[i] for i in query.fix_zero)
            and not np.any(block.broken(x))
            and all(r.holds(x) for r in extra)
        )


def solve_rows(
    c: FloatArray,
    n: int,
    members: Sequence[Member],
    extra: Sequence[Row] = (),
    maximise: bool = True,
    time_limit: float = 60.0,
) -> Outcome:
    """Solve the 0/1 programme over ``members`` and ``extra`` rows, and check the answer."""
    block = rows_block([r for m in members for r in m.rows] + list(extra), n)
    lb, ub = _bounds(members, n)
    return solve_block(c, block, lb, ub, maximise, time_limit)


def solve_block(
    c: FloatArray,
    block: Block,
    lb: FloatArray,
    ub: FloatArray,
    maximise: bool = True,
    time_limit: float = 60.0,
) -> Outcome:
    """Best ``c @ x`` over 0/1 ``x`` with ``lb <= x <= ub`` and ``block``'s rows; checked.

    Before HiGHS sees the problem it is reduced (:func:`~shareplan.programme.solver.reduce_rows`):
    candidates fixed out or in leave the columns, a fixed-in candidate's use moves into the row
    limits, rows that can no longer be broken are dropped and each row is scaled so its largest
    coefficient is 1. The objective is scaled the same way. The answer, rounded to 0/1, is then
    checked against every row and bound in the original figures: a breach is a
    :class:`SolverError` (a bug), never a silent wrong programme.
    """
    start = time.perf_counter()
    if np.any(lb > ub):
        return Outcome(None, "infeasible", False, time.perf_counter() - start)
    reduced = reduce_rows(block, lb, ub)
    if reduced is None:
        return Outcome(None, "infeasible", False, time.perf_counter() - start)
    x = lb.copy()
    status, optimal = "optimal", True
    stats: SolveStats | None = None
    if len(reduced.free):
        c_free = c[reduced.free]
        c_scale = float(np.max(np.abs(c_free))) or 1.0
        cost = (-c_free if maximise else c_free) / c_scale
        try:
            found = solve_binary(cost, reduced.a, reduced.lo, reduced.hi, time_limit)
        except SolveTimedOut as exc:
            raise SolverTimedOut(
                f"the optimiser found no programme within its {time_limit:g} s limit (a busy "
                "machine makes it slower): run again, or shortlist fewer options per service "
                f"(shortlist_per_service) ({exc})"
            ) from exc
        except SolveFailed as exc:
            raise SolverError(f"the optimiser stopped without a programme: {exc}") from exc
        if found is None:
            return Outcome(None, "infeasible", False, time.perf_counter() - start)
        x[reduced.free] = found.x
        status, optimal, stats = found.status, found.optimal, found.stats
    seconds = time.perf_counter() - start
    broken = int(np.count_nonzero(block.broken(x)))
    if broken or np.any(x < lb) or np.any(x > ub):
        raise SolverError(
            f"the solver returned a programme that breaks {broken} rule(s); "
            "this is a bug, please report it"
        )
    return Outcome(x, status, optimal, seconds, float(c @ x), stats)


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


def totals_of(cands: CandidateSet, x: FloatArray) -> Totals:
    chosen = x > 0.5
    return Totals(
        n_projects=int(chosen.sum()),
        one_off_cost=float(cands.cost @ x),
        npv=float(cands.npv @ x),
        general_fund_npv=float(cands.general_fund_npv @ x),
        value_score=float(cands.score @ x),
        savings_12m=float(cands.savings_12m @ x),
        quick_wins=int((cands.quick_win & chosen).sum()),
        cost_by_year=tuple(float(v) for v in x @ cands.cost_by_year),
        fte_by_year=tuple(float(v) for v in x @ cands.fte_by_year),
    )


def _tight(r: Row, x: FloatArray) -> bool:
    limit = r.hi if math.isfinite(r.hi) else r.lo
    return r.slack(x) <= 1e-6 * max(1.0, abs(limit))


def constraint_uses(groups: Sequence[Group], x: FloatArray) -> tuple[ConstraintUse, ...]:
    out: list[ConstraintUse] = []
    for g in groups:
        rows = [r for m in g.members for r in m.rows]
        if not rows:
            fixed = sum(len(m.fix_zero) + len(m.fix_one) for m in g.members)
            out.append(
                ConstraintUse(
                    key=g.key,
                    label=g.label,
                    used=float(fixed),
                    limit=None,
                    slack=None,
                    no_room_left=False,
                )
            )
        elif len(rows) == 1 and g.kind not in PER_MEMBER_KINDS:
            r = rows[0]
            used = r.value(x)
            limit = r.hi if math.isfinite(r.hi) else r.lo
            slack = r.slack(x)
            out.append(
                ConstraintUse(
                    key=g.key,
                    label=g.label,
                    used=used,
                    limit=limit,
                    slack=slack,
                    no_room_left=_tight(r, x),
                )
            )
        else:
            tight = tuple(m.label for m in g.members for r in m.rows if _tight(r, x))
            out.append(
                ConstraintUse(
                    key=g.key,
                    label=g.label,
                    used=None,
                    limit=g.limit,
                    slack=None,
                    no_room_left=bool(tight),
                    tight=tuple(tight),
                )
            )
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
    def no_room_left(self) -> tuple[ConstraintUse, ...]:
        """The rules the programme uses to the full (which need not be those that limit it)."""
        return tuple(u for u in self.uses if u.no_room_left)

    def to_dict(self) -> dict[str, object]:
        return {
            "objective": self.objective.to_dict(),
            "objective_value": self.objective_value,
            "objective_unit": self.objective.unit,
            "normalisers": dict(self.normalisers),
            "constraints": self.constraints.to_dict(),
            "selected_ids": list(self.selected_ids),
            "totals": self.totals.model_dump(mode="json"),
            "constraint_use": [u.model_dump(mode="json") for u in self.uses],
            "no_room_left": [u.label for u in self.no_room_left],
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
    obj = (objective or Objective()).resolved(cands)
    raise_if_any(obj.problems())
    model = Model.build(cands, cons, time_limit)
    return solve_model(model, obj)
