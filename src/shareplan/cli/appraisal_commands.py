"""``shareplan appraise``: the whole appraisal, written to results.json and the Cabinet report."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from shareplan import pipeline
from shareplan.cli.common import (
    EXIT_INFEASIBLE,
    check_writable,
    console,
    err_console,
    native_output_to_stderr,
    print_json,
    user_errors,
)
from shareplan.cli.results_view import JsonOpt, print_appraisal, print_firmness
from shareplan.errors import InputError, Problem
from shareplan.results.programme import NoProgramme, ProgrammeResult

app = typer.Typer()

ScenarioArg = Annotated[
    Path,
    typer.Argument(
        help="A scenario: a folder of CSV files or an .xlsx workbook.", show_default=False
    ),
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
    document = pipeline.results_of(result)
    feasible = not isinstance(document.programme, NoProgramme)
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
        if not feasible:
            raise typer.Exit(EXIT_INFEASIBLE)
        return
    print_appraisal(document, document.programme)
    print_firmness(document)
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


def _programme_summary(p: ProgrammeResult) -> dict[str, Any]:
    if isinstance(p, NoProgramme):
        return {
            "feasible": False,
            "message": p.message,
            "conflicting": list(p.conflicting),
            "relaxations": [r.model_dump(mode="json") for r in p.relaxations],
        }
    return {
        "feasible": True,
        "selected_ids": list(p.selected_ids),
        "objective": p.objective.model_dump(mode="json"),
        "totals": p.totals.model_dump(mode="json"),
        "limiting": None if p.limiting is None else list(p.limiting),
        "no_room_left": list(p.no_room_left),
    }
