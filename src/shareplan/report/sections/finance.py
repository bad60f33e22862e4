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
    Figure,
    Money,
    Path,
    Run,
    SavingsBands,
    Section,
    Table,
    notice,
    p,
    total,
)
from shareplan.report.sections.recommendations import funding_source


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
        p(INTRO.format(year=c.results.scenario.price_base_year, rate=discount_rate(c)))
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
    blocks.append(_headline(chosen.totals, budget))
    years = programme_years(c)
    need = funding_need(years)
    funding: list[Run] = [f"Funding: the one-off costs are to be met from {funding_source(c)}. "]
    if need:
        funding += [
            "The programme's cumulative net position (savings less costs, year by year) is "
            f"lowest in {need[1]}, so the Council needs to fund up to ",
            need[0],
            " before the savings overtake the costs"
            + (f"; the programme pays back by {pb}." if (pb := payback(years)) else "."),
        ]
    blocks.append(p(*funding))
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


def _headline(totals: Totals, budget: Money | None) -> Block:
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
        ".",
    ]
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


def savings_figure(c: Context) -> Figure | None:
    """The programme's net savings by year: the P50 line inside the P10 to P90 band."""
    bands = c.chosen.view.savings_percentiles_by_year if c.chosen else None
    if not bands or not bands.get("P50"):
        return None
    base: Path = ("programme", "view", "savings_percentiles_by_year")
    n = len(bands["P50"])
    years = tuple(c.year(i) for i in range(n))
    p10 = tuple(float(v) for v in bands.get("P10") or bands["P50"])
    p50 = tuple(float(v) for v in bands["P50"])
    p90 = tuple(float(v) for v in bands.get("P90") or bands["P50"])
    rows = tuple(
        (
            years[i],
            Money(p10[i], (*base, "P10", i)),
            Money(p50[i], (*base, "P50", i)),
            Money(p90[i], (*base, "P90", i)),
        )
        for i in range(n)
    )
    peak = max(range(n), key=lambda k: p50[k])
    alt = (
        f"Line chart of the programme's net savings (savings less costs) by year from {years[0]} "
        f"to {years[-1]}, with a shaded band from the low to the high case: a 1 in 10 chance "
        f"of less, and of more. The central figure is highest in {years[peak]} at "
        f"{fmt.money(p50[peak])}, with a range of {fmt.money(p10[peak])} to "
        f"{fmt.money(p90[peak])}."
    )
    return Figure(
        "savings",
        "Programme net savings (savings less costs) by year, with the range of outcomes",
        alt,
        SavingsBands(years, p10, p50, p90),
        Table(
            "Programme net savings by year when costs, savings and timing vary: the low and "
            "high cases each have a 1 in 10 chance of being passed",
            ("Year", "Low case", "Central case", "High case"),
            rows,
            (False, True, True, True),
        ),
    )


OPERATING_LINES = ("optimism_bias_operating",)
"""Cost lines that recur rather than being one-off (the rest of a year's cost lines are one-off)."""
ONE_OFF_ALLOWANCE = "optimism_bias_one_off"


def _parameter_citation(c: Context, key: str) -> str:
    """Where an evidence figure the appraisal used comes from, with its date."""
    for param in c.results.parameters:
        if param.key == key:
            when = getattr(param, "valid_from", None)
            if when is None or cited_year(param.source) is not None:
                return param.source
            return f"{param.source} (from {fmt.long_date(when.isoformat())})"
    return "an assumption"


COST_LINES = {
    "project_team": "project staff",
    "procurement_legal": "procurement and legal advice",
    "ict_integration": "ICT systems and their integration",
    "redundancy_pension": "redundancy and pension costs",
}
"""The one-off cost lines of a business case, in words."""


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
    rate = float(c.setting("finance.inflation", 0.0))
    return p(
        "For the medium-term financial plan the table also gives costs and net savings in cash "
        f"prices, assuming inflation of {fmt.percent(rate, 1)} a year from "
        f"{c.results.scenario.price_base_year}: {_parameter_citation(c, 'finance.inflation')}."
    )


def capital_and_revenue(c: Context) -> list[Block]:
    """Each project's one-off cost split into capital and revenue: the capital cost lines named
    in the evidence base, with the optimism-bias allowance split in proportion."""
    capital_lines = set(c.setting("finance.capital_cost_lines", ()))
    rows: list[tuple[Run, ...]] = []
    for oid in c.selected:
        years = c.opp(oid).business_case.adjusted.years
        capital: list[tuple[float, Path]] = []
        revenue: list[tuple[float, Path]] = []
        base_capital = sum(v for y in years for k, v in y.costs.items() if k in capital_lines)
        base_all = sum(
            v
            for y in years
            for k, v in y.costs.items()
            if k not in OPERATING_LINES and k != ONE_OFF_ALLOWANCE
        )
        share = base_capital / base_all if base_all else 0.0
        for j, y in enumerate(years):
            for line in y.costs:
                if line in OPERATING_LINES:
                    continue
                path = c.opp_path(oid, "business_case", "adjusted", "years", j, "costs", line)
                if line == ONE_OFF_ALLOWANCE:
                    capital.append((share, path))
                    revenue.append((1 - share, path))
                elif line in capital_lines:
                    capital.append((1.0, path))
                else:
                    revenue.append((1.0, path))
        rows.append(
            (
                c.short(oid),
                total(capital, c.results),
                total(revenue, c.results),
                total(capital + revenue, c.results),
            )
        )
    if not rows:
        return []
    columns = list(zip(*(r[1:] for r in rows), strict=True))
    rows.append(
        (
            "Total",
            *(
                total([t for m in col if isinstance(m, Money) for t in m.terms], c.results)
                for col in columns
            ),
        )
    )
    return [
        Table(
            "One-off costs by project: capital and revenue (real prices, optimism bias included)",
            ("Project", "Capital", "Revenue", "Total one-off cost"),
            tuple(rows),
            (False, True, True, True),
            note=f"Capital: {fmt.listing([COST_LINES.get(x, x) for x in sorted(capital_lines)])}; "
            "revenue: "
            + fmt.listing([v for k, v in COST_LINES.items() if k not in capital_lines])
            + ". The optimism-bias allowance is split in the same proportion.",
        )
    ]
