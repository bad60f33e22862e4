"""Pairwise partner criteria as numpy arrays: the maths shared by the finder and the national scan.

Each criterion scores an ordered pair (authority ``i``, candidate ``j``) between 0 and 1. The pure
functions take arrays and return arrays; :func:`features_for` builds the arrays from the domain
objects. Scores and their thresholds are judgements, stated here and in ``docs/national-data.md``.

* **geography**: touching boundary 1.0 (less 0.02 per place down the shared-boundary ranking,
  floor 0.8); a county pair touching or overlapping 0.9; nearby but not touching 0.6 (less 0.03 per
  place, floor 0.3); otherwise ``0.5 * exp(-km / 40)`` by centroid distance.
* **governance**: same combined authority (or both London boroughs) 1.0; same county or skills
  (LSIP, the nearest thing to the old LEP area) 0.7; same region 0.3; else 0.
* **type_size**: 0.5 for the same class (0.25 for two single-tier classes), plus
  ``0.5 * max(0, 1 - |ln(pop_i / pop_j)| / ln 3)``: the same size scores 0.5, three times
  bigger or smaller 0.
* **peer_group**: share of the four parts of mySociety's cluster label that match (urban/rural,
  emissions profile, deprivation quintile, region).
* **spending** (per service line): with ``r = spend per head of j / spend per head of i``, a
  similar-cost peer is a candidate for a joint service, ``joint = max(0, 1 - |r - 1| / 0.15)``; a
  markedly cheaper or dearer peer is a candidate provider or customer,
  ``lead = 0.9 * min(1, |r - 1| / 0.25)``; the score is the larger. Missing figures score 0.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from shareplan.benchmarking.authorities import SINGLE_TIER, Authority, AuthorityTable

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

CRITERIA: tuple[str, ...] = ("geography", "governance", "type_size", "peer_group", "spending")
DEFAULT_WEIGHTS: Mapping[str, float] = {
    "geography": 0.30,
    "governance": 0.20,
    "type_size": 0.15,
    "peer_group": 0.15,
    "spending": 0.20,
}
JOINT_BAND = 0.15
LEAD_BAND = 0.25
CLASS_CODES = {"L": 0, "MD": 1, "UA": 2, "SD": 3, "SC": 4}
SINGLE_TIER_CODES = np.array(sorted(CLASS_CODES[k] for k in SINGLE_TIER), dtype=np.int64)


@dataclass(frozen=True)
class Features:
    """Per-authority arrays for a set of councils (one financial year)."""

    codes: tuple[str, ...]
    klass: IntArray
    population: FloatArray
    lat: FloatArray
    lon: FloatArray
    combined: IntArray
    """Combined authority id (London boroughs share one), -1 for none."""
    county: IntArray
    """County id (a county's own code for a county, its county for a district), -1 for none."""
    lsip: IntArray
    region: IntArray
    cluster: IntArray
    """``[n, 4]`` ids of the four cluster-label parts, -1 where unknown."""
    adjacency: FloatArray
    """``[n, n]`` geography score from the neighbour lists alone (0 where not listed)."""


def _ids(values: Sequence[str]) -> IntArray:
    lookup: dict[str, int] = {}
    out = np.full(len(values), -1, dtype=np.int64)
    for i, v in enumerate(values):
        if v:
            out[i] = lookup.setdefault(v, len(lookup))
    return out


def neighbour_score(relation: str, rank: int) -> float:
    if relation == "touching":
        return max(0.8, 1.0 - 0.02 * (rank - 1))
    if relation == "touching_or_overlapping":
        return 0.9
    return max(0.3, 0.6 - 0.03 * (rank - 1))


def features_for(table: AuthorityTable, codes: Sequence[str], year: str) -> Features:
    authorities: list[Authority] = [table[c] for c in codes]
    n = len(codes)
    index = {c: i for i, c in enumerate(codes)}
    pops = [a.population(year) for a in authorities]
    pop = np.array([np.nan if p is None else p for p in pops], dtype=np.float64)
    lat = np.array([np.nan if a.lat is None else a.lat for a in authorities], dtype=np.float64)
    lon = np.array([np.nan if a.lon is None else a.lon for a in authorities], dtype=np.float64)
    parts = [a.cluster_parts + ("",) * (4 - len(a.cluster_parts)) for a in authorities]
    cluster = np.stack([_ids([p[k] for p in parts]) for k in range(4)], axis=1)
    adjacency = np.zeros((n, n), dtype=np.float64)
    for i, a in enumerate(authorities):
        for nb in table.neighbours_of(a.code):
            j = index.get(nb.code)
            if j is not None and j != i:
                adjacency[i, j] = max(adjacency[i, j], neighbour_score(nb.relation, nb.rank))
    adjacency = np.maximum(adjacency, adjacency.T)
    county_key = [a.code if a.klass == "SC" else a.county for a in authorities]
    combined_key = [
        a.combined_authority or ("London" if a.klass == "L" else "") for a in authorities
    ]
    return Features(
        codes=tuple(codes),
        klass=np.array([CLASS_CODES[a.klass] for a in authorities], dtype=np.int64),
        population=pop,
        lat=lat,
        lon=lon,
        combined=_ids(combined_key),
        county=_ids(county_key),
        lsip=_ids([a.lsip for a in authorities]),
        region=_ids([a.region for a in authorities]),
        cluster=cluster,
        adjacency=adjacency,
    )


# ---- pure array functions ------------------------------------------------------------------------


def distance_matrix(lat: FloatArray, lon: FloatArray, rows: IntArray) -> FloatArray:
    """Great-circle km from each of ``rows`` to every authority (NaN if a centroid is missing)."""
    p1 = np.radians(lat[rows])[:, None]
    p2 = np.radians(lat)[None, :]
    dl = np.radians(lon[None, :] - lon[rows][:, None])
    h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    km: FloatArray = 2 * 6371.0 * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
    return km


def geography_score(adjacency_rows: FloatArray, km: FloatArray) -> FloatArray:
    by_distance = np.nan_to_num(0.5 * np.exp(-km / 40.0), nan=0.0)
    out: FloatArray = np.maximum(adjacency_rows, by_distance)
    return out


def _same(values: IntArray, rows: IntArray) -> BoolArray:
    a = values[rows][:, None]
    out: BoolArray = (a == values[None, :]) & (a >= 0)
    return out


def governance_score(f: Features, rows: IntArray) -> FloatArray:
    score = np.where(_same(f.region, rows), 0.3, 0.0)
    score = np.where(_same(f.lsip, rows) | _same(f.county, rows), 0.7, score)
    out: FloatArray = np.where(_same(f.combined, rows), 1.0, score)
    return out


def type_size_score(f: Features, rows: IntArray) -> FloatArray:
    ki, kj = f.klass[rows][:, None], f.klass[None, :]
    both_single = np.isin(ki, SINGLE_TIER_CODES) & np.isin(kj, SINGLE_TIER_CODES)
    type_part = np.where(ki == kj, 0.5, np.where(both_single, 0.25, 0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.abs(np.log(f.population[rows][:, None] / f.population[None, :]))
    size_part = np.nan_to_num(0.5 * np.clip(1.0 - ratio / np.log(3.0), 0.0, 1.0), nan=0.0)
    out: FloatArray = type_part + size_part
    return out


def peer_group_score(f: Features, rows: IntArray) -> FloatArray:
    a = f.cluster[rows][:, None, :]
    b = f.cluster[None, :, :]
    out: FloatArray = ((a == b) & (a >= 0)).mean(axis=2)
    return out


def spending_score(
    per_head_rows: FloatArray, per_head: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """(score, ratio) for spend per head of each row against every column."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = per_head[None, :] / per_head_rows[:, None]
    gap = np.abs(ratio - 1.0)
    joint = np.clip(1.0 - gap / JOINT_BAND, 0.0, 1.0)
    lead = 0.9 * np.clip(gap / LEAD_BAND, 0.0, 1.0)
    score = np.maximum(joint, lead)
    valid = np.isfinite(ratio) & (per_head_rows[:, None] > 0) & (per_head[None, :] > 0)
    return np.where(valid, score, 0.0), np.where(valid, ratio, np.nan)


def static_scores(f: Features, rows: IntArray) -> dict[str, FloatArray]:
    """The four criteria that do not depend on the service line, ``[len(rows), n]`` each."""
    km = distance_matrix(f.lat, f.lon, rows)
    return {
        "geography": geography_score(f.adjacency[rows], km),
        "governance": governance_score(f, rows),
        "type_size": type_size_score(f, rows),
        "peer_group": peer_group_score(f, rows),
    }


def combine(scores: Mapping[str, FloatArray], weights: Mapping[str, float]) -> FloatArray:
    """Weighted sum; the weights are normalised to sum to one."""
    total = sum(weights[c] for c in CRITERIA)
    out = np.zeros(np.broadcast_shapes(*(scores[c].shape for c in CRITERIA)), dtype=np.float64)
    for c in CRITERIA:
        out += (weights[c] / total) * scores[c]
    return out
