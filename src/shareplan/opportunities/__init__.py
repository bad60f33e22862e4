"""Opportunities: the long list of service x partners x delivery model, generated and declared."""

from shareplan.opportunities.generate import (
    LongList,
    LongListCounts,
    PartnerSets,
    Unit,
    UnitBlock,
    generate,
)
from shareplan.opportunities.model import Estimates, Opportunity, opportunity_id

__all__ = [
    "Estimates",
    "LongList",
    "LongListCounts",
    "Opportunity",
    "PartnerSets",
    "Unit",
    "UnitBlock",
    "generate",
    "opportunity_id",
]
