"""``shareplan report RESULTS.json --out DIR``: the Cabinet report from saved results."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from shareplan.cli.common import check_writable, console, print_json, user_errors
from shareplan.errors import InputError, Problem
from shareplan.results import read_results

app = typer.Typer()
"""This module's commands; :mod:`shareplan.cli` adds them to the root application."""


@app.command()
def report(
    results: Annotated[
        Path,
        typer.Argument(help="A results.json written by 'shareplan appraise'.", show_default=False),
    ],
    out: Annotated[Path, typer.Option("--out", help="Folder for the report files.")],
    template: Annotated[
        Path | None,
        typer.Option("--template", help="The authority's own .docx: its styles and letterhead."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
) -> None:
    """Write the Cabinet report (Word, HTML, PDF, with charts) from saved results, without
    recomputing the appraisal."""
    from shareplan.report import write_reports

    with user_errors():
        if out.exists() and not out.is_dir():
            raise InputError([Problem("the output path exists and is not a folder", str(out))])
        if template is not None and not template.is_file():
            raise InputError([Problem("no such Word template", str(template))])
        data = read_results(results)
        check_writable(out, folder=True)
        written = write_reports(data, out, template)
    if as_json:
        print_json({name: str(path) for name, path in written.items()})
        return
    console.print("Cabinet report written:")
    for kind in ("docx", "html", "pdf"):
        console.print(f"  {kind}: {written[kind]}", highlight=False)
    charts = [p for name, p in written.items() if name.startswith("chart:")]
    if charts:
        console.print(f"  charts: {len(charts)} files in {charts[0].parent}", highlight=False)
