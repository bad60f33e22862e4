"""The Rotherham example read as a Director of Finance would: the figures that must survive the
first question in front of Cabinet (issue: a business case a Director of Finance signs)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(scope="module")
def cases(rotherham_outputs: Path) -> list[dict[str, Any]]:
    results = json.loads((rotherham_outputs / "results.json").read_text("utf-8"))
    found = [o["business_case"] for o in results["opportunities"] if o.get("business_case")]
    assert len(found) > 40
    return found


def test_a_positive_headline_with_a_negative_median_is_explained(
    cases: list[dict[str, Any]],
) -> None:
    """The Monte Carlo is on the headline's basis: where the headline is positive and the median
    negative, the business case says why in a sentence (the report prints it); and the risk
    analysis no longer contradicts the headline wholesale (health and social care's P50 is
    positive, as its headline is)."""
    for case in cases:
        mc = case["monte_carlo"]
        assert mc["headline"] == pytest.approx(case["adjusted"]["measures"]["npv"])
        if case["adjusted"]["measures"]["npv"] > 0 and mc["p50"] < 0:
            assert "median of the risk analysis is negative" in mc["gap_explanation"]
        assert mc["gap_explanation"]
    bundle = next(c for c in cases if c["opportunity_id"] == "health_social_care")
    assert bundle["adjusted"]["measures"]["npv"] > 0 and bundle["monte_carlo"]["p50"] > 0


def test_no_switching_value_is_negative(cases: list[dict[str, Any]]) -> None:
    """Every switching value is either a value in its meaningful range or none with a sentence."""
    for case in cases:
        for entry in case["switching_values"]:
            if entry["switching_value"] is None:
                assert entry["note"].endswith(".")
            else:
                assert entry["switching_value"] >= 0, (case["opportunity_id"], entry)
            assert entry["convention"].startswith("Green Book")


def test_jobs_kept_never_exceed_the_establishment(cases: list[dict[str, Any]]) -> None:
    """FTE kept in the borough is at most the FTE of the services shared, for every option."""
    for case in cases:
        m = case["adjusted"]["measures"]
        assert m["fte_kept_in_borough"] <= case["fte"] + 1e-9, case["opportunity_id"]
        assert m["fte_released"] + m["fte_kept_in_borough"] <= case["fte"] + 1e-6


def test_outsourcing_adjusted_npvs_are_of_the_order_of_the_unadjusted(
    cases: list[dict[str, Any]],
) -> None:
    """The operating uplift falls on the promised saving, like for like: each outsourcing option's
    adjusted NPV keeps the sign of its unadjusted NPV and is within a factor of ten of it (leisure
    outsourced was -14.1m against +0.86m when 41% of the whole contract was added)."""
    outsourced = [c for c in cases if c["model"] == "public_private"]
    assert outsourced
    for case in outsourced:
        adjusted = case["adjusted"]["measures"]["npv"]
        unadjusted = case["unadjusted"]["measures"]["npv"]
        assert (adjusted > 0) == (unadjusted > 0), case["opportunity_id"]
        assert abs(unadjusted) / 10 <= abs(adjusted) <= abs(unadjusted) * 10
