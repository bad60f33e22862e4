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
