"""What every block of results.json shares: frozen pydantic records that refuse unknown fields,
so that a misspelt or a stray field is a clear error rather than silently dropped. The base is
the programme stage's (whose records results.json holds as they are), so it is written once."""

from __future__ import annotations

from shareplan.programme.records import Number, Record

__all__ = ["Number", "Record"]
