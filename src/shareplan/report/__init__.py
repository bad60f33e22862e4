"""The Cabinet report: Word, HTML and PDF, with charts, from the typed results.

- :mod:`~shareplan.report.model`: the format-neutral document (sections, paragraphs, tables,
  figures, money that remembers where it came from);
- :mod:`~shareplan.report.context`: the results with the names a reader sees in place of ids;
- :mod:`~shareplan.report.sections` and :mod:`~shareplan.report.appendices`: one module per
  section of the Cabinet report and per appendix;
- :mod:`~shareplan.report.document`: :func:`build_report`, the table of contents;
- :mod:`~shareplan.report.writers`: Word, HTML, PDF, charts, the console, and the files.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from shareplan.report.document import build_report
    from shareplan.report.model import Report
    from shareplan.report.writers.files import CHART_FOLDER, REPORT_STEM, write_reports

__all__ = ["CHART_FOLDER", "REPORT_STEM", "Report", "build_report", "write_reports"]

_HOME = {
    "build_report": "shareplan.report.document",
    "Report": "shareplan.report.model",
    "CHART_FOLDER": "shareplan.report.writers.files",
    "REPORT_STEM": "shareplan.report.writers.files",
    "write_reports": "shareplan.report.writers.files",
}


def __getattr__(name: str) -> Any:
    """The public names, imported when first asked for: the process that prints the PDF (and
    every ``from shareplan.report import formatting``) then loads only what it uses, not every
    section of the report with the results' models."""
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOME[name]), name)
    globals()[name] = value
    return value
