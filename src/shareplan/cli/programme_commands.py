"""``shareplan programme``: choose the priority projects again from saved results, with what-if
changes to the rules (no recomputation of scores or business cases)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from shareplan import pipeline
from shareplan.cli.common import (
    EXIT_INFEASIBLE,
    console,
    native_output_to_stderr,
    print_json,
    print_table,
    user_errors,
)
from shareplan.cli.results_view import JsonOpt, find_results, latest_results, print_appraisal
from shareplan.errors import InputError, Problem
from shareplan.programme.constraints import OBJECTIVE_KINDS
from shareplan.report.formatting import money
from shareplan.results import Results, read_results
from shareplan.results.programme import ChosenProgramme, NoProgramme, ProgrammeResult
from shareplan.whatif import programme_what_if

app = typer.Typer()


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
    count_ring_fenced_savings: Annotated[
        bool | None,
        typer.Option(
            "--count-ring-fenced-savings/--general-fund-savings",
            help="Rank on the whole NPV, or on the general fund's share (the savings it can cash).",
        ),
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
        changes: dict[str, Any] = {
            "budget": budget,
            "projects": _parse_projects(projects),
            "must_include": tuple(must_include) if must_include else None,
            "must_exclude": tuple(must_exclude) if must_exclude else None,
            "min_quick_wins": min_quick_wins,
            "partner_capacity": partner_capacity,
            "min_prob_positive_npv": min_probability,
        }
        with native_output_to_stderr():
            # an option not given keeps the saved rule; the web app's what-if is the same call
            block = programme_what_if(
                document,
                {k: v for k, v in changes.items() if v is not None},
                objective=objective,
                value_weight=value_weight,
                count_ring_fenced_savings=count_ring_fenced_savings,
                propose=propose,
            )
    _show(document, block, as_json)


def _show(document: Results, block: ProgrammeResult, as_json: bool) -> None:
    """The what-if's programme (a table, or JSON); exit 3 (EXIT_INFEASIBLE) when no programme
    meets the rules, as ``appraise`` does."""
    if as_json:
        print_json(block.model_dump(mode="json"))
        if isinstance(block, NoProgramme):
            raise typer.Exit(EXIT_INFEASIBLE)
        return
    print_appraisal(document, block)
    if isinstance(block, NoProgramme):
        raise typer.Exit(EXIT_INFEASIBLE)
    _print_programme_detail(block)


def _print_programme_detail(block: ChosenProgramme) -> None:
    if block.near_misses:
        print_table(
            "Near misses: why each is out",
            ["id", "why it is out"],
            [[n.id, n.text] for n in block.near_misses],
        )
    if block.equal_alternatives:
        print_table(
            "Equal alternatives: as good as a chosen project (a tie)",
            ["id", "in place of"],
            [[e.id, ", ".join(e.in_place_of)] for e in block.equal_alternatives],
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
    is_scenario = (path / "authority.csv").exists() or path.suffix.lower() in (".xlsx", ".xlsm")
    if path.suffix == ".json" or (
        path.is_dir() and not is_scenario and latest_results(path) is not None
    ):
        return read_results(find_results(path))
    with native_output_to_stderr():
        run = pipeline.appraise_path(path)
    return pipeline.results_of(run)
