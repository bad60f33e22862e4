"""Figure 2 of the Cabinet report: the programme's net savings by year, the headline estimate
beside the middle of the simulated outcomes and their 1-in-10 range, so the chart and the finance
table never show two "central" figures without saying which is which."""

from __future__ import annotations

from collections.abc import Sequence

from shareplan.report import formatting as fmt
from shareplan.report import outline
from shareplan.report.context import Context
from shareplan.report.model import Figure, Money, Path, SavingsBands, Table
from shareplan.report.sections.finance import programme_years


def savings_figure(c: Context) -> Figure | None:
    """The programme's net savings by year: the headline estimate (the cash-flow table's net) and
    the middle of the simulated outcomes inside the band from the 1-in-10 low to the 1-in-10 high,
    each line named for what it is."""
    bands = c.chosen.view.savings_percentiles_by_year if c.chosen else None
    if not bands or not bands.get("P50"):
        return None
    base: Path = ("programme", "view", "savings_percentiles_by_year")
    headline = [y.net for y in programme_years(c)]
    n = min(len(bands["P50"]), len(headline)) if headline else len(bands["P50"])
    years = tuple(c.year(i) for i in range(n))
    p10 = tuple(float(v) for v in (bands.get("P10") or bands["P50"])[:n])
    p50 = tuple(float(v) for v in bands["P50"][:n])
    p90 = tuple(float(v) for v in (bands.get("P90") or bands["P50"])[:n])
    rows = tuple(
        (
            years[i],
            *((headline[i],) if headline else ()),
            Money(p10[i], (*base, "P10", i)),
            Money(p50[i], (*base, "P50", i)),
            Money(p90[i], (*base, "P90", i)),
        )
        for i in range(n)
    )
    head = tuple(m.value for m in headline[:n])
    peak = max(range(n), key=lambda k: p50[k])
    alt = (
        f"Line chart of the programme's net savings (savings less costs) by year from {years[0]} "
        f"to {years[-1]}, with a shaded band from the low to the high case: a 1 in 10 chance "
        f"of less, and of more. The middle of the simulated outcomes is highest in "
        f"{years[peak]} at {fmt.money(p50[peak])}, with a range of {fmt.money(p10[peak])} to "
        f"{fmt.money(p90[peak])}"
        + (f"; the headline estimate that year is {fmt.money(head[peak])}." if head else ".")
    )
    columns = ("Year", *(("Headline estimate",) if head else ()), "Low case")
    return Figure(
        "savings",
        "Programme net savings (savings less costs) by year, with the range of outcomes",
        alt,
        SavingsBands(years, p10, p50, p90, head),
        Table(
            "Programme net savings by year when costs, savings and timing vary: the low and "
            "high cases each have a 1 in 10 chance of being passed",
            (*columns, "Middle of the simulated outcomes", "High case"),
            rows,
            (False, *(True for _ in columns[1:]), True, True),
            note=_middle_note(head, p50),
        ),
    )


def _middle_note(head: Sequence[float], middle: Sequence[float]) -> str:
    """Why the chart's two lines differ: the headline is the estimate the finance tables use; the
    middle of the simulated outcomes is where half the drawn outcomes fall either side."""
    if not head:
        return ""
    gap = sum(m - h for h, m in zip(head, middle, strict=False))
    scale = sum(abs(h) for h in head) or 1.0
    if abs(gap) <= 0.02 * scale:
        where = "close to it"
    elif gap > 0:
        where = (
            "above it, because some ranges reach further above the estimates the headline "
            "uses than below them"
        )
    else:
        where = (
            "below it, because some ranges reach further below the estimates the headline "
            "uses than above them"
        )
    return (
        f"The headline estimate is the net in the cash-flow table of {outline.ref('finance')}. "
        "The middle of the simulated outcomes, half of them better and half worse, sits "
        f"{where}."
    )
