"""results.json as a typed contract: the Rotherham file read by the model and written again byte
for byte, the same bytes as the dict builder it replaced, the schema in docs kept equal and valid
for the real file, and a damaged file refused in one line by every command that reads one."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jsonschema
import pytest
from typer.testing import CliRunner

from shareplan.cli import app
from shareplan.errors import InputError
from shareplan.results import SCHEMA_VERSION, Results, parse_results, read_results, write_results
from shareplan.results.schema import results_schema, schema_text
from tests.conftest import ROOT
from tests.results.legacy import legacy_document

if TYPE_CHECKING:
    from shareplan.pipeline import AppraisalRun

runner = CliRunner()
SRC = ROOT / "src" / "shareplan"


def test_rotherham_results_read_by_the_model_and_written_again_byte_for_byte(
    rotherham_outputs: Path, tmp_path: Path
) -> None:
    text = (rotherham_outputs / "results.json").read_text("utf-8")
    results = Results.model_validate_json(text)
    assert results.scenario.authority == "Rotherham Metropolitan Borough Council"
    assert len(results.opportunities) == results.long_list.shortlist.kept
    assert results.chosen is not None and len(results.chosen.selected_ids) == 6
    again = write_results(results, tmp_path / "results.json").read_text("utf-8")
    assert again == text


def test_same_values_as_the_dict_builder_it_replaced(
    rotherham_run: AppraisalRun, tmp_path: Path
) -> None:
    """The before/after comparison of issue 11, reproducible: for the same Rotherham run, the
    typed model writes exactly the values the old nested-dict builder (tests/results/legacy.py)
    wrote, every float to the last digit. Only the notation of tiny numbers differs since the
    file is written by pydantic's serialiser (``0.000046`` for ``4.6e-05``), so the text is
    compared as parsed JSON (docs/results.md)."""
    from shareplan import pipeline

    typed = pipeline.results_of(rotherham_run)
    written = write_results(typed, tmp_path / "results.json").read_text("utf-8")
    legacy = legacy_document(rotherham_run, typed.created)
    assert json.loads(written) == json.loads(json.dumps(legacy))
    assert written.endswith("\n}\n") and written.startswith('{\n  "schema_version": ')


def test_schema_in_docs_is_the_models_and_the_real_file_keeps_it(rotherham_outputs: Path) -> None:
    """docs/results.schema.json is what pydantic generates (rewrite it with ``python -m
    shareplan.results.schema``), and an independent validator accepts the Rotherham file by it."""
    assert (ROOT / "docs" / "results.schema.json").read_text("utf-8") == schema_text()
    data = json.loads((rotherham_outputs / "results.json").read_text("utf-8"))
    jsonschema.validate(data, results_schema())
    del data["opportunities"][0]["business_case"]["adjusted"]["measures"]["npv"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, results_schema())


def _damaged(small: Results, tmp_path: Path, how: str) -> tuple[Path, str]:
    """A copy of the small results.json damaged ``how``, and the words the error must hold."""
    data: dict[str, Any] = small.model_dump(mode="json")
    first = data["opportunities"][0]
    if how == "removed":
        del first["business_case"]["adjusted"]["measures"]["npv"]
        words = "field opportunities[0].business_case.adjusted.measures.npv is missing"
    elif how == "wrong type":
        first["scores"]["total"] = "high"
        words = 'field opportunities[0].scores.total is "high": input should be a valid number'
    else:
        words = "not valid JSON (cut short or damaged?)"
    text = json.dumps(data, indent=2)
    if how == "truncated":
        text = text[: len(text) // 2]
    path = tmp_path / "results.json"
    path.write_text(text, encoding="utf-8")
    return path, words


@pytest.mark.parametrize("how", ["removed", "wrong type", "truncated"])
@pytest.mark.parametrize("command", ["report", "explain", "programme"])
def test_a_damaged_file_is_one_line_naming_the_field(
    small_results: Results, tmp_path: Path, how: str, command: str
) -> None:
    path, words = _damaged(small_results, tmp_path, how)
    args = {
        "report": ["report", str(path), "--out", str(tmp_path / "out")],
        "explain": ["explain", small_results.opportunities[0].id, "--results", str(path)],
        "programme": ["programme", str(path)],
    }[command]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert result.output.count("\n") == 1, result.output
    assert result.output.startswith(f"Error: {path}: {words}"), result.output
    assert not (tmp_path / "out").exists()


def test_versions_are_checked_in_one_place(small_results: Results) -> None:
    """A newer schema, or not a results file at all, is refused with what would be allowed."""
    data = small_results.model_dump(mode="json")
    newer = json.dumps({**data, "schema_version": "3.9"})
    with pytest.raises(InputError, match=r"results schema 3\.9 is newer than this shareplan reads"):
        parse_results(newer)
    with pytest.raises(InputError, match=r"not a shareplan results file"):
        parse_results("[1, 2]")
    assert parse_results(json.dumps(data)) == small_results


def test_readers_open_results_only_through_the_model() -> None:
    """No module but results/io.py parses a results.json: the report, explain, programme (and
    the web app) call read_results. JSON read elsewhere is another file (evidence, a scenario,
    national data), named in the allow-list with why."""
    other_json = {
        "benchmarking": "national open data and the partner finder's caches",
        "store/backup.py": "the workspace's backup file (a run's results in it are data; they "
        "are read back through parse_results in store/runs.py)",
    }
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        if rel.startswith("results/") or rel.split("/")[0] in other_json or rel in other_json:
            continue
        if re.search(r"json\.loads?\(|model_validate_json\(", path.read_text("utf-8")):
            offenders.append(rel)
    assert offenders == []


def test_read_results_names_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such results file"):
        read_results(tmp_path / "nope.json")


def test_a_1_0_file_is_upgraded(small_results: Results) -> None:
    """A 1.0 results.json (one one-off uplift for every line, 200% of equipment and development)
    reads as 2.0 (and then 2.1, 3.0 and 3.1): each one-off line becomes a category with that uplift, and the
    model inputs get team, procurement, ICT and exit uplifts of 2.0."""
    data = small_results.model_dump(mode="json")
    data["schema_version"] = "1.0"
    case = next(o["business_case"] for o in data["opportunities"] if o.get("business_case"))
    bias = case["optimism_bias"]
    for key in ("one_off", "one_off_mitigated", "fixed_price_contract"):
        bias.pop(key)
    bias.update(
        one_off_type="equipment_development",
        one_off_upper=2.0,
        one_off_mitigated=0.0,
        one_off_uplift=2.0,
    )
    for name in ("team_uplift", "procurement_uplift", "ict_uplift", "exit_uplift"):
        case["model_inputs"].pop(name)
    case["model_inputs"]["one_off_uplift"] = 2.0
    upgraded = parse_results(json.dumps(data))
    assert upgraded.schema_version == SCHEMA_VERSION == "3.1"
    read = next(o.business_case for o in upgraded.opportunities if o.business_case is not None)
    assert [c.uplift for c in read.optimism_bias.one_off] == [2.0, 2.0, 2.0, 2.0]
    assert read.model_inputs["exit_uplift"] == 2.0


def test_a_2_1_file_is_upgraded(small_results: Results) -> None:
    """A 2.1 results.json called the rules used to the full ``binding`` and had no ``limiting``,
    equal alternatives or services removed by the screen: it reads as 3.0 (then 3.1) with ``binding``
    renamed ``no_room_left`` (the same rules), ``limiting`` unknown and the lists empty."""
    data = small_results.model_dump(mode="json")
    data["schema_version"] = "2.1"
    block = data["programme"]
    assert block["feasible"] is True
    full = block.pop("no_room_left")
    block["binding"] = full
    for key in ("limiting", "equal_alternatives"):
        block.pop(key)
    for use in block["constraint_use"]:
        use["binding"] = use.pop("no_room_left")
        use.pop("limiting")
    data["long_list"]["shortlist"].pop("removed_by_screen")
    upgraded = parse_results(json.dumps(data))
    assert upgraded.schema_version == "3.1"
    chosen = upgraded.chosen
    assert chosen is not None and small_results.chosen is not None
    assert chosen.no_room_left == tuple(full) == small_results.chosen.no_room_left
    assert chosen.limiting is None and chosen.equal_alternatives == ()
    assert [u.no_room_left for u in chosen.constraint_use] == [
        u.no_room_left for u in small_results.chosen.constraint_use
    ]
    assert all(u.limiting is None for u in chosen.constraint_use)
    assert upgraded.long_list.shortlist.removed_by_screen == ()


def test_a_2_0_file_reads_with_no_service_left_out(small_results: Results) -> None:
    """2.1 only added scenario.not_appraised: a 2.0 file, which had no such field, reads as 3.1
    with none left out, and is otherwise the same results."""
    data = small_results.model_dump(mode="json")
    data["schema_version"] = "2.0"
    del data["scenario"]["not_appraised"]
    upgraded = parse_results(json.dumps(data))
    assert upgraded.schema_version == "3.1"
    assert upgraded.scenario.not_appraised == ()
    assert upgraded == small_results


def test_a_3_0_file_reads_with_no_grant_funded_near_miss(small_results: Results) -> None:
    """3.1 only added ``grant_npv`` to near misses: a 3.0 file, whose near misses had no such
    field, reads as 3.1 with none of them marked, and its near misses otherwise the same."""
    data = small_results.model_dump(mode="json")
    data["schema_version"] = "3.0"
    misses = data["programme"]["near_misses"]
    assert misses
    for miss in misses:
        del miss["grant_npv"]
    read = parse_results(json.dumps(data))
    assert read.schema_version == "3.1"
    assert read.chosen is not None and small_results.chosen is not None
    assert [m.grant_npv for m in read.chosen.near_misses] == [None] * len(misses)
    assert read.chosen.near_misses == small_results.chosen.near_misses


def test_a_2_0_file_reads_as_ranked_on_the_whole_npv(small_results: Results) -> None:
    """A 2.0 results.json has none of 2.1's general-fund fields. It reads (as 3.1), and says
    what a 2.0 run did: its programme ranked on the whole NPV; the general fund's share of a
    case's NPV is worked out from the ring-fenced share (0 here, so the whole NPV)."""
    data = small_results.model_dump(mode="json")
    data["schema_version"] = "2.0"
    programme = data["programme"]
    for block in (programme, programme["value_for_money"], programme["order_of_buy"]):
        for key in ("count_ring_fenced_savings", "any_ring_fenced"):
            del block["objective"][key]
    del programme["totals"]["general_fund_npv"]
    for point in programme["frontier"]["points"]:
        del point["general_fund_npv"]
    for entry in data["opportunities"]:
        del entry["business_case"]["general_fund_npv"]
    read = parse_results(json.dumps(data))
    assert read.schema_version == "3.1"
    assert read.chosen is not None
    assert read.chosen.objective.count_ring_fenced_savings is True
    assert read.chosen.objective.on_general_fund is False
    assert read.chosen.totals.general_fund_npv is None
    case = read.opportunities[0].business_case
    assert case.general_fund_npv is None
    assert case.npv_to_general_fund == case.measures.npv


def test_an_older_version_is_upgraded_in_one_place(
    small_results: Results, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A step registered for an older version runs on reading: here a made-up 0.9 that called
    the programme block ``priority_programme`` reads as 1.0, and then as 2.0 and 2.1."""
    from shareplan.results import io

    def rename(data: dict[str, Any]) -> dict[str, Any]:
        data = dict(data)
        data["programme"] = data.pop("priority_programme")
        return {**data, "schema_version": "1.0"}

    monkeypatch.setitem(io.UPGRADES, "0.9", rename)
    old = small_results.model_dump(mode="json")
    old["priority_programme"] = old.pop("programme")
    old["schema_version"] = "0.9"
    assert parse_results(json.dumps(old)) == small_results
    with pytest.raises(InputError, match=r"results schema 0\.8 is not readable here"):
        parse_results(json.dumps({**old, "schema_version": "0.8"}))
