"""The long list: every opportunity obeys its model's rules, none is missing or repeated, and ids
are stable. Checked against a brute-force enumeration written independently of the vectorised code."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from shareplan.evidence import EvidenceBase, Sector, load_evidence
from shareplan.opportunities import generate
from shareplan.opportunities.generate import (
    REASON_DECLARED,
    REASON_DELIVERY,
    REASON_INTEREST,
    REASON_SECTORS,
)
from shareplan.scenario import DeclaredOpportunity, Scenario
from tests.conftest import make_authority, make_partner, make_service

EVIDENCE = load_evidence()


def all_opportunities(scenario: Scenario, evidence: EvidenceBase) -> dict[str, tuple]:
    ll = generate(scenario, evidence)
    out: dict[str, tuple] = {}
    for block in ll.blocks():
        for opp in ll.materialise(block, range(len(block))):
            assert opp.id not in out, f"duplicate id {opp.id}"
            out[opp.id] = opp.key
    for opp in ll.declared:
        assert opp.id not in out, f"declared id {opp.id} also generated"
        out[opp.id] = opp.key
    return out


def brute_force(scenario: Scenario, evidence: EvidenceBase) -> set[tuple]:
    """Every (services, partners, model) the rules admit, enumerated the slow, obvious way."""
    found = set()
    partners = scenario.partners
    limit = scenario.authority.max_partners
    for service in scenario.services:
        if not service.appraise:
            continue
        for k in range(0, limit + 1):
            for combo in itertools.combinations(partners, k):
                if any(p.wants_services and service.id not in p.wants_services for p in combo):
                    continue
                lacking = any(p.delivers and service.id not in p.delivers for p in combo)
                for model in evidence.models:
                    if lacking and model.partner_delivers_service:
                        continue
                    if model.admits(tuple(p.sector for p in combo), limit):
                        found.add(((service.id,), tuple(sorted(p.id for p in combo)), model.id))
    return found


sectors = st.sampled_from(list(Sector))


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    n_services = draw(st.integers(1, 4))
    services = tuple(make_service(f"s{i}", appraise=draw(st.booleans())) for i in range(n_services))
    service_ids = [s.id for s in services]
    n_partners = draw(st.integers(0, 6))
    partners = tuple(
        make_partner(
            f"p{i}",
            draw(sectors),
            wants_services=tuple(
                draw(st.lists(st.sampled_from(service_ids), unique=True, max_size=2))
            ),
            delivers=tuple(draw(st.lists(st.sampled_from(service_ids), unique=True, max_size=3))),
        )
        for i in range(n_partners)
    )
    return Scenario(
        authority=make_authority(max_partners=draw(st.integers(0, 3))),
        services=services,
        partners=partners,
    )


@settings(max_examples=80, deadline=None)
@given(scenarios())
def test_long_list_equals_brute_force(scenario: Scenario) -> None:
    generated = set(all_opportunities(scenario, EVIDENCE).values())
    assert generated == brute_force(scenario, EVIDENCE)


@settings(max_examples=60, deadline=None)
@given(scenarios())
def test_every_opportunity_is_admitted_by_its_model(scenario: Scenario) -> None:
    partners = {p.id: p for p in scenario.partners}
    for services, partner_ids, model_id in all_opportunities(scenario, EVIDENCE).values():
        model = EVIDENCE.model(model_id)
        sectors_ = tuple(partners[p].sector for p in partner_ids)
        assert model.admits(sectors_, scenario.authority.max_partners)
        for p in partner_ids:
            wanted = partners[p].wants_services
            assert not wanted or set(services) <= set(wanted)


@settings(max_examples=60, deadline=None)
@given(scenarios())
def test_counts_add_up(scenario: Scenario) -> None:
    ll = generate(scenario, EVIDENCE)
    c = ll.counts
    assert c.kept == sum(len(b) for b in ll.blocks())
    assert c.considered == c.kept + sum(c.excluded_by_reason.values())


@settings(max_examples=60, deadline=None)
@given(scenarios())
def test_ids_stable_when_an_unrelated_service_is_added(scenario: Scenario) -> None:
    before = all_opportunities(scenario, EVIDENCE)
    extra = scenario.model_copy(update={"services": (make_service("zz_new"), *scenario.services)})
    after = all_opportunities(extra, EVIDENCE)
    for opp_id, key in before.items():
        assert after.get(opp_id) == key


def test_worked_example_counts(minimal: Scenario, evidence: EvidenceBase) -> None:
    """The minimal fixture has two services and three partners: northby (council, open to any
    service), nhs (health, only 'care') and acme (private, open). Partner sets up to size 3: 8
    (including the empty set). For payroll, nhs is unwilling, leaving sets {}, {northby}, {acme},
    {northby, acme}:

    * {} -> corporate centralisation (1)
    * {northby} -> strategic collaboration, joint procurement, public-public shared service,
      commercial trading (4); public-other needs a non-council public body or the voluntary sector
    * {acme} -> public-private (1); {northby, acme} -> public-private (1)

    7 for payroll. For care, all 8 sets are willing: the 7 above plus {nhs} -> sc, jp, pos, ct (4);
    {nhs, northby} -> sc, jp, pos, ct (4); {nhs, acme} and {all three} -> nothing (public-private
    admits no health partner; public-other admits no private one). 15 for care, 22 in all.

    Reasons: a combination is put down to the partner's unwillingness only if the model would
    otherwise admit it, so for payroll that is {nhs} (4) and {nhs, northby} (4) = 8; the other
    112 - 22 - 8 = 82 fail the sector rules.
    """
    ll = generate(minimal, evidence)
    assert [len(b) for b in ll.blocks()] == [7, 15]
    assert ll.counts.considered == 2 * 8 * 7
    assert ll.counts.kept == 22
    assert ll.counts.excluded_by_reason[REASON_INTEREST] == 8
    assert ll.counts.excluded_by_reason[REASON_SECTORS] == 82
    assert ll.counts.kept_by_model["public_other_shared_service"] == 2


def test_declared_opportunity_wins_over_generated_duplicate(
    minimal: Scenario, evidence: EvidenceBase
) -> None:
    declared = DeclaredOpportunity(
        id="payroll-sub-region",
        title="Shared payroll",
        service_ids=("payroll",),
        partner_ids=("northby",),
        model="public_public_shared_service",
        saving_central=0.1,
    )
    scenario = minimal.model_copy(update={"opportunities": (declared,)})
    found = all_opportunities(scenario, evidence)
    assert "payroll:pps:northby" not in found
    assert found["payroll-sub-region"] == (
        ("payroll",),
        ("northby",),
        "public_public_shared_service",
    )
    ll = generate(scenario, evidence)
    assert ll.counts.excluded_by_reason[REASON_DECLARED] == 1
    assert ll.counts.kept == 21


def test_a_partner_that_does_not_deliver_a_service_loses_exactly_those_entries(
    minimal: Scenario, evidence: EvidenceBase
) -> None:
    """northby (a council) delivers care but not payroll. The models that need their partners to
    run the service themselves (evidence: strategic collaboration, public-public and public-other
    shared service, commercial trading) lose every payroll entry with northby in the set: of the 7
    payroll entries of the worked example above, {northby} -> sc, pps, ct go (3); {northby} -> jp
    (joint procurement does not need it) and {northby, acme} -> public-private stay, as do {} ->
    cc and {acme} -> pp. Payroll keeps 4, care keeps its 15: 19 in all, and the 3 are counted
    under their own reason."""
    needing = {m.id for m in evidence.models if m.partner_delivers_service}
    assert needing == {
        "strategic_collaboration",
        "public_public_shared_service",
        "public_other_shared_service",
        "commercial_trading",
    }
    before = all_opportunities(minimal, evidence)
    partners = tuple(
        p.model_copy(update={"delivers": ("care",)}) if p.id == "northby" else p
        for p in minimal.partners
    )
    scenario = minimal.model_copy(update={"partners": partners})
    after = all_opportunities(scenario, evidence)
    assert set(before) - set(after) == {
        "payroll:sc:northby",
        "payroll:pps:northby",
        "payroll:ct:northby",
    }
    assert set(after) <= set(before)
    ll = generate(scenario, evidence)
    assert [len(b) for b in ll.blocks()] == [4, 15]
    assert ll.counts.kept == 19
    assert ll.counts.excluded_by_reason[REASON_DELIVERY] == 3
    assert ll.counts.considered == ll.counts.kept + sum(ll.counts.excluded_by_reason.values())
    assert REASON_DELIVERY not in generate(minimal, evidence).counts.excluded_by_reason


def test_a_declared_opportunity_with_a_partner_off_its_list_stands(
    minimal: Scenario, evidence: EvidenceBase
) -> None:
    """Officers who declare an opportunity know their partner: the list does not remove it, and
    as the generated duplicate was already dropped for delivery it is not counted as replaced."""
    declared = DeclaredOpportunity(
        id="payroll-sub-region",
        service_ids=("payroll",),
        partner_ids=("northby",),
        model="public_public_shared_service",
    )
    partners = tuple(
        p.model_copy(update={"delivers": ("care",)}) if p.id == "northby" else p
        for p in minimal.partners
    )
    scenario = minimal.model_copy(update={"partners": partners, "opportunities": (declared,)})
    found = all_opportunities(scenario, evidence)
    assert "payroll-sub-region" in found
    ll = generate(scenario, evidence)
    assert ll.counts.excluded_by_reason[REASON_DECLARED] == 0
    assert ll.counts.excluded_by_reason[REASON_DELIVERY] == 3
    assert ll.counts.kept == 19


def test_a_service_not_to_appraise_has_no_entries(
    minimal: Scenario, evidence: EvidenceBase
) -> None:
    """Payroll marked appraise = no: the long list loses exactly payroll's entries, worked out in
    test_worked_example_counts. Only care is a unit: considered 1 x 8 sets x 7 models = 56; kept
    15 (22 - payroll's 7); no partner is unwilling for care, so nothing is put down to interest,
    and the other 56 - 15 = 41 fail the sector rules. The scenario still holds payroll."""
    held = minimal.service("payroll").model_copy(update={"appraise": False})
    scenario = minimal.model_copy(update={"services": (held, minimal.service("care"))})
    ll = generate(scenario, evidence)
    assert [b.unit.id for b in ll.blocks()] == ["care"]
    assert [len(b) for b in ll.blocks()] == [15]
    assert ll.counts.considered == 56
    assert ll.counts.kept == 22 - 7
    assert ll.counts.excluded_by_reason[REASON_INTEREST] == 0
    assert ll.counts.excluded_by_reason[REASON_SECTORS] == 41
    assert {k[0] for k in all_opportunities(scenario, evidence).values()} == {("care",)}
    assert len(scenario.services) == 2
