"""The evidence base: what shareplan knows before it reads a scenario, each figure with its source."""

from shareplan.evidence.base import (
    Confidence,
    Criterion,
    DatedValue,
    DeliveryModel,
    EvidenceBase,
    Group,
    Indicator,
    Parameter,
    PartnershipSize,
    ResolvedParameter,
    Sector,
)
from shareplan.evidence.loader import load_evidence

__all__ = [
    "Confidence",
    "Criterion",
    "DatedValue",
    "DeliveryModel",
    "EvidenceBase",
    "Group",
    "Indicator",
    "Parameter",
    "PartnershipSize",
    "ResolvedParameter",
    "Sector",
    "load_evidence",
]
