"""The report's heading block: meeting, date, title and directorate (items 1 to 4)."""

from __future__ import annotations

from shareplan.report import formatting as fmt
from shareplan.report.context import Context

DEFAULT_TITLE = "Shared Services: priority projects"


def title(c: Context) -> str:
    return c.results.scenario.report_title or DEFAULT_TITLE


def heading(c: Context) -> tuple[tuple[str, str, str], ...]:
    s = c.results.scenario
    date = s.meeting_date or s.appraisal_date
    rows = (
        ("1", "Meeting", s.meeting or "Cabinet"),
        ("2", "Date", fmt.long_date(date.isoformat())),
        ("3", "Title", title(c)),
    )
    # a blank directorate is left out rather than printed as a placeholder (docs/report.md)
    return (*rows, ("4", "Directorate", s.directorate)) if s.directorate.strip() else rows
