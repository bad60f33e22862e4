"""11. Background Papers and Consultation, with the report's contact."""

from __future__ import annotations

from shareplan.report import formatting as fmt
from shareplan.report.context import Context
from shareplan.report.model import NOT_AVAILABLE, Block, Section, p


def background(c: Context) -> Section:
    r = c.results
    papers = [
        p(
            f"{b.title} ({fmt.long_date(b.date.isoformat())})." if b.date else f"{b.title}.",
            kind="bullet",
        )
        for b in r.scenario.background
    ]
    blocks: list[Block] = [
        *papers,
        p(
            "HM Treasury, The Green Book: appraisal and evaluation in central government.",
            kind="bullet",
        ),
        p(
            f"The appraisal's results file (shareplan {r.generator.version}, created "
            f"{r.created.isoformat()}), from the scenario {r.scenario.source or NOT_AVAILABLE}.",
            kind="bullet",
        ),
        p("The evidence base used, with its sources, is in Appendix 6.", kind="bullet"),
    ]
    contact = [x.strip() for x in r.scenario.contact.split(";") if x.strip()] or [NOT_AVAILABLE]
    children = [Section("Contact", tuple(p(x) for x in contact), key="contact")]
    return Section(
        "Background Papers and Consultation",
        tuple(blocks),
        tuple(children),
        number="11",
        key="background",
    )
