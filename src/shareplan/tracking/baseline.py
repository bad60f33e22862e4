"""The benefits register made from Cabinet's decision: the approved projects' business cases laid
out by reporting period, each line with its Monte Carlo band, owner, measure and data source.

:func:`approved_cases` is the only function in the tracking package that reads results.json.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from shareplan.business_case import BusinessCase, uncertain_inputs
from shareplan.business_case.cashflow import FlowInputs
from shareplan.errors import InputError, Problem
from shareplan.results import Results
from shareplan.tracking.inputs import model_values, project_inputs
from shareplan.tracking.model import (
    Benefit,
    Category,
    Milestone,
    MilestoneKind,
    PlanLine,
    Project,
    Settings,
    Tracker,
)
from shareplan.tracking.paths import Paths, paths_of, simulate_paths
from shareplan.tracking.periods import Frequency, Period, date_at

FloatArray = npt.NDArray[np.float64]

DEFAULT_DRAWS = 4000
OWNER_TO_NAME = "to be named"

#: What each line measures and where the figure comes from (GovS 002: every benefit has both).
MEASURES: dict[Category, tuple[str, str]] = {
    Category.ONE_OFF_COST: (
        "implementation spend coded to the project (team, procurement and legal, systems, "
        "redundancy and pension strain)",
        "general ledger, the project's cost code",
    ),
    Category.CASHABLE_SAVING: (
        "fall in the services' net expenditure against the baseline budget",
        "general ledger, the services' cost centres, against the baseline year's budget",
    ),
    Category.NON_CASHABLE_GAIN: (
        "officer time and service improvement released, valued at average cost",
        "service performance returns and time recording",
    ),
    Category.TRADING_INCOME: (
        "income invoiced to other bodies for the service, less the direct cost of serving them",
        "accounts receivable and the trading account",
    ),
    Category.FTE_RELEASED: (
        "posts deleted from the establishment (full-time equivalents)",
        "HR establishment list",
    ),
}


@dataclass(frozen=True, slots=True)
class Approved:
    """What the register needs from an appraisal: the approved business cases and settings."""

    cases: tuple[BusinessCase, ...]
    authority: str
    seed: int
    financial_years: bool
    source: str
    appraisal_date: dt.date


def approved_cases(results: Results, approved: Sequence[str], source: str) -> Approved:
    """The business cases of ``approved`` (opportunity ids) from an appraisal's results.

    Every unknown id is reported at once, with the ids of the chosen programme."""
    entries = {o.id: o for o in results.opportunities}
    unknown = [i for i in approved if i not in entries]
    if unknown:
        chosen = results.chosen
        allowed = chosen.selected_ids if chosen else tuple(entries)[:10]
        raise InputError(
            [
                Problem(
                    f"{i!r} is not an opportunity in the results",
                    source,
                    column="--approved",
                    allowed=", ".join(allowed),
                )
                for i in unknown
            ]
        )
    if len(set(approved)) != len(approved):
        raise InputError([Problem("an approved id is given twice", source, column="--approved")])
    scenario = results.scenario
    return Approved(
        cases=tuple(entries[i].business_case for i in approved),
        authority=scenario.authority,
        seed=scenario.random_seed,
        financial_years=scenario.financial_years,
        source=source,
        appraisal_date=scenario.appraisal_date,
    )


def project_codes(count: int) -> list[str]:
    """Ledger-style project codes, SS01, SS02, ... (editable in the workbook before first use)."""
    return [f"SS{i + 1:02d}" for i in range(count)]


def boundaries(periods: Sequence[Period]) -> FloatArray:
    """Months from month 0 at the start of the first period and the end of every period."""
    return np.array([periods[0].start_month] + [p.end_month for p in periods], dtype=np.float64)


def start_tracker(
    found: Approved,
    decision_date: dt.date,
    frequency: Frequency,
    *,
    draws: int = DEFAULT_DRAWS,
    created: dt.date | None = None,
) -> Tracker:
    """The tracker for the approved cases: settings, projects, frozen inputs, register, milestones."""
    cases = found.cases
    years = {(c.horizon_years, c.first_year, c.price_base_year) for c in cases}
    if len(years) != 1:
        raise InputError([Problem("the approved business cases have different horizons or years")])
    horizon, first_year, base_year = years.pop()
    settings = Settings(
        authority=found.authority,
        results_source=found.source,
        decision_date=decision_date,
        frequency=frequency,
        financial_years=found.financial_years,
        first_year=first_year,
        price_base_year=base_year,
        horizon_years=horizon,
        seed=found.seed,
        draws=draws,
        distribution=cases[0].monte_carlo.distribution if cases[0].monte_carlo else "triangular",
        created=created or dt.date.today(),
    )
    if decision_date >= dt.date(first_year + horizon, settings.month_zero.month, 1):
        raise InputError(
            [
                Problem(
                    "the decision date is after the business cases' horizon",
                    column="--decision-date",
                )
            ]
        )
    codes = project_codes(len(cases))
    base, ranges = uncertain_inputs(cases)
    central = FlowInputs(
        **{n: np.array([c.model_inputs[n] for c in cases]) for n in FlowInputs.__dataclass_fields__}
    )
    factors = [y.discount_factor for y in cases[0].adjusted.years]
    model = [
        row
        for j, code in enumerate(codes)
        for row in model_values(code, j, central, base, ranges, factors)
    ]
    draft = Tracker(
        settings=settings,
        projects=tuple(_project(code, case) for code, case in zip(codes, cases, strict=True)),
        model=tuple(model),
        benefits=(),
        plan=(),
        milestones=(),
    )
    return _with_plan(draft, cases, found.appraisal_date)


def _project(code: str, case: BusinessCase) -> Project:
    """The project before its draws are made (the NPV band and payback are filled in from them,
    so that the forecast with no actuals is exactly the plan)."""
    npv = case.measures.npv
    return Project(
        code=code,
        opportunity_id=case.opportunity_id,
        title=case.title,
        model=case.model,
        fte=case.fte,
        npv_central=npv,
        npv_p10=npv,
        npv_p50=npv,
        npv_p90=npv,
        prob_payback=0.0,
    )


def plan_paths(tracker: Tracker) -> tuple[Paths, Paths, tuple[Period, ...]]:
    """The central paths and the Monte Carlo paths of every project at the period boundaries."""
    inputs = project_inputs(tracker)
    periods = tracker.settings.periods()
    months = boundaries(periods)
    central = paths_of(inputs.central, inputs.fte, months)
    s = tracker.settings
    drawn = simulate_paths(
        inputs.base,
        inputs.ranges,
        inputs.fte,
        months,
        s.draws,
        s.seed,
        "pert" if s.distribution == "pert" else "triangular",
    )
    return central, drawn, periods


def period_factors(periods: Sequence[Period], factors: FloatArray) -> FloatArray:
    """Each period's discount factor: its business case year's (a period before month 0 is in
    year 0, which is not discounted)."""
    years = np.array([max(p.year_index, 0) for p in periods])
    result: FloatArray = np.where(
        years < len(factors), factors[np.minimum(years, len(factors) - 1)], 0.0
    )
    return result


def _with_plan(draft: Tracker, cases: Sequence[BusinessCase], appraised: dt.date) -> Tracker:
    central, drawn, periods = plan_paths(draft)
    weights = period_factors(periods, project_inputs(draft).discount_factors)
    zero = draft.settings.month_zero
    plan: list[PlanLine] = []
    milestones: list[Milestone] = []
    benefits: list[Benefit] = []
    projects: list[Project] = []
    for j, (project, case) in enumerate(zip(draft.projects, cases, strict=True)):
        for category in Category:
            plan.extend(_plan_lines(project.code, category, central, drawn, j, periods))
        for kind in MilestoneKind:
            c = float(getattr(central, kind.value)[..., j].ravel()[0])
            band = np.percentile(getattr(drawn, kind.value)[:, j], (10, 50, 90))
            milestones.append(
                Milestone(
                    project=project.code,
                    milestone=kind,
                    planned=date_at(zero, c),
                    p10=date_at(zero, band[0]),
                    p50=date_at(zero, band[1]),
                    p90=date_at(zero, band[2]),
                )
            )
        full = date_at(zero, float(central.full_run_rate[..., j].ravel()[0]))
        benefits.extend(_benefits(project.code, case, appraised, full))
        npv = np.percentile(np.diff(drawn.net[:, j, :], axis=-1) @ weights, (10, 50, 90))
        projects.append(
            project.model_copy(
                update={
                    "prob_payback": float(np.mean(drawn.net[:, j, -1] >= 0.0)),
                    "npv_p10": float(npv[0]),
                    "npv_p50": float(npv[1]),
                    "npv_p90": float(npv[2]),
                }
            )
        )
    return draft.model_copy(
        update={
            "projects": tuple(projects),
            "plan": tuple(plan),
            "milestones": tuple(milestones),
            "benefits": tuple(benefits),
        }
    )


def _plan_lines(
    code: str,
    category: Category,
    central: Paths,
    drawn: Paths,
    j: int,
    periods: Sequence[Period],
) -> list[PlanLine]:
    line = getattr(central, category.value)[..., j, :].reshape(-1)
    band = np.percentile(getattr(drawn, category.value)[:, j, :], (10, 50, 90), axis=0)
    level = category is Category.FTE_RELEASED
    out = []
    for k, period in enumerate(periods):
        out.append(
            PlanLine(
                project=code,
                period=period.label,
                category=category,
                planned=float(band[1, k + 1] if level else band[1, k + 1] - band[1, k]),
                business_case=float(line[k + 1] if level else line[k + 1] - line[k]),
                cumulative_business_case=float(line[k + 1]),
                cumulative_p10=float(band[0, k + 1]),
                cumulative_p50=float(band[1, k + 1]),
                cumulative_p90=float(band[2, k + 1]),
            )
        )
    return out


def _benefits(code: str, case: BusinessCase, appraised: dt.date, full: dt.date) -> list[Benefit]:
    m = case.measures
    inputs = case.model_inputs
    targets = {
        Category.ONE_OFF_COST: m.one_off_cost,
        Category.CASHABLE_SAVING: inputs["baseline"] * inputs["share"] * inputs["keep"],
        Category.NON_CASHABLE_GAIN: inputs["non_cashable"],
        Category.TRADING_INCOME: inputs["trading"],
        Category.FTE_RELEASED: m.fte_released,
    }
    baselines = {
        Category.CASHABLE_SAVING: case.baseline_annual_cost,
        Category.FTE_RELEASED: case.fte,
    }
    return [
        Benefit(
            project=code,
            category=category,
            owner=OWNER_TO_NAME,
            measure=MEASURES[category][0],
            data_source=MEASURES[category][1],
            baseline=float(baselines.get(category, 0.0)),
            baseline_date=appraised,
            target=float(targets[category]),
            target_date=full,
        )
        for category in Category
    ]
