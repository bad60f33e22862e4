"""Benchmark: the three report files (Word, HTML, PDF, with charts) for the Rotherham example.

Target on 2 cores: under 15 s for ``write_reports`` (the appraisal itself is done once, before the
clock starts), and a report of roughly 30 to 50 pages. Prints the time of each run, the best and
the median, the PDF's page count, and the time of each phase in one process (where the time goes).
Pass a results.json to time that instead of appraising the example:

    .venv/bin/python benchmarks/bench_report.py [RESULTS.json] [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from shareplan.results import Results, read_results

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 15.0
TARGET_PAGES = (30, 50)


def rotherham() -> Results:
    from shareplan import pipeline

    run = pipeline.appraise_path(ROOT / "examples" / "rotherham-2010")
    return pipeline.results_of(run)


def pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    return int(info.stdout.split("Pages:")[1].split()[0])


def time_reports(results: Results, runs: int) -> tuple[list[float], int]:
    from shareplan.report import write_reports

    seconds: list[float] = []
    count = 0
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as out:
            start = time.perf_counter()
            written = write_reports(results, Path(out))
            seconds.append(time.perf_counter() - start)
            count = pages(written["pdf"])
            sizes = ", ".join(
                f"{k} {written[k].stat().st_size / 1024:.0f} KiB" for k in ("docx", "html", "pdf")
            )
        print(f"  write_reports, 2 processes: {seconds[-1]:6.2f} s  ({sizes})")
    return seconds, count


def phases(results: Results) -> None:
    """Each phase once, in this process, to show where the time goes."""
    from shareplan.report import build_report
    from shareplan.report.writers.charts import render_all
    from shareplan.report.writers.docx import write_docx
    from shareplan.report.writers.html import render_html
    from shareplan.report.writers.pdf import write_pdf

    with tempfile.TemporaryDirectory() as out:
        clock = time.perf_counter()
        report = build_report(results)
        marks = [("build the report model", time.perf_counter() - clock)]
        clock = time.perf_counter()
        svgs = {f.key: render_all(f.chart, ("svg",))["svg"] for f in report.figures()}
        marks.append((f"{len(svgs)} charts as SVG", time.perf_counter() - clock))
        clock = time.perf_counter()
        pngs = {f.key: render_all(f.chart, ("png",))["png"] for f in report.figures()}
        marks.append((f"{len(pngs)} charts as PNG", time.perf_counter() - clock))
        clock = time.perf_counter()
        html = render_html(report, svgs)
        marks.append(("HTML", time.perf_counter() - clock))
        clock = time.perf_counter()
        write_docx(report, pngs, Path(out) / "r.docx")
        marks.append(("Word", time.perf_counter() - clock))
        clock = time.perf_counter()
        write_pdf(html, Path(out) / "r.pdf")
        marks.append(("PDF (WeasyPrint, tagged)", time.perf_counter() - clock))
    for name, seconds in marks:
        print(f"  {name:<28} {seconds:6.2f} s")
    print(
        "  critical path with 2 processes: model + SVG + HTML, then the PDF "
        f"= {marks[0][1] + marks[1][1] + marks[3][1] + marks[5][1]:.2f} s"
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
    seconds, count = time_reports(results, args.runs)
    best, median = min(seconds), statistics.median(seconds)
    verdict = "meets" if median < TARGET_SECONDS else "MISSES"
    print(f"best {best:.2f} s, median {median:.2f} s: {verdict} the {TARGET_SECONDS:.0f} s target")
    low, high = TARGET_PAGES
    fits = "within" if low <= count <= high else "OUTSIDE"
    print(f"PDF pages: {count} ({fits} the {low}-{high} page target)")
    print("phases in one process:")
    phases(results)


if __name__ == "__main__":
    main()
