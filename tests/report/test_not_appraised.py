"""The Cabinet report says which services were left out of the appraisal and why, in the section
that describes how the projects were found, and says nothing when none was."""

from __future__ import annotations

import pytest

from shareplan import pipeline
from shareplan.report import build_report
from shareplan.report.model import Paragraph, money_runs, trace
from shareplan.results import Results
from shareplan.scenario import Scenario


def _proposals(results: Results) -> list[Paragraph]:
    section = build_report(results).section("proposals")
    return [b for b in section.blocks if isinstance(b, Paragraph)]


def _with_held(minimal: Scenario, *held: tuple[str, str, float]) -> Results:
    """The minimal scenario (one priority project) with rows not to appraise added."""
    extra = tuple(
        minimal.service("payroll").model_copy(
            update={"id": i, "name": name, "gross_cost": cost, "appraise": False}
        )
        for i, name, cost in held
    )
    authority = minimal.authority.model_copy(update={"priority_projects": 1})
    scenario = minimal.model_copy(
        update={"services": (*minimal.services, *extra), "authority": authority}
    )
    return pipeline.results_of(pipeline.appraise(scenario, source="test"))


def test_one_service_left_out_in_one_sentence(minimal: Scenario) -> None:
    """£11,754,000 is £11.8m to three significant figures; the figure is traced to
    scenario.not_appraised[0].gross_cost."""
    results = _with_held(minimal, ("other", "Other services", 11_754_000.0))
    (said,) = [b for b in _proposals(results) if "left out of the appraisal" in b.text]
    assert said.text == (
        "Other services (£11.8m a year) was left out of the appraisal: it groups several "
        "services under one heading, so nobody could say what sharing it would mean. Officers "
        "are to split it into the services it covers, so that each can be appraised in its own "
        "right."
    )
    (money,) = money_runs(said)
    assert money.where == "scenario.not_appraised.0.gross_cost"
    assert trace(results.model_dump(mode="json"), money) == pytest.approx(11_754_000.0)
    assert "other" not in {s for o in results.opportunities for s in o.service_ids}


def test_two_left_out_are_listed_with_names_kept_apart(minimal: Scenario) -> None:
    """A name with a comma of its own parts the list by semicolons, as everywhere in the report:
    £560,000 is £560k, £1,234,000 is £1.2m."""
    results = _with_held(
        minimal,
        ("other", "Other services", 1_234_000.0),
        ("misc", "Grants, levies and other", 560_000.0),
    )
    (said,) = [b for b in _proposals(results) if "left out of the appraisal" in b.text]
    assert said.text.startswith(
        "Other services (£1.2m a year); and Grants, levies and other (£560k a year) were left out "
        "of the appraisal: each groups several services under one heading"
    )
    assert [m.where for m in money_runs(said)] == [
        "scenario.not_appraised.0.gross_cost",
        "scenario.not_appraised.1.gross_cost",
    ]


def test_nothing_is_said_when_every_service_is_appraised(small_results: Results) -> None:
    assert small_results.scenario.not_appraised == ()
    assert not any("left out of the appraisal" in b.text for b in _proposals(small_results))
