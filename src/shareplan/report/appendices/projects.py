"""Appendix 1: one page per priority project: what it is, who with, what it costs and saves, when,
its risks, its procurement route in words, and how far its estimates could move before it stopped
being worth doing."""

from __future__ import annotations

from shareplan.business_case import SwitchingValue
from shareplan.report import formatting as fmt
from shareplan.report import outline
from shareplan.report.context import Context
from shareplan.report.model import Block, Money, Run, Section, Table, notice, p
from shareplan.report.sections.general_fund import general_fund_npv
from shareplan.report.sections.implications import staff_move
from shareplan.report.sections.proposals import gantt_figure, reason
from shareplan.report.sections.risks import project_risks

KEY = "appendix-projects"


def projects(c: Context) -> Section:
    if not c.selected:
        return outline.appendix(KEY, [notice("The priority projects")])
    reasons = {r.id: reason(c, r) for r in c.chosen.reasons} if c.chosen else {}
    return outline.appendix(
        KEY,
        [
            p(
                "One page for each priority project. Figures are in real prices of "
                f"{c.results.scenario.price_base_year}; one-off costs include optimism bias. "
                f"The risks every project shares are in {outline.ref('risks')}; every assumption "
                f"is in {outline.ref('appendix-assumptions')} and the assumptions workbook."
            )
        ],
        [
            Section("Timeline", (gantt_figure(c),), key="projects-timeline"),
            *(page(c, oid, reasons.get(oid, "")) for oid in c.selected),
        ],
    )


def page(c: Context, oid: str, why: str) -> Section:
    o = c.opp(oid)
    bc = o.business_case
    partners = fmt.listing([c.name(x) for x in o.partner_ids])
    blocks: list[Block] = [
        p(
            f"What: {fmt.listing([c.name(s) for s in o.service_ids])}. "
            f"Who with: {partners or 'the Council alone'}. "
            f"How: {c.model(o.model).lower()}." + (f" Why chosen: {why}" if why else "")
        ),
        _figures(c, oid),
        *((p(gap),) if (gap := gap_sentence(c, oid)) else ()),
        _cash_flows(c, oid),
        p(_timeline(c, oid)),
        p(
            f"Procurement: {fmt.aside(o.procurement.wording or o.procurement.route)}."
            + (" Legal advice is needed before commitment." if o.procurement.legal_advice else "")
            + (
                " Staff would move to the partner with their work."
                if staff_move(c, oid)
                else " Staff stay with the Council."
            )
        ),
    ]
    own = project_risks(c, oid)
    shared = f"the risks every project shares are in {outline.ref('risks')}"
    if own:
        blocks.append(p(f"Its own risks ({shared}):"))
        blocks += [p(f"{text} Owner: {owner}.", kind="bullet") for text, owner in own]
    else:
        blocks.append(p(f"Risks: no risk particular to this project; {shared}."))
    moves = [s for s in (_switching(s) for s in bc.switching_values) if s]
    if moves:
        blocks.append(
            p("It stops being worth doing (net present value zero) if " + "; or ".join(moves) + ".")
        )
    # where no value of an input brings the NPV to zero, the business case says why in words
    blocks += [p(s.note) for s in bc.switching_values if s.switching_value is None and s.note]
    blocks += _rests_on_trading(c, oid)
    return Section(c.title(oid), tuple(blocks), key=f"page-{oid}", new_page=True)


def _figures(c: Context, oid: str) -> Table:
    bc = c.opp(oid).business_case
    m, before = bc.measures, bc.unadjusted.measures
    base = c.opp_path(oid, "business_case")
    rows: list[tuple[Run, ...]] = [
        ("One-off cost", Money(m.one_off_cost, (*base, "adjusted", "measures", "one_off_cost"))),
        (
            "One-off cost before optimism bias",
            Money(before.one_off_cost, (*base, "unadjusted", "measures", "one_off_cost")),
        ),
        (
            "Annual saving at full level",
            Money(
                m.steady_state_annual_saving,
                (*base, "adjusted", "measures", "steady_state_annual_saving"),
            ),
        ),
        ("Net present value (the headline)", Money(m.npv, (*base, "adjusted", "measures", "npv"))),
    ]
    if bc.ring_fenced_share > 0:
        rows.append(
            (
                f"Net present value to the general fund ({fmt.percent(bc.ring_fenced_share)} of "
                "the cost is paid from a ring-fenced grant)",
                general_fund_npv(c, oid),
            )
        )
    mc = bc.monte_carlo
    if mc is not None:
        rows += [
            (label, Money(getattr(mc, key), (*base, "monte_carlo", key)))
            for key, label in RANGE_ROWS
        ]
        rows.append(("Chance of a positive net present value", fmt.chance(mc.prob_npv_positive)))
    rows += [
        ("Pays back by", m.payback_label or "not within the period"),
        ("Posts in the service (full-time equivalent)", fmt.number(bc.fte)),
        ("Posts released", fmt.number(m.fte_released)),
    ]
    return Table("Key figures", ("Measure", "Value"), tuple(rows), (False, True))


RANGE_ROWS = (
    ("mean", "Expected value (the average when costs, savings and timing vary)"),
    ("p10", "Low case (1 in 10 chance of worse)"),
    ("p50", "Middle case (the median: as likely to be above as below)"),
    ("p90", "High case (1 in 10 chance of better)"),
)
"""The risk analysis's net present values a project page shows beside the headline (all on the
same basis: optimism bias included), with their labels."""


def gap_sentence(c: Context, oid: str) -> str:
    """Why the middle case differs from the headline, in one sentence ("" without a risk
    analysis)."""
    mc = c.opp(oid).business_case.monte_carlo
    return mc.gap_explanation if mc is not None and mc.gap_explanation else ""


def _cash_flows(c: Context, oid: str) -> Table:
    """The project's own yearly cash flows (optimism bias included, real prices)."""
    years = c.opp(oid).business_case.adjusted.years
    rows: list[tuple[Run, ...]] = []
    for i, y in enumerate(years):
        path = c.opp_path(oid, "business_case", "adjusted", "years", i)
        rows.append(
            (
                y.label or c.year(i),
                Money(y.total_cost, (*path, "total_cost")),
                Money(y.benefits, (*path, "benefits")),
                Money(y.net, (*path, "net")),
                Money(y.cumulative_net, (*path, "cumulative_net")),
            )
        )
    return Table(
        "Cash flows by year (real prices)",
        ("Year", "Costs", "Savings and income", "Net", "Cumulative net"),
        tuple(rows),
        (False, True, True, True, True),
    )


def _timeline(c: Context, oid: str) -> str:
    t = c.opp(oid).business_case.timeline
    parts = []
    if t.procurement_end_month > t.procurement_start_month:
        parts.append(
            f"agreeing the arrangement takes {fmt.months(t.procurement_end_month - t.procurement_start_month)}"
        )
    if t.implementation_end_month > t.implementation_start_month:
        span = t.implementation_end_month - t.implementation_start_month
        parts.append(f"putting it in place {fmt.months(span)}")
    parts.append(f"savings start after {fmt.months(t.benefits_start_month)}")
    parts.append(f"reach their full level after {fmt.months(t.full_benefits_month)}")
    quick = "it is a quick win" if c.quick_win(oid) else "it is not a quick win"
    text = fmt.listing(parts)
    return f"When (months from {c.start()}): {text}; {quick}."


def _switching(s: SwitchingValue) -> str:
    """A switching value in a phrase: "the annual saving falls by 45% (to £120k)"."""
    if s.switching_value is None or s.change is None:
        return ""
    if s.input == "annual_saving" and s.switching_value > 0:
        return (
            f"the annual saving is {fmt.percent(abs(s.change))} "
            f"{'lower' if s.change < 0 else 'higher'} ({fmt.money(s.switching_value)} a year)"
        )
    if s.input == "one_off_cost":
        return (
            f"the one-off cost is {fmt.percent(abs(s.change))} "
            f"{'higher' if s.change > 0 else 'lower'} ({fmt.money(s.switching_value)})"
        )
    if s.input == "trading_income":
        return (
            f"trading income falls to {fmt.money(s.switching_value)} a year "
            f"(from {fmt.money(s.central)})"
        )
    if s.unit.startswith("months"):
        delay = s.switching_value - s.central
        return f"savings start {fmt.months(delay)} later than planned"
    return ""


def _rests_on_trading(c: Context, oid: str) -> list[Block]:
    """A trading project whose net present value needs next to none of its trading income says
    so: without buyers it about breaks even, which is what a member needs to know."""
    income = next(
        (s for s in c.opp(oid).business_case.switching_values if s.input == "trading_income"),
        None,
    )
    if income is None or income.switching_value is None or income.central <= 0:
        return []
    if income.switching_value > NEAR_NOTHING * income.central:
        return [
            p(
                "Without buyers it would not be worth doing: its trading income must stay above "
                f"{fmt.money(income.switching_value)} a year."
            )
        ]
    return [
        p(
            "Without buyers it would about break even: the saving alone about covers the "
            "costs, so the trading income is what makes it worth doing."
        )
    ]


NEAR_NOTHING = 0.05
"""A switching value below this share of the central trading income counts as "about nothing"."""
