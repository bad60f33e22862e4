"""Inputs that used to give a silently wrong result: each is now refused with its place, or read
correctly (issue 15)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shareplan.business_case import build_business_cases
from shareplan.business_case.discounting import parse_schedule, schedule_factors
from shareplan.errors import InputError, Problem
from shareplan.evidence import EvidenceBase, Sector
from shareplan.evidence.rates import RateError, describe_bands, parse_bands
from shareplan.opportunities import generate
from shareplan.scenario import load_scenario
from tests.conftest import FIXTURES


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "scenario"
    shutil.copytree(FIXTURES / "minimal", folder)
    return folder


def _edit(folder: Path, sheet: str, row: int, column: str, value: str) -> None:
    """Set one cell (row numbers as a person sees them: the header is row 1)."""
    path = folder / f"{sheet}.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    rows[row - 1][rows[0].index(column)] = value
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def _add(folder: Path, sheet: str, values: dict[str, str]) -> int:
    path = folder / f"{sheet}.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    rows.append([values.get(c, "") for c in rows[0]])
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return len(rows)


def _problems(folder: Path, evidence: EvidenceBase) -> list[Problem]:
    with pytest.raises(InputError) as err:
        load_scenario(folder, evidence)
    return list(err.value.problems)


def _authority(folder: Path, field: str) -> str:
    with (folder / "authority.csv").open(newline="", encoding="utf-8") as handle:
        return next(r["value"] for r in csv.DictReader(handle) if r["field"] == field)


# --------------------------------------------------------------------- discount rates


def test_a_rate_needs_its_unit() -> None:
    """3.5% and 0.035 are the same rate; a bare 3.5 (350% a year) is refused, as are 100 and 100%
    outside the plausible range (the reader checks that; here, the parser)."""
    assert parse_bands("0-30:3.5%") == parse_bands("0-30:0.035") == ((0, 30, 0.035),)
    for bare in ("0-30:3.5", "0-30:100"):
        with pytest.raises(RateError, match="has no unit"):
            parse_bands(bare)


def test_three_and_a_half_percent_gives_the_green_book_factor() -> None:
    """Year-1 factor at 3.5%: 1 / 1.035 = 0.966184; year 2: 1 / 1.035**2 = 0.933511."""
    factors = schedule_factors(parse_schedule("0-30:3.5%; 31-:3%"), 3)
    assert factors[1] == pytest.approx(1 / 1.035, abs=1e-12)
    assert factors[2] == pytest.approx(1 / 1.035**2, abs=1e-12)


def test_rates_in_words() -> None:
    assert describe_bands(((0, 30, 0.035), (31, None, 0.03)), horizon=10) == "3.5% a year"
    assert (
        describe_bands(((0, 1, 0.035), (2, None, 0.03)), horizon=10)
        == "3.5% a year for years 0 to 1 and 3% a year from year 2"
    )


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("0-30:3.5", "has no unit: write 3.5% for a percentage, or 0.035 as a share"),
        ("0-30:100", "has no unit"),
        ("0-30:100%", "outside the plausible range 0.0% to 10.0%"),
        ("0-30:-5%", "outside the plausible range"),
    ],
)
def test_a_typed_schedule_is_refused_with_its_place(
    typed: str, message: str, tmp_path: Path, evidence: EvidenceBase
) -> None:
    folder = _copy(tmp_path)
    row = _add(folder, "parameters", {"key": "discount.schedule.standard", "value": typed})
    found = _problems(folder, evidence)
    assert any(
        p.sheet == "parameters" and p.row == row and p.column == "value" and message in p.message
        for p in found
    ), found
    assert all(p.file and p.file.endswith("parameters.csv") for p in found)


def test_a_typed_schedule_with_its_unit_is_used_and_reported(
    tmp_path: Path, evidence: EvidenceBase
) -> None:
    """0-30:7% is read as 7% (year-1 factor 1/1.07 = 0.934579), and results.json gives the rate
    the report prints."""
    from shareplan import pipeline

    folder = _copy(tmp_path)
    _add(folder, "parameters", {"key": "discount.schedule.standard", "value": "0-60:7%"})
    scenario = load_scenario(folder, evidence)
    appraisal = pipeline.appraise(scenario, evidence=evidence)
    case = appraisal.cases[0]
    assert case.adjusted.years[1].discount_factor == pytest.approx(1 / 1.07, abs=1e-9)
    discount = pipeline.results_of(appraisal).scenario.discount
    assert discount is not None
    assert discount.in_words == "7% a year"
    assert discount.origin == "scenario"
    from shareplan.report import build_report

    finance = build_report(pipeline.results_of(appraisal)).section("finance")
    assert "discounted at the rate the Council has set (7% a year)" in finance.blocks[0].text


# --------------------------------------------------------------------- duplicate ids in lists


@pytest.mark.parametrize(
    ("sheet", "values", "column"),
    [
        (
            "bundles",
            {"id": "twice", "name": "Twice", "service_ids": "payroll; payroll"},
            "service_ids",
        ),
        (
            "opportunities",
            {
                "id": "o-twice",
                "service_ids": "payroll",
                "partner_ids": "northby; northby",
                "model": "strategic_collaboration",
            },
            "partner_ids",
        ),
    ],
)
def test_an_id_listed_twice_is_refused(
    sheet: str, values: dict[str, str], column: str, tmp_path: Path, evidence: EvidenceBase
) -> None:
    folder = _copy(tmp_path)
    row = _add(folder, sheet, values)
    found = _problems(folder, evidence)
    assert any(
        p.sheet == sheet and p.row == row and p.column == column and "listed twice" in p.message
        for p in found
    ), found


def test_wants_services_listed_twice_is_refused(tmp_path: Path, evidence: EvidenceBase) -> None:
    folder = _copy(tmp_path)
    _edit(folder, "partners", 2, "wants_services", "payroll; payroll")
    found = _problems(folder, evidence)
    assert [(p.sheet, p.row, p.column) for p in found] == [("partners", 2, "wants_services")]
    assert "'payroll' listed twice" in found[0].message


# --------------------------------------------------------------------- the authority as a partner


def test_the_authority_is_not_its_own_partner_by_name(
    tmp_path: Path, evidence: EvidenceBase
) -> None:
    folder = _copy(tmp_path)
    name = _authority(folder, "name")
    row = _add(
        folder,
        "partners",
        {"id": "self", "name": name, "sector": "local_authority", "geography": "borough"},
    )
    found = _problems(folder, evidence)
    assert [(p.sheet, p.row, p.column) for p in found] == [("partners", row, "name")]
    assert "cannot be its own partner" in found[0].message


def test_the_authority_is_not_its_own_partner_by_code(
    tmp_path: Path, evidence: EvidenceBase
) -> None:
    folder = _copy(tmp_path)
    code = _authority(folder, "ons_code")
    row = _add(
        folder,
        "partners",
        {
            "id": "self",
            "name": "Our old name",
            "sector": "local_authority",
            "geography": "borough",
            "ons_code": code,
        },
    )
    found = _problems(folder, evidence)
    assert [(p.sheet, p.row, p.column) for p in found] == [("partners", row, "ons_code")]


# --------------------------------------------------------------------- new sectors


@pytest.mark.parametrize(
    ("sector", "admitted"),
    [
        ("housing_association", {"public_other_shared_service", "commercial_trading"}),
        (
            "school_academy_trust",
            {
                "strategic_collaboration",
                "joint_procurement",
                "public_other_shared_service",
                "commercial_trading",
            },
        ),
        (
            "university",
            {
                "strategic_collaboration",
                "joint_procurement",
                "public_other_shared_service",
                "commercial_trading",
            },
        ),
        (
            "town_parish_council",
            {
                "strategic_collaboration",
                "joint_procurement",
                "public_other_shared_service",
                "commercial_trading",
            },
        ),
    ],
)
def test_new_sectors_have_their_place_in_the_models(
    sector: str, admitted: set[str], tmp_path: Path, evidence: EvidenceBase
) -> None:
    """One partner of the sector: the models that admit it are the evidence's rules (models.toml);
    a housing association is not a contracting authority, the others are."""
    folder = _copy(tmp_path)
    _add(
        folder,
        "partners",
        {
            "id": "newp",
            "name": "New partner",
            "sector": sector,
            "geography": "borough",
            "affinity": "3",
        },
    )
    scenario = load_scenario(folder, evidence)
    long_list = generate(scenario, evidence)
    models = {
        long_list.model_ids[int(m)]
        for block in long_list.blocks()
        for s, m in zip(block.set_index.tolist(), block.model_index.tolist(), strict=True)
        if tuple(long_list.sets.members[s][long_list.sets.members[s] >= 0].tolist())
        == (len(scenario.partners) - 1,)
    }
    assert models == admitted
    assert (Sector(sector) in evidence.contracting_authorities) == (sector != "housing_association")


# --------------------------------------------------------------------- affinity left blank


def test_a_blank_affinity_is_to_judge_with_a_neutral_default(
    tmp_path: Path, evidence: EvidenceBase
) -> None:
    folder = _copy(tmp_path)
    _edit(folder, "partners", 2, "affinity", "")
    scenario = load_scenario(folder, evidence)
    blank = scenario.partners[0]
    assert blank.affinity == 3 and blank.affinity_judged is False
    assert all(p.affinity_judged for p in scenario.partners[1:])


# --------------------------------------------------------------------- baselines counted once


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    bundle=st.lists(st.sampled_from(["payroll", "care"]), min_size=2, max_size=4),
    partners=st.lists(st.sampled_from(["northby", "nhs"]), min_size=1, max_size=3),
)
def test_no_valid_scenario_counts_a_service_or_partner_twice(
    bundle: list[str],
    partners: list[str],
    tmp_path_factory: pytest.TempPathFactory,
    evidence: EvidenceBase,
) -> None:
    """Any bundle and declared partner list, with repeats or not: either the scenario is refused,
    or every business case's baseline is its distinct services' cost counted once, and its
    members the authority plus its distinct partners."""
    folder = _copy(tmp_path_factory.mktemp("prop"))
    _add(folder, "bundles", {"id": "prop-bundle", "name": "Prop", "service_ids": "; ".join(bundle)})
    _add(
        folder,
        "opportunities",
        {
            "id": "prop-declared",
            "service_ids": "prop-bundle",
            "partner_ids": "; ".join(partners),
            "model": "strategic_collaboration",
        },
    )
    repeated = len(set(bundle)) < len(bundle) or len(set(partners)) < len(partners)
    try:
        scenario = load_scenario(folder, evidence)
    except InputError as err:
        assert repeated, err
        assert all("listed twice" in p.message for p in err.problems)
        return
    assert not repeated
    cost = {s.id: s.gross_cost for s in scenario.services}
    bundles = {b.id: b.service_ids for b in scenario.bundles}
    long_list = generate(scenario, evidence)
    opportunities = [*long_list.declared]
    for block in long_list.blocks():
        opportunities.extend(long_list.materialise(block, list(range(min(len(block), 2)))))
    for case in build_business_cases(scenario, opportunities, evidence):
        services = [s for u in case.service_ids for s in bundles.get(u, (u,))]
        assert len(set(services)) == len(services)
        assert len(set(case.partner_ids)) == len(case.partner_ids)
        assert case.members == 1 + len(case.partner_ids)
        assert case.baseline_annual_cost == pytest.approx(sum(cost[s] for s in services))


def test_a_scenario_without_an_ons_code_writes_its_results(
    tmp_path: Path, evidence: EvidenceBase
) -> None:
    """The ONS code is optional (a partnership, a fictional district): results.json records it as
    null instead of failing to write."""
    from shareplan import pipeline

    folder = _copy(tmp_path)
    with (folder / "authority.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    row = next(i for i, r in enumerate(rows, start=1) if r[0] == "ons_code")
    _edit(folder, "authority", row, "value", "")
    scenario = load_scenario(folder, evidence)
    assert scenario.authority.ons_code is None
    results = pipeline.results_of(pipeline.appraise(scenario, evidence=evidence))
    assert results.scenario.ons_code is None
