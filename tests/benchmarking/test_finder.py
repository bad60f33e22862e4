"""Benchmarking, the partner finder, the national scan and the map, on the shipped data."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from shareplan.benchmarking.benchmark import benchmark, rank_quartile, service_line_totals
from shareplan.benchmarking.finder import find_partners, partner_rows, scenario_geography
from shareplan.benchmarking.maps import decode_arcs, ring, shapes
from shareplan.benchmarking.scan import national_scan
from shareplan.benchmarking.store import NationalData
from shareplan.cli import app
from shareplan.errors import InputError

SOUTH_YORKSHIRE = {"Barnsley", "Doncaster", "Sheffield"}
REPO_ROOT = Path(__file__).resolve().parents[2]


def test_rotherham_adult_social_care_partners(national: NationalData) -> None:
    """Rotherham's three South Yorkshire neighbours are the first three candidates, with reasons."""
    search = find_partners(national, "E08000018", "adult_social_care", "2014-15")
    first = search.candidates[:3]
    assert {c.name for c in first} == SOUTH_YORKSHIRE
    for c in first:
        assert any("shares a boundary with Rotherham" in r for r in c.reasons)
        assert any("same combined authority (South Yorkshire)" in r for r in c.reasons)
        assert c.geography == "sub_region"
        assert set(c.criteria) == {"geography", "governance", "type_size", "peer_group", "spending"}
    assert [c.score for c in search.candidates] == sorted(
        (c.score for c in search.candidates), reverse=True
    )
    rows = partner_rows(search, 3)
    assert [r.sector for r in rows] == ["local_authority"] * 3
    # affinity is the relationship officers judge: the finder leaves it to them
    assert all(r.affinity is None for r in rows)
    assert [r.score for r in rows] == [round(c.score, 4) for c in search.candidates[:3]]


def test_rotherham_2010_11_uses_combined_social_care(national: NationalData) -> None:
    """2010-11 has one social care line; the same neighbours lead."""
    search = find_partners(national, "Rotherham", "social_care_combined", "2010-11", limit=3)
    assert {c.name for c in search.candidates} == SOUTH_YORKSHIRE


def test_finder_bad_input_names_what_is_available(national: NationalData) -> None:
    with pytest.raises(InputError) as err:
        find_partners(national, "E08000099", "adult_care", "2016-17")
    problems = err.value.problems
    assert len(problems) == 3
    assert "2014-15" in (problems[1].allowed or "")
    assert "adult_social_care" in (problems[2].allowed or "")
    with pytest.raises(InputError, match="must be zero or more"):
        find_partners(national, "E08000018", "adult_social_care", "2014-15", {"geography": -1})


def test_finder_refuses_missing_figure(national: NationalData) -> None:
    """No return (Copeland 2017-18) and a line that did not exist are errors, not zeros."""
    with pytest.raises(InputError, match="no 2017-18 return was submitted"):
        find_partners(national, "E07000029", "housing_gfra", "2017-18")
    with pytest.raises(InputError, match="not a Revenue Outturn line in 2012-13"):
        find_partners(national, "E08000018", "public_health", "2012-13")


def test_rank_quartile_known_answer() -> None:
    """Value 30 in [10, 20, 30, 40]: two lower, so rank 3 of 4, quartile 1 + (4*2)//4 = 3."""
    assert rank_quartile(30.0, np.array([10.0, 20.0, 30.0, 40.0])) == (3, 4, 3)


def test_benchmark_rotherham(national: NationalData) -> None:
    """Spend per head = £71,395k x 1000 / population; the headroom is a range, low <= high."""
    b = benchmark(national, "E08000018", "adult_social_care", "2014-15")
    assert b.gbp_thousand == 71_395
    assert b.population is not None and b.per_head is not None
    assert b.per_head == pytest.approx(71_395_000 / b.population)
    # Mid 2014-15 (2014.5) is (2014.5 - 2011.2) / 10 = 0.33 of the way from the 2011 census
    # (257,280) to the 2021 census (269,600).
    assert b.population == pytest.approx(257_280 + (269_600 - 257_280) * 0.33)
    assert b.statistical is not None and b.national is not None and b.headroom is not None
    assert 0 <= b.headroom.low <= b.headroom.high
    assert b.geographic is not None and {"E08000016", "E08000017", "E08000019"} <= set(
        b.geographic.codes
    )
    trend = {p.year: p for p in b.trend}
    assert trend["2010-11"].gbp_thousand is None and trend["2010-11"].missing_reason
    assert trend["2017-18"].gbp_thousand == 77_915


def test_benchmark_missing_is_reported(national: NationalData) -> None:
    b = benchmark(national, "E06000029", "education", "2019-20")
    assert b.per_head is None and "abolished" in (b.missing_reason or "")
    b = benchmark(national, "E07000029", "adult_social_care", "2014-15")
    assert b.per_head is None and "no spending" in (b.missing_reason or "")


def test_service_line_totals_rotherham_2010_11(national: NationalData) -> None:
    """Published RS 2010-11, £ thousand x 1000; adult social care was not yet a separate line."""
    totals = service_line_totals(national, "E08000018", "2010-11")
    assert totals["social_care_combined"] == 114_411_000
    assert totals["central"] == 10_716_000
    assert totals["total_service_expenditure"] == 433_179_000
    assert totals["adult_social_care"] is None


def test_scan_agrees_with_finder(national: NationalData) -> None:
    result = national_scan(national, "2014-15", lines=["adult_social_care"])
    i = result.codes.index("E08000018")
    idx, scores = result.top_partners(0, 3)
    search = find_partners(national, "E08000018", "adult_social_care", "2014-15", limit=3)
    assert [result.codes[j] for j in idx[i]] == [c.code for c in search.candidates]
    assert scores[i] == pytest.approx([c.score for c in search.candidates])
    district = result.codes.index("E07000029")
    assert np.isnan(result.scores[0, district]).all()  # districts do not run adult social care
    assert result.pair_scores == len(result.codes) * (len(result.codes) - 1)


def test_topojson_decoding_known_answer() -> None:
    """Deltas (0,0),(1,0),(0,1) at scale 2, offset (10, 20) -> (10,20),(12,20),(12,22)."""
    topo = {
        "type": "Topology",
        "transform": {"scale": [2, 2], "translate": [10, 20]},
        "arcs": [[[0, 0], [1, 0], [0, 1]], [[1, 1], [-1, -1]]],
        "objects": {
            "areas": {
                "type": "GeometryCollection",
                "geometries": [
                    {"type": "Polygon", "arcs": [[0, 1]], "properties": {"AREACD": "X1"}}
                ],
            }
        },
    }
    arcs = decode_arcs(topo)
    assert arcs[0].tolist() == [[10, 20], [12, 20], [12, 22]]
    assert ring(arcs, [~0]).tolist() == [[12, 22], [12, 20], [10, 20]]
    assert shapes(topo)["X1"][0].tolist() == [[10, 20], [12, 20], [12, 22], [10, 20]]


runner = CliRunner()


def test_cli_partners_find_json() -> None:
    out = runner.invoke(
        app,
        ["partners", "find", "--authority", "E08000018", "--service", "adult_social_care",
         "--year", "2014-15", "--json"],
    )  # fmt: skip
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert {c["name"] for c in data["candidates"][:3]} == SOUTH_YORKSHIRE


def test_cli_bad_input_exit_2() -> None:
    out = runner.invoke(
        app, ["data", "benchmark", "-a", "Nowhere", "-s", "adult_social_care", "-y", "2099-00"]
    )
    assert out.exit_code == 2
    assert "unknown authority" in out.output and "no Revenue Outturn data" in out.output


def test_cli_scan_writes_files(tmp_path: Path) -> None:
    out = runner.invoke(
        app, ["data", "scan", "--year", "2014-15", "--out", str(tmp_path), "--no-map", "--json"]
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["pair_scores"] > 1_300_000
    assert (tmp_path / "pairings.csv").exists() and (tmp_path / "gaps.csv").exists()


def test_cli_find_into_scenario(tmp_path: Path) -> None:
    """Partners are appended through the scenario API; existing ones are not duplicated."""
    example = REPO_ROOT / "examples" / "rotherham-2010"
    target = tmp_path / "scenario"
    shutil.copytree(example, target)
    out = runner.invoke(
        app,
        ["partners", "find", "-a", "E08000018", "-s", "adult_social_care", "-y", "2014-15",
         "--into", str(target), "--count", "5", "--json"],
    )  # fmt: skip
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert "Kirklees Council" in data["into"]["added"]
    # Barnsley and Doncaster are already partners, written 'Barnsley MBC' and 'Doncaster MBC'
    assert (
        "Barnsley Metropolitan Borough Council is already a partner in the scenario"
        in (data["into"]["skipped"])
    )
    from shareplan.scenario import load_scenario

    names = [p.name for p in load_scenario(target).partners]
    assert "Kirklees Council" in names and "Wakefield Metropolitan District Council" in names
    assert [n for n in names if n.startswith("Barnsley")] == ["Barnsley MBC"]


def test_counties_touch_the_counties_their_districts_touch(national: NationalData) -> None:
    """Surrey borders West Sussex, Hampshire, Kent and East Sussex (its districts touch theirs:
    Waverley and Chichester, Rushmoor's neighbours Surrey Heath and Guildford, Tandridge and
    Sevenoaks, Tandridge and Wealden): each is a neighbour, so a partner there is in the
    sub-region, not 'elsewhere'."""
    surrey = national.authorities["E10000030"]
    near = {n.code for n in national.authorities.neighbours_of(surrey.code)}
    assert {"E10000032", "E10000014", "E10000016", "E10000011"} <= near
    assert "E10000015" not in near  # Hertfordshire does not border Surrey
    kent = national.authorities["E10000016"]
    assert scenario_geography(surrey, kent, True) == "sub_region"


def test_cli_find_into_fills_what_each_added_council_delivers(
    tmp_path: Path, national: NationalData
) -> None:
    """Into South Oxfordshire's template (its services are Revenue Outturn lines), the councils
    added get the lines they report a figure other than zero on in 2023-24, with a note; the
    partners already there keep their lists. Into Rotherham's example, whose services are not
    Revenue Outturn lines, they get none: what they deliver is not known, so nothing is
    restricted."""
    from shareplan.scenario import load_scenario

    target = tmp_path / "sodc.xlsx"
    made = runner.invoke(
        app, ["template", str(target), "--authority", "E07000179", "--year", "2023-24"]
    )
    assert made.exit_code == 0, made.output
    before = {p.id: p for p in load_scenario(target).partners}
    out = runner.invoke(
        app,
        ["partners", "find", "-a", "E07000179", "-s", "planning_development", "-y", "2023-24",
         "--into", str(target), "--count", "10", "--json"],
    )  # fmt: skip
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["into"]["added"]
    after = load_scenario(target)
    services = [s.id for s in after.services]
    added = [p for p in after.partners if p.id not in before]
    assert added
    for p in added:
        lines = service_line_totals(national, p.ons_code, "2023-24")
        assert list(p.delivers) == [s for s in services if lines.get(s)], p.name
        assert "Delivers (Revenue Outturn 2023-24)" in p.notes
    for p in after.partners:
        if p.id in before:
            assert p == before[p.id]

    rotherham = tmp_path / "rotherham"
    shutil.copytree(REPO_ROOT / "examples" / "rotherham-2010", rotherham)
    out = runner.invoke(
        app,
        ["partners", "find", "-a", "E08000018", "-s", "adult_social_care", "-y", "2014-15",
         "--into", str(rotherham), "--count", "5"],
    )  # fmt: skip
    assert out.exit_code == 0, out.output
    assert all(not p.delivers for p in load_scenario(rotherham).partners)
