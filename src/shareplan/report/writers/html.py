"""The report as one self-contained, semantic HTML page (Jinja2 template, inline CSS and charts).

Headings follow the document's structure (h1 title, h2 numbered sections and appendices, h3 and
below for their parts), every table has a caption and header cells with scope, every chart is an
image with a text alternative and its data table beside it, and the page has a language, a title,
landmarks and a skip link. The same HTML, with its print styles, is what WeasyPrint turns into the
PDF.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from functools import cache

import jinja2
from markupsafe import Markup, escape

from shareplan.report.model import (
    Figure,
    Money,
    Paragraph,
    Report,
    Run,
    Section,
    Table,
    run_text,
)
from shareplan.report.writers.style import stylesheet


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("shareplan.report", "templates"),
        autoescape=True,
        trim_blocks=False,
        lstrip_blocks=False,
        undefined=jinja2.StrictUndefined,
    )


def _run(run: Run) -> Markup:
    if isinstance(run, Money):
        return Markup('<span class="money" data-source="{}">{}</span>').format(run.where, run.text)
    return escape(run)


def _runs(paragraph: Paragraph) -> Markup:
    return Markup("").join(_run(r) for r in paragraph.runs)


def _plain_run(run: Run) -> Markup:
    return escape(run.text if isinstance(run, Money) else run)


def _plain_runs(paragraph: Paragraph) -> Markup:
    return Markup("").join(_plain_run(r) for r in paragraph.runs)


CHAR_SHARE = 1.0
"""Per cent of the printed table's width one character takes (8.5 pt type on an A4 page with
16 mm margins: about 1.7 mm of 178 mm), with room for the cell's padding."""


def column_widths(table: Table) -> list[int]:
    """Each column's share of the table's width, in whole per cent, from the length of its text.

    The print style lays tables out with ``table-layout: fixed`` and these widths: WeasyPrint then
    skips measuring every cell's smallest and largest width, which was a third of the time it
    took to lay the report out. Every column first gets room for its longest word (a number
    column for its longest figure, which must not wrap); what is left goes to the columns whose
    typical cell is longer than that, in proportion, so long text wraps in the wide columns.
    """
    least: list[float] = []
    wish: list[float] = []
    for j, head in enumerate(table.header):
        cells = [run_text(row[j]) for row in table.rows if j < len(row)] or [""]
        lengths = [len(t) for t in cells]
        words = (head + " " + " ".join(cells)).split() or [""]
        longest_word = min(max(len(w) for w in words), 20)
        need = min(max(max(lengths), longest_word), 14) if table.is_numeric(j) else longest_word
        need = max(need, min(-(-len(head) // 3), 20))  # a heading wraps onto three lines at most
        least.append((need + 1.5) * CHAR_SHARE)
        typical = 0.6 * sum(lengths) / len(lengths) + 0.4 * max(lengths)
        wish.append(max(0.0, min(typical, 80.0) - need) * CHAR_SHARE)
    floor = sum(least)
    if floor >= 100:
        shares = [100 * x / floor for x in least]
    else:
        spare = 100 - floor
        extra = sum(wish)
        shares = [
            x + (spare * w / extra if extra else spare / len(least))
            for x, w in zip(least, wish, strict=True)
        ]
    whole = [max(1, round(x)) for x in shares]
    whole[whole.index(max(whole))] -= sum(whole) - 100
    return whole


def _block_kind(block: Paragraph | Table | Figure) -> str:
    if isinstance(block, Paragraph):
        return block.kind
    return "table" if isinstance(block, Table) else "figure"


def section_id(section: Section) -> str:
    """A stable anchor for a section: its key, or its heading in lower case with hyphens."""
    base = section.key or section.heading
    return re.sub(r"[^a-z0-9]+", "-", base.lower()).strip("-") or "section"


SHORT_TABLE = 14
"""A table with this many body rows or fewer is kept whole on one printed page."""
KEEP_ROWS = 2
"""A longer table keeps its first and last rows in twos, so a page never ends with its header
and one row, nor starts with one stray row."""


def row_groups(table: Table) -> list[tuple[bool, tuple[tuple[Run, ...], ...]]]:
    """The table's body rows in groups, each with whether it must print on one page: a short
    table in one group; a long one as its first two rows, the rows between, its last two."""
    rows = table.rows
    if len(rows) <= SHORT_TABLE:
        return [(True, rows)]
    head, middle, tail = rows[:KEEP_ROWS], rows[KEEP_ROWS:-KEEP_ROWS], rows[-KEEP_ROWS:]
    return [(True, head), (False, middle), (True, tail)]


def css_string(text: str) -> str:
    """``text`` safe inside a double-quoted CSS string."""
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


def render_html(report: Report, svgs: Mapping[str, bytes]) -> str:
    """The report as HTML; ``svgs`` maps each figure's key to its SVG drawing."""
    return _render(report, svgs, "image/svg+xml", plain=False)


def render_print_html(report: Report, pngs: Mapping[str, bytes]) -> str:
    """The page the PDF is printed from: the same page with the charts as PNG (``pngs`` by
    figure key) and each sum of money as plain text.

    A reader of the web page can ask where a sum came from; the PDF has no use for the several
    hundred elements that say so, and laying out the charts' vector drawings (each label set by
    Pango) cost WeasyPrint more than the pictures. Together they were a fifth of its work. The
    PNGs are the ones the Word file carries (150 dots per inch at the page's width).
    """
    return _render(report, pngs, "image/png", plain=True)


def _render(report: Report, charts: Mapping[str, bytes], mime: str, *, plain: bool) -> str:
    numbers = {f.key: i for i, f in enumerate(report.figures(), start=1)}

    def chart_src(figure: Figure) -> str:
        data = base64.b64encode(charts[figure.key]).decode("ascii")
        return f"data:{mime};base64,{data}"

    template = _environment().get_template("report.html.j2")
    return template.render(
        report=report,
        css=stylesheet(),
        run=_plain_run if plain else _run,
        runs=_plain_runs if plain else _runs,
        block_kind=_block_kind,
        section_id=section_id,
        column_widths=column_widths,
        row_groups=row_groups,
        css_string=css_string,
        footer=report.footer(),
        SHORT_TABLE=SHORT_TABLE,
        figure_number=lambda f: numbers[f.key],
        chart_src=chart_src,
    )
