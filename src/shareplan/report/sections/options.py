"""Options Considered and Rejected: the opportunities officers and partners put forward that are
not recommended, the biggest hoped-for gain first, then the nearest misses; each with the reason
and what would change it."""

from __future__ import annotations

from dataclasses import dataclass

from shareplan.report import formatting as fmt
from shareplan.report import outline
from shareplan.report.context import Context
from shareplan.report.model import Block, Section, p

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
        for m in misses:
            rules = fmt.listing(c.rules(m.kept_out_by))
            reason = (
                "because, although it came close, it does not fit with the programme's rules"
                + (f" ({rules})" if rules else "")
                + " without giving up more than it brings."
            )
            out.append(
                Rejected(
                    m.id,
                    c.title(m.id),
                    reason,
                    reason.removeprefix("because, ").removesuffix("."),
                    "It would come in if one of those rules were relaxed; "
                    f"{outline.ref('appendix-alternatives')} shows what that would cost.",
                    False,
                )
            )
    return out


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
    return outline.body_section("options", blocks)
