"""`validate` lists what the Cabinet report needs and the authority sheet leaves blank."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from typer.testing import CliRunner

from shareplan.cli import app
from shareplan.cli.scenario_commands import to_complete
from shareplan.evidence import EvidenceBase
from shareplan.scenario import Scenario, load_scenario
from shareplan.scenario.csvio import write_folder
from tests.conftest import ROOT

runner = CliRunner()


def _with(scenario: Scenario, **changes: object) -> Scenario:
    return scenario.model_copy(update={"authority": scenario.authority.model_copy(update=changes)})


def test_blank_meeting_directorate_and_contact_are_to_complete(
    minimal: Scenario, evidence: EvidenceBase, tmp_path: Path
) -> None:
    """A template leaves all three blank: the report would be dated the appraisal date (here
    1 April 2024, a Monday) with no directorate and no contact officer. Each is one note, and
    validate still passes (exit 0), in words and in --json."""
    blank = _with(
        minimal,
        appraisal_date=dt.date(2024, 4, 1),
        meeting_date=None,
        directorate="",
        contact="",
    )
    notes = to_complete(blank)
    assert notes == [
        "meeting_date is blank: the report is dated the appraisal date, Monday 1 April 2024; "
        "give the date of the meeting it goes to",
        "directorate is blank: the report's heading leaves out the directorate",
        "contact is blank: the report names no contact officer "
        "(it says '[to be completed by the report author]')",
    ]
    write_folder(blank, tmp_path / "s", evidence)
    result = runner.invoke(app, ["validate", str(tmp_path / "s"), "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["to_complete"] == notes
    words = runner.invoke(app, ["validate", str(tmp_path / "s")])
    assert words.exit_code == 0
    assert "to complete: contact is blank" in " ".join(words.output.split())
    assert "[to be completed by the report author]" in " ".join(words.output.split())


def test_a_weekend_meeting_is_noted_and_a_complete_sheet_has_nothing(
    minimal: Scenario, evidence: EvidenceBase
) -> None:
    weekend = _with(
        minimal, meeting_date=dt.date(2024, 4, 6), directorate="Resources", contact="A. Officer"
    )
    assert to_complete(weekend) == ["meeting_date Saturday 6 April 2024 falls on a weekend"]
    rotherham = load_scenario(ROOT / "examples" / "rotherham-2010", evidence)
    assert to_complete(rotherham) == []
