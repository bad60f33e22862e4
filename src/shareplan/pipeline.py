"""The use cases: what the CLI (and later the web app) call. Each runs the pipeline's stages in
order and returns plain results; none prints or writes except where its name says so."""

from __future__ import annotations

import dataclasses
import datetime as dt
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from itertools import repeat
from pathlib import Path
from typing import Any

from shareplan import __version__
from shareplan.assessment import Assessment, AssessmentSettings, assess, stakeholder_weights
from shareplan.assessment import explain as explain_scores
from shareplan.assessment.shortlist import Shortlist, shortlist
from shareplan.business_case import (
    BusinessCase,
    ProgrammeRisk,
    ProgrammeSimulation,
    build_business_cases,
    programme_risks,
    simulate_programme,
)
from shareplan.business_case import (
    check_scenario as check_business_case_inputs,
)
from shareplan.errors import InfeasibleError, InputError, Problem
from shareplan.evidence import EvidenceBase, ResolvedParameter, load_evidence, rates
from shareplan.opportunities import LongList, Opportunity, generate
from shareplan.programme import (
    Candidate,
    CandidateSet,
    Constraints,
    Objective,
    ProgrammePlan,
    plan_programme,
)
from shareplan.programme.relax import Relaxation, relaxations
from shareplan.programme.view import programme_view
from shareplan.report import write_reports
from shareplan.results import SCHEMA_VERSION, write_json
from shareplan.scenario import Scenario, load_scenario
from shareplan.scenario.schema import AUTHORITY_FIELDS

Progress = Callable[[str], None]
"""Told the name of each stage as it starts (the CLI shows it; library code never prints)."""


def _quiet(_: str) -> None:
    return None


PROGRAMME_DRAWS = 10_000
"""Monte Carlo draws behind the programme's savings bands (the same seed gives the same bands)."""


@dataclass(frozen=True)
class Appraisal:
    """Everything one appraisal produced, stage by stage."""

    scenario: Scenario
    source: str
    evidence: EvidenceBase
    parameters: dict[str, ResolvedParameter]
    long_list: LongList
    shortlist: Shortlist
    cases: tuple[BusinessCase, ...]
    assessment: Assessment
    programme: ProgrammeOutcome

    @property
    def opportunities(self) -> tuple[Opportunity, ...]:
        return self.shortlist.opportunities

    @cached_property
    def _case_of(self) -> dict[str, BusinessCase]:
        return {c.opportunity_id: c for c in self.cases}

    def case(self, opportunity_id: str) -> BusinessCase:
        return self._case_of[opportunity_id]


@dataclass(frozen=True)
class ProgrammeOutcome:
    """The chosen programme, or why none could be chosen."""

    plan: ProgrammePlan | None
    simulation: ProgrammeSimulation | None
    constraints: Constraints
    objective: Objective
    risk_register: tuple[ProgrammeRisk, ...] = ()
    infeasible: InfeasibleError | None = None
    relaxations: tuple[Relaxation, ...] = ()


def resolve_parameters(scenario: Scenario, evidence: EvidenceBase) -> dict[str, ResolvedParameter]:
    overrides = {p.key: (p.value, p.note) for p in scenario.parameters}
    return evidence.resolve(scenario.authority.appraisal_date, overrides)


def check_scenario(scenario: Scenario, evidence: EvidenceBase) -> list[Problem]:
    """Problems a scenario's reader cannot see on its own: parameter overrides that do not fit the
    evidence they replace, an unknown discount schedule, weights that leave a level of the value
    tree empty. ``validate`` reports them, so an appraisal never meets them half way."""
    problems = list(check_business_case_inputs(scenario, evidence))
    try:
        stakeholder_weights(scenario, evidence, AssessmentSettings.resolve(scenario, evidence))
    except InputError as exc:
        problems.extend(exc.problems)
    return problems


def programme_rules(scenario: Scenario) -> tuple[Constraints, Objective]:
    """The programme's constraints and objective as the scenario's settings give them."""
    a = scenario.authority
    # the scenario reader refuses a minimum above the maximum, so this range is well formed
    projects: int | tuple[int, int] = (
        (a.priority_projects_min, a.priority_projects)
        if a.priority_projects_min is not None and a.priority_projects_min < a.priority_projects
        else a.priority_projects
    )
    capacity = None
    if a.officer_capacity_fte is not None:
        capacity = (a.officer_capacity_fte,) * (a.horizon_years + 1)
    constraints = Constraints(
        projects=projects,
        budget=a.implementation_budget,
        fte_capacity_by_year=capacity,
        partner_capacity=a.max_projects_per_partner,
        min_quick_wins=a.min_quick_wins,
        min_prob_positive_npv=a.min_probability_positive_npv,
    )
    return constraints, Objective(kind=a.programme_objective, value_weight=a.value_weight)


def candidates(
    scored: Sequence[tuple[Opportunity, float]], cases: Sequence[BusinessCase]
) -> CandidateSet:
    """The programme's candidates: each shortlisted opportunity with its weighted score and the
    figures of its business case."""
    by_id = {c.opportunity_id: c for c in cases}
    return CandidateSet.build(
        [
            Candidate(
                id=opp.id,
                title=opp.title,
                service_ids=opp.service_ids,
                partner_ids=opp.partner_ids,
                model=opp.model,
                value_score=score,
                **by_id[opp.id].programme_inputs(),
            )
            for opp, score in scored
        ]
    )


def choose_programme(
    scored: Sequence[tuple[Opportunity, float]],
    cases: Sequence[BusinessCase],
    constraints: Constraints,
    objective: Objective,
    *,
    seed: int,
    proposed_ids: Sequence[str] | None = None,
    draws: int = PROGRAMME_DRAWS,
) -> ProgrammeOutcome:
    """Pick the priority projects; an infeasible set of rules is an outcome, not a crash, so that
    the report can say which rule to relax."""
    cands = candidates(scored, cases)
    order = {c.opportunity_id: c for c in cases}
    known = set(cands.ids)
    proposal = [i for i in (proposed_ids or ()) if i in known] or None
    try:
        plan = plan_programme(cands, constraints, objective, proposed_ids=proposal)
    except InfeasibleError as exc:
        return ProgrammeOutcome(
            None,
            None,
            constraints,
            objective,
            infeasible=exc,
            relaxations=relaxations(cands, constraints, objective),
        )
    # Only the chosen projects are simulated: their draws are all the programme's bands need,
    # and drawing every shortlisted one (draws x candidates x years) grows past any memory at
    # county scale (10,000 x 15,000 x 10 doubles is 12 GB).
    chosen_ids = plan.result.selected_ids
    simulation = (
        simulate_programme([order[i] for i in chosen_ids], draws, seed) if chosen_ids else None
    )
    plan = dataclasses.replace(
        plan, view=programme_view(cands, chosen_ids, simulation.draws if simulation else None)
    )
    chosen = set(chosen_ids)
    register = programme_risks(
        {c.opportunity_id: c.risks for c in cases if c.opportunity_id in chosen}
    )
    return ProgrammeOutcome(plan, simulation, constraints, objective, risk_register=register)


CASE_BLOCK = 500
"""Opportunities per block of business cases: above one block they are built in worker
processes, one per core (each case depends only on the scenario and its opportunity, with the
scenario's seed, so the blocks give exactly what one pass would)."""


def _case_block(
    scenario: Scenario, block: Sequence[Opportunity], evidence: EvidenceBase
) -> tuple[BusinessCase, ...] | list[Problem]:
    try:
        return build_business_cases(scenario, block, evidence)
    except InputError as exc:  # returned, not raised: an InputError does not survive pickling
        return list(exc.problems)


def business_cases(
    scenario: Scenario,
    opportunities: Sequence[Opportunity],
    evidence: EvidenceBase,
    progress: Progress = _quiet,
) -> tuple[BusinessCase, ...]:
    """Every shortlisted opportunity's business case, in blocks across the machine's cores when
    there are many (a county's 15,000 would take minutes on one), with progress per block."""
    if len(opportunities) <= CASE_BLOCK:
        return build_business_cases(scenario, opportunities, evidence)
    blocks = [opportunities[i : i + CASE_BLOCK] for i in range(0, len(opportunities), CASE_BLOCK)]
    workers = max(1, min(len(os.sched_getaffinity(0)), len(blocks)))
    done: list[tuple[BusinessCase, ...] | list[Problem]] = []
    # spawn, not fork: the console's progress display runs a thread, and forking a process
    # with threads can deadlock
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        for built in pool.map(_case_block, repeat(scenario), blocks, repeat(evidence)):
            done.append(built)
            made = sum(len(d) for d in done if isinstance(d, tuple))
            progress(f"Building business cases ({made:,} of {len(opportunities):,})")
    problems = [p for d in done if isinstance(d, list) for p in d]
    if problems:
        raise InputError(list(dict.fromkeys(problems)))
    return tuple(case for d in done if isinstance(d, tuple) for case in d)


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
    progress("Screening and shortlisting")
    short = shortlist(long_list, scenario, evidence)
    if not short.opportunities:
        raise InputError(
            [Problem("no opportunity passes the screen: every one was shortlisted out", source)]
        )
    progress("Building business cases")
    cases = business_cases(scenario, short.opportunities, evidence, progress)
    progress("Scoring against the criteria")
    facts = {c.opportunity_id: c.delivery_facts() for c in cases}
    assessment = assess(short.opportunities, scenario, evidence, facts)
    progress("Choosing the programme")
    declared = [o.id for o in short.opportunities if o.declared]
    constraints, objective = programme_rules(scenario)
    scored = [
        (o, float(assessment.result.totals[assessment.index(o.id)])) for o in short.opportunities
    ]
    programme = choose_programme(
        scored,
        cases,
        constraints,
        objective,
        seed=scenario.authority.random_seed,
        proposed_ids=declared,
    )
    return Appraisal(
        scenario=scenario,
        source=source,
        evidence=evidence,
        parameters=parameters,
        long_list=long_list,
        shortlist=short,
        cases=cases,
        assessment=assessment,
        programme=programme,
    )


def replan(
    results: dict[str, Any],
    constraints: Constraints,
    objective: Objective,
    *,
    proposed_ids: Sequence[str] | None = None,
) -> ProgrammeOutcome:
    """Re-run the programme choice from a saved results.json with other rules (a what-if), without
    recomputing the screen, scores or business cases."""
    cases: list[BusinessCase] = []
    scored: list[tuple[Opportunity, float]] = []
    problems: list[Problem] = []
    for entry in results["opportunities"]:
        try:
            case = BusinessCase.model_validate(
                {
                    **entry["business_case"],
                    "procurement": entry["procurement"],
                    "risks": entry["risks"],
                }
            )
            opp = Opportunity(
                id=entry["id"],
                title=entry["title"],
                unit_id=entry["unit_id"],
                service_ids=tuple(entry["service_ids"]),
                partner_ids=tuple(entry["partner_ids"]),
                model=entry["model"],
                declared=entry["declared"],
            )
            scored.append((opp, float(entry["scores"]["total"])))
            cases.append(case)
        except (KeyError, TypeError, ValueError) as exc:
            problems.append(Problem(f"opportunity {entry.get('id')!r} is incomplete: {exc}"))
    if problems or not scored:
        raise InputError(problems or [Problem("the results hold no opportunities")])
    seed = int(results.get("scenario", {}).get("random_seed", 0) or 0)
    return choose_programme(
        scored, cases, constraints, objective, seed=seed, proposed_ids=proposed_ids
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


def programme_block(outcome: ProgrammeOutcome) -> dict[str, Any]:
    """The ``programme`` block of results.json."""
    block: dict[str, Any]
    if outcome.plan is None:
        error = outcome.infeasible
        block = {
            "feasible": False,
            "message": str(error) if error else "no programme",
            "conflicting": list(error.conflicting) if error else [],
            "relaxations": [r.to_dict() for r in outcome.relaxations],
            "objective": outcome.objective.to_dict(),
            # kept so that a what-if from these results starts from the same rules
            "constraints": outcome.constraints.to_dict(),
        }
    else:
        block = {"feasible": True, **outcome.plan.to_dict()}
        block["risk_register"] = [r.model_dump(mode="json") for r in outcome.risk_register]
    return block


def _comparison(assessment: Assessment, opportunity_id: str) -> dict[str, Any]:
    """Why an opportunity outranks the next one, and how firm its place is (for ``explain``)."""
    explained = explain_scores(assessment, opportunity_id)
    return {"compared_with_next": explained["compared_with"], "firmness": explained["firmness"]}


def results_document(appraisal: Appraisal) -> dict[str, Any]:
    """The results.json content (schema in docs/results.md)."""
    a = appraisal.scenario.authority
    long_list = appraisal.long_list.counts.to_dict()
    long_list["shortlist"] = appraisal.shortlist.to_dict()
    assessment = appraisal.assessment
    rank = {oid: r for r, oid in enumerate(assessment.ranked())}
    opportunities = []
    for o in sorted(appraisal.opportunities, key=lambda o: rank[o.id]):
        case = appraisal.case(o.id)
        opportunities.append(
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
                "scores": {**assessment.scores(o.id), **_comparison(assessment, o.id)},
                # procurement and risks stand beside the business case, not inside it as well
                "business_case": case.model_dump(mode="json", exclude={"procurement", "risks"}),
                "procurement": case.procurement.model_dump(mode="json"),
                "risks": case.risks.model_dump(mode="json"),
            }
        )
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
            "services": len(appraisal.scenario.services),
            "partners": len(appraisal.scenario.partners),
            "bundles": len(appraisal.scenario.bundles),
            "declared_opportunities": len(appraisal.scenario.opportunities),
            "service_names": {s.id: s.name for s in appraisal.scenario.services},
            "partner_names": {p.id: p.name for p in appraisal.scenario.partners},
            "model_names": {m.id: m.name for m in appraisal.evidence.models},
            **authority_wording(appraisal),
        },
        "parameters": _settings(appraisal.scenario)
        + [p.model_dump(mode="json") for p in appraisal.parameters.values()],
        "long_list": long_list,
        "opportunities": opportunities,
        "stakeholders": assessment.stakeholders_dict(),
        "sensitivity": assessment.sensitivity_dict(),
        "programme": programme_block(appraisal.programme),
    }


def discount_in_words(appraisal: Appraisal) -> dict[str, Any]:
    """The discount schedule the business cases used, as the report prints it."""
    a = appraisal.scenario.authority
    key = f"discount.schedule.{a.discount_schedule}"
    used = appraisal.parameters.get(key)
    if used is None:
        return {"schedule": a.discount_schedule, "in_words": None, "origin": None}
    value = used.value
    bands: tuple[rates.RawBand, ...] = (
        rates.parse_bands(value)
        if isinstance(value, str)
        else tuple(
            (int(b["first"]), None if b.get("last") is None else int(b["last"]), float(b["rate"]))
            for b in value
        )
    )
    return {
        "schedule": a.discount_schedule,
        "in_words": rates.describe_bands(bands, a.horizon_years),
        "origin": used.origin,
        "bands": [{"first": f, "last": last, "rate": r} for f, last, r in bands],
    }


def authority_wording(appraisal: Appraisal) -> dict[str, Any]:
    """What the report needs to speak for this authority and no other: its place and residents
    in the criteria's wording, its own history (the scenario's background sheet), the discount
    rate actually used and the partners whose affinity was not yet judged."""
    scenario = appraisal.scenario
    a = scenario.authority
    worded = appraisal.evidence.worded_for(a.place_name, a.residents_name)
    defaulted = [p for p in scenario.partners if not p.affinity_judged]
    return {
        "place": a.place_name,
        "residents": a.residents_name,
        "principles": {g.id: g.principle for g in worded.groups},
        "criteria_wording": {c.id: c.wording for c in worded.criteria},
        "background": [b.model_dump(mode="json") for b in scenario.background],
        "discount": discount_in_words(appraisal),
        "affinity_to_judge": {
            "partners": [p.name for p in defaulted],
            "neutral_default": defaulted[0].affinity if defaulted else None,
        },
    }


def write_outputs(
    appraisal: Appraisal,
    out_dir: Path,
    *,
    template: Path | None = None,
    progress: Progress = _quiet,
) -> dict[str, Path]:
    """Write results.json and the Cabinet report (Word, HTML, PDF) into ``out_dir``."""
    progress("Writing results.json")
    document = results_document(appraisal)
    written = {"results": write_json(document, out_dir / "results.json")}
    progress("Writing the Cabinet report")
    written.update(write_reports(document, out_dir, template=template))
    return written
