"""Commands on an appraisal: appraise, explain, programme."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from shareplan import pipeline
from shareplan.cli.app import app
from shareplan.cli.common import (
    console,
    err_console,
    native_output_to_stderr,
    print_json,
    print_table,
    user_errors,
)
from shareplan.errors import InputError, Problem
from shareplan.programme import Constraints, Objective
from shareplan.programme.constraints import OBJECTIVE_KINDS
from shareplan.report.formatting import money, months, percent
from shareplan.results import OpportunityResult, Results, read_results
from shareplan.results.header import ScenarioSummary
from shareplan.results.programme import ChosenProgramme, NoProgramme, ProgrammeResult

ScenarioArg = Annotated[
    Path,
    typer.Argument(
        help="A scenario: a folder of CSV files or an .xlsx workbook.", show_default=False
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]
ResultsOpt = Annotated[
    Path | None,
    typer.Option("--results", help="A results.json (or the --out folder that holds one)."),
]


@app.command()
def appraise(
    scenario: ScenarioArg,
    out: Annotated[Path, typer.Option("--out", help="Folder for results.json and the reports.")],
    template: Annotated[
        Path | None,
        typer.Option(help="A house-style Word document to take the report's styles from."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Run the whole appraisal and write results.json and the Cabinet report into --out."""
    with user_errors():
        if out.exists() and not out.is_dir():
            raise InputError([Problem("the output path exists and is not a folder", str(out))])
        with Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=err_console,
            transient=True,
            disable=as_json,
        ) as bar:
            task = bar.add_task("Starting", total=None)

            def step(name: str) -> None:
                bar.update(task, description=name)

            with native_output_to_stderr():
                result = pipeline.appraise_path(scenario, progress=step)
            # Write into a fresh folder beside the target and move the files in only when all are
            # written, so a failure part way leaves the previous outputs as they were.
            out.parent.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
            try:
                written = pipeline.write_outputs(result, staging, template=template, progress=step)
                paths = _swap_in(staging, out, written)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
    document = pipeline.results_of(result)
    if as_json:
        print_json(
            {
                "outputs": {k: str(v) for k, v in paths.items()},
                "programme": _programme_summary(document.programme),
                "long_list": document.long_list.model_dump(mode="json"),
                "ranked": [
                    {
                        "id": o.id,
                        "rank": o.scores.rank,
                        "total": o.scores.total,
                        "recommendation": o.screening.recommendation,
                        "npv": o.business_case.measures.npv,
                    }
                    for o in document.opportunities
                ],
            }
        )
        return
    _print_appraisal(document, document.programme)
    _print_firmness(document)
    console.print("\nOutputs:")
    charts = [p for name, p in paths.items() if name.startswith("chart:")]
    for name, path in paths.items():
        if not name.startswith("chart:"):
            console.print(f"  {name}: [bold]{path}[/]", highlight=False)
    if charts:
        console.print(
            f"  charts: [bold]{charts[0].parent}[/] ({len(charts)} files)", highlight=False
        )


def _swap_in(staging: Path, out: Path, written: dict[str, Path]) -> dict[str, Path]:
    out.mkdir(parents=True, exist_ok=True)
    for item in staging.iterdir():
        target = out / item.name
        if target.is_dir():
            shutil.rmtree(target)
        item.replace(target)
    return {name: out / path.relative_to(staging) for name, path in written.items()}


def _programme_summary(p: ProgrammeResult) -> dict[str, Any]:
    if isinstance(p, NoProgramme):
        return {"feasible": False, "message": p.message, "conflicting": list(p.conflicting)}
    return {
        "feasible": True,
        "selected_ids": list(p.selected_ids),
        "objective": p.objective.model_dump(mode="json"),
        "totals": p.totals.model_dump(mode="json"),
        "binding": list(p.binding),
    }


def _print_appraisal(document: Results, p: ProgrammeResult) -> None:
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
    by_id = {o.id: o for o in document.opportunities}
    if isinstance(p, NoProgramme):
        console.print(f"\n[bold red]No feasible programme.[/] {p.message}", highlight=False)
        for name in p.conflicting:
            console.print(f"  - relax: {name}", highlight=False)
        chosen: set[str] = set()
    else:
        totals = p.totals
        print_table(
            f"Priority programme ({p.objective.label}): {totals.n_projects} projects, "
            f"one-off cost {money(totals.one_off_cost)} of {_budget(p)}, "
            f"NPV {money(totals.npv)}, {totals.quick_wins} quick win(s)",
            [
                "id",
                "service",
                "partners",
                "model",
                "score",
                "NPV",
                "one-off",
                "first saving",
                "quick",
            ],
            [
                [
                    oid,
                    *_what(by_id[oid], s),
                    f"{by_id[oid].scores.total:.1f}",
                    money(by_id[oid].business_case.measures.npv),
                    money(by_id[oid].business_case.measures.one_off_cost),
                    months(by_id[oid].business_case.measures.months_to_first_saving),
                    "yes" if by_id[oid].business_case.measures.quick_win else "",
                ]
                for oid in p.selected_ids
            ],
            keep_whole=("id",),
        )
        if p.binding:
            console.print("Binding constraints: " + "; ".join(p.binding), highlight=False)
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


def _print_firmness(document: Results) -> None:
    """How firm the ranking is, in words: the weights closest to changing the top N, and where
    the stakeholders disagree most."""
    sensitivity = document.sensitivity
    intervals = sensitivity.weight_stability.intervals
    margins = sorted(
        intervals,
        key=lambda i: min(i.current_share - i.stable_from, i.stable_to - i.current_share),
    )
    sentences = []
    for i in margins[:3]:
        name = i.weight.replace("_", " ")
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
            f"Stakeholders disagree most on {w.criterion.replace('_', ' ')}: "
            f"{w.lowest_by} {percent(w.lowest)}, {w.highest_by} {percent(w.highest)}.",
            highlight=False,
        )


def _budget(programme: ChosenProgramme) -> str:
    """The budget the programme was chosen under (a what-if may differ from the scenario's)."""
    budget = programme.constraints.budget
    return "no budget limit" if budget is None else money(budget)


def _what(o: OpportunityResult, s: ScenarioSummary) -> list[str]:
    """Service names, partner names and the model's short name, for a table."""
    services = ", ".join(s.service_names.get(i, i) for i in o.service_ids)
    partners = ", ".join(s.partner_names.get(i, i) for i in o.partner_ids) or "-"
    return [services, partners, MODEL_SHORT.get(o.model, o.model)]


MODEL_SHORT = {
    "strategic_collaboration": "strategic collaboration",
    "joint_procurement": "joint procurement",
    "public_private": "public-private",
    "public_public_shared_service": "public-public shared service",
    "public_other_shared_service": "public-other shared service",
    "commercial_trading": "commercial trading",
    "corporate_centralisation": "corporate centralisation",
}


def _probability(o: OpportunityResult) -> str:
    mc = o.business_case.monte_carlo
    return percent(mc.prob_npv_positive) if mc else "n/a"


def _find_results(path: Path | None) -> Path:
    if path is None:
        found = sorted(Path("out").glob("*/results.json"), key=lambda p: p.stat().st_mtime)
        if not found:
            raise InputError(
                [
                    Problem(
                        "no results found under out/: run `shareplan appraise` first or pass --results"
                    )
                ]
            )
        return found[-1]
    return path / "results.json" if path.is_dir() else path


@app.command()
def explain(
    opportunity_id: Annotated[str, typer.Argument(help="The opportunity's id, as in the results.")],
    results: ResultsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Explain one opportunity: its screen, score breakdown, why it outranks the next one, and its
    business case (assumptions, cash flows, measures, risks)."""
    with user_errors():
        source = _find_results(results)
        document = read_results(source)
        entries = {o.id: o for o in document.opportunities}
        if opportunity_id not in entries:
            near = [i for i in entries if opportunity_id.split(":")[0] in i][:10]
            raise InputError(
                [
                    Problem(
                        f"no shortlisted opportunity {opportunity_id!r}",
                        str(source),
                        allowed=", ".join(near or list(entries)[:10]) + ", ...",
                    )
                ]
            )
    o = entries[opportunity_id]
    if as_json:
        print_json(o.model_dump(mode="json"))
        return
    _print_explanation(o, document)


def _print_explanation(o: OpportunityResult, document: Results) -> None:
    s = document.scenario
    sc = o.scores
    console.print(f"[bold]{o.title}[/] ({o.id})", highlight=False)
    console.print(
        f"Model: {s.model(o.model)}. Partners: "
        + (", ".join(s.partner_names.get(p, p) for p in o.partner_ids) or "none"),
        highlight=False,
    )
    scr = o.screening
    console.print(
        f"Screen: {scr.recommendation_text}" + (f", because {scr.because}" if scr.because else ""),
        highlight=False,
    )
    if scr.override:
        console.print(f"Screen overridden: {scr.override}", highlight=False)
    print_table(
        f"Score {sc.total:.1f}, rank {sc.rank} of {len(document.opportunities)}",
        ["criterion", "group", "score", "weight", "weighted", "why"],
        [
            [
                name,
                c.group.replace("_", " "),
                "missing" if c.score is None else f"{c.score:.0f}",
                percent(c.weight, 1),
                f"{c.weighted:.2f}",
                c.rationale,
            ]
            for name, c in sorted(sc.criteria.items(), key=lambda kv: -kv[1].weighted)
        ],
    )
    if sc.compared_with_next is not None:
        console.print(f"Against the next one: {sc.compared_with_next.summary}", highlight=False)
    firm = sc.firmness
    if firm is not None:
        console.print(
            f"Firmness: in the top {firm.top_n} in {percent(firm.p_top_n)} of sampled weightings; "
            f"expected rank {firm.expected_rank:.1f}.",
            highlight=False,
        )
    _print_case(o, s.price_base_year)


def _print_case(o: OpportunityResult, price_base_year: int) -> None:
    bc = o.business_case
    m = bc.adjusted.measures
    u = bc.unadjusted.measures
    console.print(
        f"\n[bold]Business case[/] (real prices of {price_base_year}; optimism bias applied)"
    )
    print_table(
        "Measures",
        ["measure", "with optimism bias", "without"],
        [
            ["NPV", money(m.npv), money(u.npv)],
            ["benefit-cost ratio", _ratio(m.bcr), _ratio(u.bcr)],
            ["one-off cost", money(m.one_off_cost), money(u.one_off_cost)],
            ["funding need (peak)", money(m.funding_need), money(u.funding_need)],
            [
                "first saving after",
                months(m.months_to_first_saving),
                months(u.months_to_first_saving),
            ],
            [
                "savings in first 12 months",
                money(m.savings_first_12_months),
                money(u.savings_first_12_months),
            ],
            [
                "steady-state saving a year",
                money(m.steady_state_annual_saving),
                money(u.steady_state_annual_saving),
            ],
            [
                "payback",
                m.payback_label or "not within horizon",
                u.payback_label or "not within horizon",
            ],
            [
                "FTE released / kept in borough",
                f"{m.fte_released:.1f} / {m.fte_kept_in_borough:.1f}",
                "",
            ],
        ],
    )
    print_table(
        "Cash flows (with optimism bias)",
        ["year", "costs", "savings", "net", "discount factor", "present value"],
        [
            [
                y.label,
                money(y.total_cost),
                money(y.savings + y.trading_income),
                money(y.net),
                f"{y.discount_factor:.4f}",
                money(y.present_value),
            ]
            for y in bc.adjusted.years
        ],
    )
    if bc.monte_carlo is not None:
        mc = bc.monte_carlo
        console.print(
            f"Monte Carlo ({mc.draws:,} draws): NPV P10 {money(mc.p10)}, P50 {money(mc.p50)}, "
            f"P90 {money(mc.p90)}; P(NPV > 0) {percent(mc.prob_npv_positive)}.",
            highlight=False,
        )
    if bc.switching_values:
        print_table(
            "Switching values (NPV reaches zero)",
            ["input", "unit", "central", "switching value", "note"],
            [
                [
                    v.input.replace("_", " "),
                    v.unit,
                    _plain(v.central),
                    _plain(v.switching_value),
                    v.note,
                ]
                for v in bc.switching_values
            ],
        )
    print_table(
        "Assumptions",
        ["assumption", "value", "origin", "confidence", "source"],
        [[a.key, _plain(a.value), a.origin, a.confidence, a.source] for a in bc.assumptions],
    )
    console.print(f"Procurement: {o.procurement.wording}", highlight=False)
    print_table(
        "Risks",
        ["risk", "category", "likelihood x impact", "mitigation", "owner", "residual"],
        [
            [
                r.description,
                r.category,
                f"{r.likelihood} x {r.impact} = {r.rating}",
                r.mitigation,
                r.owner,
                r.residual_rating,
            ]
            for r in o.risks.risks
        ],
    )


def _ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def _plain(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1000 else money(value)
    return str(value)


def _parse_projects(text: str | None) -> int | tuple[int, int] | None:
    if text is None:
        return None
    try:
        if "-" in text:
            lo, hi = (int(part) for part in text.split("-", 1))
            return (lo, hi)
        return int(text)
    except ValueError:
        raise InputError(
            [
                Problem(
                    f"{text!r} is not a number of projects", column="--projects", allowed="6 or 5-6"
                )
            ]
        ) from None


@app.command()
def programme(
    results: Annotated[
        Path,
        typer.Argument(
            help="A results.json, the --out folder holding one, or a scenario (appraised first)."
        ),
    ],
    objective: Annotated[
        str | None, typer.Option(help=f"What to maximise: {', '.join(OBJECTIVE_KINDS)}.")
    ] = None,
    value_weight: Annotated[
        float | None, typer.Option(help="Weight on the score in the blend (0-1).")
    ] = None,
    budget: Annotated[float | None, typer.Option(help="Implementation budget, £.")] = None,
    projects: Annotated[
        str | None, typer.Option(help="Number of projects: 6, or a range 5-6.")
    ] = None,
    must_include: Annotated[
        list[str] | None, typer.Option("--must-include", help="An id that must be in.")
    ] = None,
    must_exclude: Annotated[
        list[str] | None, typer.Option("--must-exclude", help="An id that must be out.")
    ] = None,
    min_quick_wins: Annotated[
        int | None, typer.Option(help="At least this many quick wins.")
    ] = None,
    partner_capacity: Annotated[
        int | None, typer.Option(help="At most this many projects per partner.")
    ] = None,
    min_probability: Annotated[
        float | None, typer.Option(help="Least Monte Carlo probability of a positive NPV (0-1).")
    ] = None,
    propose: Annotated[
        list[str] | None,
        typer.Option(
            "--propose", help="An id of a proposed programme to compare (EQUITY P, B and C)."
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Re-run the choice of priority projects with what-if changes, from saved results (no
    recomputation of scores or business cases)."""
    with user_errors():
        document = _load_for_programme(results)
        constraints, base_objective = _saved_rules(document)
        changes: dict[str, Any] = {}
        if budget is not None:
            changes["budget"] = budget
        if projects is not None:
            changes["projects"] = _parse_projects(projects)
        if must_include:
            changes["must_include"] = tuple(must_include)
        if must_exclude:
            changes["must_exclude"] = tuple(must_exclude)
        if min_quick_wins is not None:
            changes["min_quick_wins"] = min_quick_wins
        if partner_capacity is not None:
            changes["partner_capacity"] = partner_capacity
        if min_probability is not None:
            changes["min_prob_positive_npv"] = min_probability
        constraints = _replace(constraints, changes)
        chosen = Objective(
            kind=objective or base_objective.kind,  # type: ignore[arg-type]
            value_weight=base_objective.value_weight if value_weight is None else value_weight,
        )
        known = {o.id for o in document.opportunities}
        unknown = [
            i
            for i in (*(must_include or ()), *(must_exclude or ()), *(propose or ()))
            if i not in known
        ]
        if unknown:
            raise InputError(
                [
                    Problem(
                        f"unknown opportunity id {i!r}",
                        allowed="ids of the shortlist (see `shareplan appraise`)",
                    )
                    for i in unknown
                ]
            )
        if chosen.problems():
            raise InputError(chosen.problems())
        with native_output_to_stderr():
            outcome = pipeline.replan(document, constraints, chosen, proposed_ids=propose)
        block = pipeline.programme_result(outcome)
    if as_json:
        print_json(block.model_dump(mode="json"))
        if isinstance(block, NoProgramme):
            raise typer.Exit(2)
        return
    _print_appraisal(document, block)
    if isinstance(block, NoProgramme):
        raise typer.Exit(2)
    _print_programme_detail(block)


def _print_programme_detail(block: ChosenProgramme) -> None:
    if block.near_misses:
        print_table(
            "Near misses: why each is out",
            ["id", "why it is out"],
            [[n.id, n.text] for n in block.near_misses],
        )
    if block.budget_shadow is not None:
        console.print(block.budget_shadow.text, highlight=False)
    equity = block.equity
    if equity is not None:
        print_table(
            "Proposed programme (P) against the best benefit at the same cost (B) and the cheapest "
            "with the same benefit (C)",
            ["portfolio", "projects", "one-off cost", "benefit", "breaks"],
            [
                [
                    name,
                    ", ".join(portfolio.ids),
                    "-" if portfolio.one_off_cost is None else money(portfolio.one_off_cost),
                    "-" if portfolio.benefit is None else f"{portfolio.benefit:.3f}",
                    "; ".join(portfolio.breaks) or "nothing",
                ]
                for name, portfolio in (("P", equity.P), ("B", equity.B), ("C", equity.C))
            ],
        )


def _load_for_programme(path: Path) -> Results:
    if path.suffix == ".json" or (path.is_dir() and (path / "results.json").exists()):
        return read_results(_find_results(path))
    with native_output_to_stderr():
        run = pipeline.appraise_path(path)
    return pipeline.results_of(run)


def _saved_rules(document: Results) -> tuple[Constraints, Objective]:
    """The rules the saved programme was chosen under: a what-if changes only what it names."""
    p = document.programme
    c = p.constraints
    lo, hi = c.min_projects, c.max_projects
    projects: int | tuple[int, int] | None = hi
    if hi is not None and lo is not None and lo != hi:
        projects = (lo, hi)
    constraints = Constraints(
        projects=projects,
        budget=c.budget,
        funding_by_year=c.funding_by_year,
        fte_capacity_by_year=c.fte_capacity_by_year,
        partner_capacity=c.partner_capacity,
        min_quick_wins=c.min_quick_wins,
        must_include=c.must_include,
        must_exclude=c.must_exclude,
        min_prob_positive_npv=c.min_prob_positive_npv,
    )
    return constraints, Objective(kind=p.objective.kind, value_weight=p.objective.value_weight)


def _replace(constraints: Constraints, changes: dict[str, Any]) -> Constraints:
    from dataclasses import replace

    return replace(constraints, **changes)
