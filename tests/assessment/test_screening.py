"""The seed's suitability table (Appendix 1) applied to hand-made services."""

from __future__ import annotations

import numpy as np

from shareplan.assessment.screening import (
    CONTRA_NOT_SUITABLE,
    CONTRA_PRIVATE_FOR_PUBLIC,
    PASS,
    contradictions,
    explain_verdict,
    unit_traits,
    verdicts,
)
from shareplan.evidence import EvidenceBase
from shareplan.scenario.model import INDICATOR_IDS, Scenario, Service, ServiceKind


def service(sid: str, **ratings: int) -> Service:
    traits = {i: 0 for i in INDICATOR_IDS}
    traits.update(ratings)
    return Service(
        id=sid,
        name=sid.title(),
        directorate="Test",
        kind=ServiceKind.BACK_OFFICE,
        gross_cost=1.0,
        fte=1.0,
        track_record=3,
        traits=traits,
    )


def verdict_of(s: Service, evidence: EvidenceBase) -> tuple[str, str]:
    v, _, because, _ = explain_verdict(unit_traits([s], evidence), evidence, 4, 3)
    return ("public", "private", "not_suitable")[v], because


def test_documented_verdicts(evidence: EvidenceBase) -> None:
    """Each service is built to match one column of the seed's table.

    * revenues: standard delivery (5), same-stage relationship (4), slow pace acceptable (3):
      public mean 12/5 = 2.4 > private mean 0 -> consider a public sector partner;
    * leisure: needs capital (5), rapid change (5), skills gap (4), large workforce (3):
      private mean 17/5 = 3.4 > public mean 0 -> consider a private sector partner;
    * child protection: professional judgement 5 and failure severity 5 (>= 4), even though
      standard delivery is 5 -> shared services probably won't be suitable;
    * planning: very strong political resistance (4) alone -> not suitable;
    * blank: nothing rated -> public (the tie-break) with no driver named.
    """
    cases = {
        "revenues": (
            service(
                "revenues", standard_delivery=5, same_stage_relationship=4, accepts_slow_pace=3
            ),
            "public",
        ),
        "leisure": (
            service("leisure", needs_capital=5, rapid_change=5, skills_gap=4, large_workforce=3),
            "private",
        ),
        "child_protection": (
            service(
                "child_protection",
                professional_judgement=5,
                failure_severity=5,
                standard_delivery=5,
            ),
            "not_suitable",
        ),
        "planning": (
            service("planning", political_resistance=4, customer_service_scope=3),
            "not_suitable",
        ),
        "blank": (service("blank"), "public"),
    }
    for name, (s, expected) in cases.items():
        got, _because = verdict_of(s, evidence)
        assert got == expected, name
    assert verdict_of(cases["child_protection"][0], evidence)[1] == (
        "requires significant professional judgement; "
        "consequences of failure in a single case are severe"
    )
    assert verdict_of(cases["revenues"][0], evidence)[1].startswith(
        "the service is delivered in a fairly standard way across authorities"
    )
    assert verdict_of(cases["planning"][0], evidence)[1] == (
        "there is very strong political resistance to sharing it"
    )


def test_threshold_is_inclusive_and_three_is_not_enough(evidence: EvidenceBase) -> None:
    """A not-suitable indicator at 3 does not decide the verdict (below the strong level 4)."""
    s = service("x", unclear_boundaries=3, standard_delivery=2)
    assert verdict_of(s, evidence)[0] == "public"
    s = service("y", unclear_boundaries=4, standard_delivery=2)
    assert verdict_of(s, evidence)[0] == "not_suitable"


def test_bundle_takes_the_worst_unsuitability(evidence: EvidenceBase) -> None:
    """Bundle of revenues (public) and care (professional judgement 5): the bundle's
    professional_judgement is max(0, 5) = 5 -> not suitable."""
    revenues = service("revenues", standard_delivery=5)
    care = service("care", professional_judgement=5)
    traits = unit_traits([revenues, care], evidence)
    assert traits[INDICATOR_IDS.index("professional_judgement")] == 5
    assert traits[INDICATOR_IDS.index("standard_delivery")] == 2.5
    assert verdicts(traits[None, :], evidence, 4).tolist() == [2]


def test_contradictions() -> None:
    """public + private partner -> contradiction 2; not suitable + anything -> 1; private verdict
    with a private partner passes; public verdict with public partners passes."""
    verdict = np.array([0, 0, 1, 2, 2], dtype=np.int8)
    private = np.array([True, False, True, False, True])
    assert contradictions(verdict, private).tolist() == [
        CONTRA_PRIVATE_FOR_PUBLIC,
        PASS,
        PASS,
        CONTRA_NOT_SUITABLE,
        CONTRA_NOT_SUITABLE,
    ]


def test_fixture_services(minimal: Scenario, evidence: EvidenceBase) -> None:
    """The fixture's payroll (public mean (1+5+4+3+2)/5 = 3.0, private 1.2) goes to a public
    partner; adult social care assessment (professional judgement 5, failure 5) is not suitable."""
    assert verdict_of(minimal.service("payroll"), evidence)[0] == "public"
    assert verdict_of(minimal.service("care"), evidence)[0] == "not_suitable"
