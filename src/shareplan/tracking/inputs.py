"""The frozen Monte Carlo inputs of each project, to and from the tracker's ``model`` sheet.

``input.<name>`` are the business case's central model inputs; ``mc_base.<name>`` the two inputs
the Monte Carlo starts from instead (its drawn cost multiplier and delay multiply and add to
them); ``range.<input>.<low|central|high>`` the drawn ranges; ``correlation`` the cost-delay
correlation; ``discount_factor.<year>`` the business case's factors. Plain data, so a finance
officer can read in the workbook exactly what the forecast re-runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields

import numpy as np
import numpy.typing as npt

from shareplan.business_case.cashflow import FlowInputs
from shareplan.business_case.montecarlo import Ranges
from shareplan.errors import InputError, Problem
from shareplan.tracking.model import ModelValue, Tracker

FloatArray = npt.NDArray[np.float64]

INPUT_NAMES: tuple[str, ...] = tuple(f.name for f in fields(FlowInputs))
MC_BASE_NAMES = ("cost_multiplier", "delay_months")
RANGE_NAMES = ("share", "cost_multiplier", "delay_months", "trading_volume", "trading_margin")
LEVELS = ("low", "central", "high")


@dataclass(frozen=True, slots=True)
class ProjectInputs:
    """Everything the paths of the approved projects need, one entry per project."""

    codes: tuple[str, ...]
    central: FlowInputs
    base: FlowInputs
    ranges: Ranges
    fte: FloatArray
    discount_factors: FloatArray  # by business case year, shared by the projects


def _column(value: object, j: int) -> float:
    """Entry ``j`` of a per-project array, or the value itself when it is one for all."""
    array = np.asarray(value, dtype=np.float64)
    return float(array) if array.ndim == 0 else float(array[j])


def model_values(
    code: str,
    j: int,
    central: FlowInputs,
    base: FlowInputs,
    ranges: Ranges,
    factors: Sequence[float],
) -> list[ModelValue]:
    """Project ``j``'s rows of the model sheet."""
    rows = [
        ModelValue(project=code, key=f"input.{n}", value=_column(getattr(central, n), j))
        for n in INPUT_NAMES
    ]
    rows += [
        ModelValue(project=code, key=f"mc_base.{n}", value=_column(getattr(base, n), j))
        for n in MC_BASE_NAMES
    ]
    for name in RANGE_NAMES:
        triple = getattr(ranges, name)
        for level, values in zip(LEVELS, triple or (0.0, 0.0, 0.0), strict=True):
            rows.append(
                ModelValue(project=code, key=f"range.{name}.{level}", value=_column(values, j))
            )
    rows.append(ModelValue(project=code, key="correlation", value=float(ranges.correlation)))
    rows += [
        ModelValue(project=code, key=f"discount_factor.{t}", value=float(f))
        for t, f in enumerate(factors)
    ]
    return rows


def required_keys(horizon_years: int) -> list[str]:
    keys = [f"input.{n}" for n in INPUT_NAMES] + [f"mc_base.{n}" for n in MC_BASE_NAMES]
    keys += [f"range.{n}.{lv}" for n in RANGE_NAMES for lv in LEVELS]
    return [*keys, "correlation", *(f"discount_factor.{t}" for t in range(horizon_years))]


def project_inputs(tracker: Tracker, codes: Sequence[str] | None = None) -> ProjectInputs:
    """The inputs of ``codes`` (all projects by default) read back from the model sheet."""
    codes = tuple(codes or (p.code for p in tracker.projects))
    table = [tracker.model_values(c) for c in codes]
    missing = [
        Problem(f"project {c!r} lacks {k!r} in the model sheet", sheet="model", column="key")
        for c, values in zip(codes, table, strict=True)
        for k in required_keys(tracker.settings.horizon_years)
        if k not in values
    ]
    if missing:
        raise InputError(missing[:20])

    def arr(key: str) -> FloatArray:
        return np.array([values[key] for values in table], dtype=np.float64)

    central = FlowInputs(**{n: arr(f"input.{n}") for n in INPUT_NAMES})
    base = central.replace(**{n: arr(f"mc_base.{n}") for n in MC_BASE_NAMES})

    def triple(name: str) -> tuple[FloatArray, FloatArray, FloatArray]:
        return (arr(f"range.{name}.low"), arr(f"range.{name}.central"), arr(f"range.{name}.high"))

    ranges = Ranges(
        share=triple("share"),
        cost_multiplier=triple("cost_multiplier"),
        delay_months=triple("delay_months"),
        correlation=float(table[0]["correlation"]) if table else 0.0,
        trading_volume=triple("trading_volume"),
        trading_margin=triple("trading_margin"),
    )
    fte = np.array([tracker.project(c).fte for c in codes], dtype=np.float64)
    years = tracker.settings.horizon_years
    factors = (
        np.array([table[0][f"discount_factor.{t}"] for t in range(years)])
        if table
        else np.ones(years)
    )
    return ProjectInputs(codes, central, base, ranges, fte, factors)
