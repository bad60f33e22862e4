"""The Rotherham example's report read as Democratic Services, a member and a Director of Finance
would: A4 Word with page numbers and a running header, the sections an English council report
carries in order, numbered recommendations with money, source and a gate, the seed's biggest hope
named among the options rejected with its reason, plain words in the body, nothing cited that was
published after the meeting, and one quick-win count everywhere."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.shared import Cm

from shareplan.report import build_report
from shareplan.report import formatting as fmt
from shareplan.report.dating import cited_year, is_later, short_citation
from shareplan.report.model import Paragraph, Table
from shareplan.results import Results
from tests.report.test_finance_director import _capital_by_hand

BANNED = (
    "seed",
    "results.json",
    "examples/",
    "P10",
    "P50",
    "P90",
    "Monte Carlo",
    "SMAA",
    "MILP",
    "blend",
)
"""Words for the software, not for members: none may appear before the appendices."""
OPPORTUNITY_ID = re.compile(r"\b[a-z_]+:[a-z]{2}(?::[a-z_+]+)?\b")


@pytest.fixture(scope="module")
def word(rotherham_outputs: Path) -> Any:
    return docx.Document(str(rotherham_outputs / "cabinet-report.docx"))


def _body_paragraphs(document: Any) -> list[str]:
    """Every paragraph and table cell of the Word body before Appendix 1."""
    out: list[str] = []
    for child in document.element.body.iterchildren():
        text = "".join(t.text or "" for t in child.iter() if t.tag.endswith("}t"))
        if child.tag.endswith("}p") and text.startswith("Appendix 1:"):
            break
        out.append(text)
    return out


def _section(document: Any, number: str) -> list[str]:
    """The paragraphs of one numbered body section (heading "N. Title")."""
    out: list[str] = []
    inside = False
    for text in _body_paragraphs(document):
        if re.match(r"^\d+\. [A-Z]", text):
            inside = text.startswith(f"{number}. ")
            continue
        if inside and text:
            out.append(text)
    return out


def _heading_number(document: Any, title: str) -> str:
    for p in document.paragraphs:
        if p.style.name == "Heading 1" and p.text.split(". ", 1)[-1] == title:
            return p.text.split(".")[0]
    raise AssertionError(f"no section titled {title}")


def test_word_is_a4_with_page_numbers_and_a_running_header(word: Any) -> None:
    section = word.sections[0]
    assert abs(section.page_width - Cm(21.0)) < Cm(0.05)
    assert abs(section.page_height - Cm(29.7)) < Cm(0.05)
    header = section.header.paragraphs[0].text
    assert header == "Shared Services: five or six priority projects – Cabinet, 15th December 2010"
    footer = section.footer._element.xml
    assert 'w:instr="PAGE"' in footer and 'w:instr="NUMPAGES"' in footer
    # the footer carries the meeting beside the page, never a run date after the meeting
    footer_text = section.footer.paragraphs[0].text
    assert "Cabinet, 15th December 2010" in footer_text and "Generated" not in footer_text
    # nor is the run date among the background papers
    assert not any(
        "created" in t.lower() for t in _section(word, _heading_number(word, "Background Papers"))
    )


def test_sections_a_council_report_carries_in_order(word: Any) -> None:
    titles = [
        "Options Considered and Rejected",
        "Consultation",
        "Financial Implications",
        "Procurement Implications",
        "Legal Implications",
        "Human Resources Implications",
        "Equalities Implications",
        "Ward and Area Implications",
        "Key Decision and Forward Plan",
        "Exempt Information",
        "Background Papers",
        "Glossary",
    ]
    numbers = [int(_heading_number(word, t)) for t in titles]
    assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers)
    equalities = " ".join(_section(word, _heading_number(word, "Equalities Implications")))
    assert "due regard" in equalities and "Equality Act 2010 (s149)" in equalities
    assert "equality impact assessment" in equalities
    hr = " ".join(_section(word, _heading_number(word, "Human Resources Implications")))
    assert "Transfer of Undertakings" in hr and "trade unions" in hr


def test_recommendations_are_numbered_with_money_source_and_a_gate(
    word: Any, rotherham_results: dict[str, Any]
) -> None:
    items = _section(word, "6")
    assert items[0] == "That Cabinet:"
    numbered = items[1:]
    assert len(numbered) >= 4
    for i, text in enumerate(numbered, start=1):
        assert text.startswith(f"6.{i} "), text
    money = next(t for t in numbered if "implementation budget" in t)
    assert fmt.money(rotherham_results["scenario"]["implementation_budget"]) in money
    # no source named in the example: the route officers propose, for the s151 officer to confirm
    assert "to be funded by the route officers propose in section 11" in money
    capital = fmt.money(_capital_by_hand(rotherham_results, allowance=False))
    assert f"borrowing for the capital part ({capital}, at a revenue cost of about £" in money
    contingency = _capital_by_hand(rotherham_results) - _capital_by_hand(
        rotherham_results, allowance=False
    )
    assert f"with a contingency of {fmt.money(contingency)} for the capital overrunning" in money
    assert "an invest-to-save reserve for the revenue part" in money
    assert "first tranche of £" in money
    assert any(re.search(r"back to Cabinet by March 2011", t) for t in numbered)


def test_options_rejected_name_health_and_social_care_first_with_its_reason(
    word: Any, rotherham_results: dict[str, Any]
) -> None:
    """The seed's biggest hope, integrating health and social care, is the first option rejected,
    with its cost against the budget, and what would bring it back."""
    options = _section(word, _heading_number(word, "Options Considered and Rejected"))
    first = next(t for t in options if t.startswith("8.1 "))
    hsc = next(o for o in rotherham_results["opportunities"] if o["id"] == "health_social_care")
    assert first.startswith(f"8.1 {hsc['title']}: not recommended because ")
    adjusted = hsc["business_case"]["adjusted"]["measures"]
    budget = rotherham_results["scenario"]["implementation_budget"]
    assert f"{fmt.money(adjusted['one_off_cost'])}" in first and fmt.money(budget) in first
    assert "would come back into consideration" in first
    summary = " ".join(_section(word, "5"))
    assert f"Not recommended: {hsc['title']}, because" in summary
    legal = " ".join(_section(word, _heading_number(word, "Legal Implications")))
    assert "joint venture" in legal  # the seed's warning about delivery through RBT


def test_body_speaks_to_members(word: Any, rotherham_outputs: Path) -> None:
    body = "\n".join(_body_paragraphs(word))
    html = (rotherham_outputs / "cabinet-report.html").read_text("utf-8")
    main = html.split('<div class="appendices">')[0]
    main = re.sub(r'(src|data-source|id|href|aria-\w+|class)="[^"]*"', "", main)
    main = re.sub(r"<style>.*?</style>", "", main, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", main)
    for where, words in (("Word", body), ("HTML", text)):
        assert not OPPORTUNITY_ID.findall(words), (where, OPPORTUNITY_ID.findall(words)[:3])
        for banned in BANNED:
            pattern = rf"\b{re.escape(banned)}" if banned[0].isalpha() else re.escape(banned)
            assert not re.search(pattern, words, flags=re.I if banned == "seed" else 0), (
                where,
                banned,
            )


def test_nothing_cited_was_published_after_the_meeting(word: Any, rotherham_typed: Results) -> None:
    """Background papers and every Act, regulation or dated source the body cites are dated on
    or before the meeting (15 December 2010); later evidence appears only in Appendix 5."""
    meeting = rotherham_typed.scenario.meeting_date
    assert meeting == dt.date(2010, 12, 15)
    papers = _section(word, _heading_number(word, "Background Papers"))
    assert len(papers) >= 3
    for paper in papers:
        year = cited_year(paper)
        assert year is None or year <= meeting.year, paper
    body = "\n".join(_body_paragraphs(word))
    cited = re.findall(r"(?:\((\d{4})\)|(?:Act|Regulations|Review) (\d{4}))", body)
    assert cited  # the body does cite dated sources
    for a, b in cited:
        assert int(a or b) <= meeting.year, a or b
    later = build_report(rotherham_typed).section("appendix-assumptions")
    tables = [b for b in later.blocks if isinstance(b, Table) and "Later" in b.caption]
    assert tables and tables[0].rows


def test_quick_win_count_is_the_business_cases_everywhere(
    word: Any, rotherham_typed: Results
) -> None:
    chosen = rotherham_typed.chosen
    assert chosen is not None
    cases = [rotherham_typed.opportunity(i).business_case.measures for i in chosen.selected_ids]
    count = sum(m.quick_win for m in cases)
    assert chosen.totals.quick_wins == count
    report = build_report(rotherham_typed)
    summary = report.section("summary")
    sentence = next(
        b.text for b in summary.blocks if isinstance(b, Paragraph) and "quick win" in b.text
    )
    assert sentence.startswith(f"{fmt.count(count, 'project')} of the {len(cases)}")
    table = next(b for b in summary.blocks if isinstance(b, Table))
    column = table.header.index("Quick win")
    assert [r[column] for r in table.rows].count("yes") == count
    for key in ("proposals", "appendix-projects"):
        texts = [
            b.text
            for _, s in report.section(key).walk()
            for b in s.blocks
            if isinstance(b, Paragraph)
        ]
        assert sum("it is a quick win" in t for t in texts) == count, key
        assert sum("it is not a quick win" in t for t in texts) == len(cases) - count, key


def test_a_weak_chosen_project_is_named_in_the_summary(small_results: Results) -> None:
    """A priority project with less than an even chance of a positive net present value (here
    forced by reading its chance as 0.4) is named in the summary with why it is still chosen."""
    chosen = small_results.chosen
    assert chosen is not None
    oid = chosen.selected_ids[0]
    index = small_results.index(oid)
    opportunity = small_results.opportunities[index]
    mc = opportunity.business_case.monte_carlo
    assert mc is not None
    weak_case = opportunity.business_case.model_copy(
        update={"monte_carlo": mc.model_copy(update={"prob_npv_positive": 0.4})}
    )
    weak = small_results.model_copy(
        update={
            "opportunities": (
                *small_results.opportunities[:index],
                opportunity.model_copy(update={"business_case": weak_case}),
                *small_results.opportunities[index + 1 :],
            )
        }
    )
    texts = [
        b.text for b in build_report(weak).section("summary").blocks if isinstance(b, Paragraph)
    ]
    named = next(t for t in texts if t.startswith(opportunity.title))
    assert "its chance of a positive net present value is 4 in 10" in named
    assert "It is still recommended because it scores" in named


def test_citations_are_dated_by_the_latest_year_they_name() -> None:
    meeting = dt.date(2010, 12, 15)
    assert cited_year("HM Treasury Green Book (2022), para 5.14") == 2022
    assert cited_year("a 2% target; 3.5% a year") is None
    assert is_later("NAO 'Shared service centres' (2016)", None, meeting)
    assert not is_later("HM Treasury Green Book (2003), Annex 6", dt.date(2003, 1, 1), meeting)
    assert is_later("shareplan assumption", dt.date(2011, 1, 4), meeting)
    assert not is_later("shareplan assumption", dt.date(2010, 12, 1), meeting)
    assert (
        short_citation(
            "HM Treasury Green Book (2003), Annex 6 paras 10-12, Table 6.1 (ppponline mirror, x)"
        )
        == "HM Treasury Green Book (2003)"
    )


def test_chances_in_words() -> None:
    assert fmt.chance(0.8501) == "very likely (9 in 10)"
    assert fmt.chance(0.33) == "unlikely (3 in 10)"
    assert fmt.chance(0.5) == "as likely as not (5 in 10)"
    # near the ends tenths would round 95% up to a certainty: hundreds there, never "10 in 10"
    assert fmt.chance(0.9513) == "very likely (95 in 100)"
    assert fmt.chance(0.9301) == "very likely (93 in 100)"
    assert fmt.chance(0.999) == "almost certain (over 99 in 100)"
    assert fmt.chance(1.0) == "almost certain (over 99 in 100)"
    assert fmt.odds(0.04) == "4 in 100" and fmt.odds(0.001) == "under 1 in 100"
    assert fmt.add_months("2010-12-15", 3) == "2011-03-15"
    assert fmt.add_months("2010-11-30", 3) == "2011-02-28"
    assert fmt.month_year("2011-03-15") == "March 2011"


def test_assumptions_workbook_lists_every_figure(
    rotherham_outputs: Path, rotherham_typed: Results
) -> None:
    from openpyxl import load_workbook

    book = load_workbook(rotherham_outputs / "assumptions.xlsx", read_only=True)
    assert book.sheetnames == ["Assumptions", "Project assumptions", "Cash flows"]
    rows = list(book["Assumptions"].iter_rows(values_only=True))
    assert len(rows) == len(rotherham_typed.parameters) + 1
    keys = {r[0] for r in rows[1:]}
    assert {"finance.inflation", "discount.schedule.standard"} <= keys
    later = {r[0] for r in rows[1:] if len(r) > 7 and r[7] == "yes"}
    assert "discount.schedule.health" in later  # Green Book 2022, after the meeting
    flows = list(book["Cash flows"].iter_rows(values_only=True))
    chosen = rotherham_typed.chosen
    assert chosen is not None
    assert len(flows) == 1 + len(chosen.selected_ids) * rotherham_typed.scenario.horizon_years


def test_word_tables_hold_together(word: Any) -> None:
    """In Word too: no row breaks across pages, the header row repeats, and a short table is kept
    whole (each row kept with the next) while a long one keeps its header with its first rows."""
    for table in word.tables:
        rows = table.rows
        for row in rows:
            assert row._tr.trPr is not None and row._tr.trPr.xpath("./w:cantSplit")
        kept = [
            all(p.paragraph_format.keep_with_next for c in row.cells for p in c.paragraphs)
            for row in rows
        ]
        body = len(rows) - 1
        if body <= 14:
            assert all(kept[:-1]) and not kept[-1]
        else:
            assert all(kept[:3])
