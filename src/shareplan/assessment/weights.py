"""Weights from people: two-level swing weights, elicitation helpers, several stakeholders.

Swing weights are given at two levels (the DCLG manual's value tree; Hiview normalises the same
way): the three groups (right services, right partners, right time), then the criteria within each
group. Each level is normalised to sum to one within its parent, and a criterion's overall weight
is its group's share times its share within the group.

Helpers turn judgements into weights: :func:`swing_from_ranked` (rank the swings, give the biggest
100 and the others points relative to it) and :func:`ahp` (Saaty's pairwise comparisons: the
principal eigenvector, and the consistency ratio CR = CI / RI with CI = (lambda_max - n) / (n - 1)).

Several stakeholders (for example Cabinet members and the senior leadership team) may each give
weights. Their combined weights are the geometric mean at each node of the tree, renormalised (the
usual way to aggregate individual priorities; it treats ratios symmetrically), and
:func:`disagreement` shows where they differ most.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np
import numpy.typing as npt

from shareplan.assessment.settings import AssessmentSettings
from shareplan.errors import InputError, Problem
from shareplan.evidence.base import EvidenceBase
from shareplan.scenario.model import Scenario

FloatArray = npt.NDArray[np.float64]
DEFAULT_STAKEHOLDER = "default"
COMBINED = "combined"


def normalise(points: Mapping[str, float]) -> dict[str, float]:
    """Points to shares that sum to one (the ratios are kept). Raises ValueError if all zero."""
    total = sum(points.values())
    if not total > 0:
        raise ValueError("weights are all zero")
    return {k: v / total for k, v in points.items()}


@dataclass(frozen=True)
class WeightSet:
    """One stakeholder's weights: group shares, criterion shares within groups, and overall."""

    stakeholder: str
    groups: Mapping[str, float]  # group -> share of the whole (sum 1)
    local: Mapping[str, float]  # criterion -> share within its group (sum 1 per group)
    group_of: Mapping[str, str]  # criterion -> group
    points: Mapping[str, float] = field(default_factory=dict)  # as given, for the record

    def overall(self, criterion: str) -> float:
        return self.groups[self.group_of[criterion]] * self.local[criterion]

    def vector(self, criteria: Sequence[str]) -> FloatArray:
        return np.array([self.overall(c) for c in criteria], dtype=np.float64)

    def to_dict(self, criteria: Sequence[str]) -> dict[str, object]:
        return {
            "stakeholder": self.stakeholder,
            "groups": {g: round(v, 6) for g, v in self.groups.items()},
            "criteria_within_group": {c: round(self.local[c], 6) for c in criteria},
            "criteria_overall": {c: round(self.overall(c), 6) for c in criteria},
            "points": dict(self.points),
        }


def _tree(evidence: EvidenceBase) -> dict[str, list[str]]:
    children: dict[str, list[str]] = {g: [] for g in evidence.group_ids}
    for c in evidence.criteria:
        children[c.group].append(c.id)
    return children


def default_weights(evidence: EvidenceBase, settings: AssessmentSettings) -> WeightSet:
    """The evidence base's default swing weights (illustrative until a scenario gives its own)."""
    tree = _tree(evidence)
    local: dict[str, float] = {}
    for kids in tree.values():
        local.update(normalise({c: settings.criterion_weights[c] for c in kids}))
    return WeightSet(
        stakeholder=DEFAULT_STAKEHOLDER,
        groups=normalise(dict(settings.group_weights)),
        local=local,
        group_of={c.id: c.group for c in evidence.criteria},
        points={**settings.group_weights, **settings.criterion_weights},
    )


def stakeholder_weights(
    scenario: Scenario, evidence: EvidenceBase, settings: AssessmentSettings
) -> tuple[WeightSet, ...]:
    """Each stakeholder's weights from the scenario's weights sheet, in order of first appearance.

    A stakeholder who weights some groups must weight all three (0 is allowed), and likewise the
    criteria of a group; a level a stakeholder leaves out takes the default weights. Every problem
    (negative, not a number, unknown target, repeated, all zero, incomplete) is reported at once.
    Without any weights rows the result is the defaults alone.
    """
    if not scenario.weights:
        return (default_weights(evidence, settings),)
    tree = _tree(evidence)
    group_of = {c.id: c.group for c in evidence.criteria}
    defaults = default_weights(evidence, settings)
    given: dict[str, dict[str, float]] = defaultdict(dict)
    problems: list[Problem] = []

    def problem(message: str, column: str, allowed: str | None = None) -> None:
        problems.append(Problem(message, sheet="weights", column=column, allowed=allowed))

    known = set(tree) | set(group_of)
    for w in scenario.weights:
        who = f"stakeholder {w.stakeholder!r}, target {w.target!r}"
        if w.target not in known:
            problem(
                f"{who}: no such criterion group or criterion", "target", ", ".join(sorted(known))
            )
            continue
        if not np.isfinite(w.weight) or w.weight < 0:
            problem(
                f"{who}: weight {w.weight!r} must be a number of at least 0", "weight", "0 or more"
            )
            continue
        if w.target in given[w.stakeholder]:
            problem(f"{who}: given twice", "target")
            continue
        given[w.stakeholder][w.target] = float(w.weight)

    sets: list[WeightSet] = []
    for who, points in given.items():
        nodes: dict[str, list[str]] = {"": list(tree), **tree}
        groups = dict(defaults.groups)
        local = dict(defaults.local)
        for parent, kids in nodes.items():
            named = [k for k in kids if k in points]
            if not named:
                continue
            where = "the criterion groups" if parent == "" else f"the criteria of group {parent!r}"
            absent = [k for k in kids if k not in points]
            if absent:
                problem(
                    f"stakeholder {who!r} weights some of {where} but not {', '.join(absent)}: "
                    "give each a weight (0 is allowed) or none",
                    "target",
                )
                continue
            if sum(points[k] for k in kids) <= 0:
                problem(
                    f"stakeholder {who!r}: the weights of {where} are all zero; at least one must "
                    "be above 0",
                    "weight",
                    "at least one weight above 0",
                )
                continue
            shares = normalise({k: points[k] for k in kids})
            (groups if parent == "" else local).update(shares)
        sets.append(WeightSet(who, groups, local, group_of, points=dict(points)))
    if problems:
        raise InputError(problems)
    return tuple(sets)


def _geometric(values: Sequence[Mapping[str, float]], keys: Sequence[str]) -> dict[str, float]:
    logs = {k: [v[k] for v in values] for k in keys}
    means = {k: float(np.exp(np.mean(np.log(x)))) if min(x) > 0 else 0.0 for k, x in logs.items()}
    if sum(means.values()) <= 0:  # every child zeroed by someone: fall back to the arithmetic mean
        means = {k: float(np.mean(x)) for k, x in logs.items()}
    return normalise(means)


def combine(sets: Sequence[WeightSet], evidence: EvidenceBase) -> WeightSet:
    """The stakeholders' weights combined by geometric mean at each node, renormalised. A zero from
    any stakeholder makes the combined weight zero (a veto); if that zeroes a whole node, that node
    falls back to the arithmetic mean."""
    if len(sets) == 1:
        only = sets[0]
        return WeightSet(COMBINED, only.groups, only.local, only.group_of, only.points)
    tree = _tree(evidence)
    groups = _geometric([s.groups for s in sets], list(tree))
    local: dict[str, float] = {}
    for kids in tree.values():
        local.update(_geometric([s.local for s in sets], kids))
    return WeightSet(COMBINED, groups, local, sets[0].group_of)


@dataclass(frozen=True)
class WeightSpread:
    criterion: str
    low: float
    high: float
    low_stakeholder: str
    high_stakeholder: str

    @property
    def spread(self) -> float:
        return self.high - self.low

    def to_dict(self) -> dict[str, object]:
        return {
            "criterion": self.criterion,
            "lowest": round(self.low, 6),
            "highest": round(self.high, 6),
            "spread": round(self.spread, 6),
            "lowest_by": self.low_stakeholder,
            "highest_by": self.high_stakeholder,
        }


def disagreement(sets: Sequence[WeightSet], criteria: Sequence[str]) -> list[WeightSpread]:
    """Each criterion's overall weight, lowest and highest across stakeholders, widest first."""
    out: list[WeightSpread] = []
    for c in criteria:
        values = [(s.overall(c), s.stakeholder) for s in sets]
        lo, hi = min(values), max(values)
        out.append(WeightSpread(c, lo[0], hi[0], lo[1], hi[1]))
    out.sort(key=lambda w: (-w.spread, criteria.index(w.criterion)))
    return out


# ------------------------------------------------------------------------------ elicitation


def swing_from_ranked(ranked: Sequence[tuple[str, float]]) -> dict[str, float]:
    """Swing weighting: the swings ranked from biggest to smallest, the biggest given 100 points
    and each other its points relative to it (0-100, never more than the one above). Returns the
    normalised weights. Raises :class:`InputError` for a list that breaks these rules."""
    problems: list[Problem] = []
    if not ranked:
        problems.append(Problem("no swings given"))
    elif ranked[0][1] != 100:
        problems.append(Problem(f"the biggest swing ({ranked[0][0]!r}) must have 100 points"))
    names = [name for name, _ in ranked]
    if len(set(names)) != len(names):
        problems.append(Problem("each swing may appear only once"))
    for (above, a), (name, b) in pairwise(ranked):
        if not 0 <= b <= 100:
            problems.append(Problem(f"{name!r}: points must be from 0 to 100, not {b:g}"))
        elif b > a:
            problems.append(
                Problem(f"{name!r} ({b:g}) is ranked below {above!r} ({a:g}) but has more points")
            )
    if problems:
        raise InputError(problems)
    return normalise(dict(ranked))


@dataclass(frozen=True)
class AHPResult:
    """Weights from a pairwise comparison matrix, with Saaty's consistency check."""

    ids: tuple[str, ...]
    matrix: FloatArray
    weights: Mapping[str, float]
    lambda_max: float
    consistency_index: float
    random_index: float
    consistency_ratio: float
    limit: float

    @property
    def consistent(self) -> bool:
        return self.consistency_ratio <= self.limit

    @property
    def warning(self) -> str | None:
        if self.consistent:
            return None
        return (
            f"the comparisons are inconsistent: consistency ratio {self.consistency_ratio:.3f} "
            f"is above {self.limit:g}; review the judgements"
        )

    def to_dict(self) -> dict[str, object]:
        return {
            "weights": {k: round(v, 6) for k, v in self.weights.items()},
            "lambda_max": round(self.lambda_max, 6),
            "consistency_index": round(self.consistency_index, 6),
            "random_index": self.random_index,
            "consistency_ratio": round(self.consistency_ratio, 6),
            "consistent": self.consistent,
            "warning": self.warning,
        }


def principal_eigen(matrix: FloatArray) -> tuple[FloatArray, float]:
    """The principal eigenvector of a positive matrix, normalised to sum to one, and its eigenvalue
    (Perron root). Pure; no checks."""
    values, vectors = np.linalg.eig(matrix)
    k = int(np.argmax(values.real))
    vector = np.abs(vectors[:, k].real)
    return vector / vector.sum(), float(values[k].real)


def ahp(
    matrix: npt.ArrayLike,
    ids: Sequence[str],
    random_index: Sequence[float],
    limit: float = 0.1,
) -> AHPResult:
    """Saaty's AHP weights from a reciprocal pairwise comparison matrix (a_ij: how many times more
    important i is than j, 1/9 to 9). Raises :class:`InputError` for a matrix that is not square,
    not positive or not reciprocal."""
    a = np.asarray(matrix, dtype=np.float64)
    n = len(ids)
    problems: list[Problem] = []
    if a.shape != (n, n):
        problems.append(Problem(f"the comparison matrix must be {n} x {n}, not {a.shape}"))
    elif not np.isfinite(a).all() or (a <= 0).any():
        problems.append(Problem("every comparison must be a positive number"))
    else:
        bad = ~np.isclose(a * a.T, 1.0, rtol=1e-6)
        for i, j in zip(*np.nonzero(np.triu(bad)), strict=True):
            problems.append(
                Problem(f"{ids[i]!r} vs {ids[j]!r}: a_ij x a_ji must be 1 (a reciprocal matrix)")
            )
    if n > len(random_index):
        problems.append(Problem(f"no random index for {n} items (at most {len(random_index)})"))
    if problems:
        raise InputError(problems)
    w, lam = principal_eigen(a)
    ci = (lam - n) / (n - 1) if n > 1 else 0.0
    ri = float(random_index[n - 1])
    cr = ci / ri if ri > 0 else 0.0
    return AHPResult(
        ids=tuple(ids),
        matrix=a,
        weights=dict(zip(ids, (float(x) for x in w), strict=True)),
        lambda_max=lam,
        consistency_index=ci,
        random_index=ri,
        consistency_ratio=cr,
        limit=limit,
    )
