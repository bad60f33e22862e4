"""8. Finance: the programme's cost, funding need, cash flows by year, each project's figures and
the range of savings from the Monte Carlo simulation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from shareplan.programme.records import Totals
from shareplan.report import formatting as fmt
from shareplan.report.context import Context
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
    "All figures are in real prices of {year}, discounted at {rate}. Cashable savings count in the net present value; "
    "non-cashable gains are reported beside it, never added in. One-off costs include the Green "
    "Book's optimism bias."
)


def discount_rate(c: Context) -> str:
    """The discount rate the business cases used, in words: "the HM Treasury Green Book social
    time preference rate (3.5% a year)", or the scenario's own schedule's rates."""
    used = c.results.scenario.discount
    if used is None or not used.in_words:
        return "the HM Treasury Green Book social time preference rate"
    if used.origin == "scenario":
        return f"the rate the scenario sets ({used.in_words})"
    return f"the HM Treasury Green Book social time preference rate ({used.in_words})"


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
        return Section("Finance", tuple(blocks), number="8", key="finance")
    chosen = c.chosen
    if chosen is None or not c.selected:
        blocks.append(notice("The programme's finances"))
        return Section("Finance", tuple(blocks), number="8", key="finance")
    blocks.append(_headline(chosen.totals, budget))
    years = programme_years(c)
    need = funding_need(years)
    if need:
        blocks.append(
            p(
                "Funding need: the programme's cumulative net position (savings less costs, year "
                f"by year) is lowest in {need[1]}, so the Council needs to fund up to ",
                need[0],
                " before the savings overtake the costs"
                + (f"; the programme pays back by {pb}." if (pb := payback(years)) else "."),
            )
        )
    blocks.append(_cash_flows(c, years))
    blocks += _projects(c)
    blocks.append(
        savings_figure(c) or notice("The range of programme savings by year (P10 to P90)")
    )
    return Section("Finance", tuple(blocks), number="8", key="finance")


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
    header += ("Net", "Cumulative net", "Present value")
    rows: list[tuple[Run, ...]] = [
        (
            y.label,
            y.costs,
            y.savings,
            *((y.trading,) if trading else ()),
            y.net,
            y.cumulative,
            y.present_value,
        )
        for y in years
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
        )
    )
    return Table(
        "Programme cash flows by year (real prices, optimism bias included; the total "
        "present value is the net present value)",
        header,
        tuple(rows),
        (False, *(True for _ in header[1:])),
    )


def _projects(c: Context) -> list[Block]:
    rows: list[tuple[Run, ...]] = []
    for oid in c.selected:
        base = c.opp_path(oid, "business_case")
        adjusted = c.opp(oid).business_case.adjusted.measures
        unadjusted = c.opp(oid).business_case.unadjusted.measures

        def cell(value: float, basis: str, key: str, base: Path = base) -> Run:
            return Money(value, (*base, basis, "measures", key))

        rows.append(
            (
                c.short(oid),
                cell(unadjusted.one_off_cost, "unadjusted", "one_off_cost"),
                cell(adjusted.one_off_cost, "adjusted", "one_off_cost"),
                cell(adjusted.funding_need, "adjusted", "funding_need"),
                cell(adjusted.steady_state_annual_saving, "adjusted", "steady_state_annual_saving"),
                cell(adjusted.npv, "adjusted", "npv"),
            )
        )
    return [
        p(
            "Each project's funding need is the largest cumulative net cost before its "
            "savings overtake its costs. Optimism bias raises one-off costs as the Green Book "
            "requires; the table shows them before and after."
        ),
        Table(
            "Each priority project's costs, funding need, annual saving and net present value",
            (
                "Project",
                "One-off cost before optimism bias",
                "One-off cost with optimism bias",
                "Funding need",
                "Annual saving at full level",
                "Net present value",
            ),
            tuple(rows),
            (False, True, True, True, True, True),
        ),
    ]


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
        f"Line chart of the programme's net savings by year from {years[0]} to {years[-1]}, with a "
        "shaded band from the 10th to the 90th percentile of the Monte Carlo simulation. The "
        f"central (P50) saving is highest in {years[peak]} at {fmt.money(p50[peak])}, with a "
        f"range of {fmt.money(p10[peak])} to {fmt.money(p90[peak])}."
    )
    return Figure(
        "savings",
        "Programme savings by year with uncertainty bands",
        alt,
        SavingsBands(years, p10, p50, p90),
        Table(
            "Programme net savings by year: P10, P50 and P90 from the Monte Carlo simulation",
            ("Year", "P10 (low)", "P50 (central)", "P90 (high)"),
            rows,
            (False, True, True, True),
        ),
    )
