"""The assessment of a shortlist: screening, scores, stakeholders, sensitivity, and explanations.

:func:`assess` takes the shortlisted opportunities (and, when the business case has run, its
:class:`DeliveryFacts` per opportunity) and returns an :class:`Assessment` whose parts go into
results.json: each opportunity's ``screening`` and ``scores``, and a top-level ``sensitivity`` and
``stakeholders``. :func:`explain_ranking` says why one opportunity ranks where it does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field

from shareplan.assessment import sensitivity as sens
from shareplan.assessment.criteria import (
    CRITERIA,
    STATUS,
    CriteriaMatrix,
    EntryFacts,
    ScoringContext,
    UnitTable,
    lead_time,
    score,
)
from shareplan.assessment.mcda import WeightedSumResult, evaluate
from shareplan.assessment.rationale import rationale
from shareplan.assessment.screening import (
    REASONS,
    VERDICT_WORDS,
    VERDICTS,
    Flag,
    Screening,
    contradictions,
    explain_verdict,
)
from shareplan.assessment.settings import AssessmentSettings
from shareplan.assessment.shortlist import partner_members
from shareplan.assessment.weights import (
    WeightSet,
    WeightSpread,
    combine,
    disagreement,
    stakeholder_weights,
)
from shareplan.evidence.base import EvidenceBase
from shareplan.opportunities import Opportunity
from shareplan.scenario.model import Scenario

FloatArray = npt.NDArray[np.float64]


class DeliveryFacts(BaseModel):
    """Figures the business case supplies for one opportunity (all optional)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    months_to_first_saving: float | None = Field(default=None, ge=0)
    months_to_quick_win_saving: float | None = Field(
        default=None,
        ge=0,
        description="Month by which the quick-win share of the annual saving is achieved (the "
        "business case's quick-win rule; infinite when it never is)",
    )
    npv: float | None = None
    bcr: float | None = Field(default=None, ge=0)
    legal_clear: bool | None = None
    note: str = ""


def ranks_kept(top_n: int) -> int:
    """How many ranks the SMAA acceptability keeps and results.json shows: ten, or twice the
    number of priority projects when that is more."""
    return max(10, 2 * top_n)


@dataclass(frozen=True)
class Assessment:
    """Everything the assessment found, with the intermediate values kept for explanations."""

    opportunities: tuple[Opportunity, ...]
    criteria: tuple[str, ...]
    group_of: Mapping[str, str]
    groups: tuple[str, ...]
    matrix: CriteriaMatrix
    effective: FloatArray  # (n, 13), missing and not-applicable at the neutral score
    rationales: tuple[tuple[str, ...], ...]
    screenings: tuple[Screening, ...]
    combined: WeightSet
    stakeholders: tuple[WeightSet, ...]
    result: WeightedSumResult
    stakeholder_results: Mapping[str, WeightedSumResult]
    spreads: tuple[WeightSpread, ...]
    top_n: int
    stability: tuple[sens.StabilityInterval, ...]
    reversals: tuple[sens.RankReversal, ...]
    smaa: sens.SMAAResult
    smaa_ranges: sens.SMAAResult | None
    settings: AssessmentSettings

    @property
    def ids(self) -> tuple[str, ...]:
        return self.result.ids

    @cached_property
    def _positions(self) -> dict[str, int]:
        # results.json asks for every opportunity's position; a scan each time is quadratic
        return {oid: i for i, oid in enumerate(self.ids)}

    @cached_property
    def _reversal_of(self) -> dict[tuple[str, str], sens.RankReversal]:
        return {(r.upper, r.lower): r for r in reversed(self.reversals)}

    def reversal(self, upper: str, lower: str) -> sens.RankReversal | None:
        """The rank reversal recorded for this pair (the first, if any)."""
        return self._reversal_of.get((upper, lower))

    def index(self, opportunity_id: str) -> int:
        try:
            return self._positions[opportunity_id]
        except KeyError:
            raise KeyError(opportunity_id) from None

    def ranked(self) -> tuple[str, ...]:
        """Opportunity ids, best first (combined weights)."""
        return self.result.ranked_ids()

    def screening(self, opportunity_id: str) -> dict[str, object]:
        """The ``screening`` block of one opportunity in results.json."""
        return self.screenings[self.index(opportunity_id)].model_dump(mode="json")

    def scores(self, opportunity_id: str) -> dict[str, object]:
        """The ``scores`` block of one opportunity in results.json."""
        i = self.index(opportunity_id)
        w = self.result.weights
        per: dict[str, object] = {}
        for j, c in enumerate(self.criteria):
            raw = self.matrix.scores[i, j]
            per[c] = {
                "group": self.group_of[c],
                "score": None if np.isnan(raw) else round(float(raw), 4),
                "status": STATUS[int(self.matrix.status[i, j])],
                "counted_as": round(float(self.effective[i, j]), 4),
                "weight": round(float(w[j]), 6),
                "weighted": round(float(self.result.contributions[i, j]), 4),
                "rationale": self.rationales[i][j],
            }
        groups: dict[str, object] = {}
        for g in self.groups:
            cols = [j for j, c in enumerate(self.criteria) if self.group_of[c] == g]
            share = float(w[cols].sum())
            contribution = float(self.result.contributions[i, cols].sum())
            groups[g] = {
                "weight": round(share, 6),
                "score": round(contribution / share, 4) if share > 0 else None,
                "weighted": round(contribution, 4),
            }
        return {
            "criteria": per,
            "groups": groups,
            "total": round(float(self.result.totals[i]), 4),
            "rank": int(self.result.ranks[i]),
            "rank_by_stakeholder": {
                name: int(r.ranks[i]) for name, r in self.stakeholder_results.items()
            },
            "missing": [c for j, c in enumerate(self.criteria) if self.matrix.status[i, j] >= 2],
        }

    def stakeholders_dict(self) -> dict[str, object]:
        """Each stakeholder's weights and ranking, the combined ones, and where they disagree."""
        ranks = {name: r.ranks for name, r in self.stakeholder_results.items()}
        spread_rank: list[dict[str, object]] = []
        if len(ranks) > 1:
            stack = np.vstack(list(ranks.values()))
            width = stack.max(axis=0) - stack.min(axis=0)
            for i in np.argsort(-width, kind="stable")[:10].tolist():
                if width[i] == 0:
                    break
                spread_rank.append(
                    {
                        "opportunity": self.ids[i],
                        "ranks": {name: int(r[i]) for name, r in ranks.items()},
                        "spread": int(width[i]),
                    }
                )
        return {
            "stakeholders": [s.to_dict(self.criteria) for s in self.stakeholders],
            "combined": self.combined.to_dict(self.criteria),
            "combination": "geometric mean at each node of the value tree, renormalised",
            "rankings": {
                name: list(r.ranked_ids()) for name, r in self.stakeholder_results.items()
            },
            "combined_ranking": list(self.ranked()),
            "weights_disagree_most": [s.to_dict() for s in self.spreads[:5]]
            if len(self.stakeholders) > 1
            else [],
            "rankings_disagree_most": spread_rank,
        }

    def sensitivity_dict(self, ranks_shown: int | None = None) -> dict[str, object]:
        """The top-level ``sensitivity`` block of results.json."""
        shown = ranks_shown if ranks_shown is not None else ranks_kept(self.top_n)
        return {
            "top_n": self.top_n,
            "top": list(self.ranked()[: self.top_n]),
            "weight_stability": {
                "method": "exact: totals are linear in one weight, so the break points are solved for",
                "intervals": [s.to_dict() for s in self.stability],
            },
            "rank_reversal": [r.to_dict() for r in self.reversals],
            "smaa": self.smaa.to_dict(shown),
            "smaa_stakeholder_ranges": None
            if self.smaa_ranges is None
            else self.smaa_ranges.to_dict(shown),
        }

    def to_dict(self) -> dict[str, object]:
        return {
            "opportunities": {
                oid: {"screening": self.screening(oid), "scores": self.scores(oid)}
                for oid in self.ranked()
            },
            "stakeholders": self.stakeholders_dict(),
            "sensitivity": self.sensitivity_dict(),
        }


def _screenings(
    opportunities: Sequence[Opportunity],
    units: UnitTable,
    unit_rows: npt.NDArray[np.int32],
    has_private: npt.NDArray[np.bool_],
    evidence: EvidenceBase,
    settings: AssessmentSettings,
) -> tuple[Screening, ...]:
    codes = contradictions(units.verdict[unit_rows], has_private)
    out: list[Screening] = []
    for i, o in enumerate(opportunities):
        traits = units.traits[int(unit_rows[i])]
        verdict, found, because, means = explain_verdict(
            traits, evidence, settings.strong_indicator, settings.driver_indicator
        )
        flags: list[Flag] = []
        code = int(codes[i])
        if code:
            flags.append(Flag(code="contradicts_screen", message=REASONS[code], excludes=True))
        elif verdict == 1 and not has_private[i] and o.partner_ids:
            flags.append(
                Flag(
                    code="screen_suggests_private",
                    message="the screen suggests a private sector partner; this one has none",
                    excludes=False,
                )
            )
        override = o.screen_override.strip() or None
        word = VERDICTS[verdict]
        out.append(
            Screening(
                recommendation=word,
                recommendation_text=VERDICT_WORDS[word],
                because=because,
                indicators=found,
                column_means=means,
                flags=tuple(flags),
                override=override if code else None,
                passes=code == 0 or override is not None,
            )
        )
    return tuple(out)


def assess(
    opportunities: Sequence[Opportunity],
    scenario: Scenario,
    evidence: EvidenceBase,
    facts: Mapping[str, DeliveryFacts] | None = None,
    *,
    smaa_samples: int | None = None,
) -> Assessment:
    """Screen, score, weight and test the sensitivity of ``opportunities`` (normally the shortlist).

    ``facts`` holds the business case's figures by opportunity id; without them the quick-win and
    benefit/speed criteria use the typical lead time of the model (marked provisional), the business
    case criterion is pending (neutral score, marked missing) and the legal criterion is provisional
    from the model and partners. Weights come from the scenario's weights sheet (each stakeholder)
    or the evidence base's defaults. Raises :class:`InputError` for bad weights or parameters.
    """
    if not opportunities:
        raise ValueError("nothing to assess: the shortlist is empty")
    facts = facts or {}
    opps = list(opportunities)
    settings = AssessmentSettings.resolve(scenario, evidence)
    ctx = ScoringContext.build(scenario, evidence, settings)
    sets = stakeholder_weights(scenario, evidence, settings)
    combined = combine(sets, evidence)

    unit_keys = list(dict.fromkeys(o.service_ids for o in opps))
    units = UnitTable.build(unit_keys, scenario, evidence, settings)
    unit_rows = np.array([unit_keys.index(o.service_ids) for o in opps], dtype=np.int32)
    members = partner_members(opps, scenario)
    model_index = np.array([evidence.model_ids.index(o.model) for o in opps], dtype=np.int32)

    matrix = score(ctx, units, unit_rows, members, model_index, _entry_facts(opps, facts))
    effective = matrix.effective(settings.neutral_score)
    ids = [o.id for o in opps]
    result = evaluate(effective, combined.vector(CRITERIA), ids, CRITERIA)
    by_stakeholder = {
        s.stakeholder: evaluate(effective, s.vector(CRITERIA), ids, CRITERIA) for s in sets
    }
    typical = lead_time(ctx, model_index, (members >= 0).sum(axis=1))
    rationales = _rationales(opps, matrix, scenario, settings, facts, typical)
    has_private = np.asarray(
        (ctx.partners.private[members] & (members >= 0)).any(axis=1), dtype=bool
    )
    screenings = _screenings(opps, units, unit_rows, has_private, evidence, settings)
    group_of = {c.id: c.group for c in evidence.criteria}
    tree = sens.Tree(
        criteria=CRITERIA,
        group_of=tuple(group_of[c] for c in CRITERIA),
        groups=evidence.group_ids,
        group_share=combined.groups,
        local_share=combined.local,
    )
    top_n = min(scenario.authority.priority_projects, len(opps))
    samples = smaa_samples or settings.smaa_samples
    seed = scenario.authority.random_seed
    ranges = None
    if len(sets) > 1:
        stack = np.vstack([s.vector(CRITERIA) for s in sets])
        ranges = sens.smaa(
            effective,
            ids,
            top_n,
            samples,
            seed,
            stack.min(axis=0),
            stack.max(axis=0),
            ranks=ranks_kept(top_n),
        )
    return Assessment(
        opportunities=tuple(opps),
        criteria=CRITERIA,
        group_of=group_of,
        groups=evidence.group_ids,
        matrix=matrix,
        effective=effective,
        rationales=rationales,
        screenings=screenings,
        combined=combined,
        stakeholders=sets,
        result=result,
        stakeholder_results=by_stakeholder,
        spreads=tuple(disagreement(sets, CRITERIA)),
        top_n=top_n,
        stability=tuple(sens.stability(effective, tree, ids, top_n)),
        reversals=tuple(sens.rank_reversals(effective, tree, ids)),
        smaa=sens.smaa(effective, ids, top_n, samples, seed, ranks=ranks_kept(top_n)),
        smaa_ranges=ranges,
        settings=settings,
    )


def _entry_facts(opps: Sequence[Opportunity], facts: Mapping[str, DeliveryFacts]) -> EntryFacts:
    """The business case's figures as columns (NaN, or -1 for legal clarity, where unknown); an
    officers' lead-time estimate stands in until the business case gives its own."""

    def column(values: Sequence[float | None]) -> FloatArray:
        return np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)

    def lead_of(o: Opportunity) -> float | None:
        # One quick-win rule: once the business case has run, the criterion scores the month the
        # rule's material saving is achieved, so full marks coincide with "quick win".
        f = facts.get(o.id)
        if f is not None and f.months_to_quick_win_saving is not None:
            return f.months_to_quick_win_saving
        if f is not None and f.months_to_first_saving is not None:
            return f.months_to_first_saving
        return o.estimates.lead_time_months

    legal = np.array(
        [
            -1
            if o.id not in facts or facts[o.id].legal_clear is None
            else int(bool(facts[o.id].legal_clear))
            for o in opps
        ],
        dtype=np.int8,
    )
    return EntryFacts(
        lead_months=column([lead_of(o) for o in opps]),
        bcr=column([facts[o.id].bcr if o.id in facts else None for o in opps]),
        npv=column([facts[o.id].npv if o.id in facts else None for o in opps]),
        legal_clear=legal,
    )


def _rationales(
    opps: Sequence[Opportunity],
    matrix: CriteriaMatrix,
    scenario: Scenario,
    settings: AssessmentSettings,
    facts: Mapping[str, DeliveryFacts],
    typical: FloatArray,
) -> tuple[tuple[str, ...], ...]:
    """One line of reasons per criterion per opportunity."""
    services = {s.id: s for s in scenario.services}
    partners = {p.id: p for p in scenario.partners}
    out: list[tuple[str, ...]] = []
    for i, o in enumerate(opps):
        f = facts.get(o.id)
        if f is not None and f.months_to_quick_win_saving is not None:
            months, source = (
                f.months_to_quick_win_saving,
                "a material share of a year's saving, by the business case",
            )
        elif f is not None and f.months_to_first_saving is not None:
            months, source = f.months_to_first_saving, "from the business case"
        elif o.estimates.lead_time_months is not None:
            months, source = o.estimates.lead_time_months, "officers' estimate"
        else:
            months, source = float(typical[i]), "typical for the model, until the business case"
        out.append(
            tuple(
                rationale(
                    c,
                    None if np.isnan(matrix.scores[i, j]) else float(matrix.scores[i, j]),
                    int(matrix.status[i, j]),
                    [services[s] for s in o.service_ids],
                    [partners[p] for p in o.partner_ids],
                    o.model,
                    scenario,
                    settings,
                    months,
                    source,
                    None if f is None else f.bcr,
                    None if f is None else f.npv,
                    None if f is None else f.legal_clear,
                )
                for j, c in enumerate(CRITERIA)
            )
        )
    return tuple(out)


def explain_ranking(assessment: Assessment, opportunity_id: str) -> dict[str, object]:
    """Why ``opportunity_id`` ranks where it does: its score breakdown (criteria by weighted
    contribution) and, against the next one down (or, for the last, the one above), the criteria
    that make the difference with their weighted contributions, in words."""
    a = assessment
    i = a.index(opportunity_id)
    rank = int(a.result.ranks[i])
    order = a.result.order
    contributions = a.result.contributions
    breakdown = sorted(
        (
            {
                "criterion": c,
                "group": a.group_of[c],
                "score": None
                if np.isnan(a.matrix.scores[i, j])
                else round(float(a.matrix.scores[i, j]), 2),
                "status": STATUS[int(a.matrix.status[i, j])],
                "weight": round(float(a.result.weights[j]), 4),
                "weighted": round(float(contributions[i, j]), 3),
                "rationale": a.rationales[i][j],
            }
            for j, c in enumerate(a.criteria)
        ),
        key=lambda r: -float(r["weighted"]),  # type: ignore[arg-type]
    )
    out: dict[str, object] = {
        "id": opportunity_id,
        "title": a.opportunities[i].title,
        "rank": rank,
        "of": len(a.ids),
        "total": round(float(a.result.totals[i]), 3),
        "screening": a.screening(opportunity_id),
        "breakdown": breakdown,
    }
    if len(order) < 2:
        return out
    other = int(order[rank] if rank < len(order) else order[rank - 2])
    upper, lower = (i, other) if rank < len(order) else (other, i)
    diff = contributions[upper] - contributions[lower]
    gap = float(a.result.totals[upper] - a.result.totals[lower])
    rows = sorted(
        (
            {
                "criterion": c,
                "difference": round(float(diff[j]), 3),
                "upper_weighted": round(float(contributions[upper, j]), 3),
                "lower_weighted": round(float(contributions[lower, j]), 3),
            }
            for j, c in enumerate(a.criteria)
            if abs(diff[j]) >= 0.0005
        ),
        key=lambda r: -abs(float(r["difference"])),  # type: ignore[arg-type]
    )
    for_ = [r for r in rows if float(r["difference"]) > 0][:3]  # type: ignore[arg-type]
    against = [r for r in rows if float(r["difference"]) < 0][:2]  # type: ignore[arg-type]
    words = ", ".join(f"{str(r['criterion']).replace('_', ' ')} (+{r['difference']})" for r in for_)
    sentence = f"{a.ids[upper]} ranks above {a.ids[lower]} by {gap:.2f} points" + (
        f", mostly on {words}" if words else ""
    )
    if against:
        sentence += ", partly offset by " + ", ".join(
            f"{str(r['criterion']).replace('_', ' ')} ({r['difference']})" for r in against
        )
    reversal = a.reversal(a.ids[upper], a.ids[lower])
    if reversal is not None and reversal.weight is not None:
        sentence += (
            f". They would draw level if the weight of {reversal.weight.replace('_', ' ')} moved "
            f"from {reversal.current:.1%} to {abs(reversal.switching_value or 0.0):.1%} of its "
            f"{'groups' if reversal.level == 'group' else 'group'}"
        )
    elif reversal is not None:
        sentence += ". No change to a single weight would swap them"
    out["compared_with"] = {
        "upper": a.ids[upper],
        "lower": a.ids[lower],
        "gap": round(gap, 3),
        "differences": rows,
        "swap": None if reversal is None else reversal.to_dict(),
        "summary": sentence + ".",
    }
    smaa = a.smaa
    out["firmness"] = {
        "p_top_n": round(float(smaa.p_top[i]), 4),
        "top_n": a.top_n,
        "expected_rank": round(float(smaa.expected_rank[i]), 2),
    }
    return out
