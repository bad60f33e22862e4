"""Appendix 5: the assumptions in summary (the full list is in the workbook written beside the
report) and the evidence published after the meeting, listed but not cited."""

from __future__ import annotations

import re

from shareplan.evidence import ResolvedParameter
from shareplan.report import outline
from shareplan.report.appendices.business_cases import shown
from shareplan.report.context import Context
from shareplan.report.dating import is_later, short_citation
from shareplan.report.model import Block, Section, Table, notice, p
from shareplan.report.sections.background import INTERNAL, PUBLISHED

KEY = "appendix-assumptions"
WORKBOOK = "assumptions.xlsx"


LEFT_OUT = ("assessment.", "risks.", "procurement.")
"""Assumptions the summary leaves to the workbook: the scoring scales (Appendix 4 gives the
weights), the risk register's defaults (section 17) and the procurement rules (section 12)."""
BOUNDS = ("low", "central", "high")

PARAMETER_ID = r"[a-z_]+(?:\.[a-z0-9_]+)+"
NAMED_ID = re.compile(
    rf"\s*(?:\(\s*{PARAMETER_ID}\s*\)|{PARAMETER_ID}:\s*|:\s*{PARAMETER_ID}(?=\)))"
)
"""A parameter's id where a description names it ("(savings.x: its own staff's work)", "by cost
category: optimism.cost_categories)"): members read the words around it, never the id."""


def plain(description: str) -> str:
    """A parameter's description without the ids of other parameters it names."""
    return re.sub(r"\s{2,}", " ", NAMED_ID.sub("", description)).strip()


def summary_rows(c: Context) -> list[tuple[str, str, str]]:
    """The assumptions the priority projects' costs and savings rest on, one row each: a range's
    low, central and high values together, and "varies by project" where projects differ."""
    rows: dict[str, dict[str, set[str]]] = {}
    grades: dict[str, str] = {}
    for oid in c.selected:
        for a in c.opp(oid).business_case.assumptions:
            if a.key.startswith(LEFT_OUT):
                continue
            bound = a.key.rsplit(".", 1)[-1]
            bound = bound if bound in BOUNDS else ""
            label = plain(a.description)
            rows.setdefault(label, {}).setdefault(bound, set()).add(shown(a.value, a.unit))
            grades[label] = str(a.confidence or a.origin).replace("_", " ")
    out = []
    for label, values in rows.items():
        if any(len(v) > 1 for v in values.values()):
            value = "varies by project (see the workbook)"
        elif set(values) <= {""}:
            value = next(iter(values[""]))
        else:
            value = " / ".join(f"{b} {next(iter(values[b]))}" for b in BOUNDS if b in values)
        out.append((label, value, grades[label]))
    return out


def later_evidence(c: Context) -> list[tuple[str, str]]:
    """Sources dated after the meeting, each once, with what they support."""
    seen: dict[str, str] = {}
    for param in c.results.parameters:
        if (
            isinstance(param, ResolvedParameter)
            and str(param.confidence) in PUBLISHED
            and not any(word in param.source.lower() for word in INTERNAL)
            and is_later(param.source, param.valid_from, c.meeting_date)
        ):
            seen.setdefault(short_citation(param.source), plain(param.description))
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
