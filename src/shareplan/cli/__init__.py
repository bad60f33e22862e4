"""The ``shareplan`` command line: thin commands over the use-case functions."""

from __future__ import annotations

from shareplan.cli.app import app, main

__all__ = ["app", "main"]
