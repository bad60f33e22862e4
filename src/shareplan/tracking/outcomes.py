"""The outcomes library: what shared-service arrangements forecast and what they achieved.

Two kinds of entry, one shape: the published outcomes shipped in ``tracking/data/outcomes.toml``
(each with its source, date and confidence), and the council's own realised outcomes, written
from a tracker when a project reaches its full run-rate (``realised_outcomes``), whose source is
the tracker and its ledger extracts.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from shareplan.business_case.cashflow import ONE_OFF_KINDS, cumulative
from shareplan.errors import InputError, Problem
from shareplan.tracking.inputs import project_inputs
from shareplan.tracking.model import Category, MilestoneKind, Tracker
from shareplan.tracking.usecases import Standing

Measure = Literal["saving", "one_off_cost", "saving_share", "delay_months"]


class Outcome(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    name: str
    model: str
    measure: Measure
    forecast: float | None = None
    forecast_note: str = ""
    realised: float
    realised_note: str = ""
    date: str
    source: str
    confidence: Literal["confirmed", "secondary", "derived", "illustrative", "own"]
    comparable: bool = True

    @property
    def ratio(self) -> float | None:
        """Realised over forecast, for a comparable case with a positive forecast."""
        if not self.comparable or not self.forecast or self.forecast <= 0:
            return None
        return self.realised / self.forecast


def _parse(text: str, source: str) -> tuple[Outcome, ...]:
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError([Problem(f"not a readable outcomes file: {exc}", source)]) from None
    problems: list[Problem] = []
    found: list[Outcome] = []
    for i, entry in enumerate(doc.get("outcome", []), start=1):
        try:
            found.append(Outcome(**entry))
        except ValidationError as exc:
            for error in exc.errors():
                field = ".".join(str(x) for x in error["loc"])
                problems.append(Problem(f"outcome {i}: {error['msg']}", source, column=field))
    if problems:
        raise InputError(problems)
    return tuple(found)


def shipped_outcomes() -> tuple[Outcome, ...]:
    text = (
        resources.files("shareplan.tracking").joinpath("data", "outcomes.toml").read_text("utf-8")
    )
    return _parse(text, "tracking/data/outcomes.toml")


def read_outcomes(path: Path) -> tuple[Outcome, ...]:
    try:
        return _parse(path.read_text("utf-8"), str(path))
    except OSError as exc:
        raise InputError(
            [Problem(f"cannot read the outcomes file: {exc.strerror}", str(path))]
        ) from None


def _share_before_optimism_bias(t: Tracker, code: str) -> float:
    """The share of project ``code``'s planned one-off cost that is the estimate itself: the
    uplift differs by category of cost, so it is read from the model's own lines over the
    horizon rather than from one rate."""
    inputs = project_inputs(t, [code]).central
    lines = cumulative(inputs, t.settings.horizon_years)
    estimate = float(sum(lines[k][..., -1].sum() for k in ONE_OFF_KINDS))
    bias = float(lines["optimism_bias_one_off"][..., -1].sum())
    return estimate / (estimate + bias) if estimate + bias > 0 else 1.0


def realised_outcomes(standing: Standing) -> tuple[Outcome, ...]:
    """The council's own outcomes: every project that has reported its full run-rate, with its
    realised saving share, one-off cost and delay against the business case."""
    t: Tracker = standing.tracker
    out: list[Outcome] = []
    for status, f in zip(standing.statuses, standing.forecasts, strict=True):
        reached = next(
            (
                m
                for m in status.milestones
                if m.kind is MilestoneKind.FULL_RUN_RATE and m.actual is not None
            ),
            None,
        )
        if reached is None:
            continue
        project = t.project(status.code)
        # the estimate before optimism bias, as published forecasts are (calibrate compares the
        # ratio with the optimism-bias allowance)
        plan_cost = sum(
            b.target
            for b in t.benefits
            if b.project == project.code and b.category is Category.ONE_OFF_COST
        )
        estimate = plan_cost * _share_before_optimism_bias(t, project.code)
        illustrative = any(
            "illustrative" in a.note.lower() for a in t.actuals if a.project == project.code
        )
        where = (
            f"benefits tracker of {t.settings.authority} ({t.settings.results_source}), "
            f"ledger extracts to {status.reported_to.label if status.reported_to else ''}"
        )
        common = {
            "name": project.title,
            "model": project.model,
            "source": where,
            "confidence": "illustrative" if illustrative else "own",
            "date": reached.actual.isoformat() if reached.actual else standing.as_at.isoformat(),
        }
        out.append(
            Outcome(
                id=f"{project.opportunity_id}:share",
                measure="saving_share",
                forecast=f.plan_share,
                realised=f.share,
                realised_note="saving share the actuals imply",
                **common,
            )
        )
        out.append(
            Outcome(
                id=f"{project.opportunity_id}:cost",
                measure="one_off_cost",
                forecast=estimate,
                realised=status.costs.actual,
                forecast_note="business case estimate before optimism bias",
                **common,
            )
        )
        out.append(
            Outcome(
                id=f"{project.opportunity_id}:delay",
                measure="delay_months",
                forecast=None,
                realised=reached.months_late,
                realised_note="months after the plan's middle date",
                **common,
            )
        )
    return tuple(out)


def outcomes_toml(outcomes: Sequence[Outcome], written: dt.date) -> str:
    """The outcomes as a library file (the shipped file's format)."""
    lines = [f"# Realised outcomes written by shareplan on {written.isoformat()}.", ""]
    for o in outcomes:
        lines.append("[[outcome]]")
        for key, value in o.model_dump().items():
            if value is None:
                continue
            if isinstance(value, bool):
                lines.append(f"{key} = {'true' if value else 'false'}")
            elif isinstance(value, float):
                lines.append(f"{key} = {value!r}")
            else:
                escaped = str(value).replace("\\", "\\\\").replace('"', '\\"')
                lines.append(f'{key} = "{escaped}"')
        lines.append("")
    return "\n".join(lines)
