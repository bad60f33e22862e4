"""National open data: Revenue Outturn spending, councils and their neighbours, benchmarking,
the partner finder and the national scan. See ``docs/national-data.md``."""

from shareplan.benchmarking.benchmark import Benchmark, benchmark, service_line_totals
from shareplan.benchmarking.finder import PartnerRow, PartnerSearch, find_partners, partner_rows
from shareplan.benchmarking.store import NationalData, load_national_data

__all__ = [
    "Benchmark",
    "NationalData",
    "PartnerRow",
    "PartnerSearch",
    "benchmark",
    "find_partners",
    "load_national_data",
    "partner_rows",
    "service_line_totals",
]
