"""The general fund's share of the savings: which options' savings stay partly with ring-fenced
grants, which net present value the programme was chosen on because of it, and the general fund's
figures the tables show beside the whole net present value.

A Director of Finance asks two things of a programme with ring-fenced services in it: was it
chosen on savings the council can cash, and where do the tables count savings it cannot? The
summary and the financial implications answer the first in one sentence; every table that shows a
priority project's net present value answers the second with the general fund's share beside it.
"""

from __future__ import annotations

from shareplan.report import formatting as fmt
from shareplan.report.context import Context
from shareplan.report.model import Block, Money, p, total

GRANTS = "such as the public health grant or the dedicated schools grant"


def fenced_services(c: Context) -> list[tuple[str, float]]:
    """The services of the options considered whose cost is partly paid from ring-fenced grants,
    by name, with that share: each once, the largest share first (then by name)."""
    shares: dict[str, float] = {}
    for o in c.results.opportunities:
        share = o.business_case.ring_fenced_share
        if share > 0:
            shares.setdefault(c.short(o.id), share)
    return sorted(shares.items(), key=lambda item: (-item[1], item[0]))


def basis_sentence(c: Context) -> str:
    """Which savings the programme was chosen on, said plainly when an option considered has a
    ring-fenced share and the programme ranks on net present value ("" otherwise)."""
    fenced = fenced_services(c)
    objective = c.results.programme.objective
    if not fenced or objective.kind not in ("npv", "blend"):
        return ""
    shares = fmt.listing([f"{fmt.percent(share)} of the cost of {name}" for name, share in fenced])
    grants = "A ring-fenced grant" if len(fenced) == 1 else "Ring-fenced grants"
    pays = "pays" if len(fenced) == 1 else "pay"
    paid = f"{grants} ({GRANTS}) {pays} for {shares}"
    if objective.count_ring_fenced_savings:
        return (
            "The programme is chosen on the whole of each option's savings, because the Council "
            "has decided to count savings that stay with ring-fenced grants. "
            f"{paid}, and the general fund cannot cash that share of the savings."
        )
    return (
        f"The programme is chosen on the savings the general fund can cash. {paid}; that share "
        "of the savings stays with the grant, so the choice counts only the general fund's share "
        "of each option's net present value."
    )


def basis(c: Context) -> list[Block]:
    """:func:`basis_sentence` as a paragraph (none when there is nothing to say)."""
    sentence = basis_sentence(c)
    return [p(sentence)] if sentence else []


def fenced_selected(c: Context) -> list[str]:
    """The priority projects whose cost is partly paid from ring-fenced grants."""
    return [oid for oid in c.selected if c.opp(oid).business_case.ring_fenced_share > 0]


def shows_general_fund(c: Context) -> bool:
    """Whether the tables of priority projects show the general fund's share of the net present
    value beside the whole: when a priority project's cost is partly paid from ring-fenced grants
    (elsewhere the two are the same)."""
    return bool(fenced_selected(c))


def general_fund_npv(c: Context, oid: str) -> Money:
    """One project's general-fund share of its net present value, traced: the recorded figure,
    or for results written before it the net present value scaled by the part not ring-fenced."""
    bc = c.opp(oid).business_case
    if bc.general_fund_npv is not None:
        return Money(bc.general_fund_npv, c.opp_path(oid, "business_case", "general_fund_npv"))
    npv = c.opp_path(oid, "business_case", "adjusted", "measures", "npv")
    return total([(1.0 - bc.ring_fenced_share, npv)], c.results)


def programme_general_fund_npv(c: Context) -> Money:
    """The programme's general-fund share of its net present value, traced."""
    chosen = c.chosen
    if chosen is not None and chosen.totals.general_fund_npv is not None:
        return Money(chosen.totals.general_fund_npv, ("programme", "totals", "general_fund_npv"))
    terms = [t for oid in c.selected for t in _terms(general_fund_npv(c, oid))]
    return total(terms, c.results)


def _terms(m: Money) -> tuple[tuple[float, tuple[str | int, ...]], ...]:
    return m.terms or ((1.0, m.source),)


def ring_fenced(c: Context) -> list[Block]:
    """Which priority projects' savings stay partly with a ring-fenced grant, and what the
    general fund can cash of them (the cash flows count the whole saving)."""
    fenced = fenced_selected(c)
    if not fenced:
        return []
    cases = [c.opp(oid).business_case for oid in fenced]
    names = [
        f"{c.short(oid)} ({fmt.percent(bc.ring_fenced_share)} of its cost)"
        for oid, bc in zip(fenced, cases, strict=True)
    ]
    cashable = sum(bc.general_fund_saving or 0.0 for bc in cases)
    return [
        p(
            f"Part of the cost of {fmt.listing(names)} is paid from ring-fenced grants (such as "
            "the dedicated schools grant or the public health grant). That part of the saving "
            "stays with the grant: the general fund can cash ",
            Money(
                cashable,
                (),
                terms=tuple(
                    (1.0, c.opp_path(oid, "business_case", "general_fund_saving")) for oid in fenced
                ),
            ),
            " a year of "
            + ("its" if len(fenced) == 1 else "their")
            + " saving at full level, and the cash flows below count the whole saving.",
        )
    ]


def _grant_only(c: Context) -> list[str]:
    """The options considered, not chosen, whose positive net present value all stays with
    ring-fenced grants, when the programme is chosen on the general fund's share: the best
    first (then by title)."""
    objective = c.results.programme.objective
    if objective.count_ring_fenced_savings or objective.kind not in ("npv", "blend"):
        return []
    chosen = set(c.selected)
    found = [
        o
        for o in c.results.opportunities
        if o.id not in chosen
        and o.business_case.ring_fenced_share > 0
        and o.business_case.measures.npv > 0
        and abs(o.business_case.npv_to_general_fund) <= 1e-9 * o.business_case.measures.npv
    ]
    found.sort(key=lambda o: (-o.business_case.measures.npv, o.title))
    return [o.id for o in found]


def grant_lines(c: Context) -> list[Block]:
    """The value the choice does not count, each on its own line: for each service whose options
    not chosen have savings that all stay with ring-fenced grants, the best of them and its net
    present value (partner clones of the same value named together). None when there are none."""
    ids = _grant_only(c)
    if not ids:
        return []
    by_service: dict[tuple[str, ...], list[str]] = {}
    for oid in ids:
        by_service.setdefault(c.opp(oid).service_ids, []).append(oid)
    lines: list[Block] = []
    for same_service in by_service.values():
        best = same_service[0]
        npv = c.opp(best).business_case.measures.npv
        ties = [x for x in same_service if abs(c.opp(x).business_case.measures.npv - npv) < 0.5]
        lines.append(_grant_line(c, best, ties, npv))
    lead = (
        "The programme counts none of the savings of these options, because all of them stay "
        "with the ring-fenced grant that pays for the service (they would count if the Council "
        "chose to count savings that stay with ring-fenced grants):"
    )
    return [p(lead), *lines]


def _grant_line(c: Context, best: str, ties: list[str], npv: float) -> Block:
    """One service's line: the option (or its partner clones of the same value, named once with
    each partner) and its net present value."""
    name = c.title(best)
    same_way = len({c.opp(t).model for t in ties}) == 1 and all(c.opp(t).partner_ids for t in ties)
    if len(ties) > 1 and same_way and " with " in name:
        partners = [fmt.listing([c.name(x) for x in c.opp(t).partner_ids]) for t in ties]
        name = f"{name.partition(' with ')[0]} with {fmt.listing(partners, 'or')}"
    elif len(ties) > 1:
        name = fmt.listing([c.title(t) for t in ties], "or")
    return p(
        f"{name}: ",
        Money(npv, c.opp_path(best, "business_case", "adjusted", "measures", "npv")),
        " of net present value, all of it with the ring-fenced grant.",
        kind="bullet",
    )
