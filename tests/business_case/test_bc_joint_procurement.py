"""A joint procurement: the councils' agreement to buy together is public-public cooperation, but
what they buy is one contract with the market, routed by the value of their combined purchase.

Every case is appraised in June 2025 (the proposal starts then, after its first year's 1 April):
Procurement Act 2023, services threshold £214,904 and light-touch threshold £663,540, both
including VAT (20%), contracts valued over 7 years. Each purchase is the authority's spend on the
service other than its staff (gross cost less staff cost: 65% of a back-office service's cost and
45% of a front-line one's are staff), times one plus each partner council's need relative to the
authority's (1 for a council when no populations are given).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from tests.conftest import make_authority, make_partner, make_service

from shareplan.business_case import build_business_case
from shareplan.business_case.model import BusinessCase
from shareplan.evidence import EvidenceBase
from shareplan.opportunities import Opportunity
from shareplan.scenario import Scenario


def case(
    evidence: EvidenceBase, model: str, partners: tuple[str, ...], **service: Any
) -> BusinessCase:
    sc = Scenario(
        authority=make_authority(appraisal_date=dt.date(2025, 6, 1)),
        services=(make_service("stationery", **service),),
        partners=tuple(make_partner(p, "local_authority") for p in ("northby", "southby")),
    )
    opportunity = Opportunity(
        id=f"stationery:{model}",
        title="Stationery",
        unit_id="stationery",
        service_ids=("stationery",),
        partner_ids=partners,
        model=model,
    )
    return build_business_case(sc, opportunity, evidence, draws=0)


def test_joint_procurement_above_the_threshold_is_a_competitive_tender(
    evidence: EvidenceBase,
) -> None:
    """A back-office service of £1m with Northby: the authority buys £1m x 0.35 = £350,000 a
    year and Northby as much again, £700,000; over 7 years with VAT £700,000 x 7 x 1.2 = £5.88m,
    above £214,904: the competitive route, 9 months and £60,000 (procurement.lead_months and
    procurement.cost). With Southby too, three members: £1.05m a year, and one more month to
    agree (procurement.months_per_extra_member), 10 months."""
    two = case(evidence, "joint_procurement", ("northby",)).procurement
    assert two.route == "competitive_above_threshold"
    assert two.needs_tender
    assert two.contract_value == pytest.approx(350_000 * 2 * 7 * 1.2)
    assert two.above_threshold
    assert two.lead_time_months == 9.0
    assert two.cost == 60_000
    assert two.min_tender_days == 25
    assert "cooperation exempt" in two.reasons[0]
    assert "one contract for all the members' needs" in two.reasons[0]
    assert two.wording == (
        "A joint purchase from the market as one contract (competitive tender above the threshold)"
    )
    three = case(evidence, "joint_procurement", ("northby", "southby")).procurement
    assert three.contract_value == pytest.approx(350_000 * 3 * 7 * 1.2)
    assert three.lead_time_months == 10.0
    assert "3 members: longer to agree" in three.reasons


def test_the_tender_is_in_the_timeline_and_the_one_off_cost(evidence: EvidenceBase) -> None:
    """With Northby: the competitive route's 9 months, stretched by the 54% duration uplift to
    9 x 1.54 = 13.86 months, come before implementation (the shared service's exempt 3 months
    give 4.62), and its £60,000 is the case's procurement and legal cost; a tender carries its
    risk."""
    joint = case(evidence, "joint_procurement", ("northby",))
    assert joint.optimism_bias.duration_uplift == pytest.approx(0.54)
    assert joint.timeline.procurement_end_month == pytest.approx(13.86)
    assert joint.timeline.implementation_start_month == pytest.approx(13.86)
    assert joint.model_inputs["procurement_months"] == 9.0
    assert joint.model_inputs["procurement_cost"] == 60_000
    assert any(r.id == "tender" for r in joint.risks.risks)
    shared = case(evidence, "public_public_shared_service", ("northby",))
    assert shared.timeline.procurement_end_month == pytest.approx(4.62)


def test_a_small_joint_purchase_is_below_the_threshold(evidence: EvidenceBase) -> None:
    """A £20,000 back-office service with Northby: £7,000 a year each, £14,000 together, £14,000
    x 7 x 1.2 = £117,600 over the term, below £214,904: no notice, 3 months and £10,000."""
    small = case(evidence, "joint_procurement", ("northby",), gross_cost=20_000.0, fte=0.5)
    p = small.procurement
    assert p.route == "below_threshold"
    assert not p.needs_tender
    assert p.contract_value == pytest.approx(117_600)
    assert p.lead_time_months == 3.0
    assert p.cost == 10_000
    assert (
        p.wording
        == "A joint purchase from the market as one contract (procurement below the threshold)"
    )


def test_a_light_touch_joint_purchase_follows_its_regime(evidence: EvidenceBase) -> None:
    """A front-line light-touch service of £1m with Northby: £550,000 a year each, £1.1m
    together, £1.1m x 7 x 1.2 = £9.24m, above the light-touch threshold of £663,540: advertised
    on Find a Tender, 6 months and £40,000."""
    care = case(
        evidence, "joint_procurement", ("northby",), kind="front_line", light_touch=True
    ).procurement
    assert care.route == "light_touch_above_threshold"
    assert care.needs_tender
    assert care.threshold == 663_540
    assert care.contract_value == pytest.approx(9_240_000)
    assert care.lead_time_months == 6.0
    assert care.cost == 40_000


def test_the_combined_purchase_is_recorded_with_its_parts(evidence: EvidenceBase) -> None:
    """The assumptions list carries the £700,000 a year the tender is valued on, and how."""
    joint = case(evidence, "joint_procurement", ("northby",))
    (purchase,) = [a for a in joint.assumptions if a.key == "derived.joint_purchase"]
    assert purchase.value == pytest.approx(700_000)
    assert "£350k" in purchase.note and "Northby 1.00" in purchase.note


def test_a_shared_service_between_councils_is_still_exempt(evidence: EvidenceBase) -> None:
    """The same service shared with Northby is cooperation in the work itself: exempt, 3 months
    and £15,000, no contract value."""
    shared = case(evidence, "public_public_shared_service", ("northby",)).procurement
    assert shared.route == "public_public_exempt"
    assert not shared.needs_tender
    assert shared.contract_value is None
    assert shared.lead_time_months == 3.0
    assert shared.cost == 15_000


def test_only_competitive_models_count_as_competitive(evidence: EvidenceBase) -> None:
    """The assessment's flag for a model that needs a competitive partner is unchanged: joint
    procurement tenders its purchase, but its partners are not chosen by competition."""
    tenders = {m.id: m.tender for m in evidence.models}
    assert tenders["joint_procurement"] == "joint"
    assert [m for m, t in tenders.items() if t == "competitive"] == ["public_private"]
