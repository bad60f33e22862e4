"""5. Summary: the programme in a few sentences, or why none could be chosen."""

from __future__ import annotations

from shareplan.report import formatting as fmt
from shareplan.report.context import Context
from shareplan.report.model import Block, Money, Run, Section, notice, p
from shareplan.report.sections.finance import funding_need, payback, programme_years

INTRO = (
    "It sets out the priority projects that {authority} proposes to take forward, chosen from "
    "every opportunity the appraisal could find against the principles and criteria for shared "
    "services, where a shared service can be implemented quickly and where there is most "
    "opportunity for delivering savings."
)

RELAXED = {
    "priority_projects_min": "allowing as few as {value} priority projects",
    "implementation_budget": "an implementation budget of {value}",
    "min_quick_wins": "requiring {value} quick wins",
    "max_projects_per_partner": "allowing up to {value} projects with any one partner",
    "officer_capacity_fte": "project-team capacity of {value} full-time officers a year",
    "min_probability_positive_npv": "accepting projects with at least a {value} chance of a "
    "positive net present value",
    "must_include": "not insisting on the projects named as required",
}
"""Each rule's relaxation as a Member reads it (the setting's value in words)."""


def history(c: Context) -> str:
    """What this report follows, from the scenario's own earlier decisions (none: nothing)."""
    if not c.approved:
        return ""
    last = c.approved[-1]
    when = f", {fmt.long_date(last.date.isoformat())}" if last.date else ""
    return f"This report follows {last.title}{when}: {last.decision.rstrip('.')}. "


def relaxations_in_words(c: Context) -> list[Block]:
    """The smallest change to each clashing rule that gives a programme, in words."""
    if c.infeasible is None or not c.infeasible.relaxations:
        return []
    options = []
    for r in c.infeasible.relaxations:
        value = r.value
        if r.setting == "min_probability_positive_npv":
            value = fmt.percent(float(r.value))
        phrase = RELAXED.get(r.setting, f"changing {r.setting.replace('_', ' ')} to {{value}}")
        options.append(
            phrase.format(value=value)
            + f" would give a programme of {fmt.count(r.projects, 'project')} costing "
            + fmt.money(r.one_off_cost)
        )
    text = "; ".join(options)
    return [
        p(f"The smallest change to any one rule that gives a programme: {text}.", kind="notice")
    ]


def summary(c: Context) -> Section:
    authority = c.results.scenario.authority or "the Council"
    blocks: list[Block] = [p(history(c) + INTRO.format(authority=authority))]
    chosen = c.chosen
    if c.infeasible:
        blocks.append(p(f"No programme could be chosen. {c.infeasible.message}", kind="notice"))
        if c.infeasible.conflicting:
            blocks.append(
                p(
                    "To get a programme, relax one of these rules: "
                    + fmt.listing(list(c.infeasible.conflicting), "or")
                    + ".",
                    kind="notice",
                )
            )
        blocks += relaxations_in_words(c)
        return Section("Summary", tuple(blocks), number="5", key="summary")
    if chosen is None or not c.selected:
        blocks.append(notice("The programme of priority projects"))
        return Section("Summary", tuple(blocks), number="5", key="summary")
    n = len(c.selected)
    runs: list[Run] = [
        f"The proposed programme has {fmt.count(n, 'priority project')}",
        " with one-off implementation costs of ",
        Money(chosen.totals.one_off_cost, ("programme", "totals", "one_off_cost")),
        " (optimism bias included)",
    ]
    budget = c.budget()
    if budget:
        runs += [" within a budget of ", budget]
    runs += [
        ". Over the appraisal period its net present value is ",
        Money(chosen.totals.npv, ("programme", "totals", "npv")),
        ".",
    ]
    blocks.append(p(*runs))
    blocks += _cash(c)
    blocks.append(
        p(
            f"Savings begin within 12 months for {chosen.totals.quick_wins} of the {n} projects "
            "(quick wins), as the Council's 'right time' principle asks."
        )
    )
    blocks.append(p("The priority projects are:"))
    blocks += [p(c.title(oid), kind="bullet") for oid in c.selected]
    return Section("Summary", tuple(blocks), number="5", key="summary")


def _cash(c: Context) -> list[Block]:
    """The funding need, the payback year and the net saving a year at the end."""
    years = programme_years(c)
    if not years:
        return []
    need = funding_need(years)
    runs: list[Run] = []
    if need:
        runs += [
            "It needs up to ",
            need[0],
            f" of funding before its savings overtake its costs (the low point is {need[1]})",
        ]
        year = payback(years)
        runs.append(f" and pays back by {year}. " if year else ". ")
    runs += [f"By {years[-1].label} it saves a net ", years[-1].net, " a year."]
    return [p(*runs)]
