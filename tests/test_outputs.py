"""Outputs the user cannot write, results found where ``--out`` put them, short messages, closed
pipes (issue 15): a clear line and a status, never a traceback."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from shareplan.cli import app
from shareplan.errors import Problem, examples
from tests.conftest import EXAMPLE, FIXTURES

runner = CliRunner()


def _deny(monkeypatch: pytest.MonkeyPatch) -> None:
    """The operating system refuses every new file, as for a read-only folder (the tests run as
    root, for whom a read-only folder is writable)."""

    def refuse(*_: Any, dir: str | None = None, **__: Any) -> tuple[int, str]:
        raise PermissionError(13, "Permission denied", dir)

    monkeypatch.setattr(tempfile, "mkstemp", refuse)


def _one_line(output: str) -> str:
    lines = [line for line in output.splitlines() if line.strip()]
    assert "Traceback" not in output
    return " ".join(lines)


@pytest.mark.parametrize(
    "command",
    [
        ["appraise", str(FIXTURES / "minimal"), "--out", "{out}/appraisal"],
        ["template", "{out}/blank.xlsx"],
        ["template", "{out}/so.xlsx", "--authority", "E07000179"],
        ["convert", str(FIXTURES / "minimal"), "{out}/copy.xlsx"],
        ["convert", str(FIXTURES / "minimal"), "{out}/copy"],
    ],
)
def test_an_unwritable_output_is_one_clear_line(
    command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _deny(monkeypatch)
    args = [part.replace("{out}", str(tmp_path)) for part in command]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    text = _one_line(result.output)
    assert "permission denied" in text
    assert str(tmp_path) in text
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # nothing half-written


def test_report_into_an_unwritable_folder(
    rotherham_outputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _deny(monkeypatch)
    result = runner.invoke(
        app, ["report", str(rotherham_outputs / "results.json"), "--out", str(tmp_path / "r")]
    )
    assert result.exit_code == 2
    assert "cannot write into" in _one_line(result.output)
    assert not (tmp_path / "r").exists()


def test_partners_into_an_unwritable_scenario(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scenario = tmp_path / "rotherham"
    shutil.copytree(EXAMPLE, scenario)
    before = {p.name: p.read_bytes() for p in scenario.iterdir()}
    _deny(monkeypatch)
    result = runner.invoke(
        app,
        [
            "partners", "find", "--authority", "E08000018", "--service", "central",
            "--year", "2010-11", "--into", str(scenario),
        ],
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert "permission denied" in _one_line(result.output)
    assert {p.name: p.read_bytes() for p in scenario.iterdir()} == before


NOBODY = 65534
"""The unprivileged user the read-only test runs as when the suite runs as root (as CI does)."""


def _invoke_as(uid: int, args: list[str]) -> tuple[int, str]:
    """The command run in a forked child that has given up root for ``uid``, so that the
    operating system's permission check is the real one (root may write anywhere). Everything
    the command imports is imported first by a run as the caller: the child cannot read the
    interpreter's own files under /root."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 1
        try:
            os.close(read_end)
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
            result = runner.invoke(app, args)
            os.write(write_end, json.dumps([result.exit_code, result.output]).encode())
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        answer = pipe.read()
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0 and answer, "the unprivileged child failed"
    exit_code, output = json.loads(answer)
    return int(exit_code), str(output)


def test_a_read_only_folder_as_a_normal_user(tmp_path: Path) -> None:
    """A folder the user may read but not write: exit 2 and one line, nothing written. As root
    (CI), the command runs as an unprivileged user, so the refusal is the operating system's."""
    warm = runner.invoke(app, ["template", str(tmp_path / "warm.xlsx")])
    assert warm.exit_code == 0, warm.output
    # a folder every user can reach: pytest's own temporary folders are private to their owner
    base = Path(tempfile.mkdtemp())
    locked = base / "locked"
    try:
        base.chmod(0o755)
        locked.mkdir()
        locked.chmod(0o555)
        args = ["template", str(locked / "t.xlsx")]
        if os.geteuid() == 0:
            exit_code, output = _invoke_as(NOBODY, args)
        else:
            result = runner.invoke(app, args)
            exit_code, output = result.exit_code, result.output
        assert exit_code == 2, output
        assert "permission denied" in _one_line(output)
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o700)
        shutil.rmtree(base)


def test_partners_into_refuses_another_councils_scenario(tmp_path: Path) -> None:
    """The Rotherham scenario is E08000018's: partners found for Sheffield do not belong in it
    (Rotherham would be among them)."""
    scenario = tmp_path / "rotherham"
    shutil.copytree(EXAMPLE, scenario)
    result = runner.invoke(
        app,
        [
            "partners", "find", "--authority", "E08000019", "--service", "central",
            "--year", "2010-11", "--into", str(scenario),
        ],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "the scenario is for E08000018, but these partners were found for Sheffield" in (
        _one_line(result.output)
    )


def test_partners_into_leaves_affinity_to_judge(tmp_path: Path) -> None:
    scenario = tmp_path / "rotherham"
    shutil.copytree(EXAMPLE, scenario)
    result = runner.invoke(
        app,
        [
            "partners", "find", "--authority", "E08000018", "--service", "central",
            "--year", "2010-11", "--into", str(scenario), "--count", "8",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    from shareplan.scenario import load_scenario

    loaded = load_scenario(scenario)
    added = [p for p in loaded.partners if p.ons_code]
    assert added and all(not p.affinity_judged for p in added)
    assert "E08000018" not in {p.ons_code for p in loaded.partners}


def test_explain_finds_out_results_json(
    rotherham_outputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``appraise --out out`` writes out/results.json; ``explain ID`` finds it with no --results,
    and ``programme out`` reads it."""
    (tmp_path / "out").mkdir()
    shutil.copy(rotherham_outputs / "results.json", tmp_path / "out" / "results.json")
    document = json.loads((rotherham_outputs / "results.json").read_text("utf-8"))
    first = document["opportunities"][0]["id"]
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["explain", first, "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["id"] == first
    result = runner.invoke(app, ["programme", "out", "--json"])
    assert result.exit_code == 0, result.output


def test_a_long_allowed_list_is_cut_to_examples() -> None:
    ids = [f"service{i:06d}" for i in range(200_000)]
    problem = Problem(
        "unknown service: nowhere", "x.xlsx", "bundles", 2, "service_ids", ", ".join(ids)
    )
    assert len(str(problem)) < 500
    assert str(problem).endswith("and 199,9" + str(problem).split("and 199,9")[1])
    assert examples(ids, 3) == "service000000, service000001, service000002 and 199,997 others"


def test_a_closed_pipe_ends_quietly(rotherham_outputs: Path) -> None:
    """``shareplan programme DIR | head -1``: exit 0 and nothing on standard error."""
    command = (
        f"set -o pipefail; {sys.executable} -c 'from shareplan.cli import main; main()' "
        f"programme {rotherham_outputs} | head -1"
    )
    done = subprocess.run(["bash", "-c", command], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert done.stdout.count("\n") == 1


def test_chart_text_without_glyphs_prints_no_warning() -> None:
    import warnings

    from shareplan.report.model import ScoreBreakdown
    from shareplan.report.writers.charts import drawable, render

    assert drawable("Waste \U0001f6ae services") == "Waste services"
    chart = ScoreBreakdown(("Waste \U0001f6ae", "Payroll"), ("Right services",), ((10.0,), (5.0,)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert render(chart, "png")


def test_business_cases_in_worker_blocks_equal_one_pass(
    monkeypatch: pytest.MonkeyPatch, minimal: Any, evidence: Any
) -> None:
    """At county scale the business cases are built in blocks across the cores; each case uses
    only its opportunity and the scenario's seed, so the blocks give exactly one pass's cases."""
    from shareplan import pipeline
    from shareplan.assessment.shortlist import shortlist
    from shareplan.business_case import build_business_cases
    from shareplan.opportunities import generate

    short = shortlist(generate(minimal, evidence), minimal, evidence).opportunities
    monkeypatch.setattr(pipeline, "PARALLEL_FROM", 1)
    monkeypatch.setattr(pipeline, "CASE_BLOCK", 2)
    told: list[str] = []
    blocks = pipeline.business_cases(minimal, short, evidence, told.append)
    assert blocks == build_business_cases(minimal, short, evidence)
    assert told[-1] == f"Building business cases ({len(short):,} of {len(short):,})"
