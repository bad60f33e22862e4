"""The Excel form of a scenario: reading a workbook into raw tables (:mod:`.reading`), and writing
a scenario or the blank template as a workbook an officer can fill in (:mod:`.writing`), with its
notes on every column (:mod:`.notes`), its drop-downs (:mod:`.dropdowns`) and cells that read back
as the values written (:mod:`.cellwriting`)."""

from shareplan.scenario.excel.layout import LISTS_SHEET, NOTES_SHEET, SKIPPED_SHEETS
from shareplan.scenario.excel.notes import GENERAL_NOTES, ColumnNote, sheet_notes
from shareplan.scenario.excel.reading import read_workbook
from shareplan.scenario.excel.writing import WRITE_SUFFIX, write_template, write_workbook

__all__ = [
    "GENERAL_NOTES",
    "LISTS_SHEET",
    "NOTES_SHEET",
    "SKIPPED_SHEETS",
    "WRITE_SUFFIX",
    "ColumnNote",
    "read_workbook",
    "sheet_notes",
    "write_template",
    "write_workbook",
]
