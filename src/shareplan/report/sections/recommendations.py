"""6. Recommendations: what Cabinet is asked to decide."""

from __future__ import annotations

from shareplan.report import formatting as fmt
from shareplan.report.context import Context
from shareplan.report.model import Block, Section, p


def recommendations(c: Context) -> Section:
    blocks: list[Block] = [p("That Cabinet:")]
    budget = c.budget()
    if c.infeasible or not c.selected:
        blocks.append(
            p(
                "Note that no programme of priority projects meets every rule it was given, "
                "and decide which rule to relax (see the Summary)."
                if c.infeasible
                else "Note that the programme of priority projects is not available yet.",
                kind="bullet",
            )
        )
    else:
        blocks.append(
            p(
                "Approve the programme of "
                f"{fmt.count(len(c.selected), 'priority project')} set out in section 7 "
                "for development into full business cases and implementation.",
                kind="bullet",
            )
        )
        if budget:
            blocks.append(
                p(
                    "Approve an implementation budget of up to ",
                    budget,
                    " for the one-off costs of the programme, as set out in section 8.",
                    kind="bullet",
                )
            )
    blocks.append(
        p(
            "Request that SLT begin discussions with the partners named for each project, take "
            "legal advice where a project needs it, and report progress and any change in the "
            "business cases to Cabinet.",
            kind="bullet",
        )
    )
    return Section("Recommendations", tuple(blocks), number="6", key="recommendations")
