"""Hand-worked candidate sets: one service each, no partners, the same score and no early savings,
so that cost and NPV alone decide."""

from __future__ import annotations

from shareplan.programme.candidates import Candidate, CandidateSet


def hand_set(*rows: tuple[str, float, float, str]) -> CandidateSet:
    """Candidates from ``(id, one-off cost, NPV, service)`` rows."""
    return CandidateSet.build(
        Candidate(
            id=cid,
            title=f"Project {cid}",
            service_ids=(svc,),
            partner_ids=(),
            model="lead authority",
            one_off_cost=cost,
            npv=npv,
            value_score=50.0,
            savings_12m=0.0,
            quick_win=False,
        )
        for cid, cost, npv, svc in rows
    )
