"""The suitability screen: the seed's national table (Appendix 1) applied to a service's traits.

Each service rates the fifteen indicators of the table from 0 (not at all) to 5 (strongly). The
table has three columns: consider a *public* partner, consider a *private* partner, and shared
services *probably won't be suitable*. The verdict:

* **not suitable** when any indicator of the third column is rated at or above
  ``assessment.screen.strong_indicator`` (4 by default): the seed lists each of those conditions as
  enough on its own ("probably won't be suitable for a service area if ...");
* otherwise **private** when the private column's mean rating is higher than the public column's;
* otherwise **public** (a tie goes to public: no competitive tender, and the seed's first principle
  favours public partners within the borough).

A bundle of services is screened on its services' traits combined: the mean of each public and
private indicator, and the *highest* rating of each not-suitable indicator (one unsuitable service
makes the bundle unsuitable).

The indicators that drove a verdict are those of the winning column rated at or above
``assessment.screen.driver_indicator`` (3), strongest first, in words a member can read.

An opportunity contradicts the screen when the service is not suitable (any model of sharing), or
when the screen sends the service to a public partner and the partner set includes a private firm
or a joint venture company. Contradicting opportunities are shortlisted out with that reason unless
a declared opportunity records a justification (``screen_override``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict

from shareplan.evidence.base import EvidenceBase
from shareplan.scenario.model import INDICATOR_IDS, Service

FloatArray = npt.NDArray[np.float64]
Int8Array = npt.NDArray[np.int8]
BoolArray = npt.NDArray[np.bool_]

PUBLIC, PRIVATE, NOT_SUITABLE = 0, 1, 2
VERDICTS: tuple[Literal["public", "private", "not_suitable"], ...] = (
    "public",
    "private",
    "not_suitable",
)
VERDICT_WORDS = {
    "public": "consider a public sector partner",
    "private": "consider a private sector partner",
    "not_suitable": "shared services probably won't be suitable",
}

# Reasons an entry is shortlisted out by the screen (codes 1 and 2 of :func:`contradictions`).
PASS, CONTRA_NOT_SUITABLE, CONTRA_PRIVATE_FOR_PUBLIC = 0, 1, 2
REASON_NOT_SUITABLE = "screen: shared services probably won't be suitable for this service"
REASON_PRIVATE_FOR_PUBLIC = (
    "screen: a private partner for a service the screen sends to a public sector partner"
)
REASONS = {
    CONTRA_NOT_SUITABLE: REASON_NOT_SUITABLE,
    CONTRA_PRIVATE_FOR_PUBLIC: REASON_PRIVATE_FOR_PUBLIC,
}


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class IndicatorReading(_Frozen):
    id: str
    rating: float
    points_to: str
    phrase: str


class Flag(_Frozen):
    code: str
    message: str
    excludes: bool


class Screening(_Frozen):
    """The screen's result for one opportunity (goes into results.json as ``screening``)."""

    recommendation: Literal["public", "private", "not_suitable"]
    recommendation_text: str
    because: str
    indicators: tuple[IndicatorReading, ...]
    column_means: dict[str, float]
    flags: tuple[Flag, ...]
    override: str | None
    passes: bool


def columns(evidence: EvidenceBase) -> tuple[npt.NDArray[np.intp], ...]:
    """Positions (in :data:`INDICATOR_IDS` order) of the public, private and not-suitable columns."""
    points = {i.id: i.points_to for i in evidence.indicators}
    return tuple(
        np.array([k for k, ind in enumerate(INDICATOR_IDS) if points[ind] == v], dtype=np.intp)
        for v in VERDICTS
    )


def unit_traits(services: Sequence[Service], evidence: EvidenceBase) -> FloatArray:
    """The 15 ratings of a unit: one service's own, or a bundle's combined as the module says."""
    ratings = np.array(
        [[float(s.traits.get(i, 0)) for i in INDICATOR_IDS] for s in services], dtype=np.float64
    )
    out: FloatArray = ratings.mean(axis=0)
    not_suitable = columns(evidence)[NOT_SUITABLE]
    out[not_suitable] = ratings[:, not_suitable].max(axis=0)
    return out


def verdicts(traits: FloatArray, evidence: EvidenceBase, strong: float) -> Int8Array:
    """(n,) verdict codes for (n, 15) ratings: 0 public, 1 private, 2 not suitable."""
    public, private, not_suitable = columns(evidence)
    pub = traits[:, public].mean(axis=1)
    pri = traits[:, private].mean(axis=1)
    unsuitable = traits[:, not_suitable].max(axis=1) >= strong
    return np.where(unsuitable, NOT_SUITABLE, np.where(pri > pub, PRIVATE, PUBLIC)).astype(np.int8)


def contradictions(verdict: Int8Array, has_private: BoolArray) -> Int8Array:
    """Per entry: 0 passes, 1 the service is not suitable, 2 private partner for a public verdict."""
    out = np.zeros(verdict.shape, dtype=np.int8)
    out[verdict == NOT_SUITABLE] = CONTRA_NOT_SUITABLE
    out[(verdict == PUBLIC) & has_private] = CONTRA_PRIVATE_FOR_PUBLIC
    return out


def drivers(
    traits: FloatArray, verdict: int, evidence: EvidenceBase, threshold: float
) -> tuple[IndicatorReading, ...]:
    """The indicators of the verdict's column rated at or above ``threshold``, strongest first."""
    column = VERDICTS[verdict]
    readings = [
        IndicatorReading(
            id=ind.id, rating=float(traits[k]), points_to=ind.points_to, phrase=ind.phrase
        )
        for k, ind in ((INDICATOR_IDS.index(i.id), i) for i in evidence.indicators)
        if ind.points_to == column and traits[k] >= threshold
    ]
    readings.sort(key=lambda r: (-r.rating, INDICATOR_IDS.index(r.id)))
    return tuple(readings)


def explain_verdict(
    traits: FloatArray, evidence: EvidenceBase, strong: float, threshold: float
) -> tuple[int, tuple[IndicatorReading, ...], str, dict[str, float]]:
    """The verdict of one unit, its drivers, a member-readable sentence and the column means."""
    verdict = int(verdicts(traits[None, :], evidence, strong)[0])
    found = drivers(traits, verdict, evidence, threshold)
    if verdict == NOT_SUITABLE:
        # Name the decisive (strong) conditions even if the driver threshold were set higher.
        found = tuple(r for r in drivers(traits, verdict, evidence, min(threshold, strong)))
    means: dict[str, float] = {
        VERDICTS[v]: round(float(traits[idx].mean() if v != NOT_SUITABLE else traits[idx].max()), 3)
        for v, idx in enumerate(columns(evidence))
    }
    if found:
        because = "; ".join(r.phrase for r in found)
    elif verdict == PUBLIC:
        because = "no indicator points strongly either way; public partners are the default"
    else:
        because = "the private indicators outweigh the public ones, though none is rated highly"
    return verdict, found, because, means
