"""One opportunity's Green Book business case in full: its own assumptions, cash flows, measures,
switching values and tornado chart. The Cabinet report gives each priority project one page
(:mod:`shareplan.report.appendices.projects`) and the full list of assumptions in a workbook;
this full form is for ``shareplan explain`` and for the workbook's labels (:func:`shown`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shareplan.business_case import Assumption, BusinessCase, Measures, SwitchingValue
from shareplan.report import formatting as fmt
from shareplan.report import outline
from shareplan.report.context import Context
from shareplan.report.model import (
    Block,
    Figure,
    Money,
    Path,
    Run,
    Section,
    Table,
    Tornado,
    file_key,
    notice,
    p,
)

TITLE = "Appendix 1: Business cases of the priority projects"


def business_cases(c: Context) -> Section:
    if not c.selected:
        return Section(
            TITLE, (notice("Business cases of priority projects"),), key="appendix-cases"
        )
    common = common_assumptions(c)
    return Section(
        TITLE,
        (
            p(
                "Each business case follows the HM Treasury Green Book: real prices, discounting, "
                "optimism bias, sensitivity and switching values. The risks of every project are in "
                f"the programme's register ({outline.ref('risks')})."
            ),
        ),
        tuple(business_case(c, oid, common) for oid in c.selected),
        key="appendix-cases",
    )


def common_assumptions(c: Context) -> set[str]:
    """Keys of the assumptions every priority project uses with the same value: the assumptions
    appendix lists
    them once, and each business case shows only its own."""
    seen = [
        {(a.key, repr(a.value)) for a in c.opp(oid).business_case.assumptions} for oid in c.selected
    ]
    if len(seen) < 2:
        return set()
    return {key for key, _ in set.intersection(*seen)}


def business_case(c: Context, oid: str, common: set[str]) -> Section:
    """One opportunity's business case (a priority project's here; any one's in ``explain``)."""
    o = c.opp(oid)
    bc = o.business_case
    base = c.opp_path(oid, "business_case")
    children: list[Section] = []
    own = [a for a in bc.assumptions if a.key not in common]
    if own:
        children.append(Section("Assumptions and sources", (_assumptions_table(own),)))
    children.append(Section("Cash flows", (_cash_flows(c, bc, base),)))
    measures: list[Block] = [_measures_table(bc, base)]
    if bc.monte_carlo is not None and bc.monte_carlo.gap_explanation:
        # the headline and the risk analysis share one basis; say why their medians differ
        measures.append(p(bc.monte_carlo.gap_explanation))
    children.append(Section("Measures", tuple(measures)))
    blocks: list[Block] = []
    if bc.switching_values:
        blocks.append(_switching_table(bc.switching_values, base))
        # where no value in range brings the NPV to zero, the business case says why in words
        blocks.extend(
            p(s.note) for s in bc.switching_values if s.switching_value is None and s.note
        )
    tornado = tornado_figure(c, oid)
    if tornado:
        blocks.append(tornado)
    if blocks:
        children.append(Section("Sensitivity and switching values", tuple(blocks)))
    partners = fmt.listing([c.name(x) for x in o.partner_ids])
    intro = p(
        f"{fmt.listing([c.name(s) for s in o.service_ids])}"
        + (f", shared with {partners}" if partners else "")
        + f"; delivery model: {c.model(o.model).lower()}."
    )
    return Section(c.title(oid), (intro,), tuple(children), key=f"case-{oid}")


def _assumptions_table(own: list[Assumption]) -> Table:
    return Table(
        "This project's own assumptions (those every priority project shares are in "
        f"{outline.ref('appendix-assumptions')})",
        ("Assumption", "Value", "Unit", "Confidence"),
        tuple(
            (
                assumption_label(a),
                shown(a.value, a.unit),
                a.unit,
                str(a.confidence or a.origin).replace("_", " "),
            )
            for a in own
        ),
        (False, True, False, False),
        note=f"Sources: the evidence base ({outline.ref('appendix-assumptions')}) for each "
        "assumption's parameter; optimism "
        "bias from the Green Book supplementary guidance.",
    )


def _cash_flows(c: Context, bc: BusinessCase, base: Path) -> Table:
    years = bc.adjusted.years
    trading = any(abs(y.trading_income) > 0.5 for y in years)
    rows = []
    for i, y in enumerate(years):
        path = (*base, "adjusted", "years", i)

        def m(key: str, value: float, path: Path = path) -> Money:
            return Money(value, (*path, key), full=True)

        rows.append(
            (
                y.label or c.year(i),
                m("total_cost", y.total_cost),
                m("savings", y.savings),
                *((m("trading_income", y.trading_income),) if trading else ()),
                m("net", y.net),
                fmt.number(y.discount_factor, 3),
                m("present_value", y.present_value),
            )
        )
    header = ("Year", "Costs", "Savings", *(("Trading income",) if trading else ()))
    header += ("Net", "Discount factor", "Present value")
    return Table(
        "Yearly cash flows with optimism bias (real prices)",
        header,
        tuple(rows),
        (False, *(True for _ in header[1:])),
    )


MEASURES = (
    ("npv", "Net present value", "money"),
    ("bcr", "Benefit-cost ratio", "ratio"),
    ("one_off_cost", "One-off cost (with optimism bias)", "money"),
    ("funding_need", "Funding need", "money"),
    ("steady_state_annual_saving", "Annual saving at full level", "money"),
    ("non_cashable_annual", "Non-cashable gains a year (not in the NPV)", "money"),
    ("months_to_first_saving", "First saving after", "months"),
    ("fte_released", "Posts released (FTE)", "fte"),
    ("fte_kept_in_borough", "Posts kept in the area (FTE)", "fte"),
    ("fte_created_in_borough", "Posts created in the area (FTE)", "fte"),
)
"""The measures a business case shows, in order: the field, its label and how it is written."""


def _measure(measures: Measures, key: str, kind: str, base: Path) -> Run | None:
    value: float | None = getattr(measures, key)
    if value is None or (key == "fte_created_in_borough" and value == 0):
        return None
    if kind == "money":
        return Money(value, (*base, "adjusted", "measures", key))
    if kind == "months":
        return fmt.months(value)
    return fmt.number(value, 2 if kind == "ratio" else 1)


def _measures_table(bc: BusinessCase, base: Path) -> Table:
    rows: list[tuple[Run, ...]] = []
    for key, label, kind in MEASURES:
        cell = _measure(bc.adjusted.measures, key, kind, base)
        if cell is not None:
            rows.append((label, cell))
    rows.append(("Payback", bc.adjusted.measures.payback_label or "not within the period"))
    mc = bc.monte_carlo
    if mc is not None:
        rows.append(
            (
                "Net present value, expected (mean of the risk analysis)",
                Money(mc.mean, (*base, "monte_carlo", "mean")),
            )
        )
        rows.append(("Net present value, low (P10)", Money(mc.p10, (*base, "monte_carlo", "p10"))))
        rows.append(
            ("Net present value, median (P50)", Money(mc.p50, (*base, "monte_carlo", "p50")))
        )
        rows.append(("Net present value, high (P90)", Money(mc.p90, (*base, "monte_carlo", "p90"))))
        rows.append(("Chance the NPV is positive", fmt.percent(mc.prob_npv_positive)))
        rows.append(
            (
                "Chance of a quick win (material savings within 12 months)",
                fmt.percent(mc.prob_quick_win),
            )
        )
    return Table("Appraisal measures", ("Measure", "Value"), tuple(rows), (False, True))


def _switching_table(switching: tuple[SwitchingValue, ...], base: Path) -> Table:
    def value(i: int, s: SwitchingValue, key: str) -> Run:
        v: float | None = getattr(s, key)
        if v is None:
            return "none (see below)" if key == "switching_value" and s.note else "none"
        return input_value(v, s.unit, (*base, "switching_values", i, key))

    return Table(
        "Switching values: the value of each input at which the net present value falls to zero",
        ("Input", "Central value", "Switching value", "Change from central"),
        tuple(
            (
                input_label(s.input),
                value(i, s, "central"),
                value(i, s, "switching_value"),
                change(s),
            )
            for i, s in enumerate(switching)
        ),
        (False, True, True, True),
    )


def shown(value: Any, unit: str = "") -> str:
    """An assumption's value for a table: shares as percentages, small tables written out."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        n = float(value)
        if unit.startswith("share"):
            return fmt.percent(n, 1).replace(".0%", "%")
        return fmt.number(n, 0 if abs(n) >= 100 or n == int(n) else 2)
    if isinstance(value, str):
        return value.replace("_", " ")
    if (
        isinstance(value, Mapping)
        and len(value) <= 4
        and all(isinstance(v, str | int | float) for v in value.values())
    ):
        return "; ".join(
            f"{str(k).replace('_', ' ')}: {shown(v)}"
            for k, v in value.items()
            if v not in ("", None)
        )
    return "a table (see the evidence base)"


BOUNDS = ("low", "central", "high")


def assumption_label(a: Assumption) -> str:
    """The assumption's description, with which end of a range it is when the key says so."""
    text = a.description or a.key
    bound = a.key.rsplit(".", 1)[-1]
    return f"{text} ({bound})" if bound in BOUNDS else text


def change(s: SwitchingValue) -> str:
    """How far an input must move to its switching value: in months for a delay (a share of a
    zero delay means nothing), otherwise as a share of its central value."""
    if s.unit.startswith("months") and s.switching_value is not None:
        difference = abs(s.switching_value - s.central)
        return f"{'+' if s.switching_value >= s.central else '-'}{fmt.number(difference, 1)} months"
    if s.change is None:
        return "-"
    return ("+" if s.change > 0 else "") + fmt.percent(s.change)


INPUT_LABELS = {
    "annual_saving": "Annual saving at full level",
    "one_off_cost": "One-off cost",
    "delay": "Delay before savings begin",
    "delay_months": "Delay before savings begin",
    "saving_share": "Saving as a share of gross cost",
    "one_off_cost_multiplier": "One-off cost (multiple of the estimate)",
    "ramp_months": "Months to reach full savings",
    "private_partner_gain_share": "Private partner's share of the gains",
    "trading_volume": "Work sold to buyers (share of the services' cost, at the chance of winning it)",
    "trading_margin": "Net margin on work sold",
    "trading_income": "Trading income a year at full level",
}


def input_label(name: str) -> str:
    return INPUT_LABELS.get(name, name.replace("_", " ").capitalize())


def input_value(v: float, unit: str, source: Path) -> Run:
    """An input's value in its unit: money as money, shares as percentages, months as months."""
    if unit.startswith(("pounds", "£", "GBP")):
        return Money(v, source)
    if "share" in unit or unit == "%":
        return fmt.percent(v, 1)
    if unit.startswith("months"):
        return f"{fmt.number(v, 1)} months"
    if unit == "multiplier":
        return f"{fmt.number(v, 2)} x"
    return f"{fmt.number(v, 2)} {unit}".strip()


def tornado_figure(c: Context, oid: str) -> Figure | None:
    bc = c.opp(oid).business_case
    if not bc.tornado:
        return None
    indexed = sorted(
        enumerate(bc.tornado), key=lambda it: -abs(it[1].npv_at_high - it[1].npv_at_low)
    )
    path = c.opp_path(oid, "business_case", "tornado")
    labels = tuple(input_label(t.input) for _, t in indexed)
    rows = tuple(
        (
            labels[k],
            Money(t.npv_at_low, (*path, i, "npv_at_low")),
            Money(t.npv_at_high, (*path, i, "npv_at_high")),
        )
        for k, (i, t) in enumerate(indexed)
    )
    top = indexed[0][1]
    base_npv = bc.measures.npv
    alt = (
        f"Tornado chart of the NPV of {c.title(oid)} around its central {fmt.money(base_npv)}. "
        f"It is most sensitive to {labels[0]}, which moves it between "
        f"{fmt.money(top.npv_at_low)} and {fmt.money(top.npv_at_high)}."
    )
    return Figure(
        f"tornado-{file_key(oid)}",
        f"Sensitivity of the net present value: {c.short(oid)}",
        alt,
        Tornado(
            base_npv,
            labels,
            tuple(t.npv_at_low for _, t in indexed),
            tuple(t.npv_at_high for _, t in indexed),
        ),
        Table(
            "NPV with each input at its low and at its high value",
            ("Input", "NPV at low", "NPV at high"),
            rows,
            (False, True, True),
        ),
    )
