"""Shared fixtures: the evidence base, the minimal scenario, and scenario builders for tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from shareplan.evidence import EvidenceBase, load_evidence
from shareplan.results import Results
from shareplan.scenario import INDICATOR_IDS, Authority, Partner, Scenario, Service, load_scenario

if TYPE_CHECKING:
    from shareplan.pipeline import AppraisalRun

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
def rotherham_run() -> AppraisalRun:
    """The Rotherham example appraised once per test session."""
    from shareplan import pipeline

    return pipeline.appraise_path(EXAMPLE)


@pytest.fixture(scope="session")
def rotherham_outputs(
    rotherham_run: AppraisalRun, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """Every output of the Rotherham run written (the folder holds results.json, the three report
    files and the charts)."""
    from shareplan import pipeline

    out = tmp_path_factory.mktemp("rotherham-2010")
    pipeline.write_outputs(rotherham_run, out)
    return out


@pytest.fixture(scope="session")
def rotherham_results(rotherham_outputs: Path) -> dict[str, Any]:
    import json

    data: dict[str, Any] = json.loads((rotherham_outputs / "results.json").read_text("utf-8"))
    return data


def appraise_minimal(evidence: EvidenceBase, **authority: Any) -> Results:
    """The minimal scenario (three services, two partners) appraised by the pipeline, with the
    authority's settings changed as given: the small results the report and command tests use
    in place of a hand-made file."""
    from shareplan import pipeline

    scenario = load_scenario(FIXTURES / "minimal", evidence)
    if authority:
        changed = scenario.authority.model_copy(update=authority)
        scenario = scenario.model_copy(update={"authority": changed})
    run = pipeline.appraise(scenario, source="tests/fixtures/minimal", evidence=evidence)
    return pipeline.results_of(run)


@pytest.fixture(scope="session")
def small_results(evidence: EvidenceBase) -> Results:
    """The minimal scenario with one priority project (its shortlist is three ways of sharing
    payroll): a feasible programme, every block filled."""
    return appraise_minimal(evidence, priority_projects=1)


@pytest.fixture(scope="session")
def infeasible_results(evidence: EvidenceBase) -> Results:
    """The minimal scenario as it is: six priority projects asked of a shortlist of three, so no
    programme meets the rules."""
    return appraise_minimal(evidence)


@pytest.fixture(scope="session")
def rotherham_typed(rotherham_outputs: Path) -> Results:
    """The Rotherham results.json as every reader opens it."""
    from shareplan.results import read_results

    return read_results(rotherham_outputs / "results.json")
