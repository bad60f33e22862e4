"""Commands on scenarios: template, validate, convert, evidence, appraise."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import typer

from shareplan import pipeline
from shareplan.business_case.staffing import cost_per_fte_warnings
from shareplan.cli.common import check_writable, console, print_json, print_table, user_errors
from shareplan.errors import InputError, Problem, raise_if_any
from shareplan.evidence import load_evidence
from shareplan.scenario import Scenario, load_scenario, save_scenario
from shareplan.scenario.io import form_of

app = typer.Typer()
"""This module's commands; :mod:`shareplan.cli` adds them to the root application."""

ScenarioArg = Annotated[
    Path,
    typer.Argument(
        help="A scenario: a folder of CSV files or an .xlsx workbook.", show_default=False
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]
EvidenceOpt = Annotated[
    Path | None,
    typer.Option(
        "--evidence",
        help="A folder holding an edited copy of the evidence base (default: the shipped one).",
        file_okay=False,
    ),
]


@app.command()
def template(
    path: Annotated[Path, typer.Argument(help="Where to write the workbook (.xlsx).")],
    authority: Annotated[
        str | None,
        typer.Option(
            "--authority",
            help="Pre-fill for this English council (ONS code, E-code or exact name) from the "
            "shipped national data.",
        ),
    ] = None,
    year: Annotated[
        str | None,
        typer.Option(
            "--year", help="Revenue Outturn year, e.g. 2023-24 (default: the latest reported)."
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Write a scenario workbook with a notes sheet explaining every column: blank, or with
    --authority pre-filled for one council from national data (its services and their published
    costs, staff estimates, suitability defaults and candidate partners, all to review)."""
    with user_errors():
        from shareplan.scenario import excel

        evidence = load_evidence()
        check_writable(path, folder=False)
        if authority is None:
            if year is not None:
                raise InputError(
                    [
                        Problem(
                            "--year needs --authority", column="--year", allowed="--authority CODE"
                        )
                    ]
                )
            excel.write_template(path, evidence)
            summary: dict[str, Any] = {"path": str(path), "authority": None}
        else:
            from shareplan.benchmarking import load_national_data
            from shareplan.benchmarking.starter import starter_scenario

            starter = starter_scenario(load_national_data(), evidence, authority, year)
            excel.write_workbook(starter.scenario, path, evidence)
            summary = {
                "path": str(path),
                "authority": starter.scenario.authority.name,
                "ons_code": starter.scenario.authority.ons_code,
                "year": starter.year,
                "services": [s.id for s in starter.scenario.services],
                "partners": [p.name for p in starter.scenario.partners],
                "left_out": list(starter.left_out),
                "to_split": to_split(starter.scenario),
            }
    if as_json:
        print_json(summary)
        return
    if authority is None:
        console.print(f"Blank scenario workbook written to [bold]{path}[/]")
        return
    console.print(
        f"Scenario for {summary['authority']} ({summary['ons_code']}, Revenue Outturn "
        f"{summary['year']}) written to [bold]{path}[/]: {len(summary['services'])} services, "
        f"{len(summary['partners'])} candidate partners (affinity to judge).",
        highlight=False,
    )
    for why in summary["left_out"]:
        console.print(f"  not listed: {why}", highlight=False)
    for item in summary["to_split"]:
        console.print(f"  to split: {item}", highlight=False, markup=False)
    console.print(
        "Review the defaults flagged in each row's notes (staff estimates, suitability traits, "
        "track record) and judge each partner's affinity.",
        highlight=False,
    )


@app.command()
def validate(
    scenario: ScenarioArg, as_json: JsonOpt = False, evidence_folder: EvidenceOpt = None
) -> None:
    """Check a scenario and list every problem at once. Exit 0 when valid, 2 when not.

    Warnings (figures that look wrong but may be right) are listed and do not fail the check.
    """
    try:
        evidence = load_evidence(evidence_folder)
        loaded = load_scenario(scenario, evidence)
        raise_if_any(pipeline.check_appraisal_inputs(loaded, evidence))
    except InputError as exc:
        if as_json:
            print_json({"valid": False, "problems": [p.to_dict() for p in exc.problems]})
            raise typer.Exit(2) from None
        with user_errors():
            raise
        return
    warnings = cost_per_fte_warnings(loaded, evidence)
    summary = {
        "valid": True,
        "authority": loaded.authority.name,
        "services": len(loaded.services),
        "partners": len(loaded.partners),
        "bundles": len(loaded.bundles),
        "declared_opportunities": len(loaded.opportunities),
        "problems": [],
        "warnings": [w.to_dict() for w in warnings],
        "to_judge": to_judge(loaded),
        "to_split": to_split(loaded),
        "to_complete": to_complete(loaded),
    }
    if as_json:
        print_json(summary)
        return
    console.print(
        f"[green]Valid.[/] {loaded.authority.name}: {summary['services']} services, "
        f"{summary['partners']} partners, {summary['bundles']} bundles, "
        f"{summary['declared_opportunities']} declared opportunities."
    )
    for warning in warnings:
        console.print(f"[yellow]Warning:[/] {warning}", markup=True, highlight=False)
    for item in to_judge(loaded):
        console.print(f"  to judge: {item}", highlight=False, markup=False)
    for item in to_split(loaded):
        console.print(f"  to split: {item}", highlight=False, markup=False)
    for item in to_complete(loaded):
        console.print(f"  to complete: {item}", highlight=False, markup=False)


def to_complete(scenario: Scenario) -> list[str]:
    """What the Cabinet report needs and the authority sheet leaves blank or unlikely: not
    problems (the report still builds), but a report author must see them before it goes out."""
    a = scenario.authority
    out = []
    if a.meeting_date is None:
        out.append(
            f"meeting_date is blank: the report is dated the appraisal date, "
            f"{a.appraisal_date:%A %-d %B %Y}; give the date of the meeting it goes to"
        )
    elif a.meeting_date.weekday() >= 5:
        out.append(f"meeting_date {a.meeting_date:%A %-d %B %Y} falls on a weekend")
    if not a.directorate.strip():
        out.append("directorate is blank: the report's heading leaves out the directorate")
    if not a.contact.strip():
        out.append(
            "contact is blank: the report names no contact officer "
            "(it says '[to be completed by the report author]')"
        )
    return out


def to_judge(scenario: Scenario) -> list[str]:
    """What officers have left to judge: not problems, so an appraisal goes ahead with a neutral
    default, but the report says the default was used."""
    blank = [p.name for p in scenario.partners if not p.affinity_judged]
    if not blank:
        return []
    neutral = next((p.affinity for p in scenario.partners if not p.affinity_judged), None)
    return [
        f"the affinity of {len(blank)} partner(s) is blank ({', '.join(blank)}); "
        f"the appraisal uses the neutral default of {neutral} until officers judge it"
    ]


def to_split(scenario: Scenario) -> list[str]:
    """The services marked appraise = no: not problems (their cost still counts), but no
    opportunity comes from them until officers split each into the services it covers."""
    return [
        f"{s.name} ({s.id}) is marked appraise = no, so it is left out of the appraisal; split it "
        "into the services it covers, each on its own row"
        for s in scenario.services
        if not s.appraise
    ]


@app.command()
def convert(
    scenario: ScenarioArg,
    out: Annotated[
        Path, typer.Argument(help="Output: a folder for the text form, or a .xlsx path.")
    ],
) -> None:
    """Convert a scenario between the Excel and text forms (a round trip changes nothing)."""
    with user_errors():
        form_of(out)
        evidence = load_evidence()
        loaded = load_scenario(scenario, evidence)
        check_writable(out, folder=form_of(out) == "text")
        written = save_scenario(loaded, out, evidence)
    console.print(f"Wrote {len(written)} file(s) to [bold]{out}[/]")


def print_evidence(
    on: Annotated[
        str | None, typer.Option(help="Show parameters in force on this date (YYYY-MM-DD).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Print the evidence base with its sources (``shareplan evidence``, registered with its
    ``calibrate`` command in :mod:`shareplan.cli.evidence_commands`)."""
    with user_errors():
        try:
            when = dt.date.fromisoformat(on) if on else dt.date.today()
        except ValueError:
            raise InputError(
                [Problem(f"{on!r} is not a date", column="--on", allowed="YYYY-MM-DD")]
            ) from None
        base = load_evidence()
    resolved = base.resolve(when)
    data: dict[str, Any] = {
        "on": when.isoformat(),
        "models": [m.model_dump(mode="json") for m in base.models],
        "models_source": base.models_source,
        "groups": [g.model_dump(mode="json") for g in base.groups],
        "criteria": [c.model_dump(mode="json") for c in base.criteria],
        "indicators": [i.model_dump(mode="json") for i in base.indicators],
        "framework_source": base.framework_source,
        "partnership_size": base.partnership_size.model_dump(mode="json"),
        "parameters": [p.model_dump(mode="json") for p in resolved.values()],
    }
    if as_json:
        print_json(data)
        return
    print_table(
        "Delivery models (average saving per project and share of all savings, from the source below)",
        ["id", "model", "avg saving", "share", "tender"],
        [
            [
                m.id,
                m.name,
                f"£{m.average_saving / 1000:,.0f}k",
                f"{m.share_of_savings:.0%}",
                m.tender,
            ]
            for m in base.models
        ],
    )
    console.print(f"Source: {base.models_source}\n", highlight=False)
    # the shipped wording names "{place}" where each authority's report puts its own name
    base = base.worded_for("the authority's area", "its residents")
    for group in base.groups:
        print_table(
            f"{group.name}: {group.principle}",
            ["criterion", "wording"],
            [[c.id, c.wording] for c in base.criteria if c.group == group.id],
        )
    print_table(
        "Suitability indicators (national screen)",
        ["indicator", "points to", "wording"],
        [[i.id, i.points_to, i.wording] for i in base.indicators],
    )
    console.print(f"Source: {base.framework_source}\n", highlight=False)
    if resolved:
        print_table(
            f"Parameters in force on {when.isoformat()}",
            ["key", "value", "unit", "confidence", "source"],
            [
                [p.key, _short(p.value), p.unit, p.confidence.value, p.source]
                for p in resolved.values()
            ],
        )


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "..."
