"""The whole appraisal on the Rotherham 2010 example, read back from results.json as another tool
would read it, and the commands that work on it (appraise, explain, programme)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from typer.testing import CliRunner

from shareplan import pipeline
from shareplan.cli import app
from shareplan.evidence import EvidenceBase
from shareplan.results import SCHEMA_VERSION, read_results
from shareplan.results.programme import ChosenProgramme
from shareplan.scenario import load_scenario
from shareplan.whatif import programme_what_if
from tests.conftest import EXAMPLE, FIXTURES
from tests.scenario.broken.workbooks import case

runner = CliRunner()


def _measures(entry: dict[str, Any]) -> dict[str, Any]:
    measures: dict[str, Any] = entry["business_case"]["adjusted"]["measures"]
    return measures


def test_results_document_shape(rotherham_results: dict[str, Any]) -> None:
    r = rotherham_results
    assert r["schema_version"] == SCHEMA_VERSION
    assert r["scenario"]["authority"] == "Rotherham Metropolitan Borough Council"
    assert r["scenario"]["price_base_year"] == 2010
    assert {
        "scenario",
        "parameters",
        "long_list",
        "opportunities",
        "sensitivity",
        "programme",
    } <= set(r)
    origins = {p["origin"] for p in r["parameters"]}
    assert origins == {"scenario", "evidence"}
    assert all(p["source"] for p in r["parameters"])
    ll = r["long_list"]
    assert ll["considered"] == ll["kept"] + sum(ll["excluded_by_reason"].values())
    assert ll["shortlist"]["kept"] == len(r["opportunities"])
    for entry in r["opportunities"]:
        assert {"id", "title", "service_ids", "partner_ids", "model"} <= set(entry)
        assert {"screening", "scores", "business_case", "procurement", "risks"} <= set(entry)
    ranks = [e["scores"]["rank"] for e in r["opportunities"]]
    assert ranks == sorted(ranks)


def test_npv_is_the_sum_of_present_values(rotherham_results: dict[str, Any]) -> None:
    """For every shortlisted opportunity, with and without optimism bias: each year's present
    value is its net cash flow times its discount factor, and the NPV is their sum."""
    checked = 0
    for entry in rotherham_results["opportunities"]:
        for basis in ("adjusted", "unadjusted"):
            appraisal = entry["business_case"][basis]
            years = appraisal["years"]
            for year in years:
                assert year["present_value"] == pytest.approx(
                    year["net"] * year["discount_factor"], abs=1e-6
                )
                assert year["net"] == pytest.approx(
                    year["savings"] + year["trading_income"] - year["total_cost"], abs=1e-6
                )
            # appraised on 1 December 2010 (year 0 = 2010/11); the proposal starts in 2011/12
            assert years[0]["discount_factor"] == pytest.approx(1 / 1.035)
            total = math.fsum(y["present_value"] for y in years)
            assert appraisal["measures"]["npv"] == pytest.approx(total, rel=1e-9, abs=1e-6)
            checked += 1
    assert checked == 2 * len(rotherham_results["opportunities"])


def test_discount_factors_follow_the_green_book(rotherham_results: dict[str, Any]) -> None:
    """3.5% a year for years 0-30 (standard schedule). Year 0 is 2010/11, the financial year of the
    appraisal date (1 December 2010); the proposal's year t (t = 0 is 2011/12) is appraisal year
    t + 1, so DF = 1 / 1.035^(t + 1): 2011/12 takes 0.966184."""
    years = rotherham_results["opportunities"][0]["business_case"]["adjusted"]["years"]
    for year in years:
        assert year["discount_factor"] == pytest.approx(1.035 ** -(year["year"] + 1), rel=1e-12)
    assert years[0]["label"] == "2011/12"


def test_procurement_routes_are_visible(rotherham_results: dict[str, Any]) -> None:
    """Public-public shared services need no tender; the five joint procurements tender their
    combined purchase, every one above the 2011 threshold of £156,442 (the smallest, performance
    with the GP consortia: its spend other than staff, 35% of £1,299,537 = £454,838 a year, times
    1 + 0.25 for a health body serving Rotherham's population = £568,547, times 7 years, no VAT
    in 2011 = £3,979,832); a joint venture (the seed's RBT) is flagged for
    legal advice; leisure outsourced to a private firm is a Part B service under the 2006
    Regulations (the procurement starts in April 2011), so it needs no OJEU notice although it is
    worth far more than the threshold, but at £32m it is of cross-border interest and is advertised
    under the Treaty principles, run like a full tender (9 months); any tendered option saves later than the untendered routes
    for the same service; trading options leave the council as the supplier."""
    entries = rotherham_results["opportunities"]
    public = [e for e in entries if e["model"] == "public_public_shared_service"]
    assert public and all(not e["procurement"]["needs_tender"] for e in public)
    joint = [e for e in entries if e["model"] == "joint_procurement"]
    assert len(joint) == 5
    for e in joint:
        p = e["procurement"]
        assert p["route"] == "competitive_above_threshold" and p["needs_tender"]
        assert p["wording"].startswith("A joint purchase from the market as one contract (")
        assert p["contract_value"] >= 3_979_832
    smallest = min(joint, key=lambda e: e["procurement"]["contract_value"])
    assert smallest["id"] == "performance:jp:gp_consortia"
    assert smallest["procurement"]["contract_value"] == pytest.approx(1_299_537 * 0.35 * 1.25 * 7)
    private = [
        e
        for e in entries
        if e["model"] == "public_private" and "joint_venture" not in e["procurement"]["route"]
    ]
    assert private, "the example shortlists an outsourcing option"
    leisure = next(e for e in private if e["service_ids"] == ["leisure"])
    assert leisure["procurement"]["route"] == "part_b_advertised"
    assert leisure["procurement"]["needs_tender"] and leisure["procurement"]["above_threshold"]
    assert leisure["procurement"]["contract_value"] > 5_000_000
    assert leisure["procurement"]["lead_time_months"] == 9.0
    assert any(
        "no OJEU" in r and "Treaty principles" in r for r in leisure["procurement"]["reasons"]
    )
    trading = [e for e in entries if e["model"] == "commercial_trading"]
    assert trading and all(e["procurement"]["route"] == "council_supplies" for e in trading)
    tendered = [e for e in entries if e["procurement"]["needs_tender"]]
    assert all(e["procurement"]["above_threshold"] for e in tendered)
    for e in tendered:
        same_service = [
            o
            for o in entries
            if o["service_ids"] == e["service_ids"] and not o["procurement"]["needs_tender"]
        ]
        assert same_service
        assert all(
            _measures(e)["months_to_first_saving"] > _measures(o)["months_to_first_saving"]
            for o in same_service
        )
    jv = [e for e in entries if "rbt" in e["partner_ids"]]
    assert jv and all(e["procurement"]["legal_advice"] for e in jv)


def test_programme_keeps_the_rules(
    rotherham_results: dict[str, Any], evidence: EvidenceBase
) -> None:
    scenario = load_scenario(EXAMPLE, evidence)
    p = rotherham_results["programme"]
    assert p["feasible"] is True
    chosen = {
        e["id"]: e for e in rotherham_results["opportunities"] if e["id"] in p["selected_ids"]
    }
    assert 5 <= len(chosen) <= 6
    one_off = sum(_measures(e)["one_off_cost"] for e in chosen.values())
    assert one_off <= scenario.authority.implementation_budget + 1e-6
    assert p["totals"]["one_off_cost"] == pytest.approx(one_off)
    assert sum(_measures(e)["quick_win"] for e in chosen.values()) >= 1
    services = [s for e in chosen.values() for s in e["service_ids"]]
    assert len(services) == len(set(services))
    for partner in scenario.partners:
        assert sum(partner.id in e["partner_ids"] for e in chosen.values()) <= 2
    near = p["near_misses"][0]
    assert near["id"] not in chosen and near["kept_out_by"] and near["text"]


def test_explain_prints_scores_and_business_case(rotherham_outputs: Path) -> None:
    results = json.loads((rotherham_outputs / "results.json").read_text())
    first = results["opportunities"][0]["id"]
    result = runner.invoke(
        app, ["explain", first, "--results", str(rotherham_outputs)], terminal_width=200
    )
    assert result.exit_code == 0, result.output
    assert "ranks above" in result.output
    for heading in ("Measures", "Cash flows", "Assumptions", "Risks", "Procurement"):
        assert heading in result.output
    as_json = runner.invoke(app, ["explain", first, "--results", str(rotherham_outputs), "--json"])
    assert json.loads(as_json.output)["id"] == first


def test_explain_unknown_id_is_a_clear_error(rotherham_outputs: Path) -> None:
    result = runner.invoke(app, ["explain", "nothing:here", "--results", str(rotherham_outputs)])
    assert result.exit_code == 2
    assert "no shortlisted opportunity 'nothing:here'" in result.output
    assert "Traceback" not in result.output


def test_programme_what_if_names_the_rule_to_relax(rotherham_outputs: Path) -> None:
    result = runner.invoke(
        app, ["programme", str(rotherham_outputs), "--budget", "100000", "--json"]
    )
    assert result.exit_code == 3  # EXIT_INFEASIBLE: distinct from bad input (2)
    block = json.loads(result.stdout)
    assert block["feasible"] is False
    assert any("budget" in name for name in block["conflicting"])
    # each relaxation names the setting and the option, and applying it does give a programme
    by_setting = {r["setting"]: r for r in block["relaxations"]}
    budget = by_setting["implementation_budget"]
    assert budget["option"].startswith("--budget ")
    assert budget["text"].startswith("with implementation_budget = £")
    again = runner.invoke(
        app,
        ["programme", str(rotherham_outputs), *budget["option"].split(), "--json"],
    )
    assert again.exit_code == 0, again.output
    applied = json.loads(again.stdout)
    assert applied["totals"]["n_projects"] == budget["projects"]
    assert applied["totals"]["one_off_cost"] <= float(budget["option"].split()[1])
    # and it is the smallest such change to two significant figures: 10% less gives none
    less = float(budget["option"].split()[1]) * 0.9
    short = runner.invoke(app, ["programme", str(rotherham_outputs), "--budget", str(less)])
    assert short.exit_code == 3


def test_programme_what_if_must_include(
    rotherham_outputs: Path, rotherham_results: dict[str, Any]
) -> None:
    chosen = set(rotherham_results["programme"]["selected_ids"])
    outside = next(
        e["id"]
        for e in rotherham_results["opportunities"]
        if e["id"] not in chosen and _measures(e)["one_off_cost"] < 300_000
    )
    result = runner.invoke(
        app, ["programme", str(rotherham_outputs), "--must-include", outside, "--json"]
    )
    assert result.exit_code == 0, result.output
    block = json.loads(result.stdout)
    assert outside in block["selected_ids"]
    assert block["objective_value"] <= rotherham_results["programme"]["objective_value"] + 1e-9


def test_what_if_choose_only_is_the_full_choice_without_the_monte_carlo(
    rotherham_outputs: Path,
) -> None:
    """The web what-if's choose-only answer: the programme, reasons and near misses the full
    what-if gives (``shareplan programme``), drawing no Monte Carlo and sweeping no trade-off."""
    document = read_results(rotherham_outputs / "results.json")
    changes = {"budget": 1_500_000.0, "projects": 5}
    with mock.patch.object(pipeline, "simulate_programme", side_effect=AssertionError("drawn")):
        alone = programme_what_if(document, changes, choose_only=True)
    full = programme_what_if(document, changes)
    assert isinstance(full, ChosenProgramme)
    assert alone.feasible and not isinstance(alone, ChosenProgramme)
    assert alone.selected_ids == full.selected_ids
    assert alone.reasons == full.reasons and alone.near_misses == full.near_misses
    assert alone.totals == full.totals


def test_appraise_writes_nothing_for_a_broken_workbook(
    tmp_path: Path, evidence: EvidenceBase
) -> None:
    broken = case("negative-cost").build(
        tmp_path / "in", load_scenario(FIXTURES / "minimal", evidence), evidence
    )
    out = tmp_path / "out"
    result = runner.invoke(app, ["appraise", str(broken), "--out", str(out)])
    assert result.exit_code == 2
    assert "gross_cost" in result.output and "Traceback" not in result.output
    assert not out.exists()
    assert not list(tmp_path.glob(".out.*"))


def test_results_from_another_tool_are_refused(tmp_path: Path) -> None:
    other = tmp_path / "results.json"
    other.write_text(json.dumps({"schema_version": "1.0", "opportunities": [1]}))
    for args in (["explain", "x", "--results", str(other)], ["programme", str(other)]):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, args
        assert result.output == f"Error: {other}: field generator is missing\n"


def test_what_if_keeps_the_rules_of_an_infeasible_appraisal(
    tmp_path: Path, rotherham_outputs: Path
) -> None:
    """An appraisal whose programme was infeasible still records its rules, so a what-if with a
    bigger budget keeps the project count and the partner cap instead of dropping them."""
    first = runner.invoke(
        app, ["programme", str(rotherham_outputs), "--budget", "100000", "--json"]
    )
    document = json.loads((rotherham_outputs / "results.json").read_text())
    document["programme"] = json.loads(first.stdout)
    saved = tmp_path / "results.json"
    saved.write_text(json.dumps(document))
    again = runner.invoke(app, ["programme", str(saved), "--budget", "3000000", "--json"])
    assert again.exit_code == 0, again.output
    block = json.loads(again.stdout)
    assert block["constraints"]["max_projects"] == 6
    assert block["constraints"]["partner_capacity"] == 2
    assert len(block["selected_ids"]) <= 6


def test_what_if_header_shows_the_budget_it_used(rotherham_outputs: Path) -> None:
    result = runner.invoke(
        app, ["programme", str(rotherham_outputs), "--budget", "3000000"], terminal_width=200
    )
    assert result.exit_code == 0
    assert "of £3.0m" in result.output


def test_priority_project_range_and_folder_in_place_of_a_csv(
    tmp_path: Path, evidence: EvidenceBase
) -> None:
    import shutil

    folder = tmp_path / "s"
    shutil.copytree(FIXTURES / "minimal", folder)
    text = (folder / "authority.csv").read_text()
    text = text.replace("priority_projects_min,\n", "priority_projects_min,9\n")
    (folder / "authority.csv").write_text(text)
    (folder / "weights.csv").unlink()
    (folder / "weights.csv").mkdir()
    result = runner.invoke(app, ["validate", str(folder), "--json"])
    assert result.exit_code == 2
    problems = json.loads(result.stdout)["problems"]
    assert any(
        p["sheet"] == "authority" and "priority_projects_min is 9" in p["message"] for p in problems
    )
    assert any(p["sheet"] == "weights" and "a folder" in p["message"] for p in problems)
