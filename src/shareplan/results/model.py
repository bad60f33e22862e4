"""``Results``: the typed contract of results.json, and each opportunity's record in it.

Every reader (the report, ``explain``, ``programme``, the web app, other councils' tools) reads
results.json through :class:`Results` (see :func:`shareplan.results.io.read_results`); the pipeline
builds one and writes it with pydantic's serializer. docs/results.md describes the fields in words
and docs/results.schema.json is the JSON Schema pydantic generates from these models.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import field_serializer, model_validator

from shareplan.business_case import BusinessCase, Procurement, RiskRegister
from shareplan.opportunities.model import Estimates
from shareplan.results.assessment import Scores, Screening, Sensitivity, Stakeholders
from shareplan.results.base import Record
from shareplan.results.header import Generator, LongListSummary, Parameter, ScenarioSummary
from shareplan.results.programme import ChosenProgramme, NoProgramme, ProgrammeResult

SCHEMA_VERSION = "3.1"
"""``MAJOR.MINOR``: a minor version only adds fields; a major one may remove or change them.
2.0: optimism bias by category of one-off cost, one uplift per one-off line in the model inputs
(1.0 files are upgraded on reading). 2.1: the services left out of the appraisal
(``scenario.not_appraised``); the general fund's share of the NPV (each business case's
``general_fund_npv``, the programme's totals and frontier) and which NPV the programme ranked on
(the objective's ``count_ring_fenced_savings``); 2.0 files read with defaults. 3.0: the
programme's ``binding`` (a rule used to the full) is called ``no_room_left``, beside ``limiting``
(a rule whose relaxation alone would give a better programme); near misses that tie are listed
apart (``equal_alternatives``); the services the screen removed entirely are listed (older files
are upgraded on reading). 3.1: a near miss whose NPV all stays with ring-fenced grants carries it
(``grant_npv``); 3.0 files read with none."""


class OpportunityResult(Record):
    """One shortlisted opportunity in full: what it is, its screen, scores, business case,
    procurement route and risk register.

    In the file, ``procurement`` and ``risks`` stand beside ``business_case`` and not inside it as
    well; in Python ``business_case`` is the whole :class:`BusinessCase` (so that the programme
    what-if can rebuild from it) and ``procurement`` and ``risks`` are the same objects.
    """

    id: str
    title: str
    unit_id: str
    service_ids: tuple[str, ...]
    partner_ids: tuple[str, ...]
    model: str
    declared: bool
    estimates: Estimates | None
    screen_override: str | None
    screening: Screening
    scores: Scores
    business_case: BusinessCase
    procurement: Procurement
    risks: RiskRegister

    @model_validator(mode="before")
    @classmethod
    def _case_whole(cls, data: Any) -> Any:
        """Put ``procurement`` and ``risks`` into the business case as well, as it holds them."""
        if isinstance(data, dict) and isinstance(data.get("business_case"), dict):
            case = data["business_case"]
            if "procurement" not in case and "risks" not in case:
                extra = {k: data[k] for k in ("procurement", "risks") if k in data}
                data = {**data, "business_case": {**case, **extra}}
        return data

    @field_serializer("business_case")
    def _case_alone(self, case: BusinessCase) -> dict[str, Any]:
        return case.model_dump(mode="json", exclude={"procurement", "risks"})

    @property
    def short_title(self) -> str:
        """The service part of the title ("Customer contact centre" of "Customer contact centre:
        public-public strategic collaboration with NHS Rotherham")."""
        return service_part(self.title)


def service_part(title: str) -> str:
    """An opportunity title's service part: up to its first ": " outside brackets, so that
    "Housing services (general fund: homelessness): corporate centralisation" keeps its brackets
    whole."""
    depth = 0
    for i, ch in enumerate(title):
        depth += (ch == "(") - (ch == ")")
        if depth == 0 and title.startswith(": ", i):
            return title[:i]
    return title


class Results(Record):
    """The whole appraisal as data (docs/results.md)."""

    schema_version: str
    generator: Generator
    created: dt.date
    scenario: ScenarioSummary
    parameters: tuple[Parameter, ...]
    long_list: LongListSummary
    opportunities: tuple[OpportunityResult, ...]
    stakeholders: Stakeholders
    sensitivity: Sensitivity
    programme: ProgrammeResult

    def index(self, opportunity_id: str) -> int:
        """The position of an opportunity in ``opportunities`` (best ranked first)."""
        for i, o in enumerate(self.opportunities):
            if o.id == opportunity_id:
                return i
        raise KeyError(opportunity_id)

    def opportunity(self, opportunity_id: str) -> OpportunityResult:
        return self.opportunities[self.index(opportunity_id)]

    @property
    def chosen(self) -> ChosenProgramme | None:
        """The chosen programme, or ``None`` when no programme meets every rule."""
        return self.programme if isinstance(self.programme, ChosenProgramme) else None

    @property
    def infeasible(self) -> NoProgramme | None:
        return self.programme if isinstance(self.programme, NoProgramme) else None

    def setting(self, key: str) -> Any:
        """The value of an authority setting or evidence parameter used (``authority.meeting``,
        ``savings.trading``); ``KeyError`` if the appraisal did not use it."""
        for p in self.parameters:
            if p.key == key:
                return p.value
        raise KeyError(key)
