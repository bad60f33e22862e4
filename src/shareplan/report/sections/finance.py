"""Financial Implications: the programme's cost and where it is funded from, the cash need year by
year in real and cash prices, the capital and revenue split, each project's figures and the range
of savings when costs, savings and timing vary."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from shareplan.programme.records import Totals
from shareplan.report import formatting as fmt
from shareplan.report import outline
from shareplan.report.context import Context
from shareplan.report.dating import cited_year
from shareplan.report.model import (
    Block,
    Money,
    Path,
    Run,
    Section,
    Table,
    notice,
    p,
    total,
)
from shareplan.report.sections.capital import capital_and_revenue, capital_revenue_totals
from shareplan.report.sections.general_fund import (
    basis,
    grant_lines,
    programme_general_fund_npv,
    ring_fenced,
    shows_general_fund,
)


def funding_source(c: Context) -> str:
    """Where the scenario says the one-off costs come from ("" when it does not say)."""
    return str(c.setting("authority.funding_source", "")).strip()


def capital_financing(c: Context, capital: Money) -> tuple[float, int, Money] | None:
    """The borrowing rate, the years of repayment and the yearly revenue cost of borrowing
    ``capital``: an annuity (equal yearly repayment and interest, the minimum revenue provision's
    annuity method); ``None`` without capital or a repayment period."""
    rate = float(c.setting("finance.borrowing_rate", 0.0))
    life = int(c.setting("finance.capital_asset_life_years", 0))
    if capital.value <= 0 or life <= 0:
        return None
    factor = 1 / life if rate == 0 else rate / (1 - (1 + rate) ** -life)
    return rate, life, total([(factor * k, path) for k, path in capital.terms], c.results)


@dataclass(frozen=True, slots=True)
class Year:
    """One year of the programme: the selected projects' yearly figures added up."""

    label: str
    costs: Money
    savings: Money
    trading: Money
    net: Money
    cumulative: Money
    present_value: Money


def programme_years(c: Context) -> list[Year]:
    """The programme's cash flows by year, from each selected project's adjusted (optimism bias
    applied) yearly flows."""
    flows = [(oid, c.opp(oid).business_case.adjusted.years) for oid in c.selected]
    if not flows:
        return []
    out: list[Year] = []
    for k in range(min(len(years) for _, years in flows)):

        def column(key: str, upto: int | None = None, k: int = k) -> Money:
            span = range(k, k + 1) if upto is None else range(upto + 1)
            return total(
                [
                    (1.0, c.opp_path(oid, "business_case", "adjusted", "years", j, key))
                    for oid, _ in flows
                    for j in span
                ],
                c.results,
            )

        out.append(
            Year(
                label=flows[0][1][k].label or c.year(k),
                costs=column("total_cost"),
                savings=column("savings"),
                trading=column("trading_income"),
                net=column("net"),
                cumulative=column("net", upto=k),
                present_value=column("present_value"),
            )
        )
    return out


def funding_need(years: Sequence[Year]) -> tuple[Money, str] | None:
    """The programme's funding need, the deepest its cumulative net position goes below zero,
    and the year it is reached (``None`` when it never goes below zero)."""
    if not years:
        return None
    deepest = min(range(len(years)), key=lambda k: years[k].cumulative.value)
    low = years[deepest].cumulative
    if low.value >= 0:
        return None
    return Money(-low.value, (), terms=tuple((-k, p) for k, p in low.terms)), years[deepest].label


def payback(years: Sequence[Year]) -> str | None:
    """The first year after which the programme's cumulative net position stays at or above zero."""
    for k in range(len(years)):
        if all(y.cumulative.value >= 0 for y in years[k:]):
            return years[k].label if k > 0 or years[0].cumulative.value >= 0 else None
    return None


INTRO = (
    "The figures are in real prices of {year} (today's money) unless they say cash prices, and "
    "are discounted at {rate} "
    "to give their net present value. Only cashable savings count; other gains are described "
    "but not added in. One-off costs include an allowance for optimism bias, the Green Book's "
    "correction for the way projects tend to cost more and take longer than first planned."
)


def discount_rate(c: Context) -> str:
    """The discount rate the business cases used, in words: "the rate HM Treasury's Green Book
    sets for public spending (3.5% a year)", or the scenario's own schedule's rates."""
    used = c.results.scenario.discount
    green_book = "the rate HM Treasury's Green Book sets for public spending"
    if used is None or not used.in_words:
        return green_book
    if used.origin == "scenario":
        return f"the rate the Council has set ({used.in_words})"
    return f"{green_book} ({used.in_words})"


def finance(c: Context) -> Section:
    blocks: list[Block] = [
        p(INTRO.format(year=c.results.scenario.price_base_year, rate=discount_rate(c))),
        *basis(c),
        *grant_lines(c),
        *ring_fenced(c),
    ]
    budget = c.budget()
    if c.infeasible:
        blocks.append(
            p(
                "No programme meets every rule, so there are no programme cash flows. ",
                c.infeasible.message,
                kind="notice",
            )
        )
        if budget:
            blocks.append(p("The implementation budget given was ", budget, "."))
        return outline.body_section("finance", blocks)
    chosen = c.chosen
    if chosen is None or not c.selected:
        blocks.append(notice("The programme's finances"))
        return outline.body_section("finance", blocks)
    blocks.append(_headline(c, chosen.totals, budget))
    spread = npv_range(c)
    if spread:
        blocks.append(spread)
    price = choice_price(c)
    if price:
        blocks.append(price)
    years = programme_years(c)
    blocks += funding(c, years)
    blocks.append(inflation_sentence(c))
    blocks.append(_cash_flows(c, years))
    blocks += capital_and_revenue(c)
    blocks.append(
        p(
            f"{outline.ref('appendix-robustness')} shows the range of the programme's net "
            "savings year by year when costs, savings and timing vary."
        )
    )
    return outline.body_section("finance", blocks)


def npv_range(c: Context) -> Block | None:
    """The programme's net present value when costs, savings and timing vary, beside the headline:
    the expected value, the 1-in-10 low and high, the chance it is positive, and whether projects
    sharing a partner were drawn together or independently."""
    spread = c.chosen.view.npv_range if c.chosen else None
    if spread is None:
        return None
    base: Path = ("programme", "view", "npv_range")
    runs: list[Run] = [
        "When costs, savings and timing vary within their ranges (thousands of combinations "
        "drawn at random), the programme's expected net present value is ",
        Money(spread.mean, (*base, "mean")),
        "; there is a 1 in 10 chance it is below ",
        Money(spread.p10, (*base, "p10")),
        " and a 1 in 10 chance it is above ",
        Money(spread.p90, (*base, "p90")),
        ", with the middle outcome ",
        Money(spread.p50, (*base, "p50")),
        f". That it is positive is {fmt.chance(spread.prob_positive)}. ",
        _linked(c, spread.shared_partners, spread.partner_correlation),
    ]
    return p(*runs)


def choice_price(c: Context) -> Block | None:
    """What choosing by the criteria as well as by value costs: the proposed programme against
    the programme with the most net present value within the same budget and rules (the first
    point of the speed-against-value frontier), in net present value and first-year savings.
    The net present value is the one the frontier is on: the general fund's share when the
    programme was chosen on it."""
    chosen = c.chosen
    if chosen is None or not chosen.frontier.points or chosen.objective.kind == "npv":
        return None
    points, y = chosen.frontier.points, chosen.frontier.y
    i = max(range(len(points)), key=lambda k: points[k].on(y))
    best = points[i]
    now = chosen.totals.general_fund_npv if y == "general_fund_npv" else chosen.totals.npv
    if now is None or best.on(y) <= now + 0.5 or set(best.ids) == set(c.selected):
        return None
    at: Path = ("programme", "frontier", "points", i)
    npv_cost = total([(1.0, (*at, y)), (-1.0, ("programme", "totals", y))], c.results)
    early = total(
        [(1.0, (*at, "savings_12m")), (-1.0, ("programme", "totals", "savings_12m"))], c.results
    )
    takes = [c.title(x) for x in best.ids if x not in c.selected]
    drops = [c.short(x) for x in c.selected if x not in best.ids]
    swap = f"{fmt.listing(takes) or 'fewer projects'}" + (
        f" in place of {fmt.listing(drops)}" if drops else ""
    )
    npv = c.npv_name()
    runs: list[Run] = [
        "Choosing by the Council's principles and criteria as well as by value has a price: "
        f"against the programme with the most {npv} within the same budget and "
        f"rules (it takes {swap}), the criteria cost ",
        npv_cost,
        f" of {npv}",
    ]
    if early.value > 0.5:
        runs += [" and ", early, " of savings in the first 12 months."]
    elif early.value < -0.5:
        runs += [
            " but gain ",
            total([(-k, path) for k, path in early.terms], c.results),
            " of savings in the first 12 months.",
        ]
    else:
        runs.append(".")
    return p(*runs)


def _linked(c: Context, shared: Sequence[str], correlation: float) -> str:
    """Whether the risk analysis drew projects with a partner in common together."""
    if not shared:
        return (
            "No two priority projects share a partner, so each project's risks are taken as "
            "independent of the others'."
        )
    names = fmt.listing([c.name(x) for x in shared])
    if correlation <= 0:
        return (
            f"Projects that share a partner ({names}) are taken as independent of one another, "
            "so the range may be narrower than it should be."
        )
    return (
        f"Projects that share a partner ({names}) are taken to succeed or fall short together "
        f"(a correlation of {fmt.number(correlation, 1)} between their values, an assumption), "
        "because a partner that withdraws or buys less affects every project it is in; the "
        "others are taken as independent."
    )


def funding(c: Context, years: Sequence[Year]) -> list[Block]:
    """Where the money comes from, and how much is needed when. When the scenario names no
    source, what officers propose: borrowing for the capital part with its revenue cost, a reserve
    (invest to save) for the revenue part."""
    blocks: list[Block] = []
    source = funding_source(c)
    if source:
        blocks.append(p(f"Funding: the one-off costs are to be met from {source}."))
    else:
        blocks.append(p(*_proposed_funding(c)))
    if not years:
        return blocks
    first = years[0]
    runs: list[Run] = [
        "The one-off costs need funding in full, ",
        first.costs,
        f" of them in {first.label}: the savings arrive in service budgets, not in the fund "
        "that pays for the change.",
    ]
    need = funding_need(years)
    if need:
        pb = payback(years)
        runs += [
            " Only if service budgets are reduced by the savings as they arise and the "
            "reductions returned to that fund does the most it is out fall to ",
            need[0],
            f" (the lowest point of the programme's savings less costs added up year by year, "
            f"in {need[1]})" + (f"; on that basis the programme pays back by {pb}." if pb else "."),
        ]
    blocks.append(p(*runs))
    return blocks


def _proposed_funding(c: Context) -> list[Run]:
    capital, contingency, revenue = capital_revenue_totals(c)
    runs: list[Run] = ["Funding: no source has been named yet. "]
    if round(capital.value) <= 0:
        runs += [
            "All of the one-off costs are revenue, so nothing is to be borrowed: officers propose "
            "that they (",
            revenue,
            ") are met from an earmarked reserve as invest to save, repaid from the savings.",
        ]
    else:
        runs += [
            "Officers propose that the capital part of the one-off costs, ",
            capital,
            " before its allowance for overrunning, is financed by borrowing",
        ]
        financing = capital_financing(c, capital)
        if financing:
            rate, life, annual = financing
            runs += [
                f" repaid over {fmt.count(life, 'year')} at about {fmt.percent(rate, 1)} a year, "
                "a revenue cost of about ",
                annual,
                " a year (repayment and interest) that is not in the cash flows below, which "
                "count the capital when it is spent",
            ]
        runs.append(".")
        runs += _contingency(c, contingency)
        runs += [
            " The revenue part, ",
            revenue,
            ", is met from an earmarked reserve as invest to save, repaid from the savings.",
        ]
    runs.append(
        " Redundancy and pension costs are revenue unless met through "
        f"{c.setting('finance.revenue_capitalisation', 'a capitalisation direction')}. The chief "
        "finance officer (section 151 officer) is to confirm the route before the full business "
        "cases come back."
    )
    return runs


def _contingency(c: Context, contingency: Money) -> list[Run]:
    """The capital's optimism-bias allowance as what it is: a contingency held against overruns,
    borrowed only if drawn (with what drawing it all would cost a year)."""
    if round(contingency.value) <= 0:
        return []
    runs: list[Run] = [
        " On top of it the capital carries an allowance for overrunning (optimism bias) of ",
        contingency,
        ", shown on its own in the table of one-off costs below: it is a contingency, held and "
        "borrowed only if the capital overruns and it is drawn",
    ]
    financing = capital_financing(c, contingency)
    if financing:
        runs += [" (about ", financing[2], " a year more if drawn in full)"]
    runs.append(".")
    return runs


def _headline(c: Context, totals: Totals, budget: Money | None) -> Block:
    runs: list[Run] = [
        "The one-off implementation cost of the programme is ",
        Money(totals.one_off_cost, ("programme", "totals", "one_off_cost")),
    ]
    if budget:
        runs += [" against a budget of ", budget]
    runs += [
        ". ",
        "Its net present value over the appraisal period is ",
        Money(totals.npv, ("programme", "totals", "npv")),
    ]
    if shows_general_fund(c):
        runs += [", of which the general fund's share is ", programme_general_fund_npv(c)]
    runs.append(".")
    return p(*runs)


def _cash_flows(c: Context, years: Sequence[Year]) -> Table:
    trading = any(abs(y.trading.value) > 0.5 for y in years)
    header = ("Year", "Costs", "Savings", *(("Trading income",) if trading else ()))
    header += ("Net", "Cumulative net", "Present value", "Costs in cash prices")
    header += ("Net in cash prices",)
    cash = cash_prices(c, years)
    rows: list[tuple[Run, ...]] = [
        (
            y.label,
            y.costs,
            y.savings,
            *((y.trading,) if trading else ()),
            y.net,
            y.cumulative,
            y.present_value,
            *cash[k],
        )
        for k, y in enumerate(years)
    ]
    sums = [
        total([t for y in years for t in getattr(y, name).terms], c.results)
        for name in ("costs", "savings", "trading", "net")
    ]
    rows.append(
        (
            "Total",
            sums[0],
            sums[1],
            *((sums[2],) if trading else ()),
            sums[3],
            "",
            total([t for y in years for t in y.present_value.terms], c.results),
            total([t for costs, _ in cash for t in costs.terms], c.results),
            total([t for _, net in cash for t in net.terms], c.results),
        )
    )
    return Table(
        "Programme cash flows by year in real prices, with costs and net in cash prices "
        "(optimism bias included; the total present value is the net present value)",
        header,
        tuple(rows),
        (False, *(True for _ in header[1:])),
    )


def _parameter_citation(c: Context, key: str) -> str:
    """Where an evidence figure the appraisal used comes from, with its date."""
    for param in c.results.parameters:
        if param.key == key:
            when = getattr(param, "valid_from", None)
            if when is None or cited_year(param.source) is not None:
                return param.source
            return f"{param.source} (from {fmt.long_date(when.isoformat())})"
    return "an assumption"


def cash_prices(c: Context, years: Sequence[Year]) -> list[tuple[Money, Money]]:
    """Each year's costs and net in cash prices for the medium-term financial plan: the real
    figure grown by the inflation assumption from the price base year to that year."""
    rate = float(c.setting("finance.inflation", 0.0))
    scenario = c.results.scenario
    out = []
    for k, y in enumerate(years):
        factor = (1 + rate) ** (scenario.first_year + k - scenario.price_base_year)

        def grown(m: Money, factor: float = factor) -> Money:
            return total([(factor * k, path) for k, path in m.terms], c.results)

        out.append((grown(y.costs), grown(y.net)))
    return out


def inflation_sentence(c: Context) -> Block:
    """The inflation behind the cash prices, with the index it follows and what that means for
    savings that are mostly pay."""
    rate = float(c.setting("finance.inflation", 0.0))
    index = c.setting("finance.cash_price_index", "")
    return p(
        "For the medium-term financial plan the table also gives costs and net savings in cash "
        f"prices, grown by {fmt.percent(rate, 1)} a year from "
        f"{c.results.scenario.price_base_year}"
        + (f", the rise in {index}" if index else "")
        + f" (source: {_parameter_citation(c, 'finance.inflation')})."
    )
