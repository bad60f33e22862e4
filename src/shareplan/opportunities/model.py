"""An opportunity: one service (or bundle of services) x a set of partners x a delivery model."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Estimates(BaseModel):
    """Figures officers already know for a declared opportunity; they override the evidence base."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    saving_low: float | None = None
    saving_central: float | None = None
    saving_high: float | None = None
    one_off_cost: float | None = None
    lead_time_months: float | None = None

    def any(self) -> bool:
        return any(v is not None for v in self.model_dump().values())


class Opportunity(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(description="Stable: built from the unit, the model and the partners only")
    title: str
    unit_id: str = Field(description="The service or bundle the opportunity shares")
    service_ids: tuple[str, ...]
    partner_ids: tuple[str, ...]
    model: str
    declared: bool = False
    estimates: Estimates = Field(default_factory=Estimates)
    screen_override: str = ""
    notes: str = ""

    @property
    def key(self) -> tuple[tuple[str, ...], tuple[str, ...], str]:
        """What makes two opportunities the same, whatever their ids."""
        return (tuple(sorted(self.service_ids)), tuple(sorted(self.partner_ids)), self.model)


def opportunity_id(unit_id: str, model_code: str, partner_ids: tuple[str, ...]) -> str:
    """``payroll:pps:barnsley+doncaster``: readable on a command line and in a report, and stable
    because it depends on nothing but the unit, the model and the (sorted) partners."""
    base = f"{unit_id}:{model_code}"
    return f"{base}:{'+'.join(sorted(partner_ids))}" if partner_ids else base
