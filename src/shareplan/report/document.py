"""The Cabinet report as a format-neutral model, built from a results.json dict.

:func:`build_report` reads only the results document (and the shipped evidence base for the names of
models and criteria), so a saved appraisal can be reported again without recomputing anything. It
returns a :class:`Report`: a heading block and numbered sections in the shape of the seed's own
report, then appendices. Blocks are paragraphs, tables and figures; a figure carries a chart
specification (plain data, drawn by :mod:`shareplan.report.charts`), a text alternative and the data
table that stands beside it. The HTML, PDF and Word writers only lay this model out.

Every money figure is a :class:`Money` run that remembers where in results.json it came from, so
each number in the report can be traced back (and a test does exactly that).

Blocks of results.json written by later stages may be missing from an older file; each section
then says plainly that the information is not available, rather than failing.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal

from shareplan.evidence import EvidenceBase, load_evidence
from shareplan.report import formatting as fmt
from shareplan.scenario.model import place_of

Path = tuple[str | int, ...]
"""Where a figure sits in results.json: keys and list positions from the top."""


# --------------------------------------------------------------------------- the model


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


def total(
    terms: Sequence[tuple[float, Path]], results: Mapping[str, Any], full: bool = False
) -> Money:
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
    """Programme savings by year: the P50 line inside the P10-P90 band."""

    years: tuple[str, ...]
    p10: tuple[float, ...]
    p50: tuple[float, ...]
    p90: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class FrontierPoint:
    savings_12m: float
    npv: float
    n_projects: int
    chosen: bool


@dataclass(frozen=True, slots=True)
class SpeedFrontier:
    """Non-dominated programmes between savings in 12 months (x) and NPV (y)."""

    points: tuple[FrontierPoint, ...]


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


def resolve(results: Mapping[str, Any], source: Path) -> Any:
    """The value at ``source`` in ``results`` (the inverse of a :class:`Money`'s ``source``)."""
    value: Any = results
    for key in source:
        value = value[key]
    return value


def trace(results: Mapping[str, Any], money: Money) -> float:
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


# --------------------------------------------------------------------------- reading results


NOT_AVAILABLE = "not available"


def _p(*runs: Run, kind: ParagraphKind = "body") -> Paragraph:
    return Paragraph(tuple(runs), kind)


def _notice(what: str) -> Paragraph:
    return _p(f"{what}: {NOT_AVAILABLE} in this results file.", kind="notice")


def _num(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


@cache
def _evidence() -> EvidenceBase:
    return load_evidence()


def _worded(scenario: Mapping[str, Any]) -> EvidenceBase:
    """The framework's wording naming this authority's place and residents (results from before
    they were recorded: the place from the authority's name)."""
    place = str(scenario.get("place") or place_of(str(scenario.get("authority") or "the area")))
    residents = str(scenario.get("residents") or f"{place} residents")
    return _evidence().worded_for(place, residents)


@dataclass
class _Context:
    """What every section builder needs: the results and the labels to use."""

    results: Mapping[str, Any]
    scenario: Mapping[str, Any]
    settings: dict[str, Any]
    financial_years: bool
    first_year: int
    opp_index: dict[str, int]
    model_names: dict[str, str]
    group_names: dict[str, str]
    group_principles: dict[str, str]
    criterion_names: dict[str, str]
    names: dict[str, str] = field(default_factory=dict)

    def criterion(self, cid: str) -> str:
        """A criterion's short name for a table column or row: "Track record"."""
        return cid.replace("_", " ").capitalize()

    def setting(self, name: str, default: Any = None) -> Any:
        if self.scenario.get(name) not in (None, ""):
            return self.scenario[name]
        value = self.settings.get(f"authority.{name}")
        return default if value in (None, "") else value

    def opp(self, oid: str) -> Mapping[str, Any] | None:
        i = self.opp_index.get(oid)
        return None if i is None else self.results["opportunities"][i]

    def opp_path(self, oid: str, *rest: str | int) -> Path:
        return ("opportunities", self.opp_index[oid], *rest)

    def title(self, oid: str) -> str:
        o = self.opp(oid)
        return str(o.get("title") or oid) if o else oid

    def short(self, oid: str) -> str:
        """A project's short name for charts and narrow tables: the service part of its title
        ("Customer contact centre" of "Customer contact centre: public-public strategic
        collaboration with NHS Rotherham")."""
        return self.title(oid).split(": ")[0]

    def labels(self, ids: Sequence[str]) -> dict[str, str]:
        """Short names for ``ids``; where two would read the same, the full titles instead."""
        heads = [self.short(i) for i in ids]
        return {
            i: h if heads.count(h) == 1 else self.title(i) for i, h in zip(ids, heads, strict=True)
        }

    def year(self, row: Mapping[str, Any], position: int) -> str:
        calendar = row.get("calendar_year")
        if not isinstance(calendar, int):
            offset = row.get("year", position)
            calendar = self.first_year + (offset if isinstance(offset, int) else position)
        return fmt.financial_year(calendar, self.financial_years)

    def name(self, ident: str) -> str:
        return self.names.get(ident, ident.replace("_", " "))

    def model(self, model_id: str) -> str:
        return self.model_names.get(model_id, model_id.replace("_", " "))

    @property
    def programme(self) -> Mapping[str, Any] | None:
        p = self.results.get("programme")
        return p if isinstance(p, Mapping) else None

    @property
    def selected(self) -> list[str]:
        p = self.programme
        if not p:
            return []
        return [i for i in p.get("selected_ids") or [] if i in self.opp_index]


def _context(results: Mapping[str, Any]) -> _Context:
    scenario = results.get("scenario") or {}
    settings = {
        str(p.get("key")): p.get("value")
        for p in results.get("parameters") or []
        if isinstance(p, Mapping)
    }
    ev = _worded(scenario)
    fy = scenario.get("financial_years", settings.get("authority.financial_years", True))
    first = scenario.get("first_year") or settings.get("authority.first_year")
    first = first or scenario.get("price_base_year") or 2000
    names: dict[str, str] = {}
    for kind in ("service", "partner"):
        listing = scenario.get(f"{kind}_names") or {}
        if isinstance(listing, Mapping):
            names.update({str(k): str(v) for k, v in listing.items()})
    model_names = {m.id: m.name for m in ev.models}
    listing = scenario.get("model_names") or {}
    if isinstance(listing, Mapping):
        model_names.update({str(k): str(v) for k, v in listing.items()})
    return _Context(
        results=results,
        scenario=scenario,
        settings=settings,
        financial_years=fy is not False and str(fy).lower() not in ("no", "false", "0"),
        first_year=int(first),
        opp_index={
            str(o.get("id")): i
            for i, o in enumerate(results.get("opportunities") or [])
            if isinstance(o, Mapping)
        },
        model_names=model_names,
        group_names={g.id: g.name for g in ev.groups},
        group_principles={g.id: g.principle for g in ev.groups},
        criterion_names={c.id: c.wording.split(" – ")[0].split(" - ")[0] for c in ev.criteria},
        names=names,
    )


def _items(value: Any) -> list[tuple[str, Mapping[str, Any]]]:
    """(id, entry) pairs from a dict keyed by id or a list of entries with an ``id``."""
    if isinstance(value, Mapping):
        return [(str(k), v) for k, v in value.items() if isinstance(v, Mapping)]
    if isinstance(value, list):
        return [(str(v.get("id")), v) for v in value if isinstance(v, Mapping)]
    return []


def _bc(o: Mapping[str, Any] | None) -> Mapping[str, Any]:
    bc = (o or {}).get("business_case")
    return bc if isinstance(bc, Mapping) else {}


def _measures(o: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return (_bc(o).get("adjusted") or {}).get("measures") or {}


def _procurement(o: Mapping[str, Any] | None) -> Mapping[str, Any]:
    p = (o or {}).get("procurement") or _bc(o).get("procurement")
    return p if isinstance(p, Mapping) else {}


def _risk_list(o: Mapping[str, Any] | None) -> list[Mapping[str, Any]]:
    r = (o or {}).get("risks") or _bc(o).get("risks") or []
    if isinstance(r, Mapping):
        r = r.get("risks") or []
    return [x for x in r if isinstance(x, Mapping)]


def _view(c: _Context) -> Mapping[str, Any]:
    v = (c.programme or {}).get("view")
    return v if isinstance(v, Mapping) else {}


# --------------------------------------------------------------------------- the sections


def _heading(c: _Context) -> tuple[tuple[str, str, str], ...]:
    date = c.setting("meeting_date") or c.scenario.get("appraisal_date") or ""
    return (
        ("1", "Meeting", str(c.setting("meeting", "Cabinet"))),
        ("2", "Date", fmt.long_date(str(date)) if date else NOT_AVAILABLE),
        ("3", "Title", _title(c)),
        ("4", "Directorate", str(c.setting("directorate", NOT_AVAILABLE))),
    )


def _title(c: _Context) -> str:
    return str(c.setting("report_title", "Shared Services: priority projects"))


def _infeasible(c: _Context) -> tuple[str, list[str]] | None:
    """The optimiser's message and the clashing rules when no programme meets every rule
    (``feasible: false`` with ``message``, or an ``infeasible`` message)."""
    p = c.programme
    if not p:
        return None
    if p.get("feasible") is False or p.get("infeasible"):
        message = str(p.get("message") or p.get("infeasible") or "No programme meets every rule.")
        return message, [str(x) for x in p.get("conflicting") or []]
    return None


@dataclass(frozen=True, slots=True)
class _Year:
    """One year of the programme: the selected projects' yearly figures added up."""

    label: str
    costs: Money
    savings: Money
    trading: Money
    net: Money
    cumulative: Money
    present_value: Money


_YEAR_KEYS = ("total_cost", "savings", "trading_income", "net", "present_value")


def _programme_years(c: _Context) -> list[_Year]:
    """The programme's cash flows by year, from each selected project's adjusted (optimism bias
    applied) yearly flows in results.json; empty when any of them is missing."""
    per: list[tuple[str, Sequence[Mapping[str, Any]]]] = []
    for oid in c.selected:
        years = (_bc(c.opp(oid)).get("adjusted") or {}).get("years") or []
        if not years or not all(all(_num(y.get(k)) is not None for k in _YEAR_KEYS) for y in years):
            return []
        per.append((oid, years))
    if not per:
        return []
    out: list[_Year] = []
    for k in range(min(len(y) for _, y in per)):

        def column(key: str, upto: int | None = None, k: int = k) -> Money:
            years = range(k, k + 1) if upto is None else range(upto + 1)
            return total(
                [
                    (1.0, c.opp_path(oid, "business_case", "adjusted", "years", j, key))
                    for oid, _ in per
                    for j in years
                ],
                c.results,
            )

        out.append(
            _Year(
                label=str(per[0][1][k].get("label") or c.year(per[0][1][k], k)),
                costs=column("total_cost"),
                savings=column("savings"),
                trading=column("trading_income"),
                net=column("net"),
                cumulative=column("net", upto=k),
                present_value=column("present_value"),
            )
        )
    return out


def _funding_need(years: Sequence[_Year]) -> tuple[Money, str] | None:
    """The programme's funding need, the deepest its cumulative net position goes below zero,
    and the year it is reached (``None`` when it never goes below zero)."""
    if not years:
        return None
    deepest = min(range(len(years)), key=lambda k: years[k].cumulative.value)
    low = years[deepest].cumulative
    if low.value >= 0:
        return None
    return Money(-low.value, (), terms=tuple((-k, p) for k, p in low.terms)), years[deepest].label


def _payback(years: Sequence[_Year]) -> str | None:
    """The first year after which the programme's cumulative net position stays at or above zero."""
    for k in range(len(years)):
        if all(y.cumulative.value >= 0 for y in years[k:]):
            return years[k].label if k > 0 or years[0].cumulative.value >= 0 else None
    return None


def _summary(c: _Context) -> Section:
    p = c.programme
    blocks: list[Block] = []
    authority = str(c.scenario.get("authority") or c.setting("name", "the Council"))
    blocks.append(
        _p(
            "This report follows the Council's approval of the principles and criteria for shared "
            f"services. It sets out the priority projects that {authority} proposes to take forward, "
            "chosen from every opportunity the appraisal could find against those principles and "
            "criteria, where a shared service can be implemented quickly and where there is most "
            "opportunity for delivering savings."
        )
    )
    infeasible = _infeasible(c)
    if infeasible:
        message, clashes = infeasible
        blocks.append(_p(f"No programme could be chosen. {message}", kind="notice"))
        if clashes:
            blocks.append(
                _p(
                    "To get a programme, relax one of these rules: "
                    + fmt.listing(clashes, "or")
                    + ".",
                    kind="notice",
                )
            )
        return Section("Summary", tuple(blocks), number="5", key="summary")
    if not p or not c.selected:
        blocks.append(_notice("The programme of priority projects"))
        return Section("Summary", tuple(blocks), number="5", key="summary")
    totals = p.get("totals") or {}
    n = len(c.selected)
    runs: list[Run] = [f"The proposed programme has {fmt.count(n, 'priority project')}"]
    if _num(totals.get("one_off_cost")) is not None:
        runs += [
            " with one-off implementation costs of ",
            Money(totals["one_off_cost"], ("programme", "totals", "one_off_cost")),
            " (optimism bias included)",
        ]
        budget = _budget(c)
        if budget:
            runs += [" within a budget of ", budget]
    if _num(totals.get("npv")) is not None:
        runs += [
            ". Over the appraisal period its net present value is ",
            Money(totals["npv"], ("programme", "totals", "npv")),
        ]
    runs.append(".")
    blocks.append(_p(*runs))
    years = _programme_years(c)
    need = _funding_need(years)
    if years:
        last = years[-1]
        runs = []
        if need:
            runs += [
                "It needs up to ",
                need[0],
                f" of funding before its savings overtake its costs (the low point is {need[1]})",
            ]
            payback = _payback(years)
            runs.append(f" and pays back by {payback}. " if payback else ". ")
        runs += [f"By {last.label} it saves a net ", last.net, " a year."]
        blocks.append(_p(*runs))
    quick = totals.get("quick_wins")
    if isinstance(quick, int):
        blocks.append(
            _p(
                f"Savings begin within 12 months for {quick} of the {n} projects (quick wins), "
                "as the Council's 'right time' principle asks."
            )
        )
    blocks.append(_p("The priority projects are:"))
    for oid in c.selected:
        blocks.append(_p(c.title(oid), kind="bullet"))
    return Section("Summary", tuple(blocks), number="5", key="summary")


def _budget(c: _Context) -> Money | None:
    p = c.programme or {}
    budget = _num((p.get("constraints") or {}).get("budget"))
    if budget is not None:
        return Money(budget, ("programme", "constraints", "budget"))
    for i, param in enumerate(c.results.get("parameters") or []):
        if param.get("key") == "authority.implementation_budget" and _num(param.get("value")):
            return Money(param["value"], ("parameters", i, "value"))
    return None


def _recommendations(c: _Context) -> Section:
    blocks: list[Block] = [_p("That Cabinet:")]
    infeasible = _infeasible(c)
    budget = _budget(c)
    if infeasible or not c.selected:
        blocks.append(
            _p(
                "Note that no programme of priority projects meets every rule it was given, "
                "and decide which rule to relax (see the Summary)."
                if infeasible
                else "Note that the programme of priority projects is not available yet.",
                kind="bullet",
            )
        )
    else:
        blocks.append(
            _p(
                "Approve the programme of "
                f"{fmt.count(len(c.selected), 'priority project')} set out in section 7 "
                "for development into full business cases and implementation.",
                kind="bullet",
            )
        )
        if budget:
            blocks.append(
                _p(
                    "Approve an implementation budget of up to ",
                    budget,
                    " for the one-off costs of the programme, as set out in section 8.",
                    kind="bullet",
                )
            )
    blocks.append(
        _p(
            "Request that SLT begin discussions with the partners named for each project, take "
            "legal advice where a project needs it, and report progress and any change in the "
            "business cases to Cabinet.",
            kind="bullet",
        )
    )
    return Section("Recommendations", tuple(blocks), number="6", key="recommendations")


def _months_text(value: Any) -> str:
    n = _num(value)
    return fmt.months(n) if n is not None else NOT_AVAILABLE


def _project(c: _Context, oid: str, reason: str) -> Section:
    o = c.opp(oid) or {}
    measures = _measures(o)
    partners = [c.name(p) for p in o.get("partner_ids") or []]
    services = [c.name(s) for s in o.get("service_ids") or []]
    blocks: list[Block] = [
        _p(
            f"What: {fmt.listing(services)}. "
            f"With whom: {fmt.listing(partners) or 'the Council alone'}. "
            f"Which model: {c.model(str(o.get('model', '')))}."
        )
    ]
    if reason:
        blocks.append(_p(f"Why it was chosen: {reason}"))
    scores = o.get("scores") or {}
    groups = _items(scores.get("groups"))
    if groups:
        parts = [
            f"{c.group_names.get(gid, gid)} {fmt.number(float(g['score']))}"
            for gid, g in groups
            if _num(g.get("score")) is not None
        ]
        strongest = sorted(
            _items(scores.get("criteria")), key=lambda k: -float(k[1].get("weighted") or 0.0)
        )[:2]
        text = (
            "Against the principles and criteria it scores "
            f"{fmt.number(float(scores.get('total') or 0.0), 1)} out of 100 "
            f"(rank {scores.get('rank', '-')}): {'; '.join(parts)}."
        )
        if strongest:
            text += (
                " Its strongest criteria: "
                + "; ".join(
                    f"{c.criterion_names.get(kid, kid)} ({k.get('rationale', '')})"
                    for kid, k in strongest
                )
                + "."
            )
        blocks.append(_p(text))
    screening = o.get("screening") or {}
    if screening.get("recommendation_text") or screening.get("because"):
        verdict = str(screening.get("recommendation_text") or "")
        because = str(screening.get("because") or "")
        blocks.append(_p(f"Suitability: {verdict}{': ' + because if because else ''}."))
        if screening.get("override"):
            blocks.append(_p(f"Officers' justification for appraising it: {screening['override']}"))
    procurement = _procurement(o)
    if procurement:
        blocks.append(
            _p(
                f"Procurement: {procurement.get('wording') or procurement.get('route', NOT_AVAILABLE)}"
                + (" Legal advice is needed." if procurement.get("legal_advice") else "")
            )
        )
    timeline = _bc(o).get("timeline") or {}
    if timeline:
        blocks.append(
            _p(
                "Timeline: savings begin "
                f"{_months_text(timeline.get('benefits_start_month'))} after approval and reach "
                f"their full level after {_months_text(timeline.get('full_benefits_month'))}"
                + ("; it is a quick win." if measures.get("quick_win") else ".")
            )
        )
    if not _bc(o):
        blocks.append(_notice("The business case"))
    return Section(c.title(oid), tuple(blocks), key=f"project-{oid}")


def _proposals(c: _Context) -> Section:
    blocks: list[Block] = [
        _p(
            "Cabinet approved three principles for shared services: the right services, the right "
            "partners and the right time, each with criteria. Every opportunity the Council's "
            "services and partners allow was found, screened against the research on where sharing "
            "suits a service, scored against the criteria with the weights Members and SLT gave, "
            "costed as a business case, and then the best programme was chosen exactly under the "
            "budget and the other rules."
        )
    ]
    long_list = c.results.get("long_list") or {}
    if long_list.get("considered"):
        shortlist = (long_list.get("shortlist") or {}).get("kept")
        blocks.append(
            _p(
                f"The appraisal considered {fmt.number(float(long_list['considered']))} "
                "combinations of service, partners and model; "
                f"{fmt.number(float(long_list.get('kept', 0)))} are possible, and "
                + (f"{shortlist} were shortlisted" if shortlist else "a shortlist was taken")
                + " (Appendix 5)."
            )
        )
    children: list[Section] = []
    infeasible = _infeasible(c)
    if infeasible:
        blocks.append(_p(infeasible[0], kind="notice"))
    elif not c.selected:
        blocks.append(_notice("The priority projects"))
    else:
        reasons = {rid: _reason(c, r) for rid, r in _items((c.programme or {}).get("reasons"))}
        children = [_project(c, oid, reasons.get(oid, "")) for oid in c.selected]
        gantt = _gantt_figure(c)
        if gantt:
            blocks.append(gantt)
    return Section(
        "Proposals and Details", tuple(blocks), tuple(children), number="7", key="proposals"
    )


def _rule(c: _Context, text: str) -> str:
    """A programme rule in words, with service and partner ids ('hr') given their names."""
    return re.sub(r"'([^']+)'", lambda m: c.name(m.group(1)), text)


def _objective_label(c: _Context) -> str:
    p = c.programme or {}
    objective = p.get("objective") if isinstance(p.get("objective"), Mapping) else {}
    return str((objective or {}).get("label") or "the programme's objective")


def _reason(c: _Context, r: Mapping[str, Any]) -> str:
    """Why a project is in the programme, in a sentence: its share of the objective, its share of
    the budget and what would replace it (the optimiser's own text when those are missing)."""
    share = _num(r.get("share_of_objective"))
    if share is None:
        return str(r.get("text") or r.get("reason") or "")
    text = f"it brings {fmt.percent(share)} of the programme's {_objective_label(c)}"
    budget = next(
        (u for u in r.get("uses") or [] if str(u.get("rule", "")).startswith("budget")), None
    )
    if budget and _num(budget.get("share")) is not None:
        text += f" for {fmt.percent(float(budget['share']))} of the budget"
    replaced = [c.title(str(i)) for i in r.get("replaced_by") or []]
    if replaced:
        text += f"; without it the best programme would take {fmt.listing(replaced)} instead"
    return text + "."


def _phases(t: Mapping[str, Any]) -> tuple[Phase, ...]:
    """Procurement, implementation and savings phases from a view row or a business-case timeline."""

    def month(*names: str) -> float | None:
        for n in names:
            v = _num(t.get(n))
            if v is not None:
                return v
        return None

    phases: list[Phase] = []
    for name, start, end in (
        ("Procurement", "procurement_start", "procurement_end"),
        ("Implementation", "implementation_start", "implementation_end"),
    ):
        s, e = month(start, start + "_month"), month(end, end + "_month")
        if s is not None and e is not None and e > s:
            phases.append(Phase(name, s, e))
    b = month("benefits_start", "benefits_start_month")
    if b is not None:
        full = month("full_benefits_month", "benefits_full_month")
        phases.append(Phase("Savings", b, max(full or b + 12, b + 3)))
    return tuple(phases)


def _weight_label(c: _Context, wid: str) -> str:
    label = c.criterion_names.get(wid) or c.group_names.get(wid) or wid.replace("_", " ")
    return label[:1].lower() + label[1:]


def _gantt_figure(c: _Context) -> Figure | None:
    rows: list[tuple[str, tuple[Phase, ...]]] = []
    table_rows: list[tuple[Run, ...]] = []
    view_rows = dict(_items(_view(c).get("timeline")))
    for oid in c.selected:
        t = _bc(c.opp(oid)).get("timeline") or view_rows.get(oid)
        if not t:
            continue
        phases = _phases(t)
        rows.append((c.short(oid), phases))

        def span(name: str, phases: tuple[Phase, ...] = phases) -> str:
            return next(
                (f"{p.start_month:.0f} to {p.end_month:.0f}" for p in phases if p.name == name),
                "none",
            )

        table_rows.append(
            (c.short(oid), span("Procurement"), span("Implementation"), span("Savings"))
        )
    if not rows:
        return None
    starts = [p.start_month for _, ph in rows for p in ph if p.name == "Savings"]
    alt = (
        f"Gantt chart of {len(rows)} projects over the months from approval, showing "
        "procurement, implementation and savings for each"
        + (
            f"; the first savings begin in month {min(starts):.0f} and the last in month "
            f"{max(starts):.0f}."
            if starts
            else "."
        )
    )
    return Figure(
        "timeline",
        "Programme timeline",
        alt,
        Gantt(tuple(rows), "approval"),
        Table(
            "Programme timeline, months from approval",
            ("Project", "Procurement", "Implementation", "Savings (start to full level)"),
            tuple(table_rows),
        ),
    )


def _finance(c: _Context) -> Section:
    blocks: list[Block] = [
        _p(
            "All figures are in real prices of "
            f"{c.scenario.get('price_base_year', NOT_AVAILABLE)}, discounted at the HM Treasury "
            "Green Book social time preference rate (3.5% a year). Cashable savings count in the "
            "net present value; non-cashable gains are reported beside it, never added in. "
            "One-off costs include the Green Book's optimism bias."
        )
    ]
    infeasible = _infeasible(c)
    p = c.programme
    if infeasible:
        blocks.append(
            _p(
                "No programme meets every rule, so there are no programme cash flows. ",
                infeasible[0],
                kind="notice",
            )
        )
        budget = _budget(c)
        if budget:
            blocks.append(_p("The implementation budget given was ", budget, "."))
        return Section("Finance", tuple(blocks), number="8", key="finance")
    if not p or not c.selected:
        blocks.append(_notice("The programme's finances"))
        return Section("Finance", tuple(blocks), number="8", key="finance")
    totals = p.get("totals") or {}
    runs: list[Run] = []
    if _num(totals.get("one_off_cost")) is not None:
        runs += [
            "The one-off implementation cost of the programme is ",
            Money(totals["one_off_cost"], ("programme", "totals", "one_off_cost")),
        ]
        budget = _budget(c)
        if budget:
            runs += [" against a budget of ", budget]
        runs.append(". ")
    if _num(totals.get("npv")) is not None:
        runs += [
            "Its net present value over the appraisal period is ",
            Money(totals["npv"], ("programme", "totals", "npv")),
            ".",
        ]
    if runs:
        blocks.append(_p(*runs))
    years = _programme_years(c)
    need = _funding_need(years)
    if need:
        blocks.append(
            _p(
                "Funding need: the programme's cumulative net position (savings less costs, year "
                f"by year) is lowest in {need[1]}, so the Council needs to fund up to ",
                need[0],
                " before the savings overtake the costs"
                + (f"; the programme pays back by {pb}." if (pb := _payback(years)) else "."),
            )
        )
    if years:
        trading = any(abs(y.trading.value) > 0.5 for y in years)
        header = ("Year", "Costs", "Savings", *(("Trading income",) if trading else ()))
        header += ("Net", "Cumulative net", "Present value")
        rows: list[tuple[Run, ...]] = [
            (
                y.label,
                y.costs,
                y.savings,
                *((y.trading,) if trading else ()),
                y.net,
                y.cumulative,
                y.present_value,
            )
            for y in years
        ]
        sums = [
            total([t for y in years for t in getattr(y, name).terms], c.results)
            for name in ("costs", "savings", "trading", "net")
        ]
        rows.append(
            (
                "Total",
                sums[0],
                sums[1],
                *((sums[2],) if trading else ()),
                sums[3],
                "",
                total([t for y in years for t in y.present_value.terms], c.results),
            )
        )
        blocks.append(
            Table(
                "Programme cash flows by year (real prices, optimism bias included; the total "
                "present value is the net present value)",
                header,
                tuple(rows),
                (False, *(True for _ in header[1:])),
            )
        )
    else:
        blocks.append(_notice("The programme's yearly cash flows"))
    rows = []
    for oid in c.selected:
        o = c.opp(oid)
        bc = _bc(o)
        adjusted = (bc.get("adjusted") or {}).get("measures") or {}
        unadjusted = (bc.get("unadjusted") or {}).get("measures") or {}
        if _num(adjusted.get("one_off_cost")) is None:
            continue
        base = c.opp_path(oid, "business_case")

        def cell(block: Mapping[str, Any], basis: str, key: str, base: Path = base) -> Run:
            v = _num(block.get(key))
            return Money(v, (*base, basis, "measures", key)) if v is not None else "-"

        rows.append(
            (
                c.short(oid),
                cell(unadjusted, "unadjusted", "one_off_cost"),
                cell(adjusted, "adjusted", "one_off_cost"),
                cell(adjusted, "adjusted", "funding_need"),
                cell(adjusted, "adjusted", "steady_state_annual_saving"),
                cell(adjusted, "adjusted", "npv"),
            )
        )
    if rows:
        blocks.append(
            _p(
                "Each project's funding need is the largest cumulative net cost before its "
                "savings overtake its costs. Optimism bias raises one-off costs as the Green Book "
                "requires; the table shows them before and after."
            )
        )
        blocks.append(
            Table(
                "Each priority project's costs, funding need, annual saving and net present value",
                (
                    "Project",
                    "One-off cost before optimism bias",
                    "One-off cost with optimism bias",
                    "Funding need",
                    "Annual saving at full level",
                    "Net present value",
                ),
                tuple(rows),
                (False, True, True, True, True, True),
            )
        )
    bands = _savings_figure(c)
    blocks.append(bands or _notice("The range of programme savings by year (P10 to P90)"))
    return Section("Finance", tuple(blocks), number="8", key="finance")


def _savings_figure(c: _Context) -> Figure | None:
    table_in = _view(c).get("savings_percentiles_by_year")
    if not isinstance(table_in, Mapping) or not table_in.get("P50"):
        return None
    base: Path = ("programme", "view", "savings_percentiles_by_year")
    n = len(table_in["P50"])
    years = tuple(c.year({}, i) for i in range(n))
    p10 = tuple(float(v) for v in table_in.get("P10") or table_in["P50"])
    p50 = tuple(float(v) for v in table_in["P50"])
    p90 = tuple(float(v) for v in table_in.get("P90") or table_in["P50"])
    rows = tuple(
        (
            years[i],
            Money(p10[i], (*base, "P10", i)),
            Money(p50[i], (*base, "P50", i)),
            Money(p90[i], (*base, "P90", i)),
        )
        for i in range(n)
    )
    peak = max(range(n), key=lambda k: p50[k])
    alt = (
        f"Line chart of the programme's net savings by year from {years[0]} to {years[-1]}, with a "
        "shaded band from the 10th to the 90th percentile of the Monte Carlo simulation. The "
        f"central (P50) saving is highest in {years[peak]} at {fmt.money(p50[peak])}, with a "
        f"range of {fmt.money(p10[peak])} to {fmt.money(p90[peak])}."
    )
    return Figure(
        "savings",
        "Programme savings by year with uncertainty bands",
        alt,
        SavingsBands(years, p10, p50, p90),
        Table(
            "Programme net savings by year: P10, P50 and P90 from the Monte Carlo simulation",
            ("Year", "P10 (low)", "P50 (central)", "P90 (high)"),
            rows,
            (False, True, True, True),
        ),
    )


_SEED_RISKS = (
    (
        "Financial",
        "The transformation cannot be funded, or benefits are not realised and savings not "
        "delivered as forecast; practical issues (back office support, pay and grading, pensions, "
        "insurance, governance) are not resolved within the project budget.",
        "A robust business case and cost benefit analysis for each project.",
    ),
    (
        "Political",
        "Political support is not sustained for the duration of the arrangement.",
        "Arrangements acceptable to Members here and in partner councils; early political buy-in.",
    ),
    (
        "Reputational",
        "Negative media coverage of the proposals.",
        "A clear communications plan for each project.",
    ),
    (
        "Legal and procurement",
        "Legal and procurement implications are not understood.",
        "Legal advice on each proposal; procurement route set out in each business case.",
    ),
)


def _category(value: Any) -> str:
    return str(value or "").replace("_", " and ").capitalize()


def _rating(r: Mapping[str, Any], prefix: str = "") -> str:
    """ "12 (3 x 4)": the rating with the likelihood and impact it multiplies."""
    rating = _num(r.get(f"{prefix}rating"))
    if rating is None:
        return "-"
    lik, imp = r.get(f"{prefix}likelihood"), r.get(f"{prefix}impact")
    return (
        f"{rating:.0f} ({lik} x {imp})" if lik is not None and imp is not None else f"{rating:.0f}"
    )


def _register(c: _Context) -> Table | None:
    """One register for the programme: each risk once, with the projects it touches and its
    worst rating among them (the seed's risks are raised for every project, so listing them
    project by project would repeat them six times)."""
    grouped: dict[str, list[tuple[str, Mapping[str, Any]]]] = {}
    for oid in c.selected:
        for r in _risk_list(c.opp(oid)):
            grouped.setdefault(str(r.get("id") or r.get("description")), []).append((oid, r))
    if not grouped:
        return None
    n = len(c.selected)
    rows: list[tuple[tuple[float, int], tuple[Run, ...]]] = []
    for entries in grouped.values():
        worst = max(entries, key=lambda e: float(e[1].get("rating") or 0.0))[1]
        ids = [oid for oid, _ in entries]
        where = f"all {n}" if len(ids) == n and n > 1 else fmt.listing([c.short(i) for i in ids])
        trigger = str(worst.get("trigger") or "")
        rows.append(
            (
                (-float(worst.get("rating") or 0.0), -len(ids)),
                (
                    _category(worst.get("category")),
                    str(worst.get("description", "")) + (f" ({trigger})" if trigger else ""),
                    where,
                    _rating(worst),
                    str(worst.get("mitigation", "")),
                    _rating(worst, "residual_"),
                ),
            )
        )
    rows.sort(key=lambda x: x[0])
    return Table(
        "Risk register of the programme (rating = likelihood x impact, each scored 1 to 5; the "
        "worst rating among the projects it applies to)",
        ("Category", "Risk", "Projects", "Rating", "Mitigation", "Rating after mitigation"),
        tuple(r for _, r in rows),
    )


def _risks(c: _Context) -> Section:
    blocks: list[Block] = []
    programme_risks = [r for r in _view(c).get("risks") or [] if isinstance(r, Mapping)]
    if programme_risks:
        blocks.append(_p("Risks to the programme as a whole:"))
        for r in programme_risks:
            blocks.append(_p(str(r.get("message", "")), kind="bullet"))
    register = _register(c)
    if register:
        blocks.append(register)
    if not blocks:
        blocks.append(_notice("The programme and project risk registers"))
        blocks.append(
            _p("The risks the Council identified when it approved the principles remain:")
        )
        blocks.append(
            Table(
                "Risks named when the principles were approved",
                ("Category", "Risk", "Mitigation"),
                tuple((a, b, m) for a, b, m in _SEED_RISKS),
            )
        )
    blocks.append(
        _p(
            "The savings are estimates: the Finance section shows their range from the Monte Carlo "
            "simulation, and Appendix 1 gives each project's switching values, the change in an "
            "input at which its net present value falls to zero."
        )
    )
    return Section("Risks and Uncertainties", tuple(blocks), number="9", key="risks")


def _policy(c: _Context) -> Section:
    priorities = c.setting("corporate_priorities") or []
    if isinstance(priorities, str):
        priorities = [x.strip() for x in priorities.split(";") if x.strip()]
    blocks: list[Block] = []
    if priorities:
        blocks.append(
            _p(
                "The Council's corporate priorities are "
                + fmt.listing([str(x) for x in priorities])
                + ". Support for them is one of the criteria every project was scored against."
            )
        )
    for oid in c.selected:
        crit = dict(_items(((c.opp(oid) or {}).get("scores") or {}).get("criteria")))
        rationale = (crit.get("corporate_priorities") or {}).get("rationale")
        if rationale:
            blocks.append(_p(f"{c.title(oid)}: {rationale}", kind="bullet"))
    kept = released = 0.0
    any_jobs = False
    for oid in c.selected:
        m = _measures(c.opp(oid))
        if _num(m.get("fte_kept_in_borough")) is not None:
            any_jobs = True
            kept += float(m["fte_kept_in_borough"]) + float(m.get("fte_created_in_borough") or 0)
            released += float(m.get("fte_released") or 0.0)
    if any_jobs:
        blocks.append(
            _p(
                "Jobs: the priority projects keep or create about "
                f"{fmt.number(kept)} full-time equivalent posts in the borough and release about "
                f"{fmt.number(released)}, in line with the principle of retaining jobs within the "
                "borough."
            )
        )
    else:
        blocks.append(_notice("The jobs effect of the programme"))
    return Section(
        "Policy and Performance Agenda Implications", tuple(blocks), number="10", key="policy"
    )


def _background(c: _Context) -> Section:
    blocks: list[Block] = [
        _p(
            "Report to Cabinet on shared services: principles and criteria (December 2010).",
            kind="bullet",
        ),
        _p(
            "HM Treasury, The Green Book: appraisal and evaluation in central government.",
            kind="bullet",
        ),
        _p(
            "The appraisal's results file "
            f"(shareplan {((c.results.get('generator') or {}).get('version') or '')}, "
            f"created {c.results.get('created', NOT_AVAILABLE)}), from the scenario "
            f"{c.scenario.get('source') or NOT_AVAILABLE}.",
            kind="bullet",
        ),
        _p("The evidence base used, with its sources, is in Appendix 6.", kind="bullet"),
    ]
    contact = c.setting("contact")
    children = [
        Section(
            "Contact",
            tuple(
                _p(x.strip())
                for x in (str(contact).split(";") if contact else [NOT_AVAILABLE])
                if x.strip()
            ),
            key="contact",
        )
    ]
    return Section(
        "Background Papers and Consultation",
        tuple(blocks),
        tuple(children),
        number="11",
        key="background",
    )


# --------------------------------------------------------------------------- appendices


def _assumptions(c: _Context, oid: str) -> list[Mapping[str, Any]]:
    a = _bc(c.opp(oid)).get("assumptions") or []
    return [x for x in a if isinstance(x, Mapping)]


def _common_assumptions(c: _Context) -> set[str]:
    """Keys of the assumptions every priority project uses with the same value: Appendix 6 lists
    them once, and each business case shows only its own."""
    seen: list[set[tuple[str, str]]] = [
        {(str(a.get("key")), repr(a.get("value"))) for a in _assumptions(c, oid)}
        for oid in c.selected
    ]
    if len(seen) < 2:
        return set()
    return {key for key, _ in set.intersection(*seen)}


def _shown(value: Any, unit: str = "") -> str:
    """An assumption's value for a table: shares as percentages, small tables written out."""
    n = _num(value)
    if n is not None:
        if unit.startswith("share"):
            return fmt.percent(n, 1).replace(".0%", "%")
        return fmt.number(n, 0 if abs(n) >= 100 or n == int(n) else 2)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return value.replace("_", " ")
    if (
        isinstance(value, Mapping)
        and len(value) <= 4
        and all(isinstance(v, str | int | float) for v in value.values())
    ):
        return "; ".join(f"{str(k).replace('_', ' ')}: {_shown(v)}" for k, v in value.items())
    return "a table (see the evidence base)"


_BOUNDS = {"low": "low", "central": "central", "high": "high"}


def _assumption_label(a: Mapping[str, Any]) -> str:
    """The assumption's description, with which end of a range it is when the key says so."""
    text = str(a.get("description") or a.get("key", ""))
    bound = _BOUNDS.get(str(a.get("key", "")).rsplit(".", 1)[-1])
    return f"{text} ({bound})" if bound else text


def _business_case(c: _Context, oid: str, common: set[str]) -> Section:
    o = c.opp(oid) or {}
    bc = _bc(o)
    if not bc:
        return Section(c.title(oid), (_notice("The business case"),), key=f"case-{oid}")
    base = c.opp_path(oid, "business_case")
    children: list[Section] = []
    own = [a for a in _assumptions(c, oid) if str(a.get("key")) not in common]
    if own:
        children.append(
            Section(
                "Assumptions and sources",
                (
                    Table(
                        "This project's own assumptions (those every priority project shares are "
                        "in Appendix 6)",
                        ("Assumption", "Value", "Unit", "Confidence"),
                        tuple(
                            (
                                _assumption_label(a),
                                _shown(a.get("value"), str(a.get("unit", ""))),
                                str(a.get("unit", "")),
                                str(a.get("confidence") or a.get("origin") or "").replace("_", " "),
                            )
                            for a in own
                        ),
                        (False, True, False, False),
                        note="Sources: the evidence base (Appendix 6) for each assumption's "
                        "parameter; optimism bias from the Green Book supplementary guidance.",
                    ),
                ),
            )
        )
    years = (bc.get("adjusted") or {}).get("years") or []
    if years:
        trading = any(abs(float(r.get("trading_income") or 0.0)) > 0.5 for r in years)
        rows = []
        for i, r in enumerate(years):
            path = (*base, "adjusted", "years", i)

            def m(key: str, r: Mapping[str, Any] = r, path: Path = path) -> Money:
                return Money(float(r.get(key) or 0.0), (*path, key), full=True)

            savings_key = "savings" if "savings" in r else "benefits"
            rows.append(
                (
                    str(r.get("label") or c.year(r, i)),
                    m("total_cost"),
                    m(savings_key),
                    *((m("trading_income"),) if trading else ()),
                    m("net"),
                    fmt.number(float(r.get("discount_factor", 1.0)), 3),
                    m("present_value"),
                )
            )
        header = ("Year", "Costs", "Savings", *(("Trading income",) if trading else ()))
        header += ("Net", "Discount factor", "Present value")
        children.append(
            Section(
                "Cash flows",
                (
                    Table(
                        "Yearly cash flows with optimism bias (real prices)",
                        header,
                        tuple(rows),
                        (False, *(True for _ in header[1:])),
                    ),
                ),
            )
        )
    measures = _measures(o)
    if measures:
        labels = (
            ("npv", "Net present value", "money"),
            ("bcr", "Benefit-cost ratio", "ratio"),
            ("one_off_cost", "One-off cost (with optimism bias)", "money"),
            ("funding_need", "Funding need", "money"),
            ("steady_state_annual_saving", "Annual saving at full level", "money"),
            ("non_cashable_annual", "Non-cashable gains a year (not in the NPV)", "money"),
            ("months_to_first_saving", "First saving after", "months"),
            ("fte_released", "Posts released (FTE)", "fte"),
            ("fte_kept_in_borough", "Posts kept in the borough (FTE)", "fte"),
            ("fte_created_in_borough", "Posts created in the borough (FTE)", "fte"),
        )
        rows_m: list[tuple[Run, ...]] = []
        for key, label, kind in labels:
            v = _num(measures.get(key))
            if v is None or (key == "fte_created_in_borough" and v == 0):
                continue
            cell: Run = (
                Money(v, (*base, "adjusted", "measures", key))
                if kind == "money"
                else fmt.months(v)
                if kind == "months"
                else fmt.number(v, 2 if kind == "ratio" else 1)
            )
            rows_m.append((label, cell))
        rows_m.append(("Payback", str(measures.get("payback_label") or "not within the period")))
        mc = bc.get("monte_carlo") or {}
        for key, label in (
            ("p10", "Net present value, low (P10)"),
            ("p90", "Net present value, high (P90)"),
        ):
            if _num(mc.get(key)) is not None:
                rows_m.append((label, Money(mc[key], (*base, "monte_carlo", key))))
        if _num(mc.get("prob_npv_positive")) is not None:
            rows_m.append(("Chance the NPV is positive", fmt.percent(mc["prob_npv_positive"])))
        if _num(mc.get("prob_quick_win")) is not None:
            rows_m.append(
                (
                    "Chance of a quick win (material savings within 12 months)",
                    fmt.percent(mc["prob_quick_win"]),
                )
            )
        children.append(
            Section(
                "Measures",
                (Table("Appraisal measures", ("Measure", "Value"), tuple(rows_m), (False, True)),),
            )
        )
    blocks_s: list[Block] = []
    switching = [s for s in bc.get("switching_values") or [] if isinstance(s, Mapping)]
    if switching:

        def value(i: int, s: Mapping[str, Any], key: str) -> Run:
            v = _num(s.get(key))
            if v is None:
                return "none in range"
            return _input_value(v, str(s.get("unit", "")), (*base, "switching_values", i, key))

        blocks_s.append(
            Table(
                "Switching values: the value of each input at which the net present value falls "
                "to zero",
                ("Input", "Central value", "Switching value", "Change from central"),
                tuple(
                    (
                        _input_label(s.get("input")),
                        value(i, s, "central"),
                        value(i, s, "switching_value"),
                        _change(s),
                    )
                    for i, s in enumerate(switching)
                ),
                (False, True, True, True),
            )
        )
    tornado = _tornado_figure(c, oid)
    if tornado:
        blocks_s.append(tornado)
    if blocks_s:
        children.append(Section("Sensitivity and switching values", tuple(blocks_s)))
    partners = fmt.listing([c.name(p) for p in o.get("partner_ids") or []])
    intro = _p(
        f"{fmt.listing([c.name(s) for s in o.get('service_ids') or []])}"
        + (f", shared with {partners}" if partners else "")
        + f"; delivery model: {c.model(str(o.get('model', ''))).lower()}."
    )
    return Section(c.title(oid), (intro,), tuple(children), key=f"case-{oid}")


def _change(s: Mapping[str, Any]) -> str:
    """How far an input must move to its switching value: in months for a delay (a share of a
    zero delay means nothing), otherwise as a share of its central value."""
    central, switch = _num(s.get("central")), _num(s.get("switching_value"))
    if str(s.get("unit", "")).startswith("months") and central is not None and switch is not None:
        return f"{'+' if switch >= central else '-'}{fmt.number(abs(switch - central), 1)} months"
    change = _num(s.get("change"))
    if change is None:
        return "-"
    return ("+" if change > 0 else "") + fmt.percent(change)


_INPUT_LABELS = {
    "annual_saving": "Annual saving at full level",
    "one_off_cost": "One-off cost",
    "delay": "Delay before savings begin",
    "delay_months": "Delay before savings begin",
    "saving_share": "Saving as a share of gross cost",
    "one_off_cost_multiplier": "One-off cost (multiple of the estimate)",
    "ramp_months": "Months to reach full savings",
    "private_partner_gain_share": "Private partner's share of the gains",
    "trading_volume": "Work sold to buyers (share of our own volume)",
    "trading_margin": "Net margin on work sold",
    "trading_income": "Trading income a year at full level",
}


def _input_label(name: Any) -> str:
    text = str(name or "")
    return _INPUT_LABELS.get(text, text.replace("_", " ").capitalize())


def _input_value(v: float, unit: str, source: Path) -> Run:
    """An input's value in its unit: money as money, shares as percentages, months as months."""
    if unit.startswith(("pounds", "£", "GBP")):
        return Money(v, source)
    if "share" in unit or unit == "%":
        return fmt.percent(v, 1)
    if unit.startswith("months"):
        return f"{fmt.number(v, 1)} months"
    if unit == "multiplier":
        return f"{fmt.number(v, 2)} x"
    return f"{fmt.number(v, 2)} {unit}".strip()


def _tornado_figure(c: _Context, oid: str) -> Figure | None:
    bc = _bc(c.opp(oid))
    all_bars = [t for t in bc.get("tornado") or [] if isinstance(t, Mapping)]
    base_npv = _num(_measures(c.opp(oid)).get("npv"))
    indexed = [(i, t) for i, t in enumerate(all_bars) if _num(t.get("npv_at_low")) is not None]
    if not indexed or base_npv is None:
        return None
    indexed.sort(key=lambda it: -abs(float(it[1]["npv_at_high"]) - float(it[1]["npv_at_low"])))
    path = c.opp_path(oid, "business_case", "tornado")
    labels = tuple(_input_label(t.get("input")) for _, t in indexed)
    rows = tuple(
        (
            labels[k],
            Money(t["npv_at_low"], (*path, i, "npv_at_low")),
            Money(t["npv_at_high"], (*path, i, "npv_at_high")),
        )
        for k, (i, t) in enumerate(indexed)
    )
    top = indexed[0][1]
    alt = (
        f"Tornado chart of the NPV of {c.title(oid)} around its central {fmt.money(base_npv)}. "
        f"It is most sensitive to {labels[0]}, which moves it between "
        f"{fmt.money(float(top['npv_at_low']))} and {fmt.money(float(top['npv_at_high']))}."
    )
    return Figure(
        f"tornado-{file_key(oid)}",
        f"Sensitivity of the net present value: {c.short(oid)}",
        alt,
        Tornado(
            base_npv,
            labels,
            tuple(float(t["npv_at_low"]) for _, t in indexed),
            tuple(float(t["npv_at_high"]) for _, t in indexed),
        ),
        Table(
            "NPV with each input at its low and at its high value",
            ("Input", "NPV at low", "NPV at high"),
            rows,
            (False, True, True),
        ),
    )


def _appendix_cases(c: _Context) -> Section:
    if not c.selected:
        return Section(
            "Appendix 1: Business cases of the priority projects",
            (_notice("Business cases of priority projects"),),
            key="appendix-cases",
        )
    common = _common_assumptions(c)
    return Section(
        "Appendix 1: Business cases of the priority projects",
        (
            _p(
                "Each business case follows the HM Treasury Green Book: real prices, discounting, "
                "optimism bias, sensitivity and switching values. The risks of every project are in "
                "the programme's register (section 9)."
            ),
        ),
        tuple(_business_case(c, oid, common) for oid in c.selected),
        key="appendix-cases",
    )


def _score_figure(c: _Context, ids: list[str]) -> Figure | None:
    scored = [(oid, (c.opp(oid) or {}).get("scores") or {}) for oid in ids]
    scored = [(oid, s) for oid, s in scored if _items(s.get("groups"))]
    if not scored:
        return None
    group_ids = [gid for gid, _ in _items(scored[0][1]["groups"])]
    names = tuple(c.group_names.get(g, g) for g in group_ids)
    values = tuple(
        tuple(
            float(dict(_items(s["groups"])).get(gid, {}).get("weighted") or 0.0)
            for gid in group_ids
        )
        for _, s in scored
    )
    short = c.labels([oid for oid, _ in scored])
    labels = tuple(short[oid] for oid, _ in scored)
    rows = tuple(
        (labels[i], *(fmt.number(v, 1) for v in values[i]), fmt.number(sum(values[i]), 1))
        for i in range(len(labels))
    )
    best = max(range(len(labels)), key=lambda i: sum(values[i]))
    alt = (
        f"Stacked bar chart of the weighted score out of 100 of {len(labels)} shortlisted "
        f"opportunities, split into {fmt.listing(list(names))}. The highest is {labels[best]} "
        f"with {fmt.number(sum(values[best]), 1)}."
    )
    return Figure(
        "scores",
        "Score breakdown of the shortlisted opportunities",
        alt,
        ScoreBreakdown(labels, names, values),
        Table(
            "Weighted score points by principle",
            ("Opportunity", *names, "Total"),
            rows,
            (False, *(True for _ in names), True),
        ),
    )


def _appendix_scores(c: _Context) -> Section:
    ranked = [
        (oid, (c.opp(oid) or {}).get("scores") or {})
        for oid in c.opp_index
        if (c.opp(oid) or {}).get("scores")
    ]
    title = "Appendix 2: Scoring tables and weights"
    if not ranked:
        return Section(title, (_notice("Criteria scores and weights"),), key="appendix-scores")
    ranked.sort(key=lambda x: (int(x[1].get("rank") or 10**9), -float(x[1].get("total") or 0.0)))
    criteria = _items(ranked[0][1].get("criteria"))
    blocks: list[Block] = [
        Table(
            "Weights used (combined stakeholders' swing weights; overall shares add up to 100%)",
            ("Criterion", "Principle", "Weight"),
            tuple(
                (
                    c.criterion(kid),
                    c.group_names.get(str(k.get("group")), str(k.get("group", ""))),
                    fmt.percent(float(k.get("weight") or 0.0), 1),
                )
                for kid, k in criteria
            ),
            (False, False, True),
        )
    ]
    top = [oid for oid, _ in ranked[:10]]
    fig = _score_figure(c, list(dict.fromkeys([*c.selected, *top]))[:12])
    if fig:
        blocks.append(fig)
    crit_ids = [kid for kid, _ in criteria]
    chosen = [(oid, (c.opp(oid) or {}).get("scores") or {}) for oid in c.selected]
    chosen = [(oid, sc) for oid, sc in chosen if sc]
    if chosen:
        labels = c.labels([oid for oid, _ in chosen])

        def score(sc: Mapping[str, Any], cid: str) -> str:
            k = dict(_items(sc.get("criteria"))).get(cid)
            if k is None:
                return "-"
            v = _num(k.get("score"))
            return fmt.number(v) if v is not None else "no data"

        blocks.append(
            Table(
                "Criteria scores (0 to 100) of the priority projects",
                ("Criterion", *(labels[oid] for oid, _ in chosen)),
                (
                    *(
                        (c.criterion(cid), *(score(sc, cid) for _, sc in chosen))
                        for cid in crit_ids
                    ),
                    (
                        "Weighted total (out of 100)",
                        *(fmt.number(float(sc.get("total") or 0.0), 1) for _, sc in chosen),
                    ),
                    ("Rank in the shortlist", *(str(sc.get("rank", "-")) for _, sc in chosen)),
                ),
                (False, *(True for _ in chosen)),
                note=f"All {len(ranked)} shortlisted opportunities, with every score and its "
                "reason, are in results.json.",
            )
        )
    return Section(title, tuple(blocks), key="appendix-scores")


def _appendix_sensitivity(c: _Context) -> Section:
    s = c.results.get("sensitivity")
    blocks: list[Block] = []
    title = "Appendix 3: How firm is the ranking"
    if not isinstance(s, Mapping) or not s:
        return Section(
            title,
            (_notice("The sensitivity of the ranking to the weights"),),
            key="appendix-sensitivity",
        )
    top_n = s.get("top_n", len(c.selected) or "N")
    intervals = (s.get("weight_stability") or {}).get("intervals") or []
    if intervals:
        blocks.append(
            _p(
                f"For each weight in turn, with the others kept in proportion, the range over which "
                f"the top {top_n} of the ranking stays the same (overall shares of the weight):"
            )
        )
    for w in intervals:
        label = _weight_label(c, str(w.get("weight", "")))
        cur, lo, hi = (
            _num(w.get("overall_current")),
            _num(w.get("overall_from")),
            _num(w.get("overall_to")),
        )
        if cur is None or lo is None or hi is None:
            continue
        parent = max(cur, hi, 1e-9) if w.get("level") == "group" else None
        parts = []
        if hi < (parent or 1.0) * 0.999 and hi < 0.999:
            entry = (w.get("above_to") or {}).get("enters")
            parts.append(
                f"rises above {fmt.percent(hi)}"
                + (f" (then {c.title(str(entry))} comes in)" if entry else "")
            )
        if lo > 0.001:
            entry = (w.get("below_from") or {}).get("enters")
            parts.append(
                f"falls below {fmt.percent(lo)}"
                + (f" (then {c.title(str(entry))} comes in)" if entry else "")
            )
        if parts:
            text = (
                f"The top {top_n} holds unless the weight on {label} "
                f"{' or '.join(parts)}; it is {fmt.percent(cur)} now."
            )
        else:
            text = f"The top {top_n} holds whatever the weight on {label}."
        blocks.append(_p(text, kind="bullet"))
    reversals = [r for r in s.get("rank_reversal") or [] if isinstance(r, Mapping)]
    if reversals:
        blocks.append(
            Table(
                "Rank reversals: the smallest single change of weight that swaps neighbours",
                ("Rank", "Higher", "Lower", "Weight", "Change needed (overall share)"),
                tuple(
                    (
                        str(r.get("rank", "")),
                        c.title(str(r.get("upper"))),
                        c.title(str(r.get("lower"))),
                        _weight_label(c, str(r.get("weight"))) if r.get("weight") else "-",
                        (
                            ("+" if float(r["overall_change"]) > 0 else "")
                            + fmt.percent(float(r["overall_change"]), 1)
                        )
                        if _num(r.get("overall_change")) is not None
                        else "no single change swaps them",
                    )
                    for r in reversals[:8]
                ),
                (True, False, False, False, True),
            )
        )
    smaa = s.get("smaa") or {}
    options = _items(smaa.get("options"))
    if options:
        options.sort(key=lambda x: -float(x[1].get("p_top_n") or 0.0))
        blocks.append(
            Table(
                f"Chance of a place in the top {top_n} when the weights vary at random "
                f"({fmt.number(float(smaa.get('samples') or 0))} sets of weights)",
                ("Opportunity", f"Chance of top {top_n}", "Expected rank"),
                tuple(
                    (
                        c.title(oid),
                        fmt.percent(float(a.get("p_top_n") or 0.0)),
                        fmt.number(float(a.get("expected_rank") or 0.0), 1),
                    )
                    for oid, a in options[:10]
                ),
                (False, True, True),
            )
        )
    if not blocks:
        blocks.append(_notice("The sensitivity of the ranking to the weights"))
    return Section(title, tuple(blocks), key="appendix-sensitivity")


def _appendix_near_misses(c: _Context) -> Section:
    p = c.programme or {}
    misses = [m for m in p.get("near_misses") or [] if isinstance(m, Mapping)]
    blocks: list[Block] = []
    unit = p.get("objective_unit") or (p.get("objective") or {}).get("unit")
    best = _num(p.get("objective_value"))
    if misses:

        def loss(i: int, m: Mapping[str, Any]) -> Run:
            v = _num(m.get("loss_if_forced_in"))
            if v is None:
                return "cannot go in"
            if unit == "£":
                return Money(v, ("programme", "near_misses", i, "loss_if_forced_in"))
            if best:
                return f"{fmt.percent(v / best, 1)} lower"
            return f"{fmt.number(v, 3)} lower"

        def why(m: Mapping[str, Any]) -> str:
            rules = [_rule(c, str(x)) for x in m.get("kept_out_by") or []]
            text = fmt.listing(rules) if rules else str(m.get("text") or m.get("reason", ""))
            return text[:1].upper() + text[1:]

        blocks.append(
            Table(
                "Near misses: the best projects left out, what keeps them out and what forcing "
                "them in would cost",
                (
                    "Opportunity",
                    "What keeps it out",
                    "It would displace",
                    "Loss if forced in",
                ),
                tuple(
                    (
                        c.title(str(m.get("id"))),
                        why(m),
                        fmt.listing([c.short(str(x)) for x in m.get("displaces") or []]) or "-",
                        loss(i, m),
                    )
                    for i, m in enumerate(misses[:6])
                ),
                (False, False, False, True),
                note=""
                if unit == "£"
                else f"Loss: how much lower the programme's {_objective_label(c)} would be, as a "
                "share of the proposed programme's.",
            )
        )
    else:
        blocks.append(_notice("The near misses"))
    shadow = p.get("budget_shadow")
    if isinstance(shadow, Mapping) and shadow.get("text"):
        blocks.append(_p(str(shadow["text"])))
    frontier = _frontier_figure(c)
    if frontier:
        blocks.append(frontier)
    return Section(
        "Appendix 4: Near misses and the trade-off between speed and savings",
        tuple(blocks),
        key="appendix-near-misses",
    )


def _frontier_figure(c: _Context) -> Figure | None:
    p = c.programme or {}
    points = (p.get("frontier") or {}).get("points") or []
    if not points:
        return None
    chosen = set(c.selected)
    pts = tuple(
        FrontierPoint(
            float(q.get("savings_12m", 0.0)),
            float(q.get("npv", 0.0)),
            len(q.get("ids") or []),
            set(q.get("ids") or []) == chosen,
        )
        for q in points
    )
    totals = p.get("totals") or {}
    if not any(q.chosen for q in pts) and _num(totals.get("npv")) is not None:
        pts = (
            *pts,
            FrontierPoint(
                float(totals.get("savings_12m", 0.0)), float(totals["npv"]), len(chosen), True
            ),
        )
    rows = tuple(
        (
            Money(q.get("savings_12m", 0.0), ("programme", "frontier", "points", i, "savings_12m")),
            Money(q.get("npv", 0.0), ("programme", "frontier", "points", i, "npv")),
            str(len(q.get("ids") or [])),
            "yes" if set(q.get("ids") or []) == chosen else "",
        )
        for i, q in enumerate(points)
    )
    alt = (
        f"Scatter chart of {len(points)} programmes that cannot be bettered on both speed and value: "
        f"savings within 12 months from {fmt.money(min(q.savings_12m for q in pts))} to "
        f"{fmt.money(max(q.savings_12m for q in pts))} against net present value from "
        f"{fmt.money(min(q.npv for q in pts))} to {fmt.money(max(q.npv for q in pts))}. "
        "Faster programmes give up value. The proposed programme is marked."
    )
    return Figure(
        "frontier",
        "Speed against savings: the programmes on the frontier",
        alt,
        SpeedFrontier(pts),
        Table(
            "Frontier programmes",
            ("Savings within 12 months", "Net present value", "Projects", "Proposed"),
            rows,
            (True, True, True, False),
        ),
    )


def _appendix_long_list(c: _Context) -> Section:
    ll = c.results.get("long_list") or {}
    if not ll:
        return Section(
            "Appendix 5: The long list in summary",
            (_notice("The long list"),),
            key="appendix-long-list",
        )
    blocks: list[Block] = [
        _p(
            f"Combinations considered: {fmt.number(float(ll.get('considered', 0)))}; possible: "
            f"{fmt.number(float(ll.get('kept', 0)))}; named by officers: {ll.get('declared', 0)}."
        )
    ]
    by_model = ll.get("kept_by_model") or {}
    if by_model:
        blocks.append(
            Table(
                "Possible opportunities by delivery model",
                ("Model", "Opportunities"),
                tuple((c.model(k), fmt.number(float(v))) for k, v in by_model.items()),
                (False, True),
            )
        )
    reasons = dict(ll.get("excluded_by_reason") or {})
    reasons.update((ll.get("shortlist") or {}).get("dropped_by_reason") or {})
    if reasons:
        blocks.append(
            Table(
                "Why combinations were left out",
                ("Reason", "Number"),
                tuple((k, fmt.number(float(v))) for k, v in reasons.items()),
                (False, True),
            )
        )
    return Section("Appendix 5: The long list in summary", tuple(blocks), key="appendix-long-list")


def _used_parameters(c: _Context) -> list[Mapping[str, Any]]:
    """The evidence-base parameters the priority projects' business cases used: those whose key
    is an assumption's key or the start of one (``costs.project_team_fte`` for
    ``costs.project_team_fte.commercial_trading``)."""
    keys = {str(a.get("key")) for oid in c.selected for a in _assumptions(c, oid)}
    params = [p for p in c.results.get("parameters") or [] if isinstance(p, Mapping)]
    if not keys:
        return [p for p in params if not str(p.get("key", "")).startswith("authority.")]
    return [
        p
        for p in params
        if (key := str(p.get("key", ""))) in keys or any(k.startswith(key + ".") for k in keys)
    ]


def _appendix_evidence(c: _Context) -> Section:
    title = "Appendix 6: The evidence base used"
    ev = _worded(c.scenario)
    blocks: list[Block] = [
        _p(
            "The delivery models and the criteria are those of the report that approved the "
            "principles. Every figure from guidance or research comes from the evidence base with "
            "its source and a confidence grade: confirmed (read in the source), secondary (from a "
            "reliable secondary source), derived, assumption (an editable assumption) or "
            "illustrative."
        ),
        Table(
            "The seven delivery models",
            ("Model", "What it is"),
            tuple((c.model(m.id), m.explanation) for m in ev.models),
        ),
        Table(
            "The criteria, by principle",
            ("Criterion", "Principle", "Wording"),
            tuple(
                (c.criterion(k.id), c.group_names.get(k.group, k.group), k.wording)
                for k in ev.criteria
            ),
        ),
    ]
    params = _used_parameters(c)
    if params:
        blocks.append(
            Table(
                "Parameters the priority projects' business cases used, with their sources",
                ("Parameter", "Confidence", "Source"),
                tuple(
                    (
                        str(p.get("description") or p.get("key")),
                        "scenario override"
                        if p.get("origin") == "scenario"
                        else str(p.get("confidence", "")),
                        str(p.get("source", "")) + (f" ({p['note']})" if p.get("note") else ""),
                    )
                    for p in params
                ),
            )
        )
    else:
        blocks.append(_notice("The evidence base"))
    return Section(title, tuple(blocks), key="appendix-evidence")


def build_report(results: Mapping[str, Any]) -> Report:
    """The Cabinet report for one results.json document (see the module docstring)."""
    c = _context(results)
    gen = results.get("generator") or {}
    return Report(
        title=_title(c),
        authority=str(c.scenario.get("authority") or c.setting("name", "")),
        heading=_heading(c),
        sections=(
            _summary(c),
            _recommendations(c),
            _proposals(c),
            _finance(c),
            _risks(c),
            _policy(c),
            _background(c),
        ),
        appendices=(
            _appendix_cases(c),
            _appendix_scores(c),
            _appendix_sensitivity(c),
            _appendix_near_misses(c),
            _appendix_long_list(c),
            _appendix_evidence(c),
        ),
        generator=f"{gen.get('name', 'shareplan')} {gen.get('version', '')}".strip(),
    )
