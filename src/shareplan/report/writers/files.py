"""Writing the report's files: Word, HTML and PDF with the charts, the PDF printed by a second
process while this one draws the charts and writes the Word file.

:func:`write_reports` is what the pipeline and ``shareplan report`` call. It reads only the
results, so saved results can be reported again without recomputing the appraisal.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from shareplan.report.context import Context
from shareplan.report.document import build_report
from shareplan.report.writers.html import render_html, render_print_html
from shareplan.report.writers.pdf import write_pdf
from shareplan.report.writers.printer import Printer
from shareplan.report.writers.workbook import WORKBOOK_NAME, write_workbook
from shareplan.results import Results

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from shareplan.report.writers.charts import Format

REPORT_STEM = "cabinet-report"
CHART_FOLDER = "charts"


PRINT_PAGE = ".print.html"
"""The page the PDF is printed from, in the staging folder (not one of the report's files)."""


def _save_all(figures: dict[str, Figure], form: Format) -> dict[str, bytes]:
    from shareplan.report.writers.charts import save

    return {key: save(fig, form) for key, fig in figures.items()}


def _write_all(
    results: Results,
    staging: Path,
    template: Path | None,
    printer: Printer | None,
) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """Write the three files and the workbook into ``staging``, in the order that lets the
    printer start soonest: the charts as PNG and the page to print, handed over; then the charts
    as SVG (the same drawings) and the HTML, Word and the workbook while the PDF prints. Returns
    the SVG and PNG drawings by figure key."""
    from shareplan.report.writers.charts import draw
    from shareplan.report.writers.docx import write_docx

    report = build_report(results)
    figures = {f.key: draw(f.chart) for f in report.figures()}
    pngs = _save_all(figures, "png")
    page = staging / PRINT_PAGE
    page.write_text(render_print_html(report, pngs), encoding="utf-8")
    pdf = staging / f"{REPORT_STEM}.pdf"
    if printer is not None:
        printer.send()
    svgs = _save_all(figures, "svg")
    (staging / f"{REPORT_STEM}.html").write_text(render_html(report, svgs), encoding="utf-8")
    write_docx(report, pngs, staging / f"{REPORT_STEM}.docx", template)
    write_workbook(Context(results), staging / WORKBOOK_NAME)
    if printer is None or not printer.finished():
        write_pdf(page.read_text("utf-8"), pdf)
    return svgs, pngs


def write_reports(
    results: Results,
    out_dir: Path,
    template: Path | None = None,
    *,
    charts: bool = True,
    parallel: bool = True,
) -> dict[str, Path]:
    """Write ``cabinet-report.docx``, ``.html`` and ``.pdf``, the assumptions workbook
    ``assumptions.xlsx`` (key ``assumptions``) and, with ``charts``, each chart as SVG and PNG
    under ``charts/`` into ``out_dir``; returns what was written, by name.

    ``template`` is an authority's own .docx whose styles, page set-up and letterhead the Word
    report takes. Files are written beside their targets and renamed into place, so a failure
    leaves no half-written report. Raises :class:`~shareplan.errors.InputError` when the template
    is not a usable Word document.

    With ``parallel`` the PDF is printed by a second process (:mod:`printer`), started first,
    which loads WeasyPrint while this one builds the report and draws the charts, then prints
    while this one writes the HTML (with SVG charts), Word and the workbook. If that process
    cannot start or fails, this one prints the PDF itself (one log line at ``INFO``, nothing on
    stderr).
    """
    if template is not None:
        from shareplan.report.writers.docx import check_template

        check_template(template)  # before any work, and before anything is written
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".report.", dir=out_dir))
    try:
        printer = (
            Printer(staging / PRINT_PAGE, staging / f"{REPORT_STEM}.pdf", staging / ".printer.log")
            if parallel
            else None
        )
        try:
            svgs, pngs = _write_all(results, staging, template, printer)
        finally:
            if printer is not None:
                printer.close()
        written: dict[str, Path] = {}
        for kind in ("docx", "html", "pdf"):
            target = out_dir / f"{REPORT_STEM}.{kind}"
            os.replace(staging / f"{REPORT_STEM}.{kind}", target)
            written[kind] = target
        os.replace(staging / WORKBOOK_NAME, out_dir / WORKBOOK_NAME)
        written["assumptions"] = out_dir / WORKBOOK_NAME
        if charts:
            folder = out_dir / CHART_FOLDER
            folder.mkdir(exist_ok=True)
            for form, drawn in (("svg", svgs), ("png", pngs)):
                for key, data in drawn.items():
                    target = folder / f"{key}.{form}"
                    target.write_bytes(data)
                    written[f"chart:{key}.{form}"] = target
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)
