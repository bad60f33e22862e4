"""Commands on an appraisal: appraise, explain, programme."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from shareplan import pipeline
from shareplan.cli.app import app
from shareplan.cli.common import (
    EXIT_INFEASIBLE,
    check_writable,
    console,
    err_console,
    native_output_to_stderr,
    print_json,
    print_table,
    user_errors,
)
from shareplan.errors import InputError, Problem, examples
from shareplan.programme import Constraints, Objective
from shareplan.programme.constraints import OBJECTIVE_KINDS
from shareplan.report.formatting import money, months, percent
from shareplan.results import read_results

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
        check_writable(out, folder=True)
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
    document = pipeline.results_document(result)
    feasible = bool(document["programme"].get("feasible"))
    if as_json:
        print_json(
            {
                "outputs": {k: str(v) for k, v in paths.items()},
                "programme": _programme_summary(document),
                "long_list": document["long_list"],
                "ranked": [
                    {
                        "id": o["id"],
                        "rank": o["scores"]["rank"],
                        "total": o["scores"]["total"],
                        "recommendation": o["screening"]["recommendation"],
                        "npv": o["business_case"]["adjusted"]["measures"]["npv"],
                    }
                    for o in document["opportunities"]
                ],
            }
        )
        if not feasible:
            raise typer.Exit(EXIT_INFEASIBLE)
        return
    _print_appraisal(document)
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
    if not feasible:
        raise typer.Exit(EXIT_INFEASIBLE)


def _swap_in(staging: Path, out: Path, written: dict[str, Path]) -> dict[str, Path]:
    out.mkdir(parents=True, exist_ok=True)
    for item in staging.iterdir():
        target = out / item.name
        if target.is_dir():
            shutil.rmtree(target)
        item.replace(target)
    return {name: out / path.relative_to(staging) for name, path in written.items()}


def _programme_summary(document: dict[str, Any]) -> dict[str, Any]:
    p = document["programme"]
    if not p.get("feasible"):
        return {
            "feasible": False,
            "message": p.get("message"),
            "conflicting": p.get("conflicting"),
            "relaxations": p.get("relaxations") or [],
        }
    return {
        "feasible": True,
        "selected_ids": p["selected_ids"],
        "objective": p["objective"],
        "totals": p["totals"],
        "binding": p["binding"],
    }


def _measures(o: dict[str, Any]) -> dict[str, Any]:
    measures: dict[str, Any] = o["business_case"]["adjusted"]["measures"]
    return measures


def _print_appraisal(document: dict[str, Any]) -> None:
    s = document["scenario"]
    ll = document["long_list"]
    console.print(
        f"[bold]{s['authority']}[/]: {s['services']} services, {s['partners']} partners; "
        f"real prices of {s['price_base_year']}, {s['horizon_years']}-year appraisal.",
        highlight=False,
    )
    console.print(
        f"Long list: {ll['considered']:,} combinations considered, {ll['kept']:,} feasible, "
        f"{ll['shortlist']['kept']} shortlisted after the screen and the best "
        f"{ll['shortlist']['per_unit']} per service.",
        highlight=False,
    )
    by_id = {o["id"]: o for o in document["opportunities"]}
    p = document["programme"]
    if not p.get("feasible"):
        console.print(f"\n[bold red]No feasible programme.[/] {p.get('message')}", highlight=False)
        found = p.get("relaxations") or []
        if found:
            console.print("The smallest change to one rule that gives a programme:")
            for r in found:
                console.print(f"  - {r['text']}", highlight=False)
        else:
            for name in p.get("conflicting") or []:
                console.print(f"  - relax: {name}", highlight=False)
            console.print("  No single change gives a programme: relax more than one rule.")
    else:
        totals = p["totals"]
        print_table(
            f"Priority programme ({p['objective']['label']}): {totals['n_projects']} projects, "
            f"one-off cost {money(totals['one_off_cost'])} of {_budget(p, s)}, "
            f"NPV {money(totals['npv'])}, {totals['quick_wins']} quick win(s)",
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
                    f"{by_id[oid]['scores']['total']:.1f}",
                    money(_measures(by_id[oid])["npv"]),
                    money(_measures(by_id[oid])["one_off_cost"]),
                    months(_measures(by_id[oid])["months_to_first_saving"]),
                    "yes" if _measures(by_id[oid])["quick_win"] else "",
                ]
                for oid in p["selected_ids"]
            ],
            keep_whole=("id",),
        )
        if p.get("binding"):
            console.print("Binding constraints: " + "; ".join(p["binding"]), highlight=False)
    chosen = set(p.get("selected_ids") or [])
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
                o["scores"]["rank"],
                o["id"],
                *_what(o, s),
                o["screening"]["recommendation"].replace("_", " "),
                f"{o['scores']['total']:.1f}",
                money(_measures(o)["npv"]),
                _probability(o),
                "yes" if o["id"] in chosen else "",
            ]
            for o in document["opportunities"][:15]
        ],
        keep_whole=("id",),
    )


def _print_firmness(document: dict[str, Any]) -> None:
    """How firm the ranking is, in words: the weights closest to changing the top N, and where
    the stakeholders disagree most."""
    sensitivity = document.get("sensitivity") or {}
    intervals = (sensitivity.get("weight_stability") or {}).get("intervals") or []
    top_n = sensitivity.get("top_n")
    margins = []
    for i in intervals:
        current, low, high = i["current_share"], i.get("stable_from"), i.get("stable_to")
        if low is None or high is None:
            continue
        margins.append((min(current - low, high - current), i))
    sentences = []
    for _, i in sorted(margins, key=lambda m: m[0])[:3]:
        name = i["weight"].replace("_", " ")
        if i.get("level") == "criterion":
            name += " (share of its group)"
        sentences.append(
            f"the top {top_n} holds while the weight on {name} stays between "
            f"{percent(i['stable_from'])} and {percent(i['stable_to'])} (now {percent(i['current_share'])})"
        )
    if sentences:
        console.print("How firm the ranking is: " + "; ".join(sentences) + ".", highlight=False)
    stakeholders = document.get("stakeholders") or {}
    weights = stakeholders.get("weights_disagree_most") or []
    if weights:
        w = weights[0]
        console.print(
            f"Stakeholders disagree most on {w['criterion'].replace('_', ' ')}: "
            f"{w['lowest_by']} {percent(w['lowest'])}, {w['highest_by']} {percent(w['highest'])}.",
            highlight=False,
        )


def _budget(programme: dict[str, Any], scenario: dict[str, Any]) -> str:
    """The budget the programme was chosen under (a what-if may differ from the scenario's)."""
    budget = (programme.get("constraints") or {}).get("budget", scenario["implementation_budget"])
    return "no budget limit" if budget is None else money(budget)


def _what(o: dict[str, Any], s: dict[str, Any]) -> list[str]:
    """Service names, partner names and the model's short name, for a table."""
    services = ", ".join(s["service_names"].get(i, i) for i in o["service_ids"])
    partners = ", ".join(s["partner_names"].get(i, i) for i in o["partner_ids"]) or "-"
    return [services, partners, MODEL_SHORT.get(o["model"], o["model"])]


MODEL_SHORT = {
    "strategic_collaboration": "strategic collaboration",
    "joint_procurement": "joint procurement",
    "public_private": "public-private",
    "public_public_shared_service": "public-public shared service",
    "public_other_shared_service": "public-other shared service",
    "commercial_trading": "commercial trading",
    "corporate_centralisation": "corporate centralisation",
}


def _probability(o: dict[str, Any]) -> str:
    mc = o["business_case"].get("monte_carlo")
    return percent(mc["prob_npv_positive"]) if mc else "n/a"


def _latest_results(folder: Path) -> Path | None:
    """``folder/results.json`` (``appraise --out folder``) or the newest ``folder/*/results.json``."""
    found = [folder / "results.json", *folder.glob("*/results.json")]
    found = [p for p in found if p.is_file()]
    return max(found, key=lambda p: p.stat().st_mtime) if found else None


def _find_results(path: Path | None) -> Path:
    if path is not None and not path.is_dir():
        return path
    folder = path or Path("out")
    found = _latest_results(folder)
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
        entries = {o["id"]: o for o in document["opportunities"]}
        if opportunity_id not in entries:
            near = [i for i in entries if opportunity_id.split(":")[0] in i][:10]
            raise InputError(
                [
                    Problem(
                        f"no shortlisted opportunity {opportunity_id!r}",
                        str(source),
                        allowed=examples(near or list(entries)),
                    )
                ]
            )
    o = entries[opportunity_id]
    if as_json:
        print_json(o)
        return
    _print_explanation(o, document)


def _print_explanation(o: dict[str, Any], document: dict[str, Any]) -> None:
    s = document["scenario"]
    sc = o["scores"]
    console.print(f"[bold]{o['title']}[/] ({o['id']})", highlight=False)
    console.print(
        f"Model: {s['model_names'].get(o['model'], o['model'])}. Partners: "
        + (", ".join(s["partner_names"].get(p, p) for p in o["partner_ids"]) or "none"),
        highlight=False,
    )
    scr = o["screening"]
    console.print(
        f"Screen: {scr['recommendation_text']}"
        + (f", because {scr['because']}" if scr.get("because") else ""),
        highlight=False,
    )
    if scr.get("override"):
        console.print(f"Screen overridden: {scr['override']}", highlight=False)
    print_table(
        f"Score {sc['total']:.1f}, rank {sc['rank']} of {len(document['opportunities'])}",
        ["criterion", "group", "score", "weight", "weighted", "why"],
        [
            [
                name,
                c["group"].replace("_", " "),
                "missing" if c["score"] is None else f"{c['score']:.0f}",
                percent(c["weight"], 1),
                f"{c['weighted']:.2f}",
                c["rationale"],
            ]
            for name, c in sorted(sc["criteria"].items(), key=lambda kv: -kv[1]["weighted"])
        ],
    )
    comparison = sc.get("compared_with_next")
    if comparison and comparison.get("summary"):
        console.print(f"Against the next one: {comparison['summary']}", highlight=False)
    firm = sc.get("firmness")
    if firm:
        console.print(
            f"Firmness: in the top {firm['top_n']} in {percent(firm['p_top_n'])} of sampled weightings; "
            f"expected rank {firm['expected_rank']:.1f}.",
            highlight=False,
        )
    bc = o["business_case"]
    m = bc["adjusted"]["measures"]
    u = bc["unadjusted"]["measures"]
    console.print(
        f"\n[bold]Business case[/] (real prices of {s['price_base_year']}; optimism bias applied)"
    )
    print_table(
        "Measures",
        ["measure", "with optimism bias", "without"],
        [
            ["NPV", money(m["npv"]), money(u["npv"])],
            ["benefit-cost ratio", _ratio(m["bcr"]), _ratio(u["bcr"])],
            ["one-off cost", money(m["one_off_cost"]), money(u["one_off_cost"])],
            ["funding need (peak)", money(m["funding_need"]), money(u["funding_need"])],
            [
                "first saving after",
                months(m["months_to_first_saving"]),
                months(u["months_to_first_saving"]),
            ],
            [
                "savings in first 12 months",
                money(m["savings_first_12_months"]),
                money(u["savings_first_12_months"]),
            ],
            [
                "steady-state saving a year",
                money(m["steady_state_annual_saving"]),
                money(u["steady_state_annual_saving"]),
            ],
            [
                "payback",
                m.get("payback_label") or "not within horizon",
                u.get("payback_label") or "not within horizon",
            ],
            [
                "FTE released / kept in borough",
                f"{m['fte_released']:.1f} / {m['fte_kept_in_borough']:.1f}",
                "",
            ],
        ],
    )
    print_table(
        "Cash flows (with optimism bias)",
        ["year", "costs", "savings", "net", "discount factor", "present value"],
        [
            [
                y["label"],
                money(y["total_cost"]),
                money(y["savings"] + y["trading_income"]),
                money(y["net"]),
                f"{y['discount_factor']:.4f}",
                money(y["present_value"]),
            ]
            for y in bc["adjusted"]["years"]
        ],
    )
    if bc.get("monte_carlo"):
        mc = bc["monte_carlo"]
        console.print(
            f"Monte Carlo ({mc['draws']:,} draws): NPV P10 {money(mc['p10'])}, P50 {money(mc['p50'])}, "
            f"P90 {money(mc['p90'])}; P(NPV > 0) {percent(mc['prob_npv_positive'])}.",
            highlight=False,
        )
    if bc.get("switching_values"):
        print_table(
            "Switching values (NPV reaches zero)",
            ["input", "unit", "central", "switching value", "note"],
            [
                [
                    v["input"].replace("_", " "),
                    v["unit"],
                    _plain(v["central"]),
                    _plain(v["switching_value"]),
                    v["note"],
                ]
                for v in bc["switching_values"]
            ],
        )
    print_table(
        "Assumptions",
        ["assumption", "value", "origin", "confidence", "source"],
        [
            [a["key"], _plain(a["value"]), a["origin"], a["confidence"], a["source"]]
            for a in bc["assumptions"]
        ],
    )
    proc = o["procurement"]
    console.print(f"Procurement: {proc['wording']}", highlight=False)
    print_table(
        "Risks",
        ["risk", "category", "likelihood x impact", "mitigation", "owner", "residual"],
        [
            [
                r["description"],
                r["category"],
                f"{r['likelihood']} x {r['impact']} = {r['rating']}",
                r["mitigation"],
                r["owner"],
                r["residual_rating"],
            ]
            for r in o["risks"]["risks"]
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
        known = {o["id"] for o in document["opportunities"]}
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
        block = pipeline.programme_block(outcome)
    if as_json:
        print_json(block)
        if not block.get("feasible"):
            raise typer.Exit(EXIT_INFEASIBLE)
        return
    _print_appraisal({**document, "programme": block})
    if not block.get("feasible"):
        raise typer.Exit(EXIT_INFEASIBLE)
    _print_programme_detail(block)


def _print_programme_detail(block: dict[str, Any]) -> None:
    near = block.get("near_misses") or []
    if near:
        print_table(
            "Near misses: why each is out",
            ["id", "why it is out"],
            [[n["id"], n["text"]] for n in near],
        )
    shadow = block.get("budget_shadow")
    if shadow:
        console.print(shadow["text"], highlight=False)
    equity = block.get("equity")
    if equity:
        print_table(
            "Proposed programme (P) against the best benefit at the same cost (B) and the cheapest "
            "with the same benefit (C)",
            ["portfolio", "projects", "one-off cost", "benefit", "breaks"],
            [
                [
                    name,
                    ", ".join(equity[name]["ids"]),
                    money(equity[name]["one_off_cost"]),
                    f"{equity[name]['benefit']:.3f}",
                    "; ".join(equity[name]["breaks"]) or "nothing",
                ]
                for name in ("P", "B", "C")
                if equity.get(name)
            ],
        )


def _load_for_programme(path: Path) -> dict[str, Any]:
    is_scenario = (path / "authority.csv").exists() or path.suffix.lower() in (".xlsx", ".xlsm")
    if path.suffix == ".json" or (
        path.is_dir() and not is_scenario and _latest_results(path) is not None
    ):
        return read_results(_find_results(path))
    with native_output_to_stderr():
        appraisal = pipeline.appraise_path(path)
    return pipeline.results_document(appraisal)


def _saved_rules(document: dict[str, Any]) -> tuple[Constraints, Objective]:
    p = document["programme"] or {}
    c = p.get("constraints")
    if not isinstance(c, dict):
        # Without the saved rules a what-if would silently drop the scenario's own (project
        # count, partner capacity, quick wins); refuse instead.
        raise InputError(
            [
                Problem(
                    "the results do not record the programme's rules, so a what-if cannot start "
                    "from them: appraise the scenario again with this version of shareplan"
                )
            ]
        )
    lo, hi = c.get("min_projects"), c.get("max_projects")
    projects: int | tuple[int, int] | None = (
        None if hi is None else (hi if lo in (None, hi) else (lo, hi))
    )
    constraints = Constraints(
        projects=projects,
        budget=c.get("budget"),
        funding_by_year=_tuple(c.get("funding_by_year")),
        fte_capacity_by_year=_tuple(c.get("fte_capacity_by_year")),
        partner_capacity=c.get("partner_capacity"),
        min_quick_wins=c.get("min_quick_wins") or 0,
        must_include=tuple(c.get("must_include") or ()),
        must_exclude=tuple(c.get("must_exclude") or ()),
        min_prob_positive_npv=c.get("min_prob_positive_npv"),
    )
    o = p.get("objective") or {}
    return constraints, Objective(
        kind=o.get("kind", "blend"), value_weight=o.get("value_weight", 0.5)
    )


def _tuple(values: Sequence[float] | None) -> tuple[float, ...] | None:
    return None if values is None else tuple(values)


def _replace(constraints: Constraints, changes: dict[str, Any]) -> Constraints:
    from dataclasses import replace

    return replace(constraints, **changes)
