"""``shareplan explain ID``: one shortlisted opportunity explained with the report's own
sections (what and why, its score criterion by criterion, its business case, its risks)."""

from __future__ import annotations

from typing import Annotated

import typer

from shareplan.cli.common import console, print_json, user_errors
from shareplan.cli.results_view import JsonOpt, ResultsOpt, find_results
from shareplan.errors import InputError, Problem, examples
from shareplan.report.explanation import explanation
from shareplan.report.writers.console import print_section
from shareplan.results import read_results

app = typer.Typer()


@app.command()
def explain(
    opportunity_id: Annotated[str, typer.Argument(help="The opportunity's id, as in the results.")],
    results: ResultsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Explain one opportunity: its screen, score breakdown, why it outranks the next one, and its
    business case (assumptions, cash flows, measures, risks)."""
    with user_errors():
        source = find_results(results)
        document = read_results(source)
        ids = [o.id for o in document.opportunities]
        if opportunity_id not in ids:
            near = [i for i in ids if opportunity_id.split(":")[0] in i][:10]
            raise InputError(
                [
                    Problem(
                        f"no shortlisted opportunity {opportunity_id!r}",
                        str(source),
                        allowed=examples(near or list(ids)),
                    )
                ]
            )
    if as_json:
        print_json(document.opportunity(opportunity_id).model_dump(mode="json"))
        return
    print_section(console, explanation(document, opportunity_id))
