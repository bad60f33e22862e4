"""Reading and writing results.json: the one place that knows the file, its versions and what a
damaged one looks like.

:func:`read_results` is how every reader (the report, ``explain``, ``programme``, the web app)
opens a results.json; a file that is not one gives an :class:`~shareplan.errors.InputError` naming
the file, the field and what was expected, never a traceback. Older schema versions are upgraded
in :func:`upgrade`, here and nowhere else.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from shareplan.errors import InputError, Problem
from shareplan.results.model import SCHEMA_VERSION, Results

ONE_OFF_LINES = ("project_team", "procurement_legal", "ict_integration", "redundancy_pension")


def _from_1_0(data: dict[str, Any]) -> dict[str, Any]:
    """1.0 -> 2.0: optimism bias by category of one-off cost. A 1.0 business case applied one
    one-off uplift to every line, so each line becomes a category with that uplift, and the model
    inputs get one uplift per line. The flows and measures stay as they were written; a what-if
    that re-simulates the case applies today's rules (the operating uplift on the saving)."""
    for entry in data.get("opportunities") or []:
        case = entry.get("business_case") if isinstance(entry, dict) else None
        if not isinstance(case, dict):
            continue
        bias = case.get("optimism_bias")
        if isinstance(bias, dict) and "one_off_type" in bias:
            kind = bias.pop("one_off_type")
            upper = bias.pop("one_off_upper", 0.0)
            mitigated = bias.get("one_off_mitigated", 0.0)
            uplift = bias.pop("one_off_uplift", 0.0)
            bias["one_off"] = [
                {
                    "category": line,
                    "cost_line": line,
                    "project_type": kind,
                    "upper": upper,
                    "mitigated": mitigated,
                    "uplift": uplift,
                }
                for line in ONE_OFF_LINES
            ]
            bias.setdefault("fixed_price_contract", False)
        inputs = case.get("model_inputs")
        if isinstance(inputs, dict) and "one_off_uplift" in inputs:
            uplift = inputs.pop("one_off_uplift")
            for name in ("team_uplift", "procurement_uplift", "ict_uplift", "exit_uplift"):
                inputs[name] = uplift
    return {**data, "schema_version": "2.0"}


def _from_2_0(data: dict[str, Any]) -> dict[str, Any]:
    """2.0 -> 2.1: only fields were added, each with a default that says what a 2.0 file did: no
    service left out of the appraisal (``scenario.not_appraised``), the programme ranked on the
    whole NPV."""
    return {**data, "schema_version": "2.1"}


def _from_2_1(data: dict[str, Any]) -> dict[str, Any]:
    """2.1 -> 3.0: ``binding`` meant "no room left", and is renamed so. Which rules limit the
    programme was not worked out then, so ``limiting`` is left unknown (absent, read as null)
    rather than guessed; the equal alternatives and the services the screen removed were not
    listed, and read as none."""
    block = data.get("programme")
    if isinstance(block, dict) and "binding" in block:
        block["no_room_left"] = block.pop("binding")
        for use in block.get("constraint_use") or []:
            if isinstance(use, dict) and "binding" in use:
                use["no_room_left"] = use.pop("binding")
    return {**data, "schema_version": "3.0"}


def _from_3_0(data: dict[str, Any]) -> dict[str, Any]:
    """3.0 -> 3.1: only ``grant_npv`` on near misses was added; a 3.0 file marked none."""
    return {**data, "schema_version": "3.1"}


UPGRADES: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "1.0": _from_1_0,
    "2.0": _from_2_0,
    "2.1": _from_2_1,
    "3.0": _from_3_0,
}
"""``"MAJOR.MINOR"`` of an older schema -> the function that turns such a file into the next
version's shape (and sets its ``schema_version``)."""

TAGS = frozenset({"chosen", "none", "setting", "evidence"})
"""Names of the branches of tagged unions, which pydantic puts into an error's location."""


def write_results(results: Results, path: Path) -> Path:
    """Write ``results`` to ``path`` atomically (a temporary file renamed into place).

    The text is pydantic's own JSON (two-space indent, UTF-8, each float in its shortest
    round-trip digits), so that a figure is written exactly as the stage computed it and reads
    back as the same float. It holds the same values as ``json.dump(results.model_dump(mode=
    "json"), indent=2)``; only the notation of very small or very large numbers differs
    (``0.000046`` where :mod:`json` writes ``4.6e-05``).

    The opportunities are turned into JSON one at a time and written as they go: at county scale
    (15,000 shortlisted) the whole file as Python data would need gigabytes, and pydantic's
    serialiser writes it several times faster than :mod:`json`'s indenting encoder."""
    return _atomic_bytes(path, lambda handle: _stream(results, handle))


def _field_json(results: Results, name: str) -> bytes:
    """The JSON of one top-level field as it sits one level deep in the file."""
    text = results.__pydantic_serializer__.to_json(results, include={name}, indent=2)
    head = b"{\n  " + json.dumps(name).encode() + b": "
    return text[len(head) : -len(b"\n}")]


def _stream(results: Results, handle: IO[bytes]) -> None:
    fields = list(type(results).model_fields)
    handle.write(b"{\n")
    for n, name in enumerate(fields):
        handle.write(b"  " + json.dumps(name).encode() + b": ")
        if name == "opportunities" and results.opportunities:
            handle.write(b"[\n")
            last = len(results.opportunities) - 1
            for i, entry in enumerate(results.opportunities):
                # JSON escapes the newlines inside strings, so every raw newline is layout; the
                # serialiser's UTF-8 bytes go to the file as they are (no str to encode again)
                text = type(entry).__pydantic_serializer__.to_json(entry, indent=2)
                handle.write(b"    " + text.replace(b"\n", b"\n    "))
                handle.write(b",\n" if i < last else b"\n")
            handle.write(b"  ]")
        else:
            handle.write(_field_json(results, name))
        handle.write(b",\n" if n < len(fields) - 1 else b"\n")
    handle.write(b"}\n")


def write_json(data: Any, path: Path) -> Path:
    """Write JSON-ready ``data`` to ``path`` atomically, readable by others."""

    def dump(handle: IO[str]) -> None:
        json.dump(data, handle, indent=2, ensure_ascii=False)
        handle.write("\n")

    return _atomic(path, dump)


def _atomic(path: Path, write: Callable[[IO[str]], None]) -> Path:
    """Write ``path`` through ``write`` into a temporary file renamed into place when complete."""

    def as_text(handle: IO[bytes]) -> None:
        text = io.TextIOWrapper(handle, encoding="utf-8")
        write(text)
        text.flush()
        text.detach()  # the file is closed by _atomic_bytes, once

    return _atomic_bytes(path, as_text)


def _atomic_bytes(path: Path, write: Callable[[IO[bytes]], None]) -> Path:
    """:func:`_atomic` for a writer of bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
        # mkstemp creates the file readable by its owner only; results are for sharing.
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def read_results(path: Path) -> Results:
    """The results.json at ``path``, upgraded to this version's schema and checked field by
    field. Raises :class:`InputError` (one problem: the file, the field, what was expected)."""
    where = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError([Problem("no such results file", where)]) from None
    except (IsADirectoryError, UnicodeDecodeError) as exc:
        raise InputError([Problem(f"not a results.json file: {exc}", where)]) from None
    return parse_results(text, where)


def parse_results(text: str, where: str = "results.json") -> Results:
    """:func:`read_results` on the text of a file (``where`` names it in errors)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            [
                Problem(
                    f"not valid JSON (cut short or damaged?): {exc.msg} at line {exc.lineno}", where
                )
            ]
        ) from None
    if not isinstance(data, dict) or "schema_version" not in data:
        raise InputError(
            [
                Problem(
                    "not a shareplan results file", where, allowed="an object with schema_version"
                )
            ]
        )
    try:
        return Results.model_validate(upgrade(data, where))
    except ValidationError as exc:
        raise InputError([field_problem(exc.errors()[0], where)]) from None


def upgrade(data: dict[str, Any], where: str) -> dict[str, Any]:
    """``data`` in this version's shape: each older version's step in :data:`UPGRADES` applied in
    turn. A file from a newer major version, or of a version nobody wrote, is refused."""
    current = SCHEMA_VERSION
    version = str(data.get("schema_version"))
    while version != current:
        step = UPGRADES.get(version)
        if step is None:
            newer = version.split(".")[0] == current.split(".")[0]
            raise InputError(
                [
                    Problem(
                        f"results schema {version} is "
                        + ("newer than this shareplan reads" if newer else "not readable here"),
                        where,
                        allowed="schema " + ", ".join(sorted({current, *UPGRADES})),
                    )
                ]
            )
        data = step(data)
        version = str(data.get("schema_version"))
    return data


def field_problem(error: ErrorDetails, where: str) -> Problem:
    """One pydantic error as a problem a person can act on: the field's path (``opportunities[3]
    .business_case.adjusted.measures.npv``) and what was expected there."""
    field = ""
    for part in error["loc"]:
        if isinstance(part, int):
            field += f"[{part}]"
        elif part not in TAGS:
            field += f".{part}" if field else str(part)
    kind = error["type"]
    if kind == "missing":
        message = "is missing"
    elif kind == "extra_forbidden":
        message = "is not a field of results.json here"
    else:
        message = f"is {_shown(error.get('input'))}: {error['msg'][0].lower()}{error['msg'][1:]}"
    return Problem(f"field {field or '(top level)'} {message}", where)


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 40 else f"{type(value).__name__} {text[:37]}..."
