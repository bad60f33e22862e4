"""``shareplan track start|update|status|report``: benefits realisation after Cabinet decides."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import typer

from shareplan.cli.common import console, print_json, print_table, user_errors
from shareplan.errors import InputError, Problem
from shareplan.report import formatting as fmt
from shareplan.tracking.periods import Frequency

app = typer.Typer()
"""This module's commands; :mod:`shareplan.cli` adds them to the root application."""

track_app = typer.Typer(
    help="Track approved projects' costs, savings and milestones against their business cases.",
    no_args_is_help=True,
)
app.add_typer(track_app, name="track")

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]
TrackerArg = Annotated[
    Path,
    typer.Argument(
        help="The tracker: an .xlsx workbook or a folder of CSV files.", show_default=False
    ),
]


def _date(text: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(
            [Problem(f"{text!r} is not a date", column=option, allowed="YYYY-MM-DD")]
        ) from None


@track_app.command("start")
def start(
    results: Annotated[
        Path, typer.Argument(help="The appraisal's results.json.", show_default=False)
    ],
    more: Annotated[
        list[str] | None,
        typer.Argument(help="More approved ids, after the first --approved.", show_default=False),
    ] = None,
    approved: Annotated[
        list[str] | None,
        typer.Option("--approved", help="The approved opportunity ids: --approved A B C."),
    ] = None,
    decision_date: Annotated[str, typer.Option("--decision-date", help="YYYY-MM-DD.")] = "",
    out: Annotated[
        Path | None, typer.Option("--out", help="The tracker to make (.xlsx or a folder).")
    ] = None,
    frequency: Annotated[Frequency, typer.Option(help="Reporting period.")] = Frequency.QUARTERLY,
    draws: Annotated[
        int, typer.Option(help="Monte Carlo draws for the bands.", min=100, max=200_000)
    ] = 4000,
    as_json: JsonOpt = False,
) -> None:
    """Make the benefits register from Cabinet's decision: each approved project's plan by period,
    with its Monte Carlo band, milestones, owners, measures and data sources."""
    from shareplan.tracking.usecases import start as start_tracker

    ids = [*(approved or []), *(more or [])]
    with user_errors():
        missing = [
            name
            for name, given in (
                ("--approved", ids),
                ("--decision-date", decision_date),
                ("--out", out),
            )
            if not given
        ]
        if missing:
            raise InputError([Problem(f"{name} is required", column=name) for name in missing])
        assert out is not None
        tracker = start_tracker(
            results,
            ids,
            _date(decision_date, "--decision-date"),
            out,
            frequency=frequency,
            draws=draws,
        )
    rows = [
        [
            p.code,
            p.title,
            fmt.money(p.npv_p10),
            fmt.money(p.npv_p50),
            fmt.money(p.npv_p90),
            fmt.percent(p.prob_payback),
        ]
        for p in tracker.projects
    ]
    if as_json:
        print_json(
            {
                "tracker": str(out),
                "projects": [p.model_dump() for p in tracker.projects],
                "periods": [p.label for p in tracker.settings.periods()],
            }
        )
        return
    print_table(
        "Benefits register started",
        ["code", "project", "NPV P10", "NPV P50", "NPV P90", "pays back"],
        rows,
        justify_right=lambda c: c.startswith("NPV") or c == "pays back",
        keep_whole=["code"],
    )
    console.print(
        f"Tracker written: {out} ({len(tracker.plan)} plan lines). Name each benefit's "
        "owner in its 'benefits' sheet.",
        highlight=False,
    )


@track_app.command("update")
def update(
    tracker: TrackerArg,
    actuals: Annotated[
        Path,
        typer.Argument(
            help="The ledger extract (.xlsx or .csv): project, "
            "period, category, amount, date, note.",
            show_default=False,
        ),
    ],
    loaded: Annotated[
        str | None,
        typer.Option(help="The day the figures were known (YYYY-MM-DD; today by default)."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Load a ledger extract: every row, or none with every problem listed. A row for a period
    already loaded is a correction, kept beside the earlier figure."""
    from shareplan.tracking.usecases import update as update_tracker

    with user_errors():
        day = _date(loaded, "--loaded") if loaded else None
        done = update_tracker(tracker, actuals, day)
    if as_json:
        print_json({"added": done.added, "corrections": done.corrections, "batch": done.batch})
        return
    console.print(
        f"Loaded {done.added} rows as load {done.batch} ({done.corrections} "
        "corrections; the earlier figures stay in the history).",
        highlight=False,
    )


def status_rows(standing: Any) -> list[dict[str, Any]]:
    out = []
    for s, f in zip(standing.statuses, standing.forecasts, strict=True):
        out.append(
            {
                "code": s.code,
                "project": s.title,
                "rag": s.rag.value,
                "reported_to": s.reported_to.label if s.reported_to else None,
                "savings_actual": s.savings.actual,
                "savings_p50": s.savings.p50,
                "savings_p10": s.savings.p10,
                "costs_actual": s.costs.actual,
                "costs_p50": s.costs.p50,
                "months_late": max((m.months_late for m in s.milestones), default=0.0),
                "reasons": list(s.reasons),
                "forecast_npv_p10": f.npv_p10,
                "forecast_npv_p50": f.npv_p50,
                "forecast_npv_p90": f.npv_p90,
                "plan_npv_p50": f.plan_npv_p50,
                "prob_payback": f.prob_payback,
                "expected_share": f.share,
                "plan_share": f.plan_share,
                "expected_delay_months": f.delay_months,
                "expected_npv": f.npv_mean,
                "plan_expected_npv": f.plan_npv_mean,
                "effective_draws": f.effective_draws,
            }
        )
    return out


@track_app.command("status")
def status(
    tracker: TrackerArg,
    as_at: Annotated[str, typer.Option("--as-at", help="The date to report at (YYYY-MM-DD).")],
    as_json: JsonOpt = False,
) -> None:
    """Each project's status (red, amber, green by the evidence base's rule), its variance against
    plan and its forecast given the actuals so far."""
    from shareplan.tracking.files import load_tracker
    from shareplan.tracking.usecases import standing

    with user_errors():
        rows = status_rows(standing(load_tracker(tracker), _date(as_at, "--as-at")))
    programme = {
        "as_at": as_at,
        "red": sum(r["rag"] == "red" for r in rows),
        "amber": sum(r["rag"] == "amber" for r in rows),
        "green": sum(r["rag"] == "green" for r in rows),
        "savings_actual": sum(r["savings_actual"] for r in rows),
        "savings_p50": sum(r["savings_p50"] for r in rows),
        "costs_actual": sum(r["costs_actual"] for r in rows),
        "expected_npv": sum(r["expected_npv"] for r in rows),
        "plan_expected_npv": sum(r["plan_expected_npv"] for r in rows),
    }
    if as_json:
        print_json({"programme": programme, "projects": rows})
        return
    print_table(
        f"Benefits realisation at {as_at}",
        [
            "code",
            "status",
            "to",
            "savings",
            "plan P50",
            "costs",
            "forecast NPV P50",
            "plan NPV P50",
            "pays back",
            "why",
        ],
        [
            [
                r["code"],
                r["rag"].upper(),
                r["reported_to"] or "-",
                fmt.money(r["savings_actual"]),
                fmt.money(r["savings_p50"]),
                fmt.money(r["costs_actual"]),
                fmt.money(r["forecast_npv_p50"]),
                fmt.money(r["plan_npv_p50"]),
                fmt.percent(r["prob_payback"]),
                "; ".join(r["reasons"]) or ("on plan" if r["reported_to"] else "no figures yet"),
            ]
            for r in rows
        ],
        justify_right=lambda c: (
            c in ("savings", "plan P50", "costs", "forecast NPV P50", "plan NPV P50", "pays back")
        ),
        keep_whole=["code"],
    )
    console.print(
        f"Programme: {programme['green']} green, {programme['amber']} amber, {programme['red']} "
        f"red; saved {fmt.money(programme['savings_actual'])} against "
        f"{fmt.money(programme['savings_p50'])} planned (P50); expected NPV "
        f"{fmt.money(programme['expected_npv'])} against {fmt.money(programme['plan_expected_npv'])} "
        "at the decision.",
        highlight=False,
    )


@track_app.command("report")
def report(
    tracker: TrackerArg,
    as_at: Annotated[str, typer.Option("--as-at", help="The date to report at (YYYY-MM-DD).")],
    out: Annotated[Path, typer.Option("--out", help="Folder for the report files.")],
    results: Annotated[
        Path | None,
        typer.Option(
            help="The appraisal's results.json, for the "
            "recovery options (default: the one the tracker "
            "was made from)."
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Write the quarterly benefits realisation report (Word, HTML, PDF) for members."""
    from shareplan.tracking.report import benefits_report

    with user_errors():
        if out.exists() and not out.is_dir():
            raise InputError([Problem("the output path exists and is not a folder", str(out))])
        written = benefits_report(tracker, _date(as_at, "--as-at"), out, results)
    if as_json:
        print_json({kind: str(path) for kind, path in written.items()})
        return
    console.print("Benefits realisation report written:")
    for kind, path in written.items():
        console.print(f"  {kind}: {path}", highlight=False)


@track_app.command("outcomes")
def outcomes(
    tracker: TrackerArg,
    as_at: Annotated[str, typer.Option("--as-at", help="The date to read the tracker at.")],
    out: Annotated[Path, typer.Option("--out", help="The outcomes file to write (.toml).")],
    as_json: JsonOpt = False,
) -> None:
    """Write the realised outcomes of the projects that have reached full run-rate (saving share,
    one-off cost and delay against the business case) as an outcomes library file, for
    'shareplan evidence calibrate --library'."""
    from shareplan.tracking.files import load_tracker
    from shareplan.tracking.outcomes import outcomes_toml, realised_outcomes
    from shareplan.tracking.usecases import standing

    with user_errors():
        day = _date(as_at, "--as-at")
        found = realised_outcomes(standing(load_tracker(tracker), day))
        if not found:
            raise InputError(
                [
                    Problem(
                        "no project has reported its full run-rate yet",
                        str(tracker),
                        sheet="actuals",
                        column="category",
                        allowed="a full_run_rate row with its date",
                    )
                ]
            )
        try:
            out.write_text(outcomes_toml(found, dt.date.today()), encoding="utf-8")
        except OSError as exc:
            raise InputError([Problem(f"cannot write: {exc.strerror}", str(out))]) from None
    if as_json:
        print_json([o.model_dump() for o in found])
        return
    console.print(f"{len(found)} realised outcomes written to {out}.", highlight=False)
