"""Assessment: the suitability screen, the thirteen criteria, weights from people, sensitivity.

The pipeline calls, in order: :func:`shortlist` on the long list, then :func:`assess` on the
shortlisted opportunities (again with :class:`DeliveryFacts` once the business case has run), and
the CLI's ``explain`` calls :func:`explain_ranking`.
"""

from shareplan.assessment.assess import Assessment, DeliveryFacts, assess, explain_ranking
from shareplan.assessment.criteria import CRITERIA
from shareplan.assessment.mcda import WeightedSumResult, evaluate, rank, weighted_sum
from shareplan.assessment.settings import AssessmentSettings
from shareplan.assessment.shortlist import Shortlist, shortlist
from shareplan.assessment.weights import (
    AHPResult,
    WeightSet,
    ahp,
    combine,
    stakeholder_weights,
    swing_from_ranked,
)

__all__ = [
    "CRITERIA",
    "AHPResult",
    "Assessment",
    "AssessmentSettings",
    "DeliveryFacts",
    "Shortlist",
    "WeightSet",
    "WeightedSumResult",
    "ahp",
    "assess",
    "combine",
    "evaluate",
    "explain_ranking",
    "rank",
    "shortlist",
    "stakeholder_weights",
    "swing_from_ranked",
    "weighted_sum",
]
