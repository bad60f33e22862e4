"""Benchmarking one council's spending on one service line against its peers and England.

Spend per head (population from the censuses), rank and quartile among the statistical peers, the
geographic peers and nationally, the trend over the available years, and the gap to the peer median
and to the best (lowest-cost) quartile: the headroom that sharing *might* capture, always a range.

Rank 1 is the lowest spend per head; quartile 1 is the lowest-cost quarter. Net current expenditure
can be negative (a parking surplus, say): those figures are kept and ranked like any other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from shareplan.benchmarking.authorities import Authority, comparison_group
from shareplan.benchmarking.criteria import Features, features_for, peer_group_score
from shareplan.benchmarking.outturn import LINES_BY_ID, TOTAL_LINE
from shareplan.benchmarking.store import NationalData
from shareplan.errors import InputError, Problem

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

STATISTICAL_PEERS = 15
GEOGRAPHIC_PEERS = 10


# ---- pure functions -----------------------------------------------------------------------------


def per_head(gbp_thousand: FloatArray, population: FloatArray) -> FloatArray:
    """£ per head from £ thousand; NaN where either is missing or the population is not positive."""
    with np.errstate(divide="ignore", invalid="ignore"):
        out = gbp_thousand * 1000.0 / population
    result: FloatArray = np.where(population > 0, out, np.nan)
    return result


def rank_quartile(value: float, group: FloatArray) -> tuple[int, int, int]:
    """(rank, size, quartile) of ``value`` within ``group`` (which includes it); 1 = lowest."""
    finite = group[np.isfinite(group)]
    n = int(finite.size)
    rank = 1 + int(np.count_nonzero(finite < value))
    quartile = 1 + (4 * (rank - 1)) // max(n, 1)
    return rank, n, min(quartile, 4)


def headroom(own: float, group: FloatArray, population: float) -> tuple[float, float, float, float]:
    """(peer median, best-quartile line, gap to median in £, gap to best quartile in £).

    Gaps are ``max(0, own - reference) * population``: a council already below the reference has
    no headroom against it. The best-quartile line is the 25th percentile of spend per head.
    """
    finite = group[np.isfinite(group)]
    median = float(np.median(finite))
    best = float(np.percentile(finite, 25))
    return (
        median,
        best,
        max(0.0, own - median) * population,
        max(0.0, own - best) * population,
    )


def statistical_distance(f: Features, row: int) -> FloatArray:
    """Dissimilarity of every council to council ``row``: size, class and cluster label."""
    rows = np.array([row], dtype=np.int64)
    with np.errstate(divide="ignore", invalid="ignore"):
        size = np.abs(np.log(f.population / f.population[row]))
    label = 1.0 - peer_group_score(f, rows)[0]
    klass = (f.klass != f.klass[row]).astype(np.float64)
    out: FloatArray = np.nan_to_num(size, nan=10.0) + 0.5 * label + 0.5 * klass
    return out


# ---- result objects -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PeerGroup:
    label: str
    codes: tuple[str, ...]
    per_head: tuple[float, ...]
    rank: int | None
    size: int
    quartile: int | None
    median: float | None
    best_quartile: float | None


@dataclass(frozen=True, slots=True)
class TrendPoint:
    year: str
    gbp_thousand: float | None
    per_head: float | None
    missing_reason: str | None


@dataclass(frozen=True, slots=True)
class Headroom:
    """The indicative range sharing might capture, £ a year (never a promise)."""

    low: float
    high: float
    basis: str


@dataclass(frozen=True)
class Benchmark:
    code: str
    name: str
    line: str
    year: str
    gbp_thousand: float | None
    population: float | None
    per_head: float | None
    statistical: PeerGroup | None
    geographic: PeerGroup | None
    national: PeerGroup | None
    headroom: Headroom | None
    trend: tuple[TrendPoint, ...]
    missing_reason: str | None
    notes: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        def group(g: PeerGroup | None) -> dict[str, object] | None:
            if g is None:
                return None
            return {
                "label": g.label,
                "size": g.size,
                "rank": g.rank,
                "quartile": g.quartile,
                "median_per_head": g.median,
                "best_quartile_per_head": g.best_quartile,
                "peers": list(g.codes) if g.size <= 40 else "(all councils in the group)",
            }

        return {
            "authority": self.code,
            "name": self.name,
            "service_line": self.line,
            "year": self.year,
            "gbp_thousand": self.gbp_thousand,
            "population": self.population,
            "per_head": self.per_head,
            "missing_reason": self.missing_reason,
            "statistical_peers": group(self.statistical),
            "geographic_peers": group(self.geographic),
            "national": group(self.national),
            "headroom": None
            if self.headroom is None
            else {
                "low": self.headroom.low,
                "high": self.headroom.high,
                "basis": self.headroom.basis,
            },
            "trend": [
                {
                    "year": p.year,
                    "gbp_thousand": p.gbp_thousand,
                    "per_head": p.per_head,
                    "missing_reason": p.missing_reason,
                }
                for p in self.trend
            ],
            "notes": list(self.notes),
        }


# ---- the wrapper --------------------------------------------------------------------------------


@dataclass(frozen=True)
class YearPool:
    """Councils with a figure for a line in a year, with their features and spend per head."""

    codes: tuple[str, ...]
    features: Features
    per_head: FloatArray
    gbp_thousand: FloatArray


def check_request(data: NationalData, authority: str, line: str, year: str) -> Authority:
    """The council asked for, after checking all three inputs (all problems reported at once)."""
    problems: list[Problem] = []
    found: Authority | None = None
    try:
        found = data.authorities.resolve(authority)
    except InputError as exc:
        problems.extend(exc.problems)
    try:
        data.outturn.year_index(year)
    except InputError as exc:
        problems.extend(exc.problems)
    try:
        data.outturn.line_index(line)
    except InputError as exc:
        problems.extend(exc.problems)
    if problems or found is None:
        raise InputError(problems)
    return found


def year_pool(data: NationalData, line: str, year: str, klass_group: frozenset[str]) -> YearPool:
    """Councils of the given classes that report a non-zero figure for ``line`` in ``year``."""
    outturn, table = data.outturn, data.authorities
    yi, li = outturn.year_index(year), outturn.line_index(line)
    codes: list[str] = []
    values: list[float] = []
    for ai, code in enumerate(outturn.codes):
        a = table.get(code)
        value = outturn.values[yi, ai, li]
        if a is None or a.klass not in klass_group or not np.isfinite(value) or value == 0:
            continue
        codes.append(code)
        values.append(float(value))
    f = features_for(table, codes, year)
    gbp = np.array(values, dtype=np.float64)
    return YearPool(tuple(codes), f, per_head(gbp, f.population), gbp)


def _group(label: str, pool: YearPool, members: IntArray, own: float) -> PeerGroup | None:
    values = pool.per_head[members]
    finite = np.isfinite(values)
    if not finite.any():
        return None
    group = np.append(values[finite], own)
    rank, size, quartile = rank_quartile(own, group)
    return PeerGroup(
        label=label,
        codes=tuple(pool.codes[int(m)] for m in members[finite]),
        per_head=tuple(float(v) for v in values[finite]),
        rank=rank,
        size=size,
        quartile=quartile,
        median=float(np.median(values[finite])),
        best_quartile=float(np.percentile(values[finite], 25)),
    )


def trend(data: NationalData, code: str, line: str) -> tuple[TrendPoint, ...]:
    """Every year in the data for this council and line; missing years say why."""
    points = []
    a = data.authorities[code]
    for year in data.outturn.years:
        fig = data.outturn.figure(code, line, year)
        reason = fig.missing_reason
        if reason and not a.existed_in(year):
            reason = data.authorities.status(code, year)
        pop = a.population(year)
        ph = fig.gbp_thousand * 1000.0 / pop if fig.gbp_thousand is not None and pop else None
        points.append(TrendPoint(year, fig.gbp_thousand, ph, reason))
    return tuple(points)


def benchmark(
    data: NationalData,
    authority: str,
    line: str,
    year: str,
    statistical_peers: int = STATISTICAL_PEERS,
    geographic_peers: int = GEOGRAPHIC_PEERS,
) -> Benchmark:
    """Benchmark one council, line and year (see the module docstring)."""
    table, outturn = data.authorities, data.outturn
    a = check_request(data, authority, line, year)
    fig = outturn.figure(a.code, line, year)
    population = a.population(year)
    notes: list[str] = []
    points = trend(data, a.code, line)
    reason = fig.missing_reason
    if reason and not a.existed_in(year):
        reason = table.status(a.code, year)
    if fig.gbp_thousand is not None and fig.gbp_thousand == 0:
        reason = f"{a.name} reports no spending on this line in {year} (not a service it provides)"
    if population is None:
        notes.append(f"no population figure for {a.name}, so no spend per head")
    if reason or population is None or fig.gbp_thousand is None or fig.gbp_thousand == 0:
        return Benchmark(
            a.code, a.name, line, year, fig.gbp_thousand, population, None,
            None, None, None, None, points, reason, tuple(notes),
        )  # fmt: skip
    own = fig.gbp_thousand * 1000.0 / population
    upper = LINES_BY_ID[line].upper_tier and line != TOTAL_LINE
    pool = year_pool(data, line, year, comparison_group(a.klass, upper))
    index = {c: i for i, c in enumerate(pool.codes)}
    me = index[a.code]
    others = np.array([i for i in range(len(pool.codes)) if i != me], dtype=np.int64)
    others = others[np.isfinite(pool.per_head[others])]
    dist = statistical_distance(pool.features, me)[others]
    stat_members = others[np.argsort(dist, kind="stable")[:statistical_peers]]
    neighbour_codes = [n.code for n in table.neighbours_of(a.code) if n.code in index]
    geo_members = np.array(
        [index[c] for c in neighbour_codes if np.isfinite(pool.per_head[index[c]])][
            :geographic_peers
        ],
        dtype=np.int64,
    )
    statistical = _group("statistical peers", pool, stat_members, own)
    geographic = _group("geographic neighbours", pool, geo_members, own)
    national = _group("England", pool, others, own)
    room = None
    if statistical is not None:
        median, best, to_median, to_best = headroom(
            own, np.array(statistical.per_head, dtype=np.float64), population
        )
        room = Headroom(
            low=to_median,
            high=to_best,
            basis=(
                f"spend per head £{own:,.0f} against the peer median £{median:,.0f} and the "
                f"best-quartile £{best:,.0f}, times population {population:,.0f}; indicative only"
            ),
        )
    excluded = len(outturn.codes) - len(pool.codes)
    notes.append(
        f"compared with {len(pool.codes) - 1} councils "
        f"({', '.join(sorted(comparison_group(a.klass, upper)))}) "
        f"that report a figure for this line in {year}; {excluded} others have none or zero"
    )
    return Benchmark(
        a.code, a.name, line, year, fig.gbp_thousand, population, own,
        statistical, geographic, national, room, points, None, tuple(notes),
    )  # fmt: skip


def service_line_totals(
    data: NationalData, authority: str, year: str, lines: Sequence[str] | None = None
) -> dict[str, float | None]:
    """Net current expenditure by line in £ (not thousands) for one council and year.

    ``None`` marks a line with no figure (see :meth:`Outturn.figure` for why).
    """
    a = data.authorities.resolve(authority)
    data.outturn.year_index(year)
    out: dict[str, float | None] = {}
    for line in lines or data.outturn.lines:
        fig = data.outturn.figure(a.code, line, year)
        out[line] = None if fig.gbp_thousand is None else fig.gbp_thousand * 1000.0
    return out
