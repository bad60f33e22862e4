"""Reads the evidence base shipped in ``evidence/data/*.toml``.

``framework.toml`` and ``models.toml`` hold the seed's domain; every other file holds dated
parameters as ``[parameter."key"]`` tables, so a later stage adds its figures by adding a file.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any

from pydantic import ValidationError

from shareplan.errors import InputError, Problem
from shareplan.evidence.base import (
    Criterion,
    DatedValue,
    DeliveryModel,
    EvidenceBase,
    Group,
    Indicator,
    Parameter,
    PartnershipSize,
    Sector,
    SectorInfo,
)

_SPECIAL = {"framework.toml", "models.toml"}


def _read(name: str) -> dict[str, Any]:
    text = resources.files("shareplan.evidence").joinpath("data", name).read_text("utf-8")
    return tomllib.loads(text)


def _parameters(name: str, doc: dict[str, Any]) -> dict[str, Parameter]:
    out: dict[str, Parameter] = {}
    for key, body in doc.get("parameter", {}).items():
        values = [{"valid_from": v.pop("from"), **v} for v in (dict(x) for x in body["values"])]
        out[key] = Parameter(
            key=key,
            description=body["description"],
            unit=body.get("unit", ""),
            values=tuple(DatedValue(**v) for v in values),
        )
    unknown = set(doc) - {"parameter"}
    if unknown:
        raise ValueError(f"{name}: unexpected top-level keys {sorted(unknown)}")
    return out


@cache
def load_evidence() -> EvidenceBase:
    """The shipped evidence base (read once per process)."""
    try:
        framework = _read("framework.toml")
        models = _read("models.toml")
        parameters: dict[str, Parameter] = {}
        data_dir = resources.files("shareplan.evidence").joinpath("data")
        for entry in sorted(data_dir.iterdir(), key=lambda e: e.name):
            if entry.name.endswith(".toml") and entry.name not in _SPECIAL:
                found = _parameters(entry.name, _read(entry.name))
                clash = set(found) & set(parameters)
                if clash:
                    raise ValueError(f"{entry.name}: parameters defined twice: {sorted(clash)}")
                parameters.update(found)
        listed = {x["id"] for x in models.get("sector", ())}
        if listed != {s.value for s in Sector}:
            raise ValueError(
                f"models.toml: the sector table differs from the sectors {sorted(listed)}"
            )
        return EvidenceBase(
            models=tuple(DeliveryModel(**m) for m in models["model"]),
            groups=tuple(Group(**g) for g in framework["group"]),
            criteria=tuple(Criterion(**c) for c in framework["criterion"]),
            indicators=tuple(Indicator(**i) for i in framework["indicator"]),
            partnership_size=PartnershipSize(**framework["partnership_size"]),
            framework_source=framework["source"],
            models_source=models["source"],
            parameters=parameters,
            sectors=tuple(SectorInfo(**x) for x in models.get("sector", ())),
        )
    except (ValidationError, ValueError, KeyError, tomllib.TOMLDecodeError) as exc:
        # The shipped files are the product's own; a failure here is a packaging bug, but say where.
        raise InputError(
            [Problem(f"evidence base is invalid: {exc}", file="evidence/data")]
        ) from exc
