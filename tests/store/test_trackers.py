"""Benefits trackers in the store (SQLite always, PostgreSQL when the URL is set): made by the
same use case as ``track start``, loaded by the same checks as ``track update``, read back equal,
actuals append-only and every load audited."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from shareplan.errors import InputError
from shareplan.evidence import EvidenceBase
from shareplan.results import Results
from shareplan.scenario import load_scenario
from shareplan.store import scenarios, trackers
from shareplan.store.audit import Actor
from shareplan.store.database import Database
from shareplan.store.models import AuditEntry, TrackerActual, TrackerRecord
from shareplan.store.runs import request_run, save_results
from shareplan.tracking import usecases
from shareplan.tracking.files import load_tracker, read_ledger, write_tracker
from shareplan.tracking.periods import Frequency

ROOT = Path(__file__).resolve().parents[2]
LEDGER = ROOT / "examples" / "rotherham-2010-tracking" / "ledger"
ANNE = Actor("anne@example.org", 1)
DECISION = dt.date(2010, 12, 15)
CREATED = dt.date(2010, 12, 16)
LOADED = dt.date(2014, 4, 20)
DRAWS = 500  # the bands' exactness is the tracking tests' business; here only the storing


def _run(db: Database, evidence: EvidenceBase, results: Results) -> int:
    with db.session() as session:
        scenario = load_scenario(ROOT / "examples" / "rotherham-2010.xlsx", evidence)
        record = scenarios.import_scenario(session, scenario, name="Rotherham", actor=ANNE)
        run = request_run(session, record, actor=ANNE)
        save_results(run, results)
        return run.id


def _start(db: Database, run_id: int, approved: tuple[str, ...]) -> int:
    from shareplan.store.models import AppraisalRun

    with db.session() as session:
        run = session.get(AppraisalRun, run_id)
        assert run is not None
        saved = trackers.start_tracker(
            session, run, approved, DECISION, actor=ANNE, draws=DRAWS, created=CREATED
        )
        return saved.id


def _load(db: Database, tracker_id: int, *names: str) -> list[usecases.Update]:
    done = []
    for name in names:
        table, problems = read_ledger(LEDGER / name)
        assert not problems and table is not None
        with db.session() as session:
            saved = session.get(TrackerRecord, tracker_id)
            assert saved is not None
            done.append(
                trackers.load_ledger(session, saved, table, name, actor=ANNE, loaded=LOADED)
            )
    return done


@pytest.fixture
def started(
    db: Database, evidence: EvidenceBase, rotherham_typed: Results
) -> tuple[Database, int, tuple[str, ...]]:
    assert rotherham_typed.chosen is not None
    approved = rotherham_typed.chosen.selected_ids
    return db, _start(db, _run(db, evidence, rotherham_typed), approved), approved


def test_a_stored_tracker_is_the_one_track_start_makes(
    started: tuple[Database, int, tuple[str, ...]], rotherham_typed: Results
) -> None:
    db, tracker_id, approved = started
    with db.session() as session:
        saved = session.get(TrackerRecord, tracker_id)
        assert saved is not None
        expected = usecases.start_from(
            rotherham_typed,
            approved,
            DECISION,
            source=trackers.run_label(saved.run),  # type: ignore[arg-type]
            frequency=Frequency.QUARTERLY,
            draws=DRAWS,
            created=CREATED,
        )
        assert trackers.tracker_of(saved) == expected
        # six projects, 42 quarters from 2010/11 Q3 to 2020/21 Q4, five lines each
        assert len(saved.plan_lines) == 6 * 42 * 5 == len(expected.plan)
        entry = session.scalars(select(AuditEntry).where(AuditEntry.entity == "tracker")).one()
        assert entry.action == "start" and entry.after is not None
        assert entry.after["approved"] == list(approved)
        assert entry.authority_id == saved.authority_id


def test_an_unknown_approved_id_is_refused_and_nothing_is_stored(
    db: Database, evidence: EvidenceBase, rotherham_typed: Results
) -> None:
    run_id = _run(db, evidence, rotherham_typed)
    with pytest.raises(InputError) as caught:
        _start(db, run_id, ("asset_mgmt:cc", "no:such", "nor:this"))
    assert [p.message for p in caught.value.problems] == [
        "'no:such' is not an opportunity in the results",
        "'nor:this' is not an opportunity in the results",
    ]
    with db.session() as session:
        assert session.scalars(select(TrackerRecord)).all() == []


def test_loaded_actuals_read_back_as_the_file_form_holds_them(
    started: tuple[Database, int, tuple[str, ...]], tmp_path: Path
) -> None:
    db, tracker_id, _ = started
    with db.session() as session:
        saved = session.get(TrackerRecord, tracker_id)
        assert saved is not None
        write_tracker(trackers.tracker_of(saved), tmp_path / "tracker")
    [done] = _load(db, tracker_id, "2011-12-q1.csv")
    by_file = usecases.update(tmp_path / "tracker", LEDGER / "2011-12-q1.csv", LOADED)
    assert done == by_file
    assert done.added == 6 and done.batch == 1 and done.corrections == 0
    with db.session() as session:
        saved = session.get(TrackerRecord, tracker_id)
        assert saved is not None
        stored = trackers.tracker_of(saved)
        from_file = load_tracker(tmp_path / "tracker")
        assert stored.actuals == from_file.actuals
        assert stored == from_file
        entry = session.scalars(select(AuditEntry).where(AuditEntry.entity == "actuals")).one()
        assert entry.action == "load"
        assert entry.after == {
            "tracker": saved.name,
            "file": "2011-12-q1.csv",
            "load": 1,
            "rows": 6,
            "corrections": 0,
        }


def test_a_correction_is_a_new_row_and_the_earlier_figure_stays(
    started: tuple[Database, int, tuple[str, ...]],
) -> None:
    db, tracker_id, _ = started
    first, second = _load(db, tracker_id, "2012-13-q1.csv", "2012-13-q2.csv")
    assert (first.corrections, second.corrections) == (0, 1)
    key = ("SS05", "2012/13 Q1", "cashable_saving")
    with db.session() as session:
        saved = session.get(TrackerRecord, tracker_id)
        assert saved is not None
        now = trackers.tracker_of(saved).current_actuals()[key]
        then = trackers.tracker_of(saved, as_at_entry=first.added).current_actuals()[key]
        assert then.batch == 1 and now.batch == 2
        assert now.amount == pytest.approx(2 * then.amount)  # type: ignore[operator]
        history = [a for a in saved.actuals if (a.project, a.period, a.category) == key]
        assert [a.batch for a in history] == [1, 2]
        assert [(x.batch, x.rows, x.corrections) for x in trackers.loads(saved)] == [
            (2, second.added, 1),
            (1, first.added, 0),
        ]
        assert trackers.last_entry(session, tracker_id) == first.added + second.added


def test_a_bad_extract_loads_nothing_and_names_every_problem(
    started: tuple[Database, int, tuple[str, ...]], tmp_path: Path
) -> None:
    db, tracker_id, _ = started
    text = (LEDGER / "2011-12-q1.csv").read_text("utf-8").splitlines()
    bad = [text[0], text[1].replace("SS01", "SS09", 1), text[2], text[2], *text[3:]]
    (tmp_path / "bad.csv").write_text("\n".join(bad) + "\n", encoding="utf-8")
    table, _ = read_ledger(tmp_path / "bad.csv")
    assert table is not None
    with db.session() as session:
        saved = session.get(TrackerRecord, tracker_id)
        assert saved is not None
        with pytest.raises(InputError) as caught:
            trackers.load_ledger(session, saved, table, "bad.csv", actor=ANNE, loaded=LOADED)
    found = [(p.row, p.column, p.message.split(" (")[0]) for p in caught.value.problems]
    assert found == [
        (2, "project", "unknown project 'SS09'"),
        (4, "period", "SS02 2011/12 Q1 one_off_cost is also on row 3"),
    ]
    with db.session() as session:
        assert session.scalars(select(TrackerActual)).all() == []
        assert session.scalars(select(AuditEntry).where(AuditEntry.entity == "actuals")).all() == []


def test_loaded_actuals_cannot_be_changed_or_removed(
    started: tuple[Database, int, tuple[str, ...]],
) -> None:
    db, tracker_id, _ = started
    _load(db, tracker_id, "2011-12-q1.csv")
    with pytest.raises(trackers.ActualsAreAppendOnly), db.session() as session:
        row = session.scalars(select(TrackerActual)).first()
        assert row is not None
        row.amount = 1.0
    with pytest.raises(trackers.ActualsAreAppendOnly), db.session() as session:
        row = session.scalars(select(TrackerActual)).first()
        session.delete(row)


def test_a_backup_keeps_a_tracker_and_its_history(
    started: tuple[Database, int, tuple[str, ...]], tmp_path: Path
) -> None:
    from shareplan.store import backup

    db, tracker_id, _ = started
    _load(db, tracker_id, "2012-13-q1.csv", "2012-13-q2.csv")
    with db.session() as session:
        saved = session.get(TrackerRecord, tracker_id)
        assert saved is not None
        before = trackers.tracker_of(saved)
    counts = backup.backup(db, tmp_path / "store.backup")
    assert counts["tracker_actuals"] == len(before.actuals) and counts["tracker_plan_lines"] > 0
    other = Database(f"sqlite:///{tmp_path / 'restored.db'}")
    backup.restore(other, tmp_path / "store.backup")
    with other.session() as session:
        restored = session.get(TrackerRecord, tracker_id)
        assert restored is not None
        assert trackers.tracker_of(restored) == before
    other.dispose()
