"""The procurement section of a report whose priority projects include a joint procurement: the
partners' agreement is exempt, their purchase is one contract with the market (review 2, item 2).
Rotherham's programme has no joint procurement, so its procurement for the council's own
procurement function with Sheffield is put in the sixth project's place."""

from __future__ import annotations

from shareplan.report.context import Context
from shareplan.report.model import Paragraph, Table, run_text
from shareplan.report.sections.implications import procurement
from shareplan.results import Results

JOINT = "procurement:jp:sheffield"


def test_a_joint_purchase_is_tendered_in_the_procurement_section(
    rotherham_typed: Results,
) -> None:
    """In December 2010 (OJEU, £156,442 net of VAT) the Council's procurement spend other than
    staff with Sheffield's is far above the threshold: the route is a competitive tender, and the
    section says the agreement is cooperation but the purchase is advertised."""
    chosen = rotherham_typed.chosen
    assert chosen is not None and JOINT not in chosen.selected_ids
    programme = chosen.model_copy(update={"selected_ids": (*chosen.selected_ids[:5], JOINT)})
    results = rotherham_typed.model_copy(update={"programme": programme})
    c = Context(results)
    section = procurement(c)
    words = " ".join(
        "".join(run_text(r) for r in b.runs) for b in section.blocks if isinstance(b, Paragraph)
    )
    name = c.short(JOINT)
    assert (
        f"In {name} the Council and its partners buy together: their agreement to do so is "
        "public-public cooperation, but what they buy comes from the market, so the purchase is "
        "procured as one contract for all of them"
    ) in words
    (table,) = [b for b in section.blocks if isinstance(b, Table)]
    row = [[run_text(cell) for cell in r] for r in table.rows][-1]
    assert row[:4] == [
        name,
        "A joint purchase from the market as one contract (competitive tender above the threshold)",
        "yes",
        "9 months",
    ]
    exempt = procurement(Context(rotherham_typed))
    assert not any(
        "buy together" in "".join(run_text(r) for r in b.runs)
        for b in exempt.blocks
        if isinstance(b, Paragraph)
    )
