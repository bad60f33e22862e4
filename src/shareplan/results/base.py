"""What every block of results.json shares: frozen pydantic records."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

Number = int | float
"""A figure written as it was computed: a count stays ``5``, a sum stays ``5.0`` (so that the file
is written byte for byte as before the typed model)."""


class Record(BaseModel):
    """A block of results.json. Frozen; unknown fields are refused, so that a misspelt or a
    stray field is a clear error rather than silently dropped (a newer minor version's additions
    are removed by :func:`shareplan.results.io.upgrade` before validation)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
