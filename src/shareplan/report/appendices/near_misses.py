"""Appendix 4: the best projects left out and why, what more budget would buy, and the frontier
between early savings and net present value."""

from __future__ import annotations

from shareplan.programme.records import NearMiss
from shareplan.report import formatting as fmt
from shareplan.report import outline
from shareplan.report.context import Context
from shareplan.report.model import (
    Block,
    Figure,
    FrontierPoint,
    Money,
    Run,
    Section,
    SpeedFrontier,
    Table,
    notice,
    p,
)
from shareplan.report.sections.finance import choice_price
from shareplan.results.programme import ChosenProgramme

KEY = "appendix-alternatives"


def near_misses(c: Context) -> Section:
    chosen = c.chosen
    blocks: list[Block] = []
    if chosen is not None and chosen.near_misses:
        blocks.append(_table(c, chosen))
    else:
        blocks.append(notice("The near misses"))
    if chosen is not None and chosen.frontier.points:
        blocks.append(
            p(
                "The chart below sets the savings in the first 12 months against the "
                f"{c.npv_name()} of the programmes that no other programme beats on both. The "
                "proposed programme is marked with a star. It was chosen to make "
                f"{c.objective_words()} as large as possible, so programmes that save sooner or "
                f"have a higher {c.npv_name()} alone can lie above or to the right of it: they "
                "score less against the Council's principles and criteria."
            )
        )
        price = choice_price(c)
        if price:
            blocks.append(price)
        blocks.append(frontier_figure(c, chosen))
    return outline.appendix(KEY, blocks)


def _table(c: Context, chosen: ChosenProgramme) -> Table:
    pounds = chosen.objective_unit == "£"
    best = chosen.objective_value

    def loss(i: int, m: NearMiss) -> Run:
        v = m.loss_if_forced_in
        if v is None:
            return "cannot go in"
        if pounds:
            return Money(v, ("programme", "near_misses", i, "loss_if_forced_in"))
        if best:
            return f"{fmt.percent(v / best, 1)} lower"
        return f"{fmt.number(v, 3)} lower"

    def why(m: NearMiss) -> str:
        rules = c.rules(m.kept_out_by)
        text = fmt.listing(rules) if rules else m.text
        return text[:1].upper() + text[1:]

    return Table(
        "Near misses: the best projects left out, what keeps them out and what forcing "
        "them in would cost",
        ("Opportunity", "What keeps it out", "It would displace", "Loss if forced in"),
        tuple(
            (
                c.title(m.id),
                why(m),
                fmt.listing([c.short(x) for x in m.displaces]) or "-",
                loss(i, m),
            )
            for i, m in enumerate(chosen.near_misses[:6])
        ),
        (False, False, False, True),
        note=""
        if pounds
        else f"Loss: how much lower {c.objective_words()} would be, as a share of the "
        "proposed programme's.",
    )


def frontier_figure(c: Context, chosen: ChosenProgramme) -> Figure:
    """The speed/NPV frontier as a chart and a table. On a frontier of the general fund's share
    of the net present value the chart plots that share, and the table gives it beside the whole
    net present value."""
    points, y = chosen.frontier.points, chosen.frontier.y
    on_fund = y == "general_fund_npv"
    selected = set(c.selected)
    totals = chosen.totals
    total_y = totals.general_fund_npv if on_fund else totals.npv
    pts = tuple(
        FrontierPoint(q.savings_12m, q.on(y), len(q.ids), set(q.ids) == selected) for q in points
    )
    if not any(q.chosen for q in pts):
        pts = (*pts, FrontierPoint(totals.savings_12m, total_y or 0.0, len(selected), True))

    def figures(at: tuple[str | int, ...], npv: float, fund: float | None) -> tuple[Money, ...]:
        whole = Money(npv, (*at, "npv"))
        return (whole, Money(fund or 0.0, (*at, "general_fund_npv"))) if on_fund else (whole,)

    rows = tuple(
        (
            Money(q.savings_12m, ("programme", "frontier", "points", i, "savings_12m")),
            *figures(("programme", "frontier", "points", i), q.npv, q.general_fund_npv),
            str(len(q.ids)),
            "yes" if set(q.ids) == selected else "",
        )
        for i, q in enumerate(points)
    )
    if not any(set(q.ids) == selected for q in points):
        # off the frontier (it maximises something else): the chart stars it, so the table has it
        rows = (
            *rows,
            (
                Money(totals.savings_12m, ("programme", "totals", "savings_12m")),
                *figures(("programme", "totals"), totals.npv, totals.general_fund_npv),
                str(len(selected)),
                "yes (not on the frontier)",
            ),
        )
    name = c.npv_name()
    alt = (
        f"Scatter chart of {len(points)} programmes that cannot be bettered on both speed and value: "
        f"savings within 12 months from {fmt.money(min(q.savings_12m for q in pts))} to "
        f"{fmt.money(max(q.savings_12m for q in pts))} against {name} from "
        f"{fmt.money(min(q.npv for q in pts))} to {fmt.money(max(q.npv for q in pts))}. "
        "Faster programmes give up value. The proposed programme is marked with a star; it "
        f"maximises {c.objective_words()}."
    )
    header: tuple[str, ...] = ("Savings within 12 months", "Net present value")
    if on_fund:
        header += ("Net present value to the general fund",)
    return Figure(
        "frontier",
        "Speed against savings: the proposed programme (star) and the programmes no other "
        "beats on both",
        alt,
        SpeedFrontier(pts, c.objective_short(), name[:1].upper() + name[1:]),
        Table(
            "Frontier programmes",
            (*header, "Projects", "Proposed"),
            rows,
            (*(True for _ in header), True, False),
        ),
    )
