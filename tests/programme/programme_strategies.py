"""Hypothesis strategies: small random candidate sets and rule sets exercising every rule type."""

from __future__ import annotations

from hypothesis import strategies as st

from shareplan.programme.candidates import Candidate
from shareplan.programme.constraints import Constraints, Objective

SERVICES = ("hr", "payroll", "finance", "ict", "legal", "audit")
PARTNERS = ("barnsley", "doncaster", "sheffield", "nhs")


@st.composite
def candidate_lists(draw: st.DrawFn, min_size: int = 1, max_size: int = 15) -> list[Candidate]:
    n = draw(st.integers(min_size, max_size))
    n_services = draw(st.integers(1, len(SERVICES)))
    out: list[Candidate] = []
    for i in range(n):
        services = draw(
            st.lists(st.sampled_from(SERVICES[:n_services]), min_size=1, max_size=2, unique=True)
        )
        partners = draw(st.lists(st.sampled_from(PARTNERS), max_size=2, unique=True))
        year1 = draw(st.integers(0, 40)) * 10_000.0
        year2 = draw(st.integers(0, 20)) * 10_000.0
        out.append(
            Candidate(
                id=f"c{i}",
                title=f"Candidate {i}",
                service_ids=tuple(services),
                partner_ids=tuple(partners),
                model=draw(st.sampled_from(("lead authority", "joint committee", "company"))),
                one_off_cost=year1 + year2,
                one_off_cost_by_year=(year1, year2) if draw(st.booleans()) else None,
                fte_by_year=(float(draw(st.integers(0, 4))), float(draw(st.integers(0, 3)))),
                npv=draw(st.integers(-20, 100)) * 10_000.0,
                value_score=float(draw(st.integers(0, 100))),
                savings_12m=draw(st.integers(0, 30)) * 10_000.0,
                quick_win=draw(st.booleans()),
                prob_positive_npv=draw(st.none() | st.integers(0, 10).map(lambda k: k / 10)),
                needs_tender=draw(st.booleans()),
            )
        )
    return out


@st.composite
def rule_sets(draw: st.DrawFn, cands: list[Candidate]) -> Constraints:
    ids = [c.id for c in cands]
    n = len(cands)
    lo = draw(st.integers(0, min(n, 5)))
    projects = draw(st.none() | st.just(lo) | st.integers(lo, lo + 3).map(lambda hi: (lo, hi)))
    funding = draw(
        st.none()
        | st.tuples(st.integers(0, 150), st.integers(0, 60)).map(
            lambda t: (t[0] * 10_000.0, t[1] * 10_000.0)
        )
    )
    return Constraints(
        projects=projects,
        budget=draw(st.none() | st.integers(0, 200).map(lambda k: k * 10_000.0)),
        funding_by_year=funding,
        fte_capacity_by_year=draw(
            st.none()
            | st.tuples(st.integers(0, 12), st.integers(0, 8)).map(
                lambda t: (float(t[0]), float(t[1]))
            )
        ),
        partner_capacity=draw(st.none() | st.integers(0, 3)),
        min_quick_wins=draw(st.integers(0, 2)),
        must_include=tuple(draw(st.lists(st.sampled_from(ids), max_size=2, unique=True))),
        must_exclude=tuple(draw(st.lists(st.sampled_from(ids), max_size=2, unique=True))),
        min_prob_positive_npv=draw(st.none() | st.integers(0, 10).map(lambda k: k / 10)),
    )


objectives = st.builds(
    Objective,
    kind=st.sampled_from(("npv", "value", "early_savings", "blend")),
    value_weight=st.integers(0, 10).map(lambda k: k / 10),
)


@st.composite
def instances(draw: st.DrawFn) -> tuple[list[Candidate], Constraints, Objective]:
    cands = draw(candidate_lists())
    return cands, draw(rule_sets(cands)), draw(objectives)


@st.composite
def alternative_lists(draw: st.DrawFn, max_size: int = 14) -> list[Candidate]:
    """Several alternatives for each of a few services, with the same partners and figures drawn
    from small sets, so that one alternative is often no better than another on every count (the
    case the optimiser's dominance reduction removes) and ties are common. Some alternatives are
    quick wins, some cover a second service, and every FTE is small enough that a cap on the
    number of projects can make a whole year's capacity row unbreakable."""
    n_services = draw(st.integers(1, 4))
    out: list[Candidate] = []
    for s in range(n_services):
        partners = tuple(draw(st.lists(st.sampled_from(PARTNERS), max_size=2, unique=True)))
        for _ in range(draw(st.integers(1, 4))):
            if len(out) >= max_size:
                break
            i = len(out)
            services: tuple[str, ...] = (SERVICES[s],)
            if draw(st.integers(0, 5)) == 0:
                services += (SERVICES[(s + 1) % len(SERVICES)],)
            year1 = draw(st.sampled_from((0.0, 100_000.0, 200_000.0, 300_000.0)))
            year2 = draw(st.sampled_from((0.0, 100_000.0)))
            out.append(
                Candidate(
                    id=f"c{i}",
                    title=f"Candidate {i}",
                    service_ids=services,
                    partner_ids=partners,
                    model="lead authority",
                    one_off_cost=year1 + year2,
                    one_off_cost_by_year=(year1, year2),
                    fte_by_year=(float(draw(st.integers(0, 2))), float(draw(st.integers(0, 1)))),
                    npv=draw(st.sampled_from((-100_000.0, 0.0, 200_000.0, 400_000.0, 600_000.0))),
                    value_score=float(draw(st.sampled_from((20, 50, 80)))),
                    savings_12m=draw(st.sampled_from((0.0, 50_000.0, 100_000.0))),
                    quick_win=draw(st.booleans()),
                    prob_positive_npv=draw(st.none() | st.sampled_from((0.3, 0.7, 0.9))),
                )
            )
    return out


@st.composite
def alternative_instances(draw: st.DrawFn) -> tuple[list[Candidate], Constraints, Objective]:
    cands = draw(alternative_lists())
    return cands, draw(rule_sets(cands)), draw(objectives)
