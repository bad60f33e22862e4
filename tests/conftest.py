"""Shared fixtures: the evidence base, the minimal scenario, and scenario builders for tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from shareplan.evidence import EvidenceBase, load_evidence
from shareplan.scenario import INDICATOR_IDS, Authority, Partner, Scenario, Service, load_scenario

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def evidence() -> EvidenceBase:
    return load_evidence()


@pytest.fixture(scope="session")
def minimal(evidence: EvidenceBase) -> Scenario:
    return load_scenario(FIXTURES / "minimal", evidence)


def make_authority(**overrides: Any) -> Authority:
    data: dict[str, Any] = {
        "name": "Testborough",
        "price_base_year": 2024,
        "first_year": 2024,
        "appraisal_date": dt.date(2024, 6, 1),
        "implementation_budget": 1_000_000.0,
    }
    data.update(overrides)
    return Authority(**data)


def make_service(service_id: str, **overrides: Any) -> Service:
    data: dict[str, Any] = {
        "id": service_id,
        "name": service_id.title(),
        "directorate": "Resources",
        "kind": "back_office",
        "gross_cost": 1_000_000.0,
        "fte": 25.0,
        "track_record": 3,
        "traits": dict.fromkeys(INDICATOR_IDS, 0),
    }
    data.update(overrides)
    return Service(**data)


def make_partner(partner_id: str, sector: str, **overrides: Any) -> Partner:
    data: dict[str, Any] = {
        "id": partner_id,
        "name": partner_id.title(),
        "sector": sector,
        "geography": "sub_region",
        "affinity": 3,
    }
    data.update(overrides)
    return Partner(**data)


EXAMPLE = ROOT / "examples" / "rotherham-2010"


@pytest.fixture(scope="session")
def rotherham_outputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Rotherham example appraised once per test session, with every output written (the
    folder holds results.json, the three report files and the charts)."""
    from shareplan import pipeline

    out = tmp_path_factory.mktemp("rotherham-2010")
    appraisal = pipeline.appraise_path(EXAMPLE)
    pipeline.write_outputs(appraisal, out)
    return out


@pytest.fixture(scope="session")
def rotherham_results(rotherham_outputs: Path) -> dict[str, Any]:
    import json

    data: dict[str, Any] = json.loads((rotherham_outputs / "results.json").read_text("utf-8"))
    return data
