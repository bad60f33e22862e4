"""Shared fixtures: the shipped national data (loaded once) and the official workbooks.

The official MHCLG workbooks the tests read are kept in ``tests/fixtures/mhclg_original`` (with
their licence), so the importer is checked against the real files on every machine. Each
workbook is read at most once per session.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from shareplan.benchmarking.readers import ImportResult, read_workbook
from shareplan.benchmarking.store import NationalData, load_authorities, load_national_data

REPO_ROOT = Path(__file__).resolve().parents[2]
ORIGINALS = REPO_ROOT / "tests" / "fixtures" / "mhclg_original"
WORKBOOKS = {
    "2010-11": "Revenue_Outturn_Summary__RS__data_2010-11_by_LA_-_27-Nov-2012-v2.xls",
    "2014-15": "Revenue_Outturn_Summary__RS__data_2014-15_by_LA_-_02-Feb-2016.xls",
    "2017-18": "RS_2017-18_data_by_LA.xlsx",
}


@pytest.fixture(scope="session")
def national() -> NationalData:
    return load_national_data(include_user=False)


def _workbook(year: str) -> ImportResult:
    return read_workbook(ORIGINALS / WORKBOOKS[year], load_authorities())


_cache: dict[str, ImportResult] = {}


@pytest.fixture(scope="session", params=sorted(WORKBOOKS))
def workbook(request: pytest.FixtureRequest) -> ImportResult:
    year: str = request.param
    if year not in _cache:
        _cache[year] = _workbook(year)
    return _cache[year]


@pytest.fixture(scope="session")
def workbook_2017() -> ImportResult:
    if "2017-18" not in _cache:
        _cache["2017-18"] = _workbook("2017-18")
    return _cache["2017-18"]
