"""The national scan: every English principal council x every service line x every other council.

Vectorised with numpy: the four criteria that do not depend on the service are computed once as
``[n, n]`` matrices, then each line adds its spending score, so the whole scan is a handful of
array operations per line (about 1.6 million ordered pair scores for 2014-15). Pairs that cannot
be compared (different tiers for the line, or a missing figure) are ``NaN``, never zero.

Pure domain code: writing the CSV files lives in :mod:`shareplan.benchmarking.export`, the map in
:mod:`shareplan.benchmarking.maps`. Progress is reported through an optional callback; the CLI
turns it into a Rich progress bar.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from shareplan.benchmarking.authorities import SINGLE_TIER
from shareplan.benchmarking.benchmark import per_head
from shareplan.benchmarking.criteria import (
    CLASS_CODES,
    DEFAULT_WEIGHTS,
    combine,
    features_for,
    peer_group_score,
    spending_score,
    static_scores,
)
from shareplan.benchmarking.finder import check_weights
from shareplan.benchmarking.outturn import LINES_BY_ID, SERVICE_LINE_IDS
from shareplan.benchmarking.store import NationalData
from shareplan.errors import InputError, Problem

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
Progress = Callable[[str, int, int], None]

STATISTICAL_PEERS = 15


@dataclass(frozen=True)
class ScanResult:
    year: str
    codes: tuple[str, ...]
    names: tuple[str, ...]
    classes: tuple[str, ...]
    lines: tuple[str, ...]
    population: FloatArray
    """``[n]``"""
    gbp_thousand: FloatArray
    """``[lines, n]``; NaN where there is no figure."""
    per_head: FloatArray
    """``[lines, n]``; NaN where there is no figure, a zero figure or no population."""
    scores: FloatArray
    """``[lines, n, n]`` partner score of column ``j`` for row ``i``; NaN where not comparable."""
    spend_ratio: FloatArray
    """``[lines, n, n]`` spend per head of ``j`` over that of ``i``."""
    peer_median: FloatArray
    """``[lines, n]`` median spend per head of the statistical peers."""
    best_quartile: FloatArray
    headroom_low: FloatArray
    """``[lines, n]`` £ a year to reach the peer median (0 if already below)."""
    headroom_high: FloatArray
    """``[lines, n]`` £ a year to reach the peers' best quartile."""
    pair_scores: int
    """Ordered pair scores computed (``lines * n * (n - 1)``)."""
    comparable_pairs: int
    weights: Mapping[str, float]

    def top_partners(self, line_index: int, k: int) -> tuple[IntArray, FloatArray]:
        """``[n, k]`` column indices and scores of each row's best comparable partners."""
        s = np.where(np.isfinite(self.scores[line_index]), self.scores[line_index], -np.inf)
        k = min(k, max(len(self.codes) - 1, 1))
        part = np.argpartition(-s, k - 1, axis=1)[:, :k]
        part_scores = np.take_along_axis(s, part, axis=1)
        order = np.argsort(-part_scores, axis=1, kind="stable")
        idx = np.take_along_axis(part, order, axis=1)
        return idx.astype(np.int64), np.take_along_axis(part_scores, order, axis=1)


def tier_group(klass: IntArray, upper_tier_line: bool) -> IntArray:
    """Group id per council for a line (see :func:`authorities.comparison_group`)."""
    sd, sc = CLASS_CODES["SD"], CLASS_CODES["SC"]
    if upper_tier_line:
        return np.where(klass == sd, 1, 0).astype(np.int64)
    single = np.isin(klass, [CLASS_CODES[k] for k in SINGLE_TIER])
    return np.where(single, 0, np.where(klass == sc, 1, 2)).astype(np.int64)


def peer_benchmarks(
    distance: FloatArray, comparable: BoolArray, ph: FloatArray, k: int
) -> tuple[FloatArray, FloatArray]:
    """(median, 25th percentile) of spend per head over each row's ``k`` nearest comparable peers.

    ``distance`` is ``[n, n]`` dissimilarity, ``comparable`` the ``[n, n]`` mask of valid peers.
    """
    d = np.where(comparable, distance, np.inf)
    k = min(k, d.shape[1])
    idx = np.argpartition(d, k - 1, axis=1)[:, :k]
    chosen = np.take_along_axis(d, idx, axis=1)
    values = np.where(np.isfinite(chosen), ph[idx], np.nan)
    has: BoolArray = np.asarray(np.isfinite(values).any(axis=1), dtype=bool)
    safe = np.where(has[:, None], values, 0.0)
    with np.errstate(invalid="ignore"):
        median = np.where(has, np.nanmedian(safe, axis=1), np.nan)
        q25 = np.where(has, np.nanpercentile(safe, 25, axis=1), np.nan)
    return median, q25


def national_scan(
    data: NationalData,
    year: str,
    lines: Sequence[str] | None = None,
    weights: Mapping[str, float] | None = None,
    statistical_peers: int = STATISTICAL_PEERS,
    progress: Progress | None = None,
) -> ScanResult:
    outturn, table = data.outturn, data.authorities
    yi = outturn.year_index(year)
    w = check_weights(weights or DEFAULT_WEIGHTS)
    if lines is None:
        chosen = [line for line in SERVICE_LINE_IDS if outturn.line_exists(year, line)]
    else:
        bad = [line for line in lines if line not in SERVICE_LINE_IDS]
        if bad:
            raise InputError(
                [
                    Problem(
                        f"unknown service line {b!r}",
                        column="service",
                        allowed=", ".join(SERVICE_LINE_IDS),
                    )
                    for b in bad
                ]
            )
        chosen = list(lines)
    codes = [c for ai, c in enumerate(outturn.codes) if outturn.present[yi, ai] and c in table]
    n = len(codes)
    f = features_for(table, codes, year)
    rows = np.arange(n, dtype=np.int64)
    steps = len(chosen) + 1
    if progress:
        progress("shared criteria", 0, steps)
    static = static_scores(f, rows)
    with np.errstate(divide="ignore", invalid="ignore"):
        size = np.abs(np.log(f.population[:, None] / f.population[None, :]))
    distance = (
        np.nan_to_num(size, nan=10.0)
        + 0.5 * (1.0 - peer_group_score(f, rows))
        + 0.5 * (f.klass[:, None] != f.klass[None, :])
    )
    ai_of = np.array([outturn.code_index(c) for c in codes], dtype=np.int64)
    nl = len(chosen)
    gbp = np.full((nl, n), np.nan)
    ph_all = np.full((nl, n), np.nan)
    scores = np.full((nl, n, n), np.nan)
    ratios = np.full((nl, n, n), np.nan)
    medians = np.full((nl, n), np.nan)
    bests = np.full((nl, n), np.nan)
    not_self = ~np.eye(n, dtype=bool)
    comparable_pairs = 0
    for k, line in enumerate(chosen):
        if progress:
            progress(line, k + 1, steps)
        li = outturn.line_index(line)
        values = outturn.values[yi, ai_of, li]
        gbp[k] = values
        ph = per_head(np.where(values == 0, np.nan, values), f.population)
        ph_all[k] = ph
        group = tier_group(f.klass, LINES_BY_ID[line].upper_tier)
        has = np.isfinite(ph)
        comparable = (group[:, None] == group[None, :]) & has[:, None] & has[None, :] & not_self
        spend, ratio = spending_score(ph, ph)
        line_scores = dict(static)
        line_scores["spending"] = spend
        total = combine(line_scores, w)
        scores[k] = np.where(comparable, total, np.nan)
        ratios[k] = np.where(comparable, ratio, np.nan)
        comparable_pairs += int(comparable.sum())
        medians[k], bests[k] = peer_benchmarks(distance, comparable, ph, statistical_peers)
    pop = f.population
    low = np.where(np.isfinite(ph_all), np.maximum(0.0, ph_all - medians) * pop, np.nan)
    high = np.where(np.isfinite(ph_all), np.maximum(0.0, ph_all - bests) * pop, np.nan)
    if progress:
        progress("done", steps, steps)
    return ScanResult(
        year=year,
        codes=tuple(codes),
        names=tuple(table[c].name for c in codes),
        classes=tuple(table[c].klass for c in codes),
        lines=tuple(chosen),
        population=pop,
        gbp_thousand=gbp,
        per_head=ph_all,
        scores=scores,
        spend_ratio=ratios,
        peer_median=medians,
        best_quartile=bests,
        headroom_low=low,
        headroom_high=high,
        pair_scores=nl * n * (n - 1),
        comparable_pairs=comparable_pairs,
        weights=w,
    )
