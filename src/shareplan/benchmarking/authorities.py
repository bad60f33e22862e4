"""English principal councils: codes, type, geography, groupings, populations and neighbours.

Pure domain code; :mod:`shareplan.benchmarking.store` loads the shipped table.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from shareplan.benchmarking.outturn import CLASS_NAMES, year_start
from shareplan.errors import InputError, Problem

CENSUS_2011 = 2011.2  # 27 March 2011
CENSUS_2021 = 2021.2  # 21 March 2021
SINGLE_TIER = frozenset({"L", "MD", "UA"})


@dataclass(frozen=True, slots=True)
class Neighbour:
    code: str
    relation: str
    """``touching`` (shares a boundary), ``nearby`` (does not touch), or
    ``touching_or_overlapping`` (a county pair from mySociety's list)."""
    rank: int


@dataclass(frozen=True, slots=True)
class Authority:
    code: str
    """ONS (GSS) code, current form."""
    ecode: str
    """MHCLG finance E-code (joins the RS workbooks); blank for councils created after 2018."""
    short_code: str
    name: str
    """The place's name (Westminster), as tables and the partner finder show it."""
    council_name: str
    """The council's own name (Westminster City Council), as a report's title carries it."""
    klass: str
    """RS class: L, MD, UA, SD or SC."""
    region: str
    county: str
    combined_authority: str
    combined_authority_name: str
    lsip: str
    lsip_name: str
    start_date: str
    end_date: str
    replaced_by: tuple[str, ...]
    former_codes: tuple[str, ...]
    pop_2011: float | None
    pop_2021: float | None
    pop_2020: float | None
    lat: float | None
    lon: float | None
    cluster: str

    @property
    def class_name(self) -> str:
        return CLASS_NAMES.get(self.klass, self.klass)

    @property
    def cluster_parts(self) -> tuple[str, ...]:
        """mySociety's label split: rural/urban, emissions profile, IMD quintile, region."""
        return tuple(part.strip() for part in self.cluster.split(";")) if self.cluster else ()

    def population(self, year: str) -> float | None:
        """Population for a financial year, interpolated between the 2011 and 2021 censuses.

        The middle of the financial year (October) is placed on the line through the two census
        counts; outside 2011-2021 the nearer census is used (no extrapolation). With one census
        only, that count; with neither, mySociety's 2020 estimate; else ``None``.
        """
        t = year_start(year) + 0.5
        a, b = self.pop_2011, self.pop_2021
        if a is not None and b is not None:
            share = min(max((t - CENSUS_2011) / (CENSUS_2021 - CENSUS_2011), 0.0), 1.0)
            return a + (b - a) * share
        if a is not None:
            return a
        if b is not None:
            return b
        return self.pop_2020

    def existed_in(self, year: str) -> bool:
        """Whether the council existed for any of the financial year (1 April to 31 March)."""
        start = year_start(year)
        begins, ends = f"{start}-04-01", f"{start + 1}-03-31"
        if self.start_date and self.start_date > ends:
            return False
        return not (self.end_date and self.end_date < begins)


def comparison_group(klass: str, upper_tier_line: bool) -> frozenset[str]:
    """The classes a council is compared with for a line.

    County-level services (education, social care, public health, highways) are delivered by
    counties and single-tier councils alike, so they form one group. District-level services are
    split between the tiers in two-tier areas, so there a shire district is compared only with
    shire districts, a county with counties, and single-tier councils with each other.
    """
    if upper_tier_line and klass != "SD":
        return frozenset({"L", "MD", "UA", "SC"})
    if klass in SINGLE_TIER:
        return SINGLE_TIER
    return frozenset({klass})


@dataclass(frozen=True)
class AuthorityTable:
    authorities: tuple[Authority, ...]
    neighbours: Mapping[str, tuple[Neighbour, ...]]
    _by_code: dict[str, Authority] = field(init=False, repr=False, compare=False)
    _aliases: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_code = {a.code: a for a in self.authorities}
        aliases: dict[str, str] = {}
        for a in self.authorities:
            for alias in (a.code, a.ecode, a.short_code, *a.former_codes):
                if alias:
                    aliases.setdefault(alias.upper(), a.code)
        for a in self.authorities:
            aliases.setdefault(a.name.upper(), a.code)
        object.__setattr__(self, "_by_code", by_code)
        object.__setattr__(self, "_aliases", aliases)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def __getitem__(self, code: str) -> Authority:
        return self._by_code[code]

    def get(self, code: str) -> Authority | None:
        return self._by_code.get(code)

    def canonical(self, code: str) -> str | None:
        """ONS code for an ONS code (current or former), E-code, short code or exact name."""
        return self._aliases.get(code.strip().upper())

    def resolve(self, text: str, column: str = "authority") -> Authority:
        """The council named by a code or name, or an :class:`InputError` with suggestions."""
        code = self.canonical(text)
        if code is not None:
            return self._by_code[code]
        names = [f"{a.name} ({a.code})" for a in self.authorities]
        close = difflib.get_close_matches(text, [a.name for a in self.authorities], n=5)
        hint = ", ".join(f"{self.by_name(n).name} ({self.by_name(n).code})" for n in close)
        raise InputError(
            [
                Problem(
                    f"unknown authority {text!r}",
                    column=column,
                    allowed=(
                        f"an ONS code like E08000018, an MHCLG E-code like E4403 or an exact name; "
                        f"{'did you mean ' + hint if hint else f'{len(names)} councils are known'}"
                    ),
                )
            ]
        )

    def by_name(self, name: str) -> Authority:
        return self._by_code[self._aliases[name.upper()]]

    def neighbours_of(self, code: str) -> tuple[Neighbour, ...]:
        return tuple(self.neighbours.get(code, ()))

    def status(self, code: str, year: str) -> str:
        """Why a council may have no figures in a year (abolished, not yet created)."""
        a = self._by_code.get(code)
        if a is None:
            return f"{code} is not an English principal council"
        start = year_start(year)
        if a.end_date and a.end_date < f"{start}-04-01":
            successors = ", ".join(
                self._by_code[c].name for c in a.replaced_by if c in self._by_code
            )
            text = f"{a.name} was abolished on {a.end_date}"
            return f"{text} (replaced by {successors})" if successors else text
        if a.start_date and a.start_date > f"{start + 1}-03-31":
            return f"{a.name} was created on {a.start_date}"
        return f"{a.name} existed in {year}"


def distance_km(a: Authority, b: Authority) -> float | None:
    """Great-circle distance between the two centroids."""
    if a.lat is None or a.lon is None or b.lat is None or b.lon is None:
        return None
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, h)))


def group_neighbours(rows: Iterable[tuple[str, str, str, int]]) -> dict[str, tuple[Neighbour, ...]]:
    grouped: dict[str, list[Neighbour]] = {}
    for code, other, relation, rank in rows:
        grouped.setdefault(code, []).append(Neighbour(other, relation, rank))
    order = {"touching": 0, "touching_or_overlapping": 1, "nearby": 2}
    return {
        code: tuple(sorted(items, key=lambda n: (order.get(n.relation, 3), n.rank)))
        for code, items in grouped.items()
    }


def split_codes(text: str) -> tuple[str, ...]:
    return tuple(part for part in text.split(";") if part)


def active_codes(table: AuthorityTable, codes: Sequence[str], year: str) -> list[str]:
    return [c for c in codes if c in table and table[c].existed_in(year)]
