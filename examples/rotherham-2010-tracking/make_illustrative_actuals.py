"""Write the example's ILLUSTRATIVE ledger extracts (one CSV per quarter, 2011/12 Q1 to 2013/14 Q4).

They are made up, from the tracker's own plan, to show the tool at work; every row says so in its
note. The story:

* the customer access centre (corporate centralisation) runs late: it goes live five months after
  the plan's middle date and saves at 60% of the plan's rate;
* the performance work with the GP consortia saves twice what was planned (4% of the services'
  cost against 2%, still inside the business case's range);
* the other projects run close to the plan's middle estimate (P50 path, up to 2% above it),
  reaching their milestones on the plan's middle dates;
* one figure is corrected: the transactional services saving with Barnsley for 2012/13 Q1 was
  first booked at half its value and is corrected in the 2012/13 Q2 extract (the tracker keeps
  both).

Run from the repository root after ``shareplan track start`` (see README.md):

    python examples/rotherham-2010-tracking/make_illustrative_actuals.py TRACKER OUT_FOLDER
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
from pathlib import Path

import numpy as np

from shareplan.tracking.baseline import boundaries
from shareplan.tracking.files import load_tracker
from shareplan.tracking.inputs import project_inputs
from shareplan.tracking.model import Category, Tracker
from shareplan.tracking.paths import paths_of
from shareplan.tracking.periods import date_at, months_between

LATE = "customer_access:cc"
AHEAD = "performance:sc:gp_consortia"
CORRECTED = "transactional:sc:barnsley"
NOTE = "illustrative figure, not the council's accounts"
LAST = dt.date(2014, 3, 31)
LINES = (
    Category.ONE_OFF_COST,
    Category.CASHABLE_SAVING,
    Category.TRADING_INCOME,
    Category.NON_CASHABLE_GAIN,
    Category.FTE_RELEASED,
)


def _modelled(tracker: Tracker, code: str, scale: float, delay: float) -> dict[str, list[float]]:
    """A project's figures as the business case's model gives them with its share scaled and its
    savings beginning ``delay`` months after the plan's middle go-live date: cumulative lines,
    and the milestones in months. (The plan's middle date is the Monte Carlo's, which is not the
    headline's: the drawn delays spread unevenly around it.)"""
    inputs = project_inputs(tracker, [code])
    central = inputs.central
    zero = tracker.settings.month_zero
    middle = next(
        months_between(zero, m.p50)
        for m in tracker.milestones
        if m.project == code and m.milestone.value == "go_live"
    )
    headline = float(paths_of(central, inputs.fte, np.zeros(1)).go_live.ravel()[0])
    story = central.replace(
        share=np.asarray(central.share) * scale,
        delay_months=np.asarray(central.delay_months) + (middle - headline) + delay,
    )
    path = paths_of(story, inputs.fte, boundaries(tracker.settings.periods()))
    out = {c.value: [float(v) for v in getattr(path, c.value)[0]] for c in LINES}
    out["go_live"] = [float(path.go_live.ravel()[0])]
    out["full_run_rate"] = [float(path.full_run_rate.ravel()[0])]
    return out


def _on_plan(tracker: Tracker, code: str, scale: float) -> dict[str, list[float]]:
    """A project on the plan's middle path (scaled), milestones on the middle dates."""
    out: dict[str, list[float]] = {}
    for c in LINES:
        steps = [x.planned for x in tracker.plan if x.project == code and x.category is c]
        level = c is Category.FTE_RELEASED
        out[c.value] = (
            [0.0] + [v * scale for v in steps]
            if level
            else list(np.concatenate(([0.0], np.cumsum(steps) * scale)))
        )
    zero = tracker.settings.month_zero
    for m in tracker.milestones:
        if m.project == code:
            out[m.milestone.value] = [months_between(zero, m.p50)]
    return out


def main(tracker_path: Path, out: Path) -> None:
    tracker = load_tracker(tracker_path)
    periods = [p for p in tracker.settings.periods() if p.start_month >= 0 and p.end <= LAST]
    first = tracker.settings.periods().index(periods[0])
    rows: dict[str, list[list[str]]] = {p.label: [] for p in periods}
    for project in tracker.projects:
        if project.opportunity_id == LATE:
            figures = _modelled(tracker, project.code, 0.6, 5.0)
        elif project.opportunity_id == AHEAD:
            figures = _modelled(tracker, project.code, 2.0, 0.0)
        else:
            figures = _on_plan(tracker, project.code, 1.0 + 0.01 * (int(project.code[-1]) % 3))
        for k, period in enumerate(periods, start=first):
            for category in LINES:
                line = figures[category.value]
                value = line[k + 1] if category is Category.FTE_RELEASED else line[k + 1] - line[k]
                if round(value, 2) == 0:
                    continue
                if (
                    project.opportunity_id == CORRECTED
                    and period.label == "2012/13 Q1"
                    and category is Category.CASHABLE_SAVING
                ):
                    value /= 2  # booked at half, corrected in the next extract
                rows[period.label].append(
                    [project.code, period.label, category.value, f"{value:.2f}", "", NOTE]
                )
            for milestone in ("go_live", "full_run_rate"):
                day = date_at(tracker.settings.month_zero, figures[milestone][0])
                if period.start <= day <= period.end:
                    rows[period.label].append(
                        [project.code, period.label, milestone, "", day.isoformat(), NOTE]
                    )
    hr = next(p.code for p in tracker.projects if p.opportunity_id == CORRECTED)
    for row in rows["2012/13 Q1"]:
        if row[0] == hr and row[2] == Category.CASHABLE_SAVING.value:
            rows["2012/13 Q2"].append(
                [
                    hr,
                    "2012/13 Q1",
                    row[2],
                    f"{float(row[3]) * 2:.2f}",
                    "",
                    NOTE + "; corrects the half booked in 2012/13 Q1",
                ]
            )
    out.mkdir(parents=True, exist_ok=True)
    for label, body in rows.items():
        name = label.replace("/", "-").replace(" ", "-").lower()
        with (out / f"{name}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(["project", "period", "category", "amount", "date", "note"])
            writer.writerows(body)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
