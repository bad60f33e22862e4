"""What changed between two runs of a scenario: inputs, ranking, programme and money."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from shareplan.results import Results

INPUT_LISTS = ("services", "partners", "bundles", "opportunities", "weights", "parameters")


@dataclass(frozen=True)
class Change:
    what: str
    before: str
    after: str


@dataclass(frozen=True)
class Comparison:
    inputs: tuple[Change, ...]
    ranking: tuple[tuple[str, str, int | None, int | None], ...]  # id, title, rank before, after
    programme_added: tuple[str, ...]
    programme_removed: tuple[str, ...]
    money: tuple[tuple[str, float | None, float | None], ...]


def _key(kind: str, item: Mapping[str, Any]) -> str:
    if kind == "weights":
        return f"{item['stakeholder']}/{item['target']}"
    if kind == "parameters":
        return str(item["key"])
    return str(item["id"])


def _input_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[Change]:
    out: list[Change] = []
    for field, value in after["authority"].items():
        old = before["authority"].get(field)
        if old != value:
            out.append(Change(f"setting {field}", str(old), str(value)))
    for kind in INPUT_LISTS:
        old = {_key(kind, i): i for i in before.get(kind, [])}
        new = {_key(kind, i): i for i in after.get(kind, [])}
        for key in sorted(old.keys() | new.keys()):
            if key not in new:
                out.append(Change(f"{kind} {key}", "present", "removed"))
            elif key not in old:
                out.append(Change(f"{kind} {key}", "absent", "added"))
            else:
                for field in sorted(old[key].keys() | new[key].keys()):
                    if old[key].get(field) != new[key].get(field):
                        out.append(
                            Change(
                                f"{kind} {key}: {field}",
                                str(old[key].get(field)),
                                str(new[key].get(field)),
                            )
                        )
    return out


def _totals(results: Results) -> dict[str, float | None]:
    if results.chosen is None:
        return {}
    totals = results.chosen.totals.model_dump()
    return {k: v for k, v in totals.items() if isinstance(v, (int, float)) or v is None}


def compare(
    inputs_before: Mapping[str, Any],
    inputs_after: Mapping[str, Any],
    before: Results,
    after: Results,
) -> Comparison:
    rank_before = {o.id: o.scores.rank for o in before.opportunities}
    rank_after = {o.id: o.scores.rank for o in after.opportunities}
    titles = {o.id: o.title for o in (*before.opportunities, *after.opportunities)}
    moved = [
        (i, titles[i], rank_before.get(i), rank_after.get(i))
        for i in titles
        if rank_before.get(i) != rank_after.get(i)
    ]
    moved.sort(key=lambda r: (r[3] is None, r[3] or 0))
    chosen_before = set(before.chosen.selected_ids) if before.chosen else set()
    chosen_after = set(after.chosen.selected_ids) if after.chosen else set()
    t0, t1 = _totals(before), _totals(after)
    money = tuple((k, t0.get(k), t1.get(k)) for k in sorted(t0.keys() | t1.keys()))
    return Comparison(
        inputs=tuple(_input_changes(inputs_before, inputs_after)),
        ranking=tuple(moved),
        programme_added=tuple(sorted(chosen_after - chosen_before)),
        programme_removed=tuple(sorted(chosen_before - chosen_after)),
        money=money,
    )
