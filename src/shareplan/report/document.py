"""The Cabinet report's table of contents: :func:`build_report` puts the heading block, the
numbered sections and the appendices in the order of the seed's own report.

Each section is built in its own module (:mod:`shareplan.report.sections`,
:mod:`shareplan.report.appendices`) from the typed results alone, so a saved appraisal can be
reported again without recomputing anything; a new section is a new module and one line here.
"""

from __future__ import annotations

from shareplan.report.appendices.business_cases import business_cases
from shareplan.report.appendices.evidence import evidence_used
from shareplan.report.appendices.long_list import long_list
from shareplan.report.appendices.near_misses import near_misses
from shareplan.report.appendices.scores import scores
from shareplan.report.appendices.sensitivity import sensitivity
from shareplan.report.context import Context
from shareplan.report.model import Report
from shareplan.report.sections.background import background
from shareplan.report.sections.finance import finance
from shareplan.report.sections.heading import heading, title
from shareplan.report.sections.policy import policy
from shareplan.report.sections.proposals import proposals
from shareplan.report.sections.recommendations import recommendations
from shareplan.report.sections.risks import risks
from shareplan.report.sections.summary import summary
from shareplan.results import Results


def build_report(results: Results) -> Report:
    """The Cabinet report of one appraisal."""
    c = Context(results)
    return Report(
        title=title(c),
        authority=results.scenario.authority,
        heading=heading(c),
        sections=(
            summary(c),  # 5
            recommendations(c),  # 6
            proposals(c),  # 7
            finance(c),  # 8
            risks(c),  # 9
            policy(c),  # 10
            background(c),  # 11
        ),
        appendices=(
            business_cases(c),  # 1
            scores(c),  # 2
            sensitivity(c),  # 3
            near_misses(c),  # 4
            long_list(c),  # 5
            evidence_used(c),  # 6
        ),
        generator=f"{results.generator.name} {results.generator.version}",
    )
