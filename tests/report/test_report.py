"""The Cabinet report: the three files, their structure, traceable money, accessibility.

The reports are written once per results fixture (module-scoped) because WeasyPrint and
matplotlib take seconds; each test then reads the files back.
"""

from __future__ import annotations

import json
import math
import re
import shutil
import subprocess
import zlib
from pathlib import Path
from typing import Any

import docx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from shareplan.report import build_report, write_reports
from shareplan.report import formatting as fmt
from shareplan.report.document import Money, Table, money_runs, resolve

FIXTURES = Path(__file__).parent / "fixtures"
CHROMIUM = Path("/usr/bin/chromium")

#: The headings the Word file must have, in this order (Heading 1 level).
TOP_HEADINGS = [
    "5. Summary",
    "6. Recommendations",
    "7. Proposals and Details",
    "8. Finance",
    "9. Risks and Uncertainties",
    "10. Policy and Performance Agenda Implications",
    "11. Background Papers and Consultation",
    "Appendix 1: Business cases of the priority projects",
    "Appendix 2: Scoring tables and weights",
    "Appendix 3: How firm is the ranking",
    "Appendix 4: Near misses and the trade-off between speed and savings",
    "Appendix 5: The long list in summary",
    "Appendix 6: The evidence base used",
]


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / name).read_text("utf-8"))
    return data


@pytest.fixture(scope="module")
def results() -> dict[str, Any]:
    return load("results.json")


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory, results: dict[str, Any]) -> dict[str, Path]:
    return write_reports(results, tmp_path_factory.mktemp("report"))


@pytest.fixture(scope="module")
def infeasible_written(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_reports(load("results-infeasible.json"), tmp_path_factory.mktemp("infeasible"))


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


@given(st.floats(min_value=-1e10, max_value=1e10, allow_nan=False))
def test_money_is_found_and_close(amount: float) -> None:
    """Whatever the amount, the figure written is what find_money picks out of a sentence, and
    it is within the rounding of its unit (5% of £1m, £500, 50p) of the amount."""
    text = fmt.money(amount)
    assert fmt.find_money(f"a saving of {text}.") == [text]
    digits = float(text.replace("-", "").replace("£", "").replace(",", "").rstrip("mk"))
    unit = 1e6 if text.endswith("m") else 1e3 if text.endswith("k") else 1.0
    sign = -1 if text.startswith("-") else 1
    assert abs(sign * digits * unit - amount) <= unit * 0.05 + 0.5


# --------------------------------------------------------------------------- the model


def test_every_money_figure_traces_to_results(results: dict[str, Any]) -> None:
    """Each Money in the report holds exactly the number at its path in results.json."""
    report = build_report(results)
    runs = [m for _, s in report.all_sections() for m in money_runs(s)]
    assert len(runs) > 50
    for m in runs:
        assert resolve(results, m.source) == m.value, m.source


def test_older_results_say_not_available() -> None:
    """A results file from before the later stages (no scores, business cases or programme)
    still builds, and says plainly what is missing."""
    old = load("results.json")
    old["programme"] = None
    old.pop("sensitivity")
    for o in old["opportunities"]:
        for key in ("scores", "screening", "business_case", "procurement", "risks"):
            o.pop(key)
    report = build_report(old)
    text = " ".join(getattr(b, "text", "") for _, s in report.all_sections() for b in s.blocks)
    assert "not available" in text
    assert report.figures() == []
    assert report.sections[0].heading == "5. Summary"


def test_sensitivity_in_plain_words(results: dict[str, Any]) -> None:
    """The fixture's weight on within-borough jobs is stable from 10% to 34% overall."""
    section = build_report(results).section("appendix-sensitivity")
    texts = [getattr(b, "text", "") for b in section.blocks]
    assert any(
        "The top 4 holds unless the weight on opportunities within Rotherham rises above 34%" in t
        for t in texts
    )
    assert any("holds whatever the weight on quick wins" in t for t in texts)


# --------------------------------------------------------------------------- the files


def test_three_files_and_charts(written: dict[str, Path]) -> None:
    for kind in ("docx", "html", "pdf"):
        assert written[kind].name == f"cabinet-report.{kind}"
        assert written[kind].stat().st_size > 10_000
    charts = [k for k in written if k.startswith("chart:")]
    # timeline, savings, scores, frontier and a tornado for each of the 4 priority projects
    assert len(charts) == 2 * 8
    assert not list(written["pdf"].parent.glob(".report.*"))  # staging folder removed


def _pdf_pages(pdf: Path, tmp_path: Path) -> list[Path]:
    subprocess.run(
        ["pdftoppm", "-r", "30", "-png", str(pdf), str(tmp_path / "page")],
        check=True,
        capture_output=True,
    )
    return sorted(tmp_path.glob("page-*.png"))


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_pdf_renders_tagged_with_title_and_language(
    written: dict[str, Path], tmp_path: Path
) -> None:
    from PIL import Image

    pages = _pdf_pages(written["pdf"], tmp_path)
    assert 10 <= len(pages) <= 80
    for page in pages:
        with Image.open(page) as im:
            grey = im.convert("L")
            dark = sum(grey.histogram()[:200])
            assert dark > 100, f"{page.name} looks blank"
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


def test_word_headings_in_order(written: dict[str, Path], results: dict[str, Any]) -> None:
    headings = _word_headings(written["docx"])
    assert [t for level, t in headings if level == 1] == TOP_HEADINGS
    second = [t for level, t in headings if level == 2]
    titles = {o["id"]: o["title"] for o in results["opportunities"]}
    selected = [titles[i] for i in results["programme"]["selected_ids"]]
    assert second[: len(selected)] == selected  # each priority project under Proposals
    assert "Contact" in second
    assert "Cash flows" in [t for level, t in headings if level == 3]


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
    assert len(pictures) == 8
    for picture in pictures:
        assert len(picture._inline.docPr.get("descr", "")) > 40


def _section_text(path: Path, start: str, stop: str) -> str:
    """The text of a Word section, paragraphs and tables, from heading ``start`` to ``stop``."""
    document = docx.Document(str(path))
    body = document.element.body
    texts: list[str] = []
    inside = False
    for child in body.iterchildren():
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


def test_money_in_summary_and_finance_equals_results(
    written: dict[str, Path], results: dict[str, Any]
) -> None:
    """Every £ figure in the Word Summary and Finance sections is, formatted by the same
    function, the figure at its source in results.json: the model's Money runs of those sections
    give the expected figures in order, and the file shows exactly those."""
    report = build_report(results)
    for key, start, stop in (
        ("summary", "5. Summary", "6. Recommendations"),
        ("finance", "8. Finance", "9. Risks and Uncertainties"),
    ):
        section = report.section(key)
        expected = []
        for block in section.blocks:
            runs = money_runs(block)
            if isinstance(block, Table) or hasattr(block, "table"):
                runs = money_runs(block)
            expected.extend(fmt.money(resolve(results, m.source)) for m in runs)
        found = fmt.find_money(_section_text(written["docx"], start, stop))
        assert found == expected, key
        assert len(found) >= (3 if key == "summary" else 20)
    # and the headline figures are the programme's own
    summary = _section_text(written["docx"], "5. Summary", "6. Recommendations")
    totals = results["programme"]["totals"]
    assert fmt.money(totals["npv"]) in summary
    assert fmt.money(totals["one_off_cost"]) in summary


def test_money_spans_carry_their_source(written: dict[str, Path], results: dict[str, Any]) -> None:
    html = written["html"].read_text("utf-8")
    assert 'data-source="programme.totals.npv"' in html
    assert fmt.money(results["programme"]["totals"]["npv"]) in html


def test_html_is_self_contained(written: dict[str, Path]) -> None:
    html = written["html"].read_text("utf-8")
    assert "<link" not in html and "<script" not in html
    assert html.count('src="data:image/svg+xml;base64,') == 8
    assert '<html lang="en-GB">' in html


def test_no_feasible_programme_says_so(infeasible_written: dict[str, Path], tmp_path: Path) -> None:
    """Budget too small: all three files are written and the report names the rules to relax."""
    for kind in ("docx", "html", "pdf"):
        assert infeasible_written[kind].exists()
    document = docx.Document(str(infeasible_written["docx"]))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "No programme could be chosen" in text
    assert "relax one of these rules: budget of £100k or at least 4 projects" in text
    assert [t for level, t in _word_headings(infeasible_written["docx"]) if level == 1] == (
        TOP_HEADINGS
    )
    if shutil.which("pdftoppm"):
        assert _pdf_pages(infeasible_written["pdf"], tmp_path)


def test_house_template(tmp_path: Path, results: dict[str, Any]) -> None:
    """A house template's letterhead (page header) and its own styles survive; its body goes."""
    house = docx.Document()
    house.sections[0].header.paragraphs[0].text = "Rotherham MBC letterhead"
    house.styles["Heading 1"].font.name = "Arial Black"
    house.add_paragraph("Old body text that must go")
    template = tmp_path / "house.docx"
    house.save(str(template))
    written = write_reports(results, tmp_path / "out", template, charts=False, parallel=False)
    out = docx.Document(str(written["docx"]))
    assert out.sections[0].header.paragraphs[0].text == "Rotherham MBC letterhead"
    assert out.styles["Heading 1"].font.name == "Arial Black"
    assert "Old body text that must go" not in [p.text for p in out.paragraphs]
    assert not [k for k in written if k.startswith("chart:")]


def test_bad_template_is_an_input_error(tmp_path: Path, results: dict[str, Any]) -> None:
    from shareplan.errors import InputError

    bad = tmp_path / "house.docx"
    bad.write_text("not a word file")
    with pytest.raises(InputError):
        write_reports(results, tmp_path / "out", bad, parallel=False)
    assert not (tmp_path / "out" / "cabinet-report.pdf").exists()


def test_cli_report(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from shareplan.cli.app import app

    result = CliRunner().invoke(
        app,
        ["report", str(FIXTURES / "results-infeasible.json"), "--out", str(tmp_path), "--json"],
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["pdf"].endswith("cabinet-report.pdf")
    missing = CliRunner().invoke(
        app, ["report", str(tmp_path / "nope.json"), "--out", str(tmp_path)]
    )
    assert missing.exit_code == 2


# --------------------------------------------------------------------------- accessibility


@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")
@pytest.mark.parametrize("which", ["feasible", "infeasible"])
def test_html_has_no_wcag_22_aa_violations(
    which: str, written: dict[str, Path], infeasible_written: dict[str, Path]
) -> None:
    """axe-core in a real browser engine (Debian's Chromium through Playwright): zero violations
    against the WCAG 2.0, 2.1 and 2.2 A and AA rules."""
    axe_module = pytest.importorskip("axe_playwright_python.sync_playwright")
    from playwright.sync_api import sync_playwright

    page_file = (written if which == "feasible" else infeasible_written)["html"]
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        try:
            page = browser.new_page()
            page.goto(page_file.as_uri())
            result = axe_module.Axe().run(
                page,
                options={
                    "runOnly": {
                        "type": "tag",
                        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
                    },
                    "resultTypes": ["violations"],
                },
            )
        finally:
            browser.close()
    violations = result.response["violations"]
    assert violations == [], json.dumps(
        [(v["id"], v["help"], [n["target"] for n in v["nodes"][:3]]) for v in violations],
        indent=1,
    )


def test_money_class_is_the_same_as_formatting() -> None:
    assert Money(330_000, ("x",)).text == "£330k"
    assert Money(330_000, ("x",), full=True).text == "£330,000"
