"""The report's charts on the web pages: the programme's speed-against-savings chart drawn by the
same code as the Cabinet report, from a run's saved results."""

from __future__ import annotations

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


def frontier_chart(results: Results) -> WebChart | None:
    """The speed-against-savings chart with its table, or None when the programme has none."""
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
