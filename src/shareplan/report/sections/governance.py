"""The decision's governance: consultation done and to do, the timetable and who is accountable,
whether it is a key decision in the Forward Plan, and whether any information is exempt."""

from __future__ import annotations

from shareplan.assessment.weights import DEFAULT_STAKEHOLDER
from shareplan.report import formatting as fmt
from shareplan.report import outline
from shareplan.report.context import Context
from shareplan.report.model import Block, Section, p
from shareplan.report.sections.recommendations import report_back


def consultation(c: Context) -> Section:
    # the evidence's own weights stand in when nobody has weighted the criteria yet
    stakeholders = [
        w.stakeholder
        for w in c.results.stakeholders.stakeholders
        if w.stakeholder != DEFAULT_STAKEHOLDER
    ]
    partners = sorted(
        {c.name(x) for oid in c.selected for x in c.opp(oid).partner_ids},
    )
    blocks: list[Block] = []
    if stakeholders:
        blocks.append(
            p(
                "Done: the weights given to the principles and criteria were set with "
                f"{fmt.listing(stakeholders)}; where they differ, the report shows how much "
                f"the choice depends on it ({outline.ref('appendix-robustness')})."
            )
        )
    else:
        blocks.append(
            p(
                "To do: members and senior officers have not yet weighted the principles and "
                "criteria; this report uses the starting weights in the evidence base "
                f"({outline.ref('appendix-scores')}), and the choice should be confirmed once "
                "they have."
            )
        )
    if partners:
        blocks.append(
            p(
                f"To do: discussions with {fmt.listing(partners)} on each project's terms, "
                "governance and sharing of costs and savings, before the full business cases."
            )
        )
    blocks.append(
        p(
            "To do: formal consultation with staff and the recognised trade unions on any "
            "change to posts or employer, and with service users where the way they reach a "
            "service changes; the relevant scrutiny panel will be offered the full business "
            "cases before Cabinet decides on them."
        )
    )
    return outline.body_section("consultation", blocks)


def timetable(c: Context) -> Section:
    contact = [x.strip() for x in c.results.scenario.contact.split(";") if x.strip()]
    blocks: list[Block] = [
        p(
            f"If Cabinet agrees, the full business cases come back to Cabinet by {report_back(c)}. "
            "Savings begin when the summary table shows for each project (section "
            f"{outline.number('summary')}; {outline.ref('appendix-projects')} has the "
            "programme's timeline); the savings achieved are reported against the business cases "
            "to Cabinet each year."
        )
    ]
    # "Name, Title" closes its apposition with a comma before the verb
    who = [f"{x}," if "," in x else x for x in contact]
    if who:
        blocks.append(
            p(
                f"Accountable: {who[0]} leads the programme"
                + (f"; {who[1]} is responsible for its finances." if len(who) > 1 else ".")
            )
        )
    return outline.body_section("timetable", blocks)


def key_decision(c: Context) -> Section:
    reference = str(c.setting("authority.forward_plan_reference", ""))
    chosen = c.results.chosen
    # what the recommendations approve: the programme's cost, not the ceiling it was chosen under
    spend = (
        f"commits {fmt.money(chosen.totals.one_off_cost)} and "
        if chosen is not None and c.selected
        else ""
    )
    text = f"This is a key decision: it {spend}affects communities in two or more wards. " + (
        f"It is in the Forward Plan of key decisions as {reference}."
        if reference
        else "It must be entered in the Forward Plan of key decisions before Cabinet takes it."
    )
    return outline.body_section("key-decision", [p(text)])


def exempt(c: Context) -> Section:
    return outline.body_section(
        "exempt",
        [
            p(
                "This report contains no exempt information and can be considered in public. "
                "The full business cases may include information about partners' financial or "
                "business affairs, which is exempt under paragraph 3 of Schedule 12A to the "
                "Local Government Act 1972; they will say so when they come back."
            )
        ],
    )
