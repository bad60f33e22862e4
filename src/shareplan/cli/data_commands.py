"""Commands on the national data: ``shareplan data ...`` and ``shareplan partners ...``."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from shareplan.benchmarking.outturn import LINE_IDS
from shareplan.cli.common import (
    check_writable,
    console,
    err_console,
    print_json,
    print_table,
    user_errors,
)
from shareplan.errors import InputError, Problem

app = typer.Typer()
"""This module's commands; :mod:`shareplan.cli` adds them to the root application."""

data_app = typer.Typer(
    help="National open data: import Revenue Outturn, benchmark a council, scan England.",
    no_args_is_help=True,
)
partners_app = typer.Typer(help="Find partner councils for a service.", no_args_is_help=True)
app.add_typer(data_app, name="data")
app.add_typer(partners_app, name="partners")

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]
AuthorityOpt = Annotated[
    str,
    typer.Option("--authority", "-a", help="ONS code (E08000018), E-code (E4403) or exact name."),
]
ServiceOpt = Annotated[
    str,
    typer.Option(
        "--service",
        "-s",
        help="Revenue Outturn service line: " + ", ".join(LINE_IDS) + ".",
    ),
]
YearOpt = Annotated[str, typer.Option("--year", "-y", help="Financial year, e.g. 2014-15.")]
DataDirOpt = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        help="Where imported years are stored (default $SHAREPLAN_DATA_DIR or "
        "~/.local/share/shareplan).",
    ),
]


def _money(value: float | None) -> str:
    return "" if value is None else f"£{value:,.0f}"


@data_app.command("import-outturn")
def import_outturn(
    file: Annotated[Path, typer.Argument(help="An RS workbook (.xls/.xlsx) or a tidy CSV.")],
    data_dir: DataDirOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Read, check and store a year of Revenue Outturn figures (merged with the shipped years)."""
    from shareplan.benchmarking.readers import read_outturn_file
    from shareplan.benchmarking.store import load_authorities, store_import

    with user_errors():
        result = read_outturn_file(file, load_authorities())
        written = store_import(result, data_dir)
    summary = {
        "file": str(file),
        "years": list(result.years),
        "councils": len(result.records),
        "not_submitted": list(result.not_submitted),
        "skipped_not_principal": len(result.skipped),
        "stored": [str(p) for p in written],
    }
    if as_json:
        print_json(summary)
        return
    print_table(
        "Imported Revenue Outturn",
        ["year", "councils", "no return submitted", "non-principal rows skipped", "stored in"],
        [
            [
                year,
                sum(1 for r in result.records if r.year == year),
                len([n for n in result.not_submitted if year in n or len(result.years) == 1]),
                len(result.skipped),
                str(path),
            ]
            for year, path in zip(result.years, written, strict=True)
        ],
    )
    if result.not_submitted:
        console.print(
            "No return submitted (kept blank, not zero): " + "; ".join(result.not_submitted)
        )


@data_app.command("years")
def years(data_dir: DataDirOpt = None, as_json: JsonOpt = False) -> None:
    """List the years available, where each comes from, and the service lines each has."""
    from shareplan.benchmarking.outturn import SERVICE_LINE_IDS
    from shareplan.benchmarking.store import load_outturn

    with user_errors():
        outturn = load_outturn(directory=data_dir)
    rows: list[dict[str, Any]] = []
    for year in outturn.years:
        lines = [line for line in SERVICE_LINE_IDS if outturn.line_exists(year, line)]
        yi = outturn.year_index(year)
        rows.append(
            {
                "year": year,
                "councils": int(outturn.present[yi].sum()),
                "source": outturn.sources.get(year, ""),
                "service_lines": lines,
            }
        )
    if as_json:
        print_json(rows)
        return
    print_table(
        "Revenue Outturn years",
        ["year", "councils", "lines", "source"],
        [[r["year"], r["councils"], len(r["service_lines"]), r["source"]] for r in rows],
    )


@data_app.command("benchmark")
def benchmark_command(
    authority: AuthorityOpt,
    service: ServiceOpt,
    year: YearOpt,
    data_dir: DataDirOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Spend per head, rank and quartile among peers and nationally, trend, and the headroom."""
    from shareplan.benchmarking.benchmark import benchmark
    from shareplan.benchmarking.store import load_national_data

    with user_errors():
        result = benchmark(load_national_data(directory=data_dir), authority, service, year)
    if as_json:
        print_json(result.to_dict())
        return
    if result.missing_reason:
        console.print(f"[bold]{result.name}[/], {service}, {year}: {result.missing_reason}")
    else:
        rows = []
        for g in (result.statistical, result.geographic, result.national):
            if g is None:
                continue
            rows.append(
                [g.label, g.size, f"{g.rank} of {g.size}", g.quartile, _money(g.median),
                 _money(g.best_quartile)]
            )  # fmt: skip
        print_table(
            f"{result.name}: {service} {year}, spend per head {_money(result.per_head)} "
            f"(£{(result.gbp_thousand or 0):,.0f}k)",
            ["compared with", "councils", "rank (1 = lowest)", "quartile", "median/head",
             "best quartile/head"],
            rows,
        )  # fmt: skip
        if result.headroom:
            console.print(
                f"Headroom sharing might capture: {_money(result.headroom.low)} to "
                f"{_money(result.headroom.high)} a year ({result.headroom.basis})."
            )
    print_table(
        "Trend",
        ["year", "£ thousand", "per head", "note"],
        [
            [p.year, "" if p.gbp_thousand is None else f"{p.gbp_thousand:,.0f}",
             _money(p.per_head), p.missing_reason or ""]
            for p in result.trend
        ],
    )  # fmt: skip
    for note in result.notes:
        console.print(f"[dim]{note}[/]")


def _parse_weights(items: list[str]) -> dict[str, float]:
    weights: dict[str, float] = {}
    problems = []
    for item in items:
        key, _, value = item.partition("=")
        try:
            weights[key.strip()] = float(value)
        except ValueError:
            problems.append(
                Problem(f"bad weight {item!r}", column="--weight", allowed="name=number")
            )
    if problems:
        raise InputError(problems)
    return weights


@partners_app.command("find")
def find(
    authority: AuthorityOpt,
    service: ServiceOpt,
    year: YearOpt,
    limit: Annotated[int, typer.Option(min=1, help="How many candidates to list.")] = 10,
    weight: Annotated[
        list[str] | None,
        typer.Option(help="Criterion weight, e.g. geography=0.4 (repeatable)."),
    ] = None,
    into: Annotated[
        Path | None,
        typer.Option("--into", help="Append the chosen partners to this scenario (folder/.xlsx)."),
    ] = None,
    count: Annotated[
        int, typer.Option(min=1, help="With --into: how many of the top candidates to add.")
    ] = 5,
    data_dir: DataDirOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Rank candidate partner councils for a service, with scores and reasons."""
    from shareplan.benchmarking.finder import find_partners, partner_rows
    from shareplan.benchmarking.store import load_national_data

    added: list[str] = []
    skipped: list[str] = []
    with user_errors():
        weights = _parse_weights(weight or [])
        national = load_national_data(directory=data_dir)
        search = find_partners(national, authority, service, year, weights, limit)
        if into is not None:
            from shareplan.benchmarking.delivered import with_delivered
            from shareplan.benchmarking.into_scenario import add_partners
            from shareplan.evidence import load_evidence
            from shareplan.scenario import load_scenario, save_scenario
            from shareplan.scenario.checks import neutral_affinity

            evidence = load_evidence()
            scenario = load_scenario(into, evidence)
            _same_authority(scenario.authority.ons_code, search.code, search.name, into)
            check_writable(into, folder=into.is_dir())
            rows = partner_rows(search, count)
            updated, skipped = add_partners(
                scenario, rows, neutral_affinity(evidence, scenario.authority)
            )
            new_ids = {p.id for p in updated.partners[len(scenario.partners) :]}
            updated = with_delivered(updated, national, evidence, search.year, new_ids)
            save_scenario(updated, into, evidence)
            added = [p.name for p in updated.partners[len(scenario.partners) :]]
    if as_json:
        out = search.to_dict()
        out["partner_rows"] = [vars_row(r) for r in partner_rows(search, count)]
        if into is not None:
            out["into"] = {"scenario": str(into), "added": added, "skipped": skipped}
        print_json(out)
        return
    print_table(
        f"Partner candidates for {search.name}: {service} {year} "
        f"(spend per head {_money(search.per_head)})",
        ["#", "council", "score", "role", "geography", "per head"],
        [
            [c.rank, f"{c.name} ({c.code})", f"{c.score:.2f}", c.role, c.geography,
             _money(c.per_head)]
            for c in search.candidates
        ],
    )  # fmt: skip
    for c in search.candidates:
        console.print(f"{c.rank}. [bold]{c.name}[/]: " + "; ".join(c.reasons), highlight=False)
    console.print(
        "[dim]weights: " + ", ".join(f"{k} {v:.2f}" for k, v in search.weights.items()) + "[/]"
    )
    if search.excluded:
        console.print(f"[dim]{len(search.excluded)} councils left out for missing data: "
                      + "; ".join(search.excluded[:8]) + ("; ..." if len(search.excluded) > 8 else "") + "[/]")  # fmt: skip
    if into is not None:
        console.print(f"Added to {into}: {', '.join(added) or 'none'}")
        for note in skipped:
            console.print(f"  skipped: {note}")


def _same_authority(scenario_code: str | None, code: str, name: str, into: Path) -> None:
    """``--into`` adds partners found for one council to that council's scenario, not another's
    (whose partners, and whose own row among the candidates, would be wrong)."""
    if scenario_code and scenario_code.strip().upper() != code.upper():
        raise InputError(
            [
                Problem(
                    f"the scenario is for {scenario_code}, but these partners were found for "
                    f"{name} ({code})",
                    str(into),
                    "authority",
                    column="ons_code",
                    allowed=f"--authority {scenario_code}, or a scenario for {code}",
                )
            ]
        )


def vars_row(row: object) -> dict[str, object]:
    from dataclasses import asdict, is_dataclass

    return asdict(row) if is_dataclass(row) and not isinstance(row, type) else {}


@data_app.command("scan")
def scan(
    year: YearOpt,
    out: Annotated[Path, typer.Option("--out", help="Folder for the CSV files and the map.")],
    top: Annotated[int, typer.Option(help="Partners listed per council and line.")] = 5,
    map_line: Annotated[
        str, typer.Option("--map-line", help="Service line whose pairings the map draws.")
    ] = "adult_social_care",
    draw_map: Annotated[bool, typer.Option("--map/--no-map", help="Draw the map (PNG).")] = True,
    data_dir: DataDirOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Score every council against every other for every service line; write CSV and a map."""
    from shareplan.benchmarking.export import write_scan
    from shareplan.benchmarking.maps import draw_scan_map
    from shareplan.benchmarking.scan import national_scan
    from shareplan.benchmarking.store import load_national_data

    with user_errors():
        data = load_national_data(directory=data_dir)
        data.outturn.year_index(year)
        if map_line not in data.outturn.lines:
            data.outturn.line_index(map_line)
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TimeElapsedColumn(),
            console=err_console,
            transient=True,
            disable=as_json,
        ) as bar:
            task = bar.add_task("Scanning", total=None)

            def step(name: str, done: int, total: int) -> None:
                bar.update(task, description=f"Scanning: {name}", completed=done, total=total)

            started = time.perf_counter()
            result = national_scan(data, year, progress=step)
            seconds = time.perf_counter() - started
            bar.update(task, description="Writing CSV")
            files = write_scan(result, out, top)
            if draw_map:
                bar.update(task, description="Drawing the map")
                files.append(
                    draw_scan_map(result, data.authorities, out / "scan_map.png", map_line)
                )
    summary = {
        "year": year,
        "councils": len(result.codes),
        "service_lines": list(result.lines),
        "pair_scores": result.pair_scores,
        "comparable_pairs": result.comparable_pairs,
        "scan_seconds": round(seconds, 3),
        "files": [str(f) for f in files],
    }
    if as_json:
        print_json(summary)
        return
    print_table(
        f"National scan {year}",
        ["councils", "service lines", "pair scores", "comparable pairs", "seconds"],
        [[len(result.codes), len(result.lines), f"{result.pair_scores:,}",
          f"{result.comparable_pairs:,}", f"{seconds:.2f}"]],
    )  # fmt: skip
    for f in files:
        console.print(f"  wrote {f}")
