"""A smaller candidate set, provably enough for the trade-offs around the chosen programme.

The chosen programme is always solved over every candidate. The questions asked afterwards (near
misses, reasons, the speed/NPV frontier, value for money, the comparison with a proposal) solve
the same rules again, dozens of times, with one thing changed. On a county's 15,000 candidates
each of those solves carries thousands of candidates that can never be in any answer: this module
finds them and answers those questions over the rest, with the same optimum.

**The argument.** Rank the candidates in a fixed order (best objective first, ties by NPV, early
savings, cost, then position). Candidate ``i`` *covers* ``j`` when ``i`` comes before ``j``, the
rules never fix ``i`` out, and ``i`` is at least as good as ``j`` on every figure a question can
ask for more of (the objective, NPV and the general fund's share of it, savings in the first 12
months, being a quick win when a rule asks for quick wins) and no worse on every figure a rule or question limits (one-off cost,
the yearly funding and officer time the rules cap). Only services and partners are not compared:
``i`` may cover services or bring partners that ``j`` does not.

Let a programme ``x`` (at most ``K`` projects, the rule on the number of projects) contain ``j``,
and let ``j`` have ``T`` covers that share no service with each other (nor, under a partner
capacity rule, any partner). Swapping ``j`` for a cover ``i`` keeps every rule that is compared
(``i`` uses no more and meets no less) and loses nothing on any objective; it can only break the
one-opportunity-per-service rule, when a project of ``x`` other than ``j`` covers one of ``i``'s
services, or a partner's capacity, when ``i`` brings a partner the other projects already use up.
The other ``K - 1`` projects cover at most ``(K - 1) M`` services (``M`` the most services of any
candidate) and use up at most ``(K - 1) P / c`` partners (``P`` the most partners of any candidate,
``c`` the capacity); since the covers are disjoint, each service or partner blocks at most one of
them, and each candidate a question forces out blocks one more. So when ``T`` exceeds that count,
some cover is free and the swap keeps every rule. Each swap puts an earlier-ranked candidate in
place of a later one, so repeating it ends, in a programme just as good that uses no candidate
with enough covers. Dropping those candidates therefore keeps an optimum of every question that
keeps the rule on the number of projects, forces out at most ``SPARE`` candidates, and asks for
more (or limits) only the figures compared. Questions outside that family (one that relaxes the
number of projects, for example, to see which rule keeps a near miss out) are solved over every
candidate as before.

The answers are equally good, not always the same programmes: where two programmes tie exactly,
the smaller set may return the other one.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from shareplan.programme.candidates import BoolArray, CandidateSet, FloatArray, IntArray
from shareplan.programme.constraints import Member, Row
from shareplan.programme.optimiser import Model, Outcome, SolverError

#: Candidates a question may force out and still be answered over the smaller set (a selected
#: project's reason forces that project out).
SPARE = 1
#: The screen is worth building from this many candidates (below it every solve is quick).
SCREEN_FROM = 400
#: Candidates compared at once when counting covers (memory is this times the candidates).
BLOCK = 256
#: Covers looked at per candidate, best first, when looking for disjoint ones (a candidate whose
#: first covers overlap too much is simply kept).
LOOK_AT = 128
#: Rules handled by counting, not by comparing figures.
COUNTED_KINDS = ("one_per_service", "partner_capacity")


def _dense(row: Row, n: int) -> FloatArray:
    out = np.zeros(n)
    np.add.at(out, row.idx, row.coef)
    return out


def _key(v: FloatArray) -> bytes:
    return np.asarray(v, dtype=np.float64).tobytes()


def asked_for_more(cands: CandidateSet, c: FloatArray) -> tuple[FloatArray, ...]:
    """The figures a question may ask more of: the objective, the whole NPV and the general
    fund's share of it (the frontier's NPV is one or the other), the early savings."""
    return (c, cands.npv, cands.general_fund_npv, cands.savings_12m)


def _compared(model: Model, c: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Columns of figures where more is better (``up``) and where less is (``down``): the
    questions' objectives and the rules' rows, each rule row by the side its limit is on."""
    cands, n = model.cands, model.cands.n
    up: dict[bytes, FloatArray] = {}
    down: dict[bytes, FloatArray] = {}
    for v in asked_for_more(cands, c):
        up[_key(v)] = v
    down[_key(cands.cost)] = cands.cost
    for g in model.groups:
        if g.kind in COUNTED_KINDS:
            continue
        for m in g.members:
            for r in m.rows:
                v = _dense(r, n)
                if math.isfinite(r.lo):
                    up.setdefault(_key(v), v)
                if math.isfinite(r.hi):
                    down.setdefault(_key(v), v)
    return np.column_stack(list(up.values())), np.column_stack(list(down.values()))


def _blockers(model: Model) -> tuple[int, bool]:
    """How many covers of a candidate the rest of a programme can block, and whether covers must
    also be partner-disjoint (under a partner capacity rule)."""
    cands, cons = model.cands, model.constraints
    k = cons.max_projects
    assert k is not None
    most_services = max(len(set(c.service_ids)) for c in cands.candidates)
    blocked = (k - 1) * most_services + SPARE
    cap = cons.partner_capacity
    if cap is not None and cap >= 1:
        most_partners = max([len(set(c.partner_ids)) for c in cands.candidates] + [0])
        blocked += ((k - 1) * most_partners) // cap
    return blocked, cap is not None


def covered(model: Model, c: FloatArray) -> BoolArray:
    """Candidates with more disjoint covers than a programme can block (see the module's
    docstring): no question in the family needs them."""
    cands, n = model.cands, model.cands.n
    up, down = _compared(model, c)
    blocked, by_partner = _blockers(model)
    cap_zero = model.constraints.partner_capacity == 0
    fixed_out = np.zeros(n, dtype=np.bool_)
    for m in model.members():
        fixed_out[m.fix_zero] = True
    order = np.lexsort((np.arange(n), down[:, 0], -cands.savings_12m, -cands.npv, -c))
    up, down = up[order], down[order]
    usable = ~fixed_out[order]
    if cap_zero:  # no partner can be used at all: only a cover without partners is never blocked
        usable &= np.array([not cands.candidates[i].partner_ids for i in order])
    services = [set(cands.candidates[i].service_ids) for i in order]
    partners = [set(cands.candidates[i].partner_ids) for i in order]
    out = np.zeros(n, dtype=np.bool_)
    for start in range(1, n, BLOCK):
        stop = min(n, start + BLOCK)
        ok = np.broadcast_to(usable[:stop], (stop - start, stop)).copy()
        ok &= np.arange(stop)[None, :] < np.arange(start, stop)[:, None]
        for col in range(up.shape[1]):
            ok &= up[:stop, col][None, :] >= up[start:stop, col][:, None]
        for col in range(down.shape[1]):
            ok &= down[:stop, col][None, :] <= down[start:stop, col][:, None]
        for b in np.flatnonzero(ok.sum(axis=1) > blocked).tolist():
            covers = np.flatnonzero(ok[b])[:LOOK_AT]
            out[order[start + b]] = _disjoint_count(
                covers, services, partners if by_partner else None, blocked + 1
            )
    return out


def _disjoint_count(
    covers: IntArray, services: list[set[str]], partners: list[set[str]] | None, needed: int
) -> bool:
    """Whether ``needed`` of ``covers`` share no service (and no partner) with one another,
    found greedily in rank order (finding them proves it; missing them only keeps a candidate)."""
    used_s: set[str] = set()
    used_p: set[str] = set()
    found = 0
    for i in covers.tolist():
        if services[i] & used_s or (partners is not None and partners[i] & used_p):
            continue
        used_s |= services[i]
        if partners is not None:
            used_p |= partners[i]
        found += 1
        if found >= needed:
            return True
    return False


@dataclass(slots=True)
class ScreenedModel(Model):
    """A model that answers each question in the family over the smaller set (``inner``, whose
    positions are ``kept`` in this model's), and every other question over every candidate."""

    inner: Model | None = None
    kept: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    up: frozenset[bytes] = frozenset()
    down: frozenset[bytes] = frozenset()
    _position: dict[int, int] = field(default_factory=dict)

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
        skip = tuple(skip)
        asked = None if members is not None else self._map(c, skip, fix_one, fix_zero, extra)
        if asked is None or self.inner is None:
            return Model.solve(
                self,
                c,
                skip=skip,
                members=members,
                fix_one=fix_one,
                fix_zero=fix_zero,
                extra=extra,
                maximise=maximise,
            )
        c_in, one, zero, rows = asked
        found = self.inner.solve(
            c_in, skip=skip, fix_one=one, fix_zero=zero, extra=rows, maximise=maximise
        )
        if found.x is None:
            return found
        x = np.zeros(self.cands.n)
        x[self.kept] = found.x
        self._check(x, skip, fix_one, fix_zero, extra)
        x.flags.writeable = False
        return Outcome(x, found.status, found.optimal, found.seconds, float(c @ x), found.stats)

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
        skip = tuple(skip)
        asked = self._map(c, skip, fix_one, fix_zero, extra)
        if asked is None or self.inner is None:
            return Model.bound(
                self,
                c,
                skip=skip,
                fix_one=fix_one,
                fix_zero=fix_zero,
                extra=extra,
                maximise=maximise,
            )
        c_in, one, zero, rows = asked
        return self.inner.bound(
            c_in, skip=skip, fix_one=one, fix_zero=zero, extra=rows, maximise=maximise
        )

    def _map(
        self,
        c: FloatArray,
        skip: Sequence[str],
        fix_one: Sequence[int],
        fix_zero: Sequence[int],
        extra: Sequence[Row],
        maximise: bool = True,
    ) -> tuple[FloatArray, list[int], list[int], list[Row]] | None:
        """The question over the smaller set, or ``None`` when it is outside the family."""
        if "max_projects" in skip or len(fix_zero) > SPARE:
            return None
        if _key(c) not in (self.up if maximise else self.down):
            return None
        if any(int(i) not in self._position for i in fix_one):
            return None
        n, everyone = self.cands.n, np.arange(len(self.kept), dtype=np.int64)
        rows: list[Row] = []
        for r in extra:
            v = _dense(r, n)
            lower, upper = math.isfinite(r.lo), math.isfinite(r.hi)
            if lower == upper or _key(v) not in (self.up if lower else self.down):
                return None
            rows.append(Row(everyone, v[self.kept], r.lo, r.hi))
        one = [self._position[int(i)] for i in fix_one]
        zero = [self._position[int(i)] for i in fix_zero if int(i) in self._position]
        return np.asarray(c, dtype=np.float64)[self.kept], one, zero, rows

    def _check(
        self,
        x: FloatArray,
        skip: Sequence[str],
        fix_one: Sequence[int],
        fix_zero: Sequence[int],
        extra: Sequence[Row],
    ) -> None:
        """The smaller set's answer keeps every rule over every candidate (else a bug)."""
        block, lb, ub = self.rules(skip)
        chosen = x > 0.5
        if (
            np.any(block.broken(x))
            or np.any(x < lb)
            or np.any(x > ub)
            or not all(chosen[int(i)] for i in fix_one)
            or any(chosen[int(i)] for i in fix_zero)
            or not all(r.holds(x) for r in extra)
        ):
            raise SolverError(
                "the screened programme breaks a rule; this is a bug, please report it"
            )


def screened(model: Model, c: FloatArray, keep: Sequence[int] = ()) -> Model:
    """``model`` answering the trade-off questions for objective ``c`` over the candidates that
    can be in an answer, plus ``keep`` (positions a question will force in) and the candidates
    the rules name. ``model`` itself when the set is small or the number of projects is open."""
    cands, cons = model.cands, model.constraints
    if cands.n < SCREEN_FROM or cons.max_projects is None:
        return model
    drop = covered(model, c)
    named = [*cons.must_include, *cons.must_exclude]
    drop[cands.positions(list(dict.fromkeys(named)))] = False
    drop[np.asarray(list(keep), dtype=np.int64)] = False
    kept = np.flatnonzero(~drop).astype(np.int64)
    if len(kept) == cands.n:
        return model
    inner = Model.build(cands.subset(kept), cons, model.time_limit)
    out = ScreenedModel(
        cands,
        cons,
        model.groups,
        model.time_limit,
        model.remember,
        inner=inner,
        kept=kept,
        up=frozenset(_key(v) for v in asked_for_more(cands, c)),
        down=frozenset({_key(cands.cost)}),
        _position={int(p): k for k, p in enumerate(kept)},
    )
    out._blocks.update(model._blocks)
    out._memo.update(model._memo)
    return out
