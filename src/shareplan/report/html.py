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
from importlib import resources

import jinja2
from markupsafe import Markup, escape

from shareplan.report.document import Figure, Money, Paragraph, Report, Run, Section, Table


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("shareplan.report", "templates"),
        autoescape=True,
        trim_blocks=False,
        lstrip_blocks=False,
        undefined=jinja2.StrictUndefined,
    )


@cache
def stylesheet() -> str:
    """The report's CSS (screen and print)."""
    return (resources.files("shareplan.report") / "static" / "report.css").read_text("utf-8")


def _run(run: Run) -> Markup:
    if isinstance(run, Money):
        return Markup('<span class="money" data-source="{}">{}</span>').format(run.where, run.text)
    return escape(run)


def _runs(paragraph: Paragraph) -> Markup:
    return Markup("").join(_run(r) for r in paragraph.runs)


def _block_kind(block: Paragraph | Table | Figure) -> str:
    if isinstance(block, Paragraph):
        return block.kind
    return "table" if isinstance(block, Table) else "figure"


def section_id(section: Section) -> str:
    """A stable anchor for a section: its key, or its heading in lower case with hyphens."""
    base = section.key or section.heading
    return re.sub(r"[^a-z0-9]+", "-", base.lower()).strip("-") or "section"


def render_html(report: Report, svgs: Mapping[str, bytes]) -> str:
    """The report as HTML; ``svgs`` maps each figure's key to its SVG drawing."""
    numbers = {f.key: i for i, f in enumerate(report.figures(), start=1)}

    def chart_src(figure: Figure) -> str:
        data = base64.b64encode(svgs[figure.key]).decode("ascii")
        return f"data:image/svg+xml;base64,{data}"

    template = _environment().get_template("report.html.j2")
    return template.render(
        report=report,
        css=stylesheet(),
        run=_run,
        runs=_runs,
        block_kind=_block_kind,
        section_id=section_id,
        figure_number=lambda f: numbers[f.key],
        chart_src=chart_src,
    )
