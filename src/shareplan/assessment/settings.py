"""The assessment's parameters, read from the evidence base with the scenario's overrides on top.

Every threshold and level of the value functions, the default weights and the typical lead times are
evidence parameters (``evidence/data/assessment.toml``) so that they carry a source and a confidence
grade and a scenario may override them; this module turns them into one typed, frozen object.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from shareplan.errors import InputError, Problem
from shareplan.evidence.base import EvidenceBase, ResolvedParameter, Sector
from shareplan.scenario.model import Scenario

Host = Literal["council", "shared", "partners"]
HOSTS: tuple[Host, ...] = ("council", "shared", "partners")


@dataclass(frozen=True)
class AssessmentSettings:
    """Every figure the assessment uses, resolved for one scenario."""

    group_weights: Mapping[str, float]
    criterion_weights: Mapping[str, float]
    neutral_score: float
    strong_indicator: float
    driver_indicator: float
    lead_time_months: Mapping[str, float]
    large_partnership_extra_months: float
    small_max_partners: int
    quick_win_full_months: float
    quick_win_zero_months: float
    benefit_share: float
    bcr_full_marks: float
    priorities_full_marks_at: float
    early_intervention_without_public: float
    legal_public_exempt: float
    legal_competitive: float
    legal_joint_venture: float
    host: Mapping[str, Host]
    smaa_samples: int
    random_index: tuple[float, ...]
    consistency_limit: float
    private_sectors: frozenset[Sector]
    """Partners' sectors that bring private capital (the evidence's sector table)."""
    legal_advice_sectors: frozenset[Sector]
    integrator_sectors: frozenset[Sector]
    """Sectors place-based budgets pool early intervention with."""
    voluntary_sectors: frozenset[Sector]

    @classmethod
    def resolve(cls, scenario: Scenario, evidence: EvidenceBase) -> AssessmentSettings:
        """Read the settings for ``scenario`` (overrides from its parameters sheet win)."""
        overrides = {p.key: (p.value, p.note) for p in scenario.parameters}
        resolved = evidence.resolve(scenario.authority.appraisal_date, overrides)
        return cls.from_parameters(resolved, evidence)

    @classmethod
    def from_parameters(
        cls, resolved: Mapping[str, ResolvedParameter], evidence: EvidenceBase
    ) -> AssessmentSettings:
        problems: list[Problem] = []

        def number(key: str, low: float = 0.0, high: float | None = None) -> float:
            parameter = resolved[key]
            try:
                value = float(parameter.value)
            except (TypeError, ValueError):
                value = float("nan")
            if not (value >= low and (high is None or value <= high)):
                where = "sheet" if parameter.origin == "scenario" else "evidence"
                span = f"{low:g} to {high:g}" if high is not None else f"at least {low:g}"
                problems.append(
                    Problem(
                        f"parameter {key!r} must be a number {span}, not {parameter.value!r}",
                        sheet="parameters" if where == "sheet" else None,
                        file=None if where == "sheet" else "evidence/data/assessment.toml",
                        column="value",
                        allowed=span,
                    )
                )
                return low
            return value

        def host(key: str) -> Host:
            value = str(resolved[key].value)
            for h in HOSTS:
                if value == h:
                    return h
            problems.append(
                Problem(
                    f"parameter {key!r} must name who does the work, not {value!r}",
                    sheet="parameters",
                    column="value",
                    allowed=", ".join(HOSTS),
                )
            )
            return "shared"

        groups = {g: number(f"assessment.weight.group.{g}") for g in evidence.group_ids}
        criteria = {c: number(f"assessment.weight.criterion.{c}") for c in evidence.criterion_ids}
        lead = {m: number(f"assessment.lead_time_months.{m}") for m in evidence.model_ids}
        hosts = {m: host(f"assessment.within_borough.host.{m}") for m in evidence.model_ids}
        raw_ri: Any = resolved["assessment.ahp.random_index"].value
        # one quick-win rule: full marks exactly when the business case calls it a quick win
        full = number("business_case.quick_win.months")
        zero = number("assessment.quick_win.zero_marks_months")
        if zero <= full:
            problems.append(
                Problem(
                    "parameter 'assessment.quick_win.zero_marks_months' must be later than "
                    f"'business_case.quick_win.months' ({zero:g} <= {full:g})",
                    sheet="parameters",
                    column="value",
                )
            )
        settings = cls(
            group_weights=groups,
            criterion_weights=criteria,
            neutral_score=number("assessment.neutral_score", 0, 100),
            strong_indicator=number("assessment.screen.strong_indicator", 0, 5),
            driver_indicator=number("assessment.screen.driver_indicator", 0, 5),
            lead_time_months=lead,
            large_partnership_extra_months=number(
                "assessment.lead_time.large_partnership_extra_months"
            ),
            small_max_partners=evidence.partnership_size.small_max_partners,
            quick_win_full_months=full,
            quick_win_zero_months=zero,
            benefit_share=number("assessment.benefit_cost_speed.benefit_share", 0, 1),
            bcr_full_marks=number("assessment.clear_business_case.bcr_full_marks", 1e-9),
            priorities_full_marks_at=number("assessment.corporate_priorities.full_marks_at", 1),
            early_intervention_without_public=number(
                "assessment.early_intervention.without_public_partner", 0, 100
            ),
            legal_public_exempt=number("assessment.legal.public_exempt", 0, 100),
            legal_competitive=number("assessment.legal.competitive", 0, 100),
            legal_joint_venture=number("assessment.legal.joint_venture", 0, 100),
            host=hosts,
            smaa_samples=int(number("assessment.smaa.samples", 100, 1_000_000)),
            random_index=tuple(float(x) for x in raw_ri),
            consistency_limit=number("assessment.ahp.consistency_limit", 0),
            private_sectors=evidence.sectors_with("private_capital"),
            legal_advice_sectors=evidence.sectors_with("legal_advice"),
            integrator_sectors=evidence.sectors_with("integrates_early_intervention"),
            voluntary_sectors=evidence.sectors_with("voluntary_community"),
        )
        if problems:
            raise InputError(problems)
        return settings
