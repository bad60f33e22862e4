"""Appendix 2: how firm the recommendation is: the recommended programme itself tested: each of its
projects when costs, savings and timing vary; how close the best alternative programmes come;
what a little more budget would change; and how far the choice rests on the weights."""

from __future__ import annotations

from shareplan.report import formatting as fmt
from shareplan.report import outline
from shareplan.report.context import Context
from shareplan.report.model import Block, Money, Run, Section, Table, notice, p
from shareplan.report.sections.options import grant_words
from shareplan.report.sections.savings import savings_figure
from shareplan.results.programme import ChosenProgramme

KEY = "appendix-robustness"


def robustness(c: Context) -> Section:
    chosen = c.chosen
    if chosen is None or not c.selected:
        return outline.appendix(KEY, [notice("The tests of the recommended programme")])
    blocks: list[Block] = [
        p(
            "This appendix tests the recommended programme, not a ranking: each project's value "
            "when its costs, savings and timing vary together within their ranges (thousands of "
            "combinations drawn at random), how close the best alternatives come, and how far "
            "the choice depends on the weights."
        ),
        _projects(c),
        *_gaps(c),
    ]
    figure = savings_figure(c)
    if figure is not None:
        blocks.append(figure)
    blocks += _alternatives(c, chosen)
    blocks += _weights(c)
    return outline.appendix(KEY, blocks)


def _projects(c: Context) -> Table:
    rows: list[tuple[Run, ...]] = []
    top_n = c.results.sensitivity.top_n
    options = c.results.sensitivity.smaa.options
    for oid in c.selected:
        bc = c.opp(oid).business_case
        base = c.opp_path(oid, "business_case")
        mc = bc.monte_carlo
        smaa = options.get(oid)
        spread: tuple[Run, ...] = tuple(
            Money(getattr(mc, key), (*base, "monte_carlo", key)) if mc else "-"
            for key in ("mean", "p10", "p50", "p90")
        )
        rows.append(
            (
                c.short(oid),
                Money(bc.measures.npv, (*base, "adjusted", "measures", "npv")),
                *spread,
                fmt.chance(mc.prob_npv_positive) if mc else "-",
                fmt.odds(smaa.p_top_n) if smaa else "-",
            )
        )
    return Table(
        "The recommended projects when their estimates vary (net present values)",
        (
            "Project",
            "Headline",
            "Expected value",
            "Low case",
            "Middle case",
            "High case",
            "Chance of a positive value",
            f"Chance of a top-{top_n} score as the weights vary",
        ),
        tuple(rows),
        (False, True, True, True, True, True, False, True),
        note="All on one basis, optimism bias included. Expected value: the average over the "
        "combinations; low and high cases: a 1 in 10 chance of worse, and of better; middle "
        f"case: the median. A project chosen without a top-{top_n} score earns its place by its "
        "value for money.",
    )


GAP = 0.02
"""A middle case further than this share from the headline is explained project by project."""


def _gaps(c: Context) -> list[Block]:
    """One sentence per project whose middle case is more than 2% from its headline: why."""
    out: list[Block] = []
    for oid in c.selected:
        mc = c.opp(oid).business_case.monte_carlo
        npv = c.opp(oid).business_case.measures.npv
        if mc is None or not mc.gap_explanation or not npv:
            continue
        if abs(mc.p50 - npv) > GAP * abs(npv):
            out.append(p(f"{c.short(oid)}: {mc.gap_explanation}", kind="bullet"))
    if out:
        out.insert(0, p("Where the middle case differs from the headline, and why:"))
    return out


def _alternatives(c: Context, chosen: ChosenProgramme) -> list[Block]:
    out: list[Block] = []
    best = chosen.objective_value
    misses = [m for m in chosen.near_misses if m.loss_if_forced_in is not None]
    if misses and best:
        m = misses[0]
        loss = float(m.loss_if_forced_in or 0.0)
        words = grant_words(c, m) if m.grant_npv is not None else ""
        grant = f" {words[:1].upper()}{words[1:]}." if words else ""
        out.append(
            p(
                f"The closest alternative takes {c.title(m.id)} in place of "
                f"{fmt.listing([c.short(x) for x in m.displaces]) or 'one project'}; it is "
                f"{fmt.percent(loss / best, 1)} worse on what the programme maximises "
                f"({c.objective_words()}).{grant} {outline.ref('appendix-alternatives')} lists "
                "the others."
            )
        )
    shadow = chosen.budget_shadow
    if shadow is not None and shadow.step > 0:
        # one name for each, told apart where an option in and one out share a service
        names = c.labels([*shadow.added, *shadow.removed])
        added = fmt.listing([names[x] for x in shadow.added])
        removed = fmt.listing([names[x] for x in shadow.removed])
        change = (
            f"would bring in {added}" + (f" in place of {removed}" if removed else "")
            if added
            else "would not change the programme"
        )
        gain = f", {fmt.percent(shadow.gain / best, 1)} better" if best and added else ""
        out.append(p(f"Another {fmt.money(shadow.step)} of budget {change}{gain}."))
    return out


def _weights(c: Context) -> list[Block]:
    spreads = c.results.stakeholders.weights_disagree_most
    if not spreads:
        return []
    s = spreads[0]
    return [
        p(
            f"Those who set the weights disagree most on {c.weight_label(s.criterion)}: "
            f"{s.lowest_by} gave it {fmt.percent(s.lowest)} of the total weight and "
            f"{s.highest_by} {fmt.percent(s.highest)}. {outline.ref('appendix-scores')} gives "
            "the weights used."
        )
    ]
