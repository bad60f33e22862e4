"""Shortlist, value functions and assess() on the minimal fixture, with answers worked by hand.

Fixture: Exampleton (corporate priorities health, jobs). Payroll: SAP, track record 4, priority
jobs, sub-regional, not early intervention; public verdict. Care: not suitable. Partners: Northby
Council (local authority, sub-region, affinity 4, SAP, objectives jobs), Exampleton NHS (health,
borough, wants only care) and Acme Services Ltd (private, elsewhere, affinity 2, SAP).
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from shareplan.assessment import DeliveryFacts, assess, explain_ranking, shortlist
from shareplan.assessment.criteria import C
from shareplan.assessment.screening import REASON_NOT_SUITABLE, REASON_PRIVATE_FOR_PUBLIC
from shareplan.evidence import EvidenceBase, Sector
from shareplan.opportunities import generate
from shareplan.opportunities.model import Opportunity
from shareplan.scenario import ParameterOverride, Scenario
from shareplan.scenario.model import DeclaredOpportunity


def test_shortlist_counts(minimal: Scenario, evidence: EvidenceBase) -> None:
    """Payroll's long-list entries: 3 (sc, jp, ct with Northby) + 1 (pps Northby) + 2 (pp with Acme,
    alone or with Northby) + 1 (cc) = 7; care's: 15. Care is not suitable: all 15 out. The two
    public-private ones with Acme contradict payroll's public verdict. Of the 5 left, K = 3 kept."""
    long_list = generate(minimal, evidence)
    result = shortlist(long_list, minimal, evidence)
    assert result.considered == 22
    assert result.dropped_by_reason[REASON_NOT_SUITABLE] == 15
    assert result.dropped_by_reason[REASON_PRIVATE_FOR_PUBLIC] == 2
    assert len(result.opportunities) == 3
    assert all(o.unit_id == "payroll" for o in result.opportunities)
    assert sum(sum(r.values()) for r in result.dropped_by_model.values()) == 19
    json.dumps(result.to_dict())


def test_declared_override_is_kept_and_recorded(minimal: Scenario, evidence: EvidenceBase) -> None:
    declared = (
        DeclaredOpportunity(
            id="care-nhs",
            service_ids=("care",),
            partner_ids=("nhs",),
            model="public_other_shared_service",
            screen_override="Members asked for integrated assessment with the NHS (Cabinet, May)",
        ),
        DeclaredOpportunity(
            id="care-northby",
            service_ids=("care",),
            partner_ids=("northby",),
            model="strategic_collaboration",
        ),
    )
    scenario = minimal.model_copy(update={"opportunities": declared})
    result = shortlist(generate(scenario, evidence), scenario, evidence)
    ids = [o.id for o in result.opportunities]
    assert "care-nhs" in ids and "care-northby" not in ids
    assert result.overridden == (("care-nhs", declared[0].screen_override),)
    assert result.declared_screened_out == (("care-northby", REASON_NOT_SUITABLE),)
    assessment = assess(result.opportunities, scenario, evidence, smaa_samples=500)
    screening = assessment.screening("care-nhs")
    assert screening["recommendation"] == "not_suitable"
    assert screening["passes"] is True
    assert screening["override"] == declared[0].screen_override
    assert screening["flags"][0]["code"] == "contradicts_screen"


def test_value_functions_by_hand(minimal: Scenario, evidence: EvidenceBase) -> None:
    """payroll:ct:northby (commercial trading, Northby):
    track record (4-1)/4*100 = 75; objectives 1 of 1 known share 'jobs' = 100; platforms SAP = 100;
    not early intervention = 0; corporate priorities: 1 match / full marks at 2 = 50; the council
    does the work = 100; footprint sub-region = service's sub-region -> 100; affinity beyond
    (4-1)/4*100 = 75; no voluntary partner = 0; quick win: typical 9 months <= 12 -> 100;
    benefit/speed: 0.5 * 247/382 + 0.5 * (1 - 9/36) = 0.32330 + 0.375 -> 69.830; business case
    pending (missing, counted at 50); legal provisional public-exempt = 100.
    """
    opps = shortlist(generate(minimal, evidence), minimal, evidence).opportunities
    a = assess(opps, minimal, evidence, smaa_samples=500)
    i = a.index("payroll:ct:northby")
    expected = [
        75,
        100,
        100,
        0,
        50,
        100,
        100,
        75,
        0,
        100 * (0.5 * 247 / 382 + 0.375),
        100,
        None,
        100,
    ]
    got = a.matrix.scores[i]
    for j, e in enumerate(expected):
        if e is None:
            assert np.isnan(got[j])
        else:
            assert got[j] == pytest.approx(e), a.criteria[j]
    scores = a.scores("payroll:ct:northby")
    crit = scores["criteria"]
    assert crit["clear_business_case"]["status"] == "missing"
    assert crit["clear_business_case"]["counted_as"] == 50
    assert crit["quick_win"]["status"] == "provisional"
    assert "typical for the model" in crit["quick_win"]["rationale"]
    assert scores["missing"] == ["clear_business_case"]
    assert sum(c["weighted"] for c in crit.values()) == pytest.approx(scores["total"], abs=1e-3)
    json.dumps(a.to_dict())


def test_corporate_centralisation_not_applicable(minimal: Scenario, evidence: EvidenceBase) -> None:
    """payroll:cc (no partner): objectives, platforms and affinity are not applicable (shown, score
    None, counted at the neutral 50); footprint borough vs a sub-regional service ->
    100 - 100/3 = 66.667; the council does the work -> within the borough 100."""
    long_list = generate(minimal, evidence)
    block = next(b for b in long_list.blocks() if b.unit.id == "payroll")
    cc_pos = [
        k
        for k in range(len(block))
        if long_list.model_ids[int(block.model_index[k])] == "corporate_centralisation"
    ]
    opp = long_list.materialise(block, cc_pos)
    a = assess(opp, minimal, evidence, smaa_samples=200)
    st = a.scores(opp[0].id)["criteria"]
    for c in ("common_objectives", "common_platforms", "affinity_beyond"):
        assert st[c]["status"] == "not_applicable" and st[c]["score"] is None
    assert st["geographical_level"]["score"] == pytest.approx(100 - 100 / 3, abs=1e-3)
    assert a.matrix.scores[0, C["within_borough"]] == 100


def test_business_case_facts_change_the_right_time_scores(
    minimal: Scenario, evidence: EvidenceBase
) -> None:
    """With the business case: 30 months to first saving -> quick win (36-30)/(36-12) = 25;
    BCR 1.5 with full marks at 2.0 -> 75; legal confirmed unclear -> 0. All now 'scored'."""
    opps = shortlist(generate(minimal, evidence), minimal, evidence).opportunities
    oid = "payroll:ct:northby"
    facts = {oid: DeliveryFacts(months_to_first_saving=30, bcr=1.5, npv=120_000, legal_clear=False)}
    a = assess(opps, minimal, evidence, facts, smaa_samples=500)
    crit = a.scores(oid)["criteria"]
    assert crit["quick_win"]["score"] == pytest.approx(25)
    assert crit["clear_business_case"]["score"] == pytest.approx(75)
    assert crit["legal_procurement_clear"]["score"] == 0
    assert {
        crit[c]["status"] for c in ("quick_win", "clear_business_case", "legal_procurement_clear")
    } == {"scored"}
    assert "from the business case" in crit["quick_win"]["rationale"]


def test_explain_names_the_difference(minimal: Scenario, evidence: EvidenceBase) -> None:
    """Strategic collaboration (6 months) and joint procurement (9 months) with Northby differ only
    in benefit/speed: 0.5*(265 - 54)/382 + 0.5*(9 - 6)/36 = 0.27618 + 0.04167 = 0.31785 -> 31.785
    points x weight 0.28/5 = 0.056 -> 1.780 total points.

    Both models are set to host the work jointly ("shared"), so that commercial trading (hosted by
    the council, full marks on keeping jobs in the borough) does not rank between the two."""
    shared = tuple(
        ParameterOverride(key=f"assessment.within_borough.host.{model}", value="shared")
        for model in ("strategic_collaboration", "joint_procurement")
    )
    scenario = minimal.model_copy(update={"parameters": shared})
    opps = shortlist(generate(scenario, evidence), scenario, evidence).opportunities
    a = assess(opps, scenario, evidence, smaa_samples=500)
    out = explain_ranking(a, "payroll:sc:northby")
    compared = out["compared_with"]
    assert isinstance(compared, dict)
    assert compared["lower"] == "payroll:jp:northby"
    assert compared["gap"] == pytest.approx(1.780, abs=1e-3)
    assert [d["criterion"] for d in compared["differences"]] == ["benefit_cost_speed"]
    assert "benefit cost speed (+1.78)" in compared["summary"]
    json.dumps(out)
    last = explain_ranking(a, a.ranked()[-1])
    assert last["compared_with"]["lower"] == a.ranked()[-1]  # type: ignore[index]


def _with_sector(evidence: EvidenceBase, sector: Sector, **flags: bool) -> EvidenceBase:
    sectors = tuple(s.model_copy(update=flags) if s.id == sector else s for s in evidence.sectors)
    return evidence.model_copy(update={"sectors": sectors})


def _generated(
    scenario: Scenario, evidence: EvidenceBase, unit: str, partner: str, model: str
) -> Opportunity:
    long_list = generate(scenario, evidence)
    block = next(b for b in long_list.blocks() if b.unit.id == unit)
    return next(
        o
        for o in long_list.materialise(block, list(range(len(block))))
        if o.partner_ids == (partner,) and o.model == model
    )


def test_what_a_sector_counts_as_is_evidence_data(
    minimal: Scenario, evidence: EvidenceBase
) -> None:
    """Adult social care (early intervention) with Exampleton NHS (health): the sector table marks
    health as a body place-based budgets integrate with, so early intervention scores 100; with
    that mark removed from the data, the same opportunity scores the evidence's figure for early
    intervention without such a partner (assessment.early_intervention.without_public_partner,
    60). Payroll with Acme (private): the legal criterion's reason names the private partner
    because the table marks private companies as bringing private capital; unmarked, the reason
    no longer does."""
    care_nhs = _generated(minimal, evidence, "care", "nhs", "public_other_shared_service")
    shipped = assess([care_nhs], minimal, evidence, smaa_samples=200)
    assert shipped.matrix.scores[0, C["early_intervention"]] == 100
    no_health = _with_sector(evidence, Sector.HEALTH, integrates_early_intervention=False)
    without = no_health.parameter("assessment.early_intervention.without_public_partner")
    assert without.values[-1].value == 60
    edited = assess([care_nhs], minimal, no_health, smaa_samples=200)
    assert edited.matrix.scores[0, C["early_intervention"]] == 60
    reason = edited.scores(care_nhs.id)["criteria"]["early_intervention"]["rationale"]
    assert "no health, police, fire or voluntary partner" in reason

    def legal_reason(book: EvidenceBase) -> str:
        acme = _generated(minimal, book, "payroll", "acme", "public_private")
        criteria = assess([acme], minimal, book, smaa_samples=200).scores(acme.id)["criteria"]
        return str(criteria["legal_procurement_clear"]["rationale"])

    assert "private partner" in legal_reason(evidence)
    assert "private partner" not in legal_reason(
        _with_sector(evidence, Sector.PRIVATE, private_capital=False)
    )
