"""The programme tells one story in results.json and the report (review 1, items 4, 5 and 7).

South Oxfordshire's template (E07000179, 2023-24) asks for five projects within £350k and gets
fewer, with money left: the budget must still be named as what limits the programme, the summary
must say why in one sentence, and the near misses must be kept out by the budget alone.
Westminster's template screens education and both kinds of social care out entirely: the options
section must name them with their cost and the screen's reason.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from shareplan import pipeline
from shareplan.assessment.screening import REASON_NOT_SUITABLE
from shareplan.cli import app
from shareplan.evidence import EvidenceBase
from shareplan.opportunities import generate
from shareplan.report import formatting as fmt
from shareplan.report.context import Context
from shareplan.report.sections.options import options
from shareplan.report.sections.summary import fewer_than_asked
from shareplan.results import Results
from shareplan.results.header import RemovedByScreen
from shareplan.scenario import Scenario, load_scenario

runner = CliRunner()


def _template(folder: Path, code: str, evidence: EvidenceBase) -> Scenario:
    path = folder / f"{code}.xlsx"
    result = runner.invoke(app, ["template", str(path), "--authority", code, "--year", "2023-24"])
    assert result.exit_code == 0, result.output
    return load_scenario(path, evidence)


@pytest.fixture(scope="module")
def soxon(tmp_path_factory: pytest.TempPathFactory, evidence: EvidenceBase) -> Results:
    scenario = _template(tmp_path_factory.mktemp("soxon"), "E07000179", evidence)
    return pipeline.results_of(pipeline.appraise(scenario, evidence=evidence))


def test_the_budget_limits_the_programme_with_money_left(soxon: Results) -> None:
    """Fewer projects than the five asked for, the budget not spent to the pound (so it has room
    left), and yet the budget is the rule that limits the programme."""
    chosen = soxon.chosen
    assert chosen is not None
    assert chosen.constraints.max_projects == 5
    assert len(chosen.selected_ids) < 5
    budget = next(u for u in chosen.constraint_use if u.key == "budget")
    assert budget.slack is not None and budget.slack > 0
    assert budget.no_room_left is False and budget.limiting is True
    assert chosen.limiting is not None and "budget of £350k" in chosen.limiting
    assert "budget of £350k" not in chosen.no_room_left
    for use in chosen.constraint_use:
        if use.key in ("min_projects", "max_projects"):
            assert use.limiting is False, use.label  # 1 to 5 projects, and 3 chosen


def test_near_misses_are_kept_out_by_the_rules_that_do(soxon: Results) -> None:
    """No near miss names "at least 1 project" or "at most 5 projects" (neither, relaxed alone,
    lets anything in); every near miss loses something when forced in (ties are listed apart);
    one the budget keeps out carries the money it needs to join the chosen projects: its cost
    plus what they cost, less the budget."""
    chosen = soxon.chosen
    assert chosen is not None and chosen.near_misses
    by_id = {o.id: o for o in soxon.opportunities}
    used = chosen.totals.one_off_cost
    for m in chosen.near_misses:
        assert "at least 1 project" not in m.kept_out_by
        assert "at most 5 projects" not in m.kept_out_by
        assert m.loss_if_forced_in is not None and m.loss_if_forced_in > 0
        if m.budget_needed is not None:
            assert "budget of £350k" in m.kept_out_by
            cost = by_id[m.id].business_case.measures.one_off_cost
            assert m.budget_needed == pytest.approx(cost + used - 350_000)
    assert any(m.budget_needed is not None for m in chosen.near_misses)
    selected = set(chosen.selected_ids)
    for e in chosen.equal_alternatives:
        assert e.id not in selected and set(e.in_place_of) <= selected


def test_the_summary_says_why_fewer_projects_than_asked(soxon: Results) -> None:
    chosen = soxon.chosen
    assert chosen is not None
    n = len(chosen.selected_ids)
    words = {1: "one", 2: "two", 3: "three", 4: "four"}
    nearest = next(m for m in chosen.near_misses if m.budget_needed is not None)
    ordinal = {2: "second", 3: "third", 4: "fourth", 5: "fifth"}[n + 1]
    service = nearest.title.partition(":")[0]
    (sentence,) = fewer_than_asked(Context(soxon))
    assert sentence.text == (
        f"Only {words[n]} projects are proposed, not the five asked for, because of the £350k "
        f"budget: adding a {ordinal} project, {service}, would need another "
        f"{fmt.money(nearest.budget_needed or 0.0)}."
    )


def test_nothing_about_screened_out_services_when_there_are_none(soxon: Results) -> None:
    assert soxon.long_list.shortlist.removed_by_screen == ()
    text = " ".join(getattr(b, "text", "") for b in options(Context(soxon)).blocks)
    assert "suitability screen removed" not in text


def test_screened_out_services_are_named_with_cost_and_reason(soxon: Results) -> None:
    """Three services removed for the same reason, two sharing only the first of the screen's
    counts: one sentence with each service's cost, the total (£1.0m + £2.5m + £0.5m = £4.0m) and
    the count they all share."""
    removed = (
        RemovedByScreen(
            service_ids=("education",),
            cost=1_000_000.0,
            reason=REASON_NOT_SUITABLE,
            because="requires significant professional judgement; consequences are severe",
        ),
        RemovedByScreen(
            service_ids=("children_social_care",),
            cost=2_500_000.0,
            reason=REASON_NOT_SUITABLE,
            because="requires significant professional judgement",
        ),
        RemovedByScreen(
            service_ids=("adult_social_care",),
            cost=500_000.0,
            reason=REASON_NOT_SUITABLE,
            because="requires significant professional judgement; managers see no way",
        ),
    )
    shortlist = soxon.long_list.shortlist.model_copy(update={"removed_by_screen": removed})
    names = {
        **soxon.scenario.service_names,
        "education": "Education services",
        "children_social_care": "Children's social care",
        "adult_social_care": "Adult social care",
    }
    results = soxon.model_copy(
        update={
            "long_list": soxon.long_list.model_copy(update={"shortlist": shortlist}),
            "scenario": soxon.scenario.model_copy(update={"service_names": names}),
        }
    )
    last = options(Context(results)).blocks[-1]
    assert getattr(last, "text", "") == (
        "The suitability screen removed 3 services entirely, so no way of sharing them was "
        "costed: Education services (£1.0m a year), Children's social care (£2.5m a year) and "
        "Adult social care (£500k a year), £4.0m a year in all. The national research the "
        "screen follows says sharing probably would not suit them, on these counts: requires "
        "significant professional judgement."
    )


def test_westminster_screen_removes_education_and_social_care(evidence: EvidenceBase) -> None:
    """Westminster's template: the screen removes education, children's and adult social care
    entirely (each has a strong sign against sharing), and records each with the cost the
    scenario gives it and the screen's reason; the shortlist of every other service is kept."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        scenario = _template(Path(folder), "E09000033", evidence)
    short = pipeline.screen_long_list(scenario, generate(scenario, evidence), evidence)
    cost = {s.id: s.gross_cost for s in scenario.services}
    removed = {r.service_ids: r for r in short.removed}
    assert set(removed) == {("education",), ("children_social_care",), ("adult_social_care",)}
    for (sid,), r in removed.items():
        assert r.cost == cost[sid]
        assert r.reason == REASON_NOT_SUITABLE
        assert "professional judgement" in r.because
    kept = {s for o in short.opportunities for s in o.service_ids}
    assert kept == set(cost) - {"education", "children_social_care", "adult_social_care"}
