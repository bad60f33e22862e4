"""The partner finder: which councils should we share this service with, and why.

Candidates are ranked by a weighted sum of the five criteria in
:mod:`shareplan.benchmarking.criteria`, mirroring the seed's "right partners": the right geography
(neighbour or nearby), the same sub-region (combined authority, county, skills area), a similar type
and size, a similar peer group, and a spending pattern that suggests either a joint service
(similar cost) or a provider/customer relationship (one markedly cheaper). Each candidate carries
its criterion scores and a plain-English reason for each.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from shareplan.benchmarking.authorities import Authority, comparison_group
from shareplan.benchmarking.benchmark import check_request, year_pool
from shareplan.benchmarking.criteria import (
    CRITERIA,
    DEFAULT_WEIGHTS,
    JOINT_BAND,
    combine,
    distance_matrix,
    spending_score,
    static_scores,
)
from shareplan.benchmarking.outturn import LINES_BY_ID, TOTAL_LINE
from shareplan.benchmarking.store import NationalData
from shareplan.errors import InputError, Problem


@dataclass(frozen=True, slots=True)
class PartnerCandidate:
    rank: int
    code: str
    name: str
    klass: str
    score: float
    criteria: Mapping[str, float]
    reasons: tuple[str, ...]
    role: str
    """``joint service``, ``candidate provider`` (they are cheaper), ``candidate customer`` (we
    are cheaper) or ``no spending comparison``."""
    per_head: float | None
    geography: str
    """Scenario geography: ``sub_region``, ``lep_area`` or ``elsewhere`` (see partner rows)."""
    distance_km: float | None
    council_name: str = ""
    """The council's own name (Oxfordshire County Council), for a scenario's partner row."""

    def to_dict(self) -> dict[str, object]:
        return {
            "rank": self.rank,
            "code": self.code,
            "name": self.name,
            "council_name": self.council_name or self.name,
            "class": self.klass,
            "score": round(self.score, 4),
            "criteria": {k: round(v, 4) for k, v in self.criteria.items()},
            "role": self.role,
            "per_head": self.per_head,
            "geography": self.geography,
            "distance_km": self.distance_km,
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True)
class PartnerSearch:
    code: str
    name: str
    line: str
    year: str
    per_head: float | None
    weights: Mapping[str, float]
    candidates: tuple[PartnerCandidate, ...]
    excluded: tuple[str, ...]
    """Councils left out and why (no figure that year, no return, not a provider of the line)."""

    def to_dict(self) -> dict[str, object]:
        return {
            "authority": self.code,
            "name": self.name,
            "service_line": self.line,
            "year": self.year,
            "per_head": self.per_head,
            "weights": dict(self.weights),
            "candidates": [c.to_dict() for c in self.candidates],
            "excluded": list(self.excluded),
        }


@dataclass(frozen=True, slots=True)
class PartnerRow:
    """A partner as a scenario wants it, usable on its own (CSV, JSON) without a scenario."""

    name: str
    code: str
    sector: str
    geography: str
    score: float
    notes: str
    affinity: int | None = None
    """Left blank: affinity is the relationship officers judge, not a data score."""


def check_weights(weights: Mapping[str, float] | None) -> dict[str, float]:
    merged = dict(DEFAULT_WEIGHTS)
    problems: list[Problem] = []
    for key, value in (weights or {}).items():
        if key not in CRITERIA:
            problems.append(
                Problem(f"unknown criterion {key!r}", column="weights", allowed=", ".join(CRITERIA))
            )
        elif not np.isfinite(value) or value < 0:
            problems.append(Problem(f"weight {key}={value} must be zero or more", column="weights"))
        else:
            merged[key] = float(value)
    if not problems and sum(merged.values()) <= 0:
        problems.append(Problem("at least one weight must be above zero", column="weights"))
    if problems:
        raise InputError(problems)
    return merged


def scenario_geography(a: Authority, b: Authority, touching: bool) -> str:
    """Where partner ``b`` sits relative to ``a`` in the scenario's terms.

    ``sub_region``: a boundary neighbour, or in the same combined authority or county;
    ``lep_area``: in the same skills (LSIP) area, the nearest current stand-in for the old LEP area;
    ``elsewhere``: anywhere else. (``borough``, inside the council's own area, never applies to
    another council.)
    """
    same_ca = bool(a.combined_authority) and a.combined_authority == b.combined_authority
    county_a = a.code if a.klass == "SC" else a.county
    county_b = b.code if b.klass == "SC" else b.county
    same_county = bool(county_a) and county_a == county_b
    if touching or same_ca or same_county:
        return "sub_region"
    if a.lsip and a.lsip == b.lsip:
        return "lep_area"
    return "elsewhere"


def _versus(ratio: float) -> str:
    pct = 100 * (ratio - 1)
    if round(pct) == 0:
        return "the same as ours"
    return f"{abs(pct):.0f}% {'below' if pct < 0 else 'above'} ours"


def _reasons(
    a: Authority,
    b: Authority,
    relation: str | None,
    ratio: float,
    km: float | None,
) -> tuple[list[str], str]:
    out: list[str] = []
    if relation == "touching":
        out.append(f"shares a boundary with {a.name}")
    elif relation == "touching_or_overlapping":
        out.append(f"touches or overlaps {a.name}")
    elif relation == "nearby":
        out.append(f"nearby ({km:.0f} km between centres), not touching" if km else "nearby")
    elif km is not None:
        out.append(f"{km:.0f} km between centres")
    if a.combined_authority and a.combined_authority == b.combined_authority:
        out.append(f"same combined authority ({a.combined_authority_name or a.combined_authority})")
    elif a.lsip and a.lsip == b.lsip:
        out.append(f"same skills area ({a.lsip_name})")
    elif a.region and a.region == b.region:
        out.append(f"same region ({a.region})")
    size = ""
    pa, pb = a.pop_2021 or a.pop_2011, b.pop_2021 or b.pop_2011
    if pa and pb:
        size = f", population {pb / pa:.1f}x ours"
    same_type = "same type" if a.klass == b.klass else "different type"
    out.append(f"{same_type} ({b.class_name}){size}")
    matches = [x for x, y in zip(a.cluster_parts, b.cluster_parts, strict=False) if x == y]
    if matches:
        out.append(
            f"similar councils cluster: shares {len(matches)} of 4 traits ({'; '.join(matches)})"
        )
    if not np.isfinite(ratio):
        role = "no spending comparison"
        out.append("no comparable spend per head")
    elif abs(ratio - 1) <= JOINT_BAND:
        role = "joint service"
        out.append(f"similar cost: spend per head {_versus(ratio)} (joint service)")
    elif ratio < 1:
        role = "candidate provider"
        out.append(f"lower cost: spend per head {_versus(ratio)} (could provide)")
    else:
        role = "candidate customer"
        out.append(f"higher cost: spend per head {_versus(ratio)} (we could provide)")
    return out, role


def find_partners(
    data: NationalData,
    authority: str,
    line: str,
    year: str,
    weights: Mapping[str, float] | None = None,
    limit: int = 10,
) -> PartnerSearch:
    """Rank candidate partner councils for one council, service line and year."""
    table, outturn = data.authorities, data.outturn
    problems: list[Problem] = []
    a: Authority | None = None
    w: dict[str, float] = {}
    try:
        a = check_request(data, authority, line, year)
    except InputError as exc:
        problems.extend(exc.problems)
    try:
        w = check_weights(weights)
    except InputError as exc:
        problems.extend(exc.problems)
    if problems or a is None:
        raise InputError(problems)
    fig = outturn.figure(a.code, line, year)
    if fig.gbp_thousand is None or fig.gbp_thousand == 0:
        reason = fig.missing_reason or f"{a.name} reports no spending on {line} in {year}"
        if not a.existed_in(year):
            reason = table.status(a.code, year)
        years = ", ".join(outturn.years_with_line(line))
        raise InputError(
            [
                Problem(
                    f"cannot find partners: {reason}",
                    column="year",
                    allowed=f"years with {line}: {years}",
                )
            ]
        )
    upper = LINES_BY_ID[line].upper_tier and line != TOTAL_LINE
    group = comparison_group(a.klass, upper)
    pool = year_pool(data, line, year, group)
    excluded: list[str] = []
    yi = outturn.year_index(year)
    for ai, code in enumerate(outturn.codes):
        other = table.get(code)
        if other is None or other.klass not in group or code in pool.codes or code == a.code:
            continue
        if not outturn.present[yi, ai]:
            continue
        fig_o = outturn.figure(code, line, year)
        why = fig_o.missing_reason or "reports zero (does not provide this service)"
        excluded.append(f"{other.name} ({code}): {why}")
    index = {c: i for i, c in enumerate(pool.codes)}
    me = index[a.code]
    rows = np.array([me], dtype=np.int64)
    scores = {k: v[0] for k, v in static_scores(pool.features, rows).items()}
    spend, ratio = spending_score(pool.per_head[rows], pool.per_head)
    scores["spending"] = spend[0]
    total = combine(scores, w)
    total[me] = -np.inf
    order = np.argsort(-total, kind="stable")[: max(0, min(limit, len(pool.codes) - 1))]
    relations = {n.code: n.relation for n in table.neighbours_of(a.code)}
    lat, lon = pool.features.lat, pool.features.lon
    km_row = distance_matrix(lat, lon, rows)[0]
    candidates = []
    for rank, j in enumerate(order, start=1):
        b = table[pool.codes[int(j)]]
        crit = {c: float(scores[c][j]) for c in CRITERIA}
        km = float(km_row[j]) if np.isfinite(km_row[j]) else None
        reasons, role = _reasons(a, b, relations.get(b.code), float(ratio[0, j]), km)
        touching = relations.get(b.code) in {"touching", "touching_or_overlapping"}
        candidates.append(
            PartnerCandidate(
                rank=rank,
                code=b.code,
                name=b.name,
                klass=b.klass,
                score=float(total[j]),
                criteria=crit,
                reasons=tuple(reasons),
                role=role,
                per_head=float(pool.per_head[j]) if np.isfinite(pool.per_head[j]) else None,
                geography=scenario_geography(a, b, touching),
                distance_km=km,
                council_name=b.council_name,
            )
        )
    own = pool.per_head[me]
    return PartnerSearch(
        code=a.code,
        name=a.name,
        line=line,
        year=year,
        per_head=float(own) if np.isfinite(own) else None,
        weights=w,
        candidates=tuple(candidates),
        excluded=tuple(excluded),
    )


def partner_rows(search: PartnerSearch, count: int | None = None) -> list[PartnerRow]:
    """The chosen candidates (the first ``count``) as scenario-ready partner rows."""
    chosen = search.candidates if count is None else search.candidates[:count]
    return [
        PartnerRow(
            name=c.council_name or c.name,
            code=c.code,
            sector="local_authority",
            geography=c.geography,
            score=round(c.score, 4),
            notes=(
                f"Partner finder ({search.year}, {search.line}): score {c.score:.2f}, {c.role}; "
                + "; ".join(c.reasons)
            ),
        )
        for c in chosen
    ]
