"""The scenario: the model of one authority's services, partners and settings, and its readers and writers."""

from shareplan.scenario.io import load_scenario, save_scenario
from shareplan.scenario.model import (
    INDICATOR_IDS,
    Authority,
    BackgroundPaper,
    Bundle,
    DeclaredOpportunity,
    ParameterOverride,
    Partner,
    PartnerGeography,
    Scenario,
    Service,
    ServiceGeography,
    ServiceKind,
    Stage,
    Weight,
)

__all__ = [
    "INDICATOR_IDS",
    "Authority",
    "BackgroundPaper",
    "Bundle",
    "DeclaredOpportunity",
    "ParameterOverride",
    "Partner",
    "PartnerGeography",
    "Scenario",
    "Service",
    "ServiceGeography",
    "ServiceKind",
    "Stage",
    "Weight",
    "load_scenario",
    "save_scenario",
]
