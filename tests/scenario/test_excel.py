"""The Excel form: what the writer puts in a workbook, what the reader makes of any workbook, and
the broken workbooks an officer could hand in (each must name the sheet, row and column)."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from shareplan.errors import InputError
from shareplan.evidence import EvidenceBase
from shareplan.scenario import Scenario, load_scenario
from shareplan.scenario import excel as excel_module
from shareplan.scenario.cells import CellError
from shareplan.scenario.excel import (
    LISTS_SHEET,
    NOTES_SHEET,
    read_workbook,
    sheet_notes,
    write_template,
    write_workbook,
)
from shareplan.scenario.schema import SHEETS, Sheet
from shareplan.scenario.tables import schemas
from tests.conftest import ROOT
from tests.scenario.broken.workbooks import CASES, Case

SCHEMA_NAMES = [s.name for s in SHEETS]


def _headings(worksheet: Any) -> list[Any]:
    return [cell.value for cell in worksheet[1]]


def _validation_for(worksheet: Any, coordinate: str) -> Any:
    found = [dv for dv in worksheet.data_validations.dataValidation if coordinate in dv.sqref]
    assert len(found) == 1, f"expected one validation on {coordinate}, found {len(found)}"
    return found[0]


# ------------------------------------------------------------------------------------------------
# Broken workbooks


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_broken_workbook_names_the_place(
    case: Case, tmp_path: Path, minimal: Scenario, evidence: EvidenceBase
) -> None:
    """Every expected problem is reported with its sheet, row and column, and with the file."""
    path = case.build(tmp_path, minimal, evidence)
    with pytest.raises(InputError) as info:
        load_scenario(path, evidence)
    problems = info.value.problems
    for sheet, row, column, phrase in case.expected:
        assert any(
            (p.sheet, p.row, p.column) == (sheet, row, column) and phrase in p.message
            for p in problems
        ), f"{case.name}: no problem at {(sheet, row, column)} saying {phrase!r} in {problems}"
    assert all(p.file == str(path) for p in problems)


@pytest.mark.parametrize(
    "case",
    [c for c in CASES if c.expected[0][0] is None],
    ids=lambda c: c.name,
)
def test_a_file_that_is_no_workbook_gives_one_problem_and_no_tables(
    case: Case, tmp_path: Path, minimal: Scenario, evidence: EvidenceBase
) -> None:
    path = case.build(tmp_path, minimal, evidence)
    raw = read_workbook(path)
    assert raw.tables == {}
    assert len(raw.problems) == 1
    assert raw.problems[0].file == str(path)


def test_formula_error_reads_as_cell_error(
    tmp_path: Path, minimal: Scenario, evidence: EvidenceBase
) -> None:
    path = next(c for c in CASES if c.name == "formula-error").build(tmp_path, minimal, evidence)
    raw = read_workbook(path)
    row = raw.tables["services"].rows[0]
    assert row.number == 2
    assert row.values["gross_cost"] == CellError("#DIV/0!")


# ------------------------------------------------------------------------------------------------
# Reading any workbook


def test_reader_keeps_spreadsheet_row_numbers_and_tidies_headings(tmp_path: Path) -> None:
    """A sheet titled ' Services ' is the services sheet; headings are stripped; blank rows and
    trailing blank cells are dropped but rows keep the numbers an officer sees: the data rows are
    sheet rows 2 and 5, so they are numbered 2 and 5."""
    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = " Services "
    worksheet.append([" id ", "gross_cost ", None])
    worksheet.append(["payroll", 800000])
    worksheet.append([None, None])
    worksheet.append([])
    worksheet.append(["care", 5_000_000.5, "  "])
    worksheet["E7"].number_format = "0.00"  # formatted but empty: not data
    workbook.create_sheet(NOTES_SHEET).append(["anything"])
    workbook.create_sheet(LISTS_SHEET).append(["anything"])
    path = tmp_path / "w.xlsx"
    workbook.save(path)
    raw = read_workbook(path)
    assert raw.problems == []
    assert list(raw.tables) == ["services"]
    table = raw.tables["services"]
    assert table.header == ("id", "gross_cost")
    assert [(r.number, dict(r.values)) for r in table.rows] == [
        (2, {"id": "payroll", "gross_cost": 800000}),
        (5, {"id": "care", "gross_cost": 5_000_000.5}),
    ]


def test_reader_reports_a_heading_given_twice(tmp_path: Path) -> None:
    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = "partners"
    worksheet.append(["id", "name", "id"])
    worksheet.append(["a", "A", "b"])
    path = tmp_path / "w.xlsx"
    workbook.save(path)
    raw = read_workbook(path)
    assert [(p.sheet, p.row, p.column, p.message) for p in raw.problems] == [
        ("partners", 1, "id", "the heading 'id' appears twice (columns A and C)")
    ]
    assert raw.tables["partners"].rows[0].values == {"id": "a", "name": "A"}


def test_reader_turns_midnight_datetimes_into_dates(tmp_path: Path) -> None:
    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = "authority"
    worksheet.append(["field", "value"])
    worksheet.append(["appraisal_date", dt.datetime(2024, 6, 1)])
    path = tmp_path / "w.xlsx"
    workbook.save(path)
    value = read_workbook(path).tables["authority"].rows[0].values["value"]
    assert value == dt.date(2024, 6, 1)
    assert not isinstance(value, dt.datetime)


# ------------------------------------------------------------------------------------------------
# Writing a scenario


def test_workbook_layout(tmp_path: Path, minimal: Scenario, evidence: EvidenceBase) -> None:
    path = write_workbook(minimal, tmp_path / "s.xlsx", evidence)
    workbook = load_workbook(path)
    assert workbook.sheetnames == [*SCHEMA_NAMES, NOTES_SHEET, LISTS_SHEET]
    assert workbook[LISTS_SHEET].sheet_state == "hidden"
    assert workbook.active.title == "authority"
    for spec in SHEETS:
        worksheet = workbook[spec.name]
        assert _headings(worksheet) == [c.name for c in spec.columns]
        assert all(cell.font.bold for cell in worksheet[1])
        assert worksheet.freeze_panes in ("A2", "C2")
    services = workbook["services"]
    assert services.freeze_panes == "C2"  # id and name stay in view
    assert services["E2"].value == 800000 and services["E2"].data_type == "n"  # gross_cost
    assert services["H2"].value == 4  # track_record
    assert services["J3"].value == "yes"  # early_intervention
    authority = {row[0].value: row[1] for row in workbook["authority"].iter_rows(min_row=2)}
    assert authority["appraisal_date"].value == dt.datetime(2024, 6, 1)
    assert authority["appraisal_date"].number_format == "yyyy-mm-dd"
    assert authority["corporate_priorities"].value == "health; jobs"
    assert authority["priority_projects_min"].value is None
    assert not list(tmp_path.glob(".*.tmp"))


def test_enumerated_columns_have_drop_down_lists(
    tmp_path: Path, minimal: Scenario, evidence: EvidenceBase
) -> None:
    """Short lists are written inline; the weights target list (3 groups and 13 criteria, longer
    than Excel's 255 characters inline) lives on the hidden lists sheet."""
    path = write_workbook(minimal, tmp_path / "s.xlsx", evidence)
    workbook = load_workbook(path)
    kind = _validation_for(workbook["services"], "D2")
    assert kind.type == "list"
    assert kind.formula1 == '"back_office,front_office,front_line"'
    assert _validation_for(workbook["services"], "J500").formula1 == '"yes,no"'
    model = _validation_for(workbook["opportunities"], "E2")
    assert model.formula1 == '"' + ",".join(evidence.model_ids) + '"'
    target = _validation_for(workbook["weights"], "B2")
    assert target.formula1.startswith(f"{LISTS_SHEET}!$")
    column = target.formula1.split("!$")[1].split("$")[0]
    listed = [c.value for c in workbook[LISTS_SHEET][column][1:] if c.value is not None]
    assert listed == list(evidence.group_ids + evidence.criterion_ids)
    track = _validation_for(workbook["services"], "H2")
    assert (track.type, track.formula1, track.formula2) == ("whole", "1", "5")
    financial_years_row = 2 + [f.name for f in SHEETS[0].fields].index("financial_years")
    assert _validation_for(workbook["authority"], f"B{financial_years_row}").formula1 == (
        '"yes,no"'
    )


def test_notes_sheet_explains_every_column_and_setting(
    tmp_path: Path, minimal: Scenario, evidence: EvidenceBase
) -> None:
    path = write_workbook(minimal, tmp_path / "s.xlsx", evidence)
    notes = load_workbook(path)[NOTES_SHEET]
    assert _headings(notes) == [
        "sheet",
        "column or setting",
        "meaning",
        "unit",
        "allowed values",
        "required",
        "default",
    ]
    rows = {(r[0], r[1]): r for r in notes.iter_rows(min_row=2, values_only=True)}
    for spec in schemas(evidence):
        for column in spec.fields if spec.key_value else spec.columns:
            row = rows[(spec.name, column.name)]
            assert row[2] == column.meaning
            assert row[4] == column.allowed()
            assert row[5] == ("yes" if column.required else "no")
    assert rows[("services", "gross_cost")][3] == "£ a year"
    assert "back_office, front_office, front_line" in rows[("services", "kind")][4]
    assert rows[("authority", "horizon_years")][6] == "10"


def test_text_that_looks_like_a_formula_or_an_error_stays_text(
    tmp_path: Path, minimal: Scenario, evidence: EvidenceBase
) -> None:
    service = minimal.services[0].model_copy(
        update={"name": "=SUM(A1:A3)", "notes": "#N/A", "directorate": "0012"}
    )
    scenario = minimal.model_copy(update={"services": (service, *minimal.services[1:])})
    path = write_workbook(scenario, tmp_path / "s.xlsx", evidence)
    worksheet = load_workbook(path)["services"]
    assert (worksheet["B2"].value, worksheet["B2"].data_type) == ("=SUM(A1:A3)", "s")
    assert load_scenario(path, evidence) == scenario


def test_dates_before_1900_are_written_as_text(
    tmp_path: Path, minimal: Scenario, evidence: EvidenceBase
) -> None:
    """Excel's calendar starts in 1900 (with a false 29 February 1900), so earlier dates go in as
    YYYY-MM-DD text and still read back exactly."""
    authority = minimal.authority.model_copy(update={"meeting_date": dt.date(1899, 12, 31)})
    scenario = minimal.model_copy(update={"authority": authority})
    path = write_workbook(scenario, tmp_path / "s.xlsx", evidence)
    assert load_scenario(path, evidence) == scenario


def test_a_character_a_workbook_cannot_hold_is_refused_and_nothing_written(
    tmp_path: Path, minimal: Scenario, evidence: EvidenceBase
) -> None:
    service = minimal.services[1].model_copy(update={"notes": "bell\x07"})
    scenario = minimal.model_copy(update={"services": (minimal.services[0], service)})
    with pytest.raises(InputError) as info:
        write_workbook(scenario, tmp_path / "s.xlsx", evidence)
    [problem] = info.value.problems
    assert (problem.sheet, problem.row, problem.column) == ("services", 3, "notes")
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_leaves_the_previous_workbook(
    tmp_path: Path, minimal: Scenario, evidence: EvidenceBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_workbook(minimal, tmp_path / "s.xlsx", evidence)
    before = path.read_bytes()

    def fail(self: Workbook, filename: str | os.PathLike[str]) -> None:
        Path(filename).write_bytes(b"half a workbook")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Workbook, "save", fail)
    with pytest.raises(InputError, match="No space left on device"):
        write_workbook(minimal, path, evidence)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.xlsx"]


@pytest.mark.parametrize("name", ["s.xlsm", "s.csv", "s"])
def test_only_xlsx_is_written(
    name: str, tmp_path: Path, minimal: Scenario, evidence: EvidenceBase
) -> None:
    with pytest.raises(InputError, match=r"written as \.xlsx"):
        write_workbook(minimal, tmp_path / name, evidence)
    with pytest.raises(InputError, match=r"written as \.xlsx"):
        write_template(tmp_path / name, evidence)
    assert list(tmp_path.iterdir()) == []


def test_writer_creates_missing_folders(
    tmp_path: Path, minimal: Scenario, evidence: EvidenceBase
) -> None:
    path = write_workbook(minimal, tmp_path / "a" / "b" / "s.xlsx", evidence)
    assert load_scenario(path, evidence) == minimal


# ------------------------------------------------------------------------------------------------
# The blank template


def test_template_has_headers_defaults_and_drop_downs(
    tmp_path: Path, evidence: EvidenceBase
) -> None:
    path = write_template(tmp_path / "blank.xlsx", evidence)
    workbook = load_workbook(path)
    assert workbook.sheetnames == [*SCHEMA_NAMES, NOTES_SHEET, LISTS_SHEET]
    for spec in SHEETS[1:]:
        worksheet = workbook[spec.name]
        assert _headings(worksheet) == [c.name for c in spec.columns]
        assert worksheet.max_row == 1
    settings = {
        row[0]: row[1] for row in workbook["authority"].iter_rows(min_row=2, values_only=True)
    }
    assert list(settings) == [f.name for f in SHEETS[0].fields]
    assert settings["horizon_years"] == 10  # a number, not the text "10"
    assert settings["financial_years"] == "yes"
    assert settings["discount_schedule"] == "standard"
    assert settings["name"] is None and settings["price_base_year"] is None
    assert _validation_for(workbook["partners"], "C2").type == "list"


def test_blank_template_asks_for_exactly_the_required_settings_and_a_service(
    tmp_path: Path, evidence: EvidenceBase
) -> None:
    """The four required settings without defaults are name (row 2), price_base_year (row 4),
    appraisal_date (row 6) and implementation_budget (row 10); and there must be a service."""
    path = write_template(tmp_path / "blank.xlsx", evidence)
    with pytest.raises(InputError) as info:
        load_scenario(path, evidence)
    places = {(p.sheet, p.row, p.column) for p in info.value.problems}
    assert {
        ("authority", 2, "value"),
        ("authority", 4, "value"),
        ("authority", 6, "value"),
        ("authority", 10, "value"),
        ("services", 2, None),
    } <= places
    assert not [p for p in info.value.problems if "unknown" in p.message]


def test_template_filled_in_loads(
    tmp_path: Path, minimal: Scenario, evidence: EvidenceBase
) -> None:
    """An officer fills the template's value column and one service row: it loads."""
    path = write_template(tmp_path / "blank.xlsx", evidence)
    workbook = load_workbook(path)
    authority = workbook["authority"]
    values = {
        "name": "Testborough",
        "price_base_year": 2024,
        "appraisal_date": dt.date(2024, 6, 1),
        "implementation_budget": 250000,
    }
    for row in authority.iter_rows(min_row=2):
        if row[0].value in values:
            row[1].value = values[row[0].value]
    services = workbook["services"]
    first = [
        c.value
        for c in load_workbook(write_workbook(minimal, tmp_path / "m.xlsx", evidence))["services"][
            2
        ]
    ]
    services.append(first)
    workbook.save(path)
    loaded = load_scenario(path, evidence)
    assert loaded.authority.name == "Testborough"
    assert loaded.authority.horizon_years == 10
    assert loaded.services == minimal.services[:1]


# ------------------------------------------------------------------------------------------------
# docs/scenario-format.md lists every sheet and column (regenerate: SHAREPLAN_UPDATE_DOCS=1)

DOC = ROOT / "docs" / "scenario-format.md"
_SECTION = re.compile(r"<!-- columns: (\w+) -->\n.*?<!-- end columns -->", re.DOTALL)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_columns(spec: Sheet) -> str:
    what = "setting" if spec.key_value else "column"
    lines = [
        f"<!-- columns: {spec.name} -->",
        f"| {what} | meaning | unit | allowed values | required | default |",
        "|---|---|---|---|---|---|",
    ]
    for note in sheet_notes(spec):
        cells = (
            f"`{note.column}`",
            note.meaning,
            note.unit,
            note.allowed,
            note.required,
            f"`{note.default}`" if note.default else "",
        )
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    lines.append("<!-- end columns -->")
    return "\n".join(lines)


def test_scenario_format_doc_lists_every_column(evidence: EvidenceBase) -> None:
    text = DOC.read_text(encoding="utf-8")
    expected = {spec.name: render_columns(spec) for spec in schemas(evidence)}
    if os.environ.get("SHAREPLAN_UPDATE_DOCS"):
        text = _SECTION.sub(lambda m: expected[m.group(1)], text)
        DOC.write_text(text, encoding="utf-8")
    found = {m.group(1): m.group(0) for m in _SECTION.finditer(text)}
    assert list(found) == list(expected), "one columns section per sheet, in schema order"
    for name, table in expected.items():
        assert found[name] == table, (
            f"docs/scenario-format.md is out of date for the {name} sheet: "
            "run SHAREPLAN_UPDATE_DOCS=1 pytest tests/scenario/test_excel.py -k doc"
        )


def test_excel_module_names_every_sheet_it_skips() -> None:
    assert {NOTES_SHEET, LISTS_SHEET} == excel_module.SKIPPED_SHEETS
    assert not excel_module.SKIPPED_SHEETS & set(SCHEMA_NAMES)
