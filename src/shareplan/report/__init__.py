"""The Cabinet report: Word, HTML and PDF, with charts, from a results.json document.

:func:`write_reports` is what the pipeline and ``shareplan report`` call. It reads only the
results document, so saved results can be reported again without recomputing the appraisal.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import tempfile
from collections.abc import Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from shareplan.report.document import Report, build_report

REPORT_STEM = "cabinet-report"
CHART_FOLDER = "charts"

__all__ = ["REPORT_STEM", "Report", "build_report", "write_reports"]


def _web(results: Mapping[str, Any], staging: Path) -> dict[str, bytes]:
    """Draw the charts as SVG, write the HTML page and print it to PDF; returns the SVGs."""
    from shareplan.report.charts import render_all
    from shareplan.report.html import render_html
    from shareplan.report.pdf import write_pdf

    report = build_report(results)
    svgs = {f.key: render_all(f.chart, ("svg",))["svg"] for f in report.figures()}
    html = render_html(report, svgs)
    (staging / f"{REPORT_STEM}.html").write_text(html, encoding="utf-8")
    write_pdf(html, staging / f"{REPORT_STEM}.pdf")
    return svgs


def _word(results: Mapping[str, Any], staging: Path, template: Path | None) -> dict[str, bytes]:
    """Draw the charts as PNG and write the Word document; returns the PNGs."""
    from shareplan.report.charts import render_all
    from shareplan.report.docx import write_docx

    report = build_report(results)
    pngs = {f.key: render_all(f.chart, ("png",))["png"] for f in report.figures()}
    write_docx(report, pngs, staging / f"{REPORT_STEM}.docx", template)
    return pngs


def write_reports(
    results: Mapping[str, Any],
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

    With ``parallel`` the HTML and PDF are made in a second process (started fresh, not forked)
    while this one makes the Word file: the two share nothing but the results dict.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".report.", dir=out_dir))
    try:
        svgs: dict[str, bytes] | None = None
        pngs: dict[str, bytes] | None = None
        if parallel:
            context = multiprocessing.get_context("spawn")
            try:
                with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
                    web: Future[dict[str, bytes]] = pool.submit(_web, dict(results), staging)
                    pngs = _word(results, staging, template)
                    svgs = web.result()
            except BrokenProcessPool:
                # A fresh interpreter could not start (e.g. the caller's __main__ is stdin or a
                # notebook): make the HTML and PDF here instead.
                svgs = None
        if svgs is None:
            svgs = _web(results, staging)
        if pngs is None:
            pngs = _word(results, staging, template)
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
