"""A first scenario for any English council, from the national data shipped with shareplan.

``starter_scenario(data, evidence, "E07000179", "2023-24")`` gives South Oxfordshire's scenario:

* the authority: its own name (from the shipped table: "Westminster City Council", not a title
  made from its type), its place, type, ONS code and population, prices of the year's start, and
  settings scaled to its size (an implementation budget that is a share of the net cost of the
  services listed less their ring-fenced part, and no more priority projects than it has services);
* one service row per Revenue Outturn line it spends on (a net cost above zero), with the
  published figure in pounds as its cost, flagged in its notes as national data;
* a row for a catch-all line (``catch_all`` in its archetype: "Other services") marked not to
  appraise, with a note telling officers to split it into the services it covers;
* for each row, the staff estimate (the line's staff share of cost over the cost of a post) and
  its staff cost (those FTE at the cost of a post, so the business case prices a post as the
  template did), whether it is a Part B or light-touch service, the share paid from ring-fenced
  grants, and the fifteen suitability traits and track record of the line's **service archetype**
  (evidence data, ``archetype.<line>``), each flagged as a default to review;
* candidate partners from the partner finder on the council's total service expenditure (its
  boundary neighbours, same county or combined authority, statistical peers), and for a district
  its county; the finder's reasons in the notes and the affinity blank, for officers to judge;
  each partner council's ``delivers`` list, the services listed that it also runs by that year's
  Revenue Outturn (``benchmarking.delivered``), with a note saying so.

Pure: the caller loads the national data and the evidence and writes the result.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from shareplan.benchmarking.authorities import Authority as Council
from shareplan.benchmarking.delivered import with_delivered
from shareplan.benchmarking.finder import (
    PartnerRow,
    find_partners,
    partner_rows,
    scenario_geography,
)
from shareplan.benchmarking.into_scenario import add_partners
from shareplan.benchmarking.outturn import SERVICE_LINE_IDS, TOTAL_LINE, check_year_text
from shareplan.benchmarking.store import NationalData
from shareplan.errors import InputError, Problem
from shareplan.evidence.base import EvidenceBase
from shareplan.scenario.model import (
    Authority,
    Scenario,
    Service,
    ServiceGeography,
    ServiceKind,
)


@dataclass(frozen=True)
class Starter:
    """The pre-filled scenario and what the officer should know about it."""

    scenario: Scenario
    year: str
    left_out: tuple[str, ...]
    """Revenue Outturn lines not listed, each with why (no spending, a net income, no figure)."""


def _year(data: NationalData, council: Council, year: str | None) -> str:
    if year is None:
        for candidate in reversed(data.outturn.years):
            if data.outturn.submitted(candidate, council.code):
                return candidate
        raise InputError(
            [Problem(f"{council.name} has no Revenue Outturn return in any year", column="--year")]
        )
    bad = check_year_text(year)
    if bad:
        raise InputError([Problem(bad, column="--year", allowed=", ".join(data.outturn.years))])
    data.outturn.year_index(year)
    if not data.outturn.submitted(year, council.code):
        raise InputError(
            [
                Problem(
                    f"{council.name} submitted no Revenue Outturn return for {year}",
                    column="--year",
                    allowed=", ".join(
                        y for y in data.outturn.years if data.outturn.submitted(y, council.code)
                    ),
                )
            ]
        )
    return year


def _services(
    data: NationalData, evidence: EvidenceBase, council: Council, year: str, on: dt.date
) -> tuple[list[Service], list[str]]:
    cost_per_fte = float(evidence.value("workforce.cost_per_fte", on))
    services: list[Service] = []
    left_out: list[str] = []
    for line in SERVICE_LINE_IDS:
        figure = data.outturn.figure(council.code, line, year)
        if figure.gbp_thousand is None:
            if figure.missing_reason and data.outturn.line_exists(year, line):
                left_out.append(f"{line}: {figure.missing_reason}")
            continue
        if figure.gbp_thousand <= 0:
            what = "no spending" if figure.gbp_thousand == 0 else "a net income"
            sign = "-" if figure.gbp_thousand < 0 else ""
            amount = f"{sign}£{abs(figure.gbp_thousand):,.0f} thousand"
            left_out.append(f"{line}: {what} ({amount}) in {year}")
            continue
        arche: dict[str, Any] = evidence.value(f"archetype.{line}", on)
        cost = figure.gbp_thousand * 1000.0
        fte = round(cost * float(arche["staff_cost_share"]) / cost_per_fte, 1)
        ring_fenced = float(arche.get("ring_fenced_share", 0.0))
        catch_all = bool(arche.get("catch_all", False))
        services.append(
            Service(
                id=line,
                name=str(arche["name"]),
                directorate=str(arche["directorate"]),
                kind=ServiceKind(arche["kind"]),
                gross_cost=cost,
                fte=fte,
                staff_cost=fte * cost_per_fte,
                light_touch=bool(arche.get("light_touch", False)),
                ring_fenced_share=ring_fenced,
                track_record=int(arche["track_record"]),
                early_intervention=bool(arche["early_intervention"]),
                geography=ServiceGeography(arche["geography"]),
                traits={k: int(v) for k, v in arche["traits"].items()},
                appraise=not catch_all,
                notes=_notes(
                    arche, line, year, figure.gbp_thousand, cost_per_fte, _TIER.get(council.klass)
                ),
            )
        )
    return services, left_out


_TIER = {"SC": "county", "SD": "district"}
"""The tier of a council in a two-tier area, by class (a unitary runs every function)."""


def _notes(
    arche: dict[str, Any],
    line: str,
    year: str,
    gbp_thousand: float,
    cost_per_fte: float,
    tier: str | None = None,
) -> str:
    """Where a row's figures come from and what officers are to review; for a catch-all line,
    first of all that it is to be split before it is appraised."""
    ring_fenced = float(arche.get("ring_fenced_share", 0.0))
    return (
        (
            "To split: the return's catch-all line for spending that fits no other heading, so "
            "it is not appraised (appraise = no) and only its cost counts. Split it into the "
            "services it covers, each on its own row with its own cost, and take those costs off "
            "this row. "
            if arche.get("catch_all", False)
            else ""
        )
        # a line's functions differ by tier (a county's central services hold no council tax)
        + (
            f"Covers {covers}. "
            if (covers := arche.get(f"covers_{tier}", arche.get("covers")))
            else ""
        )
        # the column is gross cost, but Revenue Outturn publishes net current expenditure
        # (after the service's own income), so the note says which it is
        + f"National data: the cost filled in is the net current expenditure on {line} "
        f"in {year}, £{gbp_thousand:,.0f} thousand (MHCLG Revenue Outturn), which is after the "
        "service's own income and so below its gross cost; replace it with the gross cost where "
        f"known. Staff estimated (evidence data): {arche['staff_cost_share']:.0%} of that net "
        f"cost at £{cost_per_fte:,.0f} a post. Traits and track record: defaults "
        f"from the service archetype archetype.{line} (evidence data), to review."
        + (
            f" {ring_fenced:.0%} of the cost is paid from a ring-fenced grant: it is "
            "left out of the implementation budget, and savings on it stay with the "
            "grant, not the general fund."
            if ring_fenced > 0
            else ""
        )
    )


def _partner_rows(
    data: NationalData, evidence: EvidenceBase, council: Council, year: str, on: dt.date
) -> list[PartnerRow]:
    """The finder's best candidates on total service expenditure, after a district's county."""
    count = int(evidence.value("template.partners", on))
    search = find_partners(data, council.code, TOTAL_LINE, year, limit=count)
    rows = partner_rows(search)
    county = data.authorities.get(council.county) if council.county else None
    if county is not None and county.existed_in(year):
        rows.insert(
            0,
            PartnerRow(
                name=county.council_name or county.name,
                code=county.code,
                sector="local_authority",
                geography=scenario_geography(council, county, True),
                score=1.0,
                notes=f"the county council for {council.name} (two-tier partner)",
            ),
        )
    return rows


def starter_scenario(
    data: NationalData, evidence: EvidenceBase, authority: str, year: str | None = None
) -> Starter:
    """A scenario for the council named by ``authority`` (ONS code, E-code or exact name) from
    ``year``'s Revenue Outturn (default: the latest year it reported)."""
    council = data.authorities.resolve(authority, column="--authority")
    year = _year(data, council, year)
    start = int(year[:4])
    on = dt.date(start + 1, 4, 1)
    services, left_out = _services(data, evidence, council, year, on)
    if not services:
        raise InputError(
            [
                Problem(
                    f"{council.name} reports no spending on any service line in {year}",
                    column="--year",
                )
            ]
        )
    rows = _partner_rows(data, evidence, council, year, on)
    share = float(evidence.value("template.implementation_budget_share", on))
    total = sum(s.gross_cost * (1.0 - s.ring_fenced_share) for s in services)
    budget = _round_budget(total * share)
    authority_settings = Authority(
        name=council.council_name or council.name,
        ons_code=council.code,
        population=council.population(year),
        place=council.name,
        price_base_year=start,
        first_year=start + 1,
        appraisal_date=on,
        implementation_budget=budget,
        priority_projects=min(6, len(services)),
        priority_projects_min=1,
        max_partners=min(3, max(1, len(rows))),
        report_title="Shared Services: priority projects",
    )
    scenario, _ = add_partners(
        Scenario(authority=authority_settings, services=tuple(services)),
        rows,
        int(evidence.value("partners.affinity_neutral", on)),
    )
    scenario = with_delivered(_with_populations(scenario, data, year), data, evidence, year)
    return Starter(scenario, year, tuple(left_out))


def _with_populations(scenario: Scenario, data: NationalData, year: str) -> Scenario:
    """The partner councils' populations in ``year`` (they scale what a buyer would take when the
    council sells it a service)."""
    partners = []
    for p in scenario.partners:
        council = data.authorities.get(p.ons_code) if p.ons_code else None
        population = council.population(year) if council is not None else None
        partners.append(p.model_copy(update={"population": population or p.population}))
    return scenario.model_copy(update={"partners": tuple(partners)})


def _round_budget(value: float) -> float:
    """Two significant figures: a budget an officer would write (£137,384 -> £140,000)."""
    if value <= 0:
        return 0.0
    digits = 1 - math.floor(math.log10(value))
    return float(round(value, digits))
