"""The report's sections on the console (Rich), beside the Word and HTML writers: what
``shareplan explain`` prints."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table as RichTable
from rich.text import Text

from shareplan.report.model import Block, Figure, Paragraph, Section, Table, run_text


def print_section(console: Console, section: Section, level: int = 1) -> None:
    """``section`` and its sub-sections: headings, paragraphs, and tables (a figure as its data
    table, which holds the same figures as the chart)."""
    style = "bold underline" if level == 1 else "bold"
    console.print(Text(section.heading, style=style))
    for block in section.blocks:
        _block(console, block)
    for child in section.children:
        console.print()
        print_section(console, child, level + 1)


def _block(console: Console, block: Block) -> None:
    if isinstance(block, Paragraph):
        _paragraph(console, block)
    elif isinstance(block, Figure):
        _table(console, block.table, block.title)
    else:
        _table(console, block, block.caption)


def _paragraph(console: Console, paragraph: Paragraph) -> None:
    text = Text(paragraph.text, style="yellow" if paragraph.kind == "notice" else "")
    if paragraph.kind == "bullet":
        text = Text("  - ") + text
    console.print(text, highlight=False, soft_wrap=False)


def _table(console: Console, table: Table, title: str) -> None:
    out = RichTable(title=title, caption=table.note or None, show_lines=False)
    for i, name in enumerate(table.header):
        out.add_column(name, justify="right" if table.is_numeric(i) else "left")
    for row in table.rows:
        out.add_row(*(run_text(cell) for cell in row))
    console.print(out)
