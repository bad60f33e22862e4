"""Words a reader of any authority's outputs must not meet: the name of the 2010 example's council
(except where its report is cited as a source), the team's name for that report, and the
software's name."""

from __future__ import annotations

import re

from shareplan.evidence import EvidenceBase
from shareplan.report.dating import short_citation

STRAY = re.compile(r"rotherham|seed|shareplan", re.IGNORECASE)


def citation(evidence: EvidenceBase) -> str:
    """How the evidence cites the 2010 report, without its pinpoint: "Rotherham MBC, Cabinet
    report 'Shared Services', 1 December 2010"."""
    return short_citation(evidence.framework_source)


def stray_words(text: str, cited: str) -> list[str]:
    """The stray words in ``text`` once every citation of the 2010 report is taken out."""
    return STRAY.findall(text.replace(cited, ""))
