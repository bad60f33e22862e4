"""The tracker's two forms, the ledger extract's checks (every problem at once, nothing loaded) and
corrections that keep the history."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from typer.testing import CliRunner

from shareplan.cli import app
from shareplan.errors import InputError
from shareplan.results import Results
from shareplan.tracking.baseline import approved_cases, start_tracker
from shareplan.tracking.files import load_tracker, write_tracker
from shareplan.tracking.model import Category, Tracker
from shareplan.tracking.periods import Frequency, label_of
from shareplan.tracking.usecases import update

LOADED = dt.date(2012, 7, 15)
HEADER = "project,period,category,amount,date,note\n"


@pytest.fixture()
def folder(tracker: Tracker, tmp_path: Path) -> Path:
    return write_tracker(tracker, tmp_path / "tracker")


def test_both_forms_round_trip(tracker: Tracker, tmp_path: Path) -> None:
    """The workbook and the CSV folder read back to the same tracker, every figure exact; the
    workbook's notes sheet explains every column and is skipped on reading."""
    from openpyxl import load_workbook

    book = write_tracker(tracker, tmp_path / "t.xlsx")
    assert load_tracker(book) == tracker
    assert load_tracker(write_tracker(tracker, tmp_path / "t")) == tracker
    notes = [tuple(c.value for c in row) for row in load_workbook(book)["notes"].iter_rows()]
    assert any(n[:3] == ("actuals", "category", "Category or milestone") for n in notes)
    assert any(n[0] == "ledger extract" and n[1] == "amount" for n in notes)


def _ledger(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "ledger.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_every_bad_row_is_reported_and_nothing_is_loaded(folder: Path, tmp_path: Path) -> None:
    """One extract with each mistake the issue lists (unknown project, a period before the
    decision, a duplicate period, an amount in the wrong column, both ways) and a figure that is
    not a number: every one named by file, sheet, row and column, and the tracker unchanged."""
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    path = _ledger(
        tmp_path,
        (
            "SS01,2011/12 Q1,one_off_cost,40000,,\n"  # row 2: fine
            "SS99,2011/12 Q1,one_off_cost,40000,,\n"  # row 3: unknown project
            "SS01,2010/11 Q2,one_off_cost,40000,,\n"  # row 4: before the decision
            "SS01,2011/12 Q1,one_off_cost,1000,,\n"  # row 5: duplicate of row 2
            "SS02,2012/13 Q1,cashable_saving,,2012-05-01,\n"  # row 6: a date where the amount goes
            "SS02,2012/13 Q1,go_live,5000,,\n"  # row 7: an amount where the date goes
            "SS02,2011/12 Q4,cashable_saving,12k,,\n"  # row 8: not a number
        ),
    )
    with pytest.raises(InputError) as caught:
        update(folder, path, LOADED)
    found = {(p.row, p.column) for p in caught.value.problems}
    assert found == {
        (3, "project"),
        (4, "period"),
        (5, "period"),
        (6, "date"),
        (7, "amount"),
        (8, "amount"),
    }
    for problem in caught.value.problems:
        assert problem.file == str(path) and problem.sheet == "ledger"
    messages = " ".join(p.message for p in caught.value.problems)
    assert "unknown project 'SS99'" in messages
    assert "before Cabinet's decision of 2010-12-15" in messages
    assert "also on row 2" in messages
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_a_workbook_extract_names_its_sheet_and_a_future_period(
    folder: Path, tmp_path: Path
) -> None:
    """An .xlsx extract: the problem names the sheet; a period that has not begun is refused."""
    book = Workbook()
    sheet = book.active
    sheet.title = "actuals"
    sheet.append(["project", "period", "category", "amount", "date", "note"])
    sheet.append(["SS01", "2013/14 Q1", "cashable_saving", 100, None, None])
    path = tmp_path / "ledger.xlsx"
    book.save(path)
    with pytest.raises(InputError) as caught:
        update(folder, path, LOADED)
    (problem,) = caught.value.problems
    assert (problem.sheet, problem.row, problem.column) == ("actuals", 2, "period")
    assert "has not begun" in problem.message


def test_a_correction_keeps_the_earlier_figure(folder: Path, tmp_path: Path) -> None:
    """Q1 costs loaded as £40,000, then corrected to £42,500 in a later extract: the tracker holds
    both entries; the current figure is the later one, and as at the first load the earlier."""
    first = update(folder, _ledger(tmp_path, "SS01,2011/12 Q1,one_off_cost,40000,,\n"), LOADED)
    second = update(
        folder, _ledger(tmp_path, "SS01,2011/12 Q1,one_off_cost,42500,,\n"), dt.date(2012, 8, 1)
    )
    assert (first.added, first.corrections, second.added, second.corrections) == (1, 0, 1, 1)
    tracker = load_tracker(folder)
    history = [(a.batch, a.amount) for a in tracker.actuals]
    assert history == [(1, 40000.0), (2, 42500.0)]
    assert tracker.current_actuals()[("SS01", "2011/12 Q1", "one_off_cost")].amount == 42500.0
    assert (
        tracker.current_actuals(as_at_entry=1)[("SS01", "2011/12 Q1", "one_off_cost")].amount
        == 40000.0
    )


def test_the_command_exits_2_and_lists_the_problems(folder: Path, tmp_path: Path) -> None:
    path = _ledger(tmp_path, "SS77,2011/12 Q1,one_off_cost,1,,\n")
    result = CliRunner().invoke(app, ["track", "update", str(folder), str(path)])
    assert result.exit_code == 2
    assert "row 2" in result.output and "unknown project 'SS77'" in result.output


def test_start_refuses_an_unknown_id_and_an_existing_tracker(
    rotherham_outputs: Path, folder: Path, tmp_path: Path
) -> None:
    results = str(rotherham_outputs / "results.json")
    runner = CliRunner()
    bad = runner.invoke(
        app,
        [
            "track",
            "start",
            results,
            "--approved",
            "nope",
            "--decision-date",
            "2010-12-15",
            "--out",
            str(tmp_path / "new"),
        ],
    )
    assert bad.exit_code == 2 and "'nope' is not an opportunity" in bad.output
    again = runner.invoke(
        app,
        [
            "track",
            "start",
            results,
            "--approved",
            "rev_bens:cc",
            "--decision-date",
            "2010-12-15",
            "--out",
            str(folder),
        ],
    )
    assert again.exit_code == 2 and "already there" in again.output


def test_a_monthly_register_adds_up_to_the_quarterly_one(
    rotherham_typed: Results,
) -> None:
    """The same business case by month and by quarter: each quarter's business-case figure is the
    sum of its three months, for every line (the model is exact at any month)."""
    ids = ["rev_bens:cc", "youth_services:ct:sy_police+var"]
    found = approved_cases(rotherham_typed, ids, "results.json")
    day = dt.date(2010, 12, 15)
    monthly = start_tracker(found, day, Frequency.MONTHLY, draws=200)
    quarterly = start_tracker(found, day, Frequency.QUARTERLY, draws=200)
    months: dict[tuple[str, str, str], float] = {}
    for x in monthly.plan:
        if x.category is not Category.FTE_RELEASED:
            year, month = int(x.period[:4]), int(x.period[5:])
            label = label_of(dt.date(year, month - (month - 1) % 3, 1), Frequency.QUARTERLY, True)
            key = (x.project, label, x.category.value)
            months[key] = months.get(key, 0.0) + x.business_case
    checked = 0
    for x in quarterly.plan:
        if x.category is not Category.FTE_RELEASED:
            assert months[(x.project, x.period, x.category.value)] == pytest.approx(
                x.business_case, rel=1e-9, abs=1e-6
            )
            checked += 1
    assert checked == 2 * 4 * 42  # 2010/11 Q3 to 2020/21 Q4


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    project=st.sampled_from(["SS01", "SS06", "ss01", "", "SS 01", "SS99"]),
    period=st.sampled_from(["2011/12 Q1", "2012/13 Q4", "2010/11 Q2", "2030/31 Q1", "Q1", ""]),
    category=st.sampled_from(["cashable_saving", "go_live", "one-off cost", "profit", ""]),
    amount=st.one_of(st.just(""), st.text(max_size=8), st.floats(allow_nan=True).map(str)),
    day=st.sampled_from(["", "2012-05-01", "2009-01-01", "31/12/2012", "2031-01-01"]),
)
def test_any_ledger_row_is_loaded_or_refused_with_its_row(
    tracker: Tracker, project: str, period: str, category: str, amount: str, day: str
) -> None:
    """Whatever a ledger row holds, the extract is either loaded or refused with problems that
    name row 2 and a column (a row of blanks: the extract has no rows), never a traceback."""
    import csv
    import io

    from shareplan.scenario.tables import RawRow, RawTable
    from shareplan.tracking.actuals import load_actuals

    buffer = io.StringIO()
    csv.writer(buffer).writerow([project, period, category, amount, day, ""])
    values = next(csv.reader(io.StringIO(buffer.getvalue())))
    names = ("project", "period", "category", "amount", "date", "note")
    table = RawTable(
        "ledger", "ledger.csv", names, (RawRow(2, dict(zip(names, values, strict=False))),)
    )
    try:
        added = load_actuals(tracker, table, "ledger.csv", LOADED)
    except InputError as exc:
        if not any(v.strip() for v in values):
            assert [p.message for p in exc.problems] == ["the extract has no rows"]
        else:
            assert all(p.row == 2 and p.column in names for p in exc.problems), exc.problems
    else:
        assert len(added) == 1 and added[0].source_row == 2
