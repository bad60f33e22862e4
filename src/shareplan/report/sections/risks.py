"""Risks and Uncertainties: the programme's own risks and one register of the projects' risks."""

from __future__ import annotations

from collections.abc import Sequence

from shareplan.business_case import Risk
from shareplan.report import formatting as fmt
from shareplan.report import outline
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


def register(c: Context, ids: Sequence[str], *, shared_only: bool = False) -> Table | None:
    """One register for the projects ``ids``: each risk once, with the projects it touches and
    its worst rating among them (the seed's risks are raised for every project, so listing them
    project by project would repeat them six times). With ``shared_only``, only those raised for
    every opportunity (the programme's register; each project's own are listed beside it)."""
    grouped: dict[str, list[tuple[str, Risk]]] = {}
    for oid in ids:
        for r in c.opp(oid).risks.risks:
            if not shared_only or r.raised_by == "seed":
                grouped.setdefault(r.id, []).append((oid, r))
    if not grouped:
        return None
    n = len(ids)
    rows: list[tuple[tuple[float, int], tuple[Run, ...]]] = []
    for entries in grouped.values():
        worst = max(entries, key=lambda e: e[1].rating)[1]
        touched = [oid for oid, _ in entries]
        where = (
            "all priority projects"
            if len(touched) == n and n > 1
            else fmt.listing([c.short(i) for i in touched])
        )
        rows.append(
            (
                (-worst.rating, -len(touched)),
                (
                    category(worst.category),
                    worst.description + (f" ({worst.trigger})" if worst.trigger else ""),
                    where,
                    rating(worst),
                    worst.mitigation,
                    rating(worst, residual=True),
                    worst.owner or "project sponsor",
                ),
            )
        )
    rows.sort(key=lambda x: x[0])
    header: tuple[str, ...] = (
        "Category",
        "Risk",
        "Projects",
        "Rating",
        "Mitigation",
        "Rating after mitigation",
        "Owner",
    )
    caption = (
        "Risk register of the programme (rating = likelihood x impact, each scored 1 to 5; the "
        "worst rating among the projects it applies to)"
    )
    body = [r for _, r in rows]
    if all(r[2] == "all priority projects" for r in body):
        # the column would say the same on every row: the caption says it once
        header = header[:2] + header[3:]
        body = [r[:2] + r[3:] for r in body]
        caption = (
            "Risk register: the risks every priority project shares (rating = likelihood x "
            "impact, each scored 1 to 5)"
        )
    return Table(caption, header, tuple(body))


TRADING_SHARE = 0.2
"""A project whose benefits over the period are more than this share trading income depends on
buyers, and the register says so."""
THIN_MARGIN = 0.3
"""A project whose net present value falls to zero if its annual saving is this much lower (or
less) has a thin margin, and the register says so."""


def project_risks(c: Context, oid: str) -> list[tuple[str, str]]:
    """The risks particular to one project, read from its business case, each with its owner
    (the owner the register gives the project's risk of benefits not being realised)."""
    bc = c.opp(oid).business_case
    register = c.opp(oid).risks.risks
    owner = next((r.owner for r in register if r.category == "financial" and r.owner), "")
    owner = owner or "project sponsor"
    out: list[tuple[str, str]] = []
    mc = bc.monte_carlo
    if mc is not None and mc.p10 < 0:
        out.append(
            (
                "In the low case (a 1 in 10 chance of worse) its net present value is "
                f"{fmt.money(mc.p10)}: its savings might not cover its costs.",
                owner,
            )
        )
    years = bc.adjusted.years
    benefits = sum(y.benefits for y in years)
    trading = sum(y.trading_income for y in years)
    if benefits > 0 and trading / benefits > TRADING_SHARE:
        out.append(
            (
                f"{fmt.percent(trading / benefits)} of its benefits over the period is income "
                "from selling the service; if buyers do not come, that income is lost.",
                owner,
            )
        )
    saving = next((s for s in bc.switching_values if s.input == "annual_saving"), None)
    if saving is not None and saving.change is not None and -THIN_MARGIN < saving.change < 0:
        out.append(
            (
                "Its net present value falls to zero if the annual saving is "
                f"{fmt.percent(-saving.change)} lower than estimated.",
                owner,
            )
        )
    for r in register:
        if r.raised_by != "seed":
            out.append((r.description + (f" ({r.trigger})" if r.trigger else ""), r.owner))
    return out


def risks(c: Context) -> Section:
    blocks: list[Block] = []
    concentration = c.chosen.view.risks if c.chosen else ()
    if concentration:
        blocks.append(p("Risks to the programme as a whole:"))
        blocks += [p(c.rule(r.message), kind="bullet") for r in concentration]
    table = register(c, c.selected, shared_only=True)
    if table:
        blocks.append(table)
    rows = [
        (c.short(oid), text, owner) for oid in c.selected for text, owner in project_risks(c, oid)
    ]
    if rows:
        blocks.append(
            Table(
                "Risks particular to each priority project",
                ("Project", "Risk", "Owner"),
                tuple(rows),
            )
        )
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
            f"The savings are estimates: {outline.ref('appendix-robustness')} shows their range, "
            "and each "
            f"project's page in {outline.ref('appendix-projects')} says how far its estimates "
            "could move before it stopped being worth doing."
        )
    )
    return outline.body_section("risks", blocks)
