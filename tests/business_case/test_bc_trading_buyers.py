"""Trading income a finance director can defend (issue 10, DF review B1, B2, S5, S8).

A buyer takes a share of its *own* need (its sector's demand times its population over the
authority's, at most the authority's size), only of the part of the service the council delivers
itself (staff cost x 1.54, at most the whole cost); a buyer that must advertise is won with a
probability, so the headline counts the expected income and the risk analysis can lose the buyer.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.conftest import make_authority, make_partner, make_service

from shareplan.business_case import build_business_case
from shareplan.business_case.assumptions import AssumptionBook
from shareplan.business_case.risk_basis import gap_sentence
from shareplan.business_case.shares import trading_ranges
from shareplan.evidence import EvidenceBase, load_evidence
from shareplan.money import money
from shareplan.opportunities.model import Estimates, Opportunity
from shareplan.report.formatting import money as report_money
from shareplan.scenario import ParameterOverride, Scenario

DELIVERED = 1.54 * 300_000 / 1_000_000  # staff 300,000 of a 1,000,000 service: 46.2% in-house


def youth(
    gross: float = 1_000_000.0,
    on: dt.date = dt.date(2024, 6, 1),
    *,
    light_touch: bool = False,
    ring_fenced: float = 0.0,
    **parameters: float,
) -> Scenario:
    """A front-line service whose staff cost is 30% of its gross cost, in an authority of 200,000
    people, with buyers of different sizes and sectors."""
    return Scenario(
        authority=make_authority(
            population=200_000.0,
            price_base_year=on.year,
            first_year=on.year,
            appraisal_date=on,
        ),
        services=(
            make_service(
                "youth",
                kind="front_line",
                gross_cost=gross,
                fte=20.0,
                staff_cost=0.3 * gross,
                light_touch=light_touch,
                ring_fenced_share=ring_fenced,
            ),
        ),
        partners=(
            make_partner("bigby", "local_authority", population=200_000.0),
            make_partner("smallby", "local_authority", population=50_000.0),
            make_partner("hugeby", "local_authority", population=800_000.0),
            make_partner("police", "police", population=200_000.0),
            make_partner("shop", "private"),
        ),
        parameters=tuple(ParameterOverride(key=k, value=v) for k, v in parameters.items()),
    )


def sold_to(*buyers: str, model: str = "commercial_trading") -> Opportunity:
    return Opportunity(
        id=f"youth:{model}:{'+'.join(buyers)}",
        title="Youth",
        unit_id="youth",
        service_ids=("youth",),
        partner_ids=buyers,
        model=model,
        estimates=Estimates(),
    )


def test_a_small_buyer_takes_proportionally_less(evidence: EvidenceBase) -> None:
    """With the contracts signed (win probability 1), Bigby (200,000 people, the authority's size)
    buys 25% of a like council's need of the 46.2% the council delivers itself: 0.25 x 1 x 0.462 =
    11.55% of the cost, and trading income 1,000,000 x 11.55% x 10% = 11,550 a year. Smallby
    (50,000 people) buys a quarter of that: 2.8875%, 2,887.50 a year. Hugeby (800,000) counts for
    no more than the authority's own size (cap 1): the same as Bigby. A police force of 200,000
    people needs 5% of what a council does: 0.25 x 0.05 x 0.462 = 0.5775%, 577.50 a year."""
    sc = youth(**{"savings.trading_win_probability": 1.0})
    income = {}
    for buyer in ("bigby", "smallby", "hugeby", "police"):
        case = build_business_case(sc, sold_to(buyer), evidence, draws=0)
        assert case.delivered_share == pytest.approx(DELIVERED)
        assert case.trading_volume is not None
        income[buyer] = case.model_inputs["trading"]
    assert income["bigby"] == pytest.approx(11_550.0)
    assert income["smallby"] == pytest.approx(2_887.5)
    assert income["smallby"] == pytest.approx(income["bigby"] * 50_000 / 200_000)
    assert income["hugeby"] == pytest.approx(income["bigby"])
    assert income["police"] == pytest.approx(577.5)


def test_a_buyer_that_must_advertise_is_won_with_a_probability(evidence: EvidenceBase) -> None:
    """Bigby would buy 1,000,000 x 11.55% x 1.1 (with the margin) x 7 years x 1.2 (VAT) =
    1,067,220 over the term, above the 214,904 threshold: it must advertise, so the council wins
    it with the evidence's chance of 33%: the central volume is 0.33 x 11.55% = 3.8115% and the
    headline trading income 3,811.50 a year (the expected income); the low volume is 0 (the
    competition lost), the high stays 30% x 46.2% = 13.86%. The same service at 100,000 a year
    sells 106,722 over the term, below the threshold: no competition, the volume stays 0.1 x 0.462
    = 4.62% / 11.55% / 13.86%. A private buyer runs no public procurement."""
    case = build_business_case(youth(), sold_to("bigby"), evidence, draws=0)
    p = case.procurement
    assert p.buyers_may_tender and p.buyers_advertise == (True,)
    assert any("Bigby would buy about £1.1m" in r and "must win" in r for r in p.reasons)
    assert "has to win that competition" in p.wording and not p.needs_tender
    v = case.trading_volume
    assert v is not None
    assert (v.low, v.central, v.high) == pytest.approx((0.0, 0.038115, 0.1386))
    assert case.model_inputs["trading"] == pytest.approx(3_811.5)
    small = build_business_case(youth(100_000.0), sold_to("bigby"), evidence, draws=0)
    assert small.procurement.buyers_advertise == (False,)
    s = small.trading_volume
    assert s is not None
    assert (s.low, s.central, s.high) == pytest.approx((0.0462, 0.1155, 0.1386))
    private = build_business_case(youth(), sold_to("shop"), evidence, draws=0)
    assert not private.procurement.buyers_may_tender
    assert private.procurement.wording.endswith("does not tender")
    assert private.trading_volume is not None and private.trading_volume.low > 0


def test_part_b_buyers_need_no_ojeu_notice_but_large_purchases_are_advertised(
    evidence: EvidenceBase,
) -> None:
    """Youth work is a Part B service in 2010: a buyer needs no OJEU notice at any value. Bigby's
    purchase of 1,000,000 x 11.55% x 1.1 x 7 = 889,350 (no VAT in the 2010 threshold) is above the
    500,000 from which a Part B contract is of cross-border interest: it must be advertised under
    the Treaty principles, so the council must still win it. At 400,000 a year the purchase is
    355,740: no advertising, and the full volume counts."""
    on = dt.date(2010, 12, 1)
    large = build_business_case(youth(on=on, light_touch=True), sold_to("bigby"), evidence, draws=0)
    assert large.procurement.special_services == "part_b"
    assert large.procurement.buyers_advertise == (True,)
    words = " ".join(large.procurement.reasons)
    assert "Bigby would buy about £889k" in words and "Treaty principles" in words
    assert "must advertise on OJEU" not in words and "no OJEU" in words
    small = build_business_case(
        youth(400_000.0, on=on, light_touch=True), sold_to("bigby"), evidence, draws=0
    )
    assert small.procurement.buyers_advertise == (False,)
    assert any("£356k" in r for r in small.procurement.reasons)
    assert small.trading_volume is not None
    assert small.trading_volume.central == pytest.approx(0.1155)


def test_ict_follows_the_work_the_council_delivers_itself(evidence: EvidenceBase) -> None:
    """Shared with Bigby (public-public, no platforms named, so the common-platform discount of 70%
    applies): ICT is 10% of the in-house part, 1,000,000 x 46.2% x 10% x 0.3 = 13,860, not 10% of
    the gross cost (30,000)."""
    case = build_business_case(
        youth(), sold_to("bigby", model="public_public_shared_service"), evidence, draws=0
    )
    ict = sum(y.costs["ict_integration"] for y in case.unadjusted.years)
    assert ict == pytest.approx(13_860.0)


def test_ring_fenced_savings_are_not_general_fund_cashable(evidence: EvidenceBase) -> None:
    """Half the service paid from a ring-fenced grant: half the steady-state saving is cashable
    for the general fund, and a sentence says why; with no ring-fence, all of it and no
    sentence."""
    o = sold_to("bigby", model="public_public_shared_service")
    half = build_business_case(youth(ring_fenced=0.5), o, evidence, draws=0)
    steady = half.measures.steady_state_annual_saving
    assert steady > 0
    assert half.ring_fenced_share == 0.5
    assert half.general_fund_saving == pytest.approx(0.5 * steady)
    assert "50%" in half.general_fund_note and "general fund" in half.general_fund_note
    plain = build_business_case(youth(), o, evidence, draws=0)
    assert plain.general_fund_saving == pytest.approx(plain.measures.steady_state_annual_saving)
    assert plain.general_fund_note == ""


def test_the_general_fund_bears_its_share_of_the_npv_pro_rata(evidence: EvidenceBase) -> None:
    """A quarter of the service paid from a ring-fenced grant: the grant keeps a quarter of the
    costs and of the benefits, so the general fund's NPV is 0.75 x the NPV, and the optimiser is
    handed that figure. The NPV itself stays the whole public-sector value: the same as with no
    ring-fence."""
    o = sold_to("bigby", model="public_public_shared_service")
    fenced = build_business_case(youth(ring_fenced=0.25), o, evidence, draws=0)
    plain = build_business_case(youth(), o, evidence, draws=0)
    npv = fenced.measures.npv
    assert npv != 0
    assert npv == plain.measures.npv
    assert fenced.general_fund_npv == pytest.approx(0.75 * npv)
    assert fenced.programme_inputs()["general_fund_npv"] == pytest.approx(0.75 * npv)
    assert plain.general_fund_npv == plain.measures.npv
    older = fenced.model_copy(update={"general_fund_npv": None})
    assert older.npv_to_general_fund == pytest.approx(0.75 * npv)


@given(st.floats(min_value=-1e10, max_value=1e10, allow_nan=False))
def test_the_stages_format_money_as_the_report_does(amount: float) -> None:
    """The pipeline's formatter (for procurement reasons) and the report's agree on every amount
    (the report writes a plain hyphen for minus)."""
    assert money(amount) == report_money(amount)


def test_a_median_above_the_headline_from_delay_reads_the_right_way_round() -> None:
    """A median 20% above the headline, with no skewed saving or trading range to explain it: the
    headline carries the average delay, which long delays pull up, so the typical outcome is less
    delay (not "a long tail" as the reason the median is higher); 20% below keeps the long tail."""
    above = gap_sentence(100_000.0, 120_000.0, 110_000.0, {})
    assert above.startswith("The median is 20% above the headline because")
    assert "typical outcome" in above and "long tail" not in above
    below = gap_sentence(100_000.0, 80_000.0, 90_000.0, {})
    assert "20% below" in below and "long tail" in below


def test_outsourced_staff_transfer_to_the_partner(evidence: EvidenceBase) -> None:
    """Youth services outsourced to a private firm (the partner does the work): 20 FTE, a saving
    share s releases 20 x s posts; the rest transfer under TUPE (20 x (1 - s)) and are not counted
    as kept in the borough by the council. Shared with a council, nobody transfers."""
    case = build_business_case(youth(), sold_to("shop", model="public_private"), evidence, draws=0)
    m = case.measures
    assert m.fte_released > 0
    assert m.fte_transferred == pytest.approx(20.0 - m.fte_released)
    assert m.fte_kept_in_borough == 0.0
    shared = build_business_case(
        youth(), sold_to("bigby", model="public_public_shared_service"), evidence, draws=0
    )
    assert shared.measures.fte_transferred == 0.0


@given(
    st.floats(min_value=1.0, max_value=5e6),
    st.floats(min_value=1.0, max_value=5e6),
    st.floats(min_value=0.0, max_value=1.0),
)
def test_a_buyer_never_takes_more_than_a_buyer_of_the_councils_own_size(
    smaller: float, larger: float, staff_share: float
) -> None:
    """For any two council buyers, the larger never takes less than the smaller, and neither more
    than a council of the authority's own size (30% of the in-house part, which is at most the
    whole cost)."""
    evidence = load_evidence()
    low, high = sorted((smaller, larger))
    book = AssumptionBook(evidence, dt.date(2024, 6, 1))
    services = [make_service("s", kind="front_line", staff_cost=staff_share * 1e6)]
    partners = [
        make_partner("a", "local_authority", population=low),
        make_partner("b", "local_authority", population=high),
    ]
    model = evidence.model("commercial_trading")
    trading, problems = trading_ranges(book, model, partners, services, 200_000.0)
    assert problems == []
    (a, b) = trading.buyers
    assert a[1] <= b[1] + 1e-15
    ceiling = 0.30 * min(1.0, 1.54 * staff_share)
    assert all(0.0 <= v <= ceiling + 1e-12 for triple in trading.buyers for v in triple)
