"""The business case: Green Book cash flows, discounting, optimism bias, procurement route, switching
values, Monte Carlo risk and the risk register, for each shortlisted opportunity.

Pure maths lives in :mod:`discounting`, :mod:`cashflow`, :mod:`measures` and :mod:`montecarlo`
(numpy arrays in, arrays out); :mod:`case` is the validating wrapper that builds a
:class:`BusinessCase` from the scenario, an opportunity and the evidence base.
"""

from shareplan.business_case.assumptions import Assumption, AssumptionBook
from shareplan.business_case.case import (
    build_business_case,
    build_business_cases,
    discount_factors_for,
    year_label,
)
from shareplan.business_case.checks import check_scenario
from shareplan.business_case.model import (
    Appraisal,
    BusinessCase,
    Measures,
    MonteCarloSummary,
    OptimismBias,
    SwitchingValue,
    Timeline,
    TornadoBar,
    UncertainRange,
    YearFlow,
    share_assumptions,
)
from shareplan.business_case.procurement import Procurement, Route
from shareplan.business_case.programme import (
    ProgrammeNpv,
    ProgrammeSimulation,
    simulate_programme,
    uncertain_inputs,
)
from shareplan.business_case.risks import (
    ProgrammeRisk,
    Risk,
    RiskRegister,
    programme_risks,
)

__all__ = [
    "Appraisal",
    "Assumption",
    "AssumptionBook",
    "BusinessCase",
    "Measures",
    "MonteCarloSummary",
    "OptimismBias",
    "Procurement",
    "ProgrammeNpv",
    "ProgrammeRisk",
    "ProgrammeSimulation",
    "Risk",
    "RiskRegister",
    "Route",
    "SwitchingValue",
    "Timeline",
    "TornadoBar",
    "UncertainRange",
    "YearFlow",
    "build_business_case",
    "build_business_cases",
    "check_scenario",
    "discount_factors_for",
    "programme_risks",
    "share_assumptions",
    "simulate_programme",
    "uncertain_inputs",
    "year_label",
]
