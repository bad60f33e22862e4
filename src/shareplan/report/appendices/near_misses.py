"""Appendix 4: the best projects left out and why, what more budget would buy, and the frontier
between early savings and net present value."""

from __future__ import annotations

from shareplan.programme.records import FrontierPoint as Point
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
    if chosen is not None and chosen.equal_alternatives:
        blocks.append(_equal(c, chosen))
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
        if m.grant_npv is not None:
            return (
                f"Its savings ({fmt.money(m.grant_npv)} of net present value) stay with the "
                "ring-fenced grant: it adds nothing the general fund can cash"
            )
        rules = c.rules(m.kept_out_by)
        text = fmt.listing(rules) if rules else "no single rule: the projects chosen are worth more"
        if m.budget_needed is not None:
            text += f" (it could join them with another {fmt.money(m.budget_needed)})"
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


def _equal(c: Context, chosen: ChosenProgramme) -> Block:
    """The options that tie with a chosen project: no rule keeps them out, and the choice between
    them is arbitrary, so members should know they exist. One that is the chosen project with
    other partners is named by its partners alone."""
    partners: dict[str, list[str]] = {}
    others: dict[str, list[str]] = {}
    for e in chosen.equal_alternatives:
        instead = fmt.listing([c.short(x) for x in e.in_place_of]) or "the programme"
        partners.setdefault(instead, [])
        others.setdefault(instead, [])
        o = c.opp(e.id)
        twin = len(e.in_place_of) == 1 and (
            (c.opp(e.in_place_of[0]).model, c.opp(e.in_place_of[0]).service_ids)
            == (o.model, o.service_ids)
        )
        if twin and o.partner_ids:
            partners[instead].append(fmt.listing([c.name(x) for x in o.partner_ids]))
        else:
            others[instead].append(c.title(e.id).partition(": ")[2] or c.title(e.id))
    parts = []
    for instead, names in partners.items():
        ways = [f"the same with {fmt.listing(names, 'or')}"] if names else []
        parts.append(f"for {instead}, {fmt.listing(ways + others[instead], 'or')}")
    return p(
        "These options would do exactly as well as a project chosen, so no rule keeps them out "
        "and the choice between them is arbitrary: "
        + "; ".join(parts)
        + ". The full business cases should settle which to take forward."
    )


def _is_proposed(c: Context, chosen: ChosenProgramme, q: Point) -> bool:
    """Whether a frontier point is the proposed programme: the same projects, or (in a file
    written before the frontier carried the programme itself) the same two figures."""
    t, y = chosen.totals, chosen.frontier.y
    t_y = (
        t.general_fund_npv if y == "general_fund_npv" and t.general_fund_npv is not None else t.npv
    )

    def same(a: float, b: float) -> bool:
        return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))

    return set(q.ids) == set(c.selected) or (
        same(q.savings_12m, t.savings_12m) and same(q.on(y), t_y)
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
    marks = [_is_proposed(c, chosen, q) for q in points]
    pts = tuple(
        FrontierPoint(q.savings_12m, q.on(y), len(q.ids), mark)
        for q, mark in zip(points, marks, strict=True)
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
            "yes" if mark else "",
        )
        for i, (q, mark) in enumerate(zip(points, marks, strict=True))
    )
    if not any(marks):
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
