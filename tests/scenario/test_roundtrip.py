"""Round trips between the two forms: text -> workbook -> text gives the same bytes, and so does
workbook -> text -> workbook -> text; and for generated scenarios, loading what was saved gives
the same scenario back in either form."""

from __future__ import annotations

import datetime as dt
import math
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shareplan.evidence import EvidenceBase, Sector, load_evidence
from shareplan.scenario import (
    INDICATOR_IDS,
    Authority,
    BackgroundPaper,
    Bundle,
    DeclaredOpportunity,
    ParameterOverride,
    Partner,
    PartnerGeography,
    Scenario,
    Service,
    ServiceGeography,
    ServiceKind,
    Stage,
    Weight,
    load_scenario,
)
from shareplan.scenario.csvio import write_folder
from shareplan.scenario.excel import write_workbook
from shareplan.scenario.model import place_of
from shareplan.scenario.schema import SHEETS
from tests.conftest import FIXTURES, ROOT

EVIDENCE = load_evidence()
TEXT_FORMS = [FIXTURES / "minimal", ROOT / "examples" / "rotherham-2010"]


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.csv"))}


@pytest.mark.parametrize("source", TEXT_FORMS, ids=lambda p: p.name)
def test_text_to_workbook_to_text_is_byte_identical(
    source: Path, tmp_path: Path, evidence: EvidenceBase
) -> None:
    """The canonical text of a scenario survives a trip through a workbook byte for byte."""
    text = tmp_path / "text"
    write_folder(load_scenario(source, evidence), text, evidence)
    workbook = write_workbook(load_scenario(text, evidence), tmp_path / "s.xlsx", evidence)
    again = tmp_path / "again"
    write_folder(load_scenario(workbook, evidence), again, evidence)
    assert _files(again) == _files(text)
    assert len(_files(text)) == len(SHEETS)


@pytest.mark.parametrize("source", TEXT_FORMS, ids=lambda p: p.name)
def test_workbook_to_text_to_workbook_to_text_is_byte_identical(
    source: Path, tmp_path: Path, evidence: EvidenceBase
) -> None:
    first = write_workbook(load_scenario(source, evidence), tmp_path / "first.xlsx", evidence)
    text_1 = tmp_path / "text-1"
    write_folder(load_scenario(first, evidence), text_1, evidence)
    second = write_workbook(load_scenario(text_1, evidence), tmp_path / "second.xlsx", evidence)
    text_2 = tmp_path / "text-2"
    write_folder(load_scenario(second, evidence), text_2, evidence)
    assert _files(text_2) == _files(text_1)


def test_shipped_rotherham_workbook_matches_its_text_form(
    tmp_path: Path, evidence: EvidenceBase
) -> None:
    """The example ships in both forms; the workbook reads as the canonical text of the folder."""
    shipped = ROOT / "examples" / "rotherham-2010.xlsx"
    folder = ROOT / "examples" / "rotherham-2010"
    text = tmp_path / "from-workbook"
    write_folder(load_scenario(shipped, evidence), text, evidence)
    canonical = tmp_path / "from-folder"
    write_folder(load_scenario(folder, evidence), canonical, evidence)
    assert _files(text) == _files(canonical)


# ------------------------------------------------------------------------------------------------
# Generated scenarios

_CHARACTERS = st.characters(
    blacklist_categories=("Cs", "Cc"),  # surrogates, and control characters a workbook cannot hold
    blacklist_characters="\ufffe\uffff",
)
_AWKWARD = st.sampled_from(
    [
        'Smith, Jones & Co "Ltd"',
        "O'Brien's; partners",
        "Zoë Ünïcödé – 名前 🚀",
        "=SUM(A1:A3)",
        "#N/A",
        "0012",
        "1e5",
        "yes",
        "_x0041_",
        "a\tb",
        "line one\nline two",
    ]
)


def _text(min_size: int = 0, *, without: str = "") -> st.SearchStrategy[str]:
    alphabet = st.characters(
        blacklist_categories=("Cs", "Cc"),
        blacklist_characters="\ufffe\uffff" + without,
    )
    plain = st.text(alphabet, max_size=24).map(str.strip)
    awkward = _AWKWARD.filter(lambda t: not set(without) & set(t))
    return st.one_of(plain, awkward).filter(lambda t: len(t) >= min_size)


_IDS = st.from_regex(r"\A[A-Za-z0-9][A-Za-z0-9_.-]{0,10}\Z")
_ITEMS = st.lists(_text(1, without=";"), max_size=4).map(tuple)
_MONEY = st.floats(min_value=0, max_value=1e12, allow_nan=False)
_SHARE = st.floats(min_value=0, max_value=1)
_DATE = st.dates(dt.date(1800, 1, 1), dt.date(2200, 12, 31))


def _not_a_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return True
    return False


@st.composite
def authorities(draw: st.DrawFn) -> Authority:
    return Authority(
        name=draw(_text(1)),
        ons_code=draw(st.none() | st.from_regex(r"\AE0[6-9]0{3}[0-9]{3}\Z")),
        price_base_year=draw(st.integers(1990, 2100)),
        first_year=draw(st.integers(1990, 2100)),
        appraisal_date=draw(_DATE),
        horizon_years=draw(st.integers(1, 60)),
        discount_schedule=draw(st.sampled_from(["standard", "health"]) | _text(1)),
        financial_years=draw(st.booleans()),
        implementation_budget=draw(_MONEY),
        priority_projects=(most := draw(st.integers(1, 100))),
        priority_projects_min=draw(st.none() | st.integers(1, most)),
        max_partners=draw(st.integers(0, 6)),
        shortlist_per_service=draw(st.integers(1, 50)),
        officer_capacity_fte=draw(st.none() | st.floats(0, 1e4)),
        max_projects_per_partner=draw(st.none() | st.integers(1, 100)),
        min_quick_wins=draw(st.integers(0, 100)),
        count_ring_fenced_savings=draw(st.booleans()),
        random_seed=draw(st.integers(0, 2**31 - 1)),
        meeting=draw(_text(1)),
        meeting_date=draw(st.none() | _DATE),
        report_title=draw(_text(1)),
        directorate=draw(_text()),
        contact=draw(_text()),
        corporate_priorities=draw(_ITEMS),
        place=draw(_text()),
        residents=draw(_text()),
    )


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    """A valid scenario: ids unique, every reference resolves, savings in order."""
    authority = draw(authorities())
    unit_ids = draw(st.lists(_IDS, min_size=1, max_size=6, unique=True))
    split = draw(st.integers(1, len(unit_ids)))
    service_ids, bundle_ids = unit_ids[:split], unit_ids[split:]
    if len(service_ids) < 2:  # a bundle lists two or more different services
        service_ids, bundle_ids = unit_ids, []
    priorities = (
        st.lists(st.sampled_from(authority.corporate_priorities), max_size=3).map(tuple)
        if authority.corporate_priorities
        else _ITEMS
    )
    services = tuple(
        Service(
            id=service_id,
            name=draw(_text(1)),
            directorate=draw(_text(1)),
            kind=draw(st.sampled_from(ServiceKind)),
            gross_cost=draw(_MONEY),
            fte=draw(st.floats(0, 1e5)),
            platforms=draw(_ITEMS),
            track_record=draw(st.integers(1, 5)),
            priorities=draw(priorities),
            early_intervention=draw(st.booleans()),
            geography=draw(st.sampled_from(ServiceGeography)),
            traits={t: draw(st.integers(0, 5)) for t in INDICATOR_IDS},
            illustrative=draw(st.booleans()),
            notes=draw(_text()),
        )
        for service_id in service_ids
    )
    # a row not to appraise, which no bundle or declared opportunity may name
    held_id = draw(st.none() | _IDS.filter(lambda i: i not in unit_ids))
    if held_id is not None:
        held = services[0].model_copy(update={"id": held_id, "appraise": False})
        services = (*services, held)
    service_list = st.lists(st.sampled_from(service_ids), min_size=2, max_size=4, unique=True).map(
        tuple
    )
    bundles = tuple(
        Bundle(id=bundle_id, name=draw(_text(1)), service_ids=draw(service_list))
        for bundle_id in bundle_ids
    )
    partner_ids = draw(st.lists(_IDS, max_size=4, unique=True))
    units = st.lists(st.sampled_from(unit_ids), max_size=3, unique=True).map(tuple)
    own = place_of(authority.name).casefold()
    partners = tuple(
        Partner(
            id=partner_id,
            name=draw(_text(1).filter(lambda n: place_of(n).casefold() != own)),
            sector=draw(st.sampled_from(Sector)),
            geography=draw(st.sampled_from(PartnerGeography)),
            # a blank affinity reads back as the evidence's neutral default
            affinity=draw(st.integers(1, 5)) if judged else 3,
            platforms=draw(_ITEMS),
            objectives=draw(_ITEMS),
            wants_services=draw(units),
            delivers=draw(st.lists(st.sampled_from(service_ids), max_size=3, unique=True)),
            stage=draw(st.sampled_from(Stage)),
            illustrative=draw(st.booleans()),
            notes=draw(_text()),
            ons_code=draw(st.just("") | st.from_regex(r"\AE0[6-9]0{3}[0-9]{3}\Z")).replace(
                authority.ons_code or "-", ""
            ),
            affinity_judged=judged,
        )
        for partner_id, judged in zip(
            partner_ids,
            draw(st.lists(st.booleans(), min_size=len(partner_ids), max_size=len(partner_ids))),
            strict=True,
        )
    )
    opportunities = []
    for opportunity_id in draw(st.lists(_IDS, max_size=3, unique=True)):
        given = sorted(draw(st.lists(_SHARE, max_size=3)))
        slots = draw(st.permutations(["saving_low", "saving_central", "saving_high"]))
        chosen = sorted(
            slots[: len(given)], key=["saving_low", "saving_central", "saving_high"].index
        )
        opportunities.append(
            DeclaredOpportunity(
                id=opportunity_id,
                title=draw(_text()),
                service_ids=draw(
                    st.lists(st.sampled_from(unit_ids), min_size=1, max_size=3, unique=True)
                ),
                partner_ids=tuple(
                    draw(st.lists(st.sampled_from(partner_ids), max_size=3, unique=True))
                )
                if partner_ids
                else (),
                model=draw(st.sampled_from(EVIDENCE.model_ids)),
                **dict(zip(chosen, given, strict=True)),
                one_off_cost=draw(st.none() | _MONEY),
                lead_time_months=draw(st.none() | st.floats(0, 120)),
                screen_override=draw(_text()),
                notes=draw(_text()),
            )
        )
    targets = EVIDENCE.group_ids + EVIDENCE.criterion_ids
    weight_keys = draw(
        st.lists(st.tuples(_text(1), st.sampled_from(targets)), max_size=5, unique=True)
    )
    weights = tuple(
        # above zero: a level whose weights are all zero is refused by the reader
        Weight(stakeholder=who, target=target, weight=draw(st.floats(0.001, 1000)))
        for who, target in weight_keys
    )
    # a typed discount schedule is checked band by band, so random text is not one
    plain_keys = sorted(k for k in EVIDENCE.parameters if not k.startswith("discount.schedule."))
    keys = draw(st.lists(st.sampled_from(plain_keys), max_size=3, unique=True))
    parameters = tuple(
        ParameterOverride(
            key=key,
            value=draw(
                # -0.0 named: it is a corner a workbook does not keep (read back as 0.0)
                st.just(-0.0)
                | st.floats(allow_nan=False, allow_infinity=False)
                | _text(1).filter(_not_a_number)
            ),
            note=draw(_text()),
        )
        for key in keys
    )
    return Scenario(
        authority=authority,
        services=services,
        partners=partners,
        bundles=bundles,
        opportunities=tuple(opportunities),
        weights=weights,
        parameters=parameters,
        background=tuple(
            BackgroundPaper(
                date=draw(st.none() | _DATE), title=draw(_text(1)), decision=draw(_text())
            )
            for _ in range(draw(st.integers(0, 2)))
        ),
    )


@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    # hypothesis runs many examples in one test call: one folder, reused, not tmp_path per example
    folder = Path(tempfile.mkdtemp(prefix="shareplan-roundtrip-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


_SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@_SETTINGS
@given(scenarios())
def test_generated_scenario_survives_the_text_form(scratch: Path, scenario: Scenario) -> None:
    folder = scratch / "text"
    shutil.rmtree(folder, ignore_errors=True)
    write_folder(scenario, folder, EVIDENCE)
    assert load_scenario(folder, EVIDENCE) == scenario


@_SETTINGS
@given(scenarios())
def test_generated_scenario_survives_the_workbook(scratch: Path, scenario: Scenario) -> None:
    path = write_workbook(scenario, scratch / "s.xlsx", EVIDENCE)
    assert load_scenario(path, EVIDENCE) == scenario


@_SETTINGS
@given(scenarios())
def test_generated_scenario_text_workbook_text_is_byte_identical(
    scratch: Path, scenario: Scenario
) -> None:
    first, second = scratch / "first", scratch / "second"
    for folder in (first, second):
        shutil.rmtree(folder, ignore_errors=True)
    write_folder(scenario, first, EVIDENCE)
    path = write_workbook(load_scenario(first, EVIDENCE), scratch / "s.xlsx", EVIDENCE)
    write_folder(load_scenario(path, EVIDENCE), second, EVIDENCE)
    assert _files(second) == _files(first)


_MINIMAL = load_scenario(FIXTURES / "minimal", EVIDENCE)


@given(st.lists(st.floats(min_value=0, allow_infinity=False), min_size=1, max_size=25))
@settings(max_examples=40, deadline=None)
def test_any_cost_survives_a_workbook_exactly(costs: list[float]) -> None:
    """Numbers are stored with every digit they need: openpyxl's own 16 significant digits would
    turn 0.30000000000000004 into 0.3."""
    template = _MINIMAL.services[0]
    services = tuple(
        template.model_copy(update={"id": f"s{i}", "gross_cost": cost})
        for i, cost in enumerate(costs)
    )
    scenario = _MINIMAL.model_copy(update={"services": services, "partners": ()})
    with tempfile.TemporaryDirectory() as folder:
        path = write_workbook(scenario, Path(folder) / "s.xlsx", EVIDENCE)
        loaded = load_scenario(path, EVIDENCE)
    assert [s.gross_cost for s in loaded.services] == costs


def test_seventeen_digit_numbers_survive_a_workbook(tmp_path: Path) -> None:
    costs = [0.1 + 0.2, 5.960464477539063e-08, 123456789.12345678, 2.0**60 + 2.0**8, 5e-324]
    template = _MINIMAL.services[0]
    services = tuple(
        template.model_copy(update={"id": f"s{i}", "gross_cost": cost})
        for i, cost in enumerate(costs)
    )
    scenario = _MINIMAL.model_copy(update={"services": services, "partners": ()})
    loaded = load_scenario(write_workbook(scenario, tmp_path / "s.xlsx", EVIDENCE), EVIDENCE)
    assert [s.gross_cost for s in loaded.services] == costs


@pytest.mark.parametrize("typed", ["-0.0", "-0", "0.0"])
def test_a_negative_zero_parameter_reads_as_zero_in_both_forms(typed: str, tmp_path: Path) -> None:
    """A workbook keeps no sign on zero, so -0.0 is read as 0.0 from either form: the text form,
    the workbook written from it and the text written back all say 0.0, byte for byte."""
    key = sorted(k for k in EVIDENCE.parameters if not k.startswith("discount.schedule."))[0]
    text = tmp_path / "text"
    write_folder(_MINIMAL, text, EVIDENCE)
    (text / "parameters.csv").write_text(f"key,value,note\n{key},{typed},\n", "utf-8")
    from_text = load_scenario(text, EVIDENCE)
    workbook = write_workbook(from_text, tmp_path / "s.xlsx", EVIDENCE)
    from_workbook = load_scenario(workbook, EVIDENCE)
    again = tmp_path / "again"
    write_folder(from_workbook, again, EVIDENCE)
    for scenario in (from_text, from_workbook):
        (override,) = scenario.parameters
        assert isinstance(override.value, float)
        assert math.copysign(1.0, override.value) == 1.0
    assert (again / "parameters.csv").read_text("utf-8") == f"key,value,note\n{key},0.0,\n"
    others = {name: data for name, data in _files(text).items() if name != "parameters.csv"}
    assert {name: data for name, data in _files(again).items() if name in others} == others


def test_a_negative_zero_parameter_given_in_code_is_zero() -> None:
    assert math.copysign(1.0, ParameterOverride(key="k", value=-0.0).value) == 1.0
    assert ParameterOverride(key="k", value="-0.0").value == "-0.0"
