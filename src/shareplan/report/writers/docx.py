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
    for row in table.rows:
        for cell in row.cells:
            for par in cell.paragraphs:
                for r in par.runs:
                    r.font.size = Pt(9)
    if t.note:
        doc.add_paragraph(t.note)


def _figure(doc: DocxDocument, f: Figure, number: int, png: bytes) -> None:
    caption_style = _style(doc, "Caption")
    doc.add_paragraph(f"Figure {number}: {f.title}", style=caption_style)
    par = doc.add_paragraph()
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
    doc.add_heading(s.heading, level=min(level, 9))
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
