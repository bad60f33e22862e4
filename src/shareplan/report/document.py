"""The Cabinet report's table of contents: :func:`build_report` puts the heading block, the
numbered sections and the appendices in the order of :mod:`shareplan.report.outline`.

Each section is built in its own module (:mod:`shareplan.report.sections`,
:mod:`shareplan.report.appendices`) from the typed results alone, so a saved appraisal can be
reported again without recomputing anything; a new section is a new module, a line in the
outline and one line here.
"""

from __future__ import annotations

from collections.abc import Callable

from shareplan.report import outline
from shareplan.report.appendices.assumptions import assumptions
from shareplan.report.appendices.method import method
from shareplan.report.appendices.near_misses import near_misses
from shareplan.report.appendices.projects import projects
from shareplan.report.appendices.robustness import robustness
from shareplan.report.appendices.scores import scores
from shareplan.report.context import Context
from shareplan.report.model import Report, Section
from shareplan.report.sections.background import background
from shareplan.report.sections.finance import finance
from shareplan.report.sections.glossary import glossary
from shareplan.report.sections.governance import consultation, exempt, key_decision, timetable
from shareplan.report.sections.heading import heading, title
from shareplan.report.sections.implications import (
    equalities,
    human_resources,
    legal,
    procurement,
    wards,
)
from shareplan.report.sections.options import options
from shareplan.report.sections.policy import policy
from shareplan.report.sections.proposals import proposals
from shareplan.report.sections.recommendations import recommendations
from shareplan.report.sections.risks import risks
from shareplan.report.sections.summary import summary
from shareplan.results import Results

Builder = Callable[[Context], Section]

BUILDERS: dict[str, Builder] = {
    "summary": summary,
    "recommendations": recommendations,
    "proposals": proposals,
    "options": options,
    "consultation": consultation,
    "timetable": timetable,
    "finance": finance,
    "procurement": procurement,
    "legal": legal,
    "human-resources": human_resources,
    "equalities": equalities,
    "wards": wards,
    "risks": risks,
    "policy": policy,
    "key-decision": key_decision,
    "exempt": exempt,
    "background": background,
    "glossary": glossary,
    "appendix-projects": projects,
    "appendix-robustness": robustness,
    "appendix-alternatives": near_misses,
    "appendix-scores": scores,
    "appendix-assumptions": assumptions,
    "appendix-method": method,
}


def build_report(results: Results) -> Report:
    """The Cabinet report of one appraisal."""
    c = Context(results)
    return Report(
        title=title(c),
        authority=results.scenario.authority,
        heading=heading(c),
        sections=tuple(BUILDERS[key](c) for key, _ in outline.BODY),
        appendices=tuple(BUILDERS[key](c) for key, _ in outline.APPENDICES),
        generator=f"{results.generator.name} {results.generator.version}",
        meeting=f"{heading(c)[0][2]}, {heading(c)[1][2]}",
        created=results.created.isoformat(),
    )
