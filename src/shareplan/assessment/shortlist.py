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

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from shareplan.assessment.criteria import (
    CRITERIA,
    ScoringContext,
    UnitTable,
    has_private_partner,
    matches,
    score_features,
    set_features,
)
from shareplan.assessment.screening import PASS, REASONS, contradictions
from shareplan.assessment.settings import AssessmentSettings
from shareplan.assessment.weights import combine, stakeholder_weights
from shareplan.evidence.base import EvidenceBase
from shareplan.opportunities import LongList, Opportunity
from shareplan.scenario.model import Scenario

IntArray = npt.NDArray[np.int64]
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
class Shortlist:
    """What the screen and the cut kept, and counts of what they dropped and why."""

    opportunities: tuple[Opportunity, ...]
    per_unit: int
    considered: int
    dropped_by_reason: dict[str, int] = field(default_factory=dict)
    dropped_by_model: dict[str, dict[str, int]] = field(default_factory=dict)
    declared_screened_out: tuple[tuple[str, str], ...] = ()
    overridden: tuple[tuple[str, str], ...] = ()  # (id, justification)

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
        }


def partner_members(opportunities: list[Opportunity], scenario: Scenario) -> npt.NDArray[np.int32]:
    """(n, S) partner indices of each opportunity, padded with -1."""
    index = {p.id: i for i, p in enumerate(scenario.partners)}
    width = max([1, *(len(o.partner_ids) for o in opportunities)])
    members = np.full((len(opportunities), width), -1, dtype=np.int32)
    for row, o in enumerate(opportunities):
        members[row, : len(o.partner_ids)] = [index[p] for p in o.partner_ids]
    return members


PROGRESS_EVERY = 250
"""Units between two progress reports (a county's 5,000 services take a minute or two)."""


def shortlist(
    long_list: LongList,
    scenario: Scenario,
    evidence: EvidenceBase,
    progress: Callable[[int, int], None] | None = None,
) -> Shortlist:
    """Screen the whole long list, score what passes, keep the best K per unit plus the declared.

    The long list is never held whole: it is screened and scored one unit's block at a time, and
    only each unit's best K become opportunities, so memory stays that of one block however many
    services there are. ``progress`` (optional) is told the units done and the units in all."""
    settings = AssessmentSettings.resolve(scenario, evidence)
    ctx = ScoringContext.build(scenario, evidence, settings)
    weights = combine(stakeholder_weights(scenario, evidence, settings), evidence).vector(CRITERIA)
    k = scenario.authority.shortlist_per_service
    units = UnitTable.build([u.service_ids for u in long_list.units], scenario, evidence, settings)
    n_models = len(long_list.model_ids)
    below = reason_below_cut(k)
    dropped = {reason: np.zeros(n_models, dtype=np.int64) for reason in [*REASONS.values(), below]}
    kept: list[Opportunity] = []
    considered = 0

    # Partner-set facts are the same for every unit: compute them once for all sets.
    all_sets = set_features(ctx, long_list.sets.members)
    set_rows = np.arange(len(long_list.sets), dtype=np.int32)
    n_units = len(long_list.units)
    for done, block in enumerate(long_list.blocks(), start=1):
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done, n_units)
        n = len(block)
        considered += n
        if n == 0:
            continue
        verdict = int(units.verdict[block.unit_index])
        code = contradictions(np.full(n, verdict, dtype=np.int8), all_sets.private[block.set_index])
        for c, reason in REASONS.items():
            hit = code == c
            if hit.any():
                dropped[reason] += np.bincount(block.model_index[hit], minlength=n_models)
        survivors = np.nonzero(code == PASS)[0]
        if survivors.size == 0:
            continue
        set_index = block.set_index[survivors]
        unit_rows = np.full(survivors.size, block.unit_index, dtype=np.int32)
        # Overlaps depend on the unit and the set: compute per set for this unit, then gather.
        overlap = matches(
            ctx, units, np.full(set_rows.size, block.unit_index, np.int32), long_list.sets.members
        ).take(set_index)
        matrix = score_features(
            ctx, units, unit_rows, all_sets.take(set_index), overlap, block.model_index[survivors]
        )
        totals = matrix.totals(weights, settings.neutral_score)
        chosen = best_k(totals, k)
        cut = np.ones(survivors.size, dtype=bool)
        cut[chosen] = False
        dropped[below] += np.bincount(block.model_index[survivors[cut]], minlength=n_models)
        kept.extend(long_list.materialise(block, survivors[chosen].tolist()))

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
    )
