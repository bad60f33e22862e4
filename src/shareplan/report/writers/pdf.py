"""The report as a tagged PDF, printed by WeasyPrint from the same HTML as the web page.

PDF/UA-1 (``pdf_variant="pdf/ua-1"``) makes WeasyPrint write a tagged PDF (headings, paragraphs,
tables and figures as structure elements, images with their text alternatives) with the document's
language from ``<html lang>`` and its title from ``<title>`` shown in the viewer's title bar, as the
Public Sector Bodies Accessibility Regulations 2018 expect of a published document.
"""

from __future__ import annotations

from pathlib import Path

PDF_VARIANT = "pdf/ua-1"


def warm_up() -> None:
    """Load WeasyPrint and lay out a line of text in the report's style (Pango, fontconfig and the
    fonts), so that the first real report does not pay for it."""
    import weasyprint  # type: ignore[import-untyped]

    from shareplan.report.writers.style import stylesheet

    page = f"<html lang='en-GB'><style>{stylesheet()}</style><p>£1.2m <b>2011/12</b></p></html>"
    weasyprint.HTML(string=page).render()


def write_pdf(html: str, path: Path) -> Path:
    """Print ``html`` (self-contained: no external files are fetched) to ``path``."""
    import weasyprint  # imported here: loading Pango costs time that HTML-only callers need not pay

    document = weasyprint.HTML(string=html, base_url=None)
    document.write_pdf(path, pdf_variant=PDF_VARIANT, pdf_tags=True)
    return path
