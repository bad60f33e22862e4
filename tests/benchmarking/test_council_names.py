"""The council's own name in a template made from its ONS code: taken from the shipped table (the
council's official name, from mySociety's register), not a title made from its type, which is
wrong for city councils, royal boroughs, Westminster and the City of London."""

from __future__ import annotations

import pytest

from shareplan.benchmarking.starter import starter_scenario
from shareplan.benchmarking.store import NationalData
from shareplan.evidence import EvidenceBase
from shareplan.scenario.model import place_of

NAMES = {
    "E09000033": ("Westminster City Council", "Westminster"),  # London borough, a city
    "E09000007": ("London Borough of Camden", "Camden"),  # London borough
    "E09000020": ("Royal Borough of Kensington and Chelsea", "Kensington and Chelsea"),
    "E09000001": ("City of London Corporation", "City of London"),
    "E10000030": ("Surrey County Council", "Surrey"),  # county
    "E07000179": ("South Oxfordshire District Council", "South Oxfordshire"),  # district
    "E07000209": ("Guildford Borough Council", "Guildford"),  # district with borough status
    "E07000178": ("Oxford City Council", "Oxford"),  # district with city status
    "E08000018": ("Rotherham Metropolitan Borough Council", "Rotherham"),  # metropolitan borough
    "E08000003": ("Manchester City Council", "Manchester"),  # metropolitan district, a city
    "E08000034": ("Kirklees Council", "Kirklees"),  # metropolitan district
    "E06000052": ("Cornwall Council", "Cornwall"),  # unitary
    "E06000023": ("Bristol City Council", "City of Bristol"),  # unitary, a city
}


@pytest.mark.parametrize("code", NAMES)
def test_a_template_carries_the_councils_own_name(
    code: str, national: NationalData, evidence: EvidenceBase
) -> None:
    name, place = NAMES[code]
    assert national.authorities[code].council_name == name
    authority = starter_scenario(national, evidence, code, "2023-24").scenario.authority
    assert authority.name == name
    assert authority.place == place


@pytest.mark.parametrize("code", NAMES)
def test_the_councils_name_is_the_same_body_as_its_place(code: str) -> None:
    """The own-partner check compares places: the council's name reads back as its place."""
    name, place = NAMES[code]
    assert place_of(name).casefold() == place_of(place).casefold()
