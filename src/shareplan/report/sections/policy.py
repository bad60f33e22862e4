"""Policy and Performance Agenda Implications: corporate priorities and jobs."""

from __future__ import annotations

from shareplan.report import formatting as fmt
from shareplan.report import outline
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
    elif c.selected:
        blocks.append(
            p(
                "The Council has not listed its corporate priorities for this appraisal, so no "
                "project scored for supporting them; each full business case will say how the "
                "project supports the Council's plan."
            )
        )
    for oid in c.selected if priorities else ():
        criterion = c.opp(oid).scores.criteria.get("corporate_priorities")
        if criterion is not None and criterion.rationale:
            blocks.append(p(f"{c.short(oid)}: {criterion.rationale}", kind="bullet"))
    if c.selected:
        measures = [c.opp(oid).business_case.measures for oid in c.selected]
        created = sum(m.fte_created_in_borough for m in measures)
        blocks.append(
            p(
                "Jobs: the principle of retaining jobs within the Council's area is met by choosing "
                "partners and ways of working that keep the work here"
                + (
                    f"; trading is expected to create about {fmt.number(created)} full-time "
                    "equivalent posts."
                    if created >= 0.5
                    else "."
                )
                + f" The posts affected are in {outline.ref('human-resources')}."
            )
        )
    else:
        blocks.append(notice("The jobs effect of the programme"))
    return outline.body_section("policy", blocks)
