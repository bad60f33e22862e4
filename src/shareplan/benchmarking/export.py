"""Writing the national scan as CSV (each file written to a temporary name, then renamed)."""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from shareplan.benchmarking.scan import ScanResult


def _fmt(value: float, digits: int = 2) -> str:
    return "" if not np.isfinite(value) else f"{value:.{digits}f}"


def write_csv_atomic(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def pairings_rows(result: ScanResult, top: int) -> Iterable[list[object]]:
    for k, line in enumerate(result.lines):
        idx, scores = result.top_partners(k, top)
        for i, code in enumerate(result.codes):
            if not np.isfinite(result.per_head[k, i]):
                continue
            for rank, (j, score) in enumerate(zip(idx[i], scores[i], strict=True), start=1):
                if not np.isfinite(score):
                    break
                ratio = float(result.spend_ratio[k, i, j])
                yield [
                    result.year,
                    line,
                    code,
                    result.names[i],
                    rank,
                    result.codes[j],
                    result.names[j],
                    _fmt(float(score), 4),
                    _fmt(ratio, 3),
                ]


def gaps_rows(result: ScanResult) -> Iterable[list[object]]:
    for k, line in enumerate(result.lines):
        for i, code in enumerate(result.codes):
            value = result.gbp_thousand[k, i]
            missing = ""
            if not np.isfinite(value):
                missing = "no figure"
            elif value == 0:
                missing = "zero (service not provided)"
            elif not np.isfinite(result.population[i]):
                missing = "no population"
            yield [
                result.year,
                line,
                code,
                result.names[i],
                result.classes[i],
                _fmt(float(value), 3),
                _fmt(float(result.population[i]), 0),
                _fmt(float(result.per_head[k, i])),
                _fmt(float(result.peer_median[k, i])),
                _fmt(float(result.best_quartile[k, i])),
                _fmt(float(result.headroom_low[k, i]), 0),
                _fmt(float(result.headroom_high[k, i]), 0),
                missing,
            ]


def write_scan(result: ScanResult, out: Path, top: int = 5) -> list[Path]:
    """``pairings.csv`` (each council's ``top`` partners per line) and ``gaps.csv``."""
    pairings = write_csv_atomic(
        out / "pairings.csv",
        [
            "year",
            "service_line",
            "authority",
            "authority_name",
            "rank",
            "partner",
            "partner_name",
            "score",
            "partner_spend_ratio",
        ],
        pairings_rows(result, top),
    )
    gaps = write_csv_atomic(
        out / "gaps.csv",
        [
            "year",
            "service_line",
            "authority",
            "authority_name",
            "class",
            "gbp_thousand",
            "population",
            "per_head",
            "peer_median_per_head",
            "best_quartile_per_head",
            "headroom_low_gbp",
            "headroom_high_gbp",
            "missing",
        ],
        gaps_rows(result),
    )
    return [pairings, gaps]
