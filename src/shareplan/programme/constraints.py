"""The rules a programme must keep, the objectives it can chase, and their linear rows.

Each rule becomes one or more linear rows over the 0/1 choice variables ``x`` (``x[i] = 1`` when
candidate ``i`` is in the programme) or a fixed bound on some ``x[i]``. Rows are grouped so that the
infeasibility diagnosis and the reports can name a rule in words ("budget of £1.0m", "at least 5
projects") and, inside a group, the member that clashes ("at most one opportunity for service
'payroll'").
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np

from shareplan.errors import Problem, raise_if_any
from shareplan.money import money
from shareplan.programme.candidates import CandidateSet, FloatArray, IntArray

ObjectiveKind = Literal["npv", "value", "early_savings", "blend"]
OBJECTIVE_KINDS: tuple[ObjectiveKind, ...] = ("npv", "value", "early_savings", "blend")

_EMPTY = np.zeros(0, dtype=np.int64)


def _scale(values: FloatArray) -> float:
    """The best candidate's value, so that it counts as 1 in the blend; a very poor candidate
    (a large negative NPV) must not squash the differences between the good ones. Falls back to
    the largest magnitude when no candidate is positive."""
    best = float(np.max(values)) if values.size else 0.0
    if best > 0:
        return best
    return float(np.max(np.abs(values))) if values.size and np.any(values) else 1.0


@dataclass(frozen=True, slots=True)
class Objective:
    """What the programme maximises.

    ``npv``: total net present value (£). ``value``: total weighted multi-criteria score (points).
    ``early_savings``: total savings within the first 12 months (£). ``blend``: ``value_weight`` x
    (score / best candidate score) + (1 - ``value_weight``) x (NPV / best candidate NPV), so that
    the best single candidate on each measure counts as 1 (see docs/programme.md).

    Which NPV: with ``count_ring_fenced_savings`` false (the default) the general fund's share of
    each candidate's NPV, the savings it can cash; true, the whole NPV, ring-fenced grants' share
    included. It applies wherever the programme ranks on NPV (``npv``, ``blend``, the speed/NPV
    frontier). ``any_ring_fenced`` says whether the two differ for the candidates chosen from
    (:meth:`resolved` sets it); only the words depend on it.
    """

    kind: ObjectiveKind = "npv"
    value_weight: float = 0.5
    count_ring_fenced_savings: bool = False
    any_ring_fenced: bool = False

    @property
    def on_general_fund(self) -> bool:
        """Whether the programme's NPV figures are the general fund's share, not the whole."""
        return self.any_ring_fenced and not self.count_ring_fenced_savings

    @property
    def label(self) -> str:
        npv = "general-fund NPV" if self.on_general_fund else "NPV"
        return {
            "npv": f"total {npv}",
            "value": "total multi-criteria value",
            "early_savings": "savings within the first 12 months",
            "blend": f"blend of value ({self.value_weight:.0%}) and {npv} "
            f"({1 - self.value_weight:.0%})",
        }[self.kind]

    @property
    def unit(self) -> str:
        return {"npv": "£", "value": "points", "early_savings": "£", "blend": "index"}[self.kind]

    def resolved(self, cands: CandidateSet) -> Objective:
        """This objective with ``any_ring_fenced`` read from ``cands``."""
        return replace(self, any_ring_fenced=cands.any_ring_fenced)

    def npv_of(self, cands: CandidateSet) -> FloatArray:
        """Each candidate's NPV as the programme ranks it (see the class's docstring)."""
        return cands.npv if self.count_ring_fenced_savings else cands.general_fund_npv

    def problems(self) -> list[Problem]:
        out: list[Problem] = []
        if self.kind not in OBJECTIVE_KINDS:
            out.append(
                Problem(f"unknown objective {self.kind!r}", allowed=", ".join(OBJECTIVE_KINDS))
            )
        if not 0 <= self.value_weight <= 1:
            out.append(Problem(f"value weight is {self.value_weight}", allowed="0 to 1"))
        return out

    def coefficients(self, cands: CandidateSet) -> tuple[FloatArray, dict[str, float]]:
        """Each candidate's contribution to the objective, and the normalisers used (blend only)."""
        if self.kind == "npv":
            return self.npv_of(cands).copy(), {}
        if self.kind == "value":
            return cands.score.copy(), {}
        if self.kind == "early_savings":
            return cands.savings_12m.copy(), {}
        npv = self.npv_of(cands)
        score_scale = _scale(cands.score)
        npv_scale = _scale(npv)
        w = self.value_weight
        c = w * cands.score / score_scale + (1 - w) * npv / npv_scale
        return c, {"score_scale": score_scale, "npv_scale": npv_scale, "value_weight": w}

    def to_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "value_weight": self.value_weight,
            "label": self.label,
            "count_ring_fenced_savings": self.count_ring_fenced_savings,
            "any_ring_fenced": self.any_ring_fenced,
        }


@dataclass(frozen=True, slots=True)
class Constraints:
    """The rules for the programme. ``None`` switches a rule off.

    ``projects``: an exact number or an inclusive (min, max) range. ``budget``: total one-off cost.
    ``funding_by_year``: the most one-off cost each programme year may carry (year 1 first).
    ``fte_capacity_by_year``: officer FTE available for project teams each year. At most one
    opportunity per service is always on. ``partner_capacity``: at most this many projects with any
    one partner. ``min_quick_wins``: at least this many quick wins. ``min_prob_positive_npv``: leave
    out candidates whose Monte Carlo chance of a positive NPV is below this.
    """

    projects: int | tuple[int, int] | None = 6
    budget: float | None = None
    funding_by_year: tuple[float, ...] | None = None
    fte_capacity_by_year: tuple[float, ...] | None = None
    partner_capacity: int | None = None
    min_quick_wins: int = 0
    must_include: tuple[str, ...] = ()
    must_exclude: tuple[str, ...] = ()
    min_prob_positive_npv: float | None = None

    @property
    def min_projects(self) -> int | None:
        if self.projects is None:
            return None
        return self.projects if isinstance(self.projects, int) else self.projects[0]

    @property
    def max_projects(self) -> int | None:
        if self.projects is None:
            return None
        return self.projects if isinstance(self.projects, int) else self.projects[1]

    def problems(self, cands: CandidateSet) -> list[Problem]:
        """Everything wrong with these rules for this candidate set."""
        out: list[Problem] = []
        lo, hi = self.min_projects, self.max_projects
        if lo is not None and hi is not None and (lo < 0 or hi < lo):
            out.append(
                Problem(f"number of projects {self.projects} is not a range", allowed="0<=min<=max")
            )
        for name in ("budget", "min_prob_positive_npv"):
            v = getattr(self, name)
            if v is not None and (not math.isfinite(v) or v < 0):
                out.append(Problem(f"{name} is {v}", allowed="zero or more"))
        if self.min_prob_positive_npv is not None and self.min_prob_positive_npv > 1:
            out.append(
                Problem(f"minimum probability is {self.min_prob_positive_npv}", allowed="0 to 1")
            )
        for name in ("funding_by_year", "fte_capacity_by_year"):
            values = getattr(self, name)
            if values is not None and any(not math.isfinite(v) or v < 0 for v in values):
                out.append(
                    Problem(
                        f"{name} has a value below zero or not a number", allowed="zero or more"
                    )
                )
        if self.partner_capacity is not None and self.partner_capacity < 0:
            out.append(
                Problem(f"partner capacity is {self.partner_capacity}", allowed="zero or more")
            )
        if self.min_quick_wins < 0:
            out.append(
                Problem(f"minimum quick wins is {self.min_quick_wins}", allowed="zero or more")
            )
        for name in ("must_include", "must_exclude"):
            for cid in cands.unknown(getattr(self, name)):
                out.append(Problem(f"{name.replace('_', ' ')}: no candidate has the id {cid!r}"))
        return out

    def to_dict(self) -> dict[str, object]:
        return {
            "min_projects": self.min_projects,
            "max_projects": self.max_projects,
            "budget": self.budget,
            "funding_by_year": list(self.funding_by_year) if self.funding_by_year else None,
            "fte_capacity_by_year": (
                list(self.fte_capacity_by_year) if self.fte_capacity_by_year else None
            ),
            "one_opportunity_per_service": True,
            "partner_capacity": self.partner_capacity,
            "min_quick_wins": self.min_quick_wins,
            "must_include": list(self.must_include),
            "must_exclude": list(self.must_exclude),
            "min_prob_positive_npv": self.min_prob_positive_npv,
        }


@dataclass(frozen=True, slots=True)
class Row:
    """One linear row ``lo <= coef @ x[idx] <= hi``."""

    idx: IntArray
    coef: FloatArray
    lo: float
    hi: float

    def value(self, x: FloatArray) -> float:
        return float(self.coef @ x[self.idx])

    def slack(self, x: FloatArray) -> float:
        """How far the row is from its nearer finite limit (negative when it is broken)."""
        v = self.value(x)
        return min(self.hi - v, v - self.lo)

    def holds(self, x: FloatArray) -> bool:
        scale = max(
            1.0,
            abs(self.lo) if math.isfinite(self.lo) else 0.0,
            abs(self.hi) if math.isfinite(self.hi) else 0.0,
        )
        return self.slack(x) >= -1e-7 * scale


@dataclass(frozen=True, slots=True)
class Member:
    """One named piece of a rule: linear rows and/or candidates fixed out or in."""

    label: str
    rows: tuple[Row, ...] = ()
    fix_zero: IntArray = field(default_factory=lambda: _EMPTY)
    fix_one: IntArray = field(default_factory=lambda: _EMPTY)


@dataclass(frozen=True, slots=True)
class Group:
    """A rule as the user states it (``key`` is stable, ``label`` is words), made of members."""

    key: str
    label: str
    members: tuple[Member, ...]
    limit: float | None = None

    @property
    def kind(self) -> str:
        return self.key.split(":", 1)[0]


def _sum_row(idx: Sequence[int] | IntArray, lo: float, hi: float) -> Row:
    ids = np.asarray(idx, dtype=np.int64)
    return Row(ids, np.ones(len(ids)), lo, hi)


def _weighted_row(weights: FloatArray, lo: float, hi: float) -> Row:
    idx = np.flatnonzero(weights != 0).astype(np.int64)
    return Row(idx, weights[idx].astype(np.float64), lo, hi)


def build_groups(cands: CandidateSet, cons: Constraints) -> tuple[Group, ...]:
    """Every rule of ``cons`` as named groups of rows over ``cands`` (checks the rules first)."""
    raise_if_any(cons.problems(cands))
    inf = math.inf
    n = cands.n
    everyone = np.arange(n, dtype=np.int64)
    groups: list[Group] = []
    lo, hi = cons.min_projects, cons.max_projects
    if lo is not None and lo > 0:
        label = f"at least {lo} project{'s' if lo != 1 else ''}"
        groups.append(
            Group("min_projects", label, (Member(label, (_sum_row(everyone, lo, inf),)),), lo)
        )
    if hi is not None:
        label = f"at most {hi} project{'s' if hi != 1 else ''}"
        groups.append(
            Group("max_projects", label, (Member(label, (_sum_row(everyone, -inf, hi),)),), hi)
        )
    if cons.budget is not None:
        label = f"budget of {money(cons.budget)}"
        row = _weighted_row(cands.cost, -inf, cons.budget)
        groups.append(Group("budget", label, (Member(label, (row,)),), cons.budget))
    for y, limit in enumerate(cons.funding_by_year or ()):
        label = f"funding of {money(limit)} in year {y + 1}"
        weights = cands.cost_by_year[:, y] if y < cands.cost_by_year.shape[1] else np.zeros(n)
        row = _weighted_row(weights, -inf, limit)
        groups.append(Group(f"funding:{y + 1}", label, (Member(label, (row,)),), limit))
    for y, limit in enumerate(cons.fte_capacity_by_year or ()):
        label = f"officer capacity of {limit:g} FTE in year {y + 1}"
        weights = cands.fte_by_year[:, y] if y < cands.fte_by_year.shape[1] else np.zeros(n)
        row = _weighted_row(weights, -inf, limit)
        groups.append(Group(f"fte:{y + 1}", label, (Member(label, (row,)),), limit))
    service_members = tuple(
        Member(f"at most one opportunity for service {sid!r}", (_sum_row(idx, -inf, 1),))
        for sid, idx in sorted(cands.service_members.items())
        if len(idx) > 1
    )
    if service_members:
        groups.append(
            Group("one_per_service", "at most one opportunity per service", service_members, 1)
        )
    k = cons.partner_capacity
    if k is not None:
        partner_members = tuple(
            Member(
                f"at most {k} project{'s' if k != 1 else ''} with partner {pid!r}",
                (_sum_row(idx, -inf, k),),
            )
            for pid, idx in sorted(cands.partner_members.items())
            if len(idx) > k
        )
        if partner_members:
            label = f"at most {k} project{'s' if k != 1 else ''} with any one partner"
            groups.append(Group("partner_capacity", label, partner_members, k))
    q = cons.min_quick_wins
    if q > 0:
        label = f"at least {q} quick win{'s' if q != 1 else ''}"
        row = _sum_row(np.flatnonzero(cands.quick_win), q, inf)
        groups.append(Group("min_quick_wins", label, (Member(label, (row,)),), q))
    if cons.must_include:
        members = tuple(
            Member(f"must include {cid!r}", fix_one=cands.positions([cid]))
            for cid in dict.fromkeys(cons.must_include)
        )
        label = "must include " + ", ".join(repr(c) for c in dict.fromkeys(cons.must_include))
        groups.append(Group("must_include", label, members))
    if cons.must_exclude:
        members = tuple(
            Member(f"must exclude {cid!r}", fix_zero=cands.positions([cid]))
            for cid in dict.fromkeys(cons.must_exclude)
        )
        label = "must exclude " + ", ".join(repr(c) for c in dict.fromkeys(cons.must_exclude))
        groups.append(Group("must_exclude", label, members))
    p = cons.min_prob_positive_npv
    if p is not None:
        below = np.flatnonzero(cands.prob < p)  # nan (not simulated) compares False: it passes
        members = tuple(
            Member(
                f"{cands.ids[i]!r} has a {cands.prob[i]:.0%} chance of a positive NPV, "
                f"below the minimum of {p:.0%}",
                fix_zero=np.array([i], dtype=np.int64),
            )
            for i in below
        )
        if members:
            label = f"chance of a positive NPV of at least {p:.0%}"
            groups.append(Group("min_prob_positive_npv", label, members, p))
    return tuple(groups)
