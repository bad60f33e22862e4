"""``shareplan evidence calibrate``: the evidence base against the outcomes library."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Annotated, Any

import typer

from shareplan.cli.common import console, print_json, print_table, user_errors
from shareplan.cli.scenario_commands import print_evidence
from shareplan.errors import InputError, Problem

app = typer.Typer()
"""This module's commands; :mod:`shareplan.cli` adds them to the root application."""

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
    from shareplan.tracking.calibrate import calibration_record, calibrations, override_rows
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
        record = calibration_record(outcomes, evidence, day)
        if write_override is not None:
            rows = override_rows(calibrations(outcomes), evidence, day)
            _write_atomically(write_override, render_csv(rows))
    if as_json:
        print_json(record)
        return
    _print_record(record)
    if write_override is not None:
        console.print(
            f"Calibrated values written to {write_override} (copy the rows into a "
            "scenario's parameters sheet).",
            highlight=False,
        )


def _write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        temporary.write_text(text, "utf-8")
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise InputError([Problem(f"cannot write: {exc.strerror}", str(path))]) from None


def _print_record(record: dict[str, Any]) -> None:
    rows = [
        [
            c["model"],
            c["measure"],
            f"{c['ratio']:.2f}",
            o["name"],
            f"{o['ratio']:.2f}",
            o["date"],
            o["source"],
        ]
        for c in record["calibrations"]
        for o in c["cases"]
    ]
    print_table(
        "Realised against forecast, by delivery model",
        ["model", "measure", "mean ratio", "case", "case ratio", "date", "source"],
        rows,
        justify_right=lambda col: "ratio" in col,
    )
    for c in record["calibrations"]:
        view = c["evidence"]
        console.print(
            f"{c['model']}, {c['measure']}: the evidence assumes {_rounded(view['assumed'])}; "
            f"the outcomes suggest {_rounded(view['calibrated'])} ({view['key']}).",
            highlight=False,
        )
    if record["not_used"]:
        console.print(
            "Not used: "
            + "; ".join(f"{o['name']}, {o['why']} ({o['source']})" for o in record["not_used"]),
            highlight=False,
        )


def _rounded(values: dict[str, float]) -> dict[str, float]:
    return {k: round(v, 4) for k, v in values.items()}
