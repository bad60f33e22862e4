"""Reading rates written by people: a discount schedule typed as text, with its unit stated.

A rate is a percentage (``3.5%``) or a share (``0.035``). A bare ``3.5`` is refused rather than
read as 350% a year: nobody means a discount rate of 100% or more, and reading it silently would
shrink every later year's value to almost nothing. Pure: the plausible range comes from the
evidence base (``discount.plausible_range``) and is passed in.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

RawBand = tuple[int, int | None, float]

EXAMPLE = "'0-30:3.5%; 31-75:3%' (or the same rates as shares: '0-30:0.035; 31-75:0.03')"


class RateError(ValueError):
    """A rate or a band that cannot be read as written."""


def parse_rate(text: str) -> float:
    """``3.5%`` -> 0.035; ``0.035`` -> 0.035; a bare number of 1 or more is refused."""
    text = text.strip()
    if text.endswith("%"):
        try:
            return float(text[:-1].strip()) / 100
        except ValueError:
            raise RateError(f"{text!r} is not a percentage") from None
    try:
        rate = float(text)
    except ValueError:
        raise RateError(f"{text!r} is not a rate") from None
    if abs(rate) >= 1:
        raise RateError(
            f"the rate {text} has no unit: write {text}% for a percentage, "
            f"or {rate / 100:g} as a share ({text} as a share would be {rate:.0%} a year)"
        )
    return rate


def parse_bands(text: str) -> tuple[RawBand, ...]:
    """Bands from text such as ``"0-30:3.5%; 31-75:3%; 76-:2.5%"`` (``first-`` is open-ended)."""
    bands: list[RawBand] = []
    for part in text.replace(",", ";").split(";"):
        part = part.strip()
        if not part:
            continue
        years, colon, rate_text = part.partition(":")
        first_text, _, last_text = years.partition("-")
        try:
            if not colon:
                raise ValueError
            first = int(first_text)
            last = int(last_text) if last_text.strip() else None
        except ValueError:
            raise RateError(
                f"cannot read the discount band {part!r}; write bands as 'first-last:rate', "
                f"e.g. {EXAMPLE}"
            ) from None
        bands.append((first, last, parse_rate(rate_text)))
    if not bands:
        raise RateError("the discount schedule is empty")
    return tuple(bands)


def implausible(rate: float, plausible: Mapping[str, Any]) -> str | None:
    """Why ``rate`` is outside the plausible range (``{"low": .., "high": ..}``), or ``None``."""
    low, high = float(plausible["low"]), float(plausible["high"])
    if low <= rate <= high:
        return None
    return (
        f"a discount rate of {rate:.2%} a year is outside the plausible range "
        f"{low:.1%} to {high:.1%} (a unit slip?)"
    )


def describe_bands(bands: tuple[RawBand, ...], horizon: int | None = None) -> str:
    """The rates in words, as a report prints them: "3.5% a year", or "3.5% a year for years 0 to
    30 and 3% a year after" when the appraisal reaches a later band (bands beyond ``horizon``
    years are left out)."""
    used = [b for b in bands if horizon is None or b[0] < horizon]
    if len(used) == 1:
        return f"{_pct(used[0][2])} a year"
    parts = [
        f"{_pct(rate)} a year for years {first} to {last}"
        if last is not None
        else f"{_pct(rate)} a year from year {first}"
        for first, last, rate in used
    ]
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _pct(rate: float) -> str:
    return f"{rate * 100:.4g}%"
