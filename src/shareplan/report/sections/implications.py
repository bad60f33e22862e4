"""The implications sections every English council's report to Cabinet carries: procurement,
legal, human resources, equalities, and wards and areas. Each reads the priority projects'
business cases, and the rules that depend on a delivery model (who employs the staff, which
powers apply) come from the evidence base."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shareplan.report import formatting as fmt
from shareplan.report import outline
from shareplan.report.context import Context, evidence
from shareplan.report.model import Block, Run, Section, Table, notice, p

HOST_KEY = "assessment.within_borough.host."
"""Who does the work under a model: ``council`` (no staff move), ``shared`` or ``partners``."""


def host(c: Context, model: str) -> str:
    return str(c.setting(HOST_KEY + model, "council"))


def staff_move(c: Context, oid: str) -> bool:
    """Whether staff would move to another employer with their work (TUPE then applies)."""
    o = c.opp(oid)
    return bool(o.partner_ids) and host(c, o.model) != "council"


def _none(key: str) -> Section:
    return outline.body_section(key, [notice("The priority projects")])


def procurement(c: Context) -> Section:
    if not c.selected:
        return _none("procurement")
    rows: list[tuple[Run, ...]] = []
    for oid in c.selected:
        pr = c.opp(oid).procurement
        t = c.opp(oid).business_case.timeline
        rows.append(
            (
                c.short(oid),
                pr.wording or pr.route.replace("_", " "),
                "yes" if pr.needs_tender else "no",
                fmt.months(pr.lead_time_months),
                fmt.months(t.procurement_end_month - t.procurement_start_month),
            )
        )
    first = c.opp(c.selected[0]).procurement
    blocks: list[Block] = [
        p(
            f"The procurement rules in force are the {first.law}. An arrangement only between "
            f"public bodies can rely on the exemptions for public-public cooperation "
            f"({first.public_public_basis.replace(' (', ': ').removesuffix(')')}); a private "
            "partner means an advertised competition above the threshold in force: "
            f"{thresholds(c)}." + joint_purchases(c)
        ),
        Table(
            "Procurement route of each priority project",
            (
                "Project",
                "Route",
                "Competitive tender",
                "Time to agree the arrangement: officers' plan",
                "Allowing for over-running",
            ),
            tuple(rows),
            (False, False, False, True, True),
            note="The last column adds the allowance for over-running that every plan carries "
            "(optimism bias); the timeline in "
            f"{outline.ref('appendix-projects')} and the project pages use it.",
        ),
    ]
    return outline.body_section("procurement", blocks)


def joint_purchases(c: Context) -> str:
    """The priority projects in which the partners buy together from the market, in a sentence
    (empty when there are none): their agreement is exempt, their purchase is not."""
    names = [c.short(oid) for oid in c.selected if tender(c.opp(oid).model) == "joint"]
    if not names:
        return ""
    return (
        f" In {fmt.listing(names)} the Council and its partners buy together: their agreement to "
        "do so is public-public cooperation, but what they buy comes from the market, so the "
        "purchase is procured as one contract for all of them, and advertised when its value "
        "over the contract's term reaches the threshold."
    )


def tender(model: str) -> str:
    """How a delivery model tenders (``none``, ``joint`` or ``competitive``), from the evidence
    base; ``none`` for a model it does not ship."""
    try:
        return evidence().model(model).tender
    except KeyError:
        return "none"


def thresholds(c: Context) -> str:
    """The threshold each priority project would meet with a private partner, in words: the
    light-touch regime's own, higher threshold for social and other specific services, else the
    threshold for services contracts, each with its amount and the date it applies from."""
    groups: dict[tuple[str, float, str, bool], list[str]] = {}
    for oid in c.selected:
        pr = c.opp(oid).procurement
        key = (
            pr.special_services,
            pr.threshold,
            pr.threshold_from.isoformat(),
            pr.threshold_vat_inclusive,
        )
        groups.setdefault(key, []).append(c.short(oid))
    parts = []
    for (regime, amount, since, vat), names in groups.items():
        value = (
            f"{fmt.money_full(amount)} ({'including' if vat else 'excluding'} VAT, from "
            f"{fmt.long_date(since)})"
        )
        if regime == "light_touch":
            parts.append(
                f"for {fmt.listing(names)}, which are social and other specific services, the "
                f"light-touch regime's own, higher threshold of {value}"
            )
        elif regime == "part_b":
            parts.append(
                f"for {fmt.listing(names)}, which are Part B services, no advertised competition "
                f"at any value (the threshold for other services is {value})"
            )
        else:
            parts.append(f"for {fmt.listing(names)}, the threshold for services contracts, {value}")
    return "; ".join(parts)


def legal(c: Context) -> Section:
    if not c.selected:
        return _none("legal")
    powers: Mapping[str, Any] = c.setting("legal.powers", {}) or {}
    blocks: list[Block] = [
        p(
            "Each project needs a written agreement with its partners setting out governance, "
            "the sharing of costs and savings, liabilities, data sharing and how the arrangement "
            "can end. The powers each relies on:"
        )
    ]
    for model in dict.fromkeys(c.opp(oid).model for oid in c.selected):
        names = fmt.listing([c.short(oid) for oid in c.selected if c.opp(oid).model == model])
        power = powers.get(model, "to be confirmed by the Council's solicitor")
        blocks.append(p(f"{c.model(model)} ({names}): {power}.", kind="bullet"))
    advice = [c.short(oid) for oid in c.selected if c.opp(oid).procurement.legal_advice]
    if advice:
        blocks.append(p(f"Legal advice is needed before commitment for {fmt.listing(advice)}."))
    ventures = [
        o
        for o in c.results.opportunities
        if o.procurement.legal_advice and o.id not in set(c.selected)
    ]
    if ventures:
        names = fmt.listing([o.title for o in ventures[:3]])
        blocks.append(
            p(
                "Delivery through a joint venture or other vehicle with a private partner has "
                "its own procurement implications, on which legal advice is being sought. No "
                f"priority project depends on it; {names} would, and is not recommended "
                f"({outline.ref('options')})."
            )
        )
    blocks.append(
        p(
            "Staff transfers, pensions and the agreements will be confirmed by the Council's "
            "solicitor in each full business case."
        )
    )
    return outline.body_section("legal", blocks)


def human_resources(c: Context) -> Section:
    if not c.selected:
        return _none("human-resources")
    law = c.setting("human_resources.staff_transfer", "the transfer of undertakings regulations")
    rows: list[tuple[Run, ...]] = []
    for oid in c.selected:
        bc = c.opp(oid).business_case
        m = bc.measures
        rows.append(
            (
                c.short(oid),
                fmt.number(bc.fte),
                fmt.number(m.fte_released),
                fmt.number(m.fte_created_in_borough),
                "yes" if staff_move(c, oid) else "no",
            )
        )
    scope = sum(c.opp(oid).business_case.fte for oid in c.selected)
    released = sum(c.opp(oid).business_case.measures.fte_released for oid in c.selected)
    blocks: list[Block] = [
        p(
            f"The priority projects cover services employing about {fmt.number(scope)} "
            f"full-time equivalent (FTE) posts. About {fmt.number(released)} FTE posts would no "
            "longer be needed once the savings are at their full level; the one-off costs "
            "include redundancy and pension costs for them. Staff who stay in their posts are "
            "not counted as jobs created."
        ),
        Table(
            "Posts affected by each priority project (full-time equivalents)",
            (
                "Project",
                "Posts in the service",
                "Posts released",
                "Posts created",
                "Staff transfer",
            ),
            tuple(rows),
            (False, True, True, True, False),
        ),
        p(
            f"Where staff would move to another employer with their work, {law} protect their "
            "terms and conditions, and the Council must inform and consult their representatives. "
            "The recognised trade unions will be consulted formally on each full business case "
            "before any decision that affects posts, and staff will be briefed when Cabinet has "
            "decided."
        ),
    ]
    return outline.body_section("human-resources", blocks)


def equalities(c: Context) -> Section:
    if not c.selected:
        return _none("equalities")
    duty = c.setting("equalities.duty", "the equality duties")
    rows: list[tuple[Run, ...]] = []
    for oid in c.selected:
        m = c.opp(oid).business_case.measures
        staff = m.fte_released > 0 or staff_move(c, oid)
        rows.append(
            (
                c.short(oid),
                "staff" + (" and service users" if c.opp(oid).partner_ids else ""),
                "full assessment with the full business case"
                if staff
                else "screened: no change to the service users receive; confirm in the full "
                "business case",
            )
        )
    blocks: list[Block] = [
        p(
            f"In deciding, Cabinet must have due regard to {duty}. An equality impact "
            "assessment has been screened for each project; where posts are released or staff "
            "move, or the way residents reach a service changes, a full assessment comes back "
            "with the full business case."
        ),
        Table(
            "Equality impact assessment screening",
            ("Project", "Who could be affected", "Screening result"),
            tuple(rows),
        ),
    ]
    return outline.body_section("equalities", blocks)


def wards(c: Context) -> Section:
    if not c.selected:
        return _none("wards")
    moving = [c.short(oid) for oid in c.selected if staff_move(c, oid)]
    text = (
        "The priority projects concern services for the whole of the Council's area; no ward is "
        "affected more than another, and this report affects communities in every ward."
    )
    if moving:
        text += (
            f" Where a partner would deliver the work ({fmt.listing(moving)}), the place it is "
            "done from may change; ward members will be told before any office moves."
        )
    return outline.body_section("wards", [p(text)])
