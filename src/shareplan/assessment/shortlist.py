"""From the long list to the shortlist: screen every entry, score the survivors, keep the best K.

This is the hot path: a 200-service x 60-partner scenario has about seven million entries. Each
unit's entries are screened and scored as arrays (one :class:`~shareplan.opportunities.UnitBlock`
at a time) and only the best ``shortlist_per_service`` per unit become
:class:`~shareplan.opportunities.Opportunity` objects. Scores here use only what is known before
the business case (typical lead times, no NPV), with the combined stakeholders' weights.

Declared opportunities are always considered: they skip the best-K cut, but not the screen; one
that contradicts the screen is kept only if it records a justification (``screen_override``), and
is otherwise listed in :attr:`Shortlist.declared_screened_out` with the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from shareplan.assessment.criteria import (
    CRITERIA,
    UNIT_CRITERIA,
    CriteriaMatrix,
    ScoringContext,
    SetFeatures,
    UnitTable,
    has_private_partner,
    matches,
    score_features,
    set_features,
)
from shareplan.assessment.screening import PASS, REASONS, contradictions, explain_verdict
from shareplan.assessment.settings import AssessmentSettings
from shareplan.assessment.weights import combine, stakeholder_weights
from shareplan.evidence.base import EvidenceBase
from shareplan.opportunities import LongList, Opportunity
from shareplan.scenario.model import Scenario

IntArray = npt.NDArray[np.int64]
Int32Array = npt.NDArray[np.int32]
FloatArray = npt.NDArray[np.float64]


def reason_below_cut(k: int) -> str:
    return f"not among the best {k} for its service (before the business case)"


def best_k(totals: FloatArray, k: int) -> IntArray:
    """Positions of the k highest totals, best first; ties go to the earlier position."""
    n = totals.shape[0]
    if n <= k:
        candidates = np.arange(n)
    else:
        kth = np.partition(-totals, k - 1)[k - 1]  # the k-th highest, negated
        candidates = np.nonzero(-totals <= kth)[0]  # every entry at least as good (ties included)
    ordered = candidates[np.lexsort((candidates, -totals[candidates]))]
    out: IntArray = ordered[:k].astype(np.int64)
    return out


@dataclass(frozen=True)
class RemovedUnit:
    """A service (or bundle) the screen removed entirely: none of its entries passed. ``cost``
    is the services' annual cost as the scenario gives it; ``because`` is the screen's verdict
    in a member's words (the indicators that drove it)."""

    service_ids: tuple[str, ...]
    cost: float
    reason: str
    because: str

    def to_dict(self) -> dict[str, object]:
        return {
            "service_ids": list(self.service_ids),
            "cost": self.cost,
            "reason": self.reason,
            "because": self.because,
        }


@dataclass(frozen=True)
class Shortlist:
    """What the screen and the cut kept, and counts of what they dropped and why."""

    opportunities: tuple[Opportunity, ...]
    per_unit: int
    considered: int
    dropped_by_reason: dict[str, int] = field(default_factory=dict)
    dropped_by_model: dict[str, dict[str, int]] = field(default_factory=dict)
    declared_screened_out: tuple[tuple[str, str], ...] = ()
    overridden: tuple[tuple[str, str], ...] = ()  # (id, justification)
    removed: tuple[RemovedUnit, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {
            "considered": self.considered,
            "kept": len(self.opportunities),
            "per_unit": self.per_unit,
            "dropped_by_reason": dict(self.dropped_by_reason),
            "dropped_by_model": {m: dict(r) for m, r in self.dropped_by_model.items()},
            "declared_screened_out": [
                {"id": i, "reason": r} for i, r in self.declared_screened_out
            ],
            "screen_overridden": [{"id": i, "justification": j} for i, j in self.overridden],
            "removed_by_screen": [r.to_dict() for r in self.removed],
        }


def partner_members(opportunities: list[Opportunity], scenario: Scenario) -> npt.NDArray[np.int32]:
    """(n, S) partner indices of each opportunity, padded with -1."""
    index = {p.id: i for i, p in enumerate(scenario.partners)}
    width = max([1, *(len(o.partner_ids) for o in opportunities)])
    members = np.full((len(opportunities), width), -1, dtype=np.int32)
    for row, o in enumerate(opportunities):
        members[row, : len(o.partner_ids)] = [index[p] for p in o.partner_ids]
    return members


@dataclass(frozen=True)
class EntryScorer:
    """The weighted totals of long-list entries, each value function run on as few rows as it
    needs: the criteria that depend only on the partner set and the model once for every
    admitted (set, model) pair, the criteria that read the unit once per partner set for each
    unit. Each unit's totals are then added up pair by pair in criterion order, the same sum
    :meth:`~shareplan.assessment.criteria.CriteriaMatrix.totals` forms over a whole score
    matrix (equal to the last bit, so the shortlist is the same), at a fraction of the work."""

    ctx: ScoringContext
    units: UnitTable
    sets: SetFeatures
    members: npt.NDArray[np.int32]
    weights: FloatArray
    neutral: float
    pair_set: Int32Array  # the admitted pairs' partner sets and positions among all pairs
    pair_of: npt.NDArray[np.int64]  # (n_sets, n_models): each pair's position, -1 if refused
    by_pair: dict[int, FloatArray]

    @classmethod
    def build(
        cls,
        ctx: ScoringContext,
        units: UnitTable,
        members: npt.NDArray[np.int32],
        admitted: npt.NDArray[np.bool_],
        weights: FloatArray,
        neutral: float,
    ) -> EntryScorer:
        sets = set_features(ctx, members)
        pair_set, pair_model = (a.astype(np.int32) for a in np.nonzero(admitted))
        pair_of = np.full(admitted.shape, -1, dtype=np.int64)
        pair_of[pair_set, pair_model] = np.arange(pair_set.size)
        by_pair: dict[int, FloatArray] = {}
        if len(units.service_ids):
            anyone = np.zeros(pair_set.size, dtype=np.int32)  # the unit's cells are not used
            overlap = matches(ctx, units, np.zeros(members.shape[0], np.int32), members)
            scored = score_features(
                ctx, units, anyone, sets.take(pair_set), overlap.take(pair_set), pair_model
            )
            by_pair = _effective(scored, weights, neutral, unit=False)
        return cls(ctx, units, sets, members, weights, neutral, pair_set, pair_of, by_pair)

    def totals(self, unit: int, set_index: Int32Array, model_index: Int32Array) -> FloatArray:
        """The totals of one unit's entries (``set_index``, ``model_index`` as in its block,
        every pair among the admitted)."""
        n_sets = self.members.shape[0]
        rows = np.full(n_sets, unit, dtype=np.int32)
        per_set = _effective(
            score_features(
                self.ctx,
                self.units,
                rows,
                self.sets,
                matches(self.ctx, self.units, rows, self.members),
                np.zeros(n_sets, dtype=np.int32),
            ),
            self.weights,
            self.neutral,
            unit=True,
        )
        # Sum per set while only the unit's criteria have been added (every pair of a set has
        # the same), then per pair: the same additions in the same order as entry by entry.
        by_set = np.zeros(n_sets)
        total: FloatArray | None = None
        for j, w in enumerate(self.weights.tolist()):
            if w == 0:
                continue
            if total is None and j in per_set:
                by_set += w * per_set[j]
                continue
            if total is None:
                total = by_set[self.pair_set]
            total += w * (per_set[j][self.pair_set] if j in per_set else self.by_pair[j])
        if total is None:
            total = by_set[self.pair_set]
        out: FloatArray = total[self.pair_of[set_index, model_index]]
        return out


def _effective(
    m: CriteriaMatrix, weights: FloatArray, neutral: float, *, unit: bool
) -> dict[int, FloatArray]:
    """The weighted criteria's columns (those that read the unit, or the others), missing and
    not applicable at ``neutral`` as the totals count them."""
    out: dict[int, FloatArray] = {}
    for j, name in enumerate(CRITERIA):
        if weights[j] != 0 and (name in UNIT_CRITERIA) == unit:
            column = m.scores[:, j]
            out[j] = np.where(np.isnan(column), neutral, column)
    return out


PROGRESS_EVERY = 250
"""Units between two progress reports (a county's 5,000 services take a minute or two)."""


@dataclass(frozen=True)
class Screened:
    """What the screen and the best-K cut kept of some units' entries, and how many entries they
    dropped, per reason and model (a part of a :class:`Shortlist`, built where the units were)."""

    kept: tuple[Opportunity, ...]
    dropped: dict[str, IntArray]
    considered: int
    removed: tuple[tuple[int, int], ...] = ()  # (unit, screen code) of units with no survivor


def screen_units(
    long_list: LongList,
    scenario: Scenario,
    evidence: EvidenceBase,
    units: Sequence[int] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Screened:
    """Screen and score the entries of ``units`` (positions in the long list; all by default)
    one unit's block at a time, keeping each unit's best K. ``progress`` (optional) is told the
    units done and the units in all."""
    settings = AssessmentSettings.resolve(scenario, evidence)
    ctx = ScoringContext.build(scenario, evidence, settings)
    weights = combine(stakeholder_weights(scenario, evidence, settings), evidence).vector(CRITERIA)
    k = scenario.authority.shortlist_per_service
    table = UnitTable.build([u.service_ids for u in long_list.units], scenario, evidence, settings)
    n_models = len(long_list.model_ids)
    below = reason_below_cut(k)
    dropped = {reason: np.zeros(n_models, dtype=np.int64) for reason in [*REASONS.values(), below]}
    kept: list[Opportunity] = []
    removed: list[tuple[int, int]] = []
    considered = 0

    # Partner-set facts are the same for every unit: compute them once for all sets.
    scorer = EntryScorer.build(
        ctx, table, long_list.sets.members, long_list.admitted, weights, settings.neutral_score
    )
    all_sets = scorer.sets
    chosen_units = range(len(long_list.units)) if units is None else units
    for done, block in enumerate(long_list.blocks(chosen_units), start=1):
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done, len(chosen_units))
        n = len(block)
        considered += n
        if n == 0:
            continue
        verdict = int(table.verdict[block.unit_index])
        code = contradictions(np.full(n, verdict, dtype=np.int8), all_sets.private[block.set_index])
        for c, reason in REASONS.items():
            hit = code == c
            if hit.any():
                dropped[reason] += np.bincount(block.model_index[hit], minlength=n_models)
        survivors = np.nonzero(code == PASS)[0]
        if survivors.size == 0:
            removed.append((block.unit_index, int(np.bincount(code).argmax())))
            continue
        totals = scorer.totals(
            block.unit_index, block.set_index[survivors], block.model_index[survivors]
        )
        chosen = best_k(totals, k)
        cut = np.ones(survivors.size, dtype=bool)
        cut[chosen] = False
        dropped[below] += np.bincount(block.model_index[survivors[cut]], minlength=n_models)
        kept.extend(long_list.materialise(block, survivors[chosen].tolist()))
    return Screened(tuple(kept), dropped, considered, tuple(removed))


def shortlist(
    long_list: LongList,
    scenario: Scenario,
    evidence: EvidenceBase,
    progress: Callable[[int, int], None] | None = None,
    *,
    parts: Sequence[Screened] | None = None,
) -> Shortlist:
    """Screen the whole long list, score what passes, keep the best K per unit plus the declared.

    The long list is never held whole: it is screened and scored one unit's block at a time, and
    only each unit's best K become opportunities, so memory stays that of one block however many
    services there are. ``progress`` (optional) is told the units done and the units in all.
    ``parts``: the units already screened elsewhere (:func:`screen_units` over consecutive ranges
    of units, in order), to be put together with the declared opportunities."""
    settings = AssessmentSettings.resolve(scenario, evidence)
    ctx = ScoringContext.build(scenario, evidence, settings)
    k = scenario.authority.shortlist_per_service
    if not parts:
        parts = [
            screen_units(long_list, scenario, evidence, None if parts is None else [], progress)
        ]
    kept = [o for part in parts for o in part.kept]
    considered = sum(part.considered for part in parts)
    dropped: dict[str, IntArray] = {
        reason: np.stack([part.dropped[reason] for part in parts]).sum(axis=0).astype(np.int64)
        for reason in parts[0].dropped
    }

    declared = list(long_list.declared)
    screened_out: list[tuple[str, str]] = []
    overridden: list[tuple[str, str]] = []
    if declared:
        d_units = UnitTable.build([o.service_ids for o in declared], scenario, evidence, settings)
        d_code = contradictions(
            d_units.verdict, has_private_partner(ctx, partner_members(declared, scenario))
        )
        model_index = {m: i for i, m in enumerate(long_list.model_ids)}
        for o, c in zip(declared, d_code.tolist(), strict=True):
            if c == PASS:
                kept.append(o)
            elif o.screen_override.strip():
                kept.append(o)
                overridden.append((o.id, o.screen_override.strip()))
            else:
                screened_out.append((o.id, REASONS[c]))
                dropped[REASONS[c]][model_index[o.model]] += 1
        considered += len(declared)

    return Shortlist(
        opportunities=tuple(kept),
        per_unit=k,
        considered=considered,
        dropped_by_reason={r: int(v.sum()) for r, v in dropped.items()},
        dropped_by_model={
            m: {r: int(v[i]) for r, v in dropped.items() if v[i]}
            for i, m in enumerate(long_list.model_ids)
        },
        declared_screened_out=tuple(screened_out),
        overridden=tuple(overridden),
        removed=_removed(
            long_list, scenario, evidence, [r for part in parts for r in part.removed]
        ),
    )


def _removed(
    long_list: LongList,
    scenario: Scenario,
    evidence: EvidenceBase,
    removed: Sequence[tuple[int, int]],
) -> tuple[RemovedUnit, ...]:
    """The units the screen removed entirely, each with its cost and the screen's reason."""
    if not removed:
        return ()
    settings = AssessmentSettings.resolve(scenario, evidence)
    ids = [long_list.units[u].service_ids for u, _ in removed]
    table = UnitTable.build(ids, scenario, evidence, settings)
    cost = {s.id: s.gross_cost for s in scenario.services}
    out: list[RemovedUnit] = []
    for k, (services, (_, code)) in enumerate(zip(ids, removed, strict=True)):
        because = explain_verdict(
            table.traits[k], evidence, settings.strong_indicator, settings.driver_indicator
        )[2]
        out.append(
            RemovedUnit(
                tuple(services), float(sum(cost[s] for s in services)), REASONS[code], because
            )
        )
    return tuple(out)
