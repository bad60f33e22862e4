"""County scale: the parallel screen gives exactly the one-pass shortlist."""

from __future__ import annotations

from pathlib import Path

import pytest

from shareplan import pipeline
from shareplan.assessment.shortlist import shortlist
from shareplan.evidence import EvidenceBase, load_evidence
from shareplan.opportunities import generate
from shareplan.scenario import load_scenario

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "rotherham-2010"


@pytest.fixture(scope="module")
def evidence() -> EvidenceBase:
    return load_evidence()


def test_screen_in_worker_blocks_equals_one_pass(
    monkeypatch: pytest.MonkeyPatch, evidence: EvidenceBase
) -> None:
    """Each unit's entries are screened and cut on their own, so blocks of units screened in
    worker processes (each building its own copy of the long list) give exactly one pass's
    shortlist: the same opportunities in the same order, the same counts by reason and model."""
    scenario = load_scenario(EXAMPLE, evidence)
    long_list = generate(scenario, evidence)
    one_pass = shortlist(long_list, scenario, evidence)
    monkeypatch.setattr(pipeline, "SCREEN_PARALLEL_FROM", 1)
    monkeypatch.setattr(pipeline, "UNIT_BLOCK", 7)
    monkeypatch.setattr(pipeline.os, "sched_getaffinity", lambda _: {0, 1})
    told: list[str] = []
    blocks = pipeline.screen_long_list(scenario, long_list, evidence, told.append)
    assert blocks == one_pass
    assert [o.id for o in blocks.opportunities] == [o.id for o in one_pass.opportunities]
    n = len(long_list.units)
    assert told[0] == f"Screening and shortlisting (7 of {n:,} services)"
    assert told[-1] == f"Screening and shortlisting ({n:,} of {n:,} services)"
