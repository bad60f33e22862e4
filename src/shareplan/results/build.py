"""Building :class:`~shareplan.results.Results` from what each stage of the pipeline returns.

Each function takes one stage's output and returns its block, typed; the pipeline calls them in
:func:`shareplan.pipeline.results_of`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from shareplan.assessment import Assessment, explain_ranking
from shareplan.assessment.shortlist import Shortlist
from shareplan.business_case import BusinessCase, ProgrammeRisk
from shareplan.errors import InfeasibleError
from shareplan.evidence import EvidenceBase, ResolvedParameter, rates
from shareplan.opportunities import LongList, Opportunity
from shareplan.programme import Constraints, Objective, ProgrammeChoice, ProgrammePlan
from shareplan.results.assessment import Scores, Sensitivity, Stakeholders
from shareplan.results.header import (
    AffinityToJudge,
    BackgroundEntry,
    DiscountBand,
    DiscountUsed,
    LongListSummary,
    NotAppraised,
    Parameter,
    ScenarioSummary,
    Setting,
)
from shareplan.results.model import OpportunityResult
from shareplan.results.programme import (
    Choice,
    ChosenProgramme,
    NoProgramme,
    ObjectiveUsed,
    Relaxed,
    Rules,
)
from shareplan.scenario import Scenario
from shareplan.scenario.schema import AUTHORITY_FIELDS


def discount_used(
    scenario: Scenario, resolved: Mapping[str, ResolvedParameter]
) -> DiscountUsed | None:
    """The discount schedule the business cases used, with its rates in words for the report."""
    a = scenario.authority
    used = resolved.get(f"discount.schedule.{a.discount_schedule}")
    if used is None:
        return None
    value = used.value
    bands: tuple[rates.RawBand, ...] = (
        rates.parse_bands(value)
        if isinstance(value, str)
        else tuple(
            (int(b["first"]), None if b.get("last") is None else int(b["last"]), float(b["rate"]))
            for b in value
        )
    )
    return DiscountUsed(
        schedule=a.discount_schedule,
        in_words=rates.describe_bands(bands, a.horizon_years),
        origin=used.origin,
        bands=tuple(DiscountBand(first=f, last=last, rate=r) for f, last, r in bands),
    )


def scenario_summary(
    scenario: Scenario,
    source: str,
    evidence: EvidenceBase,
    resolved: Mapping[str, ResolvedParameter] | None = None,
) -> ScenarioSummary:
    """The scenario's summary, with what the report needs to speak for this authority and no
    other: its place and residents in the criteria's wording, its own history (the background
    sheet), the discount rate used, the partners whose affinity is still to judge and the services
    left out of the appraisal."""
    a = scenario.authority
    worded = evidence.worded_for(a.place_name, a.residents_name)
    defaulted = [p for p in scenario.partners if not p.affinity_judged]
    return ScenarioSummary(
        source=source,
        authority=a.name,
        ons_code=a.ons_code,
        price_base_year=a.price_base_year,
        first_year=a.first_year,
        horizon_years=a.horizon_years,
        appraisal_date=a.appraisal_date,
        financial_years=a.financial_years,
        meeting=a.meeting,
        meeting_date=a.meeting_date,
        report_title=a.report_title,
        directorate=a.directorate,
        contact=a.contact,
        corporate_priorities=tuple(a.corporate_priorities),
        implementation_budget=a.implementation_budget,
        priority_projects=a.priority_projects,
        random_seed=a.random_seed,
        services=len(scenario.services),
        partners=len(scenario.partners),
        bundles=len(scenario.bundles),
        declared_opportunities=len(scenario.opportunities),
        service_names={s.id: s.name for s in scenario.services},
        partner_names={p.id: p.name for p in scenario.partners},
        model_names={m.id: m.name for m in evidence.models},
        place=a.place_name,
        residents=a.residents_name,
        principles={g.id: g.principle for g in worded.groups},
        criteria_wording={c.id: c.wording for c in worded.criteria},
        background=tuple(
            BackgroundEntry(date=b.date, title=b.title, decision=b.decision)
            for b in scenario.background
        ),
        discount=discount_used(scenario, resolved or {}),
        affinity_to_judge=AffinityToJudge(
            partners=tuple(p.name for p in defaulted),
            neutral_default=defaulted[0].affinity if defaulted else None,
        ),
        not_appraised=tuple(
            NotAppraised(name=s.name, gross_cost=s.gross_cost)
            for s in scenario.services
            if not s.appraise
        ),
    )


def parameters_used(
    scenario: Scenario, resolved: Mapping[str, ResolvedParameter]
) -> tuple[Parameter, ...]:
    """The authority's settings, then every evidence figure as resolved for the appraisal."""
    data = scenario.authority.model_dump(mode="json")
    settings: list[Parameter] = [
        Setting(
            key=f"authority.{f.name}",
            description=f.meaning,
            unit=f.unit,
            value=data.get(f.name),
            origin="scenario",
            source="scenario, sheet 'authority'",
        )
        for f in AUTHORITY_FIELDS
    ]
    return (*settings, *resolved.values())


def long_list_summary(long_list: LongList, short: Shortlist) -> LongListSummary:
    return LongListSummary.model_validate(
        {**long_list.counts.to_dict(), "shortlist": short.to_dict()}
    )


def opportunity_result(
    o: Opportunity, case: BusinessCase, assessment: Assessment
) -> OpportunityResult:
    explained = explain_ranking(assessment, o.id)
    scores = {
        **assessment.scores(o.id),
        "compared_with_next": explained.get("compared_with"),
        "firmness": explained.get("firmness"),
    }
    return OpportunityResult(
        id=o.id,
        title=o.title,
        unit_id=o.unit_id,
        service_ids=o.service_ids,
        partner_ids=o.partner_ids,
        model=o.model,
        declared=o.declared,
        estimates=o.estimates if o.estimates.any() else None,
        screen_override=o.screen_override or None,
        screening=assessment.screenings[assessment.index(o.id)],
        scores=Scores.model_validate(scores),
        business_case=case,
        procurement=case.procurement,
        risks=case.risks,
    )


def opportunity_results(
    opportunities: Sequence[Opportunity],
    cases: Sequence[BusinessCase],
    assessment: Assessment,
) -> tuple[OpportunityResult, ...]:
    """Every shortlisted opportunity, best ranked first."""
    rank = {oid: r for r, oid in enumerate(assessment.ranked())}
    by_id = {c.opportunity_id: c for c in cases}
    ordered = sorted(opportunities, key=lambda o: rank[o.id])
    return tuple(opportunity_result(o, by_id[o.id], assessment) for o in ordered)


def stakeholders_block(assessment: Assessment) -> Stakeholders:
    return Stakeholders.model_validate(assessment.stakeholders_dict())


def sensitivity_block(assessment: Assessment) -> Sensitivity:
    return Sensitivity.model_validate(assessment.sensitivity_dict())


def programme_block(
    plan: ProgrammeChoice | None,
    constraints: Constraints,
    objective: Objective,
    *,
    risk_register: Sequence[ProgrammeRisk] = (),
    infeasible: InfeasibleError | None = None,
    relaxations: Sequence[Mapping[str, object]] = (),
) -> Choice | NoProgramme:
    """The chosen programme, or why none meets the rules (keeping the rules, so that a what-if
    from these results starts from them). A full plan gives the whole block
    (:class:`ChosenProgramme`); a choice alone, the choice and its reasons."""
    if plan is None:
        return NoProgramme(
            feasible=False,
            message=str(infeasible) if infeasible else "no programme",
            conflicting=infeasible.conflicting if infeasible else (),
            objective=ObjectiveUsed.model_validate(objective.to_dict()),
            constraints=Rules.model_validate(constraints.to_dict()),
            relaxations=tuple(Relaxed.model_validate(r) for r in relaxations),
        )
    if isinstance(plan, ProgrammePlan):
        return ChosenProgramme.model_validate(
            {"feasible": True, **plan.to_dict(), "risk_register": tuple(risk_register)}
        )
    return Choice.model_validate({"feasible": True, **plan.to_dict()})
