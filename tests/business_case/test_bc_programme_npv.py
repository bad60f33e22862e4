"""The programme's net present value across the draws, and projects sharing a partner drawn
together through a common factor (Iman-Conover re-pairing: each project's own draws unchanged)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from tests.conftest import make_authority, make_partner, make_service

from shareplan.business_case import BusinessCase, build_business_cases, simulate_programme
from shareplan.business_case.programme import (
    ProgrammeSimulation,
    link_by_partner,
    npv_summary,
    shared_partners,
)
from shareplan.evidence import EvidenceBase
from shareplan.opportunities import Opportunity
from shareplan.scenario import Scenario

SEED = 20101201


def scenario() -> Scenario:
    return Scenario(
        authority=make_authority(),
        services=(
            make_service("payroll", platforms=("SAP",)),
            make_service("revs", gross_cost=3_000_000.0, fte=80.0, kind="front_office"),
            make_service("audit", gross_cost=1_500_000.0, fte=30.0, kind="back_office"),
        ),
        partners=(
            make_partner("northby", "local_authority", platforms=("SAP",)),
            make_partner("southby", "local_authority", platforms=("SAP",)),
        ),
    )


def opp(service: str, model: str, partners: tuple[str, ...]) -> Opportunity:
    return Opportunity(
        id=f"{service}:{model}:{'+'.join(partners)}",
        title=service,
        unit_id=service,
        service_ids=(service,),
        partner_ids=partners,
        model=model,
    )


@pytest.fixture(scope="module")
def cases(evidence: EvidenceBase) -> tuple[BusinessCase, ...]:
    """Payroll and revenues both shared with Northby; audit shared with Southby alone."""
    return build_business_cases(
        scenario(),
        [
            opp("payroll", "public_public_shared_service", ("northby",)),
            opp("revs", "public_public_shared_service", ("northby",)),
            opp("audit", "public_public_shared_service", ("southby",)),
        ],
        evidence,
        draws=200,
    )


def _npvs(sim: ProgrammeSimulation, cases: tuple[BusinessCase, ...]) -> np.ndarray:
    factors = np.array([[y.discount_factor for y in c.adjusted.years] for c in cases])
    assert sim.draws is not None
    result: np.ndarray = np.einsum("doy,oy->do", sim.draws, factors)
    return result


def test_one_project_programme_npv_is_its_own_risk_analysis(evidence: EvidenceBase) -> None:
    """A programme of one project: its NPV's mean, P10, P50, P90 and chance of a positive value
    are the business case's own (the same draws, the same seed)."""
    (case,) = build_business_cases(
        scenario(),
        [opp("payroll", "public_public_shared_service", ("northby",))],
        evidence,
        draws=3_000,
    )
    sim = simulate_programme([case], 3_000, scenario().authority.random_seed)
    mc = case.monte_carlo
    assert sim.npv is not None and mc is not None
    assert sim.npv.mean == pytest.approx(mc.mean, rel=1e-9)
    assert sim.npv.p10 == pytest.approx(mc.p10, rel=1e-9)
    assert sim.npv.p50 == pytest.approx(mc.p50, rel=1e-9)
    assert sim.npv.p90 == pytest.approx(mc.p90, rel=1e-9)
    assert sim.npv.prob_positive == pytest.approx(mc.prob_npv_positive)
    assert sim.npv.shared_partners == () and sim.npv.partner_correlation == 0.0


def test_summary_of_known_draws() -> None:
    """Ten draws 1..10: mean 5.5, numpy's linear P10 1.9, P50 5.5, P90 9.1; 7 of 10 above 3."""
    npvs = np.arange(1.0, 11.0) - 3.0
    s = npv_summary(npvs, 0.5, ("northby",))
    assert (s.mean, s.p10, s.p50, s.p90) == pytest.approx((2.5, -1.1, 2.5, 6.1))
    assert s.prob_positive == pytest.approx(0.7)
    assert s.shared_partners == ("northby",) and s.partner_correlation == 0.5


def test_shared_partners_are_those_in_more_than_one_project(
    cases: tuple[BusinessCase, ...],
) -> None:
    assert shared_partners(cases) == ("northby",)


def test_full_correlation_orders_shared_projects_alike() -> None:
    """rho = 1: both projects with the partner are ranked by the same factor, so their NPVs have
    rank correlation exactly 1; the third (no shared partner) keeps its draws in their order."""

    class Case:
        def __init__(self, partners: tuple[str, ...]) -> None:
            self.partner_ids = partners

    rng = np.random.default_rng(1)
    draws = rng.normal(size=(500, 3, 2))
    factors = np.ones((3, 2))
    linked = link_by_partner(
        draws,
        factors,
        [Case(("a",)), Case(("a", "b")), Case(("c",))],  # type: ignore[list-item]
        ("a",),
        1.0,
        seed=7,
    )
    npv = linked.sum(axis=2)
    assert stats.spearmanr(npv[:, 0], npv[:, 1]).statistic == pytest.approx(1.0)
    np.testing.assert_array_equal(linked[:, 2, :], draws[:, 2, :])
    for i in range(2):  # each project's own draws, whole, only re-paired
        np.testing.assert_array_equal(
            np.sort(linked[:, i, 0] + 1e3 * linked[:, i, 1]),
            np.sort(draws[:, i, 0] + 1e3 * draws[:, i, 1]),
        )


def test_projects_sharing_a_partner_move_together(cases: tuple[BusinessCase, ...]) -> None:
    """With rho 0.5 the two Northby projects' NPVs have rank correlation near
    (6 / pi) asin(rho / 2) = 0.483 (the latent normals' correlation is rho); Southby's project
    stays independent of both; each project's own NPV draws and the programme's mean are the
    same as when drawn independently, and the programme's low case is lower."""
    seed, n = SEED, 6_000
    alone = simulate_programme(cases, n, seed)
    linked = simulate_programme(cases, n, seed, partner_correlation=0.5)
    a, b = _npvs(alone, cases), _npvs(linked, cases)
    assert abs(stats.spearmanr(a[:, 0], a[:, 1]).statistic) < 0.05
    expected = 6 / np.pi * np.arcsin(0.25)
    assert stats.spearmanr(b[:, 0], b[:, 1]).statistic == pytest.approx(expected, abs=0.04)
    assert abs(stats.spearmanr(b[:, 0], b[:, 2]).statistic) < 0.05
    for i in range(3):
        np.testing.assert_allclose(np.sort(a[:, i]), np.sort(b[:, i]))
    assert alone.npv is not None and linked.npv is not None
    assert linked.npv.mean == pytest.approx(alone.npv.mean, rel=1e-12)
    assert linked.npv.p10 < alone.npv.p10 and linked.npv.p90 > alone.npv.p90
    assert linked.npv.shared_partners == ("northby",)
    assert linked.npv.partner_correlation == 0.5
    assert alone.npv.partner_correlation == 0.0
