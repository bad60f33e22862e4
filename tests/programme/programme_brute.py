"""Brute force for the programme tests: every subset of up to 15 candidates, checked rule by rule.

Written independently of the optimiser's row builder: each rule is checked directly from the
candidate records, over a matrix with one row per subset (2**n rows, n <= 15).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from shareplan.programme.candidates import Candidate
from shareplan.programme.constraints import Constraints, Objective

BoolMatrix = npt.NDArray[np.bool_]


def all_subsets(n: int) -> BoolMatrix:
    codes = np.arange(2**n, dtype=np.int64)
    return ((codes[:, None] >> np.arange(n)) & 1).astype(bool)


def feasible_mask(cands: list[Candidate], cons: Constraints, subsets: BoolMatrix) -> BoolMatrix:
    """Which subsets keep every rule."""
    x = subsets.astype(float)
    ok = np.ones(len(subsets), dtype=bool)
    count = subsets.sum(axis=1)
    if cons.min_projects is not None:
        ok &= count >= cons.min_projects
    if cons.max_projects is not None:
        ok &= count <= cons.max_projects
    cost = np.array([c.one_off_cost for c in cands])
    if cons.budget is not None:
        ok &= x @ cost <= cons.budget + 1e-6
    for y, limit in enumerate(cons.funding_by_year or ()):
        year_cost = np.array(
            [
                (c.one_off_cost_by_year or (c.one_off_cost,))[y]
                if y < len(c.one_off_cost_by_year or (c.one_off_cost,))
                else 0.0
                for c in cands
            ]
        )
        ok &= x @ year_cost <= limit + 1e-6
    for y, limit in enumerate(cons.fte_capacity_by_year or ()):
        fte = np.array([c.fte_by_year[y] if y < len(c.fte_by_year) else 0.0 for c in cands])
        ok &= x @ fte <= limit + 1e-6
    services = {s for c in cands for s in c.service_ids}
    for s in services:
        ok &= x @ np.array([s in c.service_ids for c in cands], dtype=float) <= 1
    if cons.partner_capacity is not None:
        for p in {p for c in cands for p in c.partner_ids}:
            uses = np.array([p in c.partner_ids for c in cands], dtype=float)
            ok &= x @ uses <= cons.partner_capacity
    quick = np.array([c.quick_win for c in cands], dtype=float)
    ok &= x @ quick >= cons.min_quick_wins
    for i, c in enumerate(cands):
        if c.id in cons.must_include:
            ok &= subsets[:, i]
        if c.id in cons.must_exclude:
            ok &= ~subsets[:, i]
        chance = c.prob_positive_npv
        floor = cons.min_prob_positive_npv
        if floor is not None and chance is not None and chance < floor:
            ok &= ~subsets[:, i]
    return ok


def best_candidate_scale(values: npt.NDArray[np.float64]) -> float:
    """The blend's divisor: the best single candidate's value, so that it counts 1; only when no
    candidate is positive, the largest magnitude (and 1 when every value is 0)."""
    best = float(values.max())
    if best > 0:
        return best
    return float(abs(values).max()) or 1.0


def objective_values(
    cands: list[Candidate], obj: Objective, subsets: BoolMatrix
) -> npt.NDArray[np.float64]:
    x = subsets.astype(float)
    npv = np.array([c.npv for c in cands])
    score = np.array([c.value_score for c in cands])
    early = np.array([c.savings_12m for c in cands])
    if obj.kind == "npv":
        per_candidate = npv
    elif obj.kind == "value":
        per_candidate = score
    elif obj.kind == "early_savings":
        per_candidate = early
    else:
        w = obj.value_weight
        per_candidate = w * score / best_candidate_scale(score)
        per_candidate += (1 - w) * npv / best_candidate_scale(npv)
    values: npt.NDArray[np.float64] = x @ per_candidate
    return values


def brute_best(
    cands: list[Candidate], cons: Constraints, obj: Objective
) -> tuple[float, BoolMatrix] | None:
    """The best objective value and the feasible mask, or ``None`` when nothing is feasible."""
    subsets = all_subsets(len(cands))
    ok = feasible_mask(cands, cons, subsets)
    if not ok.any():
        return None
    values = objective_values(cands, obj, subsets)
    return float(values[ok].max()), ok
