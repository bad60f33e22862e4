"""The report's stylesheet (screen and print), read once: the HTML writer inlines it and the PDF
printer lays a line out in it while it waits, without loading the HTML writer."""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def stylesheet() -> str:
    """The report's CSS (screen and print)."""
    return (resources.files("shareplan.report") / "static" / "report.css").read_text("utf-8")
