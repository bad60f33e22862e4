"""The ``shareplan`` command line: thin commands over the use-case functions.

Each ``*_commands`` module holds its own commands on a Typer of its own and imports nothing from
here; this module builds the root application from them, so the package has no import cycle. A
new command goes in the module of its area (or a new one added to ``COMMANDS``).
"""

from __future__ import annotations

import os
import sys

import typer

from shareplan.cli import (
    appraisal_commands,
    data_commands,
    evidence_commands,
    explain_commands,
    programme_commands,
    report_commands,
    scenario_commands,
    track_commands,
    workspace_commands,
)

COMMANDS = (
    scenario_commands,
    appraisal_commands,
    explain_commands,
    programme_commands,
    report_commands,
    track_commands,
    evidence_commands,
    data_commands,
    workspace_commands,
)
"""The command modules, in the order of a council's work."""


def build_app() -> typer.Typer:
    root = typer.Typer(
        name="shareplan",
        help="Find, appraise and prioritise shared-service opportunities, and argue them to Cabinet.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )
    for module in COMMANDS:
        root.add_typer(module.app)
    return root


app = build_app()


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


__all__ = ["app", "build_app", "main"]
