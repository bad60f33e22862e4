"""5. Summary: the programme in a few sentences and one table, the projects a member should look
at twice, and the biggest hope that is not recommended; or why no programme could be chosen."""

from __future__ import annotations

from shareplan.report import formatting as fmt
from shareplan.report import outline
from shareplan.report.context import Context
from shareplan.report.model import Block, Money, Run, Section, Table, notice, p
from shareplan.report.sections.finance import funding_need, payback, programme_years
from shareplan.report.sections.general_fund import (
    basis,
    general_fund_npv,
    programme_general_fund_npv,
    shows_general_fund,
)
from shareplan.report.sections.options import rejected

INTRO = (
    "This report proposes the priority projects {authority} should take forward: where a "
    "shared service can be put in place quickly and where there is most opportunity for "
    "savings, chosen from every combination of service, partner and way of working that the "
    "principles and criteria for shared services allow."
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
        return outline.body_section("summary", blocks)
    if chosen is None or not c.selected:
        blocks.append(notice("The programme of priority projects"))
        return outline.body_section("summary", blocks)
    n = len(c.selected)
    runs: list[Run] = [
        f"The proposed programme has {fmt.count(n, 'priority project')}",
        " with one-off costs of ",
        Money(chosen.totals.one_off_cost, ("programme", "totals", "one_off_cost")),
        " (including an allowance for optimism bias)",
    ]
    budget = c.budget()
    if budget:
        runs += [" within a budget of ", budget]
    runs += [
        f". Over {fmt.count(c.results.scenario.horizon_years, 'year')} its savings less its "
        "costs, in today's money (the net present value), come to ",
        Money(chosen.totals.npv, ("programme", "totals", "npv")),
    ]
    if shows_general_fund(c):
        runs += [", of which the general fund's share is ", programme_general_fund_npv(c)]
    runs.append(".")
    blocks.append(projects_table(c))
    blocks.append(p(*runs))
    blocks += fewer_than_asked(c)
    blocks += basis(c)
    blocks += _cash(c)
    blocks.append(quick_win_sentence(c))
    blocks += _concerns(c)
    blocks += _not_recommended(c)
    return outline.body_section("summary", blocks)


NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
ORDINALS = ("", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth")
STRUCTURAL = ("one_per_service", "max_projects")
"""Rules that are never why a programme is smaller than asked: one project per service is how
alternatives exclude each other, and the most projects allowed is the number asked for."""


def _words(n: int) -> str:
    return NUMBER_WORDS[n] if 0 <= n < len(NUMBER_WORDS) else str(n)


def fewer_than_asked(c: Context) -> list[Block]:
    """When the programme has fewer projects than the scenario asks for, one sentence saying so
    and why: the rules that limit it (by counterfactual: relaxing that rule alone would give a
    better programme) and, when the budget is one, the next project and the money it needs."""
    chosen = c.chosen
    asked = chosen.constraints.max_projects if chosen is not None else None
    n = len(c.selected)
    if chosen is None or asked is None or n >= asked or chosen.limiting is None:
        return []
    head = f"Only {_words(n)} projects are proposed, not the {_words(asked)} asked for"
    if n == 1:
        head = f"Only one project is proposed, not the {_words(asked)} asked for"
    limits = [u for u in chosen.constraint_use if u.limiting and u.key not in STRUCTURAL]
    budget = c.budget()
    if budget is not None and any(u.key == "budget" for u in limits):
        runs: list[Run] = [f"{head}, because of the ", budget, " budget"]
        nearest = next(
            ((i, m) for i, m in enumerate(chosen.near_misses) if m.budget_needed is not None),
            None,
        )
        if nearest is not None:
            i, m = nearest
            runs += [
                f": adding a {ORDINALS[n + 1] if n + 1 < len(ORDINALS) else 'further'} project, "
                f"{c.short(m.id)}, would need another ",
                Money(
                    float(m.budget_needed or 0.0), ("programme", "near_misses", i, "budget_needed")
                ),
            ]
        return [p(*runs, ".")]
    if limits:
        rules = fmt.listing(c.rules([u.label for u in limits]))
        verb = "keeps" if len(limits) == 1 else "keep"
        return [p(f"{head}: {rules} {verb} the others out.")]
    return [p(f"{head}: no other option would add to {c.objective_words()} beside them.")]


def quick_win_rule(c: Context) -> str:
    """The business case's quick-win rule in words: savings begin within the window, counted from
    the start of the first year, and by then the savings delivered come to the share of a full
    year's saving the evidence asks for (an amount delivered, not a rate reached)."""
    months = int(c.setting("business_case.quick_win.months", 12))
    share = c.setting("business_case.quick_win.min_share_of_annual", 0.0)
    rule = f"savings begin within {fmt.months(months)} of {c.start()}"
    if share:
        rule += (
            f", and the savings delivered by then add up to at least {fmt.percent(float(share))} "
            "of a full year's saving"
        )
    return rule


def quick_win_sentence(c: Context) -> Block:
    rule = quick_win_rule(c)
    if c.quick_wins() == 0:
        return p(
            f"None of the {fmt.count(len(c.selected), 'project')} is a quick win, one whose "
            f"{rule}, as the Council's 'right time' principle asks."
        )
    return p(
        f"{fmt.count(c.quick_wins(), 'project')} of the {len(c.selected)} "
        f"{'is a quick win' if c.quick_wins() == 1 else 'are quick wins'}: {rule}, as the "
        "Council's 'right time' principle asks."
    )


def projects_table(c: Context) -> Table:
    """One row per priority project: what it is, with whom, how, and what it costs and saves
    (with the general fund's share of the net present value beside the whole when a project's
    cost is partly paid from ring-fenced grants)."""
    labels = c.labels(c.selected)
    beside = shows_general_fund(c)
    rows: list[tuple[Run, ...]] = []
    for oid in c.selected:
        o = c.opp(oid)
        m = o.business_case.measures
        path = c.opp_path(oid, "business_case", "adjusted", "measures")
        chance = c.chance_positive(oid)
        rows.append(
            (
                labels[oid],
                fmt.listing([c.name(x) for x in o.partner_ids]) or "the Council alone",
                c.model(o.model),
                Money(m.one_off_cost, (*path, "one_off_cost")),
                Money(m.steady_state_annual_saving, (*path, "steady_state_annual_saving")),
                Money(m.npv, (*path, "npv")),
                *((general_fund_npv(c, oid),) if beside else ()),
                f"after {fmt.months(m.months_to_first_saving)}",
                "yes" if c.quick_win(oid) else "no",
                fmt.chance(chance) if chance is not None else "not assessed",
            )
        )
    general_fund = ("Net present value to the general fund",) if beside else ()
    return Table(
        "The priority projects",
        (
            "Project",
            "Partners",
            "Way of working",
            "One-off cost",
            "Annual saving at full level",
            "Net present value",
            *general_fund,
            "Savings start",
            "Quick win",
            "Chance of a positive net present value",
        ),
        tuple(rows),
        (False, False, False, True, True, True, *(True for _ in general_fund), False, False, False),
        note="One-off costs include optimism bias; savings and values are in real prices of "
        f"{c.results.scenario.price_base_year}. Each project has a page in "
        f"{outline.ref('appendix-projects')}.",
    )


def _concerns(c: Context) -> list[Block]:
    concerns = c.concerns()
    if not concerns:
        return [
            p(
                "Every priority project has a positive net present value and at least an even "
                "chance of keeping it when costs, savings and timing vary."
            )
        ]
    reasons = {r.id: r for r in c.chosen.reasons} if c.chosen else {}
    out: list[Block] = [p("Two things to note before deciding:" if len(concerns) > 1 else "Note:")]
    for oid, what in concerns:
        score = c.opp(oid).scores.total
        why = f"it scores {fmt.number(score, 1)} out of 100 against the principles and criteria"
        reason = reasons.get(oid)
        if reason is not None and reason.share_of_objective is not None:
            why += f" and brings {fmt.percent(reason.share_of_objective)} of what the programme "
            why += "was chosen to maximise"
        out.append(
            p(f"{c.title(oid)}: {what}. It is still recommended because {why}.", kind="bullet")
        )
    return out


def _not_recommended(c: Context) -> list[Block]:
    options = rejected(c)
    if not options:
        return []
    first = options[0]
    return [
        p(
            f"Not recommended: {first.title}, because {first.first_reason}. "
            f"{outline.ref('options').capitalize()} sets out this and the other options "
            "considered and rejected."
        )
    ]


def _cash(c: Context) -> list[Block]:
    """What needs funding and when, the payback year and the net saving a year at the end."""
    years = programme_years(c)
    if not years:
        return []
    runs: list[Run] = [
        "Its one-off costs need funding in full (",
        years[0].costs,
        f" of them in {years[0].label}), because the savings arrive in service budgets",
    ]
    if funding_need(years):
        year = payback(years)
        runs.append(
            f"; counting the savings as they arise, it pays back by {year}. " if year else ". "
        )
    else:
        runs.append(". ")
    runs += [f"By {years[-1].label} it saves a net ", years[-1].net, " a year."]
    return [p(*runs)]
