"""The shortlist's totals, scored per (partner set, model) pair and per unit, are the totals of
the whole score matrix to the last bit: the same shortlist, faster."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from shareplan.assessment.criteria import CRITERIA, ScoringContext, UnitTable, score
from shareplan.assessment.settings import AssessmentSettings
from shareplan.assessment.shortlist import EntryScorer
from shareplan.assessment.weights import combine, stakeholder_weights
from shareplan.evidence import EvidenceBase
from shareplan.opportunities import generate
from shareplan.scenario import Scenario, load_scenario

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "rotherham-2010"


@pytest.mark.parametrize("which", ["minimal", "rotherham"])
def test_entry_totals_equal_the_score_matrix_totals(
    which: str, minimal: Scenario, evidence: EvidenceBase
) -> None:
    scenario = minimal if which == "minimal" else load_scenario(EXAMPLE, evidence)
    settings = AssessmentSettings.resolve(scenario, evidence)
    ctx = ScoringContext.build(scenario, evidence, settings)
    weights = combine(stakeholder_weights(scenario, evidence, settings), evidence).vector(CRITERIA)
    long_list = generate(scenario, evidence)
    units = UnitTable.build([u.service_ids for u in long_list.units], scenario, evidence, settings)
    members = long_list.sets.members
    scorer = EntryScorer.build(
        ctx, units, members, long_list.admitted, weights, settings.neutral_score
    )
    compared = 0
    for block in long_list.blocks():
        if not len(block):
            continue
        rows = np.full(len(block), block.unit_index, dtype=np.int32)
        whole = score(ctx, units, rows, members[block.set_index], block.model_index)
        expected = whole.totals(weights, settings.neutral_score)
        got = scorer.totals(block.unit_index, block.set_index, block.model_index)
        assert np.array_equal(got, expected)  # bit for bit: ties are broken the same way
        compared += len(block)
    assert compared > (500 if which == "rotherham" else 0), compared
