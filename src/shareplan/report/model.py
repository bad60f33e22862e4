"""The Cabinet report as a format-neutral document: sections of paragraphs, tables and figures.

The sections (:mod:`shareplan.report.sections`, :mod:`shareplan.report.appendices`) build this
model from :class:`~shareplan.results.Results`; the writers (:mod:`shareplan.report.writers`: Word,
HTML, PDF, and the console for ``shareplan explain``) only lay it out. A figure carries a chart
specification (plain data, drawn by :mod:`shareplan.report.writers.charts`), a text alternative and
the data table that stands beside it.

Every money figure is a :class:`Money` run that remembers where in results.json it came from, so
each number in the report can be traced back (and a test does exactly that).
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from shareplan.report import formatting as fmt
from shareplan.results import Results

Source = Results | Mapping[str, Any]
"""Results to trace a figure in: the typed model, or the file's JSON as another tool reads it."""

Path = tuple[str | int, ...]
"""Where a figure sits in results.json: keys and list positions from the top."""


@dataclass(frozen=True, slots=True)
class Money:
    """An amount of money in a sentence or table, and where it came from in results.json.

    ``source`` is the path of the figure; a figure the report adds up (a programme total by year)
    has no single source and lists its ``terms`` instead: ``value`` is the sum of each
    coefficient times the figure at its path (see :func:`trace`).
    """

    value: float
    source: Path
    full: bool = False
    terms: tuple[tuple[float, Path], ...] = ()

    @property
    def text(self) -> str:
        return fmt.money_full(self.value) if self.full else fmt.money(self.value)

    @property
    def where(self) -> str:
        """Where the figure comes from, written out: ``programme.totals.npv``, or a sum such as
        ``opportunities.3.business_case.adjusted.years.0.net + opportunities.5...``."""
        if not self.terms:
            return ".".join(str(k) for k in self.source)
        parts = []
        for coefficient, path in self.terms:
            sign = "- " if coefficient < 0 else "+ "
            scale = "" if abs(coefficient) == 1 else f"{abs(coefficient):g} x "
            parts.append(sign + scale + ".".join(str(k) for k in path))
        text = " ".join(parts)
        return text[2:] if text.startswith("+ ") else text


def total(terms: Sequence[tuple[float, Path]], results: Source, full: bool = False) -> Money:
    """A :class:`Money` that is the sum of ``coefficient x figure`` over ``terms``."""
    value = math.fsum(k * float(resolve(results, p)) for k, p in terms)
    return Money(value, (), full, tuple(terms))


Run = str | Money


def run_text(run: Run) -> str:
    return run if isinstance(run, str) else run.text


ParagraphKind = Literal["body", "bullet", "notice", "lead"]


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph of runs. ``notice`` is a plain statement that something is missing or wrong."""

    runs: tuple[Run, ...]
    kind: ParagraphKind = "body"

    @property
    def text(self) -> str:
        return "".join(run_text(r) for r in self.runs)


@dataclass(frozen=True, slots=True)
class Table:
    """A data table with one header row. ``numeric`` marks right-aligned columns."""

    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[Run, ...], ...]
    numeric: tuple[bool, ...] = ()
    note: str = ""

    def is_numeric(self, column: int) -> bool:
        return column < len(self.numeric) and self.numeric[column]


# Chart specifications: the data a chart draws, nothing about how.


@dataclass(frozen=True, slots=True)
class SavingsBands:
    """Programme savings by year: the P50 line inside the P10-P90 band, and the headline
    estimate's line when there is one (the Cabinet report's; a tracking report has none)."""

    years: tuple[str, ...]
    p10: tuple[float, ...]
    p50: tuple[float, ...]
    p90: tuple[float, ...]
    headline: tuple[float, ...] = ()


@dataclass(frozen=True, slots=True)
class FrontierPoint:
    savings_12m: float
    npv: float
    n_projects: int
    chosen: bool


@dataclass(frozen=True, slots=True)
class SpeedFrontier:
    """Non-dominated programmes between savings in 12 months (x) and NPV (y); ``maximises`` is
    what the proposed programme was chosen for, in a few words for the legend; ``npv_label``
    names the y axis (the general fund's share when the frontier is on it)."""

    points: tuple[FrontierPoint, ...]
    maximises: str = ""
    npv_label: str = "Net present value"


@dataclass(frozen=True, slots=True)
class Phase:
    name: str
    start_month: float
    end_month: float


@dataclass(frozen=True, slots=True)
class Gantt:
    """Each project's phases in months from the programme start."""

    rows: tuple[tuple[str, tuple[Phase, ...]], ...]
    start_label: str = "programme start"


@dataclass(frozen=True, slots=True)
class ScoreBreakdown:
    """Weighted score points per criteria group (stacked bars), one bar per opportunity."""

    labels: tuple[str, ...]
    groups: tuple[str, ...]
    values: tuple[tuple[float, ...], ...]  # values[i][g]: opportunity i, group g


@dataclass(frozen=True, slots=True)
class Tornado:
    """NPV at each input's low and high value around the central NPV."""

    base: float
    inputs: tuple[str, ...]
    low: tuple[float, ...]
    high: tuple[float, ...]


Chart = SavingsBands | SpeedFrontier | Gantt | ScoreBreakdown | Tornado


@dataclass(frozen=True, slots=True)
class Figure:
    """A chart with its title, a text alternative and the same data as a table."""

    key: str
    title: str
    alt: str
    chart: Chart
    table: Table


Block = Paragraph | Table | Figure


@dataclass(frozen=True, slots=True)
class Section:
    """A numbered section (``number`` "5") or an appendix or sub-section (``number`` "")."""

    title: str
    blocks: tuple[Block, ...] = ()
    children: tuple[Section, ...] = ()
    number: str = ""
    key: str = ""
    new_page: bool = False
    """Start on a new page in print (an appendix's one-page entries)."""

    @property
    def heading(self) -> str:
        return f"{self.number}. {self.title}" if self.number else self.title

    def walk(self, level: int = 1) -> list[tuple[int, Section]]:
        out = [(level, self)]
        for child in self.children:
            out.extend(child.walk(level + 1))
        return out


@dataclass(frozen=True, slots=True)
class Report:
    """The whole report: what its heading block says, its sections and its appendices."""

    title: str
    authority: str
    heading: tuple[tuple[str, str, str], ...]  # (number, label, value)
    sections: tuple[Section, ...]
    appendices: tuple[Section, ...]
    lang: str = "en-GB"
    generator: str = ""
    meeting: str = ""
    """The meeting and its date for the running header: "Cabinet, 15th December 2010"."""
    created: str = ""
    """When the appraisal was run (ISO date), for the footer."""

    def footer(self) -> str:
        """The footer beside the page number: the meeting, as on a council's printed report. When
        and by what the figures were worked out is in the method appendix, not on every page (a
        run date after the meeting would read as the report's date)."""
        return self.meeting or self.title

    def all_sections(self) -> list[tuple[int, Section]]:
        out: list[tuple[int, Section]] = []
        for s in (*self.sections, *self.appendices):
            out.extend(s.walk())
        return out

    def section(self, key: str) -> Section:
        for _, s in self.all_sections():
            if s.key == key:
                return s
        raise KeyError(key)

    def figures(self) -> list[Figure]:
        return [b for _, s in self.all_sections() for b in s.blocks if isinstance(b, Figure)]


def file_key(ident: str, limit: int = 60) -> str:
    """``ident`` made safe as part of a file name on every system: lower-case letters, digits and
    hyphens only. When that changes it (opportunity ids hold ':' and '+'), a short hash of the
    original keeps two ids that differ only in punctuation apart."""
    slug = re.sub(r"[^a-z0-9]+", "-", ident.lower()).strip("-")[:limit].strip("-") or "item"
    if slug == ident:
        return slug
    return f"{slug}-{hashlib.sha1(ident.encode('utf-8')).hexdigest()[:6]}"


def resolve(results: Source, source: Path) -> Any:
    """The value at ``source`` in ``results`` (the inverse of a :class:`Money`'s ``source``):
    field names and list positions, the same in the typed results as in the file."""
    value: Any = results
    for key in source:
        if isinstance(key, int) or isinstance(value, Mapping):
            value = value[key]
        else:
            value = getattr(value, key)
    return value


def trace(results: Source, money: Money) -> float:
    """The figure ``money`` stands for, read again from ``results``: the value at its source, or
    the sum of its terms. A test compares this, formatted, with what each report file shows."""
    if money.terms:
        return math.fsum(k * float(resolve(results, p)) for k, p in money.terms)
    return float(resolve(results, money.source))


def money_runs(block: Block | Section) -> list[Money]:
    """Every :class:`Money` in a block or, recursively, a section."""
    out: list[Money] = []
    if isinstance(block, Section):
        for b in block.blocks:
            out.extend(money_runs(b))
        for child in block.children:
            out.extend(money_runs(child))
    elif isinstance(block, Paragraph):
        out.extend(r for r in block.runs if isinstance(r, Money))
    elif isinstance(block, Table):
        out.extend(c for row in block.rows for c in row if isinstance(c, Money))
    else:
        out.extend(money_runs(block.table))
    return out


NOT_AVAILABLE = "not available"


def p(*runs: Run, kind: ParagraphKind = "body") -> Paragraph:
    """A paragraph of text and money runs."""
    return Paragraph(tuple(runs), kind)


def notice(what: str) -> Paragraph:
    """A plain statement that something the report would show is not there."""
    return p(f"{what}: {NOT_AVAILABLE} in this results file.", kind="notice")
