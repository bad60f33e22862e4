"""Benchmark: the three report files (Word, HTML, PDF, with charts) for the Rotherham example.

Target on 2 cores: under 15 s for ``write_reports`` (the appraisal itself is done once, before the
clock starts), and a report of roughly 20 to 40 pages. Each run times the report as made (the PDF
printed by a second process) and, as the baseline measured in the same run and under the same
load, the same report made in one process (``parallel=False``); the load average is printed
beside them, since on a shared machine it moves the figures more than any change. Then the best
and median of each, the PDF's page count, and the time of each phase in one process (where the
time goes). Pass a results.json to time that instead of appraising the example:

    .venv/bin/python benchmarks/bench_report.py [RESULTS.json] [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from shareplan.results import Results, read_results

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 15.0
TARGET_PAGES = (20, 40)


def rotherham() -> Results:
    from shareplan import pipeline

    run = pipeline.appraise_path(ROOT / "examples" / "rotherham-2010")
    return pipeline.results_of(run)


def pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    return int(info.stdout.split("Pages:")[1].split()[0])


def time_reports(results: Results, runs: int) -> tuple[list[float], list[float], int]:
    """Each run: the report with its printer process, then in one process (the baseline)."""
    from shareplan.report import write_reports

    made: list[float] = []
    serial: list[float] = []
    count = 0
    for _ in range(runs):
        for parallel, times in ((True, made), (False, serial)):
            with tempfile.TemporaryDirectory() as out:
                start = time.perf_counter()
                written = write_reports(results, Path(out), parallel=parallel)
                times.append(time.perf_counter() - start)
                count = pages(written["pdf"])
                sizes = ", ".join(
                    f"{k} {written[k].stat().st_size / 1024:.0f} KiB"
                    for k in ("docx", "html", "pdf")
                )
            how = "2 processes" if parallel else "1 process  "
            load = os.getloadavg()[0]
            print(f"  write_reports, {how}: {times[-1]:6.2f} s  (load {load:.1f}; {sizes})")
    return made, serial, count


def phases(results: Results) -> None:
    """Each phase once, in this process, to show where the time goes."""
    from shareplan.report import build_report
    from shareplan.report.writers.charts import draw, save
    from shareplan.report.writers.docx import write_docx
    from shareplan.report.writers.html import render_html, render_print_html
    from shareplan.report.writers.pdf import write_pdf

    with tempfile.TemporaryDirectory() as out:
        clock = time.perf_counter()
        report = build_report(results)
        marks = [("build the report model", time.perf_counter() - clock)]
        clock = time.perf_counter()
        figures = {f.key: draw(f.chart) for f in report.figures()}
        pngs = {key: save(fig, "png") for key, fig in figures.items()}
        marks.append((f"draw {len(pngs)} charts, PNG", time.perf_counter() - clock))
        clock = time.perf_counter()
        page = render_print_html(report, pngs)
        marks.append(("the page to print", time.perf_counter() - clock))
        clock = time.perf_counter()
        svgs = {key: save(fig, "svg") for key, fig in figures.items()}
        marks.append((f"the {len(svgs)} charts as SVG", time.perf_counter() - clock))
        clock = time.perf_counter()
        render_html(report, svgs)
        marks.append(("HTML", time.perf_counter() - clock))
        clock = time.perf_counter()
        write_docx(report, pngs, Path(out) / "r.docx")
        marks.append(("Word", time.perf_counter() - clock))
        clock = time.perf_counter()
        write_pdf(page, Path(out) / "r.pdf")
        marks.append(("PDF (WeasyPrint, tagged)", time.perf_counter() - clock))
    for name, seconds in marks:
        print(f"  {name:<28} {seconds:6.2f} s")
    print(
        "  critical path with 2 processes: model + PNG charts + page, then the PDF "
        f"= {marks[0][1] + marks[1][1] + marks[2][1] + marks[6][1]:.2f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", nargs="?", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if args.results:
        name, results = args.results.name, read_results(args.results)
    else:
        clock = time.perf_counter()
        name, results = "Rotherham example", rotherham()
        print(f"appraised the Rotherham example in {time.perf_counter() - clock:.1f} s (not timed)")
    print(f"{name}:")
    made, serial, count = time_reports(results, args.runs)
    best, median = min(made), statistics.median(made)
    verdict = "meets" if median < TARGET_SECONDS else "MISSES"
    print(f"best {best:.2f} s, median {median:.2f} s: {verdict} the {TARGET_SECONDS:.0f} s target")
    print(
        f"baseline, one process: best {min(serial):.2f} s, median "
        f"{statistics.median(serial):.2f} s (2 processes take "
        f"{median / statistics.median(serial):.0%} of it)"
    )
    low, high = TARGET_PAGES
    fits = "within" if low <= count <= high else "OUTSIDE"
    print(f"PDF pages: {count} ({fits} the {low}-{high} page target)")
    print("phases in one process:")
    phases(results)


if __name__ == "__main__":
    main()
