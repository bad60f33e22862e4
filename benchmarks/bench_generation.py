"""Benchmark: long-list generation for a large synthetic scenario.

200 services x 60 partners, partner sets of up to 3, seven models: 36,050 partner sets (including
the empty one), so about 7.2 million service x partner-set pairs and 50 million with the models,
before the rules. Targets (2 cores): under 10 s and under 1 GiB, generation through to the long list
(every block visited and counted).
"""

from __future__ import annotations

import datetime as dt
import random
import resource
import sys
import time
import tracemalloc

from shareplan.evidence import Sector, load_evidence
from shareplan.opportunities import generate
from shareplan.scenario import INDICATOR_IDS, Authority, Partner, Scenario, Service


def synthetic(n_services: int = 200, n_partners: int = 60, seed: int = 1) -> Scenario:
    rng = random.Random(seed)
    services = tuple(
        Service(
            id=f"svc{i:03d}",
            name=f"Service {i}",
            directorate="D",
            kind="back_office",
            gross_cost=rng.uniform(1e5, 2e7),
            fte=rng.uniform(1, 300),
            track_record=rng.randint(1, 5),
            traits={t: rng.randint(0, 5) for t in INDICATOR_IDS},
        )
        for i in range(n_services)
    )
    sectors = list(Sector)
    partners = tuple(
        Partner(
            id=f"p{j:02d}",
            name=f"Partner {j}",
            sector=rng.choice(sectors),
            geography=rng.choice(["borough", "sub_region", "lep_area", "elsewhere"]),
            affinity=rng.randint(1, 5),
            # A third of partners name the services they would share; the rest are open to any.
            wants_services=tuple(rng.sample([s.id for s in services], 40)) if j % 3 == 0 else (),
        )
        for j in range(n_partners)
    )
    authority = Authority(
        name="Synthetic",
        price_base_year=2024,
        first_year=2024,
        appraisal_date=dt.date(2024, 4, 1),
        implementation_budget=5e6,
        max_partners=3,
    )
    return Scenario(authority=authority, services=services, partners=partners)


def main() -> int:
    scenario = synthetic()
    evidence = load_evidence()
    tracemalloc.start()
    start = time.perf_counter()
    long_list = generate(scenario, evidence)
    visited = sum(len(block) for block in long_list.blocks())
    elapsed = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    c = long_list.counts
    print("Long-list generation: 200 services x 60 partners, sets of up to 3, 7 models")
    print(f"  partner sets (incl. empty): {len(long_list.sets):,}")
    print(f"  combinations before rules:  {c.considered:,}")
    print(f"  feasible (long list):       {c.kept:,} (visited {visited:,})")
    for reason, n in c.excluded_by_reason.items():
        print(f"  excluded, {reason}: {n:,}")
    print(f"  time:  {elapsed:6.2f} s   (target < 10 s)")
    print(
        f"  peak traced memory: {peak / 2**20:8.1f} MiB; process max RSS {rss_mib:8.1f} MiB (target < 1024 MiB)"
    )
    ok = elapsed < 10 and rss_mib < 1024
    print("  PASS" if ok else "  MISS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
