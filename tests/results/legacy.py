"""The results.json document as the pipeline built it before the typed model (nested dicts, as on
main at d54111f), kept so that a test can show the typed model writes the same bytes for the same
run. Frozen: change it only to follow a deliberate change of the file's content, never its shape."""

from __future__ import annotations

import datetime as dt
from typing import Any

from shareplan import __version__
from shareplan.assessment import explain_ranking
from shareplan.evidence.rates import describe_bands
from shareplan.pipeline import AppraisalRun, ProgrammeOutcome
from shareplan.results import SCHEMA_VERSION
from shareplan.scenario import Scenario
from shareplan.scenario.schema import AUTHORITY_FIELDS


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


def _speaks_for(run: AppraisalRun) -> dict[str, Any]:
    """Issue 15's additions: the place and residents the criteria name, their wording, the
    background sheet, the discount rate used and the partners whose affinity is to judge."""
    a = run.scenario.authority
    worded = run.evidence.worded_for(a.place_name, a.residents_name)
    defaulted = [p for p in run.scenario.partners if not p.affinity_judged]
    used = run.parameters[f"discount.schedule.{a.discount_schedule}"]
    bands = [
        (int(b["first"]), None if b.get("last") is None else int(b["last"]), float(b["rate"]))
        for b in used.value
    ]
    return {
        "place": a.place_name,
        "residents": a.residents_name,
        "principles": {g.id: g.principle for g in worded.groups},
        "criteria_wording": {c.id: c.wording for c in worded.criteria},
        "background": [b.model_dump(mode="json") for b in run.scenario.background],
        "discount": {
            "schedule": a.discount_schedule,
            "in_words": describe_bands(tuple(bands), a.horizon_years),
            "origin": used.origin,
            "bands": [{"first": f, "last": last, "rate": r} for f, last, r in bands],
        },
        "affinity_to_judge": {
            "partners": [p.name for p in defaulted],
            "neutral_default": defaulted[0].affinity if defaulted else None,
        },
        # issue 22 (schema 2.1): the services left out of the appraisal until split
        "not_appraised": [
            {"name": s.name, "gross_cost": s.gross_cost}
            for s in run.scenario.services
            if not s.appraise
        ],
    }


def _programme(outcome: ProgrammeOutcome) -> dict[str, Any]:
    if outcome.plan is None:
        error = outcome.infeasible
        return {
            "feasible": False,
            "message": str(error) if error else "no programme",
            "conflicting": list(error.conflicting) if error else [],
            "objective": outcome.objective.to_dict(),
            "constraints": outcome.constraints.to_dict(),
            "relaxations": [r.to_dict() for r in outcome.relaxations],
        }
    block: dict[str, Any] = {"feasible": True, **outcome.plan.to_dict()}
    block["risk_register"] = [r.model_dump(mode="json") for r in outcome.risk_register]
    return block


def _opportunities(run: AppraisalRun) -> list[dict[str, Any]]:
    assessment = run.assessment
    rank = {oid: r for r, oid in enumerate(assessment.ranked())}
    out = []
    for o in sorted(run.opportunities, key=lambda o: rank[o.id]):
        case = run.case(o.id)
        explained = explain_ranking(assessment, o.id)
        comparison = {
            "compared_with_next": explained["compared_with"],
            "firmness": explained["firmness"],
        }
        out.append(
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
                "screening": assessment.screening(o.id),
                "scores": {**assessment.scores(o.id), **comparison},
                "business_case": case.model_dump(mode="json", exclude={"procurement", "risks"}),
                "procurement": case.procurement.model_dump(mode="json"),
                "risks": case.risks.model_dump(mode="json"),
            }
        )
    return out


def legacy_document(run: AppraisalRun, created: dt.date) -> dict[str, Any]:
    a = run.scenario.authority
    long_list: dict[str, Any] = dict(run.long_list.counts.to_dict())
    long_list["shortlist"] = run.shortlist.to_dict()
    return {
        "schema_version": SCHEMA_VERSION,
        "generator": {"name": "shareplan", "version": __version__},
        "created": created.isoformat(),
        "scenario": {
            "source": run.source,
            "authority": a.name,
            "ons_code": a.ons_code,
            "price_base_year": a.price_base_year,
            "first_year": a.first_year,
            "horizon_years": a.horizon_years,
            "appraisal_date": a.appraisal_date.isoformat(),
            "financial_years": a.financial_years,
            "meeting": a.meeting,
            "meeting_date": a.meeting_date.isoformat() if a.meeting_date else None,
            "report_title": a.report_title,
            "directorate": a.directorate,
            "contact": a.contact,
            "corporate_priorities": list(a.corporate_priorities),
            "implementation_budget": a.implementation_budget,
            "priority_projects": a.priority_projects,
            "random_seed": a.random_seed,
            "services": len(run.scenario.services),
            "partners": len(run.scenario.partners),
            "bundles": len(run.scenario.bundles),
            "declared_opportunities": len(run.scenario.opportunities),
            "service_names": {s.id: s.name for s in run.scenario.services},
            "partner_names": {p.id: p.name for p in run.scenario.partners},
            "model_names": {m.id: m.name for m in run.evidence.models},
            **_speaks_for(run),
        },
        "parameters": _settings(run.scenario)
        + [p.model_dump(mode="json") for p in run.parameters.values()],
        "long_list": long_list,
        "opportunities": _opportunities(run),
        "stakeholders": run.assessment.stakeholders_dict(),
        "sensitivity": run.assessment.sensitivity_dict(),
        "programme": _programme(run.programme),
    }
