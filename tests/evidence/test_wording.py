"""The evidence base is read by every authority's officers and members (in the assumptions workbook
and ``shareplan evidence``): its text cites the 2010 report as a source by name, states the
method's own assumptions as such, and names no council as the example place."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterator
from importlib import resources
from typing import Any

import pytest
from typer.testing import CliRunner

from shareplan.cli import app
from shareplan.evidence import EvidenceBase
from tests.reader_words import citation, stray_words

DATA = resources.files("shareplan.evidence") / "data"
FILES = sorted(f.name for f in DATA.iterdir() if f.name.endswith(".toml"))


def _strings(value: Any, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{where}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, f"{where}[{i}]")


def test_the_citation_is_the_2010_report(evidence: EvidenceBase) -> None:
    assert citation(evidence) == "Rotherham MBC, Cabinet report 'Shared Services', 1 December 2010"


@pytest.mark.parametrize("name", FILES)
def test_no_description_source_or_note_says_seed_or_shareplan(
    name: str, evidence: EvidenceBase
) -> None:
    """Every text in the file (descriptions, sources, notes, wordings, mitigations): no 'seed',
    no 'shareplan', and 'Rotherham' only in the 2010 report's citation."""
    data = tomllib.loads((DATA / name).read_text("utf-8"))
    cited = citation(evidence)
    found = {
        where: words for where, text in _strings(data, name) if (words := stray_words(text, cited))
    }
    assert found == {}


def test_the_method_says_which_figures_are_its_own(evidence: EvidenceBase) -> None:
    """The method's own figures say so in words, and the 2010 report is cited where it is the
    source: the quick-win window is its criterion, the minimum share is this method's."""
    on = evidence.parameters["business_case.quick_win.months"].values[-1]
    own = evidence.parameters["business_case.quick_win.min_share_of_annual"].values[-1]
    assert on.source.startswith(citation(evidence) + ", section 7")
    assert own.source.startswith("Assumption of this method (no published source): ")


def test_evidence_command_output_is_clean(evidence: EvidenceBase) -> None:
    """``shareplan evidence --json`` (every model, criterion and parameter) and the table form's
    titles: nothing stray once the 2010 report's citations are taken out."""
    result = CliRunner().invoke(app, ["evidence", "--json"])
    assert result.exit_code == 0, result.output
    text = json.dumps(json.loads(result.stdout), ensure_ascii=False)
    assert citation(evidence) in text
    assert stray_words(text, citation(evidence)) == []
