"""The report's charts, drawn with matplotlib's object API on the Agg/SVG canvases (no pyplot, no
global state, safe in a server).

:func:`render` takes a chart specification from :mod:`shareplan.report.model` and returns SVG
(for HTML and PDF: sharp at any zoom, small) or PNG (for Word) bytes. Colours are a palette that
stays distinct for colour-blind readers (Okabe and Ito), and no chart relies on colour alone: the
P50 line is solid and the band shaded, the chosen programme is a larger starred marker with a
label, Gantt phases and score segments are labelled on the bars, tornado bars carry their values,
and every chart has a data table beside it in the report. (No hatching: WeasyPrint draws SVG hatch
patterns tile by tile, which made one chart cost most of a second in the PDF.)
"""

from __future__ import annotations

import dataclasses
import io
import re
from functools import cache
from typing import Any, Literal

import matplotlib

matplotlib.use("Agg")  # no display; harmless if already set

from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.ft2font import FT2Font
from matplotlib.ticker import FuncFormatter

from shareplan.report import formatting as fmt
from shareplan.report.model import (
    Chart,
    Gantt,
    SavingsBands,
    ScoreBreakdown,
    SpeedFrontier,
    Tornado,
)

Format = Literal["svg", "png"]

#: Okabe-Ito colour-blind-safe palette.
BLUE, ORANGE, GREEN, VERMILION, SKY, PURPLE, YELLOW = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#D55E00",
    "#56B4E9",
    "#CC79A7",
    "#F0E442",
)
INK = "#0b0c0c"
GRID = "#b1b4b6"
WIDTH_IN = 7.0
PNG_DPI = 150

STYLE: dict[str, Any] = {
    # the house style of every chart (the benefits report draws its own chart in it too)
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.edgecolor": INK,
    "axes.labelcolor": INK,
    "xtick.color": INK,
    "ytick.color": INK,
    "svg.fonttype": "none",
    "svg.hashsalt": "shareplan",
}

_money_axis = FuncFormatter(lambda v, _pos: fmt.money(v))


def _figure(height: float) -> Figure:
    fig = Figure(figsize=(WIDTH_IN, height), layout="constrained")
    return fig


def _savings(fig: Figure, c: SavingsBands) -> None:
    ax = fig.add_subplot()
    x = list(range(len(c.years)))
    ax.fill_between(x, c.p10, c.p90, color=SKY, alpha=0.45, label="Low to high case", linewidth=0)
    if c.headline:
        # the headline is the figure the finance tables give; the simulation's middle differs
        # from it, so the two lines are named for what they are
        ax.plot(
            x[: len(c.headline)],
            c.headline,
            color=VERMILION,
            linewidth=2,
            marker="s",
            markersize=3,
            label="Headline estimate",
        )
    middle = "Middle of the simulated outcomes" if c.headline else "Central case"
    ax.plot(x, c.p50, color=BLUE, linewidth=2, marker="o", markersize=3, label=middle)
    ax.plot(x, c.p10, color=BLUE, linewidth=0.8, linestyle="--", label="Low and high cases")
    ax.plot(x, c.p90, color=BLUE, linewidth=0.8, linestyle="--")
    ax.set_xticks(
        x, list(c.years), rotation=45 if len(x) > 6 else 0, ha="right" if len(x) > 6 else "center"
    )
    ax.yaxis.set_major_formatter(_money_axis)
    ax.set_ylabel("Net savings in the year (real prices)")
    ax.set_ylim(bottom=min(0.0, *c.p10))
    ax.grid(axis="y", color=GRID, linewidth=0.5)
    fig.legend(loc="outside lower center", ncols=2 if c.headline else 3, frameon=False)


def _frontier(fig: Figure, c: SpeedFrontier) -> None:
    ax = fig.add_subplot()
    pts = sorted(c.points, key=lambda p: p.savings_12m)
    ax.plot(
        [p.savings_12m for p in pts],
        [p.npv for p in pts],
        color=BLUE,
        marker="o",
        linewidth=1,
        label="Programmes on the frontier",
    )
    for p in pts:
        if p.chosen:
            ax.plot(
                [p.savings_12m],
                [p.npv],
                marker="*",
                markersize=16,
                color=VERMILION,
                markeredgecolor=INK,
                linestyle="none",
                label="Proposed programme" + (f" (maximises {c.maximises})" if c.maximises else ""),
            )
            ax.annotate(
                "Proposed",
                (p.savings_12m, p.npv),
                xytext=(8, -12),
                textcoords="offset points",
                color=INK,
            )
    ax.xaxis.set_major_formatter(_money_axis)
    ax.yaxis.set_major_formatter(_money_axis)
    ax.set_xlabel("Savings within the first 12 months (speed)")
    ax.set_ylabel(c.npv_label)
    ax.grid(color=GRID, linewidth=0.5)
    # one entry a line: the proposed programme's entry says what it maximises, too long to share
    fig.legend(loc="outside lower center", ncols=1, frameon=False)


_PHASE_COLOUR = {"Procurement": ORANGE, "Implementation": SKY, "Savings": GREEN}


def _gantt(fig: Figure, c: Gantt) -> None:
    ax = fig.add_subplot()
    labels = [_wrap(label) for label, _ in c.rows]
    seen: set[str] = set()
    for i, (_, phases) in enumerate(c.rows):
        for ph in phases:
            width = ph.end_month - ph.start_month
            ax.barh(
                i,
                width,
                left=ph.start_month,
                color=_PHASE_COLOUR.get(ph.name, PURPLE),
                edgecolor=INK,
                linewidth=0.5,
                label=ph.name if ph.name not in seen else None,
            )
            if width >= 5:  # name the phase on the bar, so colour is not the only cue
                ax.text(
                    ph.start_month + width / 2,
                    i,
                    ph.name[0],
                    ha="center",
                    va="center",
                    color=INK,
                    fontsize=8,
                )
            seen.add(ph.name)
    ax.set_yticks(range(len(labels)), labels)
    ax.invert_yaxis()
    ax.set_xlabel(f"Months from {c.start_label}")
    ax.axvline(12, color=INK, linewidth=0.8, linestyle=":")
    # above the plot area, so the frame never strikes through the words
    ax.annotate(
        "12 months",
        xy=(12, 1),
        xycoords=("data", "axes fraction"),
        xytext=(3, 2),
        textcoords="offset points",
        color=INK,
        fontsize=8,
        va="bottom",
    )
    ax.grid(axis="x", color=GRID, linewidth=0.5)
    fig.legend(loc="outside lower center", ncols=3, frameon=False)


def _scores(fig: Figure, c: ScoreBreakdown) -> None:
    ax = fig.add_subplot()
    colours = (SKY, ORANGE, GREEN, PURPLE, YELLOW, VERMILION)
    left = [0.0] * len(c.labels)
    for g, name in enumerate(c.groups):
        widths = [row[g] for row in c.values]
        ax.barh(
            range(len(c.labels)),
            widths,
            left=left,
            color=colours[g % len(colours)],
            edgecolor=INK,
            linewidth=0.5,
            label=name,
        )
        for i, w in enumerate(widths):  # each segment's points on it: colour is not the only cue
            if w >= 6:
                ax.text(
                    left[i] + w / 2, i, f"{w:.0f}", ha="center", va="center", color=INK, fontsize=8
                )
        left = [a + b for a, b in zip(left, widths, strict=True)]
    # an option's name with its partner runs to four lines: all of it is shown, never cut short
    ax.set_yticks(range(len(c.labels)), [_wrap(x, width=34, most=4) for x in c.labels])
    ax.invert_yaxis()
    ax.set_xlim(0, max(100.0, *left))
    ax.set_xlabel("Weighted score (out of 100)")
    ax.grid(axis="x", color=GRID, linewidth=0.5)
    fig.legend(loc="outside lower center", ncols=3, frameon=False)


def _tornado(fig: Figure, c: Tornado) -> None:
    ax = fig.add_subplot()
    for i, (lo, hi) in enumerate(zip(c.low, c.high, strict=True)):
        ax.barh(
            i,
            lo - c.base,
            left=c.base,
            color=ORANGE,
            edgecolor=INK,
            linewidth=0.5,
            label="Input at its low value" if i == 0 else None,
        )
        ax.barh(
            i,
            hi - c.base,
            left=c.base,
            color=SKY,
            edgecolor=INK,
            linewidth=0.5,
            label="Input at its high value" if i == 0 else None,
        )
        for value in (lo, hi):  # the NPV at each end, written beside the bar
            ax.annotate(
                fmt.money(value),
                (value, i),
                xytext=(3 if value >= c.base else -3, 0),
                textcoords="offset points",
                ha="left" if value >= c.base else "right",
                va="center",
                fontsize=8,
                color=INK,
            )
    ax.margins(x=0.18)
    ax.axvline(c.base, color=INK, linewidth=1)
    ax.axvline(0, color=VERMILION, linewidth=0.8, linestyle="--")
    ax.set_yticks(range(len(c.inputs)), [_wrap(x) for x in c.inputs])
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(_money_axis)
    ax.set_xlabel(f"Net present value (central {fmt.money(c.base)}; dashed line: zero)")
    ax.grid(axis="x", color=GRID, linewidth=0.5)
    fig.legend(loc="outside lower center", ncols=2, frameon=False)


def _wrap(text: str, width: int = 28, most: int = 3) -> str:
    """``text`` on lines of about ``width`` characters, ``most`` of them: a name too long for
    that loses its trailing bracket ("Central services (corporate and democratic core, ...)"
    keeps "Central services"; the data table beside the chart has it whole), and is cut short
    with an ellipsis only if it is still too long."""
    lines = _lines(text, width)
    if len(lines) > most:
        head = re.sub(r"\s*\([^()]*\)$", "", text)
        lines = _lines(head, width) if head and head != text else lines
    if len(lines) > most:
        lines = [*lines[: most - 1], lines[most - 1] + "…"]
    return "\n".join(lines)


def _lines(text: str, width: int) -> list[str]:
    words, lines, line = text.split(), [], ""
    for w in words:
        if line and len(line) + 1 + len(w) > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    lines.append(line)
    return lines


@cache
def _font_glyphs() -> frozenset[int]:
    """The code points the chart font can draw."""
    path = font_manager.findfont(STYLE["font.family"], fallback_to_default=True)
    return frozenset(FT2Font(path).get_charmap())


def drawable(text: str) -> str:
    """``text`` without the characters the chart font has no glyph for (an emoji in a service's
    name): matplotlib would draw an empty box and print a warning for each one."""
    glyphs = _font_glyphs()
    kept = "".join(ch for ch in text if ch.isspace() or ord(ch) in glyphs)
    return kept if kept == text else " ".join(kept.split(" ")).replace("  ", " ").strip()


def _drawable(value: Any) -> Any:
    """A chart's data with every text in it made drawable by the chart font (its labels, titles
    and rows), before anything is drawn."""
    if isinstance(value, str):
        return drawable(value)
    if isinstance(value, tuple):
        return tuple(_drawable(v) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.replace(
            value,
            **{f.name: _drawable(getattr(value, f.name)) for f in dataclasses.fields(value)},
        )
    return value


def height_of(chart: Chart) -> float:
    """A height in inches that fits the chart's rows."""
    if isinstance(chart, Gantt | ScoreBreakdown | Tornado):
        rows = len(
            chart.rows
            if isinstance(chart, Gantt)
            else chart.labels
            if isinstance(chart, ScoreBreakdown)
            else chart.inputs
        )
        per_row = 0.62 if isinstance(chart, ScoreBreakdown) else 0.55
        return min(9.0, 1.4 + per_row * rows)
    return 3.6


def render(chart: Chart, form: Format = "svg") -> bytes:
    """The chart as SVG or PNG bytes."""
    return render_all(chart, (form,))[form]


def render_all(chart: Chart, forms: tuple[Format, ...] = ("svg", "png")) -> dict[Format, bytes]:
    """The chart in each of ``forms``, drawn once and saved in each (the same drawing in all)."""
    fig = draw(chart)
    return {form: save(fig, form) for form in forms}


def draw(chart: Chart) -> Figure:
    """The chart drawn on a figure of its own, to :func:`save` in one format or more: the report
    saves every chart as SVG first (the PDF waits for those) and as PNG afterwards."""
    chart = _drawable(chart)
    with matplotlib.rc_context(STYLE):  # type: ignore[arg-type]
        fig = _figure(height_of(chart))
        if isinstance(chart, SavingsBands):
            _savings(fig, chart)
        elif isinstance(chart, SpeedFrontier):
            _frontier(fig, chart)
        elif isinstance(chart, Gantt):
            _gantt(fig, chart)
        elif isinstance(chart, ScoreBreakdown):
            _scores(fig, chart)
        else:
            _tornado(fig, chart)
    return fig


def save(fig: Figure, form: Format) -> bytes:
    """A drawn chart as SVG or PNG bytes (in the house style, which sets how SVG keeps text)."""
    out = io.BytesIO()
    with matplotlib.rc_context(STYLE):  # type: ignore[arg-type]
        if form == "svg":
            fig.savefig(out, format="svg", metadata={"Date": None})
        else:
            fig.savefig(out, format="png", dpi=PNG_DPI, metadata={"Software": None})
    return out.getvalue()
