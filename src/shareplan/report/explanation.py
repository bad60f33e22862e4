"""The explanation of one shortlisted opportunity (``shareplan explain``), made of the report's
own sections, so that its words and figures are written once: what it is and why (section 7's
project), its score criterion by criterion, its business case (Appendix 1) and its risks."""

from __future__ import annotations

from shareplan.report.appendices.business_cases import business_case
from shareplan.report.appendices.scores import criteria_breakdown
from shareplan.report.context import Context
from shareplan.report.model import Section
from shareplan.report.sections.proposals import project, reason
from shareplan.report.sections.risks import register
from shareplan.results import Results


def explanation(results: Results, oid: str) -> Section:
    """The explanation of opportunity ``oid`` (``KeyError`` if it is not on the shortlist)."""
    c = Context(results)
    results.opportunity(oid)
    reasons = {r.id: reason(c, r) for r in c.chosen.reasons} if c.chosen else {}
    what = project(c, oid, reasons.get(oid, ""))
    case = business_case(c, oid, common=set())
    risks = register(c, [oid])
    children = (
        criteria_breakdown(c, oid),
        *case.children,
        *((Section("Risks", (risks,)),) if risks else ()),
    )
    return Section(f"{what.title} ({oid})", what.blocks, children, key=f"explain-{oid}")
