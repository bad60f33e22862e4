"""The one place the tracking package meets the report package: its document model, its writers
(HTML, Word, PDF) and its chart style, so that the benefits realisation report has the Cabinet
report's house shape and accessibility, and a change in the report package is one edit here.

The chart of savings against the plan is drawn here in the report's style (colour-blind-safe
palette, no meaning carried by colour alone: the plan's middle line is solid, its band shaded,
the actual a dashed line with markers), because the report package has no chart with actuals.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure as Canvas
from matplotlib.ticker import FuncFormatter

from shareplan.report import formatting as fmt
from shareplan.report.model import (
    Figure,
    Money,
    Paragraph,
    Report,
    SavingsBands,
    Section,
    Table,
    money_runs,
    total,
    trace,
)
from shareplan.report.writers.charts import (
    BLUE,
    GRID,
    PNG_DPI,
    SKY,
    STYLE,
    VERMILION,
    WIDTH_IN,
)
from shareplan.report.writers.docx import write_docx
from shareplan.report.writers.html import render_html
from shareplan.report.writers.pdf import write_pdf

__all__ = [
    "Figure",
    "Money",
    "Paragraph",
    "Report",
    "SavingsBands",
    "Section",
    "Table",
    "money_runs",
    "total",
    "trace",
    "write_report",
]

REPORT_STEM = "benefits-report"
RECORD_NAME = "benefits-status.json"


def draw_savings(band: SavingsBands, actual: Sequence[float | None]) -> dict[str, bytes]:
    """The plan's band and middle line, and the actual cumulative savings, as SVG and PNG."""
    with matplotlib.rc_context(STYLE):  # type: ignore[arg-type]
        fig = Canvas(figsize=(WIDTH_IN, 3.8), layout="constrained")
        ax = fig.add_subplot()
        x = list(range(len(band.years)))
        ax.fill_between(
            x,
            band.p10,
            band.p90,
            color=SKY,
            alpha=0.45,
            linewidth=0,
            label="Plan: low (P10) to high (P90)",
        )
        ax.plot(x, band.p50, color=BLUE, linewidth=2, label="Plan: middle (P50)")
        seen = [(k, v) for k, v in enumerate(actual) if v is not None]
        if seen:
            ax.plot(
                [k for k, _ in seen],
                [v for _, v in seen],
                color=VERMILION,
                linewidth=2,
                linestyle="--",
                marker="o",
                markersize=4,
                label="Actual",
            )
        step = max(1, len(x) // 12)
        ax.set_xticks(x[::step], list(band.years)[::step], rotation=45, ha="right")
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt.money(v)))
        ax.set_ylabel("Cumulative savings (real prices)")
        ax.set_ylim(bottom=0.0)
        ax.grid(axis="y", color=GRID, linewidth=0.5)
        fig.legend(loc="outside lower center", ncols=3, frameon=False)
        out: dict[str, bytes] = {}
        for form in ("svg", "png"):
            buffer = io.BytesIO()
            if form == "svg":
                fig.savefig(buffer, format="svg", metadata={"Date": None})
            else:
                fig.savefig(buffer, format="png", dpi=PNG_DPI, metadata={"Software": None})
            out[form] = buffer.getvalue()
        return out


def write_report(report: Report, record: Mapping[str, Any], out_dir: Path) -> dict[str, Path]:
    """Write the report as .html, .docx and .pdf, and the status record it traces to, into
    ``out_dir``; staged in a temporary folder and moved into place only when all are written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".benefits.", dir=out_dir))
    try:
        actual = record["programme"]["actual"]
        drawn = {f.key: draw_savings(_band(f), actual) for f in report.figures()}
        html = render_html(report, {k: v["svg"] for k, v in drawn.items()})
        (staging / f"{REPORT_STEM}.html").write_text(html, encoding="utf-8")
        write_docx(report, {k: v["png"] for k, v in drawn.items()}, staging / f"{REPORT_STEM}.docx")
        write_pdf(html, staging / f"{REPORT_STEM}.pdf")
        (staging / RECORD_NAME).write_text(
            json.dumps(record, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        written: dict[str, Path] = {}
        for name in (
            f"{REPORT_STEM}.html",
            f"{REPORT_STEM}.docx",
            f"{REPORT_STEM}.pdf",
            RECORD_NAME,
        ):
            os.replace(staging / name, out_dir / name)
            written[name.rsplit(".", 1)[-1] if name != RECORD_NAME else "record"] = out_dir / name
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _band(figure: Figure) -> SavingsBands:
    chart = figure.chart
    if not isinstance(chart, SavingsBands):
        raise TypeError(f"the benefits report draws savings bands only, not {type(chart)}")
    return chart
