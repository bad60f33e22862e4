"""The root ``shareplan`` application; each area registers its commands here."""

from __future__ import annotations

import os
import sys

import typer

app = typer.Typer(
    name="shareplan",
    help="Find, appraise and prioritise shared-service opportunities, and argue them to Cabinet.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Sub-command modules attach themselves to ``app`` on import.
from shareplan.cli import appraisal_commands as _appraisal_commands  # noqa: E402,F401
from shareplan.cli import data_commands as _data_commands  # noqa: E402,F401
from shareplan.cli import report_commands as _report_commands  # noqa: E402,F401
from shareplan.cli import scenario_commands as _scenario_commands  # noqa: E402,F401


def main() -> None:
    try:
        app()
    except SystemExit as exc:
        # Click answers a closed pipe (``shareplan programme ... | head``) by exiting 1 with no
        # message; the reader chose to stop reading, which is not a failure.
        if exc.code == 1 and isinstance(exc.__context__, BrokenPipeError):
            _quiet_stdout()
            raise SystemExit(0) from None
        raise


def _quiet_stdout() -> None:
    """Point standard output at /dev/null so the interpreter's last flush does not complain."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
