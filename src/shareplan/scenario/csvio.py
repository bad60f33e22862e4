"""The text form of a scenario: a folder with one CSV file per sheet (UTF-8, comma separated).

Chosen because it diffs line by line in git, maps one-to-one onto the workbook's sheets (so an error
names the same sheet, row and column in both forms), and opens in any spreadsheet. The writer is
canonical: the same scenario always gives the same bytes.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path
from typing import Any

from shareplan.errors import InputError, Problem
from shareplan.evidence.base import EvidenceBase
from shareplan.scenario.build import build_scenario
from shareplan.scenario.model import Scenario
from shareplan.scenario.schema import SHEETS
from shareplan.scenario.tables import RawRow, RawScenario, RawTable, scenario_rows

SHEET_NAMES = tuple(s.name for s in SHEETS)


def read_folder(folder: Path) -> RawScenario:
    raw = RawScenario(source=str(folder))
    if not folder.is_dir():
        raw.problems.append(Problem("not a folder of scenario CSV files", str(folder)))
        return raw
    files = sorted(folder.glob("*.csv"))
    if not files:
        raw.problems.append(
            Problem(
                "the folder holds no CSV files",
                str(folder),
                allowed=", ".join(f"{n}.csv" for n in SHEET_NAMES),
            )
        )
        return raw
    for path in files:
        table = read_csv_table(path, raw.problems)
        if table is not None:
            raw.tables[path.stem] = table
    return raw


def read_csv_table(path: Path, problems: list[Problem]) -> RawTable | None:
    """One CSV file as a raw table named after the file (the sheet), or ``None`` with the reason
    added to ``problems``: the same reading for a scenario's sheets and a ledger extract."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        problems.append(Problem("the file is not UTF-8 text", str(path), path.stem))
        return None
    except OSError as exc:
        what = "a folder, not a CSV file" if path.is_dir() else f"unreadable ({exc.strerror})"
        problems.append(Problem(f"the sheet's file is {what}", str(path), path.stem))
        return None
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        problems.append(
            Problem("the file is empty (it needs at least a header row)", str(path), path.stem)
        )
        return None
    header = tuple(h.strip() for h in rows[0])
    body = tuple(
        RawRow(
            number,
            {name: (values[i] if i < len(values) else "") for i, name in enumerate(header) if name},
        )
        for number, values in enumerate(rows[1:], start=2)
    )
    for row_number, values in enumerate(rows[1:], start=2):
        if len(values) > len(header) and any(v.strip() for v in values[len(header) :]):
            problems.append(
                Problem(
                    f"the row has {len(values)} cells but the header has {len(header)}",
                    str(path),
                    path.stem,
                    row_number,
                )
            )
    return RawTable(path.stem, str(path), header, body)


def load_folder(folder: Path, evidence: EvidenceBase) -> Scenario:
    return build_scenario(read_folder(folder), evidence)


def render_csv(rows: list[list[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in rows:
        writer.writerow(
            ["" if v is None else (repr(v) if isinstance(v, float) else str(v)) for v in row]
        )
    return buffer.getvalue()


def scenario_csv_files(scenario: Scenario, evidence: EvidenceBase) -> dict[str, str]:
    """File name -> canonical CSV text, for every sheet."""
    return {
        f"{name}.csv": render_csv(rows) for name, rows in scenario_rows(scenario, evidence).items()
    }


def write_folder(scenario: Scenario, folder: Path, evidence: EvidenceBase) -> list[Path]:
    """Write the scenario's CSV files into ``folder`` (other files there are left alone).

    Each file is written to a temporary name first and renamed only when all are written, so a
    failure leaves the previous files as they were.
    """
    files = scenario_csv_files(scenario, evidence)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(
            [Problem(f"cannot create the folder: {exc.strerror}", str(folder))]
        ) from exc
    temporary: list[tuple[Path, Path]] = []
    try:
        for name, text in files.items():
            target = folder / name
            tmp = folder / f".{name}.tmp"
            tmp.write_text(text, encoding="utf-8", newline="")
            temporary.append((tmp, target))
    except OSError as exc:
        for tmp, _ in temporary:
            tmp.unlink(missing_ok=True)
        raise InputError([Problem(f"cannot write: {exc.strerror}", str(folder))]) from exc
    for tmp, target in temporary:
        os.replace(tmp, target)
    return [target for _, target in temporary]
