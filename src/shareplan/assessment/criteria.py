"""The thirteen value functions: scenario data to a 0-100 score per criterion, vectorised.

Each criterion of the seed's framework (section 7) has one value function, documented in
``docs/assessment.md`` with the data it reads and why. They run on arrays so that the long list (7
million entries for 200 services and 60 partners) can be scored a unit at a time without building
objects; :func:`rationale` gives the one-line reason for one opportunity.

A score has a *status*: ``scored`` (from the scenario's data), ``provisional`` (from the evidence
base's typical figures until the business case supplies real ones), ``missing`` (the data is not
there) or ``not_applicable`` (for example partner criteria when there is no outside partner). Missing
and not-applicable scores are held as NaN and counted at ``assessment.neutral_score`` (50) in the
weighted sum, labelled as such: neither rewarded nor silently zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from shareplan.assessment.screening import unit_traits, verdicts
from shareplan.assessment.settings import HOSTS, AssessmentSettings
from shareplan.evidence.base import EvidenceBase, Sector
from shareplan.scenario.model import Partner, PartnerGeography, Scenario, ServiceGeography

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int32]
Int8Array = npt.NDArray[np.int8]
BoolArray = npt.NDArray[np.bool_]

CRITERIA: tuple[str, ...] = (
    "track_record",
    "common_objectives",
    "common_platforms",
    "early_intervention",
    "corporate_priorities",
    "within_borough",
    "geographical_level",
    "affinity_beyond",
    "voluntary_sector",
    "benefit_cost_speed",
    "quick_win",
    "clear_business_case",
    "legal_procurement_clear",
)
"""The criteria in the seed's order; column order of every score matrix."""
C = {c: k for k, c in enumerate(CRITERIA)}
UNIT_CRITERIA = frozenset(
    {
        "track_record",
        "common_objectives",
        "common_platforms",
        "early_intervention",
        "corporate_priorities",
        "geographical_level",
    }
)
"""The criteria whose value functions read the unit (the service or bundle shared); the others
read only the partner set and the delivery model, so the shortlist scores them once per (set,
model) pair instead of once per long-list entry."""

SCORED, PROVISIONAL, MISSING, NOT_APPLICABLE = 0, 1, 2, 3
STATUS = ("scored", "provisional", "missing", "not_applicable")

SERVICE_LEVEL = {
    ServiceGeography.BOROUGH: 0,
    ServiceGeography.SUB_REGION: 1,
    ServiceGeography.LEP_AREA: 2,
    ServiceGeography.NATIONAL: 3,
}
PARTNER_LEVEL = {
    PartnerGeography.BOROUGH: 0,
    PartnerGeography.SUB_REGION: 1,
    PartnerGeography.LEP_AREA: 2,
    PartnerGeography.ELSEWHERE: 3,
}
LEVEL_WORDS = ("the borough", "the sub-region", "the LEP area", "beyond the LEP area")


@dataclass(frozen=True)
class PartnerTable:
    """Per-partner facts; every array has one extra last row, the padding sentinel (index -1)."""

    private: BoolArray
    joint_venture: BoolArray
    voluntary: BoolArray
    integrator: BoolArray
    level: IntArray
    affinity: FloatArray
    objectives_known: BoolArray
    platforms_known: BoolArray

    @classmethod
    def build(cls, partners: Sequence[Partner], settings: AssessmentSettings) -> PartnerTable:
        """The facts of ``partners``; what each sector counts as is the evidence's sector table."""

        def flags(values: list[bool]) -> BoolArray:
            return np.array([*values, False], dtype=bool)

        def of(sectors: frozenset[Sector]) -> BoolArray:
            return flags([p.sector in sectors for p in partners])

        return cls(
            private=of(settings.private_sectors),
            joint_venture=of(settings.legal_advice_sectors),
            voluntary=of(settings.voluntary_sectors),
            integrator=of(settings.integrator_sectors),
            level=np.array([*(PARTNER_LEVEL[p.geography] for p in partners), -1], dtype=np.int32),
            affinity=np.array([*(float(p.affinity) for p in partners), 0.0], dtype=np.float64),
            objectives_known=flags([bool(p.objectives) for p in partners]),
            platforms_known=flags([bool(p.platforms) for p in partners]),
        )


@dataclass(frozen=True)
class ModelTable:
    """Per-model facts from the evidence base and the settings."""

    typical_lead: FloatArray
    benefit: FloatArray  # average saving per project relative to the best model (0-1)
    host: IntArray  # index into HOSTS
    competitive: BoolArray

    @classmethod
    def build(cls, evidence: EvidenceBase, settings: AssessmentSettings) -> ModelTable:
        savings = np.array([m.average_saving for m in evidence.models], dtype=np.float64)
        return cls(
            typical_lead=np.array(
                [settings.lead_time_months[m.id] for m in evidence.models], dtype=np.float64
            ),
            benefit=savings / savings.max() if savings.max() > 0 else np.zeros_like(savings),
            host=np.array([HOSTS.index(settings.host[m.id]) for m in evidence.models], np.int32),
            competitive=np.array([m.tender == "competitive" for m in evidence.models], dtype=bool),
        )


@dataclass(frozen=True)
class UnitTable:
    """Per-unit facts (a unit is a service or a bundle), and the unit x partner matches."""

    service_ids: tuple[tuple[str, ...], ...]
    track_record: FloatArray
    has_priorities: BoolArray
    has_platforms: BoolArray
    early: BoolArray
    level: IntArray
    corporate_matches: FloatArray
    traits: FloatArray  # (n_units, 15)
    verdict: Int8Array
    objective_match: BoolArray  # (n_units, n_partners + 1)
    platform_match: BoolArray  # (n_units, n_partners + 1)

    @classmethod
    def build(
        cls,
        units: Sequence[Sequence[str]],
        scenario: Scenario,
        evidence: EvidenceBase,
        settings: AssessmentSettings,
    ) -> UnitTable:
        by_id = {s.id: s for s in scenario.services}
        corporate = set(scenario.authority.corporate_priorities)
        n, n_p = len(units), len(scenario.partners)
        track = np.zeros(n)
        has_pri = np.zeros(n, dtype=bool)
        has_plat = np.zeros(n, dtype=bool)
        early = np.zeros(n, dtype=bool)
        level = np.zeros(n, dtype=np.int32)
        corp = np.zeros(n)
        traits = np.zeros((n, 15))
        obj = np.zeros((n, n_p + 1), dtype=bool)
        plat = np.zeros((n, n_p + 1), dtype=bool)
        for u, ids in enumerate(units):
            services = [by_id[i] for i in ids]
            priorities = set().union(*(s.priorities for s in services))
            platforms = set().union(*(s.platforms for s in services))
            track[u] = float(np.mean([s.track_record for s in services]))
            has_pri[u] = bool(priorities)
            has_plat[u] = bool(platforms)
            early[u] = any(s.early_intervention for s in services)
            level[u] = max(SERVICE_LEVEL[s.geography] for s in services)
            corp[u] = len(priorities & corporate)
            traits[u] = unit_traits(services, evidence)
            for p, partner in enumerate(scenario.partners):
                obj[u, p] = bool(priorities & set(partner.objectives))
                plat[u, p] = bool(platforms & set(partner.platforms))
        return cls(
            service_ids=tuple(tuple(i) for i in units),
            track_record=track,
            has_priorities=has_pri,
            has_platforms=has_plat,
            early=early,
            level=level,
            corporate_matches=corp,
            traits=traits,
            verdict=verdicts(traits, evidence, settings.strong_indicator),
            objective_match=obj,
            platform_match=plat,
        )


@dataclass(frozen=True)
class ScoringContext:
    """Everything the value functions read, built once per scenario."""

    settings: AssessmentSettings
    partners: PartnerTable
    models: ModelTable
    corporate_count: int

    @classmethod
    def build(
        cls, scenario: Scenario, evidence: EvidenceBase, settings: AssessmentSettings
    ) -> ScoringContext:
        if tuple(evidence.criterion_ids) != CRITERIA:
            raise ValueError(
                "the evidence base's criteria differ from the assessment's value functions"
            )
        return cls(
            settings=settings,
            partners=PartnerTable.build(scenario.partners, settings),
            models=ModelTable.build(evidence, settings),
            corporate_count=len(scenario.authority.corporate_priorities),
        )


@dataclass(frozen=True)
class EntryFacts:
    """Optional per-entry figures from later stages (NaN / -1 where absent)."""

    lead_months: FloatArray | None = None  # months to first saving
    bcr: FloatArray | None = None
    npv: FloatArray | None = None
    legal_clear: Int8Array | None = None  # 1 clear, 0 not clear, -1 unknown


@dataclass(frozen=True)
class CriteriaMatrix:
    """Scores (n, 13), NaN where missing or not applicable, and each cell's status code."""

    scores: FloatArray
    status: Int8Array

    def effective(self, neutral: float) -> FloatArray:
        """The scores as the weighted sum counts them: missing and not applicable at ``neutral``."""
        out: FloatArray = np.nan_to_num(self.scores, nan=neutral)
        return out

    def totals(self, weights: FloatArray, neutral: float) -> FloatArray:
        """The weighted sum of :meth:`effective`, column by column (no (n, 13) temporary)."""
        total = np.zeros(self.scores.shape[0])
        for j in range(self.scores.shape[1]):
            if weights[j] == 0:
                continue
            column = self.scores[:, j]
            total += weights[j] * np.where(np.isnan(column), neutral, column)
        return total


def lead_time(ctx: ScoringContext, model_index: IntArray, size: IntArray) -> FloatArray:
    """Typical months to first saving per entry: the model's typical lead time, plus the extra for a
    partnership larger than the seed's 'small' (three or fewer)."""
    s = ctx.settings
    extra = np.where(size > s.small_max_partners, s.large_partnership_extra_months, 0.0)
    out: FloatArray = ctx.models.typical_lead[model_index] + extra
    return out


@dataclass(frozen=True)
class SetFeatures:
    """What the value functions need to know about each row's partner set (one row per entry, or
    per partner set when precomputed for the whole long list)."""

    size: IntArray
    in_borough: IntArray
    footprint: IntArray
    n_beyond: IntArray
    affinity_beyond: FloatArray  # sum of the affinities of partners beyond the borough
    voluntary: BoolArray
    integrated: BoolArray
    joint_venture: BoolArray
    private: BoolArray

    def take(self, rows: npt.NDArray[np.integer]) -> SetFeatures:
        return SetFeatures(*(getattr(self, f)[rows] for f in self.__dataclass_fields__))


def set_features(ctx: ScoringContext, members: IntArray) -> SetFeatures:
    """Partner-set facts for each row of ``members`` (partner indices padded with -1).

    Works slot by slot (a set has at most a handful of partners) so that every operation runs
    over a contiguous column: much faster than reducing along short rows."""
    pt = ctx.partners
    n = members.shape[0]
    size = np.zeros(n, dtype=np.int32)
    in_borough = np.zeros(n, dtype=np.int32)
    footprint = np.zeros(n, dtype=np.int32)
    n_beyond = np.zeros(n, dtype=np.int32)
    affinity = np.zeros(n, dtype=np.float64)
    voluntary = np.zeros(n, dtype=bool)
    integrated = np.zeros(n, dtype=bool)
    joint_venture = np.zeros(n, dtype=bool)
    private = np.zeros(n, dtype=bool)
    for slot in range(members.shape[1]):
        m = np.ascontiguousarray(members[:, slot])
        valid = m >= 0
        level = pt.level[m]  # the padding sentinel has level -1 and every flag False
        size += valid
        in_borough += level == 0
        beyond = level > 0
        n_beyond += beyond
        np.maximum(footprint, level, out=footprint)
        affinity += np.where(beyond, pt.affinity[m], 0.0)
        voluntary |= pt.voluntary[m]
        integrated |= pt.integrator[m]
        joint_venture |= pt.joint_venture[m]
        private |= pt.private[m]
    return SetFeatures(
        size=size,
        in_borough=in_borough,
        footprint=footprint,
        n_beyond=n_beyond,
        affinity_beyond=affinity,
        voluntary=voluntary,
        integrated=integrated,
        joint_venture=joint_venture,
        private=private,
    )


@dataclass(frozen=True)
class Matches:
    """Per row: partners with objectives (platforms) recorded, and how many share the unit's."""

    objectives_known: IntArray
    objectives_shared: IntArray
    platforms_known: IntArray
    platforms_shared: IntArray

    def take(self, rows: npt.NDArray[np.integer]) -> Matches:
        return Matches(*(getattr(self, f)[rows] for f in self.__dataclass_fields__))


def matches(
    ctx: ScoringContext, units: UnitTable, unit_rows: IntArray, members: IntArray
) -> Matches:
    """Objective and platform overlaps between each row's unit and its partners (slot by slot)."""
    pt = ctx.partners
    n = members.shape[0]
    out = [np.zeros(n, dtype=np.int32) for _ in range(4)]
    for slot in range(members.shape[1]):
        m = np.ascontiguousarray(members[:, slot])
        obj_known = pt.objectives_known[m]
        plat_known = pt.platforms_known[m]
        out[0] += obj_known
        out[1] += obj_known & units.objective_match[unit_rows, m]
        out[2] += plat_known
        out[3] += plat_known & units.platform_match[unit_rows, m]
    return Matches(*out)


def score(
    ctx: ScoringContext,
    units: UnitTable,
    unit_rows: IntArray,
    members: IntArray,
    model_index: IntArray,
    facts: EntryFacts | None = None,
) -> CriteriaMatrix:
    """Score n entries: ``unit_rows`` (n,) into ``units``, ``members`` (n, S) partner indices padded
    with -1, ``model_index`` (n,) into the evidence base's models."""
    return score_features(
        ctx,
        units,
        unit_rows,
        set_features(ctx, members),
        matches(ctx, units, unit_rows, members),
        model_index,
        facts,
    )


def score_features(
    ctx: ScoringContext,
    units: UnitTable,
    unit_rows: IntArray,
    sets: SetFeatures,
    overlap: Matches,
    model_index: IntArray,
    facts: EntryFacts | None = None,
) -> CriteriaMatrix:
    """The thirteen value functions on precomputed partner-set features (see :func:`score`)."""
    n = unit_rows.shape[0]
    # Column-major, because every value function fills one column.
    scores = np.empty((n, len(CRITERIA)), order="F")
    status = np.zeros((n, len(CRITERIA)), dtype=np.int8, order="F")
    m = CriteriaMatrix(scores=scores, status=status)
    _right_services(m, ctx, units, unit_rows, sets, overlap)
    _right_partners(m, ctx, units, unit_rows, sets, model_index)
    _right_time(m, ctx, sets, model_index, facts or EntryFacts())
    # Every missing or not-applicable cell is NaN by now: shares and the affinity mean divide 0 by 0.
    return m


def _right_services(
    m: CriteriaMatrix,
    ctx: ScoringContext,
    units: UnitTable,
    u: IntArray,
    sets: SetFeatures,
    overlap: Matches,
) -> None:
    s, scores, status = ctx.settings, m.scores, m.status
    no_partner = sets.size == 0
    scores[:, C["track_record"]] = (units.track_record[u] - 1.0) * 25.0

    def share(shared: IntArray, known: IntArray, unit_has: BoolArray, k: int) -> None:
        with np.errstate(invalid="ignore", divide="ignore"):
            scores[:, k] = 100.0 * shared / known
        missing = ~unit_has[u] | (known == 0)
        status[missing, k] = MISSING
        status[no_partner, k] = NOT_APPLICABLE
        scores[missing, k] = np.nan  # (no partner means known == 0, so it is included)

    share(
        overlap.objectives_shared,
        overlap.objectives_known,
        units.has_priorities,
        C["common_objectives"],
    )
    share(
        overlap.platforms_shared,
        overlap.platforms_known,
        units.has_platforms,
        C["common_platforms"],
    )

    scores[:, C["early_intervention"]] = np.where(
        units.early[u], np.where(sets.integrated, 100.0, s.early_intervention_without_public), 0.0
    )

    k = C["corporate_priorities"]
    if ctx.corporate_count:
        full = 100.0 * np.minimum(1.0, units.corporate_matches / s.priorities_full_marks_at)
        scores[:, k] = full[u]
    else:
        scores[:, k] = np.nan
        status[:, k] = MISSING


def _right_partners(
    m: CriteriaMatrix,
    ctx: ScoringContext,
    units: UnitTable,
    u: IntArray,
    sets: SetFeatures,
    model_index: IntArray,
) -> None:
    scores, size = m.scores, sets.size
    host = ctx.models.host[model_index]
    with np.errstate(invalid="ignore", divide="ignore"):
        shared_local = (1.0 + sets.in_borough) / (1.0 + size)
        partners_local = sets.in_borough / np.maximum(size, 1)
    scores[:, C["within_borough"]] = 100.0 * np.where(
        host == 0, 1.0, np.where(host == 1, shared_local, partners_local)
    )

    scores[:, C["geographical_level"]] = 100.0 - (100.0 / 3.0) * np.abs(
        sets.footprint - units.level[u]
    )

    k = C["affinity_beyond"]
    with np.errstate(invalid="ignore", divide="ignore"):
        scores[:, k] = (sets.affinity_beyond / sets.n_beyond - 1.0) * 25.0
    m.status[sets.n_beyond == 0, k] = NOT_APPLICABLE

    scores[:, C["voluntary_sector"]] = np.where(sets.voluntary, 100.0, 0.0)


def _right_time(
    m: CriteriaMatrix,
    ctx: ScoringContext,
    sets: SetFeatures,
    model_index: IntArray,
    facts: EntryFacts,
) -> None:
    s, mt, scores, status = ctx.settings, ctx.models, m.scores, m.status
    n = scores.shape[0]
    lead = lead_time(ctx, model_index, sets.size)
    lead_known: BoolArray = np.zeros(n, dtype=bool)
    if facts.lead_months is not None:
        lead_known = np.asarray(~np.isnan(facts.lead_months), dtype=bool)
        lead = np.where(lead_known, facts.lead_months, lead)
    span = s.quick_win_zero_months - s.quick_win_full_months
    k = C["quick_win"]
    scores[:, k] = 100.0 * np.clip((s.quick_win_zero_months - lead) / span, 0.0, 1.0)
    status[~lead_known, k] = PROVISIONAL
    k = C["benefit_cost_speed"]
    speed = np.clip(1.0 - lead / s.quick_win_zero_months, 0.0, 1.0)
    scores[:, k] = 100.0 * (
        s.benefit_share * mt.benefit[model_index] + (1 - s.benefit_share) * speed
    )
    status[~lead_known, k] = PROVISIONAL

    k = C["clear_business_case"]
    if facts.bcr is None and facts.npv is None:
        scores[:, k] = np.nan
        status[:, k] = MISSING
    else:
        bcr = facts.bcr if facts.bcr is not None else np.full(n, np.nan)
        npv = facts.npv if facts.npv is not None else np.full(n, np.nan)
        from_bcr = 100.0 * np.clip(bcr / s.bcr_full_marks, 0.0, 1.0)
        from_npv = np.where(npv > 0, 100.0, 0.0)
        value = np.where(~np.isnan(bcr), from_bcr, np.where(~np.isnan(npv), from_npv, np.nan))
        scores[:, k] = value
        status[np.isnan(value), k] = MISSING

    k = C["legal_procurement_clear"]
    provisional = np.where(
        sets.joint_venture,
        s.legal_joint_venture,
        np.where(
            sets.private | mt.competitive[model_index], s.legal_competitive, s.legal_public_exempt
        ),
    )
    if facts.legal_clear is None:
        scores[:, k] = provisional
        status[:, k] = PROVISIONAL
    else:
        known = facts.legal_clear >= 0
        scores[:, k] = np.where(known, 100.0 * (facts.legal_clear == 1), provisional)
        status[~known, k] = PROVISIONAL


def has_private_partner(ctx: ScoringContext, members: IntArray) -> BoolArray:
    """Whether each entry's partner set includes a private firm or a joint venture company."""
    return np.asarray((ctx.partners.private[members] & (members >= 0)).any(axis=1), dtype=bool)
