"""Options Considered and Rejected: the opportunities officers and partners put forward that are
not recommended, the biggest hoped-for gain first, then the nearest misses; each with the reason
and what would change it."""

from __future__ import annotations

from dataclasses import dataclass

from shareplan.assessment.screening import REASON_NOT_SUITABLE, REASON_PRIVATE_FOR_PUBLIC
from shareplan.programme.records import NearMiss
from shareplan.report import formatting as fmt
from shareplan.report import outline
from shareplan.report.context import Context
from shareplan.report.model import Block, Money, Run, Section, p, total

DECLARED = 5
"""How many of the options put forward by name the body names, the largest hoped-for gain first."""
NEAR_MISSES = 2
"""How many of the optimiser's near misses the body names (the rest are in an appendix)."""


@dataclass(frozen=True, slots=True)
class Rejected:
    """An option not recommended: what it is, why not, and what would bring it in."""

    id: str
    title: str
    reason: str
    first_reason: str
    change: str
    declared: bool


def rejected(c: Context) -> list[Rejected]:
    """The options a member will ask about: those put forward by name (declared), the largest
    hoped-for gain (net present value before optimism bias) first, then the near misses."""
    chosen = set(c.selected)
    declared = [o for o in c.results.opportunities if o.declared and o.id not in chosen]
    declared.sort(key=lambda o: -o.business_case.unadjusted.measures.npv)
    out = [_declared(c, o.id) for o in declared[:DECLARED]]
    named = {r.id for r in out}
    if c.chosen is not None:
        misses = [m for m in c.chosen.near_misses if m.id not in named][:NEAR_MISSES]
        out += [_near_miss(c, m) for m in misses]
    return out


def _near_miss(c: Context, m: NearMiss) -> Rejected:
    """Why a near miss is out: the rules that keep it out (each of which, relaxed alone, would let
    it in at no loss), or none when the chosen projects are simply worth more."""
    if m.grant_npv is not None:
        return _grant_funded(c, m)
    rules = c.rules(m.kept_out_by)
    appendix = outline.ref("appendix-alternatives")
    best = c.chosen.objective_value if c.chosen is not None else 0.0
    if not rules:
        instead = fmt.listing([c.short(x) for x in m.displaces])
        worse = (
            f" {fmt.percent(m.loss_if_forced_in / best, 1)}"
            if m.loss_if_forced_in is not None and best
            else ""
        )
        reason = (
            "because the projects chosen are worth more: putting it in"
            + (f", taking the place of {instead}," if instead else "")
            + f" would make the programme{worse} worse on what it maximises, and no single rule "
            "keeps it out."
        )
        return _missed(c, m, reason, f"{appendix} shows the other near misses.")
    reason = (
        "because, although it came close, it does not fit with the programme's rules "
        f"({fmt.listing(rules)}) without giving up more than it brings."
    )
    if m.budget_needed is not None:
        change = (
            f"It could join the projects proposed with another {fmt.money(m.budget_needed)} of "
            f"budget; {appendix} shows what forcing it in within the budget would cost."
        )
    else:
        which = "that rule" if len(rules) == 1 else "any one of those rules"
        change = (
            f"It could come in at no loss if {which} were relaxed; {appendix} shows what forcing "
            "it in would cost."
        )
    return _missed(c, m, reason, change)


def _missed(c: Context, m: NearMiss, reason: str, change: str) -> Rejected:
    """A near miss not recommended: ``reason`` ("because ...") and, as its first reason, the
    same words without "because" and the full stop."""
    clause = reason.removeprefix("because").lstrip(", ").removesuffix(".")
    return Rejected(m.id, c.title(m.id), reason, clause, change, False)


def grant_words(c: Context, m: NearMiss) -> str:
    """Why an option whose savings all stay with ring-fenced grants is out, as a clause: it adds
    nothing the general fund can cash, which is what the programme is chosen on; in a blend it
    comes near on its score alone."""
    words = (
        f"all of its {fmt.money(m.grant_npv or 0.0)} net present value stays with the "
        "ring-fenced grant that pays for the service, and the programme is chosen on the savings "
        "the general fund can cash, to which it adds nothing"
    )
    if c.results.programme.objective.kind == "blend":
        words += "; it comes near the programme only on its score against the Council's principles"
    return words


def _grant_funded(c: Context, m: NearMiss) -> Rejected:
    """A near miss whose savings all stay with ring-fenced grants: no rule keeps it out, so the
    reason is where its savings go, and what would change it is counting them."""
    reason = f"because {grant_words(c, m)}."
    change = (
        "Its savings would count if the Council chose to count savings that stay with "
        "ring-fenced grants."
    )
    return _missed(c, m, reason, change)


def _declared(c: Context, oid: str) -> Rejected:
    """Why a named option is not in the programme: the first of these that holds, in the order a
    Director of Finance would give them (affordability, value, legal route, suitability, score)."""
    o = c.opp(oid)
    bc = o.business_case
    adjusted, unadjusted = bc.measures, bc.unadjusted.measures
    budget = c.budget()
    chance = c.chance_positive(oid)
    reasons: list[str] = []
    change = ""
    if budget is not None and adjusted.one_off_cost > budget.value:
        reasons.append(
            f"its one-off cost with optimism bias, {fmt.money(adjusted.one_off_cost)} "
            f"({fmt.money(unadjusted.one_off_cost)} before it), is more than the whole "
            f"{fmt.money(budget.value)} budget"
        )
        change = (
            f"It would come back into consideration with a budget of at least "
            f"{fmt.money(adjusted.one_off_cost)}, or if a full business case with its partners "
            "showed the risks behind the optimism bias to be managed: before that allowance its "
            f"net present value is {fmt.money(unadjusted.npv)}, after it "
            f"{fmt.money(adjusted.npv)}."
        )
    if adjusted.npv < 0:
        reasons.append(f"its net present value is negative ({fmt.money(adjusted.npv)})")
        saving = next((s for s in bc.switching_values if s.input == "annual_saving"), None)
        if not change and saving is not None and saving.switching_value is not None:
            change = (
                "It would break even only if its annual saving rose to "
                f"{fmt.money(saving.switching_value)} from {fmt.money(saving.central)}."
            )
    elif chance is not None and chance < 0.5:
        reasons.append(f"its chance of a positive net present value is only {fmt.odds(chance)}")
    if o.procurement.legal_advice:
        reasons.append(
            f"its route ({o.procurement.wording.partition(':')[0].lower()}) needs legal advice before the Council "
            "could commit to it"
        )
        change = change or "It could be looked at again once that legal advice is received."
    if o.screening.recommendation == "not_suitable":
        reasons.append(
            "the research on where sharing suits a service says it probably would not suit: "
            + o.screening.because
        )
    if not reasons:
        reasons.append(
            f"it scores {fmt.number(o.scores.total, 1)} out of 100 against the principles "
            f"(rank {o.scores.rank}), and the chosen projects give more within the same budget "
            "and rules"
        )
        change = change or "It would come in if the weights on the criteria moved in its favour."
    joined = reasons[0] if len(reasons) == 1 else "; ".join(reasons[:-1]) + "; and " + reasons[-1]
    return Rejected(oid, c.title(oid), f"because {joined}.", reasons[0], change, True)


def options(c: Context) -> Section:
    number = outline.number("options")
    blocks: list[Block] = [
        p(
            "Doing nothing would keep today's costs and forgo the savings in this report. The "
            "options below were considered and are not recommended. Those put forward by name "
            "come first, the largest hoped-for gain first; then the projects that came closest "
            "to the programme."
        )
    ]
    found = rejected(c)
    if not found:
        blocks.append(p("No other option came close to the programme."))
    for i, r in enumerate(found, start=1):
        title = fmt.aside(r.title)  # "ICT services (corporate centralisation): not ..."
        blocks.append(p(f"{number}.{i} {title}: not recommended {r.reason} {r.change}".strip()))
    blocks += removed_by_screen(c)
    return outline.body_section("options", blocks)


SCREEN_WORDS = {
    REASON_NOT_SUITABLE: "the national research the screen follows says sharing probably would "
    "not suit {them}",
    REASON_PRIVATE_FOR_PUBLIC: "the screen points {them} to a public sector partner, and every "
    "way of sharing {them} on offer needed a private one",
}
"""Each of the screen's reasons in a member's words ({them}: "it" or "them")."""
COUNTS = 2
"""How many of the screen's counts against a group of services are named (strongest first)."""


def removed_by_screen(c: Context) -> list[Block]:
    """The services the suitability screen removed entirely (no way of sharing them was costed),
    with their cost, grouped by the screen's reason and naming the counts they share; nothing
    when there are none. A bundle is left out when one of its services is named on its own
    (that service's reason covers it)."""
    every = c.results.long_list.shortlist.removed_by_screen
    alone = {r.service_ids[0] for r in every if len(r.service_ids) == 1}
    shown = [
        i for i, r in enumerate(every) if len(r.service_ids) == 1 or not alone & set(r.service_ids)
    ]
    if not shown:
        return []
    groups: dict[str, list[int]] = {}
    for i in shown:
        groups.setdefault(every[i].reason, []).append(i)
    lines = [_screened_group(c, reason, members) for reason, members in groups.items()]
    lead = (
        f"The suitability screen removed {fmt.count(len(shown), 'service')} entirely, so no way "
        f"of sharing {'it' if len(shown) == 1 else 'them'} was costed"
    )
    paths = [("long_list", "shortlist", "removed_by_screen", i, "cost") for i in shown]
    spend = total([(1.0, path) for path in paths], c.results)
    if len(lines) == 1:
        names, words = lines[0]
        tail: list[Run] = [", ", spend, " a year in all"] if len(shown) > 1 else []
        return [p(f"{lead}: ", *names, *tail, ". ", words[:1].upper() + words[1:], ".")]
    return [
        p(f"{lead} (", spend, " a year in all):"),
        *(p(*names, ": ", words, ".", kind="bullet") for names, words in lines),
    ]


def _screened_group(c: Context, reason: str, members: list[int]) -> tuple[list[Run], str]:
    """One reason of the screen's: the services it removed, each with its cost, and the reason
    in words with the counts all of them share."""
    every = c.results.long_list.shortlist.removed_by_screen
    runs: list[Run] = []
    for k, i in enumerate(members):
        if k:
            runs.append(" and " if k == len(members) - 1 else ", ")
        name = " with ".join(c.name(s) for s in every[i].service_ids)
        path = ("long_list", "shortlist", "removed_by_screen", i, "cost")
        runs += [f"{name} (", Money(every[i].cost, path), " a year)"]
    them = "it" if len(members) == 1 else "them"
    words = SCREEN_WORDS.get(reason, "the screen ruled {them} out").format(them=them)
    if reason == REASON_NOT_SUITABLE:
        counts = [x.strip() for x in every[members[0]].because.split(";")]
        shared = [x for x in counts if all(x in every[i].because for i in members)][:COUNTS]
        if shared:
            words += ", on these counts: " + "; ".join(shared)
    return runs, words
