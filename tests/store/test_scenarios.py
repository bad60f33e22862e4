from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from shareplan.errors import InputError
from shareplan.evidence import EvidenceBase
from shareplan.scenario import Scenario, load_scenario
from shareplan.store import audit, scenarios
from shareplan.store.audit import Actor
from shareplan.store.database import Database
from shareplan.store.models import AuditEntry, ScenarioRecord, ScenarioRow

ROOT = Path(__file__).resolve().parents[2]
ANNE = Actor("anne@example.org", 1)
BEN = Actor("ben@example.org", 2)


@pytest.fixture(scope="module")
def rotherham(evidence: EvidenceBase) -> Scenario:
    return load_scenario(ROOT / "examples" / "rotherham-2010", evidence)


def _import(db: Database, scenario: Scenario) -> int:
    with db.session() as session:
        return scenarios.import_scenario(session, scenario, name="Rotherham", actor=ANNE).id


def test_a_stored_scenario_reads_back_equal(db: Database, rotherham: Scenario) -> None:
    sid = _import(db, rotherham)
    with db.session() as session:
        stored = session.get(ScenarioRecord, sid)
        assert stored is not None
        assert scenarios.to_scenario(stored) == rotherham
        assert len(stored.rows) == (
            len(rotherham.services)
            + len(rotherham.partners)
            + len(rotherham.bundles)
            + len(rotherham.opportunities)
            + len(rotherham.weights)
            + len(rotherham.parameters)
            + len(rotherham.background)
        )


def _service_row(session, sid: int, service_id: str) -> ScenarioRow:  # type: ignore[no-untyped-def]
    return session.scalars(
        select(ScenarioRow).where(
            ScenarioRow.scenario_id == sid,
            ScenarioRow.kind == "service",
            ScenarioRow.key == service_id,
        )
    ).one()


def test_a_stale_edit_is_refused_with_the_other_editors_values(
    db: Database, rotherham: Scenario, evidence: EvidenceBase
) -> None:
    sid = _import(db, rotherham)
    service = rotherham.services[0]
    with db.session() as session:
        loaded_version = _service_row(session, sid, service.id).version
    # Anne saves first
    with db.session() as session:
        row = _service_row(session, sid, service.id)
        mine = {**row.data, "gross_cost": 1_000_000.0}
        scenarios.update_row(
            session, row, mine, expected_version=loaded_version, actor=ANNE, evidence=evidence
        )
    # Ben saves from the page he loaded before Anne's save
    with db.session() as session:
        row = _service_row(session, sid, service.id)
        his = {**row.data, "gross_cost": 2_000_000.0}
        with pytest.raises(scenarios.Conflict) as caught:
            scenarios.update_row(
                session, row, his, expected_version=loaded_version, actor=BEN, evidence=evidence
            )
    conflict = caught.value
    assert conflict.changed_by == ANNE.email
    assert conflict.theirs["gross_cost"] == 1_000_000.0
    assert conflict.yours["gross_cost"] == 2_000_000.0
    with db.session() as session:
        row = _service_row(session, sid, service.id)
        assert row.data["gross_cost"] == 1_000_000.0  # Anne's value kept
        assert row.version == loaded_version + 1


def test_every_change_is_in_the_audit_log_with_before_and_after(
    db: Database, rotherham: Scenario, evidence: EvidenceBase
) -> None:
    sid = _import(db, rotherham)
    service = rotherham.services[1]
    with db.session() as session:
        row = _service_row(session, sid, service.id)
        scenarios.update_row(
            session,
            row,
            {**row.data, "fte": 12.5},
            expected_version=row.version,
            actor=BEN,
            evidence=evidence,
        )
    with db.session() as session:
        newest = audit.entries(session)[0]
        assert newest.actor == BEN.email and newest.user_id == BEN.user_id
        assert newest.entity == "service" and newest.entity_id == service.id
        assert newest.before is not None and newest.after is not None
        assert newest.before["fte"] == service.fte and newest.after["fte"] == 12.5
        assert newest.at is not None


def test_an_edit_the_scenario_reader_would_refuse_is_not_saved(
    db: Database, rotherham: Scenario, evidence: EvidenceBase
) -> None:
    sid = _import(db, rotherham)
    bundle = rotherham.bundles[0]
    with db.session() as session:
        row = session.scalars(
            select(ScenarioRow).where(ScenarioRow.scenario_id == sid, ScenarioRow.kind == "bundle")
        ).first()
        assert row is not None
        with pytest.raises(InputError) as caught:
            scenarios.update_row(
                session,
                row,
                {**row.data, "service_ids": [bundle.service_ids[0], "no_such_service"]},
                expected_version=row.version,
                actor=ANNE,
                evidence=evidence,
            )
    assert any("no_such_service" in str(p) for p in caught.value.problems)


def test_the_audit_log_is_append_only(db: Database, rotherham: Scenario) -> None:
    _import(db, rotherham)
    with db.session() as session:
        entry = session.scalars(select(AuditEntry)).first()
        assert entry is not None
        entry.summary = "rewritten"
        with pytest.raises(audit.AuditLogIsAppendOnly):
            session.flush()
        session.rollback()
    with db.session() as session:
        entry = session.scalars(select(AuditEntry)).first()
        assert entry is not None
        session.delete(entry)
        with pytest.raises(audit.AuditLogIsAppendOnly):
            session.flush()
        session.rollback()
