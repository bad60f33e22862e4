"""The programme's one-off costs split into capital and revenue for the Financial Implications:
each cost line with its own optimism-bias allowance, so that a capital line's uplift and
redundancy's none stay where they belong."""

from __future__ import annotations

from shareplan.report import formatting as fmt
from shareplan.report.context import Context
from shareplan.report.model import Block, Money, Path, Run, Table, total

OPERATING_LINES = ("optimism_bias_operating",)
"""Cost lines that recur rather than being one-off (the rest of a year's cost lines are one-off)."""
ONE_OFF_ALLOWANCE = "optimism_bias_one_off"


COST_LINES = {
    "project_team": "project staff",
    "procurement_legal": "procurement and legal advice",
    "ict_integration": "ICT systems and their integration",
    "redundancy_pension": "redundancy and pension costs",
}
"""The one-off cost lines of a business case, in words."""


def capital_and_revenue(c: Context) -> list[Block]:
    """Each project's one-off cost split into capital and revenue: the capital cost lines named
    in the evidence base, each with its own optimism-bias allowance (a line's uplift times the
    line, year by year), so a capital line's 200% and redundancy's 0% stay where they belong."""
    capital_lines = set(c.setting("finance.capital_cost_lines", ()))
    rows: list[tuple[Run, ...]] = []
    for oid in c.selected:
        base, allowance, revenue = _split_one_off(c, oid, capital_lines)
        rows.append(
            (
                c.short(oid),
                total(base, c.results),
                total(allowance, c.results),
                total(revenue, c.results),
                total(base + allowance + revenue, c.results),
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
            (
                "Project",
                "Capital",
                "Contingency on the capital (its optimism-bias allowance)",
                "Revenue",
                "Total one-off cost",
            ),
            tuple(rows),
            (False, True, True, True, True),
            note=f"Capital: {fmt.listing([COST_LINES.get(x, x) for x in sorted(capital_lines)])}; "
            "revenue: "
            + fmt.listing([v for k, v in COST_LINES.items() if k not in capital_lines])
            + ". Each cost line carries its own optimism-bias allowance: "
            + _uplifts_in_words(c)
            + ".",
        )
    ]


def capital_revenue_totals(c: Context) -> tuple[Money, Money, Money]:
    """The programme's capital one-off cost before its optimism-bias allowance, that allowance
    (a contingency, drawn only if the capital overruns) and the revenue one-off cost (each line
    with its own allowance)."""
    capital_lines = set(c.setting("finance.capital_cost_lines", ()))
    base: list[tuple[float, Path]] = []
    contingency: list[tuple[float, Path]] = []
    revenue: list[tuple[float, Path]] = []
    for oid in c.selected:
        k, allowance, r = _split_one_off(c, oid, capital_lines)
        base += k
        contingency += allowance
        revenue += r
    return total(base, c.results), total(contingency, c.results), total(revenue, c.results)


def _uplifts_in_words(c: Context) -> str:
    """The uplift each one-off cost line carried across the priority projects: "ICT systems and
    their integration 200%; redundancy and pension costs none" (a range where projects differ)."""
    seen: dict[str, set[float]] = {}
    for oid in c.selected:
        for line, uplift in line_uplifts(c, oid).items():
            seen.setdefault(line, set()).add(round(uplift, 4))
    parts = []
    for line, label in COST_LINES.items():
        values = sorted(seen.get(line, ()))
        if not values:
            continue
        if values[-1] == 0:
            parts.append(f"{label} none")
        elif len(values) == 1:
            parts.append(f"{label} {fmt.percent(values[0])}")
        else:
            parts.append(f"{label} {fmt.percent(values[0])} to {fmt.percent(values[-1])}")
    return "; ".join(parts)


def line_uplifts(c: Context, oid: str) -> dict[str, float]:
    """Each one-off cost line's optimism-bias uplift in a project's business case."""
    bias = c.opp(oid).business_case.optimism_bias
    return {u.cost_line: u.uplift for u in bias.one_off if u.cost_line}


def _split_one_off(
    c: Context, oid: str, capital_lines: set[str]
) -> tuple[list[tuple[float, Path]], list[tuple[float, Path]], list[tuple[float, Path]]]:
    """The terms of a project's capital one-off cost before its allowance, the capital lines'
    allowance, and the revenue one-off cost. The year's allowance is the sum of each line times
    its uplift; the capital lines' share of it goes to capital and the rest (the allowance less
    that share, so the three add up to the whole) to revenue."""
    uplifts = line_uplifts(c, oid)
    capital: list[tuple[float, Path]] = []
    allowance: list[tuple[float, Path]] = []
    revenue: list[tuple[float, Path]] = []
    for j, y in enumerate(c.opp(oid).business_case.adjusted.years):
        for line in y.costs:
            if line in OPERATING_LINES:
                continue
            path = c.opp_path(oid, "business_case", "adjusted", "years", j, "costs", line)
            if line == ONE_OFF_ALLOWANCE:
                revenue.append((1.0, path))
            elif line in capital_lines:
                capital.append((1.0, path))
                if uplifts.get(line):
                    allowance.append((uplifts[line], path))
                    revenue.append((-uplifts[line], path))
            else:
                revenue.append((1.0, path))
    return capital, allowance, revenue
