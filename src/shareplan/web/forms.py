"""Forms for a scenario row or the scenario's settings, made from the pydantic model itself (its
fields, types and descriptions), so the form cannot fall out of step with the model; and the
problems of a failed save as the Design System's error summary and field errors."""

from __future__ import annotations

import datetime as dt
import enum
import types
import typing
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from shareplan.errors import Problem
from shareplan.scenario import INDICATOR_IDS


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    hint: str
    kind: str  # text, number, date, checkbox, select, textarea
    value: str
    choices: tuple[str, ...] = ()
    optional: bool = False

    @property
    def input_id(self) -> str:
        return "f-" + self.name.replace(".", "-").replace("_", "-")


def _label(name: str) -> str:
    return name.replace("_", " ").replace(".", ": ").capitalize()


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """The annotation without ``None``, and whether ``None`` was allowed."""
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return (args[0] if len(args) == 1 else str), len(args) < len(typing.get_args(annotation))
    return annotation, False


def _kind(annotation: Any) -> tuple[str, tuple[str, ...]]:
    if annotation is bool:
        return "checkbox", ()
    if annotation in (int, float):
        return "number", ()
    if annotation is dt.date:
        return "date", ()
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return "select", tuple(str(m.value) for m in annotation)
    if typing.get_origin(annotation) is typing.Literal:
        return "select", tuple(str(a) for a in typing.get_args(annotation))
    return "text", ()


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def fields_for(model: type[BaseModel], data: dict[str, Any]) -> list[Field]:
    out: list[Field] = []
    for name, info in model.model_fields.items():
        annotation, optional = _unwrap(info.annotation)
        if name == "traits":
            traits = data.get("traits") or {}
            out.extend(
                Field(
                    f"traits.{t}",
                    _label(t),
                    "0 (not at all) to 5 (strongly)",
                    "number",
                    _shown(traits.get(t)),
                )
                for t in INDICATOR_IDS
            )
            continue
        kind, choices = _kind(annotation)
        if name == "notes" or name == "screen_override":
            kind = "textarea"
        hint = info.description or ""
        if typing.get_origin(annotation) is tuple:
            hint = (hint + " " if hint else "") + "Separate several with commas."
        out.append(Field(name, _label(name), hint, kind, _shown(data.get(name)), choices, optional))
    return out


def parse_form(model: type[BaseModel], form: dict[str, str]) -> dict[str, Any]:
    """The form's strings as the model's input: lists split at commas, blanks as ``None`` where
    the model allows it, ticked boxes as ``True``; pydantic does the rest and says what is wrong."""
    data: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        annotation, optional = _unwrap(info.annotation)
        if name == "traits":
            data["traits"] = {t: form.get(f"traits.{t}", "").strip() for t in INDICATOR_IDS}
            continue
        raw = form.get(name, "")
        raw = raw.strip() if isinstance(raw, str) else raw
        if annotation is bool:
            data[name] = raw in ("true", "on", "yes")
        elif typing.get_origin(annotation) is tuple:
            data[name] = [part.strip() for part in raw.split(",") if part.strip()]
        elif raw == "" and (optional or not info.is_required()):
            if optional:
                data[name] = None
        else:
            data[name] = raw
    return data


def error_summary(
    problems: Sequence[Problem],
    fields: Sequence[Field] | None = None,
    *,
    fallback: str = "main-content",
) -> dict[str, Any]:
    """The error summary's list (each linking to its field, or to ``fallback``) and each field's
    message, by field name."""
    ids = {f.name: f.input_id for f in fields or []}
    items: list[dict[str, str]] = []
    by_field: dict[str, str] = {}
    for p in problems:
        column = p.column or ""
        text = p.message if column in ids or column == fallback else str(p)
        target = ids.get(column)
        if target is None and column:
            # a trait reported as traits.<id>, or a sheet-qualified column
            target = ids.get(column.split(".")[0])
        items.append({"text": text, "href": f"#{target}" if target else f"#{fallback}"})
        if column in ids and column not in by_field:
            by_field[column] = p.message
    return {"items": items, "by_field": by_field}
