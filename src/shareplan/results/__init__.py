"""results.json: the typed contract every reader uses (docs/results.md).

The pipeline builds :class:`Results` and :func:`write_results` writes it; the report, ``explain``,
``programme`` and the web app open a file with :func:`read_results`.
"""

from shareplan.results.io import parse_results, read_results, write_json, write_results
from shareplan.results.model import SCHEMA_VERSION, OpportunityResult, Results

__all__ = [
    "SCHEMA_VERSION",
    "OpportunityResult",
    "Results",
    "parse_results",
    "read_results",
    "write_json",
    "write_results",
]
