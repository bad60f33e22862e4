from __future__ import annotations

from pathlib import Path

import pytest

from shareplan.evidence import EvidenceBase, load_evidence
from shareplan.scenario import Scenario, load_scenario

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "minimal"


@pytest.fixture(scope="session")
def evidence() -> EvidenceBase:
    return load_evidence()


@pytest.fixture(scope="session")
def minimal(evidence: EvidenceBase) -> Scenario:
    return load_scenario(FIXTURE, evidence)
