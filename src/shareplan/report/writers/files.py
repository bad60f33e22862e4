"""Writing the report's files: Word, HTML and PDF with the charts, the PDF printed in a second
process while this one draws the charts and writes the Word file.

:func:`write_reports` is what the pipeline and ``shareplan report`` call. It reads only the
results, so saved results can be reported again without recomputing the appraisal.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import shutil
import sys
import tempfile
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from shareplan.report.document import build_report
from shareplan.report.model import Report
from shareplan.report.writers.html import render_html
from shareplan.report.writers.pdf import write_pdf
from shareplan.results import Results

LOG = logging.getLogger(__name__)

REPORT_STEM = "cabinet-report"
CHART_FOLDER = "charts"


def _warm_up() -> None:
    """Run first in the second process, while the first draws the charts: load WeasyPrint (Pango,
    fontconfig, its user-agent stylesheet) so that the PDF starts at once when its HTML arrives."""
    from shareplan.report.writers.pdf import warm_up

    warm_up()


def _pdf(html: str, target: Path) -> None:
    from shareplan.report.writers.pdf import write_pdf

    write_pdf(html, target)


def _svgs(report: Report) -> dict[str, bytes]:
    from shareplan.report.writers.charts import render_all

    return {f.key: render_all(f.chart, ("svg",))["svg"] for f in report.figures()}


def _word(report: Report, staging: Path, template: Path | None) -> dict[str, bytes]:
    """Draw the charts as PNG and write the Word document; returns the PNGs."""
    from shareplan.report.writers.charts import render_all
    from shareplan.report.writers.docx import write_docx

    pngs = {f.key: render_all(f.chart, ("png",))["png"] for f in report.figures()}
    write_docx(report, pngs, staging / f"{REPORT_STEM}.docx", template)
    return pngs


def _finished(*futures: Future[None]) -> bool:
    """Wait for the second process's work; ``False`` (and one log line) if that process died or
    could not start, so that the caller makes the PDF itself. An error in the work itself (a
    broken template, say) is raised as it would be in one process."""
    try:
        for future in futures:
            future.result()
    except (BrokenProcessPool, OSError) as exc:
        LOG.info(
            "report: second process unavailable (%s); printing the PDF here", type(exc).__name__
        )
        return False
    return True


def _can_spawn() -> bool:
    """Whether a fresh interpreter can start: it imports the caller's ``__main__`` again by its
    path, which fails (with a traceback on stderr) when that path is not a file, as for a script
    read from stdin."""
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    return path is None or os.path.isfile(path)


def write_reports(
    results: Results,
    out_dir: Path,
    template: Path | None = None,
    *,
    charts: bool = True,
    parallel: bool = True,
) -> dict[str, Path]:
    """Write ``cabinet-report.docx``, ``.html`` and ``.pdf`` (and, with ``charts``, each chart as
    SVG and PNG under ``charts/``) into ``out_dir``; returns what was written, by name.

    ``template`` is an authority's own .docx whose styles, page set-up and letterhead the Word
    report takes. Files are written beside their targets and renamed into place, so a failure
    leaves no half-written report. Raises :class:`~shareplan.errors.InputError` when the template
    is not a usable Word document.

    With ``parallel`` the PDF is printed in a second process (started fresh, not forked), which
    loads WeasyPrint while this one draws the charts and writes the HTML, then prints the HTML
    while this one writes the Word file. If that process cannot start or dies, this one prints
    the PDF itself (one log line at ``INFO``, nothing on stderr).
    """
    if template is not None:
        from shareplan.report.writers.docx import check_template

        check_template(template)  # before any work, and before anything is written
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".report.", dir=out_dir))
    pdf_target = staging / f"{REPORT_STEM}.pdf"
    try:
        report = build_report(results)
        pool: ProcessPoolExecutor | None = None
        if parallel and _can_spawn():
            pool = ProcessPoolExecutor(
                max_workers=1, mp_context=multiprocessing.get_context("spawn")
            )
        try:
            warm = pool.submit(_warm_up) if pool else None
            svgs = _svgs(report)
            html = render_html(report, svgs)
            (staging / f"{REPORT_STEM}.html").write_text(html, encoding="utf-8")
            printing = pool.submit(_pdf, html, pdf_target) if pool else None
            pngs = _word(report, staging, template)
            if printing is None or warm is None or not _finished(warm, printing):
                write_pdf(html, pdf_target)
        finally:
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)
        written: dict[str, Path] = {}
        for kind in ("docx", "html", "pdf"):
            target = out_dir / f"{REPORT_STEM}.{kind}"
            os.replace(staging / f"{REPORT_STEM}.{kind}", target)
            written[kind] = target
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
