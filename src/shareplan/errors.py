"""Errors that users see.

A user mistake (a bad workbook, an unknown id, a weight below zero) is never a traceback: it is an
:class:`InputError` carrying every :class:`Problem` found, each naming where it is (file, sheet, row,
column) and what would be allowed there. The CLI prints them and exits with status 2.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input, and where it is.

    ``row`` is the spreadsheet row number a person sees (the header is row 1), or ``None`` when the
    problem is about a whole sheet or file.
    """

    message: str
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    allowed: str | None = None

    def where(self) -> str:
        parts: list[str] = []
        if self.file:
            parts.append(self.file)
        if self.sheet:
            parts.append(f"sheet {self.sheet!r}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column!r}")
        return ", ".join(parts) if parts else "input"

    def __str__(self) -> str:
        text = f"{self.where()}: {self.message}"
        if self.allowed:
            text += f" (allowed: {shorten(self.allowed)})"
        return text

    def to_dict(self) -> dict[str, str | int | None]:
        return {
            "file": self.file,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "message": self.message,
            "allowed": None if self.allowed is None else shorten(self.allowed),
        }


LONGEST_ALLOWED = 300
"""Characters of an "allowed" text shown in a message; past this it is cut (the whole list would
be one unreadable line: 200,000 ids run to megabytes)."""


def examples(items: Sequence[str], limit: int = 8) -> str:
    """A few of ``items`` and how many there are: "a, b, c and 199,997 others"."""
    shown = list(items[:limit])
    rest = len(items) - len(shown)
    text = ", ".join(shown)
    return f"{text} and {rest:,} other{'' if rest == 1 else 's'}" if rest > 0 else text


def shorten(text: str, limit: int = LONGEST_ALLOWED) -> str:
    """``text`` cut at a separator before ``limit`` characters, saying how much was left out."""
    if len(text) <= limit:
        return text
    head = text[:limit].rsplit(", ", 1)[0]
    more = text[len(head) :].count(", ")
    return f"{head} and {more:,} more" if more else head + " ..."


class ShareplanError(Exception):
    """Base class of every error shareplan raises on purpose."""


class InputError(ShareplanError):
    """The input is wrong; ``problems`` lists every problem found, not just the first."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        if not self.problems:
            raise ValueError("InputError needs at least one problem")
        super().__init__("\n".join(str(p) for p in self.problems))


class InfeasibleError(ShareplanError):
    """No solution satisfies the constraints; ``conflicting`` names the constraints that clash."""

    def __init__(self, message: str, conflicting: Sequence[str] = ()) -> None:
        self.conflicting = tuple(conflicting)
        super().__init__(message)


def raise_if_any(problems: Sequence[Problem]) -> None:
    """Raise :class:`InputError` when ``problems`` is not empty."""
    if problems:
        raise InputError(problems)
