"""The report as a tagged PDF, printed by WeasyPrint from the same HTML as the web page.

PDF/UA-1 (``pdf_variant="pdf/ua-1"``) makes WeasyPrint write a tagged PDF (headings, paragraphs,
tables and figures as structure elements, images with their text alternatives) with the document's
language from ``<html lang>`` and its title from ``<title>`` shown in the viewer's title bar, as the
Public Sector Bodies Accessibility Regulations 2018 expect of a published document.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

PDF_VARIANT = "pdf/ua-1"


def _page_references(pdf: Any) -> tuple[bytes, ...]:
    """pydyf's ``PDF.page_references``, worked out again only when a page has been added.

    pydyf builds the tuple of every page's reference each time it is read, and WeasyPrint reads
    it for every structure element it tags: for the Cabinet report, some five thousand times
    over twenty-eight pages, about a twentieth of the time the PDF took. Pages are only ever
    appended (``PDF.add_page``), so the number of pages says whether the tuple is still right.
    """
    kids = pdf.pages["Kids"]
    cached = pdf.__dict__.get("_shareplan_page_references")
    if cached is None or cached[0] != len(kids):
        cached = (len(kids), tuple(f"{n} 0 R".encode("ascii") for n in kids[::3]))
        pdf.__dict__["_shareplan_page_references"] = cached
    references: tuple[bytes, ...] = cached[1]
    return references


def _remember_page_references() -> None:
    import pydyf  # type: ignore[import-untyped]

    if isinstance(pydyf.PDF.__dict__.get("page_references"), property):
        pydyf.PDF.page_references = property(_page_references)


def warm_up() -> None:
    """Load WeasyPrint and lay out a line of text in the report's style (Pango, fontconfig and the
    fonts), so that the first real report does not pay for it."""
    import weasyprint  # type: ignore[import-untyped]

    from shareplan.report.writers.style import stylesheet

    _remember_page_references()
    page = f"<html lang='en-GB'><style>{stylesheet()}</style><p>£1.2m <b>2011/12</b></p></html>"
    weasyprint.HTML(string=page).render()


def write_pdf(html: str, path: Path) -> Path:
    """Print ``html`` (self-contained: no external files are fetched) to ``path``."""
    import weasyprint  # imported here: loading Pango costs time that HTML-only callers need not pay

    _remember_page_references()
    document = weasyprint.HTML(string=html, base_url=None)
    document.write_pdf(path, pdf_variant=PDF_VARIANT, pdf_tags=True)
    return path
