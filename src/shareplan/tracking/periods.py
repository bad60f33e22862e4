"""Reporting periods: months or quarters of financial (April to March) or calendar years, and the
link between a date and the business case's months from approval.

Month 0 of the business case is the start of its year 0: 1 April of ``first_year`` for financial
years, 1 January otherwise. Periods therefore nest inside the business case's years, so a
period's flows take that year's discount factor and the register adds up to the Cabinet report's
yearly figures.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class Frequency(StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"

    @property
    def months(self) -> int:
        return 1 if self is Frequency.MONTHLY else 3


@dataclass(frozen=True, slots=True)
class Period:
    """One reporting period: ``start`` is its first day, ``end`` its last."""

    label: str
    start: dt.date
    end: dt.date
    start_month: int  # months from the business case's month 0 (negative before it)
    months: int

    @property
    def end_month(self) -> int:
        return self.start_month + self.months

    @property
    def year_index(self) -> int:
        """The business case year the period falls in (year 0 first; negative before month 0)."""
        return self.start_month // 12


def month_zero(first_year: int, financial_years: bool) -> dt.date:
    return dt.date(first_year, 4 if financial_years else 1, 1)


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + (day.month - 1) + months
    return dt.date(index // 12, index % 12 + 1, 1)


def months_between(start: dt.date, day: dt.date) -> float:
    """Months from ``start`` (a first of the month) to ``day``, counting part months by days."""
    whole = (day.year - start.year) * 12 + (day.month - start.month)
    month_start = dt.date(day.year, day.month, 1)
    length = (add_months(month_start, 1) - month_start).days
    return whole + (day.day - 1) / length


def date_at(start: dt.date, months: float) -> dt.date:
    """The day ``months`` (fractional) after ``start`` (a first of the month)."""
    whole = int(months // 1)
    first = add_months(start, whole)
    length = (add_months(first, 1) - first).days
    return first + dt.timedelta(days=int((months - whole) * length))


def label_of(start: dt.date, frequency: Frequency, financial_years: bool) -> str:
    if frequency is Frequency.MONTHLY:
        return f"{start.year}-{start.month:02d}"
    if financial_years:
        year = start.year if start.month >= 4 else start.year - 1
        quarter = ((start.month - 4) % 12) // 3 + 1
        return f"{year}/{(year + 1) % 100:02d} Q{quarter}"
    return f"{start.year} Q{(start.month - 1) // 3 + 1}"


def period_start_containing(day: dt.date, zero: dt.date, frequency: Frequency) -> dt.date:
    """The first day of the period that contains ``day`` (periods are aligned on month 0)."""
    offset = (day.year - zero.year) * 12 + (day.month - zero.month)
    aligned = (offset // frequency.months) * frequency.months
    return add_months(zero, aligned)


def periods(
    first: dt.date,
    zero: dt.date,
    end_month: int,
    frequency: Frequency,
    financial_years: bool,
) -> tuple[Period, ...]:
    """Every period from the one containing ``first`` up to month ``end_month`` (the horizon)."""
    start = period_start_containing(first, zero, frequency)
    out: list[Period] = []
    offset = (start.year - zero.year) * 12 + (start.month - zero.month)
    while offset < end_month:
        begin = add_months(zero, offset)
        finish = add_months(begin, frequency.months) - dt.timedelta(days=1)
        out.append(
            Period(
                label_of(begin, frequency, financial_years),
                begin,
                finish,
                offset,
                frequency.months,
            )
        )
        offset += frequency.months
    return tuple(out)
