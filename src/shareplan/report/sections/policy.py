"""10. Policy and Performance Agenda Implications: corporate priorities and jobs."""

from __future__ import annotations

from shareplan.report import formatting as fmt
from shareplan.report.context import Context
from shareplan.report.model import Block, Section, notice, p


def policy(c: Context) -> Section:
    priorities = c.results.scenario.corporate_priorities
    blocks: list[Block] = []
    if priorities:
        blocks.append(
            p(
                "The Council's corporate priorities are "
                + fmt.listing(list(priorities))
                + ". Support for them is one of the criteria every project was scored against."
            )
        )
    for oid in c.selected:
        criterion = c.opp(oid).scores.criteria.get("corporate_priorities")
        if criterion is not None and criterion.rationale:
            blocks.append(p(f"{c.title(oid)}: {criterion.rationale}", kind="bullet"))
    if c.selected:
        measures = [c.opp(oid).business_case.measures for oid in c.selected]
        kept = sum(m.fte_kept_in_borough + m.fte_created_in_borough for m in measures)
        released = sum(m.fte_released for m in measures)
        blocks.append(
            p(
                "Jobs: the priority projects keep or create about "
                f"{fmt.number(kept)} full-time equivalent posts in the borough and release about "
                f"{fmt.number(released)}, in line with the principle of retaining jobs within the "
                "borough."
            )
        )
    else:
        blocks.append(notice("The jobs effect of the programme"))
    return Section(
        "Policy and Performance Agenda Implications", tuple(blocks), number="10", key="policy"
    )
