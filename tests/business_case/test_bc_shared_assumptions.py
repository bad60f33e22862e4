"""Business cases built in worker processes share their equal assumption records."""

from __future__ import annotations

import pickle

from shareplan.business_case import share_assumptions
from shareplan.pipeline import AppraisalRun


def test_equal_records_are_held_once_and_every_case_is_unchanged(
    rotherham_run: AppraisalRun,
) -> None:
    """Rotherham's 71 cases, each a fresh copy as a worker would send it: after sharing, every
    case equals its copy (same records, same order), and a record equal in every field is one
    object wherever it appears, and records that differ (a saving range of another model) stay
    apart; fewer than a tenth of the records are left."""
    copies = [pickle.loads(pickle.dumps(case)) for case in rotherham_run.cases]
    shared = share_assumptions(copies)
    assert shared == copies
    by_key: dict[str, set[int]] = {}
    distinct: dict[str, set[str]] = {}
    for case in shared:
        for a in case.assumptions:
            by_key.setdefault(a.key, set()).add(id(a))
            distinct.setdefault(a.key, set()).add(repr(a.model_dump()))
    assert all(len(by_key[k]) == len(distinct[k]) for k in by_key)
    assert any(len(ids) == 1 for ids in by_key.values())
    assert any(len(ids) > 1 for ids in by_key.values())
    before = sum(len(c.assumptions) for c in copies)
    assert sum(len(ids) for ids in by_key.values()) < before / 10
