"""The importer against the official MHCLG workbooks, the tidy CSV form, and bad input."""

from __future__ import annotations

import io
import math
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shareplan.benchmarking.outturn import LINE_IDS, OutturnRecord, reconcile_totals
from shareplan.benchmarking.readers import (
    ImportResult,
    read_outturn_file,
    read_tidy_csv,
    write_wide_csv,
)
from shareplan.benchmarking.store import (
    NationalData,
    load_authorities,
    load_outturn,
    shipped_records,
    store_import,
)
from shareplan.errors import InputError

# Rotherham (MD), Copeland (shire district), Kent (county), Camden (London borough).
SAMPLE = ("E08000018", "E07000029", "E10000016", "E09000007")


def test_importer_equals_shipped_csv_for_sample(workbook: ImportResult) -> None:
    """Every line of the four sample councils equals the shipped figure, blank for blank."""
    (year,) = workbook.years
    shipped = {(r.year, r.code): r for r in shipped_records()}
    by_code = {r.code: r for r in workbook.records}
    compared = 0
    for code in SAMPLE:
        read, ship = by_code[code], shipped[(year, code)]
        for line in LINE_IDS:
            a, b = read.values.get(line), ship.values.get(line)
            assert (a is None) == (b is None), (year, code, line)
            if a is not None and b is not None:
                assert a == pytest.approx(b, abs=1e-9), (year, code, line)
                compared += 1
    assert compared >= 40


def test_importer_equals_shipped_csv_everywhere(workbook: ImportResult) -> None:
    """Not just the sample: all councils and lines of the year agree."""
    (year,) = workbook.years
    shipped = {(r.year, r.code): r for r in shipped_records() if r.year == year}
    assert {r.code for r in workbook.records} == {c for _, c in shipped}
    for r in workbook.records:
        ship = shipped[(year, r.code)]
        for line, value in r.values.items():
            other = ship.values.get(line)
            assert (value is None) == (other is None)
            if value is not None and other is not None:
                assert math.isclose(value, other, abs_tol=1e-9)


def test_rotherham_published_figures(workbook_2017: ImportResult) -> None:
    """The data README's spot check: Rotherham 2017-18 (£ thousand)."""
    rot = next(r for r in workbook_2017.records if r.code == "E08000018")
    assert rot.values["education"] == 117_777
    assert rot.values["children_social_care"] == 85_220
    assert rot.values["adult_social_care"] == 77_915
    assert rot.values["total_service_expenditure"] == 349_888


def test_totals_reconcile_with_workbook_total(workbook: ImportResult) -> None:
    """Sum of the service lines = the workbook's own total line, within rounding.

    Each published figure is rounded to £1 thousand, so with 11-13 lines the sum could in principle
    drift by several thousand; the workbooks are tighter than that: at most £1 thousand.
    """
    checked = 0
    for r in workbook.records:
        diff = reconcile_totals(r)
        if diff is None:
            continue
        assert abs(diff) <= 1.0, (r.year, r.name, diff)
        checked += 1
    assert checked > 340


def test_never_submitted_is_blank_not_zero(
    workbook_2017: ImportResult, national: NationalData
) -> None:
    """Copeland sent no 2017-18 return: blank in the workbook, reported as missing."""
    assert "Copeland (E07000029)" in workbook_2017.not_submitted
    cop = next(r for r in workbook_2017.records if r.code == "E07000029")
    assert all(v is None for v in cop.values.values())
    fig = national.outturn.figure("E07000029", "education", "2017-18")
    assert fig.gbp_thousand is None
    assert fig.missing_reason == "no 2017-18 return was submitted"


def test_line_that_did_not_exist_is_reported(national: NationalData) -> None:
    fig = national.outturn.figure("E08000018", "public_health", "2012-13")
    assert fig.gbp_thousand is None
    assert "not a Revenue Outturn line in 2012-13" in (fig.missing_reason or "")
    fig = national.outturn.figure("E08000018", "adult_social_care", "2010-11")
    assert fig.gbp_thousand is None and "2010-11" in (fig.missing_reason or "")
    assert (
        national.outturn.figure("E08000018", "public_health", "2013-14").gbp_thousand == 13_434
    )  # RS 2013-14


def test_abolished_authority_is_reported(national: NationalData) -> None:
    """Poole (E06000029) was abolished on 31 March 2019: figures to 2017-18, none after."""
    assert national.outturn.figure("E06000029", "education", "2017-18").available
    fig = national.outturn.figure("E06000029", "education", "2019-20")
    assert fig.gbp_thousand is None and fig.missing_reason
    status = national.authorities.status("E06000029", "2019-20")
    assert "abolished on 2019-03-31" in status and "Bournemouth, Christchurch and Poole" in status


def test_workbook_of_another_layout_is_refused(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Council", "Year", "Spend"])
    sheet.append(["Rotherham", "2014-15", 1])
    path = tmp_path / "other.xlsx"
    book.save(path)
    with pytest.raises(InputError) as err:
        read_outturn_file(path, load_authorities())
    assert "no sheet of net current expenditure" in str(err.value)
    assert "E-code" in (err.value.problems[0].allowed or "")


def test_tidy_csv_bad_values_all_reported(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "fiscal_year,ons_code,item,gbp_thousand\n"
        "2015-16,E08000018,education,100\n"
        "2015-17,E08000018,education,100\n"
        "2015-16,E08999999,education,100\n"
        "2015-16,E08000018,adult_care,100\n"
        "2015-16,E08000018,cultural,lots\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as err:
        read_tidy_csv(path, load_authorities())
    text = str(err.value)
    assert len(err.value.problems) == 4
    assert "not a financial year" in text
    assert "unknown authority code 'E08999999'" in text
    assert "unknown service line 'adult_care'" in text and "adult_social_care" in text
    assert "'lots' is not a number" in text


def test_import_is_stored_and_merged(tmp_path: Path) -> None:
    """An imported new year is stored under the data dir and loaded with the shipped ones."""
    path = tmp_path / "new.csv"
    path.write_text(
        "fiscal_year,ons_code,item,gbp_thousand\n"
        "2024-25,E08000018,adult_social_care,130000\n"
        "2024-25,E08000018,education,\n",
        encoding="utf-8",
    )
    result = read_outturn_file(path, load_authorities())
    written = store_import(result, tmp_path / "store")
    assert written == [tmp_path / "store" / "outturn" / "2024-25.csv"]
    outturn = load_outturn(directory=tmp_path / "store")
    assert "2024-25" in outturn.years and "2014-15" in outturn.years
    assert outturn.figure("E08000018", "adult_social_care", "2024-25").gbp_thousand == 130_000
    assert outturn.figure("E08000018", "education", "2024-25").gbp_thousand is None


codes = st.sampled_from(["E08000018", "E07000029", "E10000016", "E09000007", "E06000053"])
figures = st.one_of(
    st.none(),
    st.integers(min_value=-(10**7), max_value=10**7).map(float),
    st.floats(min_value=-1e7, max_value=1e7, allow_nan=False, allow_infinity=False),
)


@settings(max_examples=40, deadline=None)
@given(
    st.dictionaries(
        st.tuples(st.sampled_from(["2010-11", "2019-20", "2024-25"]), codes),
        st.dictionaries(st.sampled_from(LINE_IDS), figures, min_size=1),
        min_size=1,
        max_size=6,
    )
)
def test_tidy_csv_round_trip(tmp_path_factory: pytest.TempPathFactory, data: dict) -> None:  # type: ignore[type-arg]
    """Whatever is written in the wide form reads back exactly, blanks staying blank."""
    table = load_authorities()
    records = [
        OutturnRecord(y, c, table[c].ecode, table[c].name, table[c].klass, values)
        for (y, c), values in data.items()
    ]
    buffer = io.StringIO()
    write_wide_csv(records, buffer)
    path = tmp_path_factory.mktemp("csv") / "round.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    back = {(r.year, r.code): r for r in read_tidy_csv(path, table).records}
    for r in records:
        got = back[(r.year, r.code)]
        for line in LINE_IDS:
            assert got.values.get(line) == r.values.get(line)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=30))
def test_tidy_csv_never_crashes_on_junk(
    tmp_path_factory: pytest.TempPathFactory, junk: str
) -> None:
    """Any text in a figure cell is either read as a number/blank or reported as a Problem."""
    path = tmp_path_factory.mktemp("junk") / "junk.csv"
    cell = '"' + junk.replace('"', '""') + '"'
    path.write_text(
        "fiscal_year,ons_code,item,gbp_thousand\n2015-16,E08000018,education," + cell + "\n",
        encoding="utf-8",
    )
    try:
        result = read_tidy_csv(path, load_authorities())
    except InputError as exc:
        assert exc.problems
    else:
        value = result.records[0].values["education"]
        assert value is None or math.isfinite(value) or math.isinf(value) or math.isnan(value)
