"""Reads the evidence base shipped in ``evidence/data/*.toml`` (or a copy of it in a folder).

``framework.toml`` and ``models.toml`` hold the seed's domain; every other file holds dated
parameters as ``[parameter."key"]`` tables, so a later stage adds its figures by adding a file.

A rule that depends on a delivery model or a kind of service is data: a parameter keyed by model
(``costs.project_team_fte = { strategic_collaboration = 0.5, ... }``), a family of parameters with
one per model (``savings.share.<model>``), or a table keyed by kind of service. Adding an eighth
model is therefore a data edit; :func:`coverage_problems` lists every parameter that still lacks an
entry for it, all at once, so nothing fails later with a missing key.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from shareplan.errors import InputError, Problem, raise_if_any
from shareplan.evidence.base import (
    SERVICE_KINDS,
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


def _tables(
    value: Any, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], dict[str, Any]]]:
    """Every table (dict) inside a parameter value, with its path, the value itself first."""
    if isinstance(value, dict):
        yield path, value
        for key, inner in value.items():
            yield from _tables(inner, (*path, str(key)))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _tables(inner, (*path, str(index)))


def coverage_problems(evidence: EvidenceBase, files: dict[str, str] | None = None) -> list[Problem]:
    """Every per-model and per-kind parameter that lacks an entry for some model or kind.

    A table is per-model when one of its keys names a delivery model (then it must name them all),
    and per-kind likewise; a parameter key that ends in a model id (``savings.share.<model>``)
    belongs to a family that must have one parameter per model. ``files`` maps a parameter key to
    the file that defines it, for the message.
    """
    files = files or {}
    models = evidence.model_ids
    problems: list[Problem] = []

    def missing(key: str, where: str, kind: str, ids: list[str]) -> None:
        problems.append(
            Problem(
                f"evidence parameter {key!r}{where} has no entry for {kind} "
                + ", ".join(repr(i) for i in ids),
                file=files.get(key, "evidence"),
                allowed=f"one entry for every {kind}",
            )
        )

    for key, parameter in sorted(evidence.parameters.items()):
        for dated in parameter.values:
            for path, table in _tables(dated.value):
                where = f" (value from {dated.valid_from.isoformat()}" + (
                    f", under {'.'.join(path)})" if path else ")"
                )
                for ids, kind in ((models, "delivery model"), (SERVICE_KINDS, "kind of service")):
                    named = [i for i in ids if i in table]
                    if named:
                        absent = [i for i in ids if i not in table]
                        if absent:
                            missing(key, where, kind, absent)
    families: dict[str, set[str]] = {}
    for key in evidence.parameters:
        prefix, _, last = key.rpartition(".")
        if last in models:
            families.setdefault(prefix, set()).add(last)
    for prefix, present in sorted(families.items()):
        absent = [m for m in models if m not in present]
        if absent:
            problems.append(
                Problem(
                    f"no evidence parameter {prefix}.<model> for delivery model "
                    + ", ".join(repr(m) for m in absent),
                    file=files.get(f"{prefix}.{sorted(present)[0]}", "evidence"),
                    allowed="one parameter for every delivery model",
                )
            )
    return problems


def _read_folder(folder: Traversable, label: str) -> EvidenceBase:
    def read(name: str) -> dict[str, Any]:
        return tomllib.loads(folder.joinpath(name).read_text("utf-8"))

    try:
        framework = read("framework.toml")
        models = read("models.toml")
        parameters: dict[str, Parameter] = {}
        files: dict[str, str] = {}
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if entry.name.endswith(".toml") and entry.name not in _SPECIAL:
                found = _parameters(entry.name, read(entry.name))
                clash = set(found) & set(parameters)
                if clash:
                    raise ValueError(f"{entry.name}: parameters defined twice: {sorted(clash)}")
                parameters.update(found)
                files.update(dict.fromkeys(found, f"{label}/{entry.name}"))
        listed = {x["id"] for x in models.get("sector", ())}
        if listed != {s.value for s in Sector}:
            raise ValueError(
                f"models.toml: the sector table differs from the sectors {sorted(listed)}"
            )
        evidence = EvidenceBase(
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
    except (ValidationError, ValueError, KeyError, OSError, tomllib.TOMLDecodeError) as exc:
        raise InputError([Problem(f"evidence base is invalid: {exc}", file=label)]) from None
    raise_if_any(coverage_problems(evidence, files))
    return evidence


@cache
def _shipped() -> EvidenceBase:
    return _read_folder(resources.files("shareplan.evidence").joinpath("data"), "evidence/data")


def load_evidence(folder: Path | None = None) -> EvidenceBase:
    """The shipped evidence base (read once per process), or a copy of it in ``folder``.

    Raises :class:`InputError` listing every problem: a file that does not parse, a model without
    its traits, and every per-model or per-kind parameter that misses a model or a kind.
    """
    if folder is None:
        return _shipped()
    if not folder.is_dir():
        raise InputError([Problem("no such evidence folder", file=str(folder))])
    return _read_folder(folder, str(folder))
