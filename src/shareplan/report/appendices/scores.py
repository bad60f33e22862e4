"""Appendix 2: the weights used, the score breakdown chart and the priority projects' scores."""

from __future__ import annotations

from shareplan.report import formatting as fmt
from shareplan.report import outline
from shareplan.report.context import Context
from shareplan.report.model import Block, Figure, ScoreBreakdown, Section, Table, notice, p
from shareplan.results.assessment import Scores

KEY = "appendix-scores"


def scores(c: Context) -> Section:
    ranked = sorted(c.results.opportunities, key=lambda o: (o.scores.rank, -o.scores.total))
    if not ranked:
        return outline.appendix(KEY, [notice("Criteria scores and weights")])
    criteria = ranked[0].scores.criteria
    blocks: list[Block] = [
        Table(
            "Weights used (combined stakeholders' swing weights; overall shares add up to 100%)",
            ("Criterion", "What it asks", "Principle", "Weight"),
            tuple(
                (
                    c.criterion(cid),
                    c.criterion_wording.get(cid, ""),
                    c.group_names.get(k.group, k.group),
                    fmt.percent(k.weight, 1),
                )
                for cid, k in criteria.items()
            ),
            (False, False, False, True),
        )
    ]
    top = [o.id for o in ranked[:10]]
    blocks.append(score_figure(c, list(dict.fromkeys([*c.selected, *top]))[:12]))
    if c.selected:
        blocks.append(_chosen_table(c, list(criteria), len(ranked)))
    return outline.appendix(KEY, blocks)


def _chosen_table(c: Context, criteria: list[str], shortlisted: int) -> Table:
    chosen = [(oid, c.opp(oid).scores) for oid in c.selected]
    labels = c.labels([oid for oid, _ in chosen])

    def score(sc: Scores, cid: str) -> str:
        k = sc.criteria.get(cid)
        if k is None:
            return "-"
        return fmt.number(k.score) if k.score is not None else "no data"

    return Table(
        "Criteria scores (0 to 100) of the priority projects",
        ("Criterion", *(labels[oid] for oid, _ in chosen)),
        (
            *((c.criterion(cid), *(score(sc, cid) for _, sc in chosen)) for cid in criteria),
            ("Weighted total (out of 100)", *(fmt.number(sc.total, 1) for _, sc in chosen)),
            ("Rank in the shortlist", *(str(sc.rank) for _, sc in chosen)),
        ),
        (False, *(True for _ in chosen)),
        note=_speed_note(c, criteria)
        + f"All {shortlisted} shortlisted opportunities, with every score and its "
        "reason, are in the appraisal's data file published with this report.",
    )


def _speed_note(c: Context, criteria: list[str]) -> str:
    """How the quick-win criterion scores, so that a project that is not a quick win but earns
    marks on it does not read as a contradiction."""
    if "quick_win" not in criteria:
        return ""
    full = float(c.setting("business_case.quick_win.months", 12))
    zero = float(c.setting("assessment.quick_win.zero_marks_months", 36))
    return (
        f"{c.criterion('quick_win')} scores 100 for a quick win (savings within "
        f"{fmt.months(full)}) and falls to 0 at {fmt.months(zero)}: a project that is not a "
        "quick win still earns marks on it when its savings come soon after. "
    )


def score_figure(c: Context, ids: list[str]) -> Figure:
    """Weighted score points per principle, one stacked bar per opportunity."""
    scored = [(oid, c.opp(oid).scores) for oid in ids]
    group_ids = list(scored[0][1].groups)
    names = tuple(c.group_names.get(g, g) for g in group_ids)
    values = tuple(
        tuple(s.groups[g].weighted if g in s.groups else 0.0 for g in group_ids) for _, s in scored
    )
    short = c.labels([oid for oid, _ in scored])
    labels = tuple(short[oid] for oid, _ in scored)
    rows = tuple(
        (labels[i], *(fmt.number(v, 1) for v in values[i]), fmt.number(sum(values[i]), 1))
        for i in range(len(labels))
    )
    best = max(range(len(labels)), key=lambda i: sum(values[i]))
    alt = (
        f"Stacked bar chart of the weighted score out of 100 of {len(labels)} shortlisted "
        f"opportunities, split into {fmt.listing(list(names))}. The highest is {labels[best]} "
        f"with {fmt.number(sum(values[best]), 1)}."
    )
    return Figure(
        "scores",
        "Score breakdown of the shortlisted opportunities",
        alt,
        ScoreBreakdown(labels, names, values),
        Table(
            "Weighted score points by principle",
            ("Opportunity", *names, "Total"),
            rows,
            (False, *(True for _ in names), True),
        ),
    )


def criteria_breakdown(c: Context, oid: str) -> Section:
    """One opportunity's score criterion by criterion, why it outranks the next one and how firm
    its place is (``shareplan explain`` shows it)."""
    sc = c.opp(oid).scores
    rows = tuple(
        (
            c.criterion(cid),
            c.group_names.get(k.group, k.group),
            fmt.number(k.score) if k.score is not None else "no data",
            fmt.percent(k.weight, 1),
            fmt.number(k.weighted, 2),
            k.rationale,
        )
        for cid, k in sorted(sc.criteria.items(), key=lambda kv: -kv[1].weighted)
    )
    blocks: list[Block] = [
        Table(
            f"Score {fmt.number(sc.total, 1)} out of 100, rank {sc.rank} of "
            f"{len(c.results.opportunities)}",
            ("Criterion", "Principle", "Score", "Weight", "Weighted points", "Why"),
            rows,
            (False, False, True, True, True, False),
        )
    ]
    if sc.compared_with_next is not None:
        blocks.append(p(f"Against the next one: {sc.compared_with_next.summary}"))
    if sc.firmness is not None:
        f = sc.firmness
        blocks.append(
            p(
                f"In the top {f.top_n} in {fmt.percent(f.p_top_n)} of sampled weightings; "
                f"expected rank {fmt.number(f.expected_rank, 1)}."
            )
        )
    return Section("Scores against the criteria", tuple(blocks), key=f"scores-{oid}")
