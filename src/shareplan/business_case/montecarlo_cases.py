"""Each business case's own Monte Carlo, many opportunities at a time.

Every business case is simulated on the scenario's seed alone, so every opportunity meets the
same variates (common random numbers: two options differ by what they are, not by luck of the
draw). One call of :func:`~shareplan.business_case.montecarlo.simulate_npv` with ``common`` on a
block of opportunities gives each of them exactly the draws, and so exactly the figures, of a call
on it alone: the arithmetic is element by element, and each opportunity's column is summarised
on its own. At county scale (15,000 business cases) a call per opportunity spent most of its time
setting up; a block of a few hundred spends it on the draws.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from shareplan.business_case.cashflow import FloatArray, FlowInputs
from shareplan.business_case.montecarlo import Distribution, Ranges, Simulation, simulate_npv
from shareplan.business_case.prepare import Prepared

BLOCK = 250
"""Opportunities per simulation: 10,000 draws x 250 is 20 MB of NPVs, and the set-up is spread
over enough opportunities to cost little."""

Triple = tuple[FloatArray, FloatArray, FloatArray]


def _column(value: object) -> FloatArray:
    return np.atleast_1d(np.asarray(value, dtype=np.float64))


def _stack_inputs(items: Sequence[Prepared]) -> FlowInputs:
    """The adjusted inputs of every item, one entry each."""
    return FlowInputs(
        **{
            name: np.concatenate([_column(getattr(p.adjusted, name)) for p in items])
            for name in FlowInputs.__dataclass_fields__
        }
    )


def _stack(triples: Sequence[Triple]) -> Triple:
    """Low, mode and high of every item, one entry each."""
    low, mode, high = (np.concatenate([_column(t[k]) for t in triples]) for k in range(3))
    return low, mode, high


def _stack_optional(triples: Sequence[Triple | None]) -> Triple | None:
    """As :func:`_stack`; an item without the range gets a range of zeros (no income to vary:
    the simulation leaves its central figure alone, as it would on its own)."""
    if all(t is None for t in triples):
        return None
    zero = (np.zeros(1), np.zeros(1), np.zeros(1))
    return _stack([zero if t is None else t for t in triples])


def _stack_ranges(items: Sequence[Prepared], correlation: float) -> Ranges:
    ranges = [p.ranges for p in items]
    return Ranges(
        share=_stack([r.share for r in ranges]),
        cost_multiplier=_stack([r.cost_multiplier for r in ranges]),
        delay_months=_stack([r.delay_months for r in ranges]),
        correlation=correlation,
        trading_volume=_stack_optional([r.trading_volume for r in ranges]),
        trading_margin=_stack_optional([r.trading_margin for r in ranges]),
    )


def simulate_cases(
    items: Sequence[Prepared],
    factors: FloatArray,
    draws: int,
    seed: int,
    distribution: Distribution,
) -> list[Simulation]:
    """Each item's simulation, as :func:`simulate_npv` on it alone would give it, in blocks of
    items that share what a simulation takes as one number (the cost-delay correlation and the
    quick-win rule)."""
    groups: dict[tuple[float, float, float], list[int]] = {}
    for i, p in enumerate(items):
        key = (float(p.ranges.correlation), p.quick_win_months, p.quick_win_share)
        groups.setdefault(key, []).append(i)
    out: list[Simulation | None] = [None] * len(items)
    for (rho, months, share), members in groups.items():
        for first in range(0, len(members), BLOCK):
            block = members[first : first + BLOCK]
            chosen = [items[i] for i in block]
            sim = simulate_npv(
                _stack_inputs(chosen),
                _stack_ranges(chosen, rho),
                factors,
                draws,
                seed,
                distribution,
                quick_win_months=months,
                quick_win_share=share,
                common=True,
            )
            for col, i in enumerate(block):
                out[i] = Simulation(
                    np.ascontiguousarray(sim.npv[:, col : col + 1]),
                    np.ascontiguousarray(sim.quick_win[:, col : col + 1]),
                    seed,
                    distribution,
                    months,
                    share,
                )
    return [sim for sim in out if sim is not None]
