"""Appendix 6: how the appraisal was done, on one page: the long list, the screen, the scoring,
the business cases, the risk analysis and the choice of programme."""

from __future__ import annotations

import re

from shareplan.report import formatting as fmt
from shareplan.report import outline
from shareplan.report.context import Context
from shareplan.report.model import Block, Section, Table, p

KEY = "appendix-method"
YEARLY = re.compile(r" in year \d+$")


def method(c: Context) -> Section:
    ll = c.results.long_list
    s = c.results.scenario
    blocks: list[Block] = [
        p(
            f"1. The long list: every combination of the Council's {s.services} services, its "
            f"{s.partners} possible partners and the seven ways of working, "
            f"{fmt.number(float(ll.considered))} in all, of which {fmt.number(float(ll.kept))} "
            f"are possible; {ll.declared} were also put forward by name by officers."
        ),
        p(
            "2. The screen: each combination was checked against the research on where sharing "
            "suits a service (with a public partner, a private partner, or probably not at "
            f"all); the best few for each service were kept, {ll.shortlist.kept} in all."
        ),
        p(
            "3. The scores: each shortlisted option was scored from 0 to 100 on each criterion "
            f"under the three principles, and the scores weighted with {c.weighted_by()} "
            f"({outline.ref('appendix-scores')})."
        ),
        p(
            "4. The business cases, following HM Treasury's Green Book: costs and savings year by "
            f"year over {fmt.count(s.horizon_years, 'year')} in real prices of "
            f"{s.price_base_year}, discounted at 3.5% a year; one-off costs and timescales "
            "raised by the Green Book's optimism-bias allowance; the value at which each "
            "estimate would make the project not worth doing."
        ),
        p(
            "5. The risks: costs, savings and delays were varied together within their ranges "
            "thousands of times at random to give each project's low and high cases and its "
            "chance of a positive net present value."
        ),
        p(
            "6. The programme: every allowed combination of projects was searched exactly for "
            f"the one that makes {c.objective_words()} as large as possible while keeping "
            f"every rule{_rules(c)}."
        ),
    ]
    if ll.kept_by_model:
        blocks.append(
            Table(
                "Possible opportunities by way of working",
                ("Way of working", "Opportunities"),
                tuple((c.model(k), fmt.number(float(v))) for k, v in ll.kept_by_model.items()),
                (False, True),
            )
        )
    blocks.append(provenance(c))
    return outline.appendix(KEY, blocks)


def provenance(c: Context) -> Block:
    """Where the figures came from, in plain words: the tool and its version, and the data file
    that records the run (the footer of each page carries the meeting instead)."""
    g = c.results.generator
    return p(
        f"The figures in this report and in the assumptions workbook were worked out together, "
        f"in one appraisal, by the open-source appraisal tool {g.name} (version {g.version}). "
        "The data file published with the report records when the appraisal was run and every "
        "figure it used."
    )


def _rules(c: Context) -> str:
    chosen = c.chosen or c.infeasible
    if chosen is None or c.chosen is None:
        return ""
    labels: dict[str, int] = {}
    for use in c.chosen.constraint_use:
        # a yearly rule with the same limit every year is one rule "in each year"
        label = YEARLY.sub("", c.rule(use.label))
        labels[label] = labels.get(label, 0) + 1
    words = [f"{k} in each year" if n > 1 else k for k, n in labels.items()]
    return f": {fmt.listing(words)}" if words else ""
