"""Appendix 5: the assumptions in summary (the full list is in the workbook written beside the
report) and the evidence published after the meeting, listed but not cited."""

from __future__ import annotations

from shareplan.business_case import Assumption
from shareplan.evidence import ResolvedParameter
from shareplan.report import outline
from shareplan.report.appendices.business_cases import assumption_label, shown
from shareplan.report.context import Context
from shareplan.report.dating import is_later, short_citation
from shareplan.report.model import Block, Section, Table, notice, p

KEY = "appendix-assumptions"
WORKBOOK = "assumptions.xlsx"


def summary_rows(c: Context) -> list[tuple[str, str, str]]:
    """Each assumption the priority projects use, once: its value when they share it, otherwise
    that it varies by project."""
    by_key: dict[str, list[Assumption]] = {}
    for oid in c.selected:
        for a in c.opp(oid).business_case.assumptions:
            by_key.setdefault(a.key, []).append(a)
    rows = []
    for found in by_key.values():
        first = found[0]
        values = {repr(a.value) for a in found}
        value = shown(first.value, first.unit) if len(values) == 1 else "varies by project"
        rows.append(
            (
                assumption_label(first),
                value,
                str(first.confidence or first.origin).replace("_", " "),
            )
        )
    return rows


def later_evidence(c: Context) -> list[tuple[str, str]]:
    """Sources dated after the meeting, each once, with what they support."""
    seen: dict[str, str] = {}
    for param in c.results.parameters:
        if isinstance(param, ResolvedParameter) and is_later(
            param.source, param.valid_from, c.meeting_date
        ):
            seen.setdefault(short_citation(param.source), param.description)
    return sorted(seen.items())


def assumptions(c: Context) -> Section:
    blocks: list[Block] = [
        p(
            f"Every figure the appraisal used is in the workbook {WORKBOOK} published with this "
            "report, with its source, how far it can be trusted and the date it applies from. "
            "Confidence: confirmed (read in the source), secondary (from a reliable secondary "
            "source), derived, assumption (an estimate the Council can change) or illustrative. "
            "The table summarises those the priority projects rely on."
        )
    ]
    rows = summary_rows(c)
    if rows:
        blocks.append(
            Table(
                "Assumptions the priority projects rely on",
                ("Assumption", "Value", "Confidence"),
                tuple(rows),
            )
        )
    else:
        blocks.append(notice("The priority projects' assumptions"))
    later = later_evidence(c)
    if later:
        blocks.append(
            p(
                "Evidence published after the meeting is not cited as evidence members had. "
                "Where the appraisal still uses a figure it supports (the same figure was in "
                "earlier guidance, or it confirms an assumption), the source is listed here."
            )
        )
        blocks.append(
            Table(
                "Later evidence (published after the meeting)",
                ("Source", "What it supports"),
                tuple(later),
            )
        )
    return outline.appendix(KEY, blocks)
