"""The report's charts on the web pages: the programme's speed-against-savings chart drawn by the
same code as the Cabinet report, from a run's saved results."""

from __future__ import annotations

import threading
from collections.abc import Hashable
from dataclasses import dataclass

from shareplan.report import build_report
from shareplan.report.model import Figure, SpeedFrontier, run_text
from shareplan.report.writers.charts import render
from shareplan.results import Results


@dataclass(frozen=True)
class WebChart:
    title: str
    alt: str
    svg: bytes
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


_drawn: dict[Hashable, WebChart | None] = {}
_lock = threading.Lock()


def frontier_chart(results: Results, *, cache_key: Hashable | None = None) -> WebChart | None:
    """The speed-against-savings chart with its table, or None when the programme has none.
    ``cache_key`` names results that never change (a finished run): drawn once, then kept."""
    if cache_key is not None and cache_key in _drawn:
        return _drawn[cache_key]
    chart = _draw(results)
    if cache_key is not None:
        with _lock:
            _drawn[cache_key] = chart
            while len(_drawn) > 16:
                _drawn.pop(next(iter(_drawn)))
    return chart


def _draw(results: Results) -> WebChart | None:
    figures: list[Figure] = [
        f for f in build_report(results).figures() if isinstance(f.chart, SpeedFrontier)
    ]
    if not figures:
        return None
    figure = figures[0]
    table = figure.table
    header = tuple(table.header)
    rows = tuple(tuple(run_text(c) for c in row) for row in table.rows)
    return WebChart(figure.title, figure.alt, render(figure.chart, "svg"), header, rows)
