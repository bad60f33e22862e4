"""Checks of a scenario's settings and overrides before any business case is built.

:func:`check_scenario` compares every override the business case reads (keys under ``discount.``,
``appraisal.``, ``optimism.``, ``savings.``, ``costs.``, ``procurement.``, ``montecarlo.``,
``risks.`` and ``business_case.``) with the evidence value it replaces, as it applies on the
appraisal date:

* **shape**: a table (``costs.project_team_fte``: one figure per model) or a list cannot be
  replaced by one figure; name an entry instead (``costs.project_team_fte.public_private``). A
  discount schedule is the exception: it may be given as text, ``0-30:3.5%; 31-75:3%``, which must
  read and cover the horizon;
* **type**: a number must be a finite number, text must be text, a yes/no must be 1 or 0;
* **sign and range**: shares lie from 0 to 1, the cost-delay correlation from -1 to 1, months and
  years within a century, optimism-bias uplifts within 1,000% (:data:`RANGES`); any other number
  whose evidence value is not negative (a cost, a count) cannot be negative, and no figure exceeds
  10^12; ``montecarlo.draws`` is a whole number from 0 (no Monte Carlo) to 1,000,000;
* **choices**: the Monte Carlo distribution and the optimism-bias project types must be known ones.

It also checks the authority's horizon and discount schedule. The scenario model does not keep the
row each override came from, so a problem names the key and the column ``value`` (or ``key``);
:func:`build_business_cases` adds the row as the parameters sheet lists them.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import math
from collections.abc import Mapping, Sequence
from typing import Any

from shareplan.business_case.assumptions import dig, split_key
from shareplan.business_case.discounting import (
    ScheduleError,
    bands_from_value,
    parse_schedule,
    schedule_factors,
)
from shareplan.errors import Problem
from shareplan.evidence.base import EvidenceBase
from shareplan.scenario.model import Scenario

#: Keys (by prefix) whose overrides the business case reads, and so checks.
PREFIXES = (
    "discount.",
    "appraisal.",
    "optimism.",
    "savings.",
    "costs.",
    "procurement.",
    "montecarlo.",
    "risks.",
    "business_case.",
)
#: Figures with a range of their own (full key, ``*`` for any path): shares, months, years,
#: uplifts. Every other number only has to keep the sign of its evidence value. The months and
#: years bounds are sanity limits (a century), not judgements.
RANGES: tuple[tuple[str, float, float], ...] = (
    ("appraisal.period_years", 0.0, 100.0),
    ("business_case.quick_win.min_share_of_annual", 0.0, 1.0),
    ("business_case.quick_win.months", 0.0, 1200.0),
    ("costs.common_platform_discount", 0.0, 1.0),
    ("costs.exit_cost_years_of_pay.*", 0.0, 100.0),
    ("costs.extra_months_no_common_platform", 0.0, 1200.0),
    ("costs.implementation_months.*", 0.0, 1200.0),
    ("costs.staff_share_of_gross", 0.0, 1.0),
    ("montecarlo.cost_delay_correlation", -1.0, 1.0),
    ("montecarlo.delay_months.*", 0.0, 1200.0),
    ("optimism.lower_bounds.*", 0.0, 10.0),
    ("optimism.mitigated_share.*", 0.0, 1.0),
    ("optimism.upper_bounds.*", 0.0, 10.0),
    ("procurement.contract_term_years", 0.0, 100.0),
    ("procurement.lead_months.*", 0.0, 1200.0),
    ("procurement.legal_advice.months", 0.0, 1200.0),
    ("procurement.months_per_extra_member", 0.0, 1200.0),
    ("procurement.vat_rate", 0.0, 1.0),
    ("risks.thresholds.low_payback_probability", 0.0, 1.0),
    ("risks.thresholds.platform_overlap", 0.0, 1.0),
    ("savings.large_partnership_years_per_member", 0.0, 100.0),
    ("savings.non_cashable_share.*", 0.0, 1.0),
    ("savings.private_partner_gain_share", 0.0, 1.0),
    ("savings.ramp_months.*", 0.0, 1200.0),
    ("savings.trading.net_margin.*", 0.0, 1.0),
)
#: No figure in a council's business case is anywhere near this (pounds, months or a ratio).
LARGEST = 1e12
#: The most Monte Carlo draws a scenario may ask for (memory grows with draws x opportunities).
MAX_DRAWS = 1_000_000
SCHEDULE = "discount.schedule."
DISTRIBUTIONS = ("triangular", "pert")


@dataclasses.dataclass(frozen=True, slots=True)
class Finding:
    """One problem, the override it is about (``None``: a setting of the authority) and whether
    the business case cannot be built at all until it is fixed (wrong shape or type), as opposed
    to a figure that is merely out of range (a negative cost)."""

    problem: Problem
    index: int | None = None
    blocking: bool = True


def check_scenario(scenario: Scenario, evidence: EvidenceBase) -> list[Problem]:
    """Every problem with the scenario's horizon, discount schedule and the overrides the business
    case reads (see the module docstring). Pure: reads nothing but its arguments.

    Each problem is on sheet ``parameters``, names the key and the column ``value`` (``key`` for a
    key that names nothing), with no row (the scenario does not keep rows); those about the
    authority are on sheet ``authority``, column ``horizon_years`` or ``discount_schedule``.
    """
    return [f.problem for f in findings(scenario, evidence)]


def findings(scenario: Scenario, evidence: EvidenceBase) -> list[Finding]:
    """:func:`check_scenario`'s problems with the override each is about and how serious it is."""
    out: list[Finding] = []
    authority = scenario.authority
    on = authority.appraisal_date
    horizon = authority.horizon_years
    if horizon < 1:
        out.append(
            Finding(
                Problem(
                    f"the horizon must be at least 1 year, not {horizon}",
                    sheet="authority",
                    column="horizon_years",
                    allowed="a whole number of years from 1 to 60",
                )
            )
        )
    names = sorted(k.removeprefix(SCHEDULE) for k in evidence.parameters if k.startswith(SCHEDULE))
    used = SCHEDULE + authority.discount_schedule
    if used not in evidence.parameters:
        out.append(
            Finding(
                Problem(
                    f"no discount schedule {authority.discount_schedule!r}",
                    sheet="authority",
                    column="discount_schedule",
                    allowed=", ".join(names),
                )
            )
        )
    overridden = {o.key for o in scenario.parameters}
    if used in evidence.parameters and used not in overridden and horizon >= 1:
        out.extend(
            Finding(p)
            for p in _schedule_problems(
                used, evidence.parameter(used).at(on).value, horizon, "authority"
            )
        )
    known = tuple(evidence.parameters)
    for index, override in enumerate(scenario.parameters):
        split = split_key(override.key, known)
        if split is None:
            out.append(
                Finding(
                    Problem(
                        f"no parameter {override.key!r}",
                        sheet="parameters",
                        column="key",
                        allowed="a parameter key of the evidence base, or one followed by a path",
                    ),
                    index,
                    blocking=False,
                )
            )
            continue
        key, path = split
        if not key.startswith(PREFIXES):
            continue  # another stage's parameter: that stage checks it
        try:
            current = dig(evidence.parameter(key).at(on).value, path)
        except (KeyError, TypeError, IndexError):
            out.append(
                Finding(
                    Problem(
                        f"parameter {override.key!r}: {'.'.join(path)!r} is not part of {key!r}",
                        sheet="parameters",
                        column="key",
                        allowed=_entries(evidence.parameter(key).at(on).value, key),
                    ),
                    index,
                )
            )
            continue
        out.extend(
            dataclasses.replace(f, index=index)
            for f in _value_findings(override.key, override.value, current, evidence, scenario)
        )
    return out


def _entries(value: Any, key: str) -> str:
    if isinstance(value, Mapping):
        return "one of " + ", ".join(f"{key}.{k}" for k in value)
    return f"{key} itself"


def _example(value: Mapping[str, Any], key: str) -> str:
    """A full key naming one figure inside a table: the first entry at each level."""
    path = [key]
    current: Any = value
    while isinstance(current, Mapping) and current:
        first = next(iter(current))
        path.append(str(first))
        current = current[first]
    return ".".join(path)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _value_findings(
    key: str, value: float | str, current: Any, evidence: EvidenceBase, scenario: Scenario
) -> list[Finding]:
    """Problems of one override ``key = value`` against the evidence value ``current``."""

    def problem(message: str, allowed: str, blocking: bool = True) -> Finding:
        return Finding(
            Problem(
                f"parameter {key!r} {message}", sheet="parameters", column="value", allowed=allowed
            ),
            blocking=blocking,
        )

    if key.startswith(SCHEDULE) and "." not in key.removeprefix(SCHEDULE):
        if not isinstance(value, str):
            return [
                problem(
                    f"is a discount schedule, not the number {value:g}",
                    "bands as text, e.g. '0-30:3.5%; 31-75:3%; 76-:2.5%'",
                )
            ]
        horizon = scenario.authority.horizon_years
        in_use = key == SCHEDULE + scenario.authority.discount_schedule
        return [
            Finding(p)
            for p in _schedule_problems(key, value, horizon if in_use else 0, "parameters")
        ]
    if isinstance(current, Mapping):
        return [
            problem(
                f"is a table ({', '.join(map(str, current))}); it cannot be set to {value!r}",
                f"a key naming one figure in it, e.g. '{_example(current, key)}'",
            )
        ]
    if isinstance(current, list | tuple):
        return [
            problem(
                f"is a list of {len(current)} entries; it cannot be set to {value!r} from the "
                "parameters sheet",
                "change it in the evidence base",
            )
        ]
    if isinstance(current, bool):
        if _is_number(value) and value in (0, 1):
            return []
        return [problem(f"is a yes or no, not {value!r}", "1 (yes) or 0 (no)")]
    if _is_number(current):
        if not _is_number(value) or not math.isfinite(float(value)):
            return [problem(f"must be a number, not {value!r}", "a number")]
        number = float(value)
        if key == "montecarlo.draws":
            if not (number == int(number) and 0 <= number <= MAX_DRAWS):
                return [
                    problem(
                        f"is {number:g}",
                        f"a whole number of draws from 0 (no Monte Carlo) to {MAX_DRAWS:,}",
                        blocking=False,
                    )
                ]
            return []
        for pattern, low, high in RANGES:
            if fnmatch.fnmatchcase(key, pattern):
                if not low <= number <= high:
                    return [problem(f"is {number:g}", _span(low, high), blocking=False)]
                return []
        if number < 0 and float(current) >= 0:
            return [problem(f"is {number:g}; it cannot be negative", "0 or more", blocking=False)]
        if abs(number) > LARGEST:
            return [problem(f"is {number:g}", f"at most {LARGEST:,.0f}", blocking=False)]
        return []
    if isinstance(current, str):
        if not isinstance(value, str):
            return [problem(f"is text, not the number {value:g}", "text")]
        if key == "montecarlo.distribution" and value not in DISTRIBUTIONS:
            return [problem(f"is {value!r}", ", ".join(DISTRIBUTIONS))]
        if key.startswith("optimism.project_types.") or (
            key.startswith("optimism.cost_categories.") and key.endswith(".project_type")
        ):
            bounds = evidence.parameter("optimism.upper_bounds").at(
                scenario.authority.appraisal_date
            )
            types = sorted(map(str, bounds.value))
            if value and value not in types:
                return [
                    problem(
                        f"names no optimism-bias project type: {value!r}",
                        ", ".join(types) + ", or empty for none",
                    )
                ]
        return []
    return []


def _span(low: float, high: float) -> str:
    if (low, high) == (0.0, 1.0):
        return "a share from 0 to 1"
    return f"from {low:,g} to {high:,g}"


def _schedule_problems(key: str, value: Any, horizon: int, sheet: str) -> list[Problem]:
    """A schedule that does not read, or (``horizon`` > 0) does not cover years 0 .. horizon - 1."""
    name = key.removeprefix(SCHEDULE)
    try:
        bands = (
            parse_schedule(value) if isinstance(value, str) else bands_from_value(_as_bands(value))
        )
        if horizon > 0:
            schedule_factors(bands, horizon)
    except (ScheduleError, KeyError, TypeError, ValueError) as exc:
        if sheet == "authority":
            return [
                Problem(
                    f"discount schedule {name!r}: {exc}",
                    sheet="authority",
                    column="discount_schedule",
                )
            ]
        return [
            Problem(
                f"parameter {key!r}: {exc}",
                sheet="parameters",
                column="value",
                allowed="bands as text, e.g. '0-30:3.5%; 31-75:3%; 76-:2.5%'",
            )
        ]
    return []


def _as_bands(value: Any) -> Sequence[Mapping[str, Any]]:
    if not isinstance(value, list | tuple):
        raise TypeError(f"a schedule is a list of bands, not {value!r}")
    return value
