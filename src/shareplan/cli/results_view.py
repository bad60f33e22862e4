"""What the commands on saved results share: finding the results, and printing the appraisal,
its programme and how firm its ranking is (Rich tables)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from shareplan.cli.common import console, print_table
from shareplan.errors import InputError, Problem
from shareplan.report.context import Context
from shareplan.report.formatting import money, months, percent
from shareplan.results import OpportunityResult, Results
from shareplan.results.header import ScenarioSummary
from shareplan.results.programme import ChosenProgramme, NoProgramme, ProgrammeResult

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]
ResultsOpt = Annotated[
    Path | None,
    typer.Option("--results", help="A results.json (or the --out folder that holds one)."),
]


def print_appraisal(document: Results, p: ProgrammeResult) -> None:
    s = document.scenario
    ll = document.long_list
    console.print(
        f"[bold]{s.authority}[/]: {s.services} services, {s.partners} partners; "
        f"real prices of {s.price_base_year}, {s.horizon_years}-year appraisal.",
        highlight=False,
    )
    console.print(
        f"Long list: {ll.considered:,} combinations considered, {ll.kept:,} feasible, "
        f"{ll.shortlist.kept} shortlisted after the screen and the best "
        f"{ll.shortlist.per_unit} per service.",
        highlight=False,
    )
    chosen: set[str] = set()
    if isinstance(p, NoProgramme):
        console.print(f"\n[bold red]No feasible programme.[/] {p.message}", highlight=False)
        if p.relaxations:
            console.print("The smallest change to one rule that gives a programme:")
            for r in p.relaxations:
                console.print(f"  - {r.text}", highlight=False)
        else:
            for name in p.conflicting:
                console.print(f"  - relax: {name}", highlight=False)
            console.print("  No single change gives a programme: relax more than one rule.")
    else:
        _print_programme(document, p)
        chosen = set(p.selected_ids)
    print_table(
        "Shortlist ranked against the principles and criteria (top 15; all in results.json)",
        [
            "rank",
            "id",
            "service",
            "partners",
            "model",
            "screen",
            "score",
            "NPV",
            "P(NPV>0)",
            "chosen",
        ],
        [
            [
                o.scores.rank,
                o.id,
                *_what(o, s),
                o.screening.recommendation.replace("_", " "),
                f"{o.scores.total:.1f}",
                money(o.business_case.measures.npv),
                _probability(o),
                "yes" if o.id in chosen else "",
            ]
            for o in document.opportunities[:15]
        ],
        keep_whole=("id",),
    )


def _print_programme(document: Results, p: ChosenProgramme) -> None:
    s, totals = document.scenario, p.totals
    rows = []
    for oid in p.selected_ids:
        o = document.opportunity(oid)
        m = o.business_case.measures
        rows.append(
            [
                oid,
                *_what(o, s),
                f"{o.scores.total:.1f}",
                money(m.npv),
                money(m.one_off_cost),
                months(m.months_to_first_saving),
                "yes" if m.quick_win else "",
            ]
        )
    print_table(
        f"Priority programme ({p.objective.label}): {totals.n_projects} projects, "
        f"one-off cost {money(totals.one_off_cost)} of {_budget(p)}, "
        f"NPV {money(totals.npv)}, {totals.quick_wins} quick win(s)",
        ["id", "service", "partners", "model", "score", "NPV", "one-off", "first saving", "quick"],
        rows,
        keep_whole=("id",),
    )
    if p.limiting:
        console.print("Rules that limit the programme: " + "; ".join(p.limiting), highlight=False)
    elif p.limiting is not None:
        console.print("No single rule limits the programme.", highlight=False)
    if p.no_room_left:
        console.print("Rules used to the full: " + "; ".join(p.no_room_left), highlight=False)
    basis = npv_basis(p)
    if basis:
        console.print(basis, highlight=False)


def npv_basis(p: ChosenProgramme) -> str:
    """Which NPV the programme ranked on, when an option's cost is partly paid from ring-fenced
    grants ("" otherwise): the general fund's share, or the whole as the scenario asked."""
    if not p.objective.any_ring_fenced or p.objective.kind not in ("npv", "blend"):
        return ""
    if p.objective.count_ring_fenced_savings:
        return (
            "Ranked on the whole NPV, savings that stay with ring-fenced grants included "
            "(count_ring_fenced_savings = yes)."
        )
    fund = p.totals.general_fund_npv
    return (
        "Ranked on the general fund's share of each NPV (the savings it can cash); savings that "
        "stay with ring-fenced grants are left out."
        + ("" if fund is None else f" The programme's NPV to the general fund: {money(fund)}.")
    )


def print_firmness(document: Results) -> None:
    """How firm the ranking is, in words: the weights closest to changing the top N, and where
    the stakeholders disagree most."""
    sensitivity = document.sensitivity
    # the criteria's and principles' words, as the report names them, not their ids
    label = Context(document).weight_label
    intervals = sensitivity.weight_stability.intervals
    margins = sorted(
        intervals,
        key=lambda i: min(i.current_share - i.stable_from, i.stable_to - i.current_share),
    )
    sentences = []
    for i in margins[:3]:
        name = label(i.weight)
        if i.level == "criterion":
            name += " (share of its group)"
        sentences.append(
            f"the top {sensitivity.top_n} holds while the weight on {name} stays between "
            f"{percent(i.stable_from)} and {percent(i.stable_to)} (now {percent(i.current_share)})"
        )
    if sentences:
        console.print("How firm the ranking is: " + "; ".join(sentences) + ".", highlight=False)
    weights = document.stakeholders.weights_disagree_most
    if weights:
        w = weights[0]
        console.print(
            f"Stakeholders disagree most on {label(w.criterion)}: "
            f"{w.lowest_by} {percent(w.lowest)}, {w.highest_by} {percent(w.highest)}.",
            highlight=False,
        )


def _budget(programme: ChosenProgramme) -> str:
    """The budget the programme was chosen under (a what-if may differ from the scenario's)."""
    budget = programme.constraints.budget
    return "no budget limit" if budget is None else money(budget)


def _what(o: OpportunityResult, s: ScenarioSummary) -> list[str]:
    """Service names, partner names and the model's name (from the evidence base), for a table."""
    services = ", ".join(s.service_names.get(i, i) for i in o.service_ids)
    partners = ", ".join(s.partner_names.get(i, i) for i in o.partner_ids) or "-"
    return [services, partners, s.model(o.model)]


def _probability(o: OpportunityResult) -> str:
    mc = o.business_case.monte_carlo
    return percent(mc.prob_npv_positive) if mc else "n/a"


def latest_results(folder: Path) -> Path | None:
    """``folder/results.json`` (``appraise --out folder``) or the newest ``folder/*/results.json``."""
    found = [p for p in (folder / "results.json", *folder.glob("*/results.json")) if p.is_file()]
    return max(found, key=lambda p: p.stat().st_mtime) if found else None


def find_results(path: Path | None) -> Path:
    if path is not None and not path.is_dir():
        return path
    folder = path or Path("out")
    found = latest_results(folder)
    if found is None:
        raise InputError(
            [
                Problem(
                    f"no results found in {folder}/ or its folders: run `shareplan appraise` "
                    "first or pass --results",
                    str(folder),
                )
            ]
        )
    return found
