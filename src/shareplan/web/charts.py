"""The report's charts on the web pages: the programme's speed-against-savings chart drawn by the
same code as the Cabinet report, from a run's saved results."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from shareplan.report.charts import render
from shareplan.report.document import Figure, SpeedFrontier, build_report


@dataclass(frozen=True)
class WebChart:
    title: str
    alt: str
    svg: bytes
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def frontier_chart(results: Mapping[str, Any]) -> WebChart | None:
    """The speed-against-savings chart with its table, or None when the programme has none."""
    figures: list[Figure] = [
        f for f in build_report(results).figures() if isinstance(f.chart, SpeedFrontier)
    ]
    if not figures:
        return None
    figure = figures[0]
    table = figure.table
    header = tuple(str(h) for h in getattr(table, "header", ()))
    rows = tuple(tuple(str(c) for c in row) for row in getattr(table, "rows", ()))
    return WebChart(figure.title, figure.alt, render(figure.chart, "svg"), header, rows)
