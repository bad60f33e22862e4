"""The programme is chosen on the savings the general fund can cash (a Director of Finance's
review): through the whole pipeline, the results, the what-if, the Cabinet report, and Wigan's
own first appraisal from national data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from shareplan import pipeline
from shareplan.cli import app
from shareplan.evidence import EvidenceBase
from shareplan.report import build_report
from shareplan.report.model import Money, Paragraph, Table
from shareplan.results import Results, write_results
from shareplan.scenario import ParameterOverride, load_scenario
from shareplan.whatif import programme_what_if
from tests.conftest import FIXTURES

FUND_SENTENCE = (
    "The programme is chosen on the savings the general fund can cash. A ring-fenced grant "
    "(such as the public health grant or the dedicated schools grant) pays for 100% of the cost "
    "of Payroll; that share of the savings stays with the grant, so the choice counts only the "
    "general fund's share of each option's net present value."
)


def _fenced_payroll(evidence: EvidenceBase, **authority: Any) -> Results:
    """The minimal scenario, one priority project, as if payroll were paid in full from a
    ring-fenced grant, and with a joint purchase's tender as quick and cheap as an inter-authority
    agreement (3 months and £15,000 on the parameters sheet): at the shipped 9 months and £60,000
    the joint procurement's NPV is -£47k and strategic collaboration wins on either NPV, so the
    choice would not depend on what is counted. Its shortlist is three ways of sharing payroll with Northby: strategic
    collaboration (score 77.2, NPV £59k), joint procurement (73.7, £71k, the choice on the whole
    NPV: 0.5 x 73.7/77.2 + 0.5 x 71/71 = 0.977 against 0.5 + 0.5 x 59/71 = 0.914) and a contract
    (72.5, £53k)."""
    scenario = load_scenario(FIXTURES / "minimal", evidence)
    services = tuple(
        s.model_copy(update={"ring_fenced_share": 1.0}) if s.id == "payroll" else s
        for s in scenario.services
    )
    changed = scenario.authority.model_copy(update={"priority_projects": 1, **authority})
    quick = tuple(
        ParameterOverride(key=f"procurement.{key}.competitive_above_threshold", value=value)
        for key, value in (("lead_months", 3.0), ("cost", 15_000.0))
    )
    scenario = scenario.model_copy(
        update={"services": services, "authority": changed, "parameters": quick}
    )
    run = pipeline.appraise(scenario, source="tests/fixtures/minimal", evidence=evidence)
    return pipeline.results_of(run)


@pytest.fixture(scope="module")
def fenced(evidence: EvidenceBase) -> Results:
    return _fenced_payroll(evidence)


def test_nothing_to_cash_leaves_the_choice_to_the_criteria(fenced: Results) -> None:
    """Every option's general-fund NPV is 0, so the NPV half of the blend is 0 for all three and
    the best score wins: strategic collaboration (77.2), not joint procurement."""
    chosen = fenced.chosen
    assert chosen is not None
    assert chosen.selected_ids == ("payroll:sc:northby",)
    assert chosen.objective.on_general_fund
    assert chosen.objective.label == "blend of value (50%) and general-fund NPV (50%)"
    assert chosen.totals.general_fund_npv == 0.0
    assert chosen.totals.npv > 0
    assert chosen.frontier.y == "general_fund_npv"
    assert all(o.business_case.general_fund_npv == 0.0 for o in fenced.opportunities)


def test_the_what_if_can_count_ring_fenced_savings(fenced: Results) -> None:
    """The same saved results, counting the savings that stay with the grant: joint procurement
    again (0.977 against 0.914); and back on the general fund's share, strategic collaboration."""
    whole = programme_what_if(fenced, {}, count_ring_fenced_savings=True, choose_only=True)
    assert whole.feasible and whole.selected_ids == ("payroll:jp:northby",)
    assert whole.objective.count_ring_fenced_savings is True
    assert whole.objective.label == "blend of value (50%) and NPV (50%)"
    fund = programme_what_if(fenced, {"budget": 400_000.0}, choose_only=True)
    assert fund.feasible and fund.selected_ids == ("payroll:sc:northby",)


def test_the_report_says_what_the_choice_counted(fenced: Results) -> None:
    """The summary says plainly the programme is chosen on what the general fund can cash, and
    its table puts the general fund's share (£0, traced to the business case) beside the NPV."""
    report = build_report(fenced)
    summary = report.section("summary").blocks
    texts = [b.text for b in summary if isinstance(b, Paragraph)]
    assert FUND_SENTENCE in texts
    table = next(b for b in summary if isinstance(b, Table))
    column = table.header.index("Net present value to the general fund")
    assert table.header[column - 1] == "Net present value"
    [row] = table.rows
    cell = row[column]
    assert isinstance(cell, Money) and cell.value == 0.0
    assert cell.source[-2:] == ("business_case", "general_fund_npv")
    finance = [b.text for b in report.section("finance").blocks if isinstance(b, Paragraph)]
    assert FUND_SENTENCE in finance
    assert any("of which the general fund's share is £0." in t for t in finance)


def test_the_report_says_so_when_the_council_counts_them(evidence: EvidenceBase) -> None:
    results = _fenced_payroll(evidence, count_ring_fenced_savings=True)
    assert results.chosen is not None
    assert results.chosen.selected_ids == ("payroll:jp:northby",)
    texts = [
        b.text for b in build_report(results).section("summary").blocks if isinstance(b, Paragraph)
    ]
    assert (
        "The programme is chosen on the whole of each option's savings, because the Council has "
        "decided to count savings that stay with ring-fenced grants. A ring-fenced grant (such as "
        "the public health grant or the dedicated schools grant) pays for 100% of the cost of "
        "Payroll, and the general fund cannot cash that share of the savings."
    ) in texts


@pytest.fixture(scope="module")
def wigan(tmp_path_factory: pytest.TempPathFactory, evidence: EvidenceBase) -> Results:
    """Wigan's first appraisal from national data (``shareplan template --authority
    E08000010``), without the report files."""
    path = tmp_path_factory.mktemp("wigan") / "wigan.xlsx"
    made = CliRunner().invoke(app, ["template", str(path), "--authority", "E08000010"])
    assert made.exit_code == 0, made.output
    scenario = load_scenario(path, evidence)
    assert scenario.authority.count_ring_fenced_savings is False
    return pipeline.results_of(pipeline.appraise(scenario, evidence=evidence))


def test_wigan_no_longer_chooses_a_project_the_general_fund_cannot_cash(wigan: Results) -> None:
    """Wigan: public health is paid in full from its grant. Ranked on the whole NPV the
    programme took public health with Salford (£4.3m of NPV, none of it cashable); ranked on the
    general fund's share (the default) no priority project is ring-fenced at all."""
    results = wigan
    chosen = results.chosen
    assert chosen is not None and chosen.objective.on_general_fund
    shares = {o.id: o.business_case.ring_fenced_share for o in results.opportunities}
    assert max(shares.values()) == 1.0
    assert [i for i in chosen.selected_ids if shares[i] > 0] == []
    assert chosen.totals.general_fund_npv == chosen.totals.npv
    whole = programme_what_if(results, {}, count_ring_fenced_savings=True, choose_only=True)
    assert whole.feasible
    assert [i for i in whole.selected_ids if shares[i] == 1.0] == ["public_health:sc:salford"]


def test_wigan_tells_one_story_about_public_health(wigan: Results) -> None:
    """Wigan's public health options (with Salford, Bolton or Tameside, £4.3m of NPV each, all
    with the grant) come near on the 50/50 blend by their score alone. Their near misses carry
    that NPV and name no rule; the report says the savings stay with the grant, never that a
    rule keeps them out, and the financial implications give the £4.3m a line of its own."""
    chosen = wigan.chosen
    assert chosen is not None and chosen.objective.kind == "blend"
    health = [m for m in chosen.near_misses if m.id.startswith("public_health:")]
    assert {m.id for m in health} == {
        "public_health:sc:salford",
        "public_health:sc:bolton",
        "public_health:sc:tameside",
    }
    npv = wigan.opportunity("public_health:sc:salford").business_case.measures.npv
    assert round(npv, -5) == 4_300_000
    for m in health:
        assert m.grant_npv == npv and m.kept_out_by == ()
    report = build_report(wigan)
    finance = [b.text for b in report.section("finance").blocks if isinstance(b, Paragraph)]
    assert (
        "Public health: public-public strategic collaboration with Bolton Metropolitan Borough "
        "Council, Salford City Council or Tameside Metropolitan Borough Council: £4.3m of net "
        "present value, all of it with the ring-fenced grant."
    ) in finance
    table = next(
        b
        for b in report.section("appendix-alternatives").blocks
        if isinstance(b, Table) and b.caption.startswith("Near misses")
    )
    reasons = {str(r[1]) for r in table.rows if str(r[0]).startswith("Public health")}
    assert reasons == {
        "Its savings (£4.3m of net present value) stay with the ring-fenced grant: it adds "
        "nothing the general fund can cash"
    }
    for _, section in report.all_sections():
        for b in section.blocks:
            if isinstance(b, Paragraph) and "Public health" in b.text:
                assert "came close" not in b.text and "at most 6 projects" not in b.text


def test_the_programme_command_switches_between_the_two(fenced: Results, tmp_path: Path) -> None:
    """``shareplan programme`` on the saved results: the flag counts the ring-fenced savings and
    its opposite goes back to the general fund's share."""
    path = write_results(fenced, tmp_path / "results.json")
    runner = CliRunner()
    for flag, expected in (
        ("--count-ring-fenced-savings", "payroll:jp:northby"),
        ("--general-fund-savings", "payroll:sc:northby"),
    ):
        result = runner.invoke(app, ["programme", str(path), flag, "--json"])
        assert result.exit_code == 0, result.output
        block = json.loads(result.stdout)
        assert block["selected_ids"] == [expected]
        assert block["objective"]["count_ring_fenced_savings"] is (flag != "--general-fund-savings")
