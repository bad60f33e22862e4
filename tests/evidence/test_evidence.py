"""The evidence base says what the seed says, and dated parameters resolve by date."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from shareplan.evidence import Confidence, DatedValue, EvidenceBase, Parameter

SEED = Path(__file__).resolve().parents[3] / "shared" / "seed" / "000_97df04acbf60692e.txt"


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_three_principles_and_thirteen_criteria(evidence: EvidenceBase) -> None:
    assert [g.id for g in evidence.groups] == ["right_services", "right_partners", "right_time"]
    assert len(evidence.criteria) == 13
    assert [sum(c.group == g.id for c in evidence.criteria) for g in evidence.groups] == [5, 5, 3]
    assert len(evidence.indicators) == 15
    assert [
        sum(i.points_to == k for i in evidence.indicators)
        for k in ("public", "private", "not_suitable")
    ] == [5, 5, 5]


def test_seven_models_with_the_seed_figures(evidence: EvidenceBase) -> None:
    """Appendix 1's table: average saving per project and share of savings, by model."""
    figures = {m.id: (m.average_saving, m.share_of_savings) for m in evidence.models}
    assert figures == {
        "public_private": (382_000, 0.41),
        "strategic_collaboration": (265_000, 0.17),
        "commercial_trading": (247_000, 0.15),
        "joint_procurement": (54_000, 0.11),
        "corporate_centralisation": (120_000, 0.08),
        "public_other_shared_service": (104_000, 0.04),
        "public_public_shared_service": (51_000, 0.04),
    }
    assert sum(share for _, share in figures.values()) == pytest.approx(1.0)
    tenders = {m.id for m in evidence.models if m.tender == "competitive"}
    assert tenders == {"public_private"}


@pytest.mark.skipif(not SEED.exists(), reason="the seed report is not beside the checkout")
def test_wordings_are_the_seeds_own(evidence: EvidenceBase) -> None:
    """Principles, criteria and indicators are quoted exactly as the seed words them."""
    seed = _squash(SEED.read_text(encoding="utf-8"))
    evidence = evidence.worded_for("Rotherham", "Rotherham Citizens")
    for text in (
        [g.principle for g in evidence.groups]
        + [c.wording for c in evidence.criteria]
        + [i.wording for i in evidence.indicators]
    ):
        assert _squash(text) in seed, text


def test_dated_parameter_resolves_by_date() -> None:
    p = Parameter(
        key="threshold",
        description="A threshold",
        unit="£",
        values=(
            DatedValue(
                valid_from=dt.date(2024, 1, 1),
                value=214_904,
                source="a",
                confidence=Confidence.CONFIRMED,
            ),
            DatedValue(
                valid_from=dt.date(2026, 1, 1),
                value=207_720,
                source="b",
                confidence=Confidence.CONFIRMED,
            ),
        ),
    )
    assert p.at(dt.date(2025, 12, 31)).value == 214_904
    assert p.at(dt.date(2026, 1, 1)).value == 207_720
    assert p.at(dt.date(2010, 1, 1)).value == 214_904 and not p.applies_on(dt.date(2010, 1, 1))


def test_dated_values_must_rise() -> None:
    with pytest.raises(ValueError, match="rising"):
        Parameter(
            key="x",
            description="x",
            unit="",
            values=(
                DatedValue(
                    valid_from=dt.date(2026, 1, 1),
                    value=1,
                    source="a",
                    confidence=Confidence.ASSUMPTION,
                ),
                DatedValue(
                    valid_from=dt.date(2024, 1, 1),
                    value=2,
                    source="b",
                    confidence=Confidence.ASSUMPTION,
                ),
            ),
        )
