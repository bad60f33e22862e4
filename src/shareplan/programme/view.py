"""The chosen programme as a whole: timeline, cash flows, spread of savings, counts and risks.

Pure functions over arrays (``cash_flows_by_year``, ``percentiles_by_year``, ``max_concurrent``)
and a wrapper, :func:`programme_view`, that builds them from the candidate set and the chosen ids.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from shareplan.errors import InputError, Problem
from shareplan.programme.candidates import CandidateSet, FloatArray, IntArray
from shareplan.programme.records import ConcentrationRisk, Counts, ProgrammeView, TimelineRow

#: More projects than this with one partner is a programme risk (illustrative threshold).
PARTNER_RISK_ABOVE = 2
#: More tenders than this with overlapping procurement windows is a programme risk (illustrative).
TENDER_RISK_ABOVE = 2


def cash_flows_by_year(nets: FloatArray) -> FloatArray:
    """Programme net saving by year: the sum of the projects' yearly nets (shape (n, years))."""
    out: FloatArray = np.asarray(nets, dtype=np.float64).sum(axis=0)
    return out


def percentiles_by_year(draws: FloatArray, q: Sequence[float] = (10, 50, 90)) -> FloatArray:
    """Percentiles of the programme total by year from draws of shape (draws, projects, years).

    The projects are summed within each draw first, so the spread is of the programme total
    (it keeps whatever correlation the simulation put between projects). Returns (len(q), years).
    """
    arr = np.asarray(draws, dtype=np.float64)
    if arr.ndim != 3:
        raise ValueError(f"draws must have shape (draws, projects, years), not {arr.shape}")
    out: FloatArray = np.percentile(arr.sum(axis=1), list(q), axis=0)
    return out


def max_concurrent(starts: IntArray, ends: IntArray) -> tuple[int, IntArray]:
    """Most windows open in one month, and which (windows are whole months, start to end).

    Two windows overlap when each starts no later than the other ends.
    """
    s = np.asarray(starts, dtype=np.int64)
    e = np.asarray(ends, dtype=np.int64)
    if len(s) == 0:
        return 0, np.zeros(0, dtype=np.int64)
    open_at = (s[None, :] <= s[:, None]) & (e[None, :] >= s[:, None])  # [month of start k, window]
    counts = open_at.sum(axis=1)
    k = int(np.argmax(counts))
    return int(counts[k]), np.flatnonzero(open_at[k]).astype(np.int64)


def concentration_risks(
    cands: CandidateSet,
    ids: Sequence[str],
    partner_above: int = PARTNER_RISK_ABOVE,
    tender_above: int = TENDER_RISK_ABOVE,
) -> tuple[ConcentrationRisk, ...]:
    """Too many projects with one partner; too many tenders whose procurement windows overlap."""
    pos = cands.positions(list(ids))
    out: list[ConcentrationRisk] = []
    partners: dict[str, list[str]] = {}
    for i in pos:
        for p in dict.fromkeys(cands.candidates[i].partner_ids):
            partners.setdefault(p, []).append(cands.ids[i])
    for p, with_p in sorted(partners.items()):
        if len(with_p) > partner_above:
            out.append(
                ConcentrationRisk(
                    kind="partner_concentration",
                    message=f"{len(with_p)} projects depend on '{p}': a change of heart or capacity "
                    f"there would hit them all (more than {partner_above} is a concentration risk)",
                    ids=tuple(with_p),
                    value=len(with_p),
                    threshold=partner_above,
                )
            )
    most, which = _tender_overlap(cands, pos)
    if most > tender_above:
        out.append(
            ConcentrationRisk(
                kind="concurrent_tenders",
                message=f"{most} tenders would be in procurement at the same time: procurement and "
                f"legal capacity may not stretch that far (more than {tender_above} at once is a "
                "risk)",
                ids=which,
                value=most,
                threshold=tender_above,
            )
        )
    return tuple(out)


def _tender_overlap(cands: CandidateSet, pos: IntArray) -> tuple[int, tuple[str, ...]]:
    tendered = [
        int(i)
        for i in pos
        if cands.candidates[i].needs_tender
        and cands.candidates[i].procurement_start_month is not None
        and cands.candidates[i].procurement_end_month is not None
    ]
    starts = np.array(
        [cands.candidates[i].procurement_start_month for i in tendered], dtype=np.int64
    )
    ends = np.array([cands.candidates[i].procurement_end_month for i in tendered], dtype=np.int64)
    most, idx = max_concurrent(starts, ends)
    return most, tuple(cands.ids[tendered[k]] for k in idx)


def programme_view(
    cands: CandidateSet,
    ids: Sequence[str],
    draws: FloatArray | None = None,
    *,
    partner_above: int = PARTNER_RISK_ABOVE,
    tender_above: int = TENDER_RISK_ABOVE,
) -> ProgrammeView:
    """The programme view for the chosen ``ids``.

    ``draws`` (optional) are Monte Carlo yearly net savings of shape (draws, len(ids), years),
    with the projects in the order of ``ids``.
    """
    unknown = cands.unknown(ids)
    if unknown:
        raise InputError(Problem(f"programme view: no candidate has the id {i!r}") for i in unknown)
    pos = cands.positions(list(ids))
    chosen = [cands.candidates[i] for i in pos]
    timeline = tuple(
        TimelineRow(
            id=c.id,
            title=c.title,
            needs_tender=c.needs_tender,
            procurement_start=c.procurement_start_month,
            procurement_end=c.procurement_end_month,
            implementation_start=c.implementation_start_month,
            implementation_end=c.implementation_end_month,
            benefits_start=c.benefits_start_month,
        )
        for c in chosen
    )
    with_nets = [c for c in chosen if c.net_by_year is not None]
    years = max([len(c.net_by_year or ()) for c in with_nets] + [0])
    nets = np.zeros((len(with_nets), years))
    for k, c in enumerate(with_nets):
        nets[k, : len(c.net_by_year or ())] = c.net_by_year or ()
    percentiles: dict[str, tuple[float, ...]] | None = None
    if draws is not None:
        arr = np.asarray(draws, dtype=np.float64)
        if arr.ndim != 3 or arr.shape[1] != len(pos):
            raise InputError(
                [
                    Problem(
                        f"Monte Carlo draws have shape {arr.shape}; expected (draws, {len(pos)}, years)"
                    )
                ]
            )
        table = percentiles_by_year(arr)
        percentiles = {
            f"P{q}": tuple(float(v) for v in row)
            for q, row in zip((10, 50, 90), table, strict=True)
        }
    partners = tuple(sorted({p for c in chosen for p in c.partner_ids}))
    most, _ = _tender_overlap(cands, pos)
    counts = Counts(
        n_projects=len(chosen),
        quick_wins=sum(c.quick_win for c in chosen),
        partners=partners,
        n_partners=len(partners),
        tenders=sum(c.needs_tender for c in chosen),
        most_tenders_at_once=most,
    )
    return ProgrammeView(
        ids=tuple(c.id for c in chosen),
        timeline=timeline,
        npv=float(sum(c.npv for c in chosen)),
        cash_flows_by_year=tuple(float(v) for v in cash_flows_by_year(nets)) if years else (),
        missing_nets=tuple(c.id for c in chosen if c.net_by_year is None),
        savings_percentiles_by_year=percentiles,
        counts=counts,
        risks=concentration_risks(cands, ids, partner_above, tender_above),
    )
