"""``shareplan template --authority``: any English council from its ONS code to a first appraisal.

The figures are the shipped Revenue Outturn data (MHCLG), compared line by line; the partners are
the partner finder's own candidates; each scenario validates and appraises to a programme.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import docx
import openpyxl
import pytest
from typer.testing import CliRunner

from shareplan import pipeline
from shareplan.benchmarking import find_partners, load_national_data, service_line_totals
from shareplan.benchmarking.outturn import TOTAL_LINE
from shareplan.business_case.staffing import cost_per_fte_warnings
from shareplan.cli import app
from shareplan.evidence import EvidenceBase
from shareplan.report.context import Context
from shareplan.report.document import build_report
from shareplan.report.model import Paragraph
from shareplan.report.writers.workbook import write_workbook
from shareplan.scenario import Scenario, load_scenario
from tests.reader_words import citation, stray_words

runner = CliRunner()
YEAR = "2023-24"
COUNCILS = {
    "E07000179": ("South Oxfordshire", "SD"),  # a shire district
    "E10000030": ("Surrey", "SC"),  # a county
    "E09000033": ("Westminster", "L"),  # a London borough
    "E08000010": ("Wigan", "MD"),  # a metropolitan district spending on "Other services"
}
WIGAN = "E08000010"
TO_SPLIT = {WIGAN: ["other"]}
"""The councils whose 2023-24 return has spending on the catch-all line (``catch_all`` in its
archetype): Wigan £11,754 thousand; the other three reported none."""


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("templates")
    out = {}
    for code in COUNCILS:
        path = folder / f"{code}.xlsx"
        result = runner.invoke(app, ["template", str(path), "--authority", code, "--year", YEAR])
        assert result.exit_code == 0, result.output
        out[code] = path
    return out


@pytest.fixture(scope="module")
def scenarios(templates: dict[str, Path], evidence: EvidenceBase) -> dict[str, Scenario]:
    return {code: load_scenario(path, evidence) for code, path in templates.items()}


@pytest.mark.parametrize("code", COUNCILS)
def test_template_validates_with_affinity_to_judge(code: str, templates: dict[str, Path]) -> None:
    result = runner.invoke(app, ["validate", str(templates[code]), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["valid"] is True
    assert summary["to_judge"] and "neutral default of 3" in summary["to_judge"][0]
    assert summary["to_split"] == [
        f"Other services ({i}) is marked appraise = no, so it is left out of the appraisal; "
        "split it into the services it covers, each on its own row"
        for i in TO_SPLIT.get(code, [])
    ]


@pytest.mark.parametrize("code", COUNCILS)
def test_only_the_catch_all_line_is_not_to_appraise(
    code: str, scenarios: dict[str, Scenario]
) -> None:
    """The row stays (a row per line spent on) but is written appraise = no, its notes opening
    with what officers are to do; every other row is appraised."""
    services = scenarios[code].services
    assert [s.id for s in services if not s.appraise] == TO_SPLIT.get(code, [])
    for s in services:
        assert s.notes.startswith("To split: ") == (not s.appraise)
    if code == WIGAN:
        other = scenarios[code].service("other")
        assert other.gross_cost == 11_754_000
        assert "Split it into the services it covers, each on its own row" in other.notes


@pytest.mark.parametrize("code", COUNCILS)
def test_a_service_row_per_line_with_its_published_cost(
    code: str, scenarios: dict[str, Scenario]
) -> None:
    """Every Revenue Outturn line with net spending above zero is one row, costed at the published
    figure in pounds; lines with none (a district's social care) or a net income are not rows."""
    published = service_line_totals(load_national_data(), code, YEAR)
    spent = {
        line: value
        for line, value in published.items()
        if line != TOTAL_LINE and value is not None and value > 0
    }
    scenario = scenarios[code]
    assert {s.id: s.gross_cost for s in scenario.services} == spent
    for s in scenario.services:
        assert "National data" in s.notes and YEAR in s.notes
        # the column is gross cost; the published figure is net, and the note says so
        assert f"net current expenditure on {s.id} in {YEAR}" in s.notes
        assert "below its gross cost" in s.notes
        assert f"archetype.{s.id}" in s.notes  # the traits' source, flagged for review
        assert s.fte > 0


def test_district_and_county_lines_differ(scenarios: dict[str, Scenario]) -> None:
    """South Oxfordshire's published figures: no adult social care (the county's), and its central
    services of £10,448 thousand; Surrey carries adult social care of £512,129 thousand."""
    district = {s.id: s.gross_cost for s in scenarios["E07000179"].services}
    county = {s.id: s.gross_cost for s in scenarios["E10000030"].services}
    assert "adult_social_care" not in district
    assert district["central"] == 10_448_000
    assert county["adult_social_care"] == 512_129_000


@pytest.mark.parametrize("code", COUNCILS)
def test_partners_come_from_the_finder(code: str, scenarios: dict[str, Scenario]) -> None:
    scenario = scenarios[code]
    search = find_partners(load_national_data(), code, TOTAL_LINE, YEAR, limit=5)
    found = [c.code for c in search.candidates]
    codes = [p.ons_code for p in scenario.partners]
    council = load_national_data().authorities[code]
    expected = ([council.county] if council.county else []) + [
        c for c in found if c != council.county
    ]
    assert codes == expected
    assert code not in codes
    for p in scenario.partners:
        assert not p.affinity_judged and p.affinity == 3
        assert "to judge" in p.notes


@pytest.mark.parametrize("code", COUNCILS)
def test_authority_and_settings_scaled(code: str, scenarios: dict[str, Scenario]) -> None:
    """Budget 1.5% of the listed services' cost less its ring-fenced part (schools' budgets, the
    public health grant), to two significant figures."""
    a = scenarios[code].authority
    assert a.ons_code == code and a.place == COUNCILS[code][0]
    total = sum(s.gross_cost * (1 - s.ring_fenced_share) for s in scenarios[code].services)
    assert a.implementation_budget == pytest.approx(total * 0.015, rel=0.05)
    assert a.price_base_year == 2023 and a.first_year == 2024
    assert a.priority_projects == min(6, len(scenarios[code].services))


def test_surrey_staff_cost_procurement_regime_ring_fence_and_populations(
    scenarios: dict[str, Scenario], evidence: EvidenceBase
) -> None:
    """Surrey 2023-24: every service's staff cost is its FTE x £42,000 (the template's cost of a
    post), so the business case prices a post as the template did and validate finds no
    implausible cost per FTE; public health, education, social care and cultural services are
    light-touch; public health is wholly paid from its ring-fenced grant and education 80% (schools'
    budgets), so the budget leaves them out: with education £764m of net spend, the budget is
    1.5% of the rest, not of the whole; Surrey and its partner councils carry their populations."""
    sc = scenarios["E10000030"]
    services = {s.id: s for s in sc.services}
    for s in sc.services:
        assert s.staff_cost == pytest.approx(s.fte * 42_000)
    assert {k for k, s in services.items() if s.light_touch} == {
        "public_health",
        "education",
        "children_social_care",
        "adult_social_care",
        "cultural",
    }
    assert services["public_health"].ring_fenced_share == 1.0
    assert services["education"].ring_fenced_share == 0.8
    assert sum(s.ring_fenced_share > 0 for s in sc.services) == 2
    whole = sum(s.gross_cost for s in sc.services)
    assert sc.authority.implementation_budget < 0.015 * whole * 0.75
    assert sc.authority.population is not None and sc.authority.population > 1e6
    councils = [p for p in sc.partners if p.ons_code]
    assert councils and all(p.population and p.population > 5e5 for p in councils)
    assert cost_per_fte_warnings(sc, evidence) == []


@pytest.mark.parametrize("code", COUNCILS)
def test_appraises_to_a_programme(code: str, scenarios: dict[str, Scenario]) -> None:
    appraisal = pipeline.appraise(scenarios[code])
    plan = appraisal.programme.plan
    assert plan is not None, appraisal.programme.infeasible
    assert plan.result.totals.one_off_cost <= scenarios[code].authority.implementation_budget
    results = pipeline.results_of(appraisal)
    summary = results.scenario
    wording = summary.criteria_wording
    assert wording["within_borough"].startswith(f"Opportunities within {COUNCILS[code][0]} ")
    assert summary.affinity_to_judge.neutral_default == 3
    held = set(TO_SPLIT.get(code, []))
    assert not any(held & set(o.service_ids) for o in results.opportunities)
    assert [(n.name, n.gross_cost) for n in summary.not_appraised] == [
        ("Other services", 11_754_000.0) for _ in held
    ]
    scope = " ".join(
        b.text
        for b in build_report(results).section("proposals").blocks
        if isinstance(b, Paragraph)
    )
    # £11,754,000 to three significant figures is £11.8m
    said = (
        "Other services (£11.8m a year) was left out of the appraisal: it groups several services "
        "under one heading"
    )
    assert (said in scope) == bool(held)
    assert ("left out of the appraisal" in scope) == bool(held)
    if code == WIGAN:
        # 11 services less the one to split; 5 partners in sets of up to 3: 1 + 5 + 10 + 10 = 26
        # sets (with the empty one), 7 models
        assert len(scenarios[code].services) == 11
        assert results.long_list.considered == 10 * 26 * 7


def test_template_for_an_unknown_council_is_a_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["template", str(tmp_path / "x.xlsx"), "--authority", "E0799999"])
    assert result.exit_code == 2
    assert "unknown authority 'E0799999'" in result.output
    assert not (tmp_path / "x.xlsx").exists()


def _words(text: str) -> str:
    return " ".join(text.split())


def test_a_non_rotherham_report_names_its_own_authority(
    scenarios: dict[str, Scenario], tmp_path: Path
) -> None:
    """South Oxfordshire's Cabinet report, in Word, HTML and PDF, never mentions Rotherham, and
    its criteria name South Oxfordshire and its residents."""
    appraisal = pipeline.appraise(scenarios["E07000179"])
    written = pipeline.write_outputs(appraisal, tmp_path)
    word = _words(
        " ".join(p.text for p in docx.Document(str(written["docx"])).paragraphs)
        + " ".join(
            cell.text
            for t in docx.Document(str(written["docx"])).tables
            for row in t.rows
            for cell in row.cells
        )
    )
    html = _words(re.sub(r"<[^>]+>", " ", written["html"].read_text("utf-8")))
    pdf = _words(
        subprocess.run(
            ["pdftotext", str(written["pdf"]), "-"], check=True, capture_output=True, text=True
        ).stdout
    )
    for text in (word, html, pdf):
        assert "Rotherham" not in text
        assert "Opportunities within South Oxfordshire" in text
    assert "South Oxfordshire residents" in html


def test_partner_councils_list_the_services_they_deliver(
    scenarios: dict[str, Scenario], evidence: EvidenceBase
) -> None:
    """South Oxfordshire's five services are the district's Revenue Outturn lines. Oxfordshire
    County Council reports spending on all five lines in 2023-24 (central £18,404k, planning
    £3,434k, housing £4,076k, cultural £15,811k, environmental £33,499k), but in a two-tier area
    council tax, benefits and elections (central services), planning applications and housing
    are the district's: the county's figures there are for other functions (its corporate core,
    minerals and waste planning), so it is listed for cultural and environmental services only.
    The districts run every line: Oxford's central services are a net income (-£1,312k), still a
    service it runs; West Oxfordshire's housing and cultural services likewise (-£766k, -£952k)."""
    data = load_national_data()
    county = service_line_totals(data, "E10000025", YEAR)
    assert county["central"] == 18_404_000 and county["planning_development"] == 3_434_000
    assert county["housing_gfra"] == 4_076_000
    assert service_line_totals(data, "E07000178", YEAR)["central"] == -1_312_000
    west = service_line_totals(data, "E07000181", YEAR)
    assert (west["housing_gfra"], west["cultural"]) == (-766_000, -952_000)
    partners = {p.ons_code: p for p in scenarios["E07000179"].partners}
    everything = {s.id for s in scenarios["E07000179"].services}
    assert everything == {
        "central",
        "planning_development",
        "housing_gfra",
        "cultural",
        "environmental_regulatory",
    }
    oxon = partners["E10000025"]
    assert set(oxon.delivers) == {"cultural", "environmental_regulatory"}
    assert "Delivers (Revenue Outturn 2023-24)" in oxon.notes
    assert "the district's in a two-tier area" in oxon.notes
    for code in ("E07000177", "E07000178", "E07000180", "E07000084", "E07000181"):
        assert set(partners[code].delivers) == everything, code
    # Westminster's partners are London boroughs and the like: every line they report counts.
    for p in scenarios["E09000033"].partners:
        lines = service_line_totals(data, p.ons_code, YEAR)
        expected = {s.id for s in scenarios["E09000033"].services if lines.get(s.id)}
        assert set(p.delivers) == expected, p.name


def test_south_oxfordshire_offers_the_county_no_district_service(
    scenarios: dict[str, Scenario],
) -> None:
    """No entry of the long list shares central services (council tax, benefits, elections),
    planning or housing with Oxfordshire County Council in a model that needs the partner to run
    the service; joint procurement (buying together) may still name it. The programme proposes
    none of them with the county."""
    appraisal = pipeline.appraise(scenarios["E07000179"])
    district_lines = {"central", "planning_development", "housing_gfra"}
    needing = {m.id for m in appraisal.evidence.models if m.partner_delivers_service}
    long_list = appraisal.long_list
    with_county = [
        o
        for block in long_list.blocks()
        for o in long_list.materialise(block, range(len(block)))
        if "oxfordshire" in o.partner_ids and set(o.service_ids) & district_lines
    ]
    assert with_county and {o.model for o in with_county} == {"joint_procurement"}
    assert (
        long_list.counts.excluded_by_reason[
            "a partner does not deliver this service, and the model needs it to"
        ]
        > 0
    )
    assert needing >= {"strategic_collaboration", "public_public_shared_service"}
    plan = appraisal.programme.plan
    assert plan is not None
    for chosen in plan.result.selected_ids:
        opportunity = next(o for o in appraisal.opportunities if o.id == chosen)
        assert not (
            "oxfordshire" in opportunity.partner_ids and opportunity.unit_id in district_lines
        )


def test_westminster_assumptions_workbook_names_no_other_council(
    scenarios: dict[str, Scenario], evidence: EvidenceBase, tmp_path: Path
) -> None:
    """Westminster's assumptions workbook, every sheet and cell: no 'Rotherham' outside the
    citation of the 2010 report as a source, no 'seed', no 'shareplan'. The Key column holds the
    scenario workbook's own names (``authority.random_seed``), so there only the council's name
    and the software's are stray. The 2010 report is cited, and the archetypes' sources describe
    no other council's rows."""
    results = pipeline.results_of(pipeline.appraise(scenarios["E09000033"]))
    path = write_workbook(Context(results), tmp_path / "assumptions.xlsx")
    cited = citation(evidence)
    found: list[tuple[str, str, str]] = []
    sources: list[str] = []
    for sheet in openpyxl.load_workbook(path, read_only=True).worksheets:
        rows = sheet.iter_rows(values_only=True)
        header = [str(h) for h in next(rows)]
        for row in rows:
            for column, value in zip(header, row, strict=False):
                if not isinstance(value, str):
                    continue
                words = stray_words(value, cited)
                if column == "Key":
                    words = [w for w in words if w.lower() != "seed"]
                found += [(sheet.title, column, w) for w in words]
                if column == "Source":
                    sources.append(value)
    assert found == []
    assert any(cited in s for s in sources)
    archetypes = [s for s in sources if "suitability traits judged" in s]
    assert archetypes and not any("example" in s for s in archetypes)


def test_service_notes_describe_the_functions_of_the_councils_tier(
    scenarios: dict[str, Scenario],
) -> None:
    """Review 2: Surrey's central services and housing notes described council tax, benefits,
    elections and homelessness, which are the districts'. A county's notes now say what its own
    figure covers and whose the rest is; a district's keep the district functions; a unitary
    (Westminster) runs both and keeps the whole list."""

    def notes(code: str, service: str) -> str:
        return next(s.notes for s in scenarios[code].services if s.id == service)

    surrey, district, unitary = "E10000030", "E07000179", "E09000033"
    assert "Covers corporate and democratic core, registration of births" in notes(
        surrey, "central"
    )
    assert "(council tax, benefits and elections are the districts')" in notes(surrey, "central")
    assert "council tax and benefits administration" not in notes(surrey, "central")
    assert "Covers housing-related support" in notes(surrey, "housing_gfra")
    assert "council tax and benefits administration, elections" in notes(district, "central")
    assert "council tax and benefits administration, elections" in notes(unitary, "central")
