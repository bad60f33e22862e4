"""The figures a Director of Finance signs: each rule of the business case with a hand-computed
answer (the arithmetic is in each docstring).

The test scenario (tests/business_case/test_bc_case.py): payroll, a back-office service costing
1,000,000 a year with 25 FTE on SAP; Northby and Southby are councils on SAP, Acme a private firm.
The staff share of a back-office service is 65%, so the average cost per FTE is 650,000 / 25 =
26,000.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.business_case.test_bc_case import opp, scenario
from tests.conftest import make_authority, make_partner, make_service
from typer.testing import CliRunner

from shareplan.business_case import build_business_case, cashflow
from shareplan.business_case.procurement import Procurement
from shareplan.business_case.staffing import cost_per_fte_warnings, jobs
from shareplan.cli import app
from shareplan.evidence import EvidenceBase, load_evidence
from shareplan.scenario import ParameterOverride, Scenario
from shareplan.scenario.csvio import write_folder


def with_parameters(sc: Scenario, **values: object) -> Scenario:
    return sc.model_copy(
        update={"parameters": tuple(ParameterOverride(key=k, value=v) for k, v in values.items())}
    )


def total(case_years: tuple[object, ...], kind: str) -> float:
    return float(sum(y.costs[kind] for y in case_years))  # type: ignore[attr-defined]


def test_redundancy_and_route_fees_are_not_uplifted_by_the_capital_bound(
    evidence: EvidenceBase,
) -> None:
    """Payroll shared with Northby (public-public shared service, both on SAP):

    * project team 2 FTE x 1.5 x 26,000 / 12 = 6,500 a month, for 3 months' negotiation and
      6 + 4 x (1 - 0.7) = 7.2 months' implementation: 6,500 x 10.2 = 66,300;
    * ICT 1,000,000 x 10% x (1 - 0.7) = 30,000; route fees 15,000;
    * redundancy and pension strain: 25 x 12% = 3 FTE x (0.35 + 0.25) x 26,000 = 46,800.

    Optimism bias at the 200% equipment-and-development bound falls on the team and the ICT only:
    2 x (66,300 + 30,000) = 192,600, not 2 x 158,100 = 316,200. One-off cost 158,100 unadjusted,
    350,700 adjusted."""
    case = build_business_case(
        scenario(), opp("public_public_shared_service", ("northby",)), evidence, draws=0
    )
    u, a = case.unadjusted.years, case.adjusted.years
    assert total(u, "project_team") == pytest.approx(66_300)
    assert total(u, "ict_integration") == pytest.approx(30_000)
    assert total(u, "procurement_legal") == pytest.approx(15_000)
    assert total(u, "redundancy_pension") == pytest.approx(46_800)
    assert total(a, "optimism_bias_one_off") == pytest.approx(192_600)
    assert case.unadjusted.measures.one_off_cost == pytest.approx(158_100)
    assert case.adjusted.measures.one_off_cost == pytest.approx(350_700)
    mapping = {c.cost_line: (c.project_type, c.uplift) for c in case.optimism_bias.one_off}
    assert mapping["redundancy_pension"] == ("", 0.0)
    assert mapping["procurement_legal"] == ("", 0.0)
    assert mapping["ict_integration"] == ("equipment_development", 2.0)


def test_a_fixed_price_contract_mitigates_the_whole_operating_uplift(
    evidence: EvidenceBase,
) -> None:
    """Payroll outsourced to Acme: the operating uplift (41%) falls on the saving the contract
    promises, year by year (0.41 x the savings line), so the NPV falls by exactly 0.41 x PV of the
    savings. The contract is let by competitive tender (6.72m over the term, above the threshold),
    so by default it is let at a fixed price (optimism.fixed_price_contract.tendered = yes): the
    uplift is 41% x (1 - 1) = 0, no operating line, and the NPV is that PV higher than when the
    tender lets a contract whose price is not fixed (tendered = no)."""
    sc = scenario()
    plain = build_business_case(
        with_parameters(sc, **{"optimism.fixed_price_contract.tendered": False}),
        opp("public_private", ("acme",)),
        evidence,
        draws=0,
    )
    fixed = build_business_case(sc, opp("public_private", ("acme",)), evidence, draws=0)
    assert fixed.procurement.needs_tender
    for y in plain.adjusted.years:
        assert y.costs["optimism_bias_operating"] == pytest.approx(0.41 * y.savings)
    pv_savings = sum(y.savings * y.discount_factor for y in plain.adjusted.years)
    assert fixed.optimism_bias.fixed_price_contract
    assert fixed.optimism_bias.operating_mitigated == 1.0
    assert fixed.optimism_bias.operating_uplift == 0.0
    assert all(y.costs["optimism_bias_operating"] == 0.0 for y in fixed.adjusted.years)
    assert fixed.measures.npv - plain.measures.npv == pytest.approx(0.41 * pv_savings)


def test_a_trading_option_has_no_switching_value_for_the_saving(evidence: EvidenceBase) -> None:
    """Payroll sold to Northby and Southby: trading income 1,000,000 x 2 x 25% x 10% = 50,000 a
    year; own saving 3% = 30,000. One-off cost: team 1.5 x 1.5 x 26,000 / 12 = 4,875 a month for
    3 + 4 + 1.2 = 8.2 months = 39,975 and ICT 1,000,000 x 5% x 0.3 = 15,000, both tripled (164,925),
    and 15,000 of fees: about 180,000, well below the PV of 50,000 a year for nine years. So the NPV
    stays positive with no saving at all: no switching value, and a sentence says why. The jobs:
    25 x 3% = 0.75 posts saved, 25 x 50% = 12.5 needed for the buyers' work: none released (no
    redundancy), 11.75 created, all 25 kept. The buyers' contracts are signed (win probability
    1); both are councils of the same size, and payroll is wholly delivered in-house."""
    case = build_business_case(
        with_parameters(scenario(), **{"savings.trading_win_probability": 1.0}),
        opp("commercial_trading", ("northby", "southby")),
        evidence,
        draws=0,
    )
    saving = next(s for s in case.switching_values if s.input == "annual_saving")
    assert saving.switching_value is None
    assert "no switching value" in saving.note and "trading income alone" in saving.note
    assert saving.convention.startswith("Green Book")
    assert total(case.adjusted.years, "project_team") == pytest.approx(39_975)
    at_zero = cashflow.npv_fast(
        build_case_inputs(case).replace(share=0.0, exit_cost_full=0.0),
        np.array([y.discount_factor for y in case.adjusted.years]),
    )
    assert float(at_zero) > 0
    m = case.measures
    assert m.fte_released == 0.0
    assert m.fte_created_in_borough == pytest.approx(11.75)
    assert m.fte_kept_in_borough == pytest.approx(25.0)
    assert total(case.adjusted.years, "redundancy_pension") == 0.0


def build_case_inputs(case: object) -> cashflow.FlowInputs:
    inputs = case.model_inputs  # type: ignore[attr-defined]
    return cashflow.FlowInputs(**inputs)


def test_no_switching_value_is_negative_and_redundancy_stays_fixed(evidence: EvidenceBase) -> None:
    """The Green Book convention holds every other input: for the shared service with Northby the
    saving's switching value s* solves NPV + slope x (s* - 12%) = 0 with slope the PV of one unit of
    saving share alone; the costs, redundancy included (46,800), are unchanged at s*."""
    case = build_business_case(
        scenario(), opp("public_public_shared_service", ("northby",)), evidence, draws=0
    )
    saving = next(s for s in case.switching_values if s.input == "annual_saving")
    assert saving.switching_value is not None and saving.switching_value > 0
    inputs = build_case_inputs(case)
    factors = np.array([y.discount_factor for y in case.adjusted.years])
    share = saving.switching_value / 1_000_000
    held = inputs.replace(share=share, exit_cost_full=46_800 / share / 1.0)
    assert float(cashflow.npv_fast(held, factors)) == pytest.approx(0.0, abs=1e-4)
    assert all(s.switching_value is None or s.switching_value >= 0 for s in case.switching_values)


@given(
    fte=st.floats(min_value=0.0, max_value=2_000.0),
    share=st.floats(min_value=-0.5, max_value=1.5),
    volume=st.floats(min_value=0.0, max_value=3.0),
    local=st.floats(min_value=0.0, max_value=1.0),
)
def test_jobs_stay_within_the_establishment(
    fte: float, share: float, volume: float, local: float
) -> None:
    """Released, kept and created are never negative; kept is never above the establishment, and
    released plus kept in the borough is never above it either; redundancy is booked only on the
    net release (none where the model adds more posts than it saves)."""
    j = jobs(fte, share, volume, local)
    assert 0.0 <= j.released <= fte + 1e-9
    assert 0.0 <= j.kept_in_borough <= fte + 1e-9
    assert j.released + j.kept_in_borough <= fte + 1e-6
    assert j.created_in_borough >= 0.0
    if volume * fte >= min(max(share, 0.0), 1.0) * fte:
        assert j.released == 0.0


MODELS = (
    ("commercial_trading", ("northby", "southby")),
    ("public_public_shared_service", ("northby",)),
    ("strategic_collaboration", ("northby", "southby", "eastby")),
    ("public_private", ("acme",)),
    ("corporate_centralisation", ()),
)


@settings(max_examples=25, deadline=None)
@given(
    choice=st.sampled_from(MODELS),
    fte=st.floats(min_value=1.0, max_value=900.0),
    gross=st.floats(min_value=50_000.0, max_value=50_000_000.0),
    volume=st.floats(min_value=0.0, max_value=2.0),
)
def test_fte_kept_never_above_the_establishment_in_any_business_case(
    choice: tuple[str, tuple[str, ...]], fte: float, gross: float, volume: float
) -> None:
    """Whatever the service's size, the model and the buyers' volume, the business case keeps at
    most the establishment in the borough."""
    model, partners = choice
    sc = with_parameters(
        scenario(),
        **{"savings.trading.volume_per_buyer.central": volume / 2},
        **{"savings.trading.volume_per_buyer.high": max(volume / 2, 0.3)},
        **{"savings.trading.volume_per_buyer.low": min(volume / 2, 0.1)},
    )
    services = (make_service("payroll", gross_cost=gross, fte=fte, platforms=("SAP",)),)
    sc = sc.model_copy(update={"services": services})
    case = build_business_case(sc, opp(model, partners), load_evidence(), draws=0)
    m = case.measures
    assert 0.0 <= m.fte_kept_in_borough <= case.fte + 1e-9
    assert m.fte_released + m.fte_kept_in_borough <= case.fte + 1e-6


def test_cost_per_fte_outside_the_plausible_range_is_a_warning_naming_the_row(
    evidence: EvidenceBase,
) -> None:
    """Leisure: 5,083,425 x 45% (front line) / 20 FTE = 114,377 per FTE, above 75,000: a warning
    on the services sheet, row 3 (the second service). Given its own staff cost of 620,000, it is
    31,000 per FTE: no warning, and the business case prices its team with it: 2 x 1.5 x 31,000 /
    12 = 7,750 a month for an outsourcing."""
    leisure = make_service("leisure", gross_cost=5_083_425.0, fte=20.0, kind="front_line")
    sc = scenario().model_copy(update={"services": (make_service("payroll"), leisure)})
    (warning,) = cost_per_fte_warnings(sc, evidence)
    assert (warning.sheet, warning.row, warning.column) == ("services", 3, "fte")
    assert "114,377" in warning.message and "leisure" in warning.message
    fixed = leisure.model_copy(update={"staff_cost": 620_000.0})
    sc = sc.model_copy(update={"services": (make_service("payroll"), fixed)})
    assert cost_per_fte_warnings(sc, evidence) == []
    case = build_business_case(
        sc, opp("public_private", ("acme",), service="leisure"), evidence, draws=0
    )
    assert case.model_inputs["team_cost_per_month"] == pytest.approx(7_750.0)


def test_year_zero_is_the_financial_year_of_the_appraisal_date(evidence: EvidenceBase) -> None:
    """Appraised on 1 December 2010 (in 2010/11) for a proposal starting in 2011: year 0 is
    2010/11 and the proposal's first year, 2011/12, is discounted by 1 / 1.035 = 0.966184; its
    second by 1 / 1.035**2 = 0.933511. Appraised in the proposal's own year, its first year takes 1.
    An appraisal dated 1 March 2011 is still in 2010/11."""
    sc = scenario(price_base_year=2010, first_year=2011, appraisal_date=dt.date(2010, 12, 1))
    case = build_business_case(
        sc, opp("public_public_shared_service", ("northby",)), evidence, draws=0
    )
    first, second = case.adjusted.years[:2]
    assert first.label == "2011/12" and first.discount_factor == pytest.approx(1 / 1.035)
    assert second.discount_factor == pytest.approx(1 / 1.035**2)
    same = scenario(price_base_year=2011, first_year=2011, appraisal_date=dt.date(2011, 6, 1))
    own = build_business_case(
        same, opp("public_public_shared_service", ("northby",)), evidence, draws=0
    )
    assert own.adjusted.years[0].discount_factor == 1.0
    march = scenario(price_base_year=2010, first_year=2011, appraisal_date=dt.date(2011, 3, 1))
    late = build_business_case(
        march, opp("public_public_shared_service", ("northby",)), evidence, draws=0
    )
    assert late.adjusted.years[0].discount_factor == pytest.approx(1 / 1.035)
    assert any(a.key == "derived.year_zero" and a.value == "2010/11" for a in case.assumptions)


def light_touch_scenario(gross: float, on: dt.date, *, light_touch: bool = True) -> Scenario:
    services = (
        make_service("care", gross_cost=gross, kind="back_office", light_touch=light_touch),
    )
    return Scenario(
        authority=make_authority(price_base_year=on.year, first_year=on.year, appraisal_date=on),
        services=services,
        partners=(make_partner("acme", "private"),),
    )


def test_a_part_b_service_in_2010_needs_no_ojeu_notice_but_a_large_one_is_advertised(
    evidence: EvidenceBase,
) -> None:
    """A Part B service outsourced in December 2010 under the 2006 Regulations needs no OJEU
    contract notice at any value, but a contract of cross-border interest must still be
    advertised under the Treaty principles (procurement.part_b_advertising: from 500,000 over the
    term; run like a full tender from 5,000,000):

    * 50,000 a year: 50,000 x (1 - 20%) x 7 = 280,000: no notice, 4 months, 20,000;
    * 200,000 a year: 1,120,000: advertised, 6 months, 40,000;
    * 1,000,000 a year: 5,600,000: advertised like a full tender, 9 months, 60,000.

    The same 1,000,000 service, not Part B, must be tendered on OJEU."""
    on = dt.date(2010, 12, 1)
    o = opp("public_private", ("acme",), service="care")

    def route(gross: float) -> Procurement:
        return build_business_case(
            light_touch_scenario(gross, on), o, evidence, draws=0
        ).procurement

    small, medium, large = route(50_000), route(200_000), route(1e6)
    assert small.route == "part_b_no_notice" and not small.needs_tender
    assert small.contract_value == pytest.approx(280_000)
    assert (small.lead_time_months, small.cost) == (4.0, 20_000.0)
    assert medium.route == "part_b_advertised" and medium.needs_tender
    assert medium.contract_value == pytest.approx(1_120_000)
    assert (medium.lead_time_months, medium.cost) == (6.0, 40_000.0)
    assert large.route == "part_b_advertised" and large.needs_tender
    assert large.contract_value == pytest.approx(5_600_000)
    assert (large.lead_time_months, large.cost) == (9.0, 60_000.0)
    for p in (small, medium, large):
        assert any("no OJEU" in r and "Part B" in r for r in p.reasons)
    assert any("Treaty principles" in r for r in large.reasons)
    assert any("£5.6m" in r for r in large.reasons)
    plain = build_business_case(
        light_touch_scenario(1e6, on, light_touch=False), o, evidence, draws=0
    )
    assert plain.procurement.route == "competitive_above_threshold"


def test_a_light_touch_service_below_its_threshold_in_2025_needs_no_notice(
    evidence: EvidenceBase,
) -> None:
    """Procured from June 2025 under the Procurement Act 2023: 90,000 a year x (1 - 20%) x 7 years
    x 1.2 (VAT) = 604,800, below the light-touch threshold of 663,540 (VAT inclusive): no notice on
    Find a Tender. At 100,000 a year: 672,000, above it: a light-touch notice. The same 90,000
    service outside the regime is above the 214,904 services threshold and is tendered."""
    on = dt.date(2025, 6, 1)
    o = opp("public_private", ("acme",), service="care")
    below = build_business_case(light_touch_scenario(90_000, on), o, evidence, draws=0).procurement
    assert below.threshold == 663_540 and below.threshold_vat_inclusive
    assert below.contract_value == pytest.approx(604_800)
    assert below.route == "below_threshold" and not below.needs_tender
    assert any("no notice on Find a Tender" in r for r in below.reasons)
    above = build_business_case(light_touch_scenario(100_000, on), o, evidence, draws=0)
    assert above.procurement.route == "light_touch_above_threshold"
    assert above.procurement.contract_value == pytest.approx(672_000)
    plain = build_business_case(
        light_touch_scenario(90_000, on, light_touch=False), o, evidence, draws=0
    )
    assert plain.procurement.route == "competitive_above_threshold"


def test_selling_at_a_margin_to_a_private_buyer_does_not_send_the_council_to_tender(
    evidence: EvidenceBase,
) -> None:
    """The council sells payroll to Acme at a 10% margin: it is the supplier, so it runs no
    tender, and a private buyer is not a contracting authority, so nobody does. Sold at a margin to
    two councils of its size, each buying 1,000,000 x 25% = 250,000 a year of work, at 275,000
    with the margin (2,310,000 over 7 years with VAT, above 214,904), the buyers cannot rely on
    the cooperation exemption and must advertise: the council must win each competition, and
    still does not tender itself."""
    private = build_business_case(
        scenario(), opp("commercial_trading", ("acme",)), evidence, draws=0
    )
    p = private.procurement
    assert p.route == "council_supplies" and not p.needs_tender and not p.buyers_may_tender
    assert any("not contracting authorities" in r for r in p.reasons)
    public = build_business_case(
        scenario(), opp("commercial_trading", ("northby", "southby")), evidence, draws=0
    ).procurement
    assert public.route == "council_supplies" and not public.needs_tender
    assert public.buyers_may_tender
    assert any("sold at a margin" in r for r in public.reasons)
    assert public.buyers_advertise == (True, True)
    assert sum("£2.3m" in r and "must win" in r for r in public.reasons) == 2


def test_thresholds_apply_on_the_date_the_procurement_starts(evidence: EvidenceBase) -> None:
    """Appraised on 1 December 2021 (when the threshold was 189,330 net of VAT) for a proposal
    starting in 2022/23: the procurement starts on 1 April 2022, when the threshold is 213,477
    including VAT."""
    sc = scenario(price_base_year=2021, first_year=2022, appraisal_date=dt.date(2021, 12, 1))
    p = build_business_case(sc, opp("public_private", ("acme",)), evidence, draws=0).procurement
    assert p.procurement_start == dt.date(2022, 4, 1)
    assert p.threshold == 213_477 and p.threshold_vat_inclusive


def test_with_symmetric_ranges_the_median_is_the_headline(evidence: EvidenceBase) -> None:
    """Saving share 10% +/- 5%, cost multiplier 0.8-1.0-1.2, delay 0-3-6 months (so the headline
    carries 3 months' delay): every range is symmetric, the Monte Carlo only spreads around the
    headline, and P50 is within 2% of the headline NPV; the mean too."""
    sc = with_parameters(
        scenario(),
        **{
            "savings.share.public_public_shared_service.back_office.low": 0.05,
            "savings.share.public_public_shared_service.back_office.central": 0.10,
            "savings.share.public_public_shared_service.back_office.high": 0.15,
            "montecarlo.one_off_cost_multiplier.low": 0.8,
            "montecarlo.one_off_cost_multiplier.high": 1.2,
            "montecarlo.delay_months.central": 3.0,
            "montecarlo.delay_months.high": 6.0,
        },
    )
    case = build_business_case(
        sc, opp("public_public_shared_service", ("northby",)), evidence, draws=20_000
    )
    mc = case.monte_carlo
    assert mc is not None and mc.headline is not None
    assert mc.headline == pytest.approx(case.measures.npv)
    assert abs(mc.p50 - mc.headline) <= 0.02 * abs(mc.headline)
    assert abs(mc.mean - mc.headline) <= 0.02 * abs(mc.headline)
    assert "within 2%" in mc.gap_explanation


def test_an_eighth_model_lists_every_missing_parameter_at_once(tmp_path: Path) -> None:
    """A copy of the evidence whose models.toml gains an eighth model (and nothing else): validate
    exits 2, without a traceback, naming every per-model parameter that lacks it at once, among
    them the project team, the ICT share, the implementation months, the optimism project types,
    the saving shares and the assessment's lead time and host."""
    import shareplan.evidence as evidence_package

    shipped = Path(evidence_package.__file__).parent / "data"
    copy = tmp_path / "evidence"
    shutil.copytree(shipped, copy)
    with (copy / "models.toml").open("a", encoding="utf-8") as f:
        f.write(
            '\n[[model]]\nid = "mutual"\ncode = "mu"\nname = "Staff mutual"\n'
            'explanation = "Staff spin out into a mutual that contracts with the council"\n'
            "average_saving = 0\nshare_of_savings = 0\n"
            'allowed_sectors = ["voluntary_community"]\nmin_partners = 1\n'
            'tender = "competitive"\nrelationship = "customer_supplier"\nsells_service = false\n'
        )
    from tests.conftest import FIXTURES

    result = CliRunner().invoke(
        app, ["validate", str(FIXTURES / "minimal"), "--evidence", str(copy)]
    )
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    flat = " ".join(result.output.split())
    for key in (
        "costs.project_team_fte",
        "costs.ict_integration_share",
        "costs.implementation_months",
        "optimism.project_types",
        "savings.share.<model>",
        "assessment.lead_time_months.<model>",
        "assessment.within_borough.host.<model>",
    ):
        assert key in flat, key
    assert flat.count("'mutual'") >= 7


def test_validate_shows_the_cost_per_fte_warning(tmp_path: Path, minimal: Scenario) -> None:
    """A warning does not fail validation (exit 0) but is shown, and listed in --json."""
    services = list(minimal.services)
    services[0] = services[0].model_copy(update={"fte": 1.0, "gross_cost": 1_000_000.0})
    folder = tmp_path / "scenario"
    write_folder(minimal.model_copy(update={"services": tuple(services)}), folder, load_evidence())
    result = CliRunner().invoke(app, ["validate", str(folder)])
    assert result.exit_code == 0
    assert "Warning" in result.output and "per FTE" in " ".join(result.output.split())
