"""The closing sections and appendices of the benefits realisation report: policy, background
papers, the benefits register, the milestones and how the figures are worked out."""

from __future__ import annotations

import datetime as dt

from shareplan.report import formatting as fmt
from shareplan.tracking.model import CATEGORY_WORDS, MILESTONE_WORDS, Category, MilestoneKind
from shareplan.tracking.publish import Money, Section, Table
from shareplan.tracking.report_context import Context, para


def policy(c: Context) -> Section:
    return Section(
        "Policy and Performance Agenda Implications",
        (
            para(
                "Sharing services supports the council's priorities by protecting front-line services "
                "from cuts. When a project reaches its full run-rate or closes, what it achieved "
                "against its business case is added to the outcomes library, so that later appraisals "
                "learn from it (highlighting and sharing learning, as the original report asked)."
            ),
        ),
        number="10",
        key="policy",
    )


def background(c: Context) -> Section:
    return Section(
        "Background Papers and Consultation",
        (
            para(
                "The business cases approved by Cabinet on "
                f"{fmt.long_date(c.t.settings.decision_date.isoformat())}; the benefits register and "
                "the ledger extracts loaded into it; HM Government, Government Functional Standard "
                "GovS 002: Project delivery; Infrastructure and Projects Authority, Guide for "
                "effective benefits management in major projects; HM Treasury, The Green Book, "
                "supplementary guidance on optimism bias."
            ),
        ),
        number="11",
        key="background",
    )


def register(c: Context) -> Section:
    rows = tuple(
        (
            c.title(b.project),
            CATEGORY_WORDS[b.category],
            b.owner,
            b.measure,
            b.data_source,
            fmt.number(b.target, 1)
            if b.category is Category.FTE_RELEASED
            else Money(b.target, ("tracker", "benefits", i, "target")),
            fmt.long_date(b.target_date.isoformat()),
        )
        for i, b in enumerate(c.t.benefits)
        if b.target != 0 or b.category is not Category.TRADING_INCOME
    )
    return Section(
        "Appendix 1: The benefits register",
        (
            Table(
                "Each benefit's owner, measure, data source and target at full run-rate",
                (
                    "Project",
                    "Benefit",
                    "Owner",
                    "Measure",
                    "Data source",
                    "Target",
                    "Target date",
                ),
                rows,
                (False, False, False, False, False, True, False),
            ),
        ),
        key="register",
    )


def milestones(c: Context) -> Section:
    rows = []
    for status in c.s.statuses:
        for m in (x for x in c.t.milestones if x.project == status.code):
            actual = next((s.actual for s in status.milestones if s.kind is m.milestone), None)
            rows.append(
                (
                    c.title(m.project),
                    MILESTONE_WORDS[MilestoneKind(m.milestone)],
                    _day(m.planned),
                    _day(m.p50),
                    _day(m.p90),
                    _day(actual) if actual else "not reported",
                )
            )
    return Section(
        "Appendix 2: Milestones",
        (
            Table(
                "Milestones: the business case's date, the range, and the date reached",
                (
                    "Project",
                    "Milestone",
                    "Business case",
                    "Middle (P50)",
                    "Latest likely (P90)",
                    "Reached",
                ),
                tuple(rows),
            ),
        ),
        key="milestones",
    )


def _day(day: dt.date) -> str:
    return fmt.long_date(day.isoformat())


def method(c: Context) -> Section:
    return Section(
        "Appendix 3: How the status and the forecast are worked out",
        (
            para(
                "The plan for each period is the business case's cash-flow model read month by month, "
                f"with its risk analysis re-run {c.t.settings.draws:,} times (the same inputs and "
                "ranges as the business case, so the same outcomes). The middle of those outcomes is the plan; the "
                "low and high are the 10th and 90th percentiles."
            ),
            para(
                "The forecast weighs every one of those outcomes by how closely its savings, costs and "
                "milestones match the actual figures (a Bayesian update of the saving, the delay and "
                "the cost overrun), then reads the net present value and the chance of paying back "
                "from the weighted outcomes, with the actual figures in place of the modelled ones for "
                "the periods already reported."
            ),
            para(
                "The status rule and the allowance for noise in ledger figures are dated assumptions "
                "in the evidence base (under benefits tracking), not fixed in the software."
            ),
        ),
        key="method",
    )
