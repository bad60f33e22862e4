"""Loading the shipped national data and the years a user has imported.

Shipped data lives in the package (``benchmarking/data/*.csv.gz``, built by
``scripts/build_national_data.py``). Years imported with ``shareplan data import-outturn`` are
stored as CSV under the user data directory: ``$SHAREPLAN_DATA_DIR`` if set, else
``$XDG_DATA_HOME/shareplan`` or ``~/.local/share/shareplan``, in ``outturn/<year>.csv``. At load
time an imported year replaces the shipped year of the same name; other years are added.
"""

from __future__ import annotations

import csv
import gzip
import io
import os
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from shareplan.benchmarking.authorities import (
    Authority,
    AuthorityTable,
    group_neighbours,
    split_codes,
)
from shareplan.benchmarking.outturn import (
    LINE_IDS,
    Outturn,
    OutturnRecord,
    build_outturn,
)
from shareplan.benchmarking.readers import ImportResult, read_tidy_csv, write_wide_csv

DATA_ENV = "SHAREPLAN_DATA_DIR"
SHIPPED = "shipped (MHCLG Revenue Outturn, OGL v3.0)"


@dataclass(frozen=True)
class NationalData:
    """Everything the benchmarking code needs: the authorities and the outturn figures."""

    authorities: AuthorityTable
    outturn: Outturn


def user_data_dir() -> Path:
    explicit = os.environ.get(DATA_ENV)
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return base / "shareplan"


def _shipped_rows(name: str) -> Iterator[dict[str, str]]:
    data = resources.files("shareplan.benchmarking").joinpath("data", name).read_bytes()
    text = gzip.decompress(data).decode("utf-8")
    yield from csv.DictReader(io.StringIO(text))


def _float(text: str) -> float | None:
    return float(text) if text else None


@lru_cache(maxsize=1)
def load_authorities() -> AuthorityTable:
    authorities = tuple(
        Authority(
            code=r["code"],
            ecode=r["ecode"],
            short_code=r["short_code"],
            name=r["name"],
            council_name=r["council_name"],
            klass=r["class"],
            region=r["region"],
            county=r["county"],
            combined_authority=r["combined_authority"],
            combined_authority_name=r["combined_authority_name"],
            lsip=r["lsip"],
            lsip_name=r["lsip_name"],
            start_date=r["start_date"],
            end_date=r["end_date"],
            replaced_by=split_codes(r["replaced_by"]),
            former_codes=split_codes(r["former_codes"]),
            pop_2011=_float(r["pop_2011"]),
            pop_2021=_float(r["pop_2021"]),
            pop_2020=_float(r["pop_2020"]),
            lat=_float(r["lat"]),
            lon=_float(r["long"]),
            cluster=r["cluster"],
        )
        for r in _shipped_rows("authorities.csv.gz")
    )
    neighbours = group_neighbours(
        (r["code"], r["neighbour"], r["relation"], int(r["rank"]))
        for r in _shipped_rows("neighbours.csv.gz")
    )
    return AuthorityTable(authorities, neighbours)


@lru_cache(maxsize=1)
def shipped_records() -> tuple[OutturnRecord, ...]:
    out = []
    for r in _shipped_rows("outturn.csv.gz"):
        values = {line: _float(r[line]) for line in LINE_IDS}
        out.append(
            OutturnRecord(r["fiscal_year"], r["code"], r["ecode"], r["name"], r["class"], values)
        )
    return tuple(out)


def imported_files(directory: Path | None = None) -> list[Path]:
    folder = (directory or user_data_dir()) / "outturn"
    return sorted(folder.glob("*.csv")) if folder.is_dir() else []


def load_outturn(include_user: bool = True, directory: Path | None = None) -> Outturn:
    """Shipped years, with any imported years added (an imported year replaces a shipped one)."""
    records: list[OutturnRecord] = list(shipped_records())
    sources = {r.year: SHIPPED for r in records}
    if include_user:
        authorities = load_authorities()
        for path in imported_files(directory):
            result = read_tidy_csv(path, authorities)
            replaced = set(result.years)
            records = [r for r in records if r.year not in replaced]
            records.extend(result.records)
            for year in result.years:
                sources[year] = f"imported ({path})"
    return build_outturn(records, sources)


def load_national_data(include_user: bool = True, directory: Path | None = None) -> NationalData:
    return NationalData(load_authorities(), load_outturn(include_user, directory))


def store_import(result: ImportResult, directory: Path | None = None) -> list[Path]:
    """Save each year of an import as ``outturn/<year>.csv``, atomically (temp file, rename)."""
    folder = (directory or user_data_dir()) / "outturn"
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for year in result.years:
        records: Sequence[OutturnRecord] = [r for r in result.records if r.year == year]
        target = folder / f"{year}.csv"
        fd, tmp = tempfile.mkstemp(prefix=f".{year}.", suffix=".csv", dir=folder)
        try:
            with os.fdopen(fd, "w", newline="", encoding="utf-8") as handle:
                write_wide_csv(records, handle)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        written.append(target)
    return written
