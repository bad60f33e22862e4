"""The assumptions one business case uses, each traced to its source.

An :class:`AssumptionBook` reads evidence parameters as they apply on the appraisal date, applies
the scenario's overrides, and records every value it hands out, so the business case can list
exactly what it assumed and where each figure came from: the evidence base (with source, confidence
grade and effective date), a scenario override, an officer's estimate, or optimism bias.

A scenario override names a parameter key, or a parameter key followed by a path into its value:
``savings.share.public_public_shared_service.back_office.central = 0.15`` changes one leaf of the
table ``savings.share.public_public_shared_service``.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from shareplan.errors import Problem
from shareplan.evidence.base import Confidence, EvidenceBase
from shareplan.scenario.model import ParameterOverride

Origin = Literal["evidence", "scenario", "estimate", "optimism_bias", "derived"]


class Assumption(BaseModel):
    """One figure a business case used, and where it came from."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str
    description: str
    unit: str
    value: Any
    origin: Origin
    source: str
    confidence: Confidence
    valid_from: dt.date | None = None
    note: str = ""


def split_key(key: str, known: Sequence[str]) -> tuple[str, tuple[str, ...]] | None:
    """The longest parameter key that ``key`` starts with, and the path after it."""
    best: str | None = None
    for candidate in known:
        if (key == candidate or key.startswith(candidate + ".")) and (
            best is None or len(candidate) > len(best)
        ):
            best = candidate
    if best is None:
        return None
    rest = key[len(best) + 1 :]
    return best, tuple(rest.split(".")) if rest else ()


def dig(value: Any, path: tuple[str, ...]) -> Any:
    """The part of a (nested table) value at ``path``; ``KeyError`` or ``TypeError`` if absent."""
    for step in path:
        value = value[step]
    return value


class AssumptionBook:
    """Evidence values on a date, with scenario overrides on top; records what is used."""

    def __init__(
        self,
        evidence: EvidenceBase,
        on: dt.date,
        overrides: Sequence[ParameterOverride] = (),
    ) -> None:
        self.evidence = evidence
        self.on = on
        self.used: dict[str, Assumption] = {}
        self.problems: list[Problem] = []
        # (parameter key, path) -> (value, note, row)
        self._overrides: dict[tuple[str, tuple[str, ...]], tuple[Any, str, int]] = {}
        known = tuple(evidence.parameters)
        for index, override in enumerate(overrides):
            split = split_key(override.key, known)
            if split is None:
                continue  # a parameter of another stage
            key, path = split
            try:
                dig(evidence.parameter(key).at(on).value, path)
            except (KeyError, TypeError, IndexError):
                self.problems.append(
                    Problem(
                        f"parameter {override.key!r}: {'.'.join(path)!r} is not part of {key!r}",
                        sheet="parameters",
                        row=index + 2,
                        column="key",
                    )
                )
                continue
            self._overrides[(key, path)] = (override.value, override.note, index + 2)

    def on_date(self, on: dt.date) -> AssumptionBook:
        """The same book (same overrides, same record of what is used) read on another date."""
        other = copy.copy(self)
        other.on = on
        return other

    def override_row(self, key: str, path: tuple[str, ...] = ()) -> int | None:
        """The parameters-sheet row of the override that sets this value, if any."""
        for (k, p), (_, _, row) in self._overrides.items():
            if k == key and path[: len(p)] == p:
                return row
        return None

    def get(self, key: str, *path: str) -> Any:
        """The value of ``key`` (at ``path`` inside it) on the appraisal date, overrides applied."""
        parameter = self.evidence.parameter(key)
        full = ".".join((key, *path))
        for (k, p), (value, note, _) in self._overrides.items():
            if k == key and tuple(path[: len(p)]) == p:
                result = dig(value, tuple(path[len(p) :])) if len(path) > len(p) else value
                self.used[full] = Assumption(
                    key=full,
                    description=parameter.description,
                    unit=parameter.unit,
                    value=result,
                    origin="scenario",
                    source="scenario override (parameters sheet)",
                    confidence=Confidence.ASSUMPTION,
                    note=note,
                )
                return result
        dated = parameter.at(self.on)
        result = dig(dated.value, tuple(path))
        note = dated.note
        if not parameter.applies_on(self.on):
            note = (
                f"{note} " if note else ""
            ) + f"applied before its earliest effective date {dated.valid_from.isoformat()}"
        self.used[full] = Assumption(
            key=full,
            description=parameter.description,
            unit=parameter.unit,
            value=result,
            origin="evidence",
            source=dated.source,
            confidence=dated.confidence,
            valid_from=dated.valid_from,
            note=note,
        )
        return result

    def number(self, key: str, *path: str) -> float:
        """:meth:`get` as a float; a value that is not a number is a problem (reported, 0 used)."""
        value = self.get(key, *path)
        try:
            return float(value)
        except (TypeError, ValueError):
            self.problems.append(
                Problem(
                    f"parameter {'.'.join((key, *path))!r} must be a number, not {value!r}",
                    sheet="parameters",
                    row=self.override_row(key, tuple(path)),
                    column="value",
                )
            )
            return 0.0

    def record(
        self,
        key: str,
        value: Any,
        origin: Origin,
        source: str,
        description: str = "",
        unit: str = "",
        note: str = "",
        confidence: Confidence = Confidence.ASSUMPTION,
    ) -> None:
        """Record a figure that is not an evidence parameter (an estimate, a derived figure)."""
        self.used[key] = Assumption(
            key=key,
            description=description,
            unit=unit,
            value=value,
            origin=origin,
            source=source,
            confidence=confidence,
            note=note,
        )

    def assumptions(self) -> tuple[Assumption, ...]:
        return tuple(self.used[k] for k in sorted(self.used))
