"""The evidence base as typed data: delivery models, the seed's framework, and dated parameters.

Every figure that comes from guidance or research is a :class:`Parameter` with one or more
:class:`DatedValue` entries, each with its source and a confidence grade, so that a figure that
changes (a discount rate, a procurement threshold) is updated by adding a dated value, never by
editing code. Scenarios may override any parameter; the override is recorded as such.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Confidence(StrEnum):
    """How far a figure can be trusted (the grades of the research notes)."""

    CONFIRMED = "confirmed"  # seen in the primary source
    SECONDARY = "secondary"  # seen only in a secondary source or a mirror
    DERIVED = "derived"  # arithmetic on confirmed inputs
    ASSUMPTION = "assumption"  # an editable assumption, not confirmed by a source
    ILLUSTRATIVE = "illustrative"  # example data, not evidence


class Sector(StrEnum):
    LOCAL_AUTHORITY = "local_authority"
    HEALTH = "health"
    POLICE = "police"
    FIRE = "fire"
    VOLUNTARY_COMMUNITY = "voluntary_community"
    PRIVATE = "private"
    JOINT_VENTURE = "joint_venture"
    CENTRAL_GOVERNMENT = "central_government"
    HOUSING_ASSOCIATION = "housing_association"
    SCHOOL_ACADEMY_TRUST = "school_academy_trust"
    UNIVERSITY = "university"
    TOWN_PARISH_COUNCIL = "town_parish_council"


#: The kinds of service a scenario's services are classed as; per-kind parameters cover all three.
SERVICE_KINDS = ("back_office", "front_office", "front_line")


class DeliveryModel(Frozen):
    """One of the seed's seven models of shared service, with its admission rules and traits.

    ``relationship`` says whether one party supplies the others (``customer_supplier``: benefits
    ramp up quickly) or the members share the work (``partnership``); ``sells_service`` marks the
    models in which the authority sells its service (it is the supplier and earns trading income);
    ``partner_delivers_service`` the models that make sense only with partners who run (or buy) the
    service themselves. ``tender`` is ``joint`` when the partners buy together from the market:
    their agreement is cooperation, but the purchase is one contract routed by its value.
    """

    id: str
    code: str
    name: str
    explanation: str
    average_saving: float = Field(ge=0, description="Average saving per project, pounds")
    share_of_savings: float = Field(ge=0, le=1)
    prevalence: str = ""
    allowed_sectors: tuple[Sector, ...]
    required_sectors: tuple[Sector, ...] = ()
    max_required: int = Field(default=0, ge=0)
    min_partners: int = Field(default=1, ge=0)
    max_partners: int | None = Field(default=None, ge=0)
    tender: Literal["none", "joint", "competitive"]
    relationship: Literal["customer_supplier", "partnership"]
    sells_service: bool
    partner_delivers_service: bool = Field(
        default=False,
        description="Every partner must itself be responsible for the service (a partner that "
        "lists what it delivers joins only for services on its list)",
    )

    @property
    def needs_partner(self) -> bool:
        return self.min_partners > 0

    def admits(self, sectors: tuple[Sector, ...], max_partners: int) -> bool:
        """Whether a partner set with these sectors fits the model's rules (one entry per partner)."""
        limit = max_partners if self.max_partners is None else min(self.max_partners, max_partners)
        if not self.min_partners <= len(sectors) <= limit:
            return False
        if any(s not in self.allowed_sectors for s in sectors):
            return False
        if self.required_sectors:
            required = sum(1 for s in sectors if s in self.required_sectors)
            if required == 0:
                return False
            if self.max_required and required > self.max_required:
                return False
        return True


class SectorInfo(Frozen):
    """What a sector is, for the models' rules, the criteria and the procurement route (each flag
    is explained, with its source, in models.toml)."""

    id: Sector
    name: str
    contracting_authority: bool
    private_capital: bool
    legal_advice: bool
    integrates_early_intervention: bool
    voluntary_community: bool
    note: str
    source: str


SectorFlag = Literal[
    "contracting_authority",
    "private_capital",
    "legal_advice",
    "integrates_early_intervention",
    "voluntary_community",
]


class Group(Frozen):
    id: str
    name: str
    principle: str


class Criterion(Frozen):
    id: str
    group: str
    wording: str
    label: str = ""
    """A short name for a table's column or row (blank: from the id)."""


class Indicator(Frozen):
    id: str
    points_to: Literal["public", "private", "not_suitable"]
    wording: str
    phrase: str


class PartnershipSize(Frozen):
    small_max_partners: int
    small_wording: str
    large_realisation_years_low: int
    large_realisation_years_high: int
    large_wording: str
    private_wording: str
    source: str
    confidence: Confidence


class DatedValue(Frozen):
    """A parameter's value in force from ``valid_from`` until the next dated value."""

    valid_from: dt.date
    value: Any
    source: str
    confidence: Confidence
    note: str = ""


class Parameter(Frozen):
    key: str
    description: str
    unit: str
    values: tuple[DatedValue, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _dates_ascend(self) -> Parameter:
        dates = [v.valid_from for v in self.values]
        if dates != sorted(dates) or len(set(dates)) != len(dates):
            raise ValueError(f"parameter {self.key}: dated values must be in strictly rising order")
        return self

    def at(self, on: dt.date) -> DatedValue:
        """The value in force on ``on``; before the first date, the first value (flagged by
        :meth:`applies_on`) because a historical scenario still needs a figure."""
        chosen = self.values[0]
        for value in self.values:
            if value.valid_from <= on:
                chosen = value
        return chosen

    def applies_on(self, on: dt.date) -> bool:
        return self.values[0].valid_from <= on


class ResolvedParameter(Frozen):
    """A parameter as used in one appraisal, with where its value came from."""

    key: str
    description: str
    unit: str
    value: Any
    origin: Literal["evidence", "scenario"]
    source: str
    confidence: Confidence
    valid_from: dt.date | None = None
    note: str = ""


class EvidenceBase(Frozen):
    """Everything shareplan knows before it reads a scenario."""

    models: tuple[DeliveryModel, ...]
    groups: tuple[Group, ...]
    criteria: tuple[Criterion, ...]
    indicators: tuple[Indicator, ...]
    partnership_size: PartnershipSize
    framework_source: str
    models_source: str
    parameters: Mapping[str, Parameter]
    sectors: tuple[SectorInfo, ...]

    def sectors_with(self, flag: SectorFlag) -> frozenset[Sector]:
        """The sectors the evidence's sector table marks with ``flag``."""
        return frozenset(s.id for s in self.sectors if getattr(s, flag))

    @property
    def contracting_authorities(self) -> frozenset[Sector]:
        """Sectors whose bodies are contracting authorities (from the evidence's sector table)."""
        return self.sectors_with("contracting_authority")

    def worded_for(self, place: str, residents: str) -> EvidenceBase:
        """The framework with its wording naming ``place`` and its ``residents`` (the seed's
        criteria name Rotherham because they were Rotherham's; the shipped wording has
        ``{place}`` and ``{residents}`` where the seed had "Rotherham" and "Rotherham Citizens")."""

        def fill(text: str) -> str:
            return text.replace("{place}", place).replace("{residents}", residents)

        return self.model_copy(
            update={
                "groups": tuple(
                    g.model_copy(update={"principle": fill(g.principle)}) for g in self.groups
                ),
                "criteria": tuple(
                    c.model_copy(update={"wording": fill(c.wording), "label": fill(c.label)})
                    for c in self.criteria
                ),
            }
        )

    def model(self, model_id: str) -> DeliveryModel:
        for model in self.models:
            if model.id == model_id:
                return model
        raise KeyError(model_id)

    @property
    def model_ids(self) -> tuple[str, ...]:
        return tuple(m.id for m in self.models)

    @property
    def criterion_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.criteria)

    @property
    def group_ids(self) -> tuple[str, ...]:
        return tuple(g.id for g in self.groups)

    def parameter(self, key: str) -> Parameter:
        try:
            return self.parameters[key]
        except KeyError:
            raise KeyError(f"no evidence parameter {key!r}") from None

    def value(self, key: str, on: dt.date) -> Any:
        return self.parameter(key).at(on).value

    def resolve(
        self, on: dt.date, overrides: Mapping[str, tuple[Any, str]] | None = None
    ) -> dict[str, ResolvedParameter]:
        """Every parameter as it applies on ``on``, with scenario overrides (value, note) on top."""
        overrides = overrides or {}
        resolved: dict[str, ResolvedParameter] = {}
        for key, parameter in sorted(self.parameters.items()):
            if key in overrides:
                value, note = overrides[key]
                resolved[key] = ResolvedParameter(
                    key=key,
                    description=parameter.description,
                    unit=parameter.unit,
                    value=value,
                    origin="scenario",
                    source="scenario override",
                    confidence=Confidence.ASSUMPTION,
                    note=note,
                )
                continue
            dated = parameter.at(on)
            note = dated.note
            if not parameter.applies_on(on):
                note = (
                    f"{note} " if note else ""
                ) + f"applied before its earliest effective date {dated.valid_from.isoformat()}"
            resolved[key] = ResolvedParameter(
                key=key,
                description=parameter.description,
                unit=parameter.unit,
                value=dated.value,
                origin="evidence",
                source=dated.source,
                confidence=dated.confidence,
                valid_from=dated.valid_from,
                note=note,
            )
        return resolved
