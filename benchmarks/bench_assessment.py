"""Benchmark of the assessment stage; prints figures (targets from issue 3, on 2 cores).

1. Scoring 1,000,000 opportunities x 13 criteria with the value functions and the weighted sum
   (target under 1 s), and the ratio against scikit-criteria's WeightedSumModel on the same
   1,000,000 x 13 matrix measured in the same run (pymcdm's WSM if scikit-criteria is absent).
2. SMAA: 10,000 weight samples over 2,000 opportunities (target under 10 s and 2 GiB).
3. The whole shortlist on a 200-service x 60-partner scenario (about 7 million entries).

Run: .venv/bin/python benchmarks/bench_assessment.py
"""

from __future__ import annotations

import datetime as dt
import resource
import time
import tracemalloc

import numpy as np

from shareplan.assessment.criteria import CRITERIA, ScoringContext, UnitTable, score
from shareplan.assessment.mcda import evaluate
from shareplan.assessment.sensitivity import smaa
from shareplan.assessment.settings import AssessmentSettings
from shareplan.assessment.shortlist import shortlist
from shareplan.assessment.weights import default_weights
from shareplan.evidence import Sector, load_evidence
from shareplan.opportunities import generate
from shareplan.scenario.model import (
    INDICATOR_IDS,
    Authority,
    Partner,
    PartnerGeography,
    Scenario,
    Service,
    ServiceGeography,
    ServiceKind,
)


def synthetic(n_services: int, n_partners: int, seed: int = 1) -> Scenario:
    rng = np.random.default_rng(seed)
    platforms = ["SAP", "Oracle", "Agresso", "Civica", "Liquidlogic"]
    topics = ["health", "jobs", "crime", "education", "housing"]
    sectors = [Sector.LOCAL_AUTHORITY] * 6 + [
        Sector.HEALTH,
        Sector.POLICE,
        Sector.PRIVATE,
        Sector.VOLUNTARY_COMMUNITY,
    ]
    services = tuple(
        Service(
            id=f"s{i}",
            name=f"Service {i}",
            directorate="D",
            kind=ServiceKind.BACK_OFFICE,
            gross_cost=1e6,
            fte=20,
            platforms=(platforms[i % 5],),
            track_record=int(rng.integers(1, 6)),
            priorities=(topics[i % 5],),
            early_intervention=bool(i % 7 == 0),
            geography=list(ServiceGeography)[i % 4],
            traits={k: int(rng.integers(0, 4)) for k in INDICATOR_IDS},
        )
        for i in range(n_services)
    )
    partners = tuple(
        Partner(
            id=f"p{j}",
            name=f"Partner {j}",
            sector=sectors[j % len(sectors)],
            geography=list(PartnerGeography)[j % 4],
            affinity=int(rng.integers(1, 6)),
            platforms=(platforms[j % 5],),
            objectives=(topics[(j + 1) % 5],),
        )
        for j in range(n_partners)
    )
    authority = Authority(
        name="Benchmark",
        price_base_year=2024,
        first_year=2024,
        appraisal_date=dt.date(2024, 6, 1),
        implementation_budget=1e6,
        corporate_priorities=("health", "jobs"),
    )
    return Scenario(authority=authority, services=services, partners=partners)


def timed(fn, repeat: int = 3):  # type: ignore[no-untyped-def]
    best, out = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def main() -> None:
    evidence = load_evidence()
    scenario = synthetic(200, 60)
    settings = AssessmentSettings.resolve(scenario, evidence)
    ctx = ScoringContext.build(scenario, evidence, settings)
    units = UnitTable.build([(s.id,) for s in scenario.services], scenario, evidence, settings)
    weights = default_weights(evidence, settings).vector(CRITERIA)

    n = 1_000_000
    rng = np.random.default_rng(2)
    unit_rows = rng.integers(0, 200, n).astype(np.int32)
    members = np.sort(rng.integers(-1, 60, (n, 3)).astype(np.int32), axis=1)
    model_index = rng.integers(0, len(evidence.models), n).astype(np.int32)

    def score_all() -> np.ndarray:
        matrix = score(ctx, units, unit_rows, members, model_index)
        return matrix.totals(weights, settings.neutral_score)

    t_score, _totals = timed(score_all)
    matrix = score(ctx, units, unit_rows, members, model_index).effective(settings.neutral_score)
    ids = [str(i) for i in range(n)]
    t_ours, ours = timed(lambda: evaluate(matrix, weights, ids=ids, criteria=CRITERIA))
    print(
        f"scoring {n:,} opportunities x {len(CRITERIA)} criteria (value functions + weighted sum): {t_score:.3f} s  (target < 1 s)"
    )
    print(f"weighted sum + ranking only, {n:,} x {len(CRITERIA)}: {t_ours:.3f} s")
    try:
        import skcriteria as skc
        from skcriteria.agg.simple import WeightedSumModel

        dm = skc.mkdm(matrix, objectives=[max] * len(CRITERIA), weights=weights)
        t_other, theirs = timed(lambda: WeightedSumModel().evaluate(dm), repeat=1)
        same = bool(np.allclose(theirs.e_.score, ours.totals))
        name = "scikit-criteria WeightedSumModel"
    except ImportError:
        from pymcdm.methods import WSM

        t_other, theirs = timed(
            lambda: WSM(lambda x, cost: x)(matrix, weights, np.ones(13, int)), repeat=1
        )
        same = bool(np.allclose(theirs, ours.totals))  # noqa: RUF100
        name = "pymcdm WSM (scikit-criteria not installed)"
    print(
        f"{name} on the same matrix: {t_other:.3f} s; ratio theirs/ours = {t_other / t_ours:.1f}x; same totals: {same} (ranks differ only in how ties are numbered)"
    )

    options, samples = 2_000, 10_000
    scores = rng.uniform(0, 100, (options, len(CRITERIA)))
    tracemalloc.start()
    start = time.perf_counter()
    result = smaa(
        scores, [f"o{i}" for i in range(options)], top_n=6, samples=samples, seed=20101201
    )
    t_smaa = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert np.allclose(result.acceptability.sum(axis=0), 1.0)
    print(
        f"SMAA {samples:,} weight samples x {options:,} opportunities: {t_smaa:.2f} s, peak traced memory {peak / 2**20:.0f} MiB  (targets < 10 s, < 2 GiB)"
    )

    start = time.perf_counter()
    long_list = generate(scenario, evidence)
    t_gen = time.perf_counter() - start
    start = time.perf_counter()
    result_sl = shortlist(long_list, scenario, evidence)
    t_sl = time.perf_counter() - start
    print(
        f"shortlist of 200 services x 60 partners: {result_sl.considered:,} entries screened and scored in {t_sl:.2f} s "
        f"(long list generated in {t_gen:.2f} s), {len(result_sl.opportunities):,} kept"
    )
    print(
        f"process peak resident memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
    )


if __name__ == "__main__":
    main()
