"""Scenarios in the store: importing one whole, reading it back as a :class:`Scenario`, and editing
its rows one at a time with optimistic locking and an audit entry for every change.

A change is checked by the same readers as ``shareplan validate`` (the scenario is written out and
read back), so the web app can never hold a scenario the command line would refuse.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from shareplan.errors import InputError, Problem
from shareplan.evidence import EvidenceBase
from shareplan.pipeline import check_appraisal_inputs
from shareplan.scenario import (
    Authority,
    BackgroundPaper,
    Bundle,
    DeclaredOpportunity,
    ParameterOverride,
    Partner,
    Scenario,
    Service,
    Weight,
    load_scenario,
    save_scenario,
)
from shareplan.store.audit import Actor, record
from shareplan.store.models import AuthorityRecord, ScenarioRecord, ScenarioRow, utcnow
from shareplan.store.users import authority_named


@dataclass(frozen=True)
class Kind:
    """One kind of scenario row: its name in the scenario, its model and how it is keyed."""

    name: str
    field: str
    model: type[BaseModel]
    label: str

    def key(self, item: BaseModel) -> str:
        if isinstance(item, Weight):
            return f"{item.stakeholder}/{item.target}"
        if isinstance(item, ParameterOverride):
            return item.key
        if isinstance(item, BackgroundPaper):
            return item.title
        return str(getattr(item, "id"))  # noqa: B009 - every other kind has an id


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind("service", "services", Service, "Services"),
        Kind("partner", "partners", Partner, "Partners"),
        Kind("bundle", "bundles", Bundle, "Bundles"),
        Kind("opportunity", "opportunities", DeclaredOpportunity, "Declared opportunities"),
        Kind("weight", "weights", Weight, "Weights"),
        Kind("parameter", "parameters", ParameterOverride, "Parameter overrides"),
        Kind("background", "background", BackgroundPaper, "Background papers"),
    )
}


@dataclass(frozen=True)
class Conflict(Exception):
    """Someone saved the record after this editor loaded it."""

    entity: str
    label: str
    theirs: dict[str, Any]
    yours: dict[str, Any]
    changed_by: str
    changed_at: dt.datetime
    version: int


def problems_of(error: ValidationError, sheet: str) -> list[Problem]:
    """pydantic's complaints as problems naming the field (the form's input of that name)."""
    out = []
    for e in error.errors():
        loc = [str(part) for part in e["loc"]]
        out.append(Problem(e["msg"], sheet=sheet, column=".".join(loc) or None))
    return out


def _validated(kind: Kind, data: dict[str, Any]) -> BaseModel:
    try:
        return kind.model.model_validate(data)
    except ValidationError as exc:
        raise InputError(problems_of(exc, kind.field)) from None


def to_scenario(record: ScenarioRecord) -> Scenario:
    lists: dict[str, list[dict[str, Any]]] = {k.field: [] for k in KINDS.values()}
    for row in record.rows:
        lists[KINDS[row.kind].field].append(row.data)
    try:
        return Scenario.model_validate({"authority": record.settings, **lists})
    except ValidationError as exc:
        raise InputError(problems_of(exc, "scenario")) from None


def check(scenario: Scenario, evidence: EvidenceBase) -> list[Problem]:
    """What ``shareplan validate`` would say about ``scenario``: it is written as CSV files and read
    back by the scenario reader, then checked against the evidence."""
    with tempfile.TemporaryDirectory(prefix="shareplan-check-") as tmp:
        folder = Path(tmp) / "scenario"
        try:
            save_scenario(scenario, folder, evidence)
            reread = load_scenario(folder, evidence)
        except InputError as exc:
            return [
                Problem(p.message, None, p.sheet, p.row, p.column, p.allowed) for p in exc.problems
            ]
    return check_appraisal_inputs(reread, evidence)


def import_scenario(
    session: Session,
    scenario: Scenario,
    *,
    name: str,
    actor: Actor,
    authority: AuthorityRecord | None = None,
) -> ScenarioRecord:
    """Store a whole scenario in the caller's transaction (all its rows, or none)."""
    authority = authority or authority_named(
        session, scenario.authority.name, scenario.authority.ons_code
    )
    record_ = ScenarioRecord(
        authority_id=authority.id,
        name=name,
        settings=scenario.authority.model_dump(mode="json"),
        updated_by=actor.email,
    )
    session.add(record_)
    position = 0
    for kind in KINDS.values():
        for item in getattr(scenario, kind.field):
            position += 1
            record_.rows.append(
                ScenarioRow(
                    kind=kind.name,
                    key=kind.key(item),
                    position=position,
                    data=item.model_dump(mode="json"),
                    updated_by=actor.email,
                )
            )
    session.flush()
    record(
        session,
        actor,
        "import",
        "scenario",
        record_.id,
        authority_id=authority.id,
        after={"name": name, "rows": len(record_.rows)},
        summary=f"imported scenario {name!r} ({len(record_.rows)} rows)",
    )
    return record_


def scenarios_of(session: Session, authority_ids: list[int]) -> list[ScenarioRecord]:
    query = (
        select(ScenarioRecord)
        .where(ScenarioRecord.authority_id.in_(authority_ids))
        .order_by(ScenarioRecord.id)
    )
    return list(session.scalars(query))


def _stamp(target: ScenarioRecord | ScenarioRow, actor: Actor) -> None:
    target.updated_by = actor.email
    target.updated_at = utcnow()


def _check_version(
    target: ScenarioRecord | ScenarioRow, expected: int, yours: dict[str, Any], label: str
) -> None:
    if target.version != expected:
        theirs = target.settings if isinstance(target, ScenarioRecord) else target.data
        raise Conflict(
            entity="scenario" if isinstance(target, ScenarioRecord) else target.kind,
            label=label,
            theirs=dict(theirs),
            yours=yours,
            changed_by=target.updated_by,
            changed_at=target.updated_at,
            version=target.version,
        )


def _refuse_if_invalid(record_: ScenarioRecord, evidence: EvidenceBase) -> None:
    problems = check(to_scenario(record_), evidence)
    if problems:
        raise InputError(problems)


def update_row(
    session: Session,
    row: ScenarioRow,
    data: dict[str, Any],
    *,
    expected_version: int,
    actor: Actor,
    evidence: EvidenceBase,
) -> ScenarioRow:
    """Replace a row's fields if nobody changed it since ``expected_version`` was read."""
    kind = KINDS[row.kind]
    _check_version(row, expected_version, data, f"{kind.label[:-1].lower()} {row.key}")
    item = _validated(kind, data)
    before = dict(row.data)
    row.data = item.model_dump(mode="json")
    row.key = kind.key(item)
    _stamp(row, actor)
    _refuse_if_invalid(row.scenario, evidence)
    session.flush()
    record(
        session,
        actor,
        "update",
        row.kind,
        row.key,
        authority_id=row.scenario.authority_id,
        before=before,
        after=row.data,
        summary=f"changed {row.kind} {row.key} in scenario {row.scenario.name!r}",
    )
    return row


def add_row(
    session: Session,
    record_: ScenarioRecord,
    kind_name: str,
    data: dict[str, Any],
    *,
    actor: Actor,
    evidence: EvidenceBase,
) -> ScenarioRow:
    kind = KINDS[kind_name]
    item = _validated(kind, data)
    key = kind.key(item)
    if any(r.kind == kind_name and r.key == key for r in record_.rows):
        raise InputError([Problem(f"{key!r} is already in the scenario", column="id")])
    row = ScenarioRow(
        kind=kind_name,
        key=key,
        position=max((r.position for r in record_.rows), default=0) + 1,
        data=item.model_dump(mode="json"),
        updated_by=actor.email,
    )
    record_.rows.append(row)
    _refuse_if_invalid(record_, evidence)
    session.flush()
    record(
        session,
        actor,
        "create",
        kind_name,
        key,
        authority_id=record_.authority_id,
        after=row.data,
        summary=f"added {kind_name} {key} to scenario {record_.name!r}",
    )
    return row


def delete_row(
    session: Session,
    row: ScenarioRow,
    *,
    expected_version: int,
    actor: Actor,
    evidence: EvidenceBase,
) -> None:
    record_ = row.scenario
    _check_version(row, expected_version, {}, f"{row.kind} {row.key}")
    before = dict(row.data)
    record_.rows.remove(row)
    _refuse_if_invalid(record_, evidence)
    session.flush()
    record(
        session,
        actor,
        "delete",
        row.kind,
        row.key,
        authority_id=record_.authority_id,
        before=before,
        summary=f"removed {row.kind} {row.key} from scenario {record_.name!r}",
    )


def update_settings(
    session: Session,
    record_: ScenarioRecord,
    data: dict[str, Any],
    *,
    expected_version: int,
    actor: Actor,
    evidence: EvidenceBase,
) -> ScenarioRecord:
    _check_version(record_, expected_version, data, f"settings of {record_.name}")
    try:
        authority = Authority.model_validate(data)
    except ValidationError as exc:
        raise InputError(problems_of(exc, "authority")) from None
    before = dict(record_.settings)
    record_.settings = authority.model_dump(mode="json")
    _stamp(record_, actor)
    _refuse_if_invalid(record_, evidence)
    session.flush()
    record(
        session,
        actor,
        "update",
        "scenario",
        record_.id,
        authority_id=record_.authority_id,
        before=before,
        after=record_.settings,
        summary=f"changed the settings of scenario {record_.name!r}",
    )
    return record_
