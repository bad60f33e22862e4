"""Appendix 6: the evidence base used: the delivery models, the criteria, and every parameter
the priority projects' business cases used, with its source and confidence."""

from __future__ import annotations

from shareplan.evidence import ResolvedParameter
from shareplan.report.context import Context
from shareplan.report.model import Block, Section, Table, notice, p
from shareplan.results.header import Parameter

TITLE = "Appendix 6: The evidence base used"


def used_parameters(c: Context) -> list[Parameter]:
    """The evidence-base parameters the priority projects' business cases used: those whose key
    is an assumption's key or the start of one (``costs.project_team_fte`` for
    ``costs.project_team_fte.commercial_trading``)."""
    keys = {a.key for oid in c.selected for a in c.opp(oid).business_case.assumptions}
    params = list(c.results.parameters)
    if not keys:
        return [x for x in params if not x.key.startswith("authority.")]
    return [x for x in params if x.key in keys or any(k.startswith(x.key + ".") for k in keys)]


def _row(x: Parameter) -> tuple[str, str, str]:
    confidence, note = "scenario override", ""
    if isinstance(x, ResolvedParameter):
        note = x.note
        if x.origin != "scenario":
            confidence = str(x.confidence)
    return (x.description or x.key, confidence, x.source + (f" ({note})" if note else ""))


def evidence_used(c: Context) -> Section:
    ev = c.framework
    origin = (
        "those of the report that approved the principles"
        if c.approved
        else "those of the shared services framework this appraisal uses"
    )
    blocks: list[Block] = [
        p(
            f"The delivery models and the criteria are {origin}. Every figure from guidance or research comes from the evidence base with "
            "its source and a confidence grade: confirmed (read in the source), secondary (from a "
            "reliable secondary source), derived, assumption (an editable assumption) or "
            "illustrative."
        ),
        Table(
            "The seven delivery models",
            ("Model", "What it is"),
            tuple((c.model(m.id), m.explanation) for m in ev.models),
        ),
        Table(
            "The criteria, by principle",
            ("Criterion", "Principle", "Wording"),
            tuple(
                (c.criterion(k.id), c.group_names.get(k.group, k.group), k.wording)
                for k in ev.criteria
            ),
        ),
    ]
    params = used_parameters(c)
    if params:
        blocks.append(
            Table(
                "Parameters the priority projects' business cases used, with their sources",
                ("Parameter", "Confidence", "Source"),
                tuple(_row(x) for x in params),
            )
        )
    else:
        blocks.append(notice("The evidence base"))
    return Section(TITLE, tuple(blocks), key="appendix-evidence")
