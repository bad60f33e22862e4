"""Build the compact national data shipped in ``src/shareplan/benchmarking/data/``.

Reads the open data in ``../shared/data`` (relative to the repository root; pass ``--source`` to use
another folder) and writes three gzip CSV files:

* ``outturn.csv.gz``: Revenue Outturn net current expenditure by service line, one row per principal
  council and year, £ thousand, blank where no figure exists (return not submitted, or the line did
  not exist that year). 2010-11 to 2014-15 and 2017-18 come from the tidy copy of the official RS
  workbooks; 2018-19 to 2023-24 from MHCLG's multi-year time series.
* ``authorities.csv.gz``: every English principal council (current and former) with its codes,
  place name and the council's own name (mySociety's official name, corrected where it names the
  borough rather than the council), type, region, county, combined authority, skills (LSIP) area, populations, centroid and peer
  cluster label.
* ``neighbours.csv.gz``: boundary neighbours and nearby councils (ONS LAD 2021 list, plus
  mySociety's touching/overlapping list for counties).
* ``lad21_boundaries.topojson.gz``: the ONS district boundaries, for the national scan's map.

Run ``python scripts/build_national_data.py`` from the repository root; the output is deterministic.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import math
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = ROOT.parent / "shared" / "data"
OUT = ROOT / "src" / "shareplan" / "benchmarking" / "data"

LINES = (
    "education",
    "highways_transport",
    "social_care_combined",
    "children_social_care",
    "adult_social_care",
    "public_health",
    "housing_gfra",
    "cultural",
    "environmental_regulatory",
    "planning_development",
    "police",
    "fire_rescue",
    "central",
    "other",
    "total_service_expenditure",
)
PRINCIPAL_CLASSES = {"L", "MD", "UA", "SD", "SC"}
TYPE_TO_CLASS = {
    "LBO": "L",
    "CC": "L",  # City of London
    "MD": "MD",
    "UA": "UA",
    "NMD": "SD",
    "CTY": "SC",
}
TIME_SERIES_COLUMNS = {
    "Education": "education",
    "Highways_Transport": "highways_transport",
    "Children_Social_Care": "children_social_care",
    "Adult_Social_Care": "adult_social_care",
    "Public_Health": "public_health",
    "Housing": "housing_gfra",
    "Culture": "cultural",
    "Environment": "environmental_regulatory",
    "Planning": "planning_development",
    "Police": "police",
    "Fire_Rescue": "fire_rescue",
    "Central_Services": "central",
    "Other": "other",
    "Total": "total_service_expenditure",
}
RS_YEARS_FROM_LONG = ("2010-11", "2011-12", "2012-13", "2013-14", "2014-15", "2017-18")


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def write_gzip_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    # mtime=0 keeps the file byte-identical between builds.
    with path.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as handle:
        handle.write(buffer.getvalue().encode("utf-8"))


def number(text: str) -> str:
    """Keep a figure as written, but drop a redundant ``.0`` to save space."""
    text = text.strip()
    if text == "":
        return ""
    value = float(text)
    if value == int(value):
        return str(int(value))
    return repr(value)


COUNCIL_NAMES = {
    # mySociety's official name is the borough's ("City of Westminster"); the council calls
    # itself Westminster City Council (westminster.gov.uk), the name a Cabinet report carries.
    "E09000033": "Westminster City Council",
}
"""Councils whose own name differs from mySociety's ``official-name``."""


def build_authorities(src: Path) -> tuple[list[list[str]], dict[str, dict[str, str]]]:
    mys = [
        r for r in read_csv(src / "uk_local_authorities_mysociety.csv") if r["nation"] == "England"
    ]
    by_three = {r["local-authority-code"]: r for r in mys}
    census = {r["lad21cd"]: r for r in read_csv(src / "lad21_population_census2011_2021_ons.csv")}
    ca_rows = read_csv(src / "lad25_to_combined_authority_may2025_ons.csv")
    ca = {r["LAD25CD"]: (r["CAUTH25CD"], r["CAUTH25NM"].strip()) for r in ca_rows}
    # Barnsley and Sheffield took new codes (E08000038/39) after a 2024 boundary change that the
    # mySociety list does not carry yet, so fall back to the name.
    ca_by_name = {r["LAD25NM"].strip(): (r["CAUTH25CD"], r["CAUTH25NM"].strip()) for r in ca_rows}
    lsip_rows = read_csv(src / "lad23_to_lsip23_dfe.csv")
    lsip = {r["LAD23CD"]: (r["LSIP23CD"].strip(), r["LSIP23NM"].strip()) for r in lsip_rows}
    labels = {
        r["local-authority-code"]: r["label"]
        for r in read_csv(src / "la_similarity_cluster_labels_mysociety.csv")
    }

    principal = [r for r in mys if r["local-authority-type"] in TYPE_TO_CLASS]
    # Districts of each county, to give counties a population and a skills area.
    districts: dict[str, list[str]] = defaultdict(list)
    for r in principal:
        if r["county-la"]:
            districts[r["county-la"]].append(r["gss-code"])

    def census_pop(code: str, column: str) -> float | None:
        row = census.get(code)
        return float(row[column]) if row and row[column] else None

    def summed(codes: list[str], column: str) -> float | None:
        values = [census_pop(c, column) for c in codes]
        if not codes or any(v is None for v in values):
            return None
        return float(sum(v for v in values if v is not None))

    rows: list[list[str]] = []
    info: dict[str, dict[str, str]] = {}
    for r in sorted(principal, key=lambda x: x["gss-code"]):
        code = r["gss-code"]
        klass = TYPE_TO_CLASS[r["local-authority-type"]]
        pops: list[float | None] = []
        for column in ("census2011_pop", "census2021_pop"):
            pop = census_pop(code, column)
            if pop is None and klass == "SC":
                # Districts abolished before 2021 have no census row; their successors, in the
                # same county, do, so summing those that have one covers the county's area.
                parts = [
                    census_pop(d, column) for d in districts.get(r["local-authority-code"], [])
                ]
                known = [p for p in parts if p is not None]
                pop = float(sum(known)) if known else None
            if pop is None and r["end-date"] and r["replaced-by"]:
                # An abolished authority whose area is now exactly its successors' (a county
                # replaced by unitaries: Northamptonshire, North Yorkshire, ...).
                successors = [
                    by_three[s]["gss-code"] for s in r["replaced-by"].split(",") if s in by_three
                ]
                shared = [
                    x
                    for x in principal
                    if x is not r
                    and x["replaced-by"]
                    and set(x["replaced-by"].split(",")) & set(r["replaced-by"].split(","))
                    and x["local-authority-type"] == r["local-authority-type"]
                ]
                if successors and not shared:
                    pop = summed(successors, column)
            if pop is None and not r["end-date"]:
                # A new unitary (2019-2023) takes the census figures of the districts it replaced.
                predecessors = [
                    x["gss-code"]
                    for x in principal
                    if x["replaced-by"] == r["local-authority-code"]
                    and x["local-authority-type"] != "CTY"
                ]
                pop = summed(predecessors, column)
            pops.append(pop)
        ca_code, ca_name = ca.get(code) or ca_by_name.get(r["nice-name"], ("", ""))
        if r["end-date"]:
            ca_code, ca_name = "", ""  # abolished councils never joined today's authorities
        if not ca_code and r["combined-authority"] == "GLA":
            ca_code, ca_name = "E61000001", "Greater London Authority"
        lsip_code, lsip_name = lsip.get(code, ("", ""))
        if not lsip_code and klass == "SC":
            found = Counter(
                lsip[d] for d in districts.get(r["local-authority-code"], []) if d in lsip
            )
            if found:
                lsip_code, lsip_name = found.most_common(1)[0][0]
        county = by_three.get(r["county-la"], {}).get("gss-code", "") if r["county-la"] else ""
        replaced = ";".join(
            by_three[s]["gss-code"] for s in r["replaced-by"].split(",") if s in by_three
        )
        info[code] = {
            "class": klass,
            "ecode": r["ecode"],
            "name": r["nice-name"],
            "county": county,
            "end_date": r["end-date"],
        }
        rows.append(
            [
                code,
                r["ecode"],
                r["local-authority-code"],
                r["nice-name"],
                COUNCIL_NAMES.get(code, r["official-name"]),
                klass,
                r["region"],
                county,
                ca_code,
                ca_name,
                lsip_code,
                lsip_name,
                r["start-date"],
                r["end-date"],
                replaced,
                r["former-gss-codes"].replace(",", ";"),
                "" if pops[0] is None else str(int(pops[0])),
                "" if pops[1] is None else str(int(pops[1])),
                number(r["pop-2020"]),
                r["lat"][:9],
                r["long"][:9],
                labels.get(r["local-authority-code"], ""),
            ]
        )
    return rows, info


AUTHORITY_HEADER = [
    "code",
    "ecode",
    "short_code",
    "name",
    "council_name",
    "class",
    "region",
    "county",
    "combined_authority",
    "combined_authority_name",
    "lsip",
    "lsip_name",
    "start_date",
    "end_date",
    "replaced_by",
    "former_codes",
    "pop_2011",
    "pop_2021",
    "pop_2020",
    "lat",
    "long",
    "cluster",
]


def build_outturn(src: Path, info: dict[str, dict[str, str]]) -> list[list[str]]:
    wide: dict[tuple[str, str], dict[str, str]] = {}
    meta: dict[tuple[str, str], tuple[str, str, str]] = {}
    by_ecode = {v["ecode"]: code for code, v in info.items() if v["ecode"]}
    long_rows = read_csv(
        src / "revenue_outturn_RS_net_current_expenditure_2010-11_to_2014-15_and_2017-18_long.csv"
    )
    for r in long_rows:
        if r["class"] not in PRINCIPAL_CLASSES or r["item"] not in LINES or not r["ons_code"]:
            continue
        # The E-code is the RS workbooks' own key; the ONS code was added by the repository
        # author and is wrong in one place (North Yorkshire 2017-18 has E10000022), so prefer
        # the code that mySociety's list gives for the E-code.
        code = by_ecode.get(r["ecode"], r["ons_code"])
        key = (r["fiscal_year"], code)
        wide.setdefault(key, {})[r["item"]] = number(r["gbp_thousand"])
        meta[key] = (r["ecode"], r["la_name"], r["class"])
    series = read_csv(src / "revenue_outturn_service_net_expenditure_2017-18_to_2023-24.csv")
    for r in series:
        if r["row_type"] != "authority" or r["fiscal_year"] in RS_YEARS_FROM_LONG:
            continue
        code = r["ons_code"]
        if code not in info:  # police, fire, combined authorities, national parks ...
            continue
        key = (r["fiscal_year"], code)
        wide[key] = {line: number(r[col]) for col, line in TIME_SERIES_COLUMNS.items()}
        meta[key] = (info[code]["ecode"], r["la_name"], info[code]["class"])
    rows = []
    for key in sorted(wide):
        year, code = key
        ecode, name, klass = meta[key]
        values = wide[key]
        rows.append([year, code, ecode, name, klass, *(values.get(line, "") for line in LINES)])
    return rows


def build_neighbours(src: Path, info: dict[str, dict[str, str]]) -> list[list[str]]:
    rows: list[list[str]] = []
    seen: set[tuple[str, str]] = set()
    for r in read_csv(src / "lad21_neighbours_ons.csv"):
        a, b = r["lad21cd"], r["neighbour_lad21cd"]
        if a.startswith("E") and b.startswith("E"):
            relation = "touching" if r["relation"] == "shares_boundary" else "nearby"
            rows.append([a, b, relation, r["rank"]])
            seen.add((a, b))
    mys = read_csv(src / "uk_local_authorities_mysociety.csv")
    three_to_gss = {r["local-authority-code"]: r["gss-code"] for r in mys}
    where = {
        r["gss-code"]: (math.radians(float(r["lat"])), math.radians(float(r["long"])))
        for r in mys
        if r["lat"] and r["long"]
    }

    def plausible(a: str, b: str) -> bool:
        # The mySociety list has some spurious county entries (Rotherham 'touches' Devon and
        # Oxfordshire); drop pairs whose centres are more than 100 km apart.
        if a not in where or b not in where:
            return False
        (p1, l1), (p2, l2) = where[a], where[b]
        h = (
            math.sin((p2 - p1) / 2) ** 2
            + math.cos(p1) * math.cos(p2) * math.sin((l2 - l1) / 2) ** 2
        )
        return 2 * 6371.0 * math.asin(math.sqrt(h)) <= 100.0

    for r in read_csv(src / "la_touching_overlapping_mysociety.csv"):
        a = three_to_gss.get(r["local-authority-code"], "")
        if a not in info:
            continue
        for rank, other in enumerate(r["overlap"].split("|"), start=1):
            b = three_to_gss.get(other, "")
            # Only tier-crossing or county pairs: the ONS list is better for LAD pairs.
            county_pair = b in info and (info[a]["class"] == "SC" or info[b]["class"] == "SC")
            if county_pair and (a, b) not in seen and b != a and plausible(a, b):
                rows.append([a, b, "touching_or_overlapping", str(rank)])
                seen.add((a, b))
    rows += _county_pairs(rows, info, seen)
    return sorted(rows)


def _county_pairs(
    rows: list[list[str]], info: dict[str, dict[str, str]], seen: set[tuple[str, str]]
) -> list[list[str]]:
    """Counties that touch another county or a single-tier council, from their districts.

    mySociety's list pairs a county with districts and unitaries but not with other counties
    (Surrey touches Kent, West Sussex and Hampshire); a county's area is its districts', so two
    upper-tier areas touch where any of their districts touch. Ranked, after the council's other
    listed pairs, by how many district pairs touch (the longer shared boundary first).
    """

    def upper(code: str) -> str:
        county = info.get(code, {}).get("county", "")
        return county if county in info and not info[county]["end_date"] else code

    counts: Counter[tuple[str, str]] = Counter()
    for a, b, relation, _ in rows:
        if relation != "touching" or a not in info or b not in info:
            continue
        ua, ub = upper(a), upper(b)
        if ua != ub and "SC" in (info[ua]["class"], info[ub]["class"]):
            counts[(ua, ub)] += 1
    out: list[list[str]] = []
    by_first: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for (ua, ub), n in counts.items():
        if (ua, ub) not in seen:
            by_first[ua].append((-n, ub))
    listed: Counter[str] = Counter(a for a, _, relation, _ in rows if relation != "touching")
    for ua, found in by_first.items():
        # after the pairs already listed for the council, so that each rank is used once
        for rank, (_, ub) in enumerate(sorted(found), start=listed[ua] + 1):
            out.append([ua, ub, "touching_or_overlapping", str(rank)])
            seen.add((ua, ub))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    authorities, info = build_authorities(args.source)
    write_gzip_csv(args.out / "authorities.csv.gz", AUTHORITY_HEADER, authorities)
    outturn = build_outturn(args.source, info)
    write_gzip_csv(
        args.out / "outturn.csv.gz",
        ["fiscal_year", "code", "ecode", "name", "class", *LINES],
        outturn,
    )
    neighbours = build_neighbours(args.source, info)
    write_gzip_csv(
        args.out / "neighbours.csv.gz", ["code", "neighbour", "relation", "rank"], neighbours
    )
    # Copy the boundaries as-is (gzip) for the map.
    topo = json.loads((args.source / "lad21_boundaries_ew_ons.topojson").read_text("utf-8"))
    with (
        (args.out / "lad21_boundaries.topojson.gz").open("wb") as raw,
        gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as handle,
    ):
        handle.write(json.dumps(topo, separators=(",", ":")).encode("utf-8"))
    print(
        f"authorities {len(authorities)}, outturn rows {len(outturn)}, "
        f"neighbour pairs {len(neighbours)} -> {args.out}"
    )


if __name__ == "__main__":
    main()
