"""An option whose savings all stay with a ring-fenced grant, when the programme is chosen on the
savings the general fund can cash (review 2, item 6): the report tells one story. It is not
"close" and "kept out" by a rule; it adds nothing the general fund can cash, and the financial
implications show on a line of its own the net present value the choice does not count."""

from __future__ import annotations

from typing import Any

from shareplan.report import build_report
from shareplan.report.model import Money, Paragraph, Table
from shareplan.results import Results

CT = "payroll:ct:northby"


def _grant_funded(small_results: Results) -> tuple[Results, float]:
    """The small results (payroll's strategic collaboration chosen on a 50/50 blend; its nearest
    miss the commercial trading, since a joint procurement tenders its purchase) with the
    commercial trading paid wholly from a ring-fenced grant: its general-fund NPV nil, and its
    near miss marked as the programme stage marks it."""
    data: dict[str, Any] = small_results.model_dump(mode="json")
    programme = data["programme"]
    assert programme["objective"]["kind"] == "blend"
    programme["objective"]["any_ring_fenced"] = True
    entry = next(o for o in data["opportunities"] if o["id"] == CT)
    case = entry["business_case"]
    case["ring_fenced_share"] = 1.0
    case["general_fund_npv"] = 0.0
    npv = case["adjusted"]["measures"]["npv"]
    miss = programme["near_misses"][0]
    assert miss["id"] == CT
    miss.update(kept_out_by=["at most 1 project"], grant_npv=npv)
    return Results.model_validate(data), npv


def _text(report: Any, key: str) -> str:
    return " ".join(b.text for b in report.section(key).blocks if isinstance(b, Paragraph))


def test_a_grant_funded_near_miss_adds_nothing_the_general_fund_can_cash(
    small_results: Results,
) -> None:
    """Its NPV, £53k (53,229 from the minimal appraisal), is said to stay with the grant; the
    options section gives no rule that keeps it out, and says counting ring-fenced savings would
    count it; the summary gives the same reason."""
    results, npv = _grant_funded(small_results)
    assert round(npv) == 53_229
    report = build_report(results)
    options = _text(report, "options")
    assert (
        "not recommended because all of its £53k net present value stays with the ring-fenced "
        "grant that pays for the service, and the programme is chosen on the savings the general "
        "fund can cash, to which it adds nothing; it comes near the programme only on its score "
        "against the Council's principles. Its savings would count if the Council chose to count "
        "savings that stay with ring-fenced grants."
    ) in options
    assert "although it came close" not in options
    assert "at most 1 project" not in options
    summary = _text(report, "summary")
    assert "because all of its £53k net present value stays with the ring-fenced grant" in summary
    assert "although it came close" not in summary


def test_the_value_left_with_the_grant_has_a_line_of_its_own(small_results: Results) -> None:
    """The financial implications list the grant-funded option with its whole NPV, traced to
    the figure in results.json; the near-miss appendix gives the grant as the reason."""
    results, _ = _grant_funded(small_results)
    report = build_report(results)
    finance = report.section("finance").blocks
    line = next(
        b
        for b in finance
        if isinstance(b, Paragraph) and "all of it with the ring-fenced" in b.text
    )
    assert line.kind == "bullet"
    assert line.text == (
        "Payroll: commercial trading with Northby Council: £53k of net "
        "present value, all of it with the ring-fenced grant."
    )
    money = [r for r in line.runs if isinstance(r, Money)]
    assert money[0].source[-4:] == ("business_case", "adjusted", "measures", "npv")
    table = next(
        b
        for b in report.section("appendix-alternatives").blocks
        if isinstance(b, Table) and b.caption.startswith("Near misses")
    )
    row = next(r for r in table.rows if str(r[0]).startswith("Payroll: commercial trading"))
    assert row[1] == (
        "Its savings (£53k of net present value) stay with the ring-fenced grant: it adds "
        "nothing the general fund can cash"
    )


def test_without_a_ring_fenced_grant_nothing_is_said(small_results: Results) -> None:
    """The small results as they are: no line of grant-funded value, and the nearest miss keeps
    its usual reason."""
    report = build_report(small_results)
    finance = " ".join(b.text for b in report.section("finance").blocks if isinstance(b, Paragraph))
    assert "ring-fenced" not in finance
    assert "ring-fenced" not in _text(report, "options")
