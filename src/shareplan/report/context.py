"""What every section of the report is built from: the typed results, the names to use for ids,
and the few readings several sections share (the budget, the clashing rules, the objective)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, cached_property

from shareplan.evidence import EvidenceBase, load_evidence
from shareplan.report import formatting as fmt
from shareplan.report.model import Money, Path
from shareplan.results import OpportunityResult, Results
from shareplan.results.header import BackgroundEntry
from shareplan.results.programme import ChosenProgramme, NoProgramme
from shareplan.scenario.model import place_of


@cache
def evidence() -> EvidenceBase:
    """The shipped evidence base: the names and wording of the models, principles and criteria."""
    return load_evidence()


@dataclass(frozen=True)
class Context:
    """The results a report is made of, with the labels a reader sees in place of ids."""

    results: Results

    # ----------------------------------------------------------------- the results' parts

    @property
    def chosen(self) -> ChosenProgramme | None:
        return self.results.chosen

    @property
    def infeasible(self) -> NoProgramme | None:
        return self.results.infeasible

    @cached_property
    def selected(self) -> tuple[str, ...]:
        """The priority projects, in the optimiser's order (none when no programme was chosen)."""
        return self.chosen.selected_ids if self.chosen else ()

    @cached_property
    def _index(self) -> dict[str, int]:
        return {o.id: i for i, o in enumerate(self.results.opportunities)}

    def opp(self, oid: str) -> OpportunityResult:
        return self.results.opportunities[self._index[oid]]

    def opp_path(self, oid: str, *rest: str | int) -> Path:
        """Where in results.json a figure of one opportunity sits."""
        return ("opportunities", self._index[oid], *rest)

    def budget(self) -> Money | None:
        """The implementation budget the programme was chosen under, or the scenario's."""
        budget = self.results.programme.constraints.budget
        if budget is not None:
            return Money(budget, ("programme", "constraints", "budget"))
        for i, param in enumerate(self.results.parameters):
            if param.key == "authority.implementation_budget" and param.value:
                return Money(float(param.value), ("parameters", i, "value"))
        return None

    def objective_label(self) -> str:
        return self.results.programme.objective.label

    # ----------------------------------------------------------------- names for ids

    @cached_property
    def framework(self) -> EvidenceBase:
        """The evidence with the criteria naming this authority's place and residents (results
        from before they were recorded: the place from the authority's name)."""
        s = self.results.scenario
        place = s.place or place_of(s.authority or "the area")
        return evidence().worded_for(place, s.residents or f"{place} residents")

    @cached_property
    def approved(self) -> tuple[BackgroundEntry, ...]:
        """The scenario's earlier decisions (its background sheet's rows with a decision)."""
        return tuple(b for b in self.results.scenario.background if b.decision.strip())

    @cached_property
    def model_names(self) -> dict[str, str]:
        return {**{m.id: m.name for m in evidence().models}, **self.results.scenario.model_names}

    @cached_property
    def group_names(self) -> dict[str, str]:
        return {g.id: g.name for g in evidence().groups}

    @cached_property
    def criterion_names(self) -> dict[str, str]:
        """The criteria's wording up to its first dash (the words the report was approved with)."""
        return {c.id: c.wording.split(" – ")[0].split(" - ")[0] for c in self.framework.criteria}

    def criterion(self, cid: str) -> str:
        """A criterion's short name for a table column or row: "Track record"."""
        return cid.replace("_", " ").capitalize()

    def title(self, oid: str) -> str:
        return self.opp(oid).title if oid in self._index else oid

    def short(self, oid: str) -> str:
        """A project's short name for charts and narrow tables: the service part of its title."""
        return self.title(oid).split(": ")[0]

    def labels(self, ids: Sequence[str]) -> dict[str, str]:
        """Short names for ``ids``; where two would read the same, the full titles instead."""
        heads = [self.short(i) for i in ids]
        return {
            i: h if heads.count(h) == 1 else self.title(i) for i, h in zip(ids, heads, strict=True)
        }

    def year(self, position: int) -> str:
        """The financial (or calendar) year of appraisal year ``position`` (0 is the first)."""
        scenario = self.results.scenario
        return fmt.financial_year(scenario.first_year + position, scenario.financial_years)

    def name(self, ident: str) -> str:
        """A service's or a partner's name."""
        return self.results.scenario.name(ident)

    def model(self, model_id: str) -> str:
        return self.model_names.get(model_id, model_id.replace("_", " "))

    def rule(self, text: str) -> str:
        """A programme rule in words, with service and partner ids ('hr') given their names."""
        return re.sub(r"'([^']+)'", lambda m: self.name(m.group(1)), text)

    def weight_label(self, wid: str) -> str:
        """A weight's name in a sentence: a criterion's or a principle's words, lower case."""
        label = self.criterion_names.get(wid) or self.group_names.get(wid) or wid.replace("_", " ")
        return label[:1].lower() + label[1:]
