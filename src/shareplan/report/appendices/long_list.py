"""Appendix 5: the long list in summary: how many combinations, by model, and why left out."""

from __future__ import annotations

from shareplan.report import formatting as fmt
from shareplan.report.context import Context
from shareplan.report.model import Block, Section, Table, p

TITLE = "Appendix 5: The long list in summary"


def long_list(c: Context) -> Section:
    ll = c.results.long_list
    blocks: list[Block] = [
        p(
            f"Combinations considered: {fmt.number(float(ll.considered))}; possible: "
            f"{fmt.number(float(ll.kept))}; named by officers: {ll.declared}."
        )
    ]
    if ll.kept_by_model:
        blocks.append(
            Table(
                "Possible opportunities by delivery model",
                ("Model", "Opportunities"),
                tuple((c.model(k), fmt.number(float(v))) for k, v in ll.kept_by_model.items()),
                (False, True),
            )
        )
    reasons = {**ll.excluded_by_reason, **ll.shortlist.dropped_by_reason}
    if reasons:
        blocks.append(
            Table(
                "Why combinations were left out",
                ("Reason", "Number"),
                tuple((k, fmt.number(float(v))) for k, v in reasons.items()),
                (False, True),
            )
        )
    return Section(TITLE, tuple(blocks), key="appendix-long-list")
