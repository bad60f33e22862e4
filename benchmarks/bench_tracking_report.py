"""Benchmark: the quarterly benefits realisation report for the Rotherham tracking example.

Target on 2 cores: under 15 s for ``shareplan track report`` (status, forecast, recovery what-ifs,
Word, HTML and PDF), with the appraisal, the tracker and the loading of the illustrative ledger
extracts done before the clock starts. The baseline, measured in the same run, is the status and
forecast alone (what ``track status`` does), so the report's own cost shows beside it.

    .venv/bin/python benchmarks/bench_tracking_report.py [--runs N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "rotherham-2010-tracking"
TARGET_SECONDS = 15.0
AS_AT = dt.date(2014, 3, 31)


def prepare(folder: Path) -> tuple[Path, Path]:
    from shareplan import pipeline
    from shareplan.results import write_json
    from shareplan.tracking.usecases import start, update

    appraisal = pipeline.appraise_path(ROOT / "examples" / "rotherham-2010")
    document = pipeline.results_document(appraisal)
    results = write_json(document, folder / "results.json")
    tracker = folder / "tracker"
    start(results, document["programme"]["selected_ids"], dt.date(2010, 12, 15), tracker)
    for extract in sorted((EXAMPLE / "ledger").glob("*.csv")):
        update(tracker, extract, dt.date(2014, 4, 20))
    return results, tracker


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    from shareplan.tracking.files import load_tracker
    from shareplan.tracking.report import benefits_report
    from shareplan.tracking.usecases import standing

    with tempfile.TemporaryDirectory() as tmp:
        results, tracker = prepare(Path(tmp))
        base, full = [], []
        for i in range(runs):
            t0 = time.perf_counter()
            standing(load_tracker(tracker), AS_AT)
            base.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            benefits_report(tracker, AS_AT, Path(tmp) / f"report-{i}", results)
            full.append(time.perf_counter() - t0)
    print(
        f"status and forecast (baseline): best {min(base):.2f} s, median "
        f"{statistics.median(base):.2f} s"
    )
    print(
        f"quarterly report: best {min(full):.2f} s, median {statistics.median(full):.2f} s, "
        f"runs {', '.join(f'{t:.2f}' for t in full)} (target < {TARGET_SECONDS:.0f} s)"
    )


if __name__ == "__main__":
    main()
