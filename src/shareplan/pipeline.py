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

from shareplan import __version__
from shareplan.assessment import Assessment, AssessmentSettings, assess, stakeholder_weights
from shareplan.assessment.shortlist import Screened, Shortlist, screen_units, shortlist
from shareplan.business_case import (
    BusinessCase,
    ProgrammeRisk,
    ProgrammeSimulation,
    build_business_cases,
    programme_risks,
    share_assumptions,
    simulate_programme,
)
from shareplan.business_case import (
    check_scenario as check_business_case_inputs,
)
from shareplan.errors import InfeasibleError, InputError, Problem
from shareplan.evidence import EvidenceBase, ResolvedParameter, load_evidence
from shareplan.opportunities import LongList, Opportunity, generate
from shareplan.programme import (
    Candidate,
    CandidateSet,
    Constraints,
    Objective,
    ProgrammeChoice,
    plan_programme,
)
from shareplan.programme.records import NpvRange
from shareplan.programme.relax import Relaxation, relaxations
from shareplan.programme.view import programme_view
from shareplan.report import write_reports
from shareplan.results import SCHEMA_VERSION, Results, build, write_results
from shareplan.results.header import Generator
from shareplan.results.programme import Choice, ChosenProgramme, NoProgramme, ProgrammeResult
from shareplan.scenario import Scenario, load_scenario

Progress = Callable[[str], None]
"""Told the name of each stage as it starts (the CLI shows it; library code never prints)."""


def _quiet(_: str) -> None:
    return None


PROGRAMME_DRAWS = 10_000
"""Monte Carlo draws behind the programme's savings bands (the same seed gives the same bands)."""


@dataclass(frozen=True)
class AppraisalRun:
    """Everything one run of the appraisal produced, stage by stage (what it writes is
    :class:`~shareplan.results.Results`)."""

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

    plan: ProgrammeChoice | None  # a ProgrammePlan unless chosen with choose_only
    simulation: ProgrammeSimulation | None
    constraints: Constraints
    objective: Objective
    risk_register: tuple[ProgrammeRisk, ...] = ()
    infeasible: InfeasibleError | None = None
    relaxations: tuple[Relaxation, ...] = ()


def resolve_parameters(scenario: Scenario, evidence: EvidenceBase) -> dict[str, ResolvedParameter]:
    overrides = {p.key: (p.value, p.note) for p in scenario.parameters}
    return evidence.resolve(scenario.authority.appraisal_date, overrides)


def check_appraisal_inputs(scenario: Scenario, evidence: EvidenceBase) -> list[Problem]:
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
    objective = Objective(
        kind=a.programme_objective,
        value_weight=a.value_weight,
        count_ring_fenced_savings=a.count_ring_fenced_savings,
    )
    return constraints, objective


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
    simulation: ProgrammeSimulation | None = None,
    choose_only: bool = False,
    partner_correlation: float = 0.0,
) -> ProgrammeOutcome:
    """Pick the priority projects; an infeasible set of rules is an outcome, not a crash, so that
    the report can say which rule to relax. ``simulation`` is the Monte Carlo of an earlier call
    on the same results and seed: it is used again when it covers the same chosen projects, to
    save drawing them again. ``choose_only``: the choice and its reasons alone (no trade-offs,
    view or risk register, so no Monte Carlo either). ``partner_correlation`` links the chosen
    projects that share a partner in the programme's Monte Carlo (the evidence's
    ``montecarlo.shared_partner_correlation``)."""
    cands = candidates(scored, cases)
    objective = objective.resolved(cands)
    order = {c.opportunity_id: c for c in cases}
    known = set(cands.ids)
    proposal = [i for i in (proposed_ids or ()) if i in known] or None
    try:
        if choose_only:
            choice = plan_programme(
                cands, constraints, objective, choose_only=True, proposed_ids=proposal
            )
            return ProgrammeOutcome(choice, simulation, constraints, objective)
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
    same = simulation is not None and simulation.opportunity_ids == tuple(chosen_ids)
    if not same:
        simulation = (
            simulate_programme(
                [order[i] for i in chosen_ids],
                draws,
                seed,
                partner_correlation=partner_correlation,
            )
            if chosen_ids
            else None
        )
    view = programme_view(cands, chosen_ids, simulation.draws if simulation else None)
    if simulation is not None and simulation.npv is not None:
        view = view.model_copy(update={"npv_range": NpvRange(**simulation.npv.model_dump())})
    plan = dataclasses.replace(plan, view=view)
    chosen = set(chosen_ids)
    register = programme_risks(
        {c.opportunity_id: c.risks for c in cases if c.opportunity_id in chosen}
    )
    return ProgrammeOutcome(plan, simulation, constraints, objective, risk_register=register)


UNIT_BLOCK = 250
"""Units per block of the long list screened in a worker process."""
SCREEN_PARALLEL_FROM = 1000
"""From this many units (services and bundles) the long list is screened in worker processes,
one per core; below it starting them costs more than it saves."""

_worker_long_list: list[LongList] = []


def _start_screen_worker(scenario: Scenario, evidence: EvidenceBase) -> None:
    """Each worker builds the long list once (it is the same arrays as the parent's, from the
    same scenario) instead of receiving it: at county scale it is hundreds of megabytes."""
    _worker_long_list[:] = [generate(scenario, evidence)]


def _screen_block(scenario: Scenario, units: range, evidence: EvidenceBase) -> Screened:
    return screen_units(_worker_long_list[0], scenario, evidence, units)


def screen_long_list(
    scenario: Scenario, long_list: LongList, evidence: EvidenceBase, progress: Progress = _quiet
) -> Shortlist:
    """The shortlist: the long list screened and cut, in blocks of units across the machine's
    cores when there are many (each unit's entries are screened and cut on their own, so the
    blocks give exactly what one pass would), with progress per block."""
    n = len(long_list.units)

    def told(done: int, units: int) -> None:
        progress(f"Screening and shortlisting ({done:,} of {units:,} services)")

    workers = min(len(os.sched_getaffinity(0)), -(-n // UNIT_BLOCK))
    if n < SCREEN_PARALLEL_FROM or workers < 2:
        return shortlist(long_list, scenario, evidence, told)
    blocks = [range(i, min(n, i + UNIT_BLOCK)) for i in range(0, n, UNIT_BLOCK)]
    parts: list[Screened] = []
    with ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_screen_worker,
        initargs=(scenario, evidence),
    ) as pool:
        for part in pool.map(_screen_block, repeat(scenario), blocks, repeat(evidence)):
            parts.append(part)
            told(sum(len(b) for b in blocks[: len(parts)]), n)
    return shortlist(long_list, scenario, evidence, parts=parts)


CASE_BLOCK = 1000
"""Opportunities per block of business cases built in a worker process."""
PARALLEL_FROM = 2000
"""From this many opportunities the business cases are built in worker processes, one per core
(each case depends only on the scenario and its opportunity, with the scenario's seed, so the
blocks give exactly what one pass would). Below it, starting the workers (a few seconds) costs
more than it saves."""


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
    if len(opportunities) < PARALLEL_FROM:
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
    # each block arrives with its own copies of the same assumption records
    return tuple(share_assumptions([case for d in done if isinstance(d, tuple) for case in d]))


def appraise(
    scenario: Scenario,
    *,
    source: str = "",
    evidence: EvidenceBase | None = None,
    progress: Progress = _quiet,
) -> AppraisalRun:
    """Run every stage of the appraisal on ``scenario``."""
    evidence = evidence or load_evidence()
    progress("Resolving parameters")
    parameters = resolve_parameters(scenario, evidence)
    progress("Generating the long list")
    long_list = generate(scenario, evidence)
    progress("Screening and shortlisting")
    short = screen_long_list(scenario, long_list, evidence, progress)
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
        partner_correlation=float(
            parameters["montecarlo.shared_partner_correlation"].value
            if "montecarlo.shared_partner_correlation" in parameters
            else 0.0
        ),
    )
    return AppraisalRun(
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
    results: Results,
    constraints: Constraints,
    objective: Objective,
    *,
    proposed_ids: Sequence[str] | None = None,
    simulation: ProgrammeSimulation | None = None,
    choose_only: bool = False,
) -> ProgrammeOutcome:
    """Re-run the programme choice from saved results with other rules (a what-if), without
    recomputing the screen, scores or business cases (nor, given ``simulation`` from an earlier
    what-if on the same results, the programme's Monte Carlo). ``choose_only`` as in
    :func:`choose_programme`."""
    scored, cases = saved_candidates(results)
    return choose_programme(
        scored,
        cases,
        constraints,
        objective,
        seed=results.scenario.random_seed,
        proposed_ids=proposed_ids,
        simulation=simulation,
        choose_only=choose_only,
        partner_correlation=saved_partner_correlation(results),
    )


def saved_partner_correlation(results: Results) -> float:
    """The correlation between projects sharing a partner that the saved appraisal used (0 for
    results written before it was a parameter)."""
    try:
        return float(results.setting("montecarlo.shared_partner_correlation") or 0.0)
    except KeyError:
        return 0.0


def saved_candidates(
    results: Results,
) -> tuple[list[tuple[Opportunity, float]], list[BusinessCase]]:
    """The scored opportunities and their business cases, as the saved results hold them."""
    cases = [entry.business_case for entry in results.opportunities]
    scored = [
        (
            Opportunity(
                id=entry.id,
                title=entry.title,
                unit_id=entry.unit_id,
                service_ids=entry.service_ids,
                partner_ids=entry.partner_ids,
                model=entry.model,
                declared=entry.declared,
            ),
            entry.scores.total,
        )
        for entry in results.opportunities
    ]
    if not scored:
        raise InputError([Problem("the results hold no opportunities")])
    return scored, cases


def appraise_path(path: Path, *, progress: Progress = _quiet) -> AppraisalRun:
    evidence = load_evidence()
    progress("Reading the scenario")
    scenario = load_scenario(path, evidence)
    return appraise(scenario, source=str(path), evidence=evidence, progress=progress)


def programme_answer(outcome: ProgrammeOutcome) -> Choice | NoProgramme:
    """The programme block of a choice: whole (:class:`ChosenProgramme`) after a full plan, the
    choice and its reasons after ``choose_only``, or why no programme keeps the rules."""
    return build.programme_block(
        outcome.plan,
        outcome.constraints,
        outcome.objective,
        risk_register=outcome.risk_register,
        infeasible=outcome.infeasible,
        relaxations=[r.to_dict() for r in outcome.relaxations],
    )


def programme_result(outcome: ProgrammeOutcome) -> ProgrammeResult:
    """The ``programme`` block of the results (a full plan, never a choice alone)."""
    block = programme_answer(outcome)
    if isinstance(block, ChosenProgramme | NoProgramme):
        return block
    raise ValueError("the programme was chosen without its trade-offs, which results must hold")


def results_of(run: AppraisalRun) -> Results:
    """The results of a run: the contract every reader of results.json uses (docs/results.md)."""
    return Results(
        schema_version=SCHEMA_VERSION,
        generator=Generator(name="shareplan", version=__version__),
        created=dt.date.today(),
        scenario=build.scenario_summary(run.scenario, run.source, run.evidence, run.parameters),
        parameters=build.parameters_used(run.scenario, run.parameters),
        long_list=build.long_list_summary(run.long_list, run.shortlist),
        opportunities=build.opportunity_results(run.opportunities, run.cases, run.assessment),
        stakeholders=build.stakeholders_block(run.assessment),
        sensitivity=build.sensitivity_block(run.assessment),
        programme=programme_result(run.programme),
    )


def write_outputs(
    run: AppraisalRun,
    out_dir: Path,
    *,
    template: Path | None = None,
    progress: Progress = _quiet,
) -> dict[str, Path]:
    """Write results.json and the Cabinet report (Word, HTML, PDF) into ``out_dir``."""
    progress("Writing results.json")
    results = results_of(run)
    written = {"results": write_results(results, out_dir / "results.json")}
    progress("Writing the Cabinet report")
    written.update(write_reports(results, out_dir, template=template))
    return written
