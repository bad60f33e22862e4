"""What every section of the report is built from: the typed results, the names to use for ids,
and the few readings several sections share (the budget, the clashing rules, the objective)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any

from shareplan.assessment.weights import DEFAULT_STAKEHOLDER
from shareplan.evidence import EvidenceBase, load_evidence
from shareplan.report import formatting as fmt
from shareplan.report.model import Money, Path
from shareplan.results import OpportunityResult, Results
from shareplan.results.header import BackgroundEntry
from shareplan.results.model import service_part
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

    def weighted_by(self) -> str:
        """Whose weights the scores use, in words: "the weights members and senior officers
        gave", or the evidence's starting weights when nobody has weighted the criteria yet."""
        stakeholders = self.results.stakeholders.stakeholders
        if any(w.stakeholder != DEFAULT_STAKEHOLDER for w in stakeholders):
            return "the weights members and senior officers gave"
        return (
            "the starting weights in the evidence base (members and senior officers have not "
            "weighted them yet)"
        )

    def objective_label(self) -> str:
        return self.results.programme.objective.label

    @property
    def on_general_fund(self) -> bool:
        """Whether the programme's NPV figures (what it ranked on, its frontier) are the general
        fund's share of the net present value rather than the whole."""
        return self.results.programme.objective.on_general_fund

    def npv_name(self) -> str:
        """The net present value the programme ranked on, in words ("net present value to the
        general fund" when it ranked on the general fund's share)."""
        return "net present value" + (" to the general fund" if self.on_general_fund else "")

    def objective_words(self) -> str:
        """What the programme was chosen to make as large as possible, in words for members."""
        objective = self.results.programme.objective
        if objective.kind == "npv":
            return f"the total {self.npv_name()}"
        if objective.kind == "value":
            return "the total score against the Council's principles and criteria"
        if objective.kind == "early_savings":
            return "the savings in the first 12 months"
        value = fmt.percent(float(objective.value_weight))
        npv = fmt.percent(1 - float(objective.value_weight))
        return (
            f"the score against the Council's principles and criteria and the {self.npv_name()} "
            f"together (weighted {value} and {npv}, each measured against the best single project "
            "on it, which counts as 1)"
        )

    def objective_short(self) -> str:
        """What the programme maximises in a few words, for a chart's legend."""
        npv = self.npv_name()
        return {
            "npv": npv,
            "value": "criteria score",
            "early_savings": "early savings",
            "blend": f"criteria score and {npv} together",
        }[self.results.programme.objective.kind]

    # ----------------------------------------------------------------- dates and settings

    @property
    def meeting_date(self) -> dt.date:
        """The date of the meeting the report goes to (the appraisal date when none is given)."""
        s = self.results.scenario
        return s.meeting_date or s.appraisal_date

    def setting(self, key: str, default: Any = None) -> Any:
        """An authority setting or evidence figure the appraisal used, or ``default``."""
        try:
            value = self.results.setting(key)
        except KeyError:
            return default
        return default if value is None or value == "" else value

    # ----------------------------------------------------------------- one rule, everywhere

    def quick_win(self, oid: str) -> bool:
        """Whether a project is a quick win: the business case's own rule, nothing else."""
        return self.opp(oid).business_case.measures.quick_win

    def quick_wins(self) -> int:
        return sum(self.quick_win(oid) for oid in self.selected)

    def chance_positive(self, oid: str) -> float | None:
        mc = self.opp(oid).business_case.monte_carlo
        return None if mc is None else mc.prob_npv_positive

    def concerns(self) -> list[tuple[str, str]]:
        """Priority projects a member should look at twice: a negative net present value, or less
        than an even chance of a positive one; each with what is wrong, in words."""
        out: list[tuple[str, str]] = []
        for oid in self.selected:
            npv = self.opp(oid).business_case.measures.npv
            chance = self.chance_positive(oid)
            if npv < 0:
                out.append((oid, f"its net present value is negative ({fmt.money(npv)})"))
            elif chance is not None and chance < 0.5:
                out.append(
                    (oid, f"its chance of a positive net present value is {fmt.odds(chance)}")
                )
        return out

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

    @cached_property
    def criterion_labels(self) -> dict[str, str]:
        return {c.id: c.label for c in self.framework.criteria if c.label}

    @cached_property
    def criterion_wording(self) -> dict[str, str]:
        """Each criterion's whole wording, naming this authority's place and residents."""
        return {c.id: c.wording for c in self.framework.criteria}

    def criterion(self, cid: str) -> str:
        """A criterion's short name for a table column or row: "Clear business case"."""
        return self.criterion_labels.get(cid) or cid.replace("_", " ").capitalize()

    def title(self, oid: str) -> str:
        return self.opp(oid).title if oid in self._index else oid

    def short(self, oid: str) -> str:
        """A project's short name for charts and narrow tables: the service part of its title,
        up to its first ": " outside brackets ("Housing services (general fund: homelessness)"
        keeps its brackets whole)."""
        return service_part(self.title(oid))

    def labels(self, ids: Sequence[str]) -> dict[str, str]:
        """Short names for ``ids``; where two would read the same, the full titles instead."""
        heads = [self.short(i) for i in ids]
        return {
            i: h if heads.count(h) == 1 else self.title(i) for i, h in zip(ids, heads, strict=True)
        }

    def start(self) -> str:
        """When month 0 of every timeline falls, in words: the first day of the appraisal's first
        year ("1 April 2011, the start of 2011/12"), not the date of the decision."""
        scenario = self.results.scenario
        if scenario.financial_years:
            day = f"1 April {scenario.first_year}"
            return f"{day}, the start of {self.year(0)}"
        return f"1 January {scenario.first_year}"

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

    def rules(self, texts: Sequence[str]) -> list[str]:
        """The rules that keep an option out, in words. Those of one project per service are
        put together, naming the priority project that already covers each service, so that an
        option for a service the programme takes in a bundle ("Revenues and benefits" beside
        "Revenues, benefits and customer contact") does not read as both recommended and
        rejected."""
        out: list[str] = []
        held: dict[str, list[str]] = {}
        for text in texts:
            per_service = re.fullmatch(r"at most one opportunity for service '([^']+)'", text)
            if per_service is None:
                out.append(self.rule(text))
                continue
            sid = per_service.group(1)
            holder = next((o for o in self.selected if sid in self.opp(o).service_ids), "")
            held.setdefault(holder, []).append(self.name(sid))
        for holder, names in held.items():
            verb = "is" if len(names) == 1 else "are"
            where = (
                f": {fmt.listing(names)} {verb} already part of {self.short(holder)}"
                if holder and self.short(holder) not in names
                else f": the programme already has {fmt.listing(names)}, as "
                f"{self.title(holder).partition(': ')[2]}"
                if holder
                else f" ({fmt.listing(names)})"
            )
            out.append(f"one project per service{where}")
        return out

    def weight_label(self, wid: str) -> str:
        """A weight's name in a sentence: a criterion's or a principle's words, lower case."""
        label = self.criterion_names.get(wid) or self.group_names.get(wid) or wid.replace("_", " ")
        return label[:1].lower() + label[1:]
