"""The Cabinet report: the three files for the Rotherham example, their structure, money traced to
results.json, accessibility; the model, formatting and edge cases on hand-made fixtures.

The Rotherham example is appraised and reported once per session (the ``rotherham_outputs``
fixture in tests/conftest.py); each test reads the files back.
"""

from __future__ import annotations

import json
import logging
import math
import re
import shutil
import subprocess
import zlib
from html import unescape
from pathlib import Path
from typing import Any

import docx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from shareplan.report import build_report, write_reports
from shareplan.report import formatting as fmt
from shareplan.report.model import Money, Table, file_key, money_runs, trace
from shareplan.results import Results
from tests.accessibility import CHROMIUM, axe_violations, describe

#: The headings the Word file must have, in this order (Heading 1 level).
TOP_HEADINGS = [
    "5. Summary",
    "6. Recommendations",
    "7. Proposals and Details",
    "8. Options Considered and Rejected",
    "9. Consultation",
    "10. Timetable and Accountability",
    "11. Financial Implications",
    "12. Procurement Implications",
    "13. Legal Implications",
    "14. Human Resources Implications",
    "15. Equalities Implications",
    "16. Ward and Area Implications",
    "17. Risks and Uncertainties",
    "18. Policy and Performance Agenda Implications",
    "19. Key Decision and Forward Plan",
    "20. Exempt Information",
    "21. Background Papers",
    "22. Glossary",
    "Appendix 1: The priority projects",
    "Appendix 2: How firm the recommendation is",
    "Appendix 3: Alternatives and the trade-off between speed and savings",
    "Appendix 4: Scores and weights",
    "Appendix 5: Assumptions and evidence",
    "Appendix 6: How the appraisal was done",
]


@pytest.fixture(scope="module")
def written(rotherham_outputs: Path) -> dict[str, Path]:
    """The Rotherham example's report files, written by ``appraise`` once per session."""
    out = {kind: rotherham_outputs / f"cabinet-report.{kind}" for kind in ("docx", "html", "pdf")}
    for chart in sorted((rotherham_outputs / "charts").iterdir()):
        out[f"chart:{chart.name}"] = chart
    return out


@pytest.fixture(scope="module")
def infeasible_written(
    infeasible_results: Results, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    return write_reports(infeasible_results, tmp_path_factory.mktemp("infeasible"))


# --------------------------------------------------------------------------- formatting


def test_money_the_council_way() -> None:
    """£1.2m, £330k, £950: the seed's own figures (£330,000 a year; £382k) come out as written."""
    assert fmt.money(1_234_567) == "£1.2m"
    assert fmt.money(330_000) == "£330k"
    assert fmt.money(382_000) == "£382k"
    assert fmt.money(950) == "£950"
    assert fmt.money(-168_000) == "-£168k"
    assert fmt.money(999_700) == "£1.0m"  # not £1000k
    assert fmt.money(999.6) == "£1k"
    assert fmt.money(0.4) == "£0"
    assert fmt.money(-0.4) == "£0"  # no minus zero
    assert fmt.money(math.nan) == "n/a"
    assert fmt.money_full(-1_234_567.4) == "-£1,234,567"
    assert fmt.money_thousands(1_234_567) == "1,235"


def test_financial_years() -> None:
    """April 2011 to March 2012 is 2011/12; the century turns as 1999/00."""
    assert fmt.financial_year(2011) == "2011/12"
    assert fmt.financial_year(1999) == "1999/00"
    assert fmt.financial_year(2011, financial_years=False) == "2011"
    assert fmt.long_date("2010-12-01") == "1st December 2010"
    assert fmt.long_date("2010-12-13") == "13th December 2010"
    assert fmt.listing(["a", "b", "c"]) == "a, b and c"
    assert fmt.listing(["HR, payroll and finance", "Highways"]) == (
        "HR, payroll and finance; and Highways"
    )


@given(st.floats(min_value=-1e10, max_value=1e10, allow_nan=False))
def test_money_is_found_and_close(amount: float) -> None:
    """Whatever the amount, the figure written is what find_money picks out of a sentence, and
    it is within the rounding of its unit (5% of £1m, £500, 50p) of the amount."""
    text = fmt.money(amount)
    assert fmt.find_money(f"a saving of {text}.") == [text]
    digits = float(text.replace("-", "").replace("£", "").replace(",", "").rstrip("mk"))
    unit = 1e6 if text.endswith("m") else 1e3 if text.endswith("k") else 1.0
    sign = -1 if text.startswith("-") else 1
    step = {1e6: 0.1e6, 1e3: 1e3, 1.0: 1.0}[unit]  # £1.2m to 0.1m, £330k to 1k, £950 to £1
    assert abs(sign * digits * unit - amount) <= step / 2 + 1e-6 * abs(amount)


# --------------------------------------------------------------------------- the model


def test_every_money_figure_traces_to_results(small_results: Results) -> None:
    """Each Money in the report holds exactly the number at its path in results.json, or the sum
    of its terms for a figure the report adds up."""
    results = small_results.model_dump(mode="json")
    report = build_report(small_results)
    runs = [m for _, s in report.all_sections() for m in money_runs(s)]
    assert len(runs) > 50
    assert any(m.terms for m in runs)  # the programme's yearly totals
    for m in runs:
        assert trace(results, m) == pytest.approx(m.value, abs=1e-6), m.where


def test_chart_file_keys_are_safe_and_unique() -> None:
    """Opportunity ids hold ':' and '+'; file names keep letters, digits and hyphens only, and two
    ids that differ only in punctuation still get different names."""
    ids = ["transactional:ct:barnsley+sheffield", "transactional:ct:barnsley:sheffield", "audit:cc"]
    keys = [file_key(i) for i in ids]
    assert len(set(keys)) == 3
    for k in keys:
        assert re.fullmatch(r"[a-z0-9-]+", k) and len(k) <= 70
    assert keys[0].startswith("transactional-ct-barnsley-sheffield-")
    assert file_key("savings") == "savings"


def test_robustness_tests_the_recommended_programme(small_results: Results) -> None:
    """Appendix 2 tests the projects Cabinet is asked to approve, one row each, with each one's
    chance of a positive net present value in words, not a ranking of the top few by score."""
    section = build_report(small_results).section("appendix-robustness")
    table = next(b for b in section.blocks if isinstance(b, Table))
    chosen = small_results.programme.selected_ids  # type: ignore[union-attr]
    assert [row[0] for row in table.rows] == [
        small_results.opportunity(i).short_title for i in chosen
    ]
    for oid, row in zip(chosen, table.rows, strict=True):
        mc = small_results.opportunity(oid).business_case.monte_carlo
        assert mc is not None and row[6] == fmt.chance(mc.prob_npv_positive)


# --------------------------------------------------------------------------- Rotherham


def test_three_files_and_charts(
    written: dict[str, Path], rotherham_results: dict[str, Any]
) -> None:
    """The three files, and every chart as SVG and PNG under safe, unique names: the timeline,
    savings, scores and frontier, and a tornado for each priority project."""
    for kind in ("docx", "html", "pdf"):
        assert written[kind].name == f"cabinet-report.{kind}"
        assert written[kind].stat().st_size > 10_000
    charts = [p.name for k, p in written.items() if k.startswith("chart:")]
    assert len(charts) == 2 * 4  # timeline, savings, frontier, scores
    assert (written["pdf"].parent / "assumptions.xlsx").stat().st_size > 5_000
    for name in charts:
        assert re.fullmatch(r"[a-z0-9-]+\.(svg|png)", name), name
    assert not list(written["pdf"].parent.glob(".report.*"))  # staging folder removed


def _pdf_pages(pdf: Path, tmp_path: Path) -> list[Path]:
    subprocess.run(
        ["pdftoppm", "-r", "20", "-png", str(pdf), str(tmp_path / "page")],
        check=True,
        capture_output=True,
    )
    return sorted(tmp_path.glob("page-*.png"))


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_pdf_renders_tagged_with_title_and_language(
    written: dict[str, Path], tmp_path: Path
) -> None:
    """A report a Cabinet member would read (roughly 30 to 50 pages), no page blank, tagged, with
    its language and title."""
    from PIL import Image

    pages = _pdf_pages(written["pdf"], tmp_path)
    assert 20 <= len(pages) <= 40
    for page in pages:
        with Image.open(page) as im:
            dark = sum(im.convert("L").histogram()[:200])
            assert dark > 50, f"{page.name} looks blank"
    info = subprocess.run(
        ["pdfinfo", str(written["pdf"])], check=True, capture_output=True, text=True
    ).stdout
    assert "Tagged:          yes" in info
    assert "Shared Services: five or six priority projects" in info
    assert b"/Lang (en-GB)" in _pdf_objects(written["pdf"])


def _pdf_objects(pdf: Path) -> bytes:
    """The PDF's bytes with every Flate stream (object streams too) decompressed beside them."""
    raw = pdf.read_bytes()
    out = [raw]
    for match in re.finditer(rb"stream\r?\n", raw):
        try:
            out.append(zlib.decompressobj().decompress(raw[match.end() :]))
        except zlib.error:
            continue
    return b"\n".join(out)


def _word_headings(path: Path) -> list[tuple[int, str]]:
    document = docx.Document(str(path))
    out = []
    for p in document.paragraphs:
        name = p.style.name if p.style is not None else ""
        if name.startswith("Heading "):
            out.append((int(name.split()[1]), p.text))
    return out


def test_word_headings_in_order(
    written: dict[str, Path], rotherham_results: dict[str, Any]
) -> None:
    headings = _word_headings(written["docx"])
    assert [t for level, t in headings if level == 1] == TOP_HEADINGS
    second = [t for level, t in headings if level == 2]
    titles = {o["id"]: o["title"] for o in rotherham_results["opportunities"]}
    selected = [titles[i] for i in rotherham_results["programme"]["selected_ids"]]
    assert second[: len(selected)] == selected  # each priority project under Proposals
    assert second[-len(selected) :] == selected  # and its page in Appendix 1
    assert "Contact" in second and "Timeline" in second


def test_word_accessibility(written: dict[str, Path]) -> None:
    """Header rows repeat, tables have a title, pictures have alt text, language is set."""
    document = docx.Document(str(written["docx"]))
    assert document.core_properties.title == "Shared Services: five or six priority projects"
    assert document.core_properties.language == "en-GB"
    assert len(document.tables) > 10
    for table in document.tables:
        tr_pr = table.rows[0]._tr.trPr
        assert tr_pr is not None and tr_pr.xpath("./w:tblHeader")
        assert table._tbl.tblPr.xpath("./w:tblCaption")
    pictures = document.inline_shapes
    assert len(pictures) == 4
    for picture in pictures:
        assert len(picture._inline.docPr.get("descr", "")) > 40


def _section_text(path: Path, start: str, stop: str) -> str:
    """The text of a Word section, paragraphs and tables, from heading ``start`` to ``stop``."""
    document = docx.Document(str(path))
    texts: list[str] = []
    inside = False
    for child in document.element.body.iterchildren():
        if child.tag.endswith("}p"):
            text = "".join(t.text or "" for t in child.iter() if t.tag.endswith("}t"))
            if text == start:
                inside = True
                continue
            if text == stop:
                break
            if inside:
                texts.append(text)
        elif child.tag.endswith("}tbl") and inside:
            texts.append(" | ".join(t.text or "" for t in child.iter() if t.tag.endswith("}t")))
    return "\n".join(texts)


def _formatted(results: dict[str, Any], m: Money) -> str:
    value = trace(results, m)
    return fmt.money_full(value) if m.full else fmt.money(value)


def test_money_in_summary_and_finance_equals_results(
    written: dict[str, Path], rotherham_results: dict[str, Any], rotherham_typed: Results
) -> None:
    """Every £ figure in the Word Summary and Finance sections is, formatted by the same function,
    the figure read again from results.json (at its path, or the sum of its terms), in order."""
    report = build_report(rotherham_typed)
    for key, start, stop in (
        ("summary", "5. Summary", "6. Recommendations"),
        ("finance", "11. Financial Implications", "12. Procurement Implications"),
    ):
        expected = [_formatted(rotherham_results, m) for m in money_runs(report.section(key))]
        text = _section_text(written["docx"], start, stop)
        # the option not recommended is named with its own figures (tested with the options)
        text = "\n".join(t for t in text.split("\n") if not t.startswith("Not recommended:"))
        found = fmt.find_money(text)
        assert found == expected, key
        assert len(found) >= (5 if key == "summary" else 100)


def test_programme_finance_worked_out_from_results(
    written: dict[str, Path], rotherham_results: dict[str, Any]
) -> None:
    """The Finance figures, worked out here straight from results.json without the report's code:
    the programme totals; each year's costs, savings and net added up over the selected projects'
    adjusted yearly flows (and the net agrees with the programme view's cash flows); the funding
    need, the deepest the cumulative net goes below zero; the P10/P50/P90 bands of the view."""
    r = rotherham_results
    finance = _section_text(
        written["docx"], "11. Financial Implications", "12. Procurement Implications"
    )
    programme = r["programme"]
    by_id = {o["id"]: o for o in r["opportunities"]}
    flows = [by_id[i]["business_case"]["adjusted"]["years"] for i in programme["selected_ids"]]
    assert fmt.money(programme["totals"]["npv"]) in finance
    assert fmt.money(programme["totals"]["one_off_cost"]) in finance
    cash_flows = next(
        t
        for t in docx.Document(str(written["docx"])).tables
        if "Cumulative net" in [c.text for c in t.rows[0].cells]
    )
    table = {row.cells[0].text: [c.text for c in row.cells] for row in cash_flows.rows[1:]}
    cumulative, lowest = 0.0, 0.0
    view_nets = programme["view"]["cash_flows_by_year"]
    for k in range(len(flows[0])):
        costs = math.fsum(f[k]["total_cost"] for f in flows)
        savings = math.fsum(f[k]["savings"] for f in flows)
        net = math.fsum(f[k]["net"] for f in flows)
        assert net == pytest.approx(view_nets[k], abs=1.0)
        cumulative += net
        lowest = min(lowest, cumulative)
        cells = table[flows[0][k]["label"]]
        assert fmt.money(costs) in cells and fmt.money(savings) in cells and fmt.money(net) in cells
        assert fmt.money(cumulative) in cells
    assert lowest < 0
    # the costs in full need funding (savings land in service budgets); the netted low point is
    # stated as what it is
    assert f"does the most it is out fall to {fmt.money(-lowest)}" in finance
    bands = programme["view"]["savings_percentiles_by_year"]
    assert len(bands["P50"]) == len(flows[0])
    robustness = _section_text(
        written["docx"],
        "Appendix 2: How firm the recommendation is",
        "Appendix 3: Alternatives and the trade-off between speed and savings",
    )
    for p10, p50, p90 in zip(bands["P10"], bands["P50"], bands["P90"], strict=True):
        assert p10 <= p50 <= p90
        assert fmt.money(p10) in robustness and fmt.money(p90) in robustness


def _money_spans(html: str) -> list[tuple[str, str]]:
    return [
        (unescape(m.group(1)), unescape(m.group(2)))
        for m in re.finditer(r'<span class="money" data-source="([^"]*)">([^<]*)</span>', html)
    ]


def _read_where(results: dict[str, Any], where: str) -> float:
    """The figure a ``data-source`` names: a path (a.b.0.c) or a sum of scaled paths
    (x + 1.02 x y - z)."""
    total, sign, scale = 0.0, 1.0, 1.0
    tokens = where.split(" ")
    for i, token in enumerate(tokens):
        if token in ("+", "-"):
            sign = 1.0 if token == "+" else -1.0
            continue
        if token == "x":
            continue
        if i + 1 < len(tokens) and tokens[i + 1] == "x":
            scale = float(token)
            continue
        value: Any = results
        for key in token.split("."):
            value = value[int(key)] if isinstance(value, list) else value[key]
        total += sign * scale * float(value)
        scale = 1.0
    return total


def test_every_money_span_in_the_html_is_its_source(
    written: dict[str, Path], rotherham_results: dict[str, Any]
) -> None:
    """Every £ figure in the web page (all sections) names where it comes from, and reading that
    place of results.json again gives the same figure."""
    spans = _money_spans(written["html"].read_text("utf-8"))
    assert len(spans) > 200
    assert ("programme.totals.npv", fmt.money(rotherham_results["programme"]["totals"]["npv"])) in (
        spans
    )
    for where, text in spans:
        value = _read_where(rotherham_results, where)
        assert text in (fmt.money(value), fmt.money_full(value)), where


def test_names_not_ids(written: dict[str, Path], rotherham_results: dict[str, Any]) -> None:
    """The report speaks of services, partners and models by name, never by their ids."""
    html = written["html"].read_text("utf-8")
    text = re.sub(r"<[^>]+>", " ", re.sub(r'(src|data-source|id|href|aria-\w+)="[^"]*"', "", html))
    for oid in rotherham_results["programme"]["selected_ids"]:
        assert oid not in text
    for ident in ("nhs_rotherham", "strategic_collaboration", "'hr'", "contact_centre"):
        assert ident not in text


def test_html_is_self_contained(written: dict[str, Path]) -> None:
    html = written["html"].read_text("utf-8")
    assert "<link" not in html and "<script" not in html
    assert html.count('src="data:image/svg+xml;base64,') == 4
    assert '<html lang="en-GB">' in html


# --------------------------------------------------------------------------- edge cases


def test_no_feasible_programme_says_so(infeasible_written: dict[str, Path], tmp_path: Path) -> None:
    """Budget too small: all three files are written and the report names the rules to relax."""
    for kind in ("docx", "html", "pdf"):
        assert infeasible_written[kind].exists()
    document = docx.Document(str(infeasible_written["docx"]))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "No programme could be chosen" in text
    assert "relax one of these rules: at least 6 projects" in text
    assert [t for level, t in _word_headings(infeasible_written["docx"]) if level == 1] == (
        TOP_HEADINGS
    )
    if shutil.which("pdftoppm"):
        assert _pdf_pages(infeasible_written["pdf"], tmp_path)


_PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8ffff3f0005fe02fea7d6a4a40000000049454e44ae426082"
)
"""A 1 x 1 PNG, standing in for a chart where only the Word file's structure is tested."""


def test_house_template(tmp_path: Path, infeasible_results: Results) -> None:
    """A house template's letterhead (page header) and its own styles survive; its body goes."""
    from shareplan.report.writers.docx import write_docx

    house = docx.Document()
    house.sections[0].header.paragraphs[0].text = "Rotherham MBC letterhead"
    house.sections[0].footer.paragraphs[0].text = "Riverside House, Main Street"
    house.styles["Heading 1"].font.name = "Arial Black"
    house.add_paragraph("Old body text that must go")
    template = tmp_path / "house.docx"
    house.save(str(template))
    report = build_report(infeasible_results)
    pngs = dict.fromkeys((f.key for f in report.figures()), _PIXEL)  # the Word file alone here
    path = write_docx(report, pngs, tmp_path / "out.docx", template)
    out = docx.Document(str(path))
    assert out.sections[0].header.paragraphs[0].text == "Rotherham MBC letterhead"
    assert out.sections[0].footer.paragraphs[0].text == "Riverside House, Main Street"
    assert 'w:instr="PAGE"' in out.sections[0].footer._element.xml  # page numbers below it
    assert out.styles["Heading 1"].font.name == "Arial Black"
    assert "Old body text that must go" not in [p.text for p in out.paragraphs]


def test_bad_template_is_an_input_error(tmp_path: Path, small_results: Results) -> None:
    """A template that is not a Word file is a user mistake, found before anything is written."""
    from shareplan.errors import InputError

    bad = tmp_path / "house.docx"
    bad.write_text("not a word file")
    with pytest.raises(InputError):
        write_reports(small_results, tmp_path / "out", bad)
    assert not (tmp_path / "out").exists()


def test_page_references_follow_the_pages() -> None:
    """The cached ``page_references`` the PDF writer gives pydyf is pydyf's own list, also after
    a page is added."""
    import pydyf

    from shareplan.report.writers.pdf import _remember_page_references

    _remember_page_references()
    document = pydyf.PDF()
    for count in (1, 2, 5):
        while len(document.pages["Kids"]) < 3 * count:
            document.add_page(pydyf.Dictionary({"Type": "/Page"}))
        numbers = document.pages["Kids"][::3]
        assert len(numbers) == count
        assert document.page_references == tuple(f"{n} 0 R".encode() for n in numbers)


def test_the_second_process_prints_the_pdf(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, infeasible_results: Results
) -> None:
    """With ``parallel`` the PDF comes from the printer process: this process's own PDF writer
    is never called."""
    from shareplan.report.writers import files

    def here(html: str, path: Path) -> Path:
        raise AssertionError("the PDF was printed in the calling process")

    monkeypatch.setattr(files, "write_pdf", here)
    written = write_reports(infeasible_results, tmp_path, charts=False)
    assert written["pdf"].read_bytes().startswith(b"%PDF-")
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "assumptions.xlsx",
        "cabinet-report.docx",
        "cabinet-report.html",
        "cabinet-report.pdf",
    ]  # the staging folder, the page printed and the printer's log are gone


def test_parallel_falls_back_quietly(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    infeasible_results: Results,
) -> None:
    """When the printer process fails (here: it cannot find its module), the PDF is printed in
    this process, with one log line saying why and nothing on stderr."""
    from shareplan.report.writers import printer

    monkeypatch.setattr(printer, "MODULE", "shareplan.report.writers.no_such_printer")
    with caplog.at_level(logging.INFO, logger="shareplan.report.writers.printer"):
        written = write_reports(infeasible_results, tmp_path, charts=False)
    assert written["pdf"].read_bytes().startswith(b"%PDF-")
    assert capfd.readouterr().err == ""
    (line,) = [r.getMessage() for r in caplog.records if r.name == printer.__name__]
    assert "no_such_printer" in line and "printing the PDF here" in line


def test_cli_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, infeasible_results: Results
) -> None:
    """``shareplan report RESULTS --out DIR --json`` reads the results and passes them on (the
    writing itself is tested above, so it is stood in for here); a missing file exits 2."""
    from typer.testing import CliRunner

    import shareplan.report
    from shareplan.cli import app
    from shareplan.results import write_results

    calls: list[tuple[Results, Path]] = []

    def fake(results: Results, out: Path, template: Path | None = None) -> dict[str, Path]:
        calls.append((results, out))
        return {kind: out / f"cabinet-report.{kind}" for kind in ("docx", "html", "pdf")}

    monkeypatch.setattr(shareplan.report, "write_reports", fake)
    saved = write_results(infeasible_results, tmp_path / "results.json")
    result = CliRunner().invoke(app, ["report", str(saved), "--out", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["pdf"].endswith("cabinet-report.pdf")
    assert calls == [(infeasible_results, tmp_path)]
    missing = CliRunner().invoke(
        app, ["report", str(tmp_path / "nope.json"), "--out", str(tmp_path)]
    )
    assert missing.exit_code == 2


# --------------------------------------------------------------------------- accessibility


@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")
@pytest.mark.parametrize("which", ["rotherham", "infeasible"])
def test_html_has_no_wcag_22_aa_violations(
    which: str, written: dict[str, Path], infeasible_written: dict[str, Path]
) -> None:
    """axe-core in a real browser engine (Debian's Chromium through Playwright): zero violations
    against the WCAG 2.0, 2.1 and 2.2 A and AA rules, on the Rotherham report and on the report
    of a scenario with no feasible programme."""
    page_file = (written if which == "rotherham" else infeasible_written)["html"]
    violations = axe_violations(page_file)
    assert violations == [], describe(violations)


def test_money_class_is_the_same_as_formatting() -> None:
    assert Money(330_000, ("x",)).text == "£330k"
    assert Money(330_000, ("x",), full=True).text == "£330,000"
