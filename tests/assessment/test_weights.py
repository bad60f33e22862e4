"""Weights: AHP on Saaty's published example, swing weighting, stakeholders, bad weights."""

from __future__ import annotations

import pytest

from shareplan.assessment.settings import AssessmentSettings
from shareplan.assessment.weights import (
    ahp,
    combine,
    default_weights,
    disagreement,
    stakeholder_weights,
    swing_from_ranked,
)
from shareplan.errors import InputError
from shareplan.evidence import EvidenceBase
from shareplan.scenario import Scenario
from shareplan.scenario.model import Weight

RI = (0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49)


def test_ahp_reproduces_saatys_house_example() -> None:
    """Saaty, T. L. (1990) 'How to make a decision: the analytic hierarchy process', European
    Journal of Operational Research 48, 9-26 (reprinted as chapter 1 of Saaty and Vargas, *Models,
    Methods, Concepts & Applications of the AHP*): a family choosing a house compares eight
    criteria. Published priorities (to three places) size .173, transportation .054,
    neighbourhood .188, age .018, yard .031, modern facilities .036, condition .167,
    financing .333; lambda_max = 9.669, CI = 0.238, CR = 0.169 (with RI = 1.41 for n = 8), so the
    judgements draw a warning (CR above 0.10)."""
    third, fifth, sixth, seventh, eighth = 1 / 3, 1 / 5, 1 / 6, 1 / 7, 1 / 8
    matrix = [
        [1, 5, 3, 7, 6, 6, third, 1 / 4],
        [fifth, 1, third, 5, 3, 3, fifth, seventh],
        [third, 3, 1, 6, 3, 4, 6, fifth],
        [seventh, fifth, sixth, 1, third, 1 / 4, seventh, eighth],
        [sixth, third, third, 3, 1, 1 / 2, fifth, sixth],
        [sixth, third, 1 / 4, 4, 2, 1, fifth, sixth],
        [3, 5, sixth, 7, 5, 5, 1, 1 / 2],
        [4, 7, 5, 8, 6, 6, 2, 1],
    ]
    ids = [
        "size",
        "transport",
        "neighbourhood",
        "age",
        "yard",
        "facilities",
        "condition",
        "finance",
    ]
    result = ahp(matrix, ids, RI)
    published = [0.173, 0.054, 0.188, 0.018, 0.031, 0.036, 0.167, 0.333]
    assert [round(result.weights[i], 3) for i in ids] == published
    assert result.lambda_max == pytest.approx(9.669, abs=5e-4)
    assert result.consistency_index == pytest.approx(0.238, abs=5e-4)
    assert result.consistency_ratio == pytest.approx(0.169, abs=5e-4)
    assert not result.consistent
    assert result.warning is not None and "0.169" in result.warning


def test_ahp_consistent_matrix() -> None:
    """A perfectly consistent matrix from weights 4:2:1 gives back 4/7, 2/7, 1/7 and CR 0."""
    result = ahp([[1, 2, 4], [0.5, 1, 2], [0.25, 0.5, 1]], ["a", "b", "c"], RI)
    assert [result.weights[k] for k in "abc"] == pytest.approx([4 / 7, 2 / 7, 1 / 7])
    assert result.consistency_ratio == pytest.approx(0.0, abs=1e-12)
    assert result.consistent and result.warning is None


def test_ahp_refuses_non_reciprocal() -> None:
    with pytest.raises(InputError, match="reciprocal"):
        ahp([[1, 2], [2, 1]], ["a", "b"], RI)


def test_swing_from_ranked_rules() -> None:
    """Points 100, 60, 40 -> 0.5, 0.3, 0.2. The top must be 100 and points must not rise."""
    assert swing_from_ranked([("a", 100), ("b", 60), ("c", 40)]) == pytest.approx(
        {"a": 0.5, "b": 0.3, "c": 0.2}
    )
    with pytest.raises(InputError):
        swing_from_ranked([("a", 90), ("b", 60)])
    with pytest.raises(InputError):
        swing_from_ranked([("a", 100), ("b", 40), ("c", 60)])


def test_defaults_are_normalised_per_node(minimal: Scenario, evidence: EvidenceBase) -> None:
    """Defaults 80 / 70 / 100 -> group shares 0.32 / 0.28 / 0.40; five right-services criteria at
    100 each -> 0.2 within the group, 0.064 overall; the 13 overall weights sum to 1."""
    d = default_weights(evidence, AssessmentSettings.resolve(minimal, evidence))
    assert dict(d.groups) == pytest.approx(
        {"right_services": 0.32, "right_partners": 0.28, "right_time": 0.4}
    )
    assert d.overall("track_record") == pytest.approx(0.064)
    assert d.overall("quick_win") == pytest.approx(0.4 / 3)
    assert sum(d.overall(c) for c in evidence.criterion_ids) == pytest.approx(1.0)


def _with(scenario: Scenario, rows: list[Weight]) -> Scenario:
    return scenario.model_copy(update={"weights": tuple(rows)})


def test_stakeholders_and_geometric_mean(minimal: Scenario, evidence: EvidenceBase) -> None:
    """Cabinet weights the groups 1 : 1 : 2 (shares .25, .25, .5); SLT 4 : 1 : 1 (2/3, 1/6, 1/6).
    Geometric means: services sqrt(.25 * 2/3) = .40825, partners sqrt(.25/6) = .20412,
    time sqrt(.5/6) = .28868; renormalised (sum .90105) -> .45308, .22654, .32038.
    Criteria within groups are left at the defaults (equal) for both."""
    rows = [
        Weight(stakeholder="Cabinet", target="right_services", weight=1),
        Weight(stakeholder="Cabinet", target="right_partners", weight=1),
        Weight(stakeholder="Cabinet", target="right_time", weight=2),
        Weight(stakeholder="SLT", target="right_services", weight=4),
        Weight(stakeholder="SLT", target="right_partners", weight=1),
        Weight(stakeholder="SLT", target="right_time", weight=1),
    ]
    scenario = _with(minimal, rows)
    settings = AssessmentSettings.resolve(scenario, evidence)
    sets = stakeholder_weights(scenario, evidence, settings)
    assert [s.stakeholder for s in sets] == ["Cabinet", "SLT"]
    combined = combine(sets, evidence)
    assert [combined.groups[g] for g in evidence.group_ids] == pytest.approx(
        [0.45308, 0.22654, 0.32038], abs=5e-5
    )
    spreads = disagreement(sets, list(evidence.criterion_ids))
    # Overall weights: a right-time criterion is .5/3 = .1667 for Cabinet and (1/6)/3 = .0556 for
    # SLT (spread 1/9); a right-services criterion .25/5 = .05 against (2/3)/5 = .1333 (spread
    # .0833); a right-partners one .05 against .0333. Widest: the right-time criteria, first
    # quick_win in the seed's order.
    assert spreads[0].criterion == "quick_win"
    assert spreads[0].spread == pytest.approx(1 / 9)
    assert (spreads[0].low_stakeholder, spreads[0].high_stakeholder) == ("SLT", "Cabinet")
    assert spreads[3].criterion == "track_record"
    assert spreads[3].spread == pytest.approx(2 / 15 - 0.05)


def test_bad_weights_name_sheet_and_column(minimal: Scenario, evidence: EvidenceBase) -> None:
    """Negative, all zero, unknown target and an incomplete group are all reported at once."""
    rows = [
        Weight.model_construct(stakeholder="Cabinet", target="right_services", weight=-5.0),
        Weight(stakeholder="Cabinet", target="jobs_for_all", weight=10),
        Weight(stakeholder="SLT", target="right_services", weight=0),
        Weight(stakeholder="SLT", target="right_partners", weight=0),
        Weight(stakeholder="SLT", target="right_time", weight=0),
        Weight(stakeholder="Leader", target="quick_win", weight=50),
    ]
    scenario = _with(minimal, rows)
    settings = AssessmentSettings.resolve(scenario, evidence)
    with pytest.raises(InputError) as caught:
        stakeholder_weights(scenario, evidence, settings)
    problems = caught.value.problems
    assert all(p.sheet == "weights" for p in problems)
    text = [str(p) for p in problems]
    assert any("'Cabinet'" in t and "-5" in t and "column 'weight'" in t for t in text)
    assert any("jobs_for_all" in t and "column 'target'" in t for t in text)
    assert any("'SLT'" in t and "all zero" in t and "column 'weight'" in t for t in text)
    assert any("'Leader'" in t and "clear_business_case" in t for t in text)
    assert len(problems) == 4
