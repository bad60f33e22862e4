"""National scan benchmark: every English principal council x service line x candidate partner.

Target (issue 7): about 1.3 million pair scores in under 5 s and under 1 GiB on 2 cores.
Prints wall time (scan only, data already loaded), peak Python heap during the scan (tracemalloc,
measured in a second run so that tracing does not slow the timed one) and the process's peak
resident set size (getrusage), against the targets.

Run: ``.venv/bin/python benchmarks/bench_national_scan.py [YEAR]`` (default 2014-15).
"""

from __future__ import annotations

import resource
import sys
import time
import tracemalloc

from shareplan.benchmarking.scan import national_scan
from shareplan.benchmarking.store import load_national_data

TARGET_SECONDS = 5.0
TARGET_BYTES = 1024**3


def main() -> None:
    year = sys.argv[1] if len(sys.argv) > 1 else "2014-15"
    data = load_national_data(include_user=False)
    started = time.perf_counter()
    result = national_scan(data, year)
    seconds = time.perf_counter() - started
    tracemalloc.start()
    national_scan(data, year)
    _, heap_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB
    print(f"national scan {year}: {len(result.codes)} councils x {len(result.lines)} lines")
    print(f"  pair scores:        {result.pair_scores:,} ({result.comparable_pairs:,} comparable)")
    print(f"  time:               {seconds:.2f} s (target < {TARGET_SECONDS:.0f} s)")
    print(f"  peak heap (scan):   {heap_peak / 2**20:.0f} MiB (target < 1024 MiB)")
    print(f"  peak RSS (process): {rss_peak / 2**20:.0f} MiB")
    ok = seconds < TARGET_SECONDS and max(heap_peak, rss_peak) < TARGET_BYTES
    print("  result:             " + ("within targets" if ok else "OUTSIDE targets"))


if __name__ == "__main__":
    main()
