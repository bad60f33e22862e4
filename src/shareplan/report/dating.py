"""Which sources a report may cite: the appraisal is written as at its meeting, so a source
published after the meeting is not cited as evidence members had (docs/report.md, "As at its
date").

A source is dated by the latest year written in its citation ("HM Treasury Green Book (2022)",
"NAO 'Shared service centres' (2016)"); a citation with no year is dated by the day its value
came into force. It is *later* when that year is after the meeting's year, or, with no year
written, when the value came into force after the meeting.
"""

from __future__ import annotations

import datetime as dt
import re

YEAR = re.compile(r"(?<![\d.£%-])(19\d{2}|20\d{2})(?![\d%])")


def cited_year(source: str) -> int | None:
    """The latest year a citation names, or ``None``."""
    years = [int(y) for y in YEAR.findall(source)]
    return max(years) if years else None


def is_later(source: str, valid_from: dt.date | None, meeting: dt.date) -> bool:
    """Whether a source postdates the meeting, by the rule above."""
    year = cited_year(source)
    if year is not None:
        return year > meeting.year
    return valid_from is not None and valid_from > meeting


PINPOINT = re.compile(r",\s*(?:paras?\b|Annex\b|Table\b|section\b|sheet\b|p\.)")
MIRROR = re.compile(r"\s*\([^)]*mirror[^)]*\)")


def short_citation(source: str) -> str:
    """The document a citation names, without its pinpoint (paragraph, table) or mirror note:
    "HM Treasury Green Book (2003), Annex 6 paras 10-12" -> "HM Treasury Green Book (2003)"."""
    text = MIRROR.sub("", source)
    text = text.split(";")[0]
    match = PINPOINT.search(text)
    if match:
        text = text[: match.start()]
    return text.strip().rstrip(".:,")
