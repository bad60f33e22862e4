"""The quarterly benefits realisation report to members, as the report package's format-neutral
model (the same house shape as the Cabinet report: heading block, numbered sections every English
council report carries, appendices), built from the status record.

Every money figure is a :class:`Money` whose source (or terms) is a path in the status record, so
it traces to the tracker's own rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from shareplan.report import formatting as fmt
from shareplan.results import Results, read_results
from shareplan.tracking import report_appendices, usecases
from shareplan.tracking.files import load_tracker
from shareplan.tracking.model import Category, Tracker
from shareplan.tracking.publish import (
    Figure,
    Money,
    Paragraph,
    Report,
    SavingsBands,
    Section,
    Table,
    write_report,
)
from shareplan.tracking.record import SAVING_LINES, build_record
from shareplan.tracking.recovery import Recovery, recovery_options
from shareplan.tracking.report_context import OWNER_TO_NAME, RAG_WORDS, Context, para, total
from shareplan.tracking.usecases import Standing


def _heading(c: Context) -> tuple[tuple[str, str, str], ...]:
    return (
        ("1", "Meeting", "Cabinet"),
        ("2", "Date", fmt.long_date(c.s.as_at.isoformat())),
        ("3", "Title", _title(c)),
        (
            "4",
            "Period covered",
            f"from Cabinet's decision of "
            f"{fmt.long_date(c.t.settings.decision_date.isoformat())} to "
            f"{fmt.long_date(c.s.as_at.isoformat())}",
        ),
    )


def _title(c: Context) -> str:
    return f"Shared services: benefits realisation report to {fmt.long_date(c.s.as_at.isoformat())}"


def _counts(c: Context) -> dict[str, int]:
    return {rag: sum(s.rag.value == rag for s in c.s.statuses) for rag in ("red", "amber", "green")}


def _summary(c: Context) -> Section:
    counts = _counts(c)
    codes = [p.code for p in c.t.projects]
    saved = total([t for code in codes for t in c.savings_actual(code).terms], c.record)
    planned = total(
        [t for code in codes for t in c.plan(code, SAVING_LINES, "cumulative_p50").terms], c.record
    )
    spent = total([t for code in codes for t in c.costs_actual(code).terms], c.record)
    expected = total([(1.0, ("forecast", j, "npv_mean")) for j in range(len(codes))], c.record)
    plan_expected = total(
        [(1.0, ("forecast", j, "plan_npv_mean")) for j in range(len(codes))], c.record
    )
    blocks = [
        para(
            f"Cabinet approved {fmt.count(len(codes), 'shared-service project')} on "
            f"{fmt.long_date(c.t.settings.decision_date.isoformat())}. At "
            f"{fmt.long_date(c.s.as_at.isoformat())}: {_standing_words(counts)}."
        ),
        para(
            "Together they have saved ",
            saved,
            " in cash and trading income, against ",
            planned,
            " in the plan's middle estimate for the same periods, for one-off costs of ",
            spent,
            ".",
        ),
        para(
            "Given what has happened so far, the programme is now expected to be worth ",
            expected,
            " over its ten years in today's money (net present value, average of the forecast), "
            "against ",
            plan_expected,
            " when Cabinet decided.",
        ),
    ]
    if _illustrative(c):
        blocks.insert(
            0,
            para(
                "The actual figures in this report are illustrative: they show how "
                "the report works and are not the council's accounts.",
                kind="notice",
            ),
        )
    return Section("Summary", tuple(blocks), number="5", key="summary")


def _standing_words(counts: dict[str, int]) -> str:
    words = {
        "green": ("on track (green)", "on track (green)"),
        "amber": ("needs attention (amber)", "need attention (amber)"),
        "red": ("is off track (red)", "are off track (red)"),
    }
    parts = []
    for rag in ("green", "amber", "red"):
        n = counts[rag]
        if n:
            verb = "is" if rag == "green" and n == 1 else "are" if rag == "green" else ""
            phrase = words[rag][0 if n == 1 else 1]
            parts.append(f"{n} {verb + ' ' if verb else ''}{phrase}")
    return fmt.listing(parts)


def _illustrative(c: Context) -> bool:
    return any("illustrative" in a.note.lower() for a in c.t.actuals)


def _recommendations(c: Context) -> Section:
    items = ["notes the status of each project and the programme's forecast in section 7;"]
    for status in c.s.statuses:
        if status.rag.value == "red":
            items.append(
                f"decides, for {c.title(status.code)}, between carrying on with the "
                "recovery actions and stopping it, on the options in section 7;"
            )
    if any(b.owner.strip().lower() == OWNER_TO_NAME for b in c.t.benefits):
        items.append("names an owner for each benefit that has none (Appendix 1);")
    items.append("asks for the next report at the end of the next quarter.")
    blocks = [para("That Cabinet:")] + [
        para(f"{i}. {text}", kind="bullet") for i, text in enumerate(items, start=1)
    ]
    return Section("Recommendations", tuple(blocks), number="6", key="recommendations")


def _status_table(c: Context) -> Table:
    rows = []
    for status in c.s.statuses:
        code = status.code
        late = max((m.months_late for m in status.milestones), default=0.0)
        rows.append(
            (
                c.title(code),
                RAG_WORDS[status.rag.value],
                status.reported_to.label if status.reported_to else "none yet",
                c.savings_actual(code),
                c.plan(code, SAVING_LINES, "cumulative_p50"),
                c.plan(code, SAVING_LINES, "cumulative_p10"),
                fmt.months(late) if late > 0 else "none",
                c.forecast(code, "npv_p50"),
                c.forecast(code, "plan_npv_p50"),
                fmt.percent(c.s.forecasts[c.index[code]].prob_payback),
            )
        )
    return Table(
        "Status of each project: savings and trading income to date against the plan",
        (
            "Project",
            "Status",
            "Figures to",
            "Saved to date",
            "Plan (middle)",
            "Plan (low, P10)",
            "Late by",
            "Forecast NPV (middle)",
            "Plan NPV (middle)",
            "Chance of paying back",
        ),
        tuple(rows),
        (False, False, False, True, True, True, True, True, True, True),
    )


def savings_figure(c: Context) -> Figure:
    """The chart of the programme's cumulative savings against the plan's band, with its table
    (the report's, and the web page's)."""
    prog = c.record["programme"]
    labels = tuple(prog["periods"])
    rows = tuple(
        (
            label,
            Money(prog["p10"][k], ("programme", "p10", k)),
            Money(prog["p50"][k], ("programme", "p50", k)),
            Money(prog["p90"][k], ("programme", "p90", k)),
            "not yet"
            if prog["actual"][k] is None
            else Money(prog["actual"][k], ("programme", "actual", k)),
        )
        for k, label in enumerate(labels)
    )
    reported = [k for k, v in enumerate(prog["actual"]) if v is not None]
    last = reported[-1] if reported else 0
    alt = (
        f"Line chart of the programme's cumulative cash savings and trading income from "
        f"{labels[0]} to {labels[-1]}: the plan's middle estimate inside a shaded band from "
        f"its low (P10) to its high (P90) estimate, and the actual figures to "
        f"{labels[last]}, which stand at {fmt.money(prog['actual'][last] or 0.0)} against a "
        f"plan of {fmt.money(prog['p50'][last])}."
    )
    return Figure(
        "benefits-realised",
        "Programme savings to date against the plan",
        alt,
        SavingsBands(labels, tuple(prog["p10"]), tuple(prog["p50"]), tuple(prog["p90"])),
        Table(
            "Cumulative cash savings and trading income: the plan's band and the actual",
            ("Period", "Plan low (P10)", "Plan middle (P50)", "Plan high (P90)", "Actual"),
            rows,
            (False, True, True, True, True),
        ),
    )


def _project_section(c: Context, code: str) -> Section:
    j = c.index[code]
    status = c.s.statuses[j]
    f = c.s.forecasts[j]
    blocks: list[Paragraph | Table | Figure] = [
        para(f"Status: {RAG_WORDS[status.rag.value]}. Why:")
    ]
    blocks += [
        para(reason[0].upper() + reason[1:] + ".", kind="bullet") for reason in status.reasons
    ]
    blocks.append(
        para(
            f"Forecast: on the figures so far the saving is running at {fmt.percent(f.share, 1)} of "
            f"the services' cost (the business case assumed {fmt.percent(f.plan_share, 1)}), and "
            f"savings began about {fmt.months(f.delay_months)} later than the business case's date. The "
            "net present value is now expected to be ",
            c.forecast(code, "npv_p50"),
            " (middle estimate; low ",
            c.forecast(code, "npv_p10"),
            ", high ",
            c.forecast(code, "npv_p90"),
            "), against ",
            c.forecast(code, "plan_npv_p50"),
            f" in the plan; the chance that it still pays back within the horizon is "
            f"{fmt.percent(f.prob_payback)}.",
        )
    )
    blocks.append(para("Options for members:"))
    carry = total(
        [(1.0, ("forecast", j, "npv_mean")), (-1.0, ("forecast", j, "npv_to_date"))], c.record
    )
    blocks.append(
        para(
            "Carry on, with the service's recovery plan: the rest of the project is "
            "expected to add ",
            carry,
            " (money already spent is gone either way, so it does not count against carrying on).",
            kind="bullet",
        )
    )
    recovery = c.record["recovery"].get(code)
    if recovery is None:
        blocks.append(
            para(
                "Stop it: the appraisal's results were not available, so what could "
                "take its place was not worked out.",
                kind="bullet",
            )
        )
    elif recovery["infeasible"]:
        blocks.append(
            para(
                "Stop it: no programme meets the budget and other rules without it ("
                + recovery["infeasible"]
                + ").",
                kind="bullet",
            )
        )
    elif not recovery["additions"]:
        blocks.append(
            para(
                "Stop it: nothing from the near misses fits in its place under the same "
                "budget and rules, so the programme would lose what it adds.",
                kind="bullet",
            )
        )
    else:
        names = fmt.listing([a["title"] for a in recovery["additions"]])
        blocks.append(
            para(
                f"Stop it and start {names} in its place, chosen by the programme optimiser from the "
                "near misses under the same budget and rules (the budget less what this project has "
                "spent): worth ",
                Money(recovery["added_npv"], ("recovery", code, "added_npv")),
                " in its business case, before the later start is allowed for.",
                kind="bullet",
            )
        )
        better = "carrying on" if recovery["added_npv"] < carry.value else "stopping it"
        blocks.append(para(f"On these figures {better} is worth more to the council."))
    return Section(c.title(code), tuple(blocks), key=f"project-{code.lower()}")


def _proposals(c: Context) -> Section:
    flagged = [s.code for s in c.s.statuses if s.rag.value != "green"]
    text = (
        "Each project's figures come from the ledger extracts loaded into the benefits "
        "register; the plan is the business case Cabinet approved, with the range its risk "
        "analysis gave (low P10, middle P50, high P90)."
    )
    intro = para(text + ("" if flagged else " Every project is on track."))
    children = tuple(_project_section(c, code) for code in flagged)
    return Section(
        "Proposals and Details",
        (intro, _status_table(c), savings_figure(c)),
        children,
        number="7",
        key="proposals",
    )


def _finance(c: Context) -> Section:
    rows = []
    for p in c.t.projects:
        actual, plan = (
            c.costs_actual(p.code),
            c.plan(p.code, (Category.ONE_OFF_COST.value,), "cumulative_p50"),
        )
        saved, saved_plan = c.savings_actual(p.code), c.plan(p.code, SAVING_LINES, "cumulative_p50")
        rows.append(
            (
                p.title,
                actual,
                plan,
                total(actual.terms + tuple((-k, path) for k, path in plan.terms), c.record),
                saved,
                saved_plan,
                total(saved.terms + tuple((-k, path) for k, path in saved_plan.terms), c.record),
            )
        )
    return Section(
        "Finance",
        (
            para(
                f"All figures are in pounds at {c.t.settings.price_base_year} prices, as in the "
                "business cases. One-off costs include the optimism-bias allowance the business "
                "cases carried, so spending below plan is expected where risks have not arisen."
            ),
            Table(
                "One-off costs and savings to date against the plan's middle estimate",
                ("Project", "Spent", "Plan", "Difference", "Saved", "Plan", "Difference"),
                tuple(rows),
                (False, True, True, True, True, True, True),
            ),
        ),
        number="8",
        key="finance",
    )


def _risks(c: Context) -> Section:
    r = c.s.rule

    def pct(share: float) -> str:
        return f"P{round(share * 100)}"

    rule = (
        f"A project is red when its savings to date are below the plan's "
        f"{pct(r.red_savings_below)}, or a milestone is later than the plan's "
        f"{pct(r.red_milestone_after)} date; amber when savings are below the plan's "
        f"{pct(r.amber_savings_below)}, a milestone is later than its "
        f"{pct(r.amber_milestone_after)} date, one-off costs are above the plan's "
        f"{pct(r.amber_cost_above)}, or figures are missing for a period. A shortfall of "
        f"{fmt.percent(r.tolerance)} or less is not counted (ledger timing)."
    )
    thin = [c.title(f.code) for f in c.s.forecasts if f.periods_used and f.effective_draws < 50]
    blocks = [
        para(
            "The original Cabinet report named the risk that benefits are not realised and savings "
            "not delivered as forecast. This report is how members see that risk early."
        ),
        para(rule),
        para(
            "Each forecast keeps the business case's own risk analysis and gives more weight to "
            "the outcomes that match what has happened (Appendix 3). It is only as good as the "
            "ledger figures: a saving booked in the wrong period moves it."
        ),
    ]
    if thin:
        blocks.append(
            para(
                "The figures for " + fmt.listing(thin) + " are outside most of what the "
                "business case expected, so their forecasts rest on few outcomes and "
                "should be read as rough.",
                kind="notice",
            )
        )
    return Section("Risks and Uncertainties", tuple(blocks), number="9", key="risks")


def build_tracking_report(standing: Standing, record: Mapping[str, Any]) -> Report:
    c = Context(standing, record)
    return Report(
        title=_title(c),
        authority=c.t.settings.authority,
        heading=_heading(c),
        sections=(
            _summary(c),
            _recommendations(c),
            _proposals(c),
            _finance(c),
            _risks(c),
            report_appendices.policy(c),
            report_appendices.background(c),
        ),
        appendices=(
            report_appendices.register(c),
            report_appendices.milestones(c),
            report_appendices.method(c),
        ),
        generator=f"shareplan {record['generator']['version']}",
    )


def benefits_report(
    tracker_path: Path, as_at: dt.date, out: Path, results: Path | None = None
) -> dict[str, Path]:
    """Write the benefits realisation report at ``as_at`` into ``out``. The recovery options for
    red and amber projects need the appraisal's results (``results``, else the path the tracker
    records); without them the report says so."""
    tracker = load_tracker(tracker_path)
    source = results or Path(tracker.settings.results_source)
    return report_of(
        tracker, as_at, out, lambda: read_results(source) if source.is_file() else None
    )


def report_of(
    tracker: Tracker, as_at: dt.date, out: Path, results: Callable[[], Results | None]
) -> dict[str, Path]:
    """Write the report of ``tracker`` at ``as_at`` into ``out``; ``results`` gives the
    appraisal's results for the recovery options (called only when a project is red or amber)."""
    standing = usecases.standing(tracker, as_at)
    recoveries: dict[str, Recovery] = {}
    flagged = [s for s in standing.statuses if s.rag.value != "green"]
    document = results() if flagged else None
    if document is not None:
        approved = [p.opportunity_id for p in tracker.projects]
        for status in flagged:
            stop = tracker.project(status.code).opportunity_id
            recoveries[status.code] = recovery_options(
                document, approved, stop, status.costs.actual
            )
    record = build_record(standing, recoveries)
    return write_report(build_tracking_report(standing, record), record, out)
