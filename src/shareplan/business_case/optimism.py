"""Optimism bias where the guidance puts it: by category of one-off cost, on durations, and on the
price risk of an outsourcing contract.

* One-off costs: each category (``optimism.cost_categories``) maps to a project type of the
  supplementary guidance's Table 2 or to none; its uplift is that type's capital bound less the
  mitigated share. ICT and the project team take "equipment and development"; redundancy, pension
  strain and route fees take none, because they are not capital development.
* Durations: the bound of the model's project type (``optimism.project_types``).
* Operating cost (an outsourcing contract): the "outsourcing" bound, applied to the saving the
  contract promises (see :mod:`cashflow`); a fixed-price contract (``optimism.fixed_price_contract``)
  transfers the price risk to the contractor and mitigates the whole uplift. By default a contract
  let by competitive tender is fixed-price (the winning bidder prices the service) and a contract
  negotiated without competition is not; both are editable.
"""

from __future__ import annotations

from typing import Any

from shareplan.business_case.assumptions import AssumptionBook
from shareplan.business_case.model import CategoryUplift, OptimismBias
from shareplan.errors import Problem

SOURCE = (
    "Green Book supplementary guidance: Optimism Bias (2003), Table 2 upper bound, less the "
    "mitigated share"
)


_LET = {True: "tendered", False: "negotiated"}

_CATEGORY_WORDS = {
    "ict_systems": "ICT systems",
    "procurement_legal": "procurement and legal advice",
    "redundancy_pension": "redundancy and pension costs",
    "accommodation_works": "accommodation works",
}


def category_words(category: str) -> str:
    """A one-off cost category in words, for the assumption the report and workbook show."""
    return _CATEGORY_WORDS.get(category, category.replace("_", " "))


def _bound(bounds: Any, project_type: str, dimension: str) -> float:
    if not project_type:
        return 0.0
    return float(bounds[project_type][dimension])


def optimism_bias(
    book: AssumptionBook, model: str, tendered: bool = False
) -> tuple[OptimismBias, list[Problem]]:
    """The uplifts of one opportunity of delivery model ``model`` whose contract, if any, is let
    by competitive tender (``tendered``) or negotiated, and any problem with the data."""
    bounds = book.get("optimism.upper_bounds")
    types = book.get("optimism.project_types", model)
    categories = book.get("optimism.cost_categories")
    mitigated = {
        d: book.number(f"optimism.mitigated_share.{d}")
        for d in ("one_off", "duration", "operating")
    }
    fixed_price = bool(book.number("optimism.fixed_price_contract", _LET[tendered]))
    problems: list[Problem] = []
    one_off = []
    for category, entry in sorted(categories.items()):
        project_type = str(entry.get("project_type", ""))
        if project_type and project_type not in bounds:
            problems.append(
                Problem(
                    f"parameter 'optimism.cost_categories.{category}': no project type "
                    f"{project_type!r}",
                    sheet="parameters",
                    row=book.override_row("optimism.cost_categories", (category,)),
                    column="value",
                    allowed=", ".join(sorted(bounds)) + ", or empty for none",
                )
            )
            continue
        upper = _bound(bounds, project_type, "one_off")
        one_off.append(
            CategoryUplift(
                category=category,
                cost_line=str(entry.get("line", "")),
                project_type=project_type,
                upper=upper,
                mitigated=mitigated["one_off"],
                uplift=upper * (1.0 - mitigated["one_off"]),
            )
        )
    duration_type = str(types.get("duration", ""))
    operating_type = str(types.get("operating", ""))
    duration_upper = _bound(bounds, duration_type, "duration")
    operating_upper = _bound(bounds, operating_type, "operating")
    operating_mitigated = 1.0 if fixed_price else mitigated["operating"]
    result = OptimismBias(
        one_off=tuple(one_off),
        one_off_mitigated=mitigated["one_off"],
        duration_type=duration_type,
        duration_upper=duration_upper,
        duration_mitigated=mitigated["duration"],
        duration_uplift=duration_upper * (1.0 - mitigated["duration"]),
        operating_type=operating_type,
        operating_upper=operating_upper,
        operating_mitigated=operating_mitigated,
        operating_uplift=operating_upper * (1.0 - operating_mitigated),
        fixed_price_contract=fixed_price,
    )
    for c in result.one_off:
        if c.cost_line:
            book.record(
                f"optimism.uplift.{c.category}",
                c.uplift,
                "optimism_bias",
                SOURCE,
                f"Optimism-bias uplift on {category_words(c.category)}"
                + (
                    f" (the bound for {c.project_type.replace('_', ' ')} projects)"
                    if c.project_type
                    else " (none: a calculated or quoted cost, not development work)"
                ),
                "share",
            )
    for name, value in (
        ("optimism.duration_uplift", result.duration_uplift),
        ("optimism.operating_uplift", result.operating_uplift),
    ):
        book.record(name, value, "optimism_bias", SOURCE, "Optimism-bias uplift applied", "share")
    return result, problems


def uplift_fields(optimism: OptimismBias) -> dict[str, float]:
    """The cash-flow model's uplift inputs (:class:`cashflow.FlowInputs`)."""
    return {
        "team_uplift": optimism.uplift_of("project_team"),
        "procurement_uplift": optimism.uplift_of("procurement_legal"),
        "ict_uplift": optimism.uplift_of("ict_integration"),
        "exit_uplift": optimism.uplift_of("redundancy_pension"),
        "duration_uplift": optimism.duration_uplift,
        "operating_uplift": optimism.operating_uplift,
    }
