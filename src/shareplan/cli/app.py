"""The root ``shareplan`` application; each area registers its commands here."""

from __future__ import annotations

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
from shareplan.cli import workspace_commands as _workspace_commands  # noqa: E402,F401


def main() -> None:
    app()
