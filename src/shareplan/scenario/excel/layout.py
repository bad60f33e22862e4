"""What every part of the workbook shares: the names of the sheets that are not tables, and the
look of headings (required ones amber) and notes."""

from __future__ import annotations

from openpyxl.styles import Alignment, Font, PatternFill

from shareplan.scenario.schema import SHEETS

NOTES_SHEET = "notes"
LISTS_SHEET = "lists"
SKIPPED_SHEETS = frozenset({NOTES_SHEET, LISTS_SHEET})
"""Sheets the reader leaves out: they explain the workbook and feed its drop-downs."""
KNOWN_NAMES = frozenset({s.name for s in SHEETS} | SKIPPED_SHEETS)

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
REQUIRED_FILL = PatternFill("solid", fgColor="FFE699")
SECTION_FONT = Font(bold=True, size=12)
WRAP = Alignment(wrap_text=True, vertical="top")
