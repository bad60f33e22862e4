"""The Rotherham 2010 example scenario (``examples/rotherham-2010``): it loads, its real money matches
the published Revenue Outturn, everything not real says so, and its two forms agree.

The real figures are DCLG's Revenue Outturn Summary (RS) 2010-11 for Rotherham (ONS E08000018,
DCLG E-code E4403), sheet "(1) Net current expenditure", in £ thousand. Each service row's notes
state how its gross cost was made from one of those lines::

    Cost: illustrative 28% share of RO 2010-11 line social_care_combined, £114,411k net current
    expenditure (real), x1.25 gross-up (illustrative) = £40,043,850.

so the tests below can check every row against the published figure by machine.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest

from shareplan.evidence import EvidenceBase, load_evidence
from shareplan.scenario import Scenario, load_scenario
from shareplan.scenario.csvio import scenario_csv_files

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "rotherham-2010"
WORKBOOK = ROOT / "examples" / "rotherham-2010.xlsx"
OFFICIAL_RO_2010_11 = (
    ROOT
    / "tests"
    / "fixtures"
    / "mhclg_original"
    / "Revenue_Outturn_Summary__RS__data_2010-11_by_LA_-_27-Nov-2012-v2.xls"
)

PUBLISHED_RO_2010_11 = {
    "education": 248_465,
    "highways_transport": 12_614,
    "social_care_combined": 114_411,
    "housing_gfra": 9_483,
    "cultural": 15_062,
    "environmental_regulatory": 15_984,
    "planning_development": 5_912,
    "central": 10_716,
    "other": 532,
    "total_service_expenditure": 433_179,
}
"""Rotherham's 2010-11 net current expenditure by RS line, £ thousand (DCLG, "Revenue Outturn Summary
(RS) data 2010-11 by LA", 27 November 2012, v2; police and fire lines are 0 for a metropolitan
district and are left out)."""

COST_NOTE = re.compile(
    r"Cost: illustrative (?P<share>[\d.]+)% share of RO 2010-11 line (?P<item>\w+), "
    r"£(?P<k>[\d,]+)k net current expenditure \(real\), x(?P<factor>[\d.]+) gross-up"
)

ROTHERHAM_DIRECTORATES = {
    "Chief Executive's",
    "Financial Services",
    "Neighbourhoods and Adult Services",
    "Children and Young People's Services",
    "Environment and Development Services",
}


@pytest.fixture(scope="module")
def evidence() -> EvidenceBase:
    return load_evidence()


@pytest.fixture(scope="module")
def example(evidence: EvidenceBase) -> Scenario:
    return load_scenario(EXAMPLE, evidence)


def _cost_basis(notes: str) -> tuple[float, str, int, float]:
    """(share as a fraction, RO item, £ thousand, gross-up factor) stated in a service's notes."""
    match = COST_NOTE.search(notes)
    assert match is not None, f"no cost basis in notes: {notes[:80]!r}"
    return (
        float(match["share"]) / 100,
        match["item"],
        int(match["k"].replace(",", "")),
        float(match["factor"]),
    )


def test_example_loads_with_the_seeds_settings(example: Scenario) -> None:
    """The seed's facts: Rotherham MBC (E08000018), Cabinet report of 1 December 2010 asking for five
    or six priority projects, contacts Julie Slatter and Andrew Bedford; year 0 is 2011/12."""
    a = example.authority
    assert a.name == "Rotherham Metropolitan Borough Council"
    assert a.ons_code == "E08000018"
    assert (a.price_base_year, a.first_year, a.horizon_years) == (2010, 2011, 10)
    assert a.appraisal_date.isoformat() == "2010-12-01"
    assert (a.priority_projects_min, a.priority_projects) == (5, 6)
    assert "Julie Slatter" in a.contact and "Andrew Bedford" in a.contact
    assert set(a.corporate_priorities) >= {"deprivation", "crime", "health", "education"}
    assert len(example.services) == 31
    assert len(example.partners) == 13
    assert len(example.opportunities) == 8
    assert {s.directorate for s in example.services} == ROTHERHAM_DIRECTORATES


def test_text_form_is_canonical(example: Scenario, evidence: EvidenceBase) -> None:
    """Writing the loaded scenario back changes no byte of any CSV file (and no sheet is missing)."""
    canonical = scenario_csv_files(example, evidence)
    on_disk = {p.name: p.read_text(encoding="utf-8") for p in sorted(EXAMPLE.glob("*.csv"))}
    assert on_disk == canonical


def test_published_lines_add_up_to_total_service_expenditure() -> None:
    """248,465 + 12,614 + 114,411 + 9,483 + 15,062 + 15,984 + 5,912 + 10,716 + 532 = 433,179
    (£ thousand): the nine service lines make the published total, so the figures were copied whole."""
    lines = {k: v for k, v in PUBLISHED_RO_2010_11.items() if k != "total_service_expenditure"}
    assert sum(lines.values()) == PUBLISHED_RO_2010_11["total_service_expenditure"] == 433_179


def test_every_service_cost_is_traced_to_a_published_line(example: Scenario) -> None:
    """Each gross cost is share x published net figure x gross-up, to the pound.

    By hand, children's social care: 28% x £114,411k x 1.25 = £32,035.08k x 1.25 = £40,043,850;
    revenues and benefits: 45% x £10,716k x 1.5 = £4,822.2k x 1.5 = £7,233,300.
    """
    for service in example.services:
        share, item, k, factor = _cost_basis(service.notes)
        assert k == PUBLISHED_RO_2010_11[item], service.id
        assert service.gross_cost == pytest.approx(share * k * 1000 * factor, abs=0.5), service.id
    assert example.service("children_social_care").gross_cost == 40_043_850
    assert example.service("rev_bens").gross_cost == 7_233_300


def test_each_line_is_split_consistently(example: Scenario) -> None:
    """Within one RO line the shares never exceed the whole line and one gross-up factor applies.
    Social care, by hand: 12 + 13 + 22 + 5 + 6 + 1.5 + 1 + 28 = 88.5% (the rest, such as learning
    disability services, is not in the example)."""
    shares: dict[str, float] = defaultdict(float)
    factors: dict[str, set[float]] = defaultdict(set)
    for service in example.services:
        share, item, _, factor = _cost_basis(service.notes)
        shares[item] += share
        factors[item].add(factor)
    assert all(total <= 1.0 + 1e-9 for total in shares.values()), dict(shares)
    assert all(len(f) == 1 for f in factors.values()), dict(factors)
    assert shares["social_care_combined"] == pytest.approx(0.885)


def test_published_figures_match_the_official_revenue_outturn_workbook() -> None:
    """The figures hard-coded above (and quoted in the example) are the ones in the official
    2010-11 RS workbook, as the importer reads it."""
    from shareplan.benchmarking.readers import read_workbook
    from shareplan.benchmarking.store import load_authorities

    imported = read_workbook(OFFICIAL_RO_2010_11, load_authorities())
    rotherham = next(r for r in imported.records if r.code == "E08000018")
    found = {k: round(v) for k, v in rotherham.values.items() if v is not None}
    assert {k: found[k] for k in PUBLISHED_RO_2010_11} == PUBLISHED_RO_2010_11


def test_everything_not_real_is_flagged_illustrative(example: Scenario) -> None:
    """Shares, FTE, traits and partner judgements are illustrative: every service and partner row is
    flagged, every service note says which parts are illustrative, every declared opportunity says so."""
    assert all(s.illustrative for s in example.services)
    assert all(p.illustrative for p in example.partners)
    assert all("illustrative" in s.notes for s in example.services)
    assert all("llustrative" in o.notes for o in example.opportunities)
    assert all(o.saving_central is None and o.one_off_cost is None for o in example.opportunities)


def test_declared_opportunities_follow_the_seed(example: Scenario) -> None:
    """The seed's own examples appear with its models, and the one the screen is expected to reject
    (adult assessment: professional judgement and failure severity both 5) carries a justification."""
    models = {o.id: o.model for o in example.opportunities}
    assert models["customer_access_partners"] == "public_other_shared_service"
    assert models["payroll_trading_gps"] == "commercial_trading"
    assert models["ict_through_rbt"] == "public_private"
    assert models["sy_transactional"] == "public_public_shared_service"
    assessment = example.service("asc_assessment").traits
    assert assessment["professional_judgement"] == assessment["failure_severity"] == 5
    assert example.service("payroll").traits["standard_delivery"] == 5
    assert (
        "s.75"
        in next(o for o in example.opportunities if o.id == "health_social_care").screen_override
    )


def test_cabinet_and_slt_disagree_visibly(example: Scenario) -> None:
    """Normalised within their group, by hand: Cabinet puts within_borough at 100 / (100 + 40 + 40 +
    70 + 50) = 1/3 and SLT at 30 / (30 + 50 + 60 + 30 + 100) = 1/9; quick_win is Cabinet 50 / (50 + 100 + 60) =
    5/21 against SLT 100 / (100 + 80 + 70) = 2/5. Both weight every group and criterion."""
    weights: dict[str, dict[str, float]] = defaultdict(dict)
    for w in example.weights:
        weights[w.stakeholder][w.target] = w.weight
    assert set(weights) == {"Cabinet", "SLT"}
    assert len(weights["Cabinet"]) == len(weights["SLT"]) == 16

    def share(who: str, target: str, group: tuple[str, ...]) -> float:
        return weights[who][target] / sum(weights[who][g] for g in group)

    partners = (
        "within_borough",
        "geographical_level",
        "affinity_beyond",
        "voluntary_sector",
        "benefit_cost_speed",
    )
    time = ("quick_win", "clear_business_case", "legal_procurement_clear")
    assert share("Cabinet", "within_borough", partners) == pytest.approx(1 / 3)
    assert share("SLT", "within_borough", partners) == pytest.approx(1 / 9)
    assert share("Cabinet", "quick_win", time) == pytest.approx(5 / 21)
    assert share("SLT", "quick_win", time) == pytest.approx(2 / 5)


def test_excel_form_equals_text_form(example: Scenario, evidence: EvidenceBase) -> None:
    """The workbook shipped beside the folder is the same scenario, to the byte of its CSV text."""
    pytest.importorskip("shareplan.scenario.excel", reason="the Excel reader is not installed yet")
    assert WORKBOOK.exists(), (
        "examples/rotherham-2010.xlsx is missing: write it with scenario.excel.write_workbook"
    )
    workbook = load_scenario(WORKBOOK, evidence)
    assert workbook == example
    assert scenario_csv_files(workbook, evidence) == scenario_csv_files(example, evidence)


def test_mapping_page_agrees_with_the_example(example: Scenario) -> None:
    """Each row of the table in docs/rotherham-example.md shows the service's real name, line, share,
    gross-up and gross cost, so the page cannot drift from the CSV files."""
    page = (ROOT / "docs" / "rotherham-example.md").read_text(encoding="utf-8")
    row = re.compile(
        r"^\| `(?P<id>\w+)` \| (?P<name>[^|]+) \| [^|]+ \| `(?P<item>\w+)` \| (?P<share>[\d.]+)% \| "
        r"x(?P<factor>[\d.]+) \| £(?P<gross>[\d,]+) \| (?P<fte>[\d.]+) \|$",
        re.MULTILINE,
    )
    rows = {m["id"]: m for m in row.finditer(page)}
    assert set(rows) == {s.id for s in example.services}
    for service in example.services:
        m = rows[service.id]
        share, item, _, factor = _cost_basis(service.notes)
        assert m["name"] == service.name
        assert (m["item"], float(m["factor"])) == (item, factor)
        assert float(m["share"]) / 100 == pytest.approx(share)
        assert int(m["gross"].replace(",", "")) == round(service.gross_cost)
        assert float(m["fte"]) == service.fte
