"""Where each project will land, given its actuals so far: the business case's Monte Carlo, re-run,
with every draw weighted by how well it matches what has happened (importance weighting, the
Bayesian update of the drawn saving share, delay and cost overrun; docs/tracking.md).

The draws are the plan's own (same inputs, ranges and seed), so with no actuals the forecast is
the plan. Each draw's likelihood treats a period's actual savings (and trading income) and one-off
costs as the draw's figure plus ledger noise, normal with a standard deviation of
``tracking.forecast.noise_share`` of the plan's full-run-rate saving in a period (of the plan's
one-off cost, for costs), and a reported milestone as the draw's date plus noise of
``tracking.forecast.milestone_noise_months``. A project that reports milestones and has not
reached one also tells the draws that put it in the past (a censored observation). The forecast
NPV of a draw is the discounted actual net to date plus the draw's net from then on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import special

from shareplan.evidence import EvidenceBase
from shareplan.tracking.baseline import boundaries, period_factors
from shareplan.tracking.inputs import project_inputs
from shareplan.tracking.model import Actual, Category, MilestoneKind, Tracker
from shareplan.tracking.paths import Paths, simulate_paths
from shareplan.tracking.periods import Period, months_between
from shareplan.tracking.status import reached_milestones, reported_periods

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Noise:
    share: float
    milestone_months: float

    @classmethod
    def from_evidence(cls, evidence: EvidenceBase, on: dt.date) -> Noise:
        return cls(
            float(evidence.value("tracking.forecast.noise_share", on)),
            float(evidence.value("tracking.forecast.milestone_noise_months", on)),
        )


@dataclass(frozen=True, slots=True)
class Forecast:
    """One project's forecast, beside its plan (the unweighted draws)."""

    code: str
    periods_used: int
    npv_p10: float
    npv_p50: float
    npv_p90: float
    prob_payback: float
    plan_npv_p10: float
    plan_npv_p50: float
    plan_npv_p90: float
    plan_prob_payback: float
    share: float  # expected saving share, after the actuals
    plan_share: float  # the business case's central share
    delay_months: float  # expected delay before savings begin, after the actuals
    plan_delay_months: float  # the plan's mean drawn delay
    effective_draws: float  # how many equally weighted draws the weights are worth
    npv_to_date: float  # the discounted actual net so far (what stopping now would leave)
    npv_mean: float  # expected NPV after the actuals (means add up across projects)
    plan_npv_mean: float

    @property
    def npv_change(self) -> float:
        return self.npv_p50 - self.plan_npv_p50


def weighted_percentiles(
    values: FloatArray, weights: FloatArray, q: tuple[float, ...]
) -> FloatArray:
    """Percentiles (0-100) of ``values`` under ``weights`` (the midpoint rule, so that equal
    weights give numpy's linear percentiles up to one draw's step)."""
    order = np.argsort(values)
    v, w = values[order], weights[order]
    cum = (np.cumsum(w) - 0.5 * w) / np.sum(w)
    result: FloatArray = np.interp(np.asarray(q) / 100.0, cum, v)
    return result


def _observed(
    code: str,
    upto: tuple[Period, ...],
    actuals: dict[tuple[str, str, str], Actual],
    categories: tuple[Category, ...],
) -> FloatArray:
    names = {c.value for c in categories}
    return np.array(
        [
            sum(
                float(a.amount or 0.0)
                for (p, period, cat), a in actuals.items()
                if p == code and period == k.label and cat in names
            )
            for k in upto
        ]
    )


def log_likelihood(
    paths: Paths,
    j: int,
    code: str,
    tracker: Tracker,
    upto: tuple[Period, ...],
    actuals: dict[tuple[str, str, str], Actual],
    noise: Noise,
    as_at: dt.date,
) -> FloatArray:
    """Log-likelihood of project ``j``'s actuals under each draw, shape ``(draws,)``."""
    k = len(upto)
    ll = np.zeros(paths.share.shape[0])
    inputs = project_inputs(tracker, [code]).central
    months = upto[0].months if upto else tracker.settings.frequency.months
    full_rate = (
        float(
            (
                np.asarray(inputs.baseline) * np.asarray(inputs.share) * np.asarray(inputs.keep)
                + np.asarray(inputs.trading)
            ).ravel()[0]
        )
        * months
        / 12.0
    )
    plan_cost = float(np.max(paths.one_off_cost[:, j, -1]))
    if k:
        benefits = np.diff(paths.benefits[:, j, : k + 1], axis=-1)
        costs = np.diff(paths.one_off_cost[:, j, : k + 1], axis=-1)
        seen_b = _observed(code, upto, actuals, (Category.CASHABLE_SAVING, Category.TRADING_INCOME))
        seen_c = _observed(code, upto, actuals, (Category.ONE_OFF_COST,))
        sigma_b = max(noise.share * full_rate, 1.0)
        sigma_c = max(noise.share * plan_cost, 1.0)
        ll -= np.sum((benefits - seen_b) ** 2, axis=-1) / (2 * sigma_b**2)
        ll -= np.sum((costs - seen_c) ** 2, axis=-1) / (2 * sigma_c**2)
    zero = tracker.settings.month_zero
    reached = reached_milestones(code, actuals)
    reports = any(day is not None for day in reached.values())
    now = months_between(zero, as_at)
    sigma_m = max(noise.milestone_months, 1e-3)
    for kind in MilestoneKind:
        drawn = getattr(paths, kind.value)[:, j]
        day = reached.get(kind)
        if day is not None:
            ll -= (months_between(zero, day) - drawn) ** 2 / (2 * sigma_m**2)
        elif kind not in reached and reports:
            ll += special.log_ndtr((drawn - now) / sigma_m)
    return ll


def _npv_and_payback(
    paths: Paths, j: int, upto: tuple[Period, ...], weights: FloatArray, actual_net: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Each draw's NPV and final cumulative net with the actual net in the reported periods."""
    flows = np.diff(paths.net[:, j, :], axis=-1)
    flows[:, : len(upto)] = actual_net
    return flows @ weights, flows.sum(axis=-1)


def forecast(
    tracker: Tracker, as_at: dt.date, noise: Noise, paths: Paths | None = None
) -> tuple[Forecast, ...]:
    """Every project's forecast at ``as_at`` (``paths``: the plan's draws, if already made)."""
    s = tracker.settings
    periods = s.periods()
    inputs = project_inputs(tracker)
    if paths is None:
        paths = simulate_paths(
            inputs.base,
            inputs.ranges,
            inputs.fte,
            boundaries(periods),
            s.draws,
            s.seed,
            "pert" if s.distribution == "pert" else "triangular",
        )
    weights = period_factors(periods, inputs.discount_factors)
    plan_npv = np.diff(paths.net, axis=-1) @ weights
    # every figure loaded so far (the latest for each period): a quarter's extract is loaded
    # after the quarter ends, and the periods read are those ended by ``as_at``
    actuals = tracker.current_actuals()
    out = []
    for j, project in enumerate(tracker.projects):
        upto = reported_periods(tracker, project.code, as_at, actuals)
        ll = log_likelihood(paths, j, project.code, tracker, upto, actuals, noise, as_at)
        w = np.exp(ll - np.max(ll))
        w /= np.sum(w)
        net = _observed(
            project.code, upto, actuals, (Category.CASHABLE_SAVING, Category.TRADING_INCOME)
        ) - _observed(project.code, upto, actuals, (Category.ONE_OFF_COST,))
        npv, final = _npv_and_payback(paths, j, upto, weights, net)
        even = np.full_like(w, 1.0 / w.size)
        p10, p50, p90 = weighted_percentiles(npv, w, (10, 50, 90))
        q10, q50, q90 = weighted_percentiles(plan_npv[:, j], even, (10, 50, 90))
        out.append(
            Forecast(
                code=project.code,
                periods_used=len(upto),
                npv_p10=float(p10),
                npv_p50=float(p50),
                npv_p90=float(p90),
                prob_payback=float(np.sum(w * (final >= 0))),
                plan_npv_p10=float(q10),
                plan_npv_p50=float(q50),
                plan_npv_p90=float(q90),
                plan_prob_payback=float(np.mean(paths.net[:, j, -1] >= 0)),
                share=float(np.sum(w * paths.share[:, j])),
                plan_share=float(np.asarray(inputs.central.share)[j]),
                delay_months=float(np.sum(w * paths.delay_months[:, j])),
                plan_delay_months=float(np.mean(paths.delay_months[:, j])),
                effective_draws=float(1.0 / np.sum(w**2)),
                npv_to_date=float(net @ weights[: len(upto)]),
                npv_mean=float(np.sum(w * npv)),
                plan_npv_mean=float(np.mean(plan_npv[:, j])),
            )
        )
    return tuple(out)
