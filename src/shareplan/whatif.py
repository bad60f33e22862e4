"""What-ifs from saved results: the programme chosen again under other rules, and the ranking
under another weight, without recomputing the screen, the scores or the business cases. The
command line (``shareplan programme``) and the web app both call these."""

from __future__ import annotations

import threading
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal, overload

import numpy as np
import numpy.typing as npt

from shareplan.assessment.mcda import order
from shareplan.assessment.sensitivity import FloatArray, Tree, lines
from shareplan.business_case import ProgrammeSimulation
from shareplan.errors import InputError, Problem
from shareplan.pipeline import programme_answer, replan
from shareplan.programme import Constraints, Objective
from shareplan.results import Results
from shareplan.results.programme import Choice, NoProgramme, ProgrammeResult


def saved_rules(document: Results) -> tuple[Constraints, Objective]:
    """The rules the saved programme was chosen under: a what-if changes only what it names."""
    p = document.programme
    c = p.constraints
    lo, hi = c.min_projects, c.max_projects
    projects: int | tuple[int, int] | None = hi
    if hi is not None and lo is not None and lo != hi:
        projects = (lo, hi)
    constraints = Constraints(
        projects=projects,
        budget=c.budget,
        funding_by_year=c.funding_by_year,
        fte_capacity_by_year=c.fte_capacity_by_year,
        partner_capacity=c.partner_capacity,
        min_quick_wins=c.min_quick_wins,
        must_include=c.must_include,
        must_exclude=c.must_exclude,
        min_prob_positive_npv=c.min_prob_positive_npv,
    )
    objective = Objective(
        kind=p.objective.kind,
        value_weight=p.objective.value_weight,
        count_ring_fenced_savings=p.objective.count_ring_fenced_savings,
    )
    return constraints, objective


@overload
def programme_what_if(
    document: Results,
    changes: Mapping[str, Any],
    *,
    choose_only: Literal[False] = ...,
    objective: str | None = ...,
    value_weight: float | None = ...,
    count_ring_fenced_savings: bool | None = ...,
    propose: Sequence[str] | None = ...,
    cache_key: Hashable | None = ...,
) -> ProgrammeResult: ...


@overload
def programme_what_if(
    document: Results,
    changes: Mapping[str, Any],
    *,
    choose_only: bool,
    objective: str | None = ...,
    value_weight: float | None = ...,
    count_ring_fenced_savings: bool | None = ...,
    propose: Sequence[str] | None = ...,
    cache_key: Hashable | None = ...,
) -> Choice | NoProgramme: ...


def programme_what_if(
    document: Results,
    changes: Mapping[str, Any],
    *,
    choose_only: bool = False,
    objective: str | None = None,
    value_weight: float | None = None,
    count_ring_fenced_savings: bool | None = None,
    propose: Sequence[str] | None = None,
    cache_key: Hashable | None = None,
) -> Choice | NoProgramme:
    """The programme block (as in results.json) chosen again with ``changes`` to the saved
    constraints (field names of :class:`Constraints`) and optionally another objective, or the
    other reading of NPV (``count_ring_fenced_savings``: the whole NPV, or the general fund's share).

    ``choose_only``: the same choice with its reasons and near misses, without the frontier,
    value-for-money curve, order of buy, comparison, view and risk register (what the web
    what-if shows; on thousands of candidates those take most of the time, and the view needs the
    programme's Monte Carlo). ``cache_key`` names results that never change (a finished run): the
    Monte Carlo, which depends on the business cases and the seed but not on the rules, is then
    drawn once and kept for the next full what-if on the same results."""
    constraints, base = saved_rules(document)
    counting = count_ring_fenced_savings
    unchanged = objective is None and value_weight is None and counting is None
    if not changes and unchanged and not propose:
        # the same rules on the same results choose the same programme: no need to solve again
        return document.programme
    chosen = Objective(
        kind=objective or base.kind,  # type: ignore[arg-type]
        value_weight=base.value_weight if value_weight is None else value_weight,
        count_ring_fenced_savings=base.count_ring_fenced_savings if counting is None else counting,
    )
    known = {o.id for o in document.opportunities}
    named = (*changes.get("must_include", ()), *changes.get("must_exclude", ()), *(propose or ()))
    unknown = [i for i in named if i not in known]
    if unknown:
        raise InputError(
            [
                Problem(
                    f"unknown opportunity id {i!r}",
                    allowed="ids of the shortlist (see `shareplan appraise`)",
                )
                for i in unknown
            ]
        )
    if chosen.problems():
        raise InputError(chosen.problems())
    simulation = _simulations.get(cache_key) if cache_key is not None else None
    outcome = replan(
        document,
        replace(constraints, **changes),
        chosen,
        proposed_ids=propose,
        simulation=simulation,
        choose_only=choose_only,
    )
    if cache_key is not None and outcome.simulation is not None:
        with _lock:
            _simulations[cache_key] = outcome.simulation
            while len(_simulations) > _KEEP:
                _simulations.pop(next(iter(_simulations)))
    return programme_answer(outcome)


_KEEP = 16
IdArray = npt.NDArray[np.object_]
_simulations: dict[Hashable, ProgrammeSimulation] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class Reranking:
    """The ranking with one weight of the value tree moved, the others at that node keeping their
    proportions (the move the sensitivity analysis makes)."""

    level: str
    target: str
    share: float
    current_share: float
    ranked: tuple[tuple[str, float], ...]  # (id, total), best first
    top_n: int

    @property
    def top(self) -> tuple[str, ...]:
        return tuple(i for i, _ in self.ranked[: self.top_n])


_trees: dict[int, tuple[Results, Tree, FloatArray, IdArray]] = {}


def _tree(document: Results) -> tuple[Tree, FloatArray, IdArray]:
    """The value tree and score matrix of ``document``, kept for the same results object (a
    finished run's results are parsed once and reused, so moving a weight again is a dot product)."""
    kept = _trees.get(id(document))
    if kept is not None and kept[0] is document:
        return kept[1], kept[2], kept[3]
    tree, scores, ids = _build_tree(document)
    with _lock:
        _trees[id(document)] = (document, tree, scores, ids)
        while len(_trees) > _KEEP:
            _trees.pop(next(iter(_trees)))
    return tree, scores, ids


def _build_tree(document: Results) -> tuple[Tree, FloatArray, IdArray]:
    opportunities = document.opportunities
    if not opportunities:
        raise InputError([Problem("the results hold no opportunities")])
    first = opportunities[0].scores
    criteria = list(first.criteria)
    group_of = tuple(first.criteria[c].group for c in criteria)
    groups = tuple(first.groups)
    group_share = {g: float(first.groups[g].weight) for g in groups}
    local_share = {
        c: (float(first.criteria[c].weight) / group_share[g] if group_share[g] else 0.0)
        for c, g in zip(criteria, group_of, strict=True)
    }
    scores = np.array(
        [[float(o.scores.criteria[c].counted_as) for c in criteria] for o in opportunities]
    )
    tree = Tree(tuple(criteria), group_of, groups, group_share, local_share)
    return tree, scores, np.array([o.id for o in opportunities], dtype=object)


def weight_targets(document: Results) -> list[tuple[str, str]]:
    """Every weight that can be moved: (level, id), groups first."""
    tree, _, _ = _tree(document)
    return tree.targets()


def rerank(document: Results, level: str, target: str, share: float | None = None) -> Reranking:
    """The ranking with weight ``target`` (a group, or a criterion within its group) set to
    ``share`` of its node (``None``: the share it has in the appraisal), from the saved criterion
    scores (no business case is run again): one product of the score matrix's lines."""
    tree, scores, ids = _tree(document)
    if (level, target) not in tree.targets():
        raise InputError([Problem(f"no weight {target!r} at level {level!r}", column="target")])
    if share is not None and not 0.0 <= share <= 1.0:
        raise InputError([Problem("the share must be between 0 and 1", column="share")])
    alpha, beta, current = lines(scores, tree, level, target)
    share = current if share is None else share
    totals = alpha + beta * share
    best = order(totals)
    ranked = tuple(zip(ids[best].tolist(), totals[best].tolist(), strict=True))
    top_n = document.sensitivity.top_n or min(6, len(ids))
    return Reranking(level, target, share, current, ranked, top_n)
