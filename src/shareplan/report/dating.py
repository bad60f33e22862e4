"""Which sources a report may cite: the appraisal is written as at its meeting, so a source
published after the meeting is not cited as evidence members had (docs/report.md, "As at its
date").

A citation is dated by the latest year written in it ("HM Treasury Green Book (2022)",
"NAO 'Shared service centres' (2016)"); a citation with no year is dated by the day its value
came into force. It is *later* when that year is after the meeting's year, or, with no year
written, when the value came into force after the meeting.

A source may list several citations parted by semicolons: the one that set the figure and those
that later confirmed it ("SI 2023/1117; LUPC (2024); carried into the Procurement Act 2023 from
2025"). The figure was available to the meeting when any of them was, so such a source is later
only when every citation in it is, and the report names the first citation the meeting had.
"""

from __future__ import annotations

import datetime as dt
import re

YEAR = re.compile(r"(?<![\d.£%-])(19\d{2}|20\d{2})(?![\d%])")


def cited_year(source: str) -> int | None:
    """The latest year a citation names, or ``None``."""
    years = [int(y) for y in YEAR.findall(source)]
    return max(years) if years else None


def _citation_is_later(citation: str, valid_from: dt.date | None, meeting: dt.date) -> bool:
    year = cited_year(citation)
    if year is not None:
        return year > meeting.year
    return valid_from is not None and valid_from > meeting


def citations(source: str) -> list[str]:
    """The citations a source lists, parted by semicolons (never an empty one)."""
    parts = [part.strip() for part in source.split(";")]
    return [part for part in parts if part] or [source]


def is_later(source: str, valid_from: dt.date | None, meeting: dt.date) -> bool:
    """Whether a source postdates the meeting, by the rule above: every citation in it does."""
    return all(_citation_is_later(part, valid_from, meeting) for part in citations(source))


def citation_at(source: str, valid_from: dt.date | None, meeting: dt.date) -> str:
    """The document a source names as the meeting would cite it: its first citation dated on or
    before the meeting (the first one when all are later), without pinpoint or mirror note."""
    parts = citations(source)
    chosen = next((x for x in parts if not _citation_is_later(x, valid_from, meeting)), parts[0])
    return short_citation(chosen)


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
