"""The outcomes library and reference class calibration: published figures, hand-computed ratios."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from shareplan.business_case import check_scenario
from shareplan.cli import app
from shareplan.evidence import load_evidence
from shareplan.scenario import load_scenario
from shareplan.tracking.calibrate import calibrations, evidence_view, override_rows
from shareplan.tracking.outcomes import (
    Outcome,
    outcomes_toml,
    read_outcomes,
    shipped_outcomes,
)

ROOT = Path(__file__).resolve().parents[2]
ON = dt.date(2026, 11, 30)


def test_every_shipped_outcome_names_its_source_and_date() -> None:
    outcomes = shipped_outcomes()
    assert len(outcomes) >= 6
    for o in outcomes:
        assert o.source.strip() and o.date.strip() and o.name.strip()
        assert o.confidence in ("confirmed", "secondary")
        if o.comparable:
            assert o.forecast and o.forecast > 0
    assert len({o.id for o in outcomes}) == len(outcomes)


def test_ratios_are_the_published_figures() -> None:
    """Public-public shared services. Savings: Tri-borough £43m a year against a £40m target
    (1.075), Cherwell and South Northamptonshire £3.3m against £5.2m (0.6346), the NAO's shared
    service centres £36m a year against £128m (0.28125): mean 0.66362. One-off cost: NAO 2012,
    £1.4bn against £0.9bn (1.5556), so the mitigated share of the 200% upper bound that matches
    it is 1 - 0.5556 / 2 = 0.7222."""
    found = {(c.model, c.measure): c for c in calibrations(shipped_outcomes())}
    saving = found[("public_public_shared_service", "saving")]
    assert saving.ratio == pytest.approx((43 / 40 + 3.3 / 5.2 + 36 / 128) / 3)
    assert saving.ratio == pytest.approx(0.66362, abs=1e-5)
    cost = found[("public_public_shared_service", "one_off_cost")]
    assert cost.ratio == pytest.approx(1.4 / 0.9)
    view = evidence_view(cost, load_evidence(), ON)
    assert view["calibrated"]["mitigated_share"] == pytest.approx(1 - (1.4 / 0.9 - 1) / 2.0)
    assert view["assumed"]["multiplier"] == pytest.approx(3.0)
    share = evidence_view(saving, load_evidence(), ON)
    assert share["calibrated"]["back_office"] == pytest.approx(0.12 * saving.ratio)


def test_the_override_is_a_valid_dated_parameters_sheet(tmp_path: Path) -> None:
    """The calibrated values, written as the scenario's parameters sheet, load and pass the
    business case's checks; every row's note carries the date and the cases."""
    evidence = load_evidence()
    rows = override_rows(calibrations(shipped_outcomes()), evidence, ON)
    scenario_dir = tmp_path / "scenario"
    shutil.copytree(ROOT / "examples" / "rotherham-2010", scenario_dir)
    from shareplan.scenario.csvio import render_csv

    (scenario_dir / "parameters.csv").write_text(render_csv(rows), "utf-8")
    scenario = load_scenario(scenario_dir, evidence)
    assert len(scenario.parameters) == len(rows) - 1 == 10
    assert check_scenario(scenario, evidence) == []
    for row in rows[1:]:
        assert "calibrated on 2026-11-30" in row[2] and "National Audit Office" in "".join(
            r[2] for r in rows[1:]
        )


def test_the_command_prints_ratios_with_their_cases() -> None:
    result = CliRunner().invoke(app, ["evidence", "calibrate", "--date", "2026-11-30", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    (saving,) = [c for c in data["calibrations"] if c["measure"] == "saving"]
    assert saving["model"] == "public_public_shared_service"
    assert {c["name"].split(":")[0] for c in saving["cases"]} >= {
        "Tri-borough shared services",
        "Cherwell DC and South Northamptonshire Council",
    }
    assert all(c["source"] for c in saving["cases"])
    table = CliRunner().invoke(app, ["evidence", "calibrate"])
    assert table.exit_code == 0 and "0.66" in table.output and "1.56" in table.output


def test_illustrative_outcomes_are_never_used(tmp_path: Path) -> None:
    """An outcome from illustrative figures is written and read back but left out of every
    ratio."""
    made_up = Outcome(
        id="x",
        name="Example",
        model="corporate_centralisation",
        measure="saving",
        forecast=100.0,
        realised=50.0,
        date="2014-03-31",
        source="example",
        confidence="illustrative",
    )
    path = tmp_path / "own.toml"
    path.write_text(outcomes_toml([made_up], ON), "utf-8")
    assert read_outcomes(path) == (made_up,)
    assert calibrations([made_up]) == ()


def test_a_bad_outcomes_file_names_the_field(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(
        '[[outcome]]\nid = "x"\nname = "X"\nmodel = "m"\nmeasure = "profit"\n'
        'realised = 1.0\ndate = "2014"\nsource = "s"\nconfidence = "own"\n',
        "utf-8",
    )
    result = CliRunner().invoke(app, ["evidence", "calibrate", "--library", str(path)])
    assert result.exit_code == 2 and "measure" in result.output


def test_evidence_alone_still_prints_the_evidence_base() -> None:
    """'shareplan evidence' lists the evidence base as before; 'calibrate' is its sub-command."""
    result = CliRunner().invoke(app, ["evidence", "--json", "--on", "2012-01-01"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["on"] == "2012-01-01"
    assert any(p["key"] == "tracking.rag.red_savings_below" for p in data["parameters"])
