"""The report as a Word document in real Word styles, so an authority's house template applies.

Headings use the built-in "Heading 1" to "Heading 3" styles (so Word's navigation pane, table of
contents and accessibility checker see them), lists use "List Bullet", tables use a table style with
a header row that repeats on every page and a title and description for screen readers, and every
chart is a picture with alternative text, followed by its data table.

With ``template`` (an authority's own .docx, for example one with its letterhead in the page
header), the template is opened as the base document and its body is cleared, keeping its sections,
headers, footers and styles; the report is then written into it in those styles.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import docx
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from shareplan.errors import InputError, Problem
from shareplan.report.model import Figure, Paragraph, Report, Section, Table, run_text

PICTURE_WIDTH = Cm(16)
TABLE_STYLES = ("Light Grid Accent 1", "Table Grid")
"""Table styles tried in order; the first the base document has is used."""


def check_template(template: Path) -> DocxDocument:
    """Open an authority's .docx; :class:`~shareplan.errors.InputError` if it is not one."""
    try:
        return docx.Document(str(template))
    except Exception as exc:  # python-docx raises several kinds for a file that is not a .docx
        raise InputError(
            [Problem(f"not a Word document the report can use as a template: {exc}", str(template))]
        ) from None


def _open(template: Path | None) -> DocxDocument:
    if template is None:
        return docx.Document()
    base = check_template(template)
    body = base.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    return base


def _style(doc: DocxDocument, *names: str) -> Any:
    for name in names:
        try:
            return doc.styles[name]
        except KeyError:
            continue
    return None


def _set_language(doc: DocxDocument, lang: str) -> None:
    doc.core_properties.language = lang
    styles = doc.styles.element
    rpr_default = styles.find(qn("w:docDefaults"))
    if rpr_default is None:
        return
    rpr = rpr_default.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    if rpr is None:
        return
    lang_el = rpr.find(qn("w:lang"))
    if lang_el is None:
        lang_el = OxmlElement("w:lang")
        rpr.append(lang_el)
    lang_el.set(qn("w:val"), lang)


def _paragraph(doc: DocxDocument, p: Paragraph) -> None:
    style = None
    if p.kind == "bullet":
        style = _style(doc, "List Bullet")
    par = doc.add_paragraph(style=style)
    if p.kind == "notice":
        par.add_run("Note: ").bold = True
    for run in p.runs:
        par.add_run(run_text(run))


SHORT_TABLE = 14
"""A table with this many body rows or fewer is kept whole on one page (as in the PDF)."""
KEEP_ROWS = 2


def _a4(doc: DocxDocument) -> None:
    """A4 portrait with 2 cm margins (python-docx's blank document is US Letter)."""
    for section in doc.sections:
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Cm(2.0))


def _field(paragraph: Any, code: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word fills in when it lays the page out."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), code)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _running_header_and_footer(doc: DocxDocument, report: Report) -> None:
    """Title, meeting and date at the head of every page; page x of y and the meeting at its
    foot. An authority template's own letterhead stays above the line."""
    for section in doc.sections:
        header = _free_paragraph(section.header)
        header.text = f"{report.title} – {report.meeting}" if report.meeting else report.title
        for r in header.runs:
            r.font.size = Pt(8)
        footer = _free_paragraph(section.footer)
        footer.add_run("Page ").font.size = Pt(8)
        _field(footer, "PAGE")
        footer.add_run(" of ").font.size = Pt(8)
        _field(footer, "NUMPAGES")
        footer.add_run(f"\t\t{report.footer()}").font.size = Pt(8)


def _free_paragraph(part: Any) -> Any:
    """The header's or footer's empty first paragraph, or a new one below what a house template
    already put there (its letterhead or address stays)."""
    first = part.paragraphs[0]
    return part.add_paragraph() if first.text or first._p.xpath(".//w:drawing") else first


def _cant_split(row: Any) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))


def _mark_header_row(row: Any) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _describe_table(table: Any, title: str, description: str) -> None:
    tbl_pr = table._tbl.tblPr
    for tag, text in (("w:tblCaption", title), ("w:tblDescription", description)):
        el = OxmlElement(tag)
        el.set(qn("w:val"), text[:250])
        tbl_pr.append(el)


def _table(doc: DocxDocument, t: Table) -> None:
    caption_style = _style(doc, "Caption")
    cap = doc.add_paragraph(t.caption, style=caption_style)
    cap.paragraph_format.keep_with_next = True
    if caption_style is None:
        for r in cap.runs:
            r.bold = True
    table = doc.add_table(rows=1, cols=len(t.header))
    style = _style(doc, *TABLE_STYLES)
    if style is not None:
        table.style = style
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    _describe_table(table, t.caption, f"{len(t.rows)} rows; columns: {', '.join(t.header)}")
    head = table.rows[0]
    _mark_header_row(head)
    for i, name in enumerate(t.header):
        cell = head.cells[i]
        cell.text = ""
        run = cell.paragraphs[0].add_run(name)
        run.bold = True
        if t.is_numeric(i):
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for row in t.rows:
        cells = table.add_row().cells
        for i, value in enumerate(row):
            cells[i].text = run_text(value)
            if t.is_numeric(i):
                cells[i].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    keep_all = len(t.rows) <= SHORT_TABLE
    last = len(table.rows) - 1
    for i, row in enumerate(table.rows):
        _cant_split(row)
        # Word keeps a row with the next one through its paragraphs' "keep with next": a short
        # table stays whole, a long one keeps its header with the first two rows.
        keep = i < last and (keep_all or i < 1 + KEEP_ROWS)
        for cell in row.cells:
            for par in cell.paragraphs:
                par.paragraph_format.keep_with_next = keep
                for r in par.runs:
                    r.font.size = Pt(9)
    if t.note:
        doc.add_paragraph(t.note)


def _figure(doc: DocxDocument, f: Figure, number: int, png: bytes) -> None:
    caption_style = _style(doc, "Caption")
    caption = doc.add_paragraph(f"Figure {number}: {f.title}", style=caption_style)
    caption.paragraph_format.keep_with_next = True
    par = doc.add_paragraph()
    par.paragraph_format.keep_with_next = True
    shape = par.add_run().add_picture(io.BytesIO(png), width=PICTURE_WIDTH)
    doc_pr = shape._inline.docPr
    doc_pr.set("descr", f.alt)
    doc_pr.set("title", f.title)
    _table(doc, f.table)


def _section(
    doc: DocxDocument,
    s: Section,
    level: int,
    numbers: Mapping[str, int],
    pngs: Mapping[str, bytes],
) -> None:
    heading = doc.add_heading(s.heading, level=min(level, 9))
    if s.new_page:
        heading.paragraph_format.page_break_before = True
    for block in s.blocks:
        if isinstance(block, Paragraph):
            _paragraph(doc, block)
        elif isinstance(block, Table):
            _table(doc, block)
        else:
            _figure(doc, block, numbers[block.key], pngs[block.key])
    for child in s.children:
        _section(doc, child, level + 1, numbers, pngs)


def write_docx(
    report: Report, pngs: Mapping[str, bytes], path: Path, template: Path | None = None
) -> Path:
    """Write ``report`` to ``path`` as .docx; ``pngs`` maps each figure's key to its PNG."""
    doc = _open(template)
    if template is None:
        _a4(doc)
    _running_header_and_footer(doc, report)
    _set_language(doc, report.lang)
    props = doc.core_properties
    props.title = report.title
    props.subject = f"Report to {report.heading[0][2]}"
    props.author = report.authority
    props.comments = f"Written by {report.generator} from the appraisal's results file."
    doc.add_paragraph(
        report.authority.upper() + " – REPORT TO MEMBERS", style=_style(doc, "Subtitle")
    )
    doc.add_paragraph(report.title, style=_style(doc, "Title"))
    for number, label, value in report.heading:
        par = doc.add_paragraph()
        par.add_run(f"{number}.\t{label}:\t").bold = True
        par.add_run(value)
    numbers = {f.key: i for i, f in enumerate(report.figures(), start=1)}
    for s in report.sections:
        _section(doc, s, 1, numbers, pngs)
    for s in report.appendices:
        doc.add_page_break()  # type: ignore[no-untyped-call]
        _section(doc, s, 1, numbers, pngs)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path
