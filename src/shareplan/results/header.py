"""The run's header, the scenario summary, the parameters used and the long list's counts."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag

from shareplan.evidence import ResolvedParameter
from shareplan.results.base import Number, Record


class Generator(Record):
    """The program that wrote the file."""

    name: Literal["shareplan"]
    version: str


class BackgroundEntry(Record):
    """An earlier paper or decision the report cites (the scenario's background sheet)."""

    date: dt.date | None = None
    title: str
    decision: str = ""


class DiscountBand(Record):
    first: int
    last: int | None
    rate: float


class DiscountUsed(Record):
    """The discount schedule the business cases used, and its rates in words."""

    schedule: str
    in_words: str | None = None
    origin: str | None = None
    bands: tuple[DiscountBand, ...] = ()


class AffinityToJudge(Record):
    """Partners whose affinity officers left blank, and the neutral value used for them."""

    partners: tuple[str, ...] = ()
    neutral_default: int | None = None


class NotAppraised(Record):
    """A service the scenario keeps (its cost counts) but leaves out of the appraisal: a row that
    groups several services under one heading, until officers split it."""

    name: str
    gross_cost: float


class ScenarioSummary(Record):
    """The authority and its settings, the size of the scenario and the display names."""

    source: str = Field(description="Where the scenario was read from (a folder or a workbook)")
    authority: str
    ons_code: str | None
    price_base_year: int
    first_year: int
    horizon_years: int
    appraisal_date: dt.date
    financial_years: bool
    meeting: str
    meeting_date: dt.date | None
    report_title: str
    directorate: str
    contact: str
    corporate_priorities: tuple[str, ...]
    implementation_budget: float | None
    priority_projects: int
    random_seed: int
    services: int
    partners: int
    bundles: int
    declared_opportunities: int
    service_names: dict[str, str]
    partner_names: dict[str, str]
    model_names: dict[str, str]
    place: str = ""
    residents: str = ""
    principles: dict[str, str] = Field(default_factory=dict)
    criteria_wording: dict[str, str] = Field(default_factory=dict)
    background: tuple[BackgroundEntry, ...] = ()
    discount: DiscountUsed | None = None
    affinity_to_judge: AffinityToJudge = Field(default_factory=AffinityToJudge)
    not_appraised: tuple[NotAppraised, ...] = ()

    def name(self, ident: str) -> str:
        """The display name of a service or a partner (its id, spaced, if the scenario has none)."""
        return (
            self.service_names.get(ident)
            or self.partner_names.get(ident)
            or ident.replace("_", " ")
        )

    def model(self, model_id: str) -> str:
        return self.model_names.get(model_id, model_id.replace("_", " "))


class Setting(Record):
    """One of the authority's own settings, as the scenario gave it."""

    key: str
    description: str
    unit: str
    value: Any
    origin: Literal["scenario"]
    source: str


def _parameter_kind(value: Any) -> str:
    """An evidence figure carries its confidence grade; an authority setting does not."""
    if isinstance(value, dict):
        return "evidence" if "confidence" in value else "setting"
    return "evidence" if isinstance(value, ResolvedParameter) else "setting"


Parameter = Annotated[
    Annotated[Setting, Tag("setting")] | Annotated[ResolvedParameter, Tag("evidence")],
    Discriminator(_parameter_kind),
]
"""A setting of the scenario, or an evidence figure (possibly overridden by the scenario)."""


class ScreenedOut(Record):
    id: str
    reason: str


class Overridden(Record):
    id: str
    justification: str


class RemovedByScreen(Record):
    """A service (or bundle) the suitability screen removed entirely, with its annual cost as the
    scenario gives it, the screen's reason and, in a member's words, what drove the verdict."""

    service_ids: tuple[str, ...]
    cost: Number
    reason: str
    because: str


class Shortlisting(Record):
    """What the screen and the cut kept of the long list, and the services the screen removed
    entirely (``removed_by_screen``; empty in files written before it)."""

    considered: int
    kept: int
    per_unit: int
    dropped_by_reason: dict[str, int]
    dropped_by_model: dict[str, dict[str, int]]
    declared_screened_out: tuple[ScreenedOut, ...]
    screen_overridden: tuple[Overridden, ...]
    removed_by_screen: tuple[RemovedByScreen, ...] = ()


class LongListSummary(Record):
    """The long list as counts: it is never written out in full."""

    considered: int
    kept: int
    kept_by_model: dict[str, int]
    excluded_by_reason: dict[str, int]
    declared: int
    shortlist: Shortlisting
