"""The parts of the benefits realisation report that every section shares: the context that
reads the standing and the status record, and traceable money sums."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shareplan.tracking.model import Category
from shareplan.tracking.publish import Money, Paragraph
from shareplan.tracking.publish import total as _total
from shareplan.tracking.record import SAVING_LINES, actual_terms, plan_terms
from shareplan.tracking.usecases import Standing

RAG_WORDS = {"green": "Green: on track", "amber": "Amber: needs attention", "red": "Red: off track"}
OWNER_TO_NAME = "to be named"


def total(terms: Any, record: Mapping[str, Any]) -> Money:
    """The sum of ``terms`` as traceable money; nothing to add up is the record's zero."""
    terms = tuple(terms)
    return _total(terms, record) if terms else Money(0.0, ("zero",))


def para(*runs: str | Money, kind: str = "body") -> Paragraph:
    return Paragraph(tuple(runs), kind)  # type: ignore[arg-type]


class Context:
    def __init__(self, standing: Standing, record: Mapping[str, Any]) -> None:
        self.s = standing
        self.record = record
        self.t = standing.tracker
        self.index = {p.code: j for j, p in enumerate(self.t.projects)}

    def title(self, code: str) -> str:
        return self.t.project(code).title

    def actual(self, code: str, lines: tuple[str, ...]) -> Money:
        """The project's actual figures on ``lines`` to the last period it reported."""
        status = self.s.statuses[self.index[code]]
        end = status.reported_to.end if status.reported_to else None
        labels = {p.label for p in self.t.settings.periods() if end and p.end <= end}
        return total(actual_terms(self.t, code, lines, labels), self.record)

    def savings_actual(self, code: str) -> Money:
        return self.actual(code, SAVING_LINES)

    def costs_actual(self, code: str) -> Money:
        return self.actual(code, (Category.ONE_OFF_COST.value,))

    def plan(self, code: str, lines: tuple[str, ...], column: str) -> Money:
        status = self.s.statuses[self.index[code]]
        if status.reported_to is None:
            return Money(0.0, ("zero",))
        return total(plan_terms(self.t, code, lines, status.reported_to.label, column), self.record)

    def forecast(self, code: str, field: str) -> Money:
        j = self.index[code]
        return Money(float(self.record["forecast"][j][field]), ("forecast", j, field))
