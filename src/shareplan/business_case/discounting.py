"""Green Book discounting: a declining discount schedule, discount factors, NPV, annuity factors.

Pure functions over numpy arrays. Conventions (HM Treasury Green Book 2022, A6):

* year 0 is the first year of the proposal and is not discounted (``DF_0 = 1``);
* the rate of the band that contains year ``t`` discounts from year ``t - 1`` to year ``t``, and the
  factor compounds band by band: ``DF_t = DF_{t-1} / (1 + r_t)``, so ``DF_31 = DF_30 / 1.03`` under
  the standard schedule (3.5% for years 0-30, 3.0% for 31-75), never ``1 / 1.03**31``;
* flows are yearly and in real prices; the NPV is ``sum_t net_t * DF_t``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from shareplan.evidence.rates import RateError, parse_bands

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Band:
    """Years ``first`` to ``last`` (inclusive; ``None``: no end) discounted at ``rate`` a year."""

    first: int
    last: int | None
    rate: float


class ScheduleError(ValueError):
    """A discount schedule is malformed or does not cover the years asked for."""


def bands_from_value(value: Sequence[Mapping[str, Any]]) -> tuple[Band, ...]:
    """Bands from the evidence base's form: a list of ``{first, last?, rate}`` tables."""
    bands = []
    for item in value:
        last = item.get("last")
        bands.append(
            Band(int(item["first"]), None if last is None else int(last), float(item["rate"]))
        )
    return tuple(bands)


def parse_schedule(text: str) -> tuple[Band, ...]:
    """Bands from a scenario override such as ``"0-30:3.5%; 31-75:3%; 76-:2.5%"``.

    Each band is ``first-last:rate``; the rate is a percentage (``3.5%``) or a share (``0.035``),
    never a bare ``3.5`` (see :mod:`shareplan.evidence.rates`); ``first-`` leaves the band
    open-ended.
    """
    try:
        return tuple(Band(first, last, rate) for first, last, rate in parse_bands(text))
    except RateError as exc:
        raise ScheduleError(str(exc)) from None


def rates_by_year(bands: Sequence[Band], n_years: int) -> FloatArray:
    """The rate that applies in each year ``0 .. n_years - 1``.

    Raises :class:`ScheduleError` when the bands leave a gap, overlap, do not start at year 0, carry
    a rate of -100% or below, or stop before the last year needed.
    """
    if n_years < 1:
        raise ScheduleError(f"the horizon must be at least 1 year, not {n_years}")
    ordered = sorted(bands, key=lambda b: b.first)
    if not ordered or ordered[0].first != 0:
        raise ScheduleError("the discount schedule must start at year 0")
    expected = 0
    for band in ordered:
        if band.first != expected:
            raise ScheduleError(
                f"the discount schedule has a gap or an overlap at year {expected} "
                f"(a band starts at year {band.first})"
            )
        if band.rate <= -1 or not np.isfinite(band.rate):
            raise ScheduleError(f"discount rate {band.rate} is not a rate above -100%")
        if band.last is None:
            expected = -1
            break
        if band.last < band.first:
            raise ScheduleError(f"band {band.first}-{band.last} ends before it starts")
        expected = band.last + 1
    covered_to = None if expected == -1 else expected - 1
    if covered_to is not None and covered_to < n_years - 1:
        raise ScheduleError(
            f"the discount schedule covers years 0-{covered_to} only, but the appraisal needs "
            f"years 0-{n_years - 1}"
        )
    rates = np.empty(n_years, dtype=np.float64)
    for band in ordered:
        stop = n_years if band.last is None else min(band.last + 1, n_years)
        if band.first < n_years:
            rates[band.first : stop] = band.rate
    return rates


def discount_factors(rates: FloatArray) -> FloatArray:
    """``DF_0 = 1`` and ``DF_t = DF_{t-1} / (1 + rates[t])``; ``rates[0]`` is not used."""
    steps = 1.0 / (1.0 + np.asarray(rates, dtype=np.float64))
    steps[0] = 1.0
    result: FloatArray = np.cumprod(steps, dtype=np.float64)
    return result


def schedule_factors(bands: Sequence[Band], n_years: int) -> FloatArray:
    """Discount factors for years ``0 .. n_years - 1`` under a banded schedule."""
    return discount_factors(rates_by_year(bands, n_years))


def npv(flows: npt.ArrayLike, factors: FloatArray) -> FloatArray:
    """Net present value over the last axis: ``flows @ factors`` (works for any leading shape)."""
    return np.asarray(flows, dtype=np.float64) @ factors


def present_values(flows: npt.ArrayLike, factors: FloatArray) -> FloatArray:
    """Each year's present value: ``flows * factors``."""
    return np.asarray(flows, dtype=np.float64) * factors


def annuity_factor(factors: FloatArray, first: int = 1, last: int | None = None) -> float:
    """The sum of the discount factors of years ``first .. last``: the PV of 1 a year."""
    stop = len(factors) if last is None else last + 1
    return float(np.sum(factors[first:stop]))
