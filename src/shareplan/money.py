"""Pounds in words for any stage: £1.2m, £330k, £950.

The pipeline's stages before the report (the business case's procurement reasons, a programme's
constraints) write sentences with money in them; this is the one way they round it, the same as the
report's :func:`shareplan.report.formatting.money`. Display only: nothing here rounds a figure that
is used again.
"""

from __future__ import annotations

import math


def money(amount: float) -> str:
    """Pounds to two or three significant figures: £1m and above in millions to one decimal place
    (£1.2m; £12.5m), £1,000 and above in thousands (£330k), smaller amounts in pounds (£950). A
    figure that would round up to the next unit is shown in that unit (£999,700 is £1.0m). Not a
    number shows as "n/a".

    >>> money(5_739_542), money(163_858_800), money(999_700), money(-950.4)
    ('£5.7m', '£163.9m', '£1.0m', '-£950')
    """
    if not math.isfinite(amount):
        return "n/a"
    sign = "-" if amount < 0 and round(abs(amount)) > 0 else ""
    a = abs(amount)
    if a >= 999_950 or round(a / 1e3) >= 1000:
        return f"{sign}£{a / 1e6:,.1f}m"
    if a >= 999.5:
        return f"{sign}£{a / 1e3:,.0f}k"
    return f"{sign}£{a:,.0f}"
