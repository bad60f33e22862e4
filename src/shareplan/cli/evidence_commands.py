"""``shareplan evidence calibrate``: the evidence base against the outcomes library."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Annotated

import typer

from shareplan.cli.app import app
from shareplan.cli.common import console, print_json, print_table, user_errors
from shareplan.cli.scenario_commands import print_evidence
from shareplan.errors import InputError, Problem
from shareplan.tracking.outcomes import Outcome

evidence_app = typer.Typer(help="The evidence base and what outcomes say about it.")
app.add_typer(evidence_app, name="evidence")


@evidence_app.callback(invoke_without_command=True)
def evidence(
    ctx: typer.Context,
    on: Annotated[
        str | None, typer.Option(help="Show parameters in force on this date (YYYY-MM-DD).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
) -> None:
    """Print the evidence base with its sources; 'evidence calibrate' compares it with outcomes."""
    if ctx.invoked_subcommand is None:
        print_evidence(on=on, as_json=as_json)


@evidence_app.command("calibrate")
def calibrate(
    library: Annotated[
        list[Path] | None,
        typer.Option(
            "--library",
            help="An outcomes file to add to the shipped library (for example the "
            "council's own, from 'shareplan track outcomes').",
        ),
    ] = None,
    write_override: Annotated[
        Path | None,
        typer.Option(
            "--write-override", help="Write the calibrated values as a scenario parameters CSV."
        ),
    ] = None,
    on: Annotated[
        str | None,
        typer.Option(
            "--date",
            help="The date of the calibration and of the evidence compared (YYYY-MM-DD; today).",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
) -> None:
    """For each delivery model with comparable outcomes: the realised-to-forecast ratio, the cases
    behind it, and the evidence base's assumption beside the value the outcomes suggest."""
    from shareplan.evidence import load_evidence
    from shareplan.scenario.csvio import render_csv
    from shareplan.tracking.calibrate import calibrations, evidence_view, override_rows
    from shareplan.tracking.outcomes import read_outcomes, shipped_outcomes

    with user_errors():
        try:
            day = dt.date.fromisoformat(on) if on else dt.date.today()
        except ValueError:
            raise InputError(
                [Problem(f"{on!r} is not a date", column="--date", allowed="YYYY-MM-DD")]
            ) from None
        outcomes = list(shipped_outcomes())
        for path in library or []:
            outcomes.extend(read_outcomes(path))
        evidence = load_evidence()
        found = calibrations(outcomes)
        views = [evidence_view(c, evidence, day) for c in found]
        if write_override is not None:
            temporary = write_override.with_name(f".{write_override.name}.tmp")
            try:
                temporary.write_text(render_csv(override_rows(found, evidence, day)), "utf-8")
                os.replace(temporary, write_override)
            except OSError as exc:
                temporary.unlink(missing_ok=True)
                raise InputError(
                    [Problem(f"cannot write: {exc.strerror}", str(write_override))]
                ) from None
    if as_json:
        print_json(
            {
                "date": day.isoformat(),
                "calibrations": [
                    {
                        "model": c.model,
                        "measure": c.measure,
                        "ratio": c.ratio,
                        "evidence": view,
                        "cases": [
                            {
                                "name": o.name,
                                "ratio": o.ratio,
                                "forecast": o.forecast,
                                "realised": o.realised,
                                "date": o.date,
                                "source": o.source,
                                "confidence": o.confidence,
                            }
                            for o in c.cases
                        ],
                    }
                    for c, view in zip(found, views, strict=True)
                ],
                "not_used": [
                    {"name": o.name, "source": o.source, "date": o.date, "why": _why_not(o)}
                    for o in outcomes
                    if _why_not(o)
                ],
            }
        )
        return
    rows = []
    for c in found:
        for o in c.cases:
            rows.append(
                [c.model, c.measure, f"{c.ratio:.2f}", o.name, f"{o.ratio:.2f}", o.date, o.source]
            )
    print_table(
        "Realised against forecast, by delivery model",
        ["model", "measure", "mean ratio", "case", "case ratio", "date", "source"],
        rows,
        justify_right=lambda col: "ratio" in col,
    )
    for c, view in zip(found, views, strict=True):
        console.print(
            f"{c.model}, {c.measure}: the evidence assumes {view['assumed']}; the "
            f"outcomes suggest {_rounded(view['calibrated'])} ({view['key']}).",
            highlight=False,
        )
    others = [o for o in outcomes if _why_not(o)]
    if others:
        console.print(
            "Not used: " + "; ".join(f"{o.name}, {_why_not(o)} ({o.source})" for o in others),
            highlight=False,
        )
    if write_override is not None:
        console.print(
            f"Calibrated values written to {write_override} (copy the rows into a "
            "scenario's parameters sheet).",
            highlight=False,
        )


def _rounded(values: dict[str, float]) -> dict[str, float]:
    return {k: round(v, 4) for k, v in values.items()}


def _why_not(outcome: Outcome) -> str:
    """Why an outcome is shown but not used in a ratio ("" when it is used)."""
    if outcome.confidence == "illustrative":
        return "illustrative figures"
    if outcome.measure == "delay_months":
        return "a delay, reported beside the ratios"
    if outcome.ratio is None:
        return (
            "forecast and outcome differ in scope or period"
            if outcome.forecast
            else ("no published forecast beside it")
        )
    return ""
