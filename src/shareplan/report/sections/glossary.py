"""Glossary: the few technical terms the report still uses, in plain words."""

from __future__ import annotations

from shareplan.report import outline
from shareplan.report.context import Context
from shareplan.report.model import Section, Table
from shareplan.report.sections.summary import quick_win_rule

TERMS = (
    (
        "Net present value",
        "All the savings less all the costs over the appraisal period, with money in later years "
        "counted for less (discounted at 3.5% a year, as HM Treasury's Green Book requires), so "
        "that projects paying back at different times can be compared. Positive means the "
        "project saves more than it costs.",
    ),
    (
        "Optimism bias",
        "An allowance added to one-off costs and timescales because projects tend to cost more "
        "and take longer than first planned. The Green Book sets the starting allowance; it is "
        "reduced as a full business case shows specific risks are managed.",
    ),
    (
        "1 in 10 chance",
        "How likely an outcome is when costs, savings and timing vary within their ranges: a "
        "1 in 10 chance of less than the low case means 10 times in 100 it would be worse. "
        "'Almost certain' means 99 in 100 or more, 'very likely' 8 in 10 or more, 'likely' "
        "6 in 10 or more, 'as likely as not' 4 to 6 in 10; near either end chances are given "
        "in hundreds.",
    ),
    (
        "Expected value",
        "The average net present value over many combinations of costs, savings and timing "
        "drawn within their ranges; the middle case (the median) is the value with as many "
        "combinations above it as below.",
    ),
    (
        "Real and cash prices",
        "Real prices are today's money, with inflation taken out; cash prices are what will "
        "actually be paid in each year, used in the medium-term financial plan.",
    ),
    (
        "Full business case",
        "The detailed case for one project, agreed with its partners, that Cabinet approves "
        "before money is committed beyond the first tranche.",
    ),
    (
        "TUPE",
        "The regulations that protect the terms of staff who move to a new employer with their "
        "work.",
    ),
    (
        "Switching value",
        "How far an estimate (a saving, a cost) would have to move before a project stopped "
        "being worth doing.",
    ),
)


def glossary(c: Context) -> Section:
    quick = f"A project whose {quick_win_rule(c)}."
    terms = sorted((*TERMS, ("Quick win", quick)), key=lambda t: t[0].lower())
    return outline.body_section(
        "glossary", [Table("Terms used in this report", ("Term", "Meaning"), tuple(terms))]
    )
