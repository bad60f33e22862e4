"""Glossary: the few technical terms the report still uses, in plain words."""

from __future__ import annotations

from shareplan.report import formatting as fmt
from shareplan.report import outline
from shareplan.report.context import Context
from shareplan.report.model import Section, Table

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


def _chances() -> str:
    """What "1 in 10" and every word the report uses for a chance mean, from the one table of
    bands (:data:`~shareplan.report.formatting.CHANCES`), so no word is left undefined."""
    bands: list[str] = []
    above = 1.0
    for floor, word in fmt.CHANCES:
        bands.append(
            f"'{word}' {round(floor * 100)} in 100 or more"
            if floor
            else f"'{word}' fewer than {round(above * 100)} in 100"
        )
        above = floor
    bands[0] = bands[0].replace("' ", "' means ", 1)
    return (
        "How likely an outcome is when costs, savings and timing vary within their ranges: a "
        "1 in 10 chance of less than the low case means 10 times in 100 it would be worse. "
        f"In words, {fmt.listing(bands)}."
    )


def glossary(c: Context) -> Section:
    months = int(c.setting("business_case.quick_win.months", 12))
    share = c.setting("business_case.quick_win.min_share_of_annual", 0.0)
    quick = f"A project whose savings begin within {fmt.months(months)} of approval" + (
        f" and reach {fmt.percent(float(share))} of their full yearly level by then."
        if share
        else "."
    )
    terms = sorted(
        (*TERMS, ("Quick win", quick), ("1 in 10 chance", _chances())), key=lambda t: t[0].lower()
    )
    return outline.body_section(
        "glossary", [Table("Terms used in this report", ("Term", "Meaning"), tuple(terms))]
    )
