"""What every command shares: the consoles, printing a table or JSON, and turning user mistakes
into a clear message and exit status 2 instead of a traceback."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from shareplan.errors import InfeasibleError, InputError, Problem, ShareplanError

# Tables are wide; when the output is not a terminal (a pipe, a log, CI) Rich would assume 80
# columns and squeeze them unreadably, so give it room.
console = Console(width=None if sys.stdout.isatty() else 160)
err_console = Console(stderr=True)

EXIT_INPUT = 2
EXIT_INFEASIBLE = 3
"""The appraisal ran and its outputs were written, but the programme rules clash so no priority
programme could be chosen (``appraise``, ``programme``); the message names the smallest change to
each rule that gives one. Distinct from 2 (bad input, nothing written)."""


@contextmanager
def user_errors() -> Iterator[None]:
    """Report shareplan's own errors plainly and exit 2; anything else is a bug and propagates."""
    try:
        yield
    except InputError as exc:
        if len(exc.problems) == 1:
            # one mistake, one line: what a script's log or a person at a terminal reads first
            err_console.print(
                f"[bold red]Error:[/] {escape(str(exc.problems[0]))}",
                highlight=False,
                soft_wrap=True,
            )
            raise typer.Exit(EXIT_INPUT) from None
        err_console.print(f"[bold red]{len(exc.problems)} problem(s) found:[/]")
        for problem in exc.problems:
            err_console.print(f"  - {problem}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_INPUT) from None
    except InfeasibleError as exc:
        err_console.print(f"[bold red]No feasible solution:[/] {exc}", highlight=False)
        for name in exc.conflicting:
            err_console.print(f"  - {name}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_INPUT) from None
    except ShareplanError as exc:
        err_console.print(f"[bold red]Error:[/] {exc}", highlight=False)
        raise typer.Exit(EXIT_INPUT) from None
    except OSError as exc:
        # A folder the user cannot write (or read), a full disk: the user's to fix, not a bug.
        # Writers stage their files and rename them into place, so nothing is half-written.
        err_console.print(f"[bold red]Error:[/] {os_problem(exc)}", highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_INPUT) from None


def check_writable(target: Path, *, folder: bool) -> None:
    """Refuse, before any work, an output the user cannot write: ``target`` is a folder to write
    into (``folder``) or a file to write. Probes with a temporary file that is removed at once,
    so a long appraisal does not end in an error it could have had at the start."""
    where = (target if folder else target.parent).absolute()
    # probe the nearest folder that exists: creating the target here would leave it behind
    # when a later check fails, and nothing may be written then
    while not where.exists() and where.parent != where:
        where = where.parent
    try:
        fd, probe = tempfile.mkstemp(prefix=".shareplan-probe-", dir=where)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        why = "permission denied" if isinstance(exc, PermissionError) else exc.strerror or str(exc)
        raise InputError(
            [
                Problem(
                    f"cannot write {'into ' if folder else ''}{target}: {why}",
                    str(target),
                    allowed="a folder you can write to",
                )
            ]
        ) from None


def os_problem(exc: OSError) -> str:
    """One line for an operating-system error: what failed, where, and what to do."""
    where = exc.filename or "the output"
    why = exc.strerror or str(exc)
    if isinstance(exc, PermissionError):
        return f"cannot write {where}: permission denied; choose a folder you can write to"
    return f"cannot use {where}: {why}"


@contextmanager
def native_output_to_stderr() -> Iterator[None]:
    """Send what compiled libraries print on file descriptor 1 to standard error instead.

    The HiGHS solver inside SciPy sometimes prints diagnostics straight to the process's standard
    output, which would corrupt ``--json`` output that other tools read.
    """
    sys.stdout.flush()
    try:
        saved = os.dup(1)
    except OSError:  # no real file descriptor (e.g. under a test runner capturing output)
        yield
        return
    try:
        os.dup2(2, 1)
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


def print_json(data: Any) -> None:
    """Write JSON to standard output for other tools to read (no colour, no wrapping)."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str))
    sys.stdout.write("\n")


def print_table(
    title: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    justify_right: Callable[[str], bool] | None = None,
    keep_whole: Sequence[str] = (),
) -> None:
    """A Rich table; columns named in ``keep_whole`` (ids a reader will copy) are never wrapped."""
    table = Table(title=title, show_lines=False)
    for name in columns:
        right = justify_right(name) if justify_right else False
        table.add_column(name, justify="right" if right else "left", no_wrap=name in keep_whole)
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    console.print(table)
