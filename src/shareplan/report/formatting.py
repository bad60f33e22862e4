"""Numbers the council way: £1.2m, £330k, £950; 2011/12 financial years; 34%.

Every figure the report shows goes through these functions, so a test can format a number from
results.json the same way and find it in the report. Display only: nothing here rounds a figure
that is used again.
"""

from __future__ import annotations

import math
import re

from shareplan.money import money as pounds

MINUS = "-"
"""Negative amounts are written with a plain hyphen-minus, so they copy into spreadsheets."""

MONEY_PATTERN = re.compile(r"-?£\d[\d,]*(?:\.\d+)?[mk]?")
"""A money figure as :func:`money` or :func:`money_full` write it."""


def money(amount: float) -> str:
    """Pounds for a sentence or a summary table, to two or three significant figures (£1.2m,
    £330k, £950): the one rounding every stage uses, :func:`shareplan.money.money`."""
    return pounds(amount)


def money_full(amount: float) -> str:
    """Pounds to the pound with thousands separators (£1,234,567), for cash-flow tables."""
    if not math.isfinite(amount):
        return "n/a"
    sign = MINUS if round(amount) < 0 else ""
    return f"{sign}£{abs(amount):,.0f}"


def money_thousands(amount: float) -> str:
    """Thousands of pounds without the unit (1,235), for tables whose heading says £000."""
    if not math.isfinite(amount):
        return "n/a"
    value = round(amount / 1e3)
    return f"{MINUS if value < 0 else ''}{abs(value):,}"


def financial_year(year: int, financial_years: bool = True) -> str:
    """A year label: the financial year starting in April of ``year`` (2011/12), or just 2011.

    A council's financial year runs 1 April to 31 March, so the year beginning in April 2011 is
    2011/12; the year beginning in April 1999 is 1999/00.
    """
    if not financial_years:
        return str(year)
    return f"{year}/{(year + 1) % 100:02d}"


def percent(share: float, places: int = 0) -> str:
    """A share (0.34) as a percentage (34%)."""
    if not math.isfinite(share):
        return "n/a"
    return f"{share * 100:.{places}f}%"


def number(value: float, places: int = 0) -> str:
    """A plain number with thousands separators (1,234; 3.5)."""
    if not math.isfinite(value):
        return "n/a"
    return f"{value:,.{places}f}"


def months(count: float) -> str:
    """A duration in months (1 month, 18 months)."""
    n = round(count)
    return f"{n} month" if n == 1 else f"{n} months"


def count(n: int, singular: str, plural: str | None = None) -> str:
    """ "1 project", "6 projects"."""
    word = singular if n == 1 else (plural or singular + "s")
    return f"{n} {word}"


def listing(items: list[str], conjunction: str = "and") -> str:
    """Items in a sentence: "a", "a and b", "a, b and c" (British style, no Oxford comma).

    When an item has a comma of its own ("HR, payroll and finance") the items are parted by
    semicolons, "a, b; c; and d", so that a reader can tell where each one ends."""
    items = [i for i in items if i]
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    if any("," in i for i in items):
        return f"{'; '.join(items[:-1])}; {conjunction} {items[-1]}"
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def aside(wording: str) -> str:
    """A label with its explanation after a colon, made to sit after another colon in a
    sentence: "No procurement: a change within the authority" -> "No procurement (a change
    within the authority)"."""
    head, sep, rest = wording.partition(": ")
    if not (sep and rest):
        return wording
    return f"{head}, {rest}" if head.endswith(")") else f"{head} ({rest})"


def long_date(iso: str) -> str:
    """An ISO date as councils write it in a report heading: 2010-12-01 -> 1st December 2010."""
    import datetime as dt

    try:
        day = dt.date.fromisoformat(iso)
    except ValueError:
        return iso
    suffix = "th" if 11 <= day.day <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day.day % 10, "th")
    return f"{day.day}{suffix} {day:%B %Y}"


def find_money(text: str) -> list[str]:
    """Every money figure in ``text`` as written by :func:`money` or :func:`money_full`."""
    return MONEY_PATTERN.findall(text)


CHANCES = (
    (0.99, "almost certain"),
    (0.8, "very likely"),
    (0.6, "likely"),
    (0.4, "as likely as not"),
    (0.2, "unlikely"),
    (0.0, "very unlikely"),
)
"""Words for a probability, as a risk register uses them; the lower bound of each band."""


def chance(probability: float) -> str:
    """A probability in words with its odds: "very likely (9 in 10)"."""
    if not math.isfinite(probability):
        return "not known"
    word = next(w for floor, w in CHANCES if probability >= floor)
    return f"{word} ({odds(probability)})"


def odds(probability: float) -> str:
    """A probability as a member reads it: 0.33 -> "3 in 10". Near either end tenths would round
    0.95 up to a certainty, so there it is in hundreds: 0.9513 -> "95 in 100", 0.999 -> "over 99
    in 100" (a finite number of trials never proves a certainty), 0.002 -> "under 1 in 100"."""
    if probability >= 0.995:
        return "over 99 in 100"
    if probability < 0.005:
        return "under 1 in 100"
    if probability >= 0.9 or probability <= 0.1:
        return f"{round(probability * 100)} in 100"
    return f"{round(probability * 10)} in 10"


def month_year(iso: str) -> str:
    """An ISO date as a month a report names: 2011-03-15 -> March 2011."""
    import datetime as dt

    return f"{dt.date.fromisoformat(iso):%B %Y}"


def add_months(iso: str, count: int) -> str:
    """The ISO date ``count`` whole months after ``iso`` (the day kept, or the month's last)."""
    import calendar
    import datetime as dt

    day = dt.date.fromisoformat(iso)
    month = day.month - 1 + count
    year, month = day.year + month // 12, month % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last)).isoformat()
