"""The Revenue Outturn dataset: net current expenditure by service line, authority and year.

Pure domain code: no files are read here (see :mod:`shareplan.benchmarking.readers` and
:mod:`shareplan.benchmarking.store`). Figures are £ thousand, as published. A figure that does not
exist is ``NaN`` in the array and is always *reported* with its reason (no return submitted, the
line did not exist that year, the authority did not exist that year), never treated as zero.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from shareplan.errors import InputError, Problem

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class ServiceLine:
    """One service line of the RS form (the summary of the RO1-RO6 returns)."""

    id: str
    label: str
    headers: tuple[str, ...]
    upper_tier: bool
    """True when, in two-tier areas, the county (not the district) provides it."""
    note: str = ""


SERVICE_LINES: tuple[ServiceLine, ...] = (
    ServiceLine("education", "Education services", ("education services",), True),
    ServiceLine(
        "highways_transport",
        "Highways and transport services",
        ("highways and transport services",),
        True,
    ),
    ServiceLine(
        "social_care_combined",
        "Social care (children and adults, 2010-11 only)",
        ("social care",),
        True,
        "reported as one line in 2010-11; split into children's and adults' from 2011-12",
    ),
    ServiceLine(
        "children_social_care",
        "Children's social care",
        ("children social care", "children's social care"),
        True,
        "from 2011-12",
    ),
    ServiceLine(
        "adult_social_care",
        "Adult social care",
        ("adult social care",),
        True,
        "from 2011-12",
    ),
    ServiceLine("public_health", "Public health", ("public health",), True, "from 2013-14"),
    ServiceLine(
        "housing_gfra",
        "Housing services (GFRA only)",
        ("housing services (gfra only)",),
        False,
    ),
    ServiceLine(
        "cultural", "Cultural and related services", ("cultural and related services",), False
    ),
    ServiceLine(
        "environmental_regulatory",
        "Environmental and regulatory services",
        ("environmental and regulatory services",),
        False,
    ),
    ServiceLine(
        "planning_development",
        "Planning and development services",
        ("planning and development services",),
        False,
    ),
    ServiceLine("police", "Police services", ("police services",), True),
    ServiceLine("fire_rescue", "Fire and rescue services", ("fire and rescue services",), True),
    ServiceLine("central", "Central services", ("central services",), False),
    ServiceLine("other", "Other services", ("other services",), False),
    ServiceLine(
        "total_service_expenditure",
        "Total service expenditure",
        ("total service expenditure",),
        False,
        "the workbook's own total of the lines above",
    ),
)
LINE_IDS: tuple[str, ...] = tuple(line.id for line in SERVICE_LINES)
LINES_BY_ID: dict[str, ServiceLine] = {line.id: line for line in SERVICE_LINES}
TOTAL_LINE = "total_service_expenditure"
SERVICE_LINE_IDS: tuple[str, ...] = tuple(i for i in LINE_IDS if i != TOTAL_LINE)
PRINCIPAL_CLASSES = ("L", "MD", "UA", "SD", "SC")
CLASS_NAMES = {
    "L": "London borough",
    "MD": "metropolitan district",
    "UA": "unitary authority",
    "SD": "shire district",
    "SC": "shire county",
}
_YEAR = re.compile(r"^(20\d\d)-(\d\d)$")


def check_year_text(text: str) -> str | None:
    """Return a message if ``text`` is not a financial year like ``2014-15``."""
    match = _YEAR.match(text)
    if not match:
        return f"{text!r} is not a financial year like '2014-15'"
    start, end = int(match.group(1)), int(match.group(2))
    if (start + 1) % 100 != end:
        return f"{text!r} is not a financial year: the second part must follow the first"
    return None


def year_start(year: str) -> int:
    return int(year[:4])


@dataclass(frozen=True, slots=True)
class OutturnRecord:
    """One authority's figures for one year, as read from a workbook or CSV."""

    year: str
    code: str
    ecode: str
    name: str
    klass: str
    values: Mapping[str, float | None]
    """Line id to £ thousand; ``None`` = blank in the source (not submitted)."""


@dataclass(frozen=True, slots=True)
class Figure:
    """One looked-up figure, or the reason why there is none."""

    code: str
    line: str
    year: str
    gbp_thousand: float | None
    missing_reason: str | None = None

    @property
    def available(self) -> bool:
        return self.gbp_thousand is not None


@dataclass(frozen=True)
class Outturn:
    """Every figure: ``values[year, authority, line]`` in £ thousand, ``NaN`` where none."""

    years: tuple[str, ...]
    codes: tuple[str, ...]
    values: FloatArray
    present: BoolArray
    """``present[year, authority]``: the authority had a row in that year's data."""
    names: Mapping[str, str]
    classes: Mapping[str, str]
    ecodes: Mapping[str, str]
    sources: Mapping[str, str] = field(default_factory=dict)
    lines: tuple[str, ...] = LINE_IDS

    def __post_init__(self) -> None:
        shape = (len(self.years), len(self.codes), len(self.lines))
        if self.values.shape != shape:
            raise ValueError(f"values has shape {self.values.shape}, expected {shape}")
        if self.present.shape != shape[:2]:
            raise ValueError("present must be years x authorities")
        object.__setattr__(self, "_year_ix", {y: i for i, y in enumerate(self.years)})
        object.__setattr__(self, "_code_ix", {c: i for i, c in enumerate(self.codes)})
        object.__setattr__(self, "_line_ix", {line: i for i, line in enumerate(self.lines)})

    # ---- index look-ups that raise InputError naming what is available -----------------------

    def year_index(self, year: str) -> int:
        ix: dict[str, int] = getattr(self, "_year_ix")  # noqa: B009
        if year not in ix:
            raise InputError(
                [
                    Problem(
                        f"no Revenue Outturn data for year {year!r}",
                        column="year",
                        allowed=", ".join(self.years),
                    )
                ]
            )
        return ix[year]

    def line_index(self, line: str) -> int:
        ix: dict[str, int] = getattr(self, "_line_ix")  # noqa: B009
        if line not in ix:
            raise InputError(
                [
                    Problem(
                        f"unknown service line {line!r}",
                        column="service",
                        allowed=", ".join(self.lines),
                    )
                ]
            )
        return ix[line]

    def code_index(self, code: str) -> int | None:
        ix: dict[str, int] = getattr(self, "_code_ix")  # noqa: B009
        return ix.get(code)

    # ---- questions about the data --------------------------------------------------------------

    def line_exists(self, year: str, line: str) -> bool:
        """Whether the line was reported at all that year (any authority has a figure)."""
        column = self.values[self.year_index(year), :, self.line_index(line)]
        return bool(np.isfinite(column).any())

    def years_with_line(self, line: str) -> tuple[str, ...]:
        li = self.line_index(line)
        return tuple(
            y for yi, y in enumerate(self.years) if np.isfinite(self.values[yi, :, li]).any()
        )

    def submitted(self, year: str, code: str) -> bool:
        """The authority had a row that year and at least one figure in it."""
        ai = self.code_index(code)
        if ai is None:
            return False
        yi = self.year_index(year)
        return bool(self.present[yi, ai] and np.isfinite(self.values[yi, ai, :]).any())

    def figure(self, code: str, line: str, year: str) -> Figure:
        """The figure, or the reason it is missing (never a silent zero)."""
        yi, li = self.year_index(year), self.line_index(line)
        ai = self.code_index(code)
        if ai is None or not self.present[yi, ai]:
            return Figure(code, line, year, None, f"no {year} Revenue Outturn row for {code}")
        value = float(self.values[yi, ai, li])
        if np.isfinite(value):
            return Figure(code, line, year, value)
        if not np.isfinite(self.values[yi, ai, :]).any():
            return Figure(code, line, year, None, f"no {year} return was submitted")
        if not self.line_exists(year, line):
            note = LINES_BY_ID[line].note
            extra = f" ({note})" if note else ""
            return Figure(
                code, line, year, None, f"{line} was not a Revenue Outturn line in {year}{extra}"
            )
        return Figure(code, line, year, None, f"blank in the {year} return")

    def year_matrix(self, year: str) -> FloatArray:
        """``[authority, line]`` for one year (a view)."""
        view: FloatArray = self.values[self.year_index(year)]
        return view


def build_outturn(
    records: Iterable[OutturnRecord], sources: Mapping[str, str] | None = None
) -> Outturn:
    """Assemble records into the dense array form. Later records replace earlier ones."""
    by_key: dict[tuple[str, str], OutturnRecord] = {}
    for record in records:
        by_key[(record.year, record.code)] = record
    years = tuple(sorted({y for y, _ in by_key}))
    codes = tuple(sorted({c for _, c in by_key}))
    yi = {y: i for i, y in enumerate(years)}
    ci = {c: i for i, c in enumerate(codes)}
    li = {line: i for i, line in enumerate(LINE_IDS)}
    values = np.full((len(years), len(codes), len(LINE_IDS)), np.nan)
    present = np.zeros((len(years), len(codes)), dtype=bool)
    names: dict[str, str] = {}
    classes: dict[str, str] = {}
    ecodes: dict[str, str] = {}
    for (year, code), record in sorted(by_key.items()):
        present[yi[year], ci[code]] = True
        for line, value in record.values.items():
            if value is not None and line in li:
                values[yi[year], ci[code], li[line]] = value
        names[code] = record.name
        classes[code] = record.klass
        if record.ecode:
            ecodes[code] = record.ecode
    return Outturn(
        years=years,
        codes=codes,
        values=values,
        present=present,
        names=names,
        classes=classes,
        ecodes=ecodes,
        sources=dict(sources or {}),
    )


def records_of(outturn: Outturn, years: Sequence[str] | None = None) -> list[OutturnRecord]:
    """The inverse of :func:`build_outturn` (for writing a year back out)."""
    out: list[OutturnRecord] = []
    for yi, year in enumerate(outturn.years):
        if years is not None and year not in years:
            continue
        for ai, code in enumerate(outturn.codes):
            if not outturn.present[yi, ai]:
                continue
            row = outturn.values[yi, ai]
            values = {
                line: (float(row[k]) if np.isfinite(row[k]) else None)
                for k, line in enumerate(outturn.lines)
            }
            out.append(
                OutturnRecord(
                    year,
                    code,
                    outturn.ecodes.get(code, ""),
                    outturn.names.get(code, code),
                    outturn.classes.get(code, ""),
                    values,
                )
            )
    return out


def reconcile_totals(record: OutturnRecord, tolerance: float = 1.0) -> float | None:
    """Sum of the service lines minus the record's own total, or ``None`` if either is missing.

    Returns the difference so a caller can check it against a rounding ``tolerance`` (£ thousand);
    the published figures are rounded to the nearest £ thousand line by line.
    """
    total = record.values.get(TOTAL_LINE)
    parts = [record.values.get(line) for line in SERVICE_LINE_IDS]
    known = [p for p in parts if p is not None]
    if total is None or not known:
        return None
    return float(sum(known)) - float(total)
