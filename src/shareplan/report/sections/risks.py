"""9. Risks and Uncertainties: the programme's own risks and one register of the projects' risks."""

from __future__ import annotations

from collections.abc import Sequence

from shareplan.business_case import Risk
from shareplan.report import formatting as fmt
from shareplan.report.context import Context
from shareplan.report.model import Block, Run, Section, Table, notice, p

SEED_RISKS = (
    (
        "Financial",
        "The transformation cannot be funded, or benefits are not realised and savings not "
        "delivered as forecast; practical issues (back office support, pay and grading, pensions, "
        "insurance, governance) are not resolved within the project budget.",
        "A robust business case and cost benefit analysis for each project.",
    ),
    (
        "Political",
        "Political support is not sustained for the duration of the arrangement.",
        "Arrangements acceptable to Members here and in partner councils; early political buy-in.",
    ),
    (
        "Reputational",
        "Negative media coverage of the proposals.",
        "A clear communications plan for each project.",
    ),
    (
        "Legal and procurement",
        "Legal and procurement implications are not understood.",
        "Legal advice on each proposal; procurement route set out in each business case.",
    ),
)
"""The risks the seed report named when the principles were approved (shown when no programme
was chosen, so there is no register)."""


def category(value: str) -> str:
    return value.replace("_", " and ").capitalize()


def rating(r: Risk, residual: bool = False) -> str:
    """ "12 (3 x 4)": the rating with the likelihood and impact it multiplies."""
    if residual:
        return f"{r.residual_rating} ({r.residual_likelihood} x {r.residual_impact})"
    return f"{r.rating} ({r.likelihood} x {r.impact})"


def register(c: Context, ids: Sequence[str]) -> Table | None:
    """One register for the projects ``ids``: each risk once, with the projects it touches and
    its worst rating among them (the seed's risks are raised for every project, so listing them
    project by project would repeat them six times)."""
    grouped: dict[str, list[tuple[str, Risk]]] = {}
    for oid in ids:
        for r in c.opp(oid).risks.risks:
            grouped.setdefault(r.id, []).append((oid, r))
    if not grouped:
        return None
    n = len(ids)
    rows: list[tuple[tuple[float, int], tuple[Run, ...]]] = []
    for entries in grouped.values():
        worst = max(entries, key=lambda e: e[1].rating)[1]
        ids = [oid for oid, _ in entries]
        where = f"all {n}" if len(ids) == n and n > 1 else fmt.listing([c.short(i) for i in ids])
        rows.append(
            (
                (-worst.rating, -len(ids)),
                (
                    category(worst.category),
                    worst.description + (f" ({worst.trigger})" if worst.trigger else ""),
                    where,
                    rating(worst),
                    worst.mitigation,
                    rating(worst, residual=True),
                ),
            )
        )
    rows.sort(key=lambda x: x[0])
    return Table(
        "Risk register of the programme (rating = likelihood x impact, each scored 1 to 5; the "
        "worst rating among the projects it applies to)",
        ("Category", "Risk", "Projects", "Rating", "Mitigation", "Rating after mitigation"),
        tuple(r for _, r in rows),
    )


def risks(c: Context) -> Section:
    blocks: list[Block] = []
    concentration = c.chosen.view.risks if c.chosen else ()
    if concentration:
        blocks.append(p("Risks to the programme as a whole:"))
        blocks += [p(r.message, kind="bullet") for r in concentration]
    table = register(c, c.selected)
    if table:
        blocks.append(table)
    if not blocks:
        blocks.append(notice("The programme and project risk registers"))
        blocks.append(
            p(
                "The risks the Council identified when it approved the principles remain:"
                if c.approved
                else "The risks commonly met in shared services apply:"
            )
        )
        blocks.append(
            Table(
                "Risks named when the principles were approved"
                if c.approved
                else "Risks commonly met in shared services",
                ("Category", "Risk", "Mitigation"),
                SEED_RISKS,
            )
        )
    blocks.append(
        p(
            "The savings are estimates: the Finance section shows their range from the Monte Carlo "
            "simulation, and Appendix 1 gives each project's switching values, the change in an "
            "input at which its net present value falls to zero."
        )
    )
    return Section("Risks and Uncertainties", tuple(blocks), number="9", key="risks")
