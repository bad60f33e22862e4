"""The text form: reading a folder of CSVs, every problem at once with its place, and the
canonical writer."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shareplan.errors import InputError
from shareplan.evidence import EvidenceBase
from shareplan.scenario import Scenario, cells, load_scenario
from shareplan.scenario.csvio import scenario_csv_files, write_folder
from shareplan.scenario.schema import Column, Kind
from tests.conftest import FIXTURES


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "scenario"
    shutil.copytree(FIXTURES / "minimal", folder)
    return folder


def _problems(
    folder: Path, evidence: EvidenceBase
) -> list[tuple[str | None, int | None, str | None, str]]:
    with pytest.raises(InputError) as info:
        load_scenario(folder, evidence)
    return [(p.sheet, p.row, p.column, p.message) for p in info.value.problems]


def test_minimal_loads(minimal: Scenario) -> None:
    assert minimal.authority.name == "Exampleton Borough Council"
    assert minimal.authority.first_year == 2024  # defaults to the price base year
    assert minimal.services[0].traits["standard_delivery"] == 5
    assert minimal.partners[1].wants_services == ("care",)


def test_every_problem_is_reported_with_its_place(tmp_path: Path, evidence: EvidenceBase) -> None:
    folder = _copy(tmp_path)
    services = (folder / "services.csv").read_text().splitlines()
    services[1] = services[1].replace(
        "Payroll,Resources,back_office,800000", "Payroll,Resources,back_office,-5"
    )
    services[2] = services[2].replace(",3,health,yes,", ",7,health,maybe,")
    services.append(services[1])  # a duplicate id on row 4
    (folder / "services.csv").write_text("\n".join(services) + "\n")
    (folder / "partners.csv").write_text(
        (folder / "partners.csv")
        .read_text()
        .replace("nhs,Exampleton NHS,health", "nhs,Exampleton NHS,hospital")
    )
    found = _problems(folder, evidence)
    places = {(sheet, row, column) for sheet, row, column, _ in found}
    assert ("services", 2, "gross_cost") in places
    assert ("services", 3, "track_record") in places
    assert ("services", 3, "early_intervention") in places
    assert ("services", 4, "id") in places
    assert ("partners", 3, "sector") in places
    message = dict(((s, r, c), m) for s, r, c, m in found)
    assert "below the minimum of 0" in message[("services", 2, "gross_cost")]


def test_missing_required_sheet_and_column(tmp_path: Path, evidence: EvidenceBase) -> None:
    folder = _copy(tmp_path)
    (folder / "authority.csv").unlink()
    text = (folder / "partners.csv").read_text().replace("sector,", "", 1)
    (folder / "partners.csv").write_text(text)
    found = _problems(folder, evidence)
    assert ("authority", None, None, "required sheet 'authority' is missing") in found
    assert any(s == "partners" and c == "sector" and "missing" in m for s, _, c, m in found)


def test_unknown_reference_in_declared_opportunity(tmp_path: Path, evidence: EvidenceBase) -> None:
    folder = _copy(tmp_path)
    (folder / "opportunities.csv").write_text(
        "id,service_ids,partner_ids,model\n"
        "o1,payroll,nobody,public_public_shared_service\n"
        "o2,payroll,northby,teleportation\n"
    )
    found = _problems(folder, evidence)
    assert any(
        s == "opportunities" and r == 2 and c == "partner_ids" and "nobody" in m
        for s, r, c, m in found
    )
    assert any(s == "opportunities" and r == 3 and c == "model" for s, r, c, _ in found)


def test_write_is_canonical_and_round_trips(
    tmp_path: Path, minimal: Scenario, evidence: EvidenceBase
) -> None:
    out = tmp_path / "copy"
    write_folder(minimal, out, evidence)
    again = load_scenario(out, evidence)
    assert again == minimal
    assert scenario_csv_files(again, evidence) == scenario_csv_files(minimal, evidence)
    assert not list(out.glob(".*.tmp"))


NUMBER = Column("n", Kind.NUMBER, "a number", minimum=0)
SHARE = Column("s", Kind.SHARE, "a share")
LIST = Column("l", Kind.LIST, "a list")


@given(st.floats(min_value=0, max_value=1e12, allow_nan=False))
def test_number_text_round_trip(value: float) -> None:
    assert cells.parse(NUMBER, cells.to_text(NUMBER, value)) == value


@given(st.floats(min_value=0, max_value=1))
def test_share_round_trip(value: float) -> None:
    assert cells.parse(SHARE, cells.to_text(SHARE, value)) == value


@given(
    st.lists(
        st.text(
            st.characters(blacklist_characters=";\r\n", blacklist_categories=("Cs",)), min_size=1
        )
        .map(str.strip)
        .filter(bool),
        max_size=5,
    )
)
def test_list_round_trip(items: list[str]) -> None:
    assert cells.parse(LIST, cells.to_text(LIST, tuple(items))) == tuple(items)


@given(st.text(max_size=20))
def test_number_parser_never_crashes(text: str) -> None:
    try:
        value = cells.parse(NUMBER, text)
    except cells.CellProblem:
        return
    assert value is None or value >= 0


def test_percent_share_and_bad_share() -> None:
    assert cells.parse(SHARE, "15%") == pytest.approx(0.15)
    with pytest.raises(cells.CellProblem, match="between 0 and 1"):
        cells.parse(SHARE, 15)


def test_weights_all_zero_negative_or_unknown(tmp_path: Path, evidence: EvidenceBase) -> None:
    """Three mistakes on the weights sheet, each named by row and column."""
    folder = _copy(tmp_path)
    (folder / "weights.csv").write_text(
        "stakeholder,target,weight\n"
        "Cabinet,right_services,0\n"
        "Cabinet,right_partners,0\n"
        "Cabinet,right_time,0\n"
        "SLT,quick_win,-2\n"
        "SLT,jobs_for_all,10\n"
    )
    found = _problems(folder, evidence)
    places = {(s, r, c) for s, r, c, _ in found}
    assert ("weights", 2, "weight") in places  # all zero: named at the first of rows 2-4
    assert ("weights", 5, "weight") in places  # negative
    assert ("weights", 6, "target") in places  # no such criterion
    zero = next(m for s, r, c, m in found if (s, r, c) == ("weights", 2, "weight"))
    assert "rows 2, 3, 4" in zero
