"""7. Proposals and Details: how the projects were found, and each priority project: what it is,
why it was chosen, its scores, suitability, procurement route and timeline; the Gantt chart."""

from __future__ import annotations

from shareplan.business_case import Timeline
from shareplan.programme.records import SelectedReason
from shareplan.report import formatting as fmt
from shareplan.report import outline
from shareplan.report.context import Context
from shareplan.report.model import (
    Block,
    Figure,
    Gantt,
    Money,
    Phase,
    Run,
    Section,
    Table,
    notice,
    p,
)

METHOD = (
    "{approved} three principles for shared services: the right services, the right "
    "partners and the right time, each with criteria. Every opportunity the Council's "
    "services and partners allow was found, checked against the research on where sharing "
    "suits a service, scored against the criteria with {weights}, and costed as a business case "
    "following HM Treasury's Green Book. The programme was "
    "then chosen to make {objective} as large as possible within the budget and the other "
    "rules. {method} describes the method."
)


def proposals(c: Context) -> Section:
    approved = f"{c.results.scenario.meeting} approved" if c.approved else "The appraisal uses"
    blocks: list[Block] = [
        p(
            METHOD.format(
                approved=approved,
                objective=c.objective_words(),
                method=outline.ref("appendix-method").capitalize(),
                weights=c.weighted_by(),
            )
        )
    ]
    to_judge = c.results.scenario.affinity_to_judge
    if to_judge.partners:
        blocks.append(
            p(
                "Officers have yet to judge the strength of the existing relationship with "
                f"{fmt.listing(list(to_judge.partners))}; the appraisal used a neutral "
                f"{to_judge.neutral_default} out of 5 for "
                f"{'it' if len(to_judge.partners) == 1 else 'each'} until they do.",
                kind="notice",
            )
        )
    blocks.extend(not_appraised(c))
    long_list = c.results.long_list
    if long_list.considered:
        kept = long_list.shortlist.kept
        blocks.append(
            p(
                f"The appraisal considered {fmt.number(float(long_list.considered))} "
                "combinations of service, partners and way of working; "
                f"{fmt.number(float(long_list.kept))} are possible, and "
                + (f"{kept} were shortlisted." if kept else "a shortlist was taken.")
            )
        )
    children: list[Section] = []
    if c.infeasible:
        blocks.append(p(c.infeasible.message, kind="notice"))
    elif c.chosen is None or not c.selected:
        blocks.append(notice("The priority projects"))
    else:
        children = [brief(c, oid) for oid in c.selected]
        blocks.append(
            p(
                "The summary table gives when each project's savings start; "
                f"{outline.ref('appendix-projects')} shows the whole programme's timeline."
            )
        )
    return outline.body_section("proposals", blocks, children)


def not_appraised(c: Context) -> list[Block]:
    """The services the scenario kept out of the appraisal and why, in one sentence: their cost
    is in the Council's figures, so a reader should know no project could come from them."""
    left = c.results.scenario.not_appraised
    if not left:
        return []
    # parted as fmt.listing parts names: by semicolons when a name has a comma of its own
    comma, last = ("; ", "; and ") if any("," in s.name for s in left) else (", ", " and ")
    runs: list[Run] = []
    for i, service in enumerate(left):
        if i:
            runs.append(last if i == len(left) - 1 else comma)
        money = Money(service.gross_cost, ("scenario", "not_appraised", i, "gross_cost"))
        runs += [service.name, " (", money, " a year)"]
    one = len(left) == 1
    runs.append(
        " was left out of the appraisal: it groups several services under one heading, so "
        "nobody could say what sharing it would mean. Officers are to split it into the "
        "services it covers, so that each can be appraised in its own right."
        if one
        else " were left out of the appraisal: each groups several services under one heading, "
        "so nobody could say what sharing it would mean. Officers are to split each into the "
        "services it covers, so that those can be appraised in their own right."
    )
    return [p(*runs, kind="notice")]


def brief(c: Context, oid: str) -> Section:
    """A priority project in one paragraph for the body (its page in the appendix has the rest,
    including why it was chosen)."""
    o = c.opp(oid)
    partners = [c.name(x) for x in o.partner_ids]
    m = o.business_case.measures
    text = (
        f"{fmt.listing([c.name(s) for s in o.service_ids])}, "
        + (f"with {fmt.listing(partners)}" if partners else "within the Council")
        + f", as {c.model(o.model).lower()}. "
        + f"It scores {fmt.number(o.scores.total, 1)} out of 100 against the principles and "
        f"criteria. Procurement: {fmt.aside(o.procurement.wording or o.procurement.route).lower()}. "
        f"Savings start after {fmt.months(m.months_to_first_saving)}"
        + ("; it is a quick win." if c.quick_win(oid) else "; it is not a quick win.")
    )
    return Section(c.title(oid), (p(text),), key=f"project-{oid}")


def reason(c: Context, r: SelectedReason) -> str:
    """Why a project is in the programme, in a sentence: its share of the objective, its share of
    the budget and what would replace it (the optimiser's own text when the share is missing)."""
    if r.share_of_objective is None:
        return r.text
    text = f"it brings {fmt.percent(r.share_of_objective)} of what the programme maximises"
    budget = next((u for u in r.uses if u.rule.startswith("budget")), None)
    if budget and budget.share is not None:
        text += f" for {fmt.percent(float(budget.share))} of the budget"
    replaced = [c.title(i) for i in r.replaced_by]
    if len(replaced) == 1:
        text += f"; without it the best programme would take {replaced[0]} instead"
    elif replaced:
        text += (
            f"; without it the best programme would change {fmt.count(len(replaced), 'project')}"
        )
    return text + "."


def project(c: Context, oid: str, why: str) -> Section:
    """One opportunity in words (a priority project here; any shortlisted one in ``explain``)."""
    o = c.opp(oid)
    services = [c.name(s) for s in o.service_ids]
    partners = [c.name(x) for x in o.partner_ids]
    blocks: list[Block] = [
        p(
            f"What: {fmt.listing(services)}. "
            f"With whom: {fmt.listing(partners) or 'the Council alone'}. "
            f"Which model: {c.model(o.model)}."
        )
    ]
    if why:
        blocks.append(p(f"Why it was chosen: {why}"))
    blocks.append(p(_scores_text(c, oid)))
    screening = o.screening
    if screening.recommendation_text or screening.because:
        because = screening.because
        blocks.append(
            p(f"Suitability: {screening.recommendation_text}{': ' + because if because else ''}.")
        )
        if screening.override:
            blocks.append(p(f"Officers' justification for appraising it: {screening.override}"))
    procurement = o.procurement
    blocks.append(
        p(
            f"Procurement: {procurement.wording or procurement.route}"
            + (" Legal advice is needed." if procurement.legal_advice else "")
        )
    )
    timeline = o.business_case.timeline
    blocks.append(
        p(
            f"Timeline: savings begin {fmt.months(timeline.benefits_start_month)} after "
            f"{c.start()} "
            f"and reach their full level after {fmt.months(timeline.full_benefits_month)}"
            + ("; it is a quick win." if o.business_case.measures.quick_win else ".")
        )
    )
    return Section(c.title(oid), tuple(blocks), key=f"project-{oid}")


def _scores_text(c: Context, oid: str) -> str:
    scores = c.opp(oid).scores
    parts = [
        f"{c.group_names.get(gid, gid)} {fmt.number(float(g.score))}"
        for gid, g in scores.groups.items()
        if g.score is not None
    ]
    strongest = sorted(scores.criteria.items(), key=lambda k: -k[1].weighted)[:2]
    text = (
        "Against the principles and criteria it scores "
        f"{fmt.number(scores.total, 1)} out of 100 (rank {scores.rank}): {'; '.join(parts)}."
    )
    if strongest:
        text += (
            " Its strongest criteria: "
            + "; ".join(f"{c.criterion_names.get(k, k)} ({s.rationale})" for k, s in strongest)
            + "."
        )
    return text


def phases(t: Timeline) -> tuple[Phase, ...]:
    """Procurement, implementation and savings phases of a business case's timeline."""
    out: list[Phase] = []
    for name, start, end in (
        ("Procurement", t.procurement_start_month, t.procurement_end_month),
        ("Implementation", t.implementation_start_month, t.implementation_end_month),
    ):
        if end > start:
            out.append(Phase(name, start, end))
    b = t.benefits_start_month
    out.append(Phase("Savings", b, max(t.full_benefits_month or b + 12, b + 3)))
    return tuple(out)


def gantt_figure(c: Context) -> Figure:
    rows: list[tuple[str, tuple[Phase, ...]]] = []
    table_rows: list[tuple[Run, ...]] = []
    for oid in c.selected:
        ph = phases(c.opp(oid).business_case.timeline)
        rows.append((c.short(oid), ph))

        def span(name: str, ph: tuple[Phase, ...] = ph) -> str:
            return next(
                (f"{x.start_month:.0f} to {x.end_month:.0f}" for x in ph if x.name == name), "none"
            )

        table_rows.append(
            (c.short(oid), span("Procurement"), span("Implementation"), span("Savings"))
        )
    starts = [x.start_month for _, ph in rows for x in ph if x.name == "Savings"]
    alt = (
        f"Gantt chart of {len(rows)} projects over the months from {c.start()}, showing "
        "procurement, implementation and savings for each; the first savings begin in month "
        f"{min(starts):.0f} and the last in month {max(starts):.0f}."
    )
    return Figure(
        "timeline",
        "Programme timeline",
        alt,
        Gantt(tuple(rows), c.start().split(",")[0]),
        Table(
            f"Programme timeline, months from {c.start()}",
            ("Project", "Procurement", "Implementation", "Savings (start to full level)"),
            tuple(table_rows),
        ),
    )
