"""What a finished run's pages look up again and again, worked out once per parsed results.

A run's results never change once it is done, and :mod:`shareplan.store.runs` keeps them parsed in
each web process; the titles by id, the position of each opportunity and each partner's
opportunities are kept beside them here, so that a page of a 2,000-opportunity run does not walk
every opportunity to find one.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from shareplan.results import Results

KEEP = 16


@dataclass(frozen=True)
class Digest:
    names: dict[str, str]  # title by opportunity id
    position: dict[str, int]  # place in ``results.opportunities`` (best ranked first)
    by_partner: dict[str, tuple[int, ...]]  # positions of the opportunities involving a partner


_kept: OrderedDict[int, tuple[Results, Digest]] = OrderedDict()
_lock = threading.Lock()


def digest(results: Results) -> Digest:
    """The digest of ``results``, made on first use and kept while the same object is in use."""
    with _lock:
        found = _kept.get(id(results))
        if found is not None and found[0] is results:
            _kept.move_to_end(id(results))
            return found[1]
    by_partner: dict[str, list[int]] = {}
    for i, o in enumerate(results.opportunities):
        for p in o.partner_ids:
            by_partner.setdefault(p, []).append(i)
    made = Digest(
        names={o.id: o.title for o in results.opportunities},
        position={o.id: i for i, o in enumerate(results.opportunities)},
        by_partner={p: tuple(v) for p, v in by_partner.items()},
    )
    with _lock:
        # the results object is kept with its digest, so its id cannot be reused while kept
        _kept[id(results)] = (results, made)
        while len(_kept) > KEEP:
            _kept.popitem(last=False)
    return made
