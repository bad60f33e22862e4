"""The console's summary of an appraisal names criteria in the report's words, never by id."""

from __future__ import annotations

import re
from pathlib import Path

from shareplan.cli.common import console
from shareplan.cli.results_view import print_firmness
from shareplan.report.context import Context
from shareplan.results import read_results


def test_firmness_names_the_criteria_as_the_report_does(rotherham_outputs: Path) -> None:
    """Rotherham: Cabinet and the senior leadership team disagree most on the quick-wins
    criterion (6% against 20%); the console says so in the criterion's own words, the words
    the report's robustness appendix uses, and no id with underscores reaches the screen."""
    results = read_results(rotherham_outputs / "results.json")
    with console.capture() as captured:
        print_firmness(results)
    text = " ".join(captured.get().split())
    w = results.stakeholders.weights_disagree_most[0]
    label = Context(results).weight_label(w.criterion)
    assert w.criterion == "quick_win" and label == "quick wins"
    assert "Stakeholders disagree most on quick wins: Cabinet 6%, SLT 20%." in text
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", text)
