"""The per-run digest the pages read (titles, positions, each partner's opportunities) and the
re-ranking's saved share: the same answers as walking the results."""

from __future__ import annotations

from pathlib import Path

from shareplan.results import read_results
from shareplan.web.digest import digest
from shareplan.whatif import rerank, weight_targets


def test_digest_matches_the_results(rotherham_outputs: Path) -> None:
    results = read_results(rotherham_outputs / "results.json")
    made = digest(results)
    assert digest(results) is made  # kept for the same results
    assert made.names == {o.id: o.title for o in results.opportunities}
    for o in results.opportunities:
        assert results.opportunities[made.position[o.id]] is o
    partners = {p for o in results.opportunities for p in o.partner_ids}
    assert partners and set(made.by_partner) == partners
    for p in partners:
        walked = [o.id for o in results.opportunities if p in o.partner_ids]
        assert [results.opportunities[i].id for i in made.by_partner[p]] == walked


def test_rerank_at_the_saved_share_is_the_saved_ranking(rotherham_outputs: Path) -> None:
    results = read_results(rotherham_outputs / "results.json")
    level, target = weight_targets(results)[0]
    saved = rerank(results, level, target)
    assert saved.share == saved.current_share
    assert [i for i, _ in saved.ranked] == [o.id for o in results.opportunities]
    moved = rerank(results, level, target, 1.0)
    totals = [t for _, t in moved.ranked]
    assert totals == sorted(totals, reverse=True)
