"""Benchmark of a whole appraisal (without the report) at county and partnership scale (issue 15).

Targets, on 2 cores:

* 200 services x 60 partners: under 60 s and 1.5 GiB;
* 5,000 services x 60 partners: under 5 minutes and 4 GiB.

Each size runs in a fresh process (so its peak resident memory is its own), beside a baseline
measured in the same run: the Rotherham 2010 example (31 services, 13 partners). Every line prints
the wall time and the CPU time (this process and its business-case workers), the peak resident
memory of the main process and of the largest worker, the programme found and each stage's time.
On a shared machine the wall time includes waiting for the cores; the CPU time does not.

Run: .venv/bin/python benchmarks/bench_scale.py [SIZE ...]   (sizes as 200x60; default: both)
"""

from __future__ import annotations

import datetime as dt
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from shareplan import pipeline
from shareplan.evidence import Sector, load_evidence
from shareplan.results import write_results
from shareplan.scenario import load_scenario
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

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {(200, 60): (60.0, 1.5), (5000, 60): (300.0, 4.0)}


def synthetic(n_services: int, n_partners: int, seed: int = 15) -> Scenario:
    """A county-sized scenario: services of every kind with costs from £100k to £20m, partners of
    every sector, settings scaled like a template's (budget 1.5% of the services' cost)."""
    rng = np.random.default_rng(seed)
    platforms = ["SAP", "Oracle", "Agresso", "Civica", "Liquidlogic"]
    topics = ["health", "jobs", "crime", "education", "housing"]
    sectors = [Sector.LOCAL_AUTHORITY] * 6 + [
        Sector.HEALTH,
        Sector.POLICE,
        Sector.PRIVATE,
        Sector.VOLUNTARY_COMMUNITY,
        Sector.SCHOOL_ACADEMY_TRUST,
        Sector.TOWN_PARISH_COUNCIL,
    ]
    costs = np.exp(rng.uniform(np.log(1e5), np.log(2e7), n_services))
    services = tuple(
        Service(
            id=f"s{i}",
            name=f"Service {i}",
            directorate=f"D{i % 7}",
            kind=list(ServiceKind)[i % 3],
            gross_cost=float(round(costs[i], -3)),
            fte=float(round(costs[i] / 60_000, 1)),
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
        name="Benchmark County Council",
        price_base_year=2024,
        first_year=2024,
        appraisal_date=dt.date(2024, 6, 1),
        implementation_budget=float(round(costs.sum() * 0.015, -4)),
        priority_projects=6,
        priority_projects_min=1,
        corporate_priorities=("health", "jobs"),
    )
    return Scenario(authority=authority, services=services, partners=partners)


def _cpu() -> float:
    """CPU seconds of this process and of its finished business-case workers."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + workers.ru_utime + workers.ru_stime


def _peak_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


Stage = tuple[str, float, float, float]
"""A stage's name, wall seconds, CPU seconds and the peak resident memory at its end (GiB)."""


def run_one(spec: str) -> dict[str, object]:
    """Appraise one scenario in this process and report its figures."""
    stages: list[Stage] = []
    current: list[object] = ["start", time.perf_counter(), _cpu()]

    def progress(name: str) -> None:
        """Told when each stage starts: the time since the last call belongs to the last stage."""
        now, cpu = time.perf_counter(), _cpu()
        label, since, cpu_since = current
        stages.append((str(label), now - float(since), cpu - float(cpu_since), _peak_gib()))  # type: ignore[arg-type]
        current[:] = [name, now, cpu]

    if spec == "rotherham":
        scenario = load_scenario(ROOT / "examples" / "rotherham-2010")
    else:
        n_services, n_partners = (int(x) for x in spec.split("x"))
        scenario = synthetic(n_services, n_partners)
    evidence = load_evidence()
    start = time.perf_counter()
    current[:] = ["start", start, _cpu()]
    appraisal = pipeline.appraise(scenario, evidence=evidence, progress=progress)
    progress("Writing results.json")
    with tempfile.TemporaryDirectory() as folder:
        write_results(pipeline.results_of(appraisal), Path(folder) / "results.json")
    progress("end")
    seconds = time.perf_counter() - start
    plan = appraisal.programme.plan
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "spec": spec,
        "seconds": seconds,
        "cpu_seconds": _cpu(),
        "peak_gib": _peak_gib(),
        "worker_peak_gib": workers.ru_maxrss / 2**20,
        "long_list": appraisal.long_list.counts.considered,
        "shortlist": len(appraisal.opportunities),
        "programme": None if plan is None else len(plan.result.selected_ids),
        "stages": _by_stage(stages[1:]),
    }


def _by_stage(stages: list[Stage]) -> list[Stage]:
    """Wall and CPU seconds per stage, its progress reports ("Building business cases (500 of
    600)") summed, and the peak resident memory when it ended."""
    totals: dict[str, list[float]] = {}
    for name, wall, cpu, peak in stages:
        t = totals.setdefault(name.split(" (")[0], [0.0, 0.0, 0.0])
        t[0] += wall
        t[1] += cpu
        t[2] = peak
    return [(name, round(w, 2), round(c, 2), round(p, 2)) for name, (w, c, p) in totals.items()]


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        print(json.dumps(run_one(sys.argv[2])))
        return
    sizes = sys.argv[1:] or ["200x60", "5000x60"]
    for spec in ["rotherham", *sizes]:
        done = subprocess.run(
            [sys.executable, __file__, "--one", spec], capture_output=True, text=True
        )
        if done.returncode:
            print(f"{spec}: failed\n{done.stderr}", file=sys.stderr)
            sys.exit(1)
        r = json.loads(done.stdout.strip().splitlines()[-1])
        key = tuple(int(x) for x in spec.split("x")) if "x" in spec else None
        target = TARGETS.get(key) if key else None  # type: ignore[arg-type]
        against = (
            f"  (targets < {target[0]:.0f} s, < {target[1]:.1f} GiB)" if target else "  (baseline)"
        )
        print(
            f"{spec}: {r['seconds']:.1f} s wall ({r['cpu_seconds']:.0f} s of CPU on all cores), "
            f"peak resident memory {r['peak_gib']:.2f} GiB "
            f"(+ {r['worker_peak_gib']:.2f} GiB in each business-case worker at most); "
            f"long list {r['long_list']:,}, shortlist {r['shortlist']:,}, "
            f"programme of {r['programme']} projects{against}"
        )
        print(
            "   stages (wall s / CPU s / peak GiB at its end): "
            + ", ".join(f"{name} {w:.1f}/{c:.1f}/{p:.2f}" for name, w, c, p in r["stages"])
        )


if __name__ == "__main__":
    main()
