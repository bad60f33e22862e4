"""Background Papers, with the report's contact: the published documents the appraisal relied on,
as at the meeting (a source published later is not a background paper; see
:mod:`shareplan.report.dating`)."""

from __future__ import annotations

from shareplan.evidence import ResolvedParameter
from shareplan.report import formatting as fmt
from shareplan.report import outline
from shareplan.report.context import Context
from shareplan.report.dating import citation_at, is_later
from shareplan.report.model import Block, Section, p

REPORT_KEYS = (
    "finance.inflation",
    "discount.schedule.",
    "optimism.upper_bounds",
    "procurement.threshold.services",
)
"""Evidence the body itself relies on, whether or not a business case lists it."""

PUBLISHED = ("confirmed", "secondary")
"""Confidence grades of figures read in a published source (assumptions are not papers)."""

TO_COMPLETE = "Contact officer: [to be completed by the report author]"
"""The one place a report without a contact officer says so: the body prints no placeholder."""

INTERNAL = (
    "this method",
    "rotherham mbc, cabinet report 'shared services'",
    "seed",
    "shareplan",
    "uk-appraisal-facts",
    "scenario",
)
"""Words that mark a citation of this appraisal's own notes, or of the 2010 report whose framework
the method follows (its method, not a paper the figures rest on), rather than a published paper."""


def published_sources(c: Context, keys: set[str]) -> tuple[list[str], list[str]]:
    """The published documents behind the figures with these keys (or key prefixes): those
    available at the meeting, and those published later; each once, in the order found."""
    now: dict[str, None] = {}
    later: dict[str, None] = {}
    for param in c.results.parameters:
        if not isinstance(param, ResolvedParameter) or str(param.confidence) not in PUBLISHED:
            continue
        if not any(param.key == k or param.key.startswith(k) for k in keys):
            continue
        if any(word in param.source.lower() for word in INTERNAL):
            continue
        name = citation_at(param.source, param.valid_from, c.meeting_date)
        target = later if is_later(param.source, param.valid_from, c.meeting_date) else now
        target[name] = None
    return list(now), list(later)


def used_keys(c: Context) -> set[str]:
    keys = {a.key for oid in c.selected for a in c.opp(oid).business_case.assumptions}
    return keys | set(REPORT_KEYS)


def background(c: Context) -> Section:
    r = c.results
    # the authority's own earlier reports (its background sheet) come first, then the published
    # sources the figures rest on
    blocks: list[Block] = [
        p(
            f"{b.title} ({fmt.long_date(b.date.isoformat())})." if b.date else f"{b.title}.",
            kind="bullet",
        )
        for b in r.scenario.background
    ]
    papers, _ = published_sources(c, used_keys(c))
    blocks += [p(paper + ".", kind="bullet") for paper in papers]
    blocks.append(
        p(
            "The assumptions workbook published with this report (assumptions.xlsx), which lists "
            "every figure the appraisal used with its source.",
            kind="bullet",
        )
    )
    contact = [x.strip() for x in r.scenario.contact.split(";") if x.strip()] or [TO_COMPLETE]
    children = [Section("Contact", tuple(p(x) for x in contact), key="contact")]
    return outline.body_section("background", blocks, children)
