"""The assessment's blocks: each opportunity's screen and scores, the stakeholders' weights and
rankings, and how firm the ranking is."""

from __future__ import annotations

from typing import Literal

from shareplan.assessment.screening import Screening
from shareplan.results.base import Number, Record

__all__ = [
    "CriterionScore",
    "Firmness",
    "GroupScore",
    "NextComparison",
    "RankReversal",
    "Scores",
    "Screening",
    "Sensitivity",
    "Stakeholders",
]


class CriterionScore(Record):
    """One criterion's score for one opportunity. ``score`` is ``None`` when missing or not
    applicable; ``counted_as`` is what the total used (the neutral score then)."""

    group: str
    score: float | None
    status: Literal["scored", "provisional", "missing", "not_applicable"]
    counted_as: float
    weight: float
    weighted: float
    rationale: str


class GroupScore(Record):
    weight: float
    score: float | None
    weighted: float


class Difference(Record):
    """How much one criterion adds to the gap between two opportunities (weighted points)."""

    criterion: str
    difference: float
    upper_weighted: float
    lower_weighted: float


class RankReversal(Record):
    """For two neighbours in the ranking, the smallest single weight change that swaps them
    (``weight`` is ``None`` when no single weight can)."""

    rank: int
    upper: str
    lower: str
    gap: float
    level: str | None
    weight: str | None
    current_share: float | None
    switching_share: float | None
    overall_change: float | None


class NextComparison(Record):
    """Why an opportunity outranks the next one down (for the last, why the one above outranks
    it), and the weight change that would level them."""

    upper: str
    lower: str
    gap: float
    differences: tuple[Difference, ...]
    swap: RankReversal | None
    summary: str


class Firmness(Record):
    """The probability of being in the top N as the weights vary, and the expected rank."""

    p_top_n: float
    top_n: int
    expected_rank: float


class Scores(Record):
    """An opportunity's scores against the criteria, its total and rank."""

    criteria: dict[str, CriterionScore]
    groups: dict[str, GroupScore]
    total: float
    rank: int
    rank_by_stakeholder: dict[str, int]
    missing: tuple[str, ...]
    compared_with_next: NextComparison | None = None
    firmness: Firmness | None = None


class WeightSet(Record):
    """One stakeholder's weights (or the combined ones): shares of groups, of criteria within
    their group and overall, and the points given."""

    stakeholder: str
    groups: dict[str, float]
    criteria_within_group: dict[str, float]
    criteria_overall: dict[str, float]
    points: dict[str, Number]


class WeightSpread(Record):
    criterion: str
    lowest: float
    highest: float
    spread: float
    lowest_by: str
    highest_by: str


class RankSpread(Record):
    opportunity: str
    ranks: dict[str, int]
    spread: int


class Stakeholders(Record):
    stakeholders: tuple[WeightSet, ...]
    combined: WeightSet
    combination: str
    rankings: dict[str, tuple[str, ...]]
    combined_ranking: tuple[str, ...]
    weights_disagree_most: tuple[WeightSpread, ...]
    rankings_disagree_most: tuple[RankSpread, ...]


class Swap(Record):
    """Who enters and who leaves the top N beyond one end of a stable interval."""

    enters: str
    leaves: str | None


class StabilityInterval(Record):
    level: str
    weight: str
    current_share: float
    stable_from: float
    stable_to: float
    overall_current: float
    overall_from: float
    overall_to: float
    below_from: Swap | None
    above_to: Swap | None


class WeightStability(Record):
    method: str
    intervals: tuple[StabilityInterval, ...]


class Acceptability(Record):
    p_top_n: float
    expected_rank: float
    rank_acceptability: tuple[float, ...]
    beyond_shown: float


class SMAA(Record):
    """Stochastic multicriteria acceptability: each opportunity's chance of each rank."""

    method: str
    samples: int
    seed: int
    top_n: int
    ranks_shown: int
    options: dict[str, Acceptability]


class Sensitivity(Record):
    top_n: int
    top: tuple[str, ...]
    weight_stability: WeightStability
    rank_reversal: tuple[RankReversal, ...]
    smaa: SMAA
    smaa_stakeholder_ranges: SMAA | None
