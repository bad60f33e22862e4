"""The use cases: what the CLI (and later the web app) call. Each runs the pipeline's stages in
order and returns plain results; none prints or writes except where its name says so."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shareplan import __version__
from shareplan.evidence import EvidenceBase, ResolvedParameter, load_evidence
from shareplan.opportunities import LongList, Opportunity, generate
from shareplan.results import SCHEMA_VERSION, write_json
from shareplan.scenario import Scenario, load_scenario
from shareplan.scenario.schema import AUTHORITY_FIELDS

Progress = Callable[[str], None]
"""Told the name of each stage as it starts (the CLI shows it; library code never prints)."""


def _quiet(_: str) -> None:
    return None


@dataclass(frozen=True)
class Appraisal:
    """Everything one appraisal produced, stage by stage."""

    scenario: Scenario
    source: str
    evidence: EvidenceBase
    parameters: dict[str, ResolvedParameter]
    long_list: LongList
    shortlist: tuple[Opportunity, ...]
    shortlist_summary: dict[str, Any]


def resolve_parameters(scenario: Scenario, evidence: EvidenceBase) -> dict[str, ResolvedParameter]:
    overrides = {p.key: (p.value, p.note) for p in scenario.parameters}
    return evidence.resolve(scenario.authority.appraisal_date, overrides)


def _provisional_shortlist(
    long_list: LongList, scenario: Scenario, evidence: EvidenceBase
) -> tuple[tuple[Opportunity, ...], dict[str, Any]]:
    """Keep the declared opportunities and, per unit, the K with the highest average saving per
    project in the seed's research (ties: fewer partners first)."""
    k = scenario.authority.shortlist_per_service
    saving = [m.average_saving for m in evidence.models]
    kept: list[Opportunity] = list(long_list.declared)
    dropped = 0
    for block in long_list.blocks():
        order = sorted(
            range(len(block)),
            key=lambda i: (
                -saving[int(block.model_index[i])],
                int(long_list.sets.size[block.set_index[i]]),
                i,
            ),
        )
        kept.extend(long_list.materialise(block, order[:k]))
        dropped += max(0, len(block) - k)
    return tuple(kept), {
        "kept": len(kept),
        "dropped_by_reason": {f"not among the best {k} for its service": dropped},
    }


def appraise(
    scenario: Scenario,
    *,
    source: str = "",
    evidence: EvidenceBase | None = None,
    progress: Progress = _quiet,
) -> Appraisal:
    """Run every stage of the appraisal on ``scenario``."""
    evidence = evidence or load_evidence()
    progress("Resolving parameters")
    parameters = resolve_parameters(scenario, evidence)
    progress("Generating the long list")
    long_list = generate(scenario, evidence)
    progress("Shortlisting")
    shortlist, summary = _provisional_shortlist(long_list, scenario, evidence)
    return Appraisal(
        scenario=scenario,
        source=source,
        evidence=evidence,
        parameters=parameters,
        long_list=long_list,
        shortlist=shortlist,
        shortlist_summary=summary,
    )


def appraise_path(path: Path, *, progress: Progress = _quiet) -> Appraisal:
    evidence = load_evidence()
    progress("Reading the scenario")
    scenario = load_scenario(path, evidence)
    return appraise(scenario, source=str(path), evidence=evidence, progress=progress)


def _settings(scenario: Scenario) -> list[dict[str, Any]]:
    data = scenario.authority.model_dump(mode="json")
    return [
        {
            "key": f"authority.{f.name}",
            "description": f.meaning,
            "unit": f.unit,
            "value": data.get(f.name),
            "origin": "scenario",
            "source": "scenario, sheet 'authority'",
        }
        for f in AUTHORITY_FIELDS
    ]


def results_document(appraisal: Appraisal) -> dict[str, Any]:
    """The results.json content (schema in docs/results.md)."""
    a = appraisal.scenario.authority
    long_list = appraisal.long_list.counts.to_dict()
    long_list["shortlist"] = appraisal.shortlist_summary
    return {
        "schema_version": SCHEMA_VERSION,
        "generator": {"name": "shareplan", "version": __version__},
        "created": dt.date.today().isoformat(),
        "scenario": {
            "source": appraisal.source,
            "authority": a.name,
            "ons_code": a.ons_code,
            "price_base_year": a.price_base_year,
            "first_year": a.first_year,
            "horizon_years": a.horizon_years,
            "appraisal_date": a.appraisal_date.isoformat(),
            "services": len(appraisal.scenario.services),
            "partners": len(appraisal.scenario.partners),
            "bundles": len(appraisal.scenario.bundles),
            "declared_opportunities": len(appraisal.scenario.opportunities),
        },
        "parameters": _settings(appraisal.scenario)
        + [p.model_dump(mode="json") for p in appraisal.parameters.values()],
        "long_list": long_list,
        "opportunities": [
            {
                "id": o.id,
                "title": o.title,
                "unit_id": o.unit_id,
                "service_ids": list(o.service_ids),
                "partner_ids": list(o.partner_ids),
                "model": o.model,
                "declared": o.declared,
                "estimates": o.estimates.model_dump(mode="json") if o.estimates.any() else None,
                "screen_override": o.screen_override or None,
            }
            for o in appraisal.shortlist
        ],
        "programme": None,
    }


def write_results(appraisal: Appraisal, out_dir: Path) -> dict[str, Path]:
    """Write every output of the appraisal into ``out_dir``; returns what was written."""
    document = results_document(appraisal)
    return {"results": write_json(document, out_dir / "results.json")}
