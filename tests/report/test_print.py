"""The printed Cabinet report holds together: read back from the tagged PDF's structure (each
table row is a tagged element whose marked content sits on known pages, at known heights), no
row is split across pages, no table's first row is separated from its header or left alone at
the foot of a page, a table continued on a new page has its header again, and no page of the
body before the appendices is under a third full."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

pdfplumber = pytest.importorskip("pdfplumber")

MM = 72 / 25.4
TOP_MARGIN, BOTTOM_MARGIN = 18 * MM, 20 * MM
"""The page margins of the print style (report.css: ``@page { margin: 18mm 16mm 20mm }``)."""


@dataclass
class Row:
    header: bool
    pages: set[int]
    mcids: dict[int, list[int]]  # page number -> marked-content ids


def _marked(element: dict[str, Any], out: dict[int, list[int]]) -> dict[int, list[int]]:
    if element.get("mcids") is not None and element.get("page_number") is not None:
        out.setdefault(element["page_number"], []).extend(element["mcids"])
    for child in element.get("children", []):
        _marked(child, out)
    return out


def _walk(elements: list[dict[str, Any]], kind: str) -> Iterator[dict[str, Any]]:
    for e in elements:
        if e.get("type") == kind:
            yield e
        else:
            yield from _walk(e.get("children", []), kind)


def _rows(table: dict[str, Any]) -> list[Row]:
    out = []
    for part in table.get("children", []):
        for tr in _walk([part], "TR"):
            marked = _marked(tr, {})
            out.append(Row(part.get("type") == "THead", set(marked), marked))
    return out


@pytest.fixture(scope="module")
def pdf(rotherham_outputs: Path) -> Any:
    with pdfplumber.open(str(rotherham_outputs / "cabinet-report.pdf")) as document:
        yield document


def _tops(pdf: Any) -> dict[int, dict[int, float]]:
    """For each page, the top (points from the page's top) of each marked-content id's text."""
    out: dict[int, dict[int, float]] = defaultdict(dict)
    for page in pdf.pages:
        for char in page.chars:
            mcid = char.get("mcid")
            if mcid is not None:
                tops = out[page.page_number]
                tops[mcid] = min(tops.get(mcid, char["top"]), char["top"])
    return out


def test_tables_hold_together_on_the_page(pdf: Any) -> None:
    tree = pdf.structure_tree
    tables = list(_walk(tree, "Table"))
    assert len(tables) > 20
    tops = _tops(pdf)
    for n, table in enumerate(tables):
        rows = _rows(table)
        head = [r for r in rows if r.header]
        body = [r for r in rows if not r.header]
        if not head or not body:
            continue
        for r in body:
            assert len(r.pages) == 1, f"table {n}: a row is split across pages {sorted(r.pages)}"
        first_page = min(head[0].pages)
        assert body[0].pages == {first_page}, f"table {n}: first row apart from its header"
        if len(body) > 1:
            alone = sum(1 for r in body if r.pages == body[0].pages) == 1
            assert not alone, f"table {n}: its first row is alone at the foot of page {first_page}"
            last = body[-1].pages
            assert sum(1 for r in body if r.pages == last) > 1 or last == body[0].pages, (
                f"table {n}: its last row is alone at the top of page {min(last)}"
            )
        # On every later page the table reaches, its header is printed again above its rows.
        words = [w for w in _header_words(pdf, head[0], first_page)[:2]]
        for page_number in sorted({p for r in body for p in r.pages} - {first_page}):
            page = pdf.pages[page_number - 1]
            first_top = min(
                tops[page_number][m]
                for r in body
                for m in r.mcids.get(page_number, [])
                if m in tops[page_number]
            )
            above = " ".join(w["text"] for w in page.extract_words() if w["top"] < first_top)
            for word in words:
                assert word in above, f"table {n}: no header above its rows on page {page_number}"


def _header_words(pdf: Any, header: Row, page_number: int) -> list[str]:
    page = pdf.pages[page_number - 1]
    ids = set(header.mcids.get(page_number, []))
    text = "".join(c["text"] for c in page.chars if c.get("mcid") in ids)
    return text.split()


def test_no_body_page_under_a_third_full(pdf: Any) -> None:
    """Every page before the appendices is at least a third full, except the one just before
    the first appendix (a section may end anywhere)."""
    tree = pdf.structure_tree
    appendix_page = None
    for heading in _walk(tree, "H2"):
        marked = _marked(heading, {})
        page = min(marked)
        chars = pdf.pages[page - 1].chars
        text = "".join(c["text"] for c in chars if c.get("mcid") in set(marked[page]))
        if text.startswith("Appendix 1"):
            appendix_page = page
            break
    assert appendix_page is not None and appendix_page > 5
    for page in pdf.pages[: appendix_page - 2]:
        usable = page.height - TOP_MARGIN - BOTTOM_MARGIN
        content = [  # the running header and footer sit in the margins
            c["bottom"]
            for c in page.chars
            if c.get("mcid") is not None and TOP_MARGIN <= c["top"] <= TOP_MARGIN + usable
        ]
        filled = (max(content) - TOP_MARGIN) / usable
        assert filled >= 1 / 3, f"page {page.page_number} is only {filled:.0%} full"
