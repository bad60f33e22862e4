"""Reference class forecasting: the evidence base's saving shares and optimism-bias allowance set
against what comparable arrangements achieved (the Green Book's supplementary guidance on
optimism bias asks appraisers to use such data where they have it).

For each delivery model with comparable outcomes: the mean of the cases' realised-to-forecast
ratios, for savings and for one-off costs, with the cases behind it. A savings ratio scales the
model's saving shares (low, central, high, every kind of service); a one-off cost ratio ``r`` is
what the optimism-bias allowance should reach, so the mitigated share becomes
``1 - (r - 1) / upper bound`` (0 to 1). Either is written as a dated scenario override, each row's
note naming the cases it rests on.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from shareplan.evidence import EvidenceBase
from shareplan.tracking.outcomes import Outcome

RATIO_MEASURES = ("saving", "saving_share", "one_off_cost")


@dataclass(frozen=True, slots=True)
class Calibration:
    model: str
    measure: str  # "saving" (saving and saving-share cases together) or "one_off_cost"
    cases: tuple[Outcome, ...]

    @property
    def ratios(self) -> tuple[float, ...]:
        return tuple(c.ratio for c in self.cases if c.ratio is not None)

    @property
    def ratio(self) -> float:
        return math.fsum(self.ratios) / len(self.ratios)


def calibrations(outcomes: Sequence[Outcome]) -> tuple[Calibration, ...]:
    """One calibration per model and measure that has comparable cases."""
    groups: dict[tuple[str, str], list[Outcome]] = {}
    for o in outcomes:
        # illustrative figures show the tool at work; they are never evidence
        if o.measure in RATIO_MEASURES and o.ratio is not None and o.confidence != "illustrative":
            measure = "one_off_cost" if o.measure == "one_off_cost" else "saving"
            groups.setdefault((o.model, measure), []).append(o)
    return tuple(Calibration(m, k, tuple(cases)) for (m, k), cases in sorted(groups.items()))


def _note(c: Calibration, on: dt.date) -> str:
    cases = "; ".join(f"{o.name} ({o.ratio:.2f}, {o.source})" for o in c.cases if o.ratio)
    return (
        f"calibrated on {on.isoformat()}: realised/forecast {c.ratio:.2f}, the mean of "
        f"{len(c.ratios)} case(s): {cases}"
    )


def development_bound(evidence: EvidenceBase, on: dt.date) -> float:
    """The capital bound the one-off cost outcomes are compared with: optimism bias is set by
    category of one-off cost (``optimism.cost_categories``), and the published overruns are of
    development work (systems and the project team), so the largest bound among the categories
    the model books (those with a cost line) is the one an overrun calibrates."""
    bounds = evidence.value("optimism.upper_bounds", on)
    categories = evidence.value("optimism.cost_categories", on)
    return max(
        (
            float(bounds[entry["project_type"]]["one_off"])
            for entry in categories.values()
            if entry.get("line") and entry.get("project_type")
        ),
        default=0.0,
    )


def evidence_view(c: Calibration, evidence: EvidenceBase, on: dt.date) -> dict[str, Any]:
    """What the evidence base assumes for the calibration's model and measure, and the value the
    outcomes suggest instead."""
    if c.measure == "saving":
        table = evidence.value(f"savings.share.{c.model}", on)
        return {
            "key": f"savings.share.{c.model}",
            "assumed": {kind: v["central"] for kind, v in table.items()},
            "calibrated": {kind: v["central"] * c.ratio for kind, v in table.items()},
        }
    upper = development_bound(evidence, on)
    mitigated = float(evidence.value("optimism.mitigated_share.one_off", on))
    share = min(1.0, max(0.0, 1.0 - (c.ratio - 1.0) / upper)) if upper > 0 else mitigated
    return {
        "key": "optimism.mitigated_share.one_off",
        "assumed": {"multiplier": 1.0 + upper * (1.0 - mitigated), "mitigated_share": mitigated},
        "calibrated": {"multiplier": 1.0 + upper * (1.0 - share), "mitigated_share": share},
    }


def override_rows(
    found: Sequence[Calibration], evidence: EvidenceBase, on: dt.date
) -> list[list[str]]:
    """The scenario ``parameters`` sheet rows (key, value, note) for the calibrated values."""
    rows: list[list[str]] = [["key", "value", "note"]]
    for c in found:
        if c.measure == "saving":
            table = evidence.value(f"savings.share.{c.model}", on)
            for kind, levels in sorted(table.items()):
                for level in ("low", "central", "high"):
                    value = min(1.0, float(levels[level]) * c.ratio)
                    rows.append(
                        [f"savings.share.{c.model}.{kind}.{level}", f"{value:.6g}", _note(c, on)]
                    )
        else:
            view = evidence_view(c, evidence, on)
            rows.append(
                [
                    "optimism.mitigated_share.one_off",
                    f"{view['calibrated']['mitigated_share']:.6g}",
                    _note(c, on),
                ]
            )
    return rows


def not_used_because(outcome: Outcome) -> str:
    """Why an outcome is shown but not used in a ratio ("" when it is used)."""
    if outcome.confidence == "illustrative":
        return "illustrative figures"
    if outcome.measure == "delay_months":
        return "a delay, reported beside the ratios"
    if outcome.ratio is None:
        if outcome.forecast:
            return "forecast and outcome differ in scope or period"
        return "no published forecast beside it"
    return ""


def calibration_record(
    outcomes: Sequence[Outcome], evidence: EvidenceBase, on: dt.date
) -> dict[str, Any]:
    """Everything ``evidence calibrate`` shows, as JSON-ready data: per model and measure the mean
    ratio, the evidence's assumption and the calibrated value, and every case behind it; then the
    outcomes shown but not used, and why."""
    found = calibrations(outcomes)
    return {
        "date": on.isoformat(),
        "calibrations": [
            {
                "model": c.model,
                "measure": c.measure,
                "ratio": c.ratio,
                "evidence": evidence_view(c, evidence, on),
                "cases": [
                    {
                        "name": o.name,
                        "ratio": o.ratio,
                        "forecast": o.forecast,
                        "realised": o.realised,
                        "date": o.date,
                        "source": o.source,
                        "confidence": o.confidence,
                    }
                    for o in c.cases
                ],
            }
            for c in found
        ],
        "not_used": [
            {"name": o.name, "source": o.source, "date": o.date, "why": not_used_because(o)}
            for o in outcomes
            if not_used_because(o)
        ],
    }
