"""The tables. Scenario rows keep their fields as JSON validated by the scenario's own pydantic
models (:mod:`shareplan.scenario.model`), so the fields of a service or a partner are defined once.

Every editable record carries ``version`` (SQLAlchemy's optimistic lock: an update whose version no
longer matches fails instead of overwriting) and who last changed it and when, for the conflict page.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Double,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ROLES = ("viewer", "editor", "admin")
"""viewer: read and download; editor: change data and run appraisals; admin: also manage users."""

RECORD_KINDS = ("service", "partner", "bundle", "opportunity", "weight", "parameter")

RUN_STATES = ("queued", "running", "done", "failed")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A moment in UTC, read back with its time zone on every database (SQLite keeps none)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Stamped:
    """Who changed a record last and when; ``version`` is the optimistic lock."""

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(200), default="")

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]


class AuthorityRecord(Base):
    __tablename__ = "authorities"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    ons_code: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    scenarios: Mapped[list[ScenarioRecord]] = relationship(back_populates="authority")


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(300))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )


class Membership(Base):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "authority_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    authority_id: Mapped[int] = mapped_column(
        ForeignKey("authorities.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(20))

    user: Mapped[User] = relationship(back_populates="memberships")
    authority: Mapped[AuthorityRecord] = relationship()


class ScenarioRecord(Stamped, Base):
    """A scenario: its settings (the authority sheet) as JSON; its rows in :class:`ScenarioRow`."""

    __tablename__ = "scenarios"

    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(
        ForeignKey("authorities.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    settings: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    authority: Mapped[AuthorityRecord] = relationship(back_populates="scenarios")
    rows: Mapped[list[ScenarioRow]] = relationship(
        back_populates="scenario", cascade="all, delete-orphan", order_by="ScenarioRow.position"
    )
    runs: Mapped[list[AppraisalRun]] = relationship(
        back_populates="scenario", cascade="all, delete-orphan", order_by="AppraisalRun.id"
    )


class ScenarioRow(Stamped, Base):
    """One service, partner, bundle, declared opportunity, weight or parameter override."""

    __tablename__ = "scenario_rows"
    __table_args__ = (UniqueConstraint("scenario_id", "kind", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scenario_id: Mapped[int] = mapped_column(
        ForeignKey("scenarios.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(Integer, default=0)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)

    scenario: Mapped[ScenarioRecord] = relationship(back_populates="rows")


class AppraisalRun(Base):
    """One appraisal of a scenario: queued, running (with its stage), then done with its results
    snapshot, or failed. ``results`` is written in the same transaction that marks it done."""

    __tablename__ = "appraisal_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    scenario_id: Mapped[int] = mapped_column(
        ForeignKey("scenarios.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(20), default="queued")
    stage: Mapped[str] = mapped_column(String(200), default="")
    step: Mapped[int] = mapped_column(Integer, default=0)
    steps: Mapped[int] = mapped_column(Integer, default=0)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # the scenario as it was (large for a big authority): loaded only when a page compares runs
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON, deferred=True)
    results_schema: Mapped[str | None] = mapped_column(String(20))
    # large (megabytes for a big authority): loaded only when a page needs the results
    results: Mapped[dict[str, Any] | None] = mapped_column(JSON, deferred=True)

    scenario: Mapped[ScenarioRecord] = relationship(back_populates="runs")


class AuditEntry(Base):
    """Append-only: who did what, when, with the record before and after (see :mod:`.audit`)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(320))
    authority_id: Mapped[int | None] = mapped_column(Integer, index=True)
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(String(500), default="")
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class TrackerRecord(Base):
    """A benefits tracker (docs/tracking.md): the register made from a finished appraisal when
    Cabinet approved its projects. Its settings, projects, frozen Monte Carlo inputs, benefits and
    milestones are JSON validated by :mod:`shareplan.tracking.model` (defined once there); its
    plan lines and actuals are rows. Nothing in it changes after it is made but the actuals,
    which are only ever added."""

    __tablename__ = "trackers"

    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(
        ForeignKey("authorities.id", ondelete="CASCADE"), index=True
    )
    # the appraisal it was made from; the tracker keeps what it needs if the run is removed
    run_id: Mapped[int | None] = mapped_column(
        ForeignKey("appraisal_runs.id", ondelete="SET NULL"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    settings: Mapped[dict[str, Any]] = mapped_column(JSON)
    projects: Mapped[list[Any]] = mapped_column(JSON)
    model: Mapped[list[Any]] = mapped_column(JSON)
    benefits: Mapped[list[Any]] = mapped_column(JSON)
    milestones: Mapped[list[Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(320), default="")

    authority: Mapped[AuthorityRecord] = relationship()
    run: Mapped[AppraisalRun | None] = relationship()
    plan_lines: Mapped[list[TrackerPlanLine]] = relationship(
        back_populates="tracker", cascade="all, delete-orphan", order_by="TrackerPlanLine.id"
    )
    actuals: Mapped[list[TrackerActual]] = relationship(
        back_populates="tracker", order_by="TrackerActual.entry"
    )


class TrackerPlanLine(Base):
    """The register's plan for one project, period and category (a
    :class:`shareplan.tracking.model.PlanLine`)."""

    __tablename__ = "tracker_plan_lines"
    __table_args__ = (UniqueConstraint("tracker_id", "project", "period", "category"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tracker_id: Mapped[int] = mapped_column(
        ForeignKey("trackers.id", ondelete="CASCADE"), index=True
    )
    project: Mapped[str] = mapped_column(String(40))
    period: Mapped[str] = mapped_column(String(40))
    category: Mapped[str] = mapped_column(String(40))
    planned: Mapped[float] = mapped_column(Double)
    business_case: Mapped[float] = mapped_column(Double)
    cumulative_business_case: Mapped[float] = mapped_column(Double)
    cumulative_p10: Mapped[float] = mapped_column(Double)
    cumulative_p50: Mapped[float] = mapped_column(Double)
    cumulative_p90: Mapped[float] = mapped_column(Double)

    tracker: Mapped[TrackerRecord] = relationship(back_populates="plan_lines")


class TrackerActual(Base):
    """One loaded ledger row (a :class:`shareplan.tracking.model.Actual`) and who loaded it when.
    Append-only, like the audit log: a correction is a later entry, so the rows show what was
    known when."""

    __tablename__ = "tracker_actuals"
    __table_args__ = (UniqueConstraint("tracker_id", "entry"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tracker_id: Mapped[int] = mapped_column(
        ForeignKey("trackers.id", ondelete="CASCADE"), index=True
    )
    entry: Mapped[int] = mapped_column(Integer)
    batch: Mapped[int] = mapped_column(Integer)
    loaded: Mapped[dt.date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(300))
    source_row: Mapped[int | None] = mapped_column(Integer)
    project: Mapped[str] = mapped_column(String(40))
    period: Mapped[str] = mapped_column(String(40))
    category: Mapped[str] = mapped_column(String(40))
    amount: Mapped[float | None] = mapped_column(Double)
    date: Mapped[dt.date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    loaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    loaded_by: Mapped[str] = mapped_column(String(320), default="")

    tracker: Mapped[TrackerRecord] = relationship(back_populates="actuals")
