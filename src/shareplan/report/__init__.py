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

from shareplan.report.document import build_report
from shareplan.report.model import Report
from shareplan.report.writers.files import CHART_FOLDER, REPORT_STEM, write_reports

__all__ = ["CHART_FOLDER", "REPORT_STEM", "Report", "build_report", "write_reports"]
