"""Monte Carlo of a programme: draws of yearly net savings for a selected few opportunities.

The programme stage picks five or six projects; it needs the distribution of the programme's total
savings by year (P10 / P50 / P90), drawn with the same model, ranges and seed as each business case.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict

from shareplan.business_case.cashflow import FlowInputs
from shareplan.business_case.model import BusinessCase, UncertainRange
from shareplan.business_case.montecarlo import Distribution, Ranges, simulate_yearly_net
from shareplan.errors import InputError, Problem

FloatArray = npt.NDArray[np.float64]


class ProgrammeSimulation(BaseModel):
    """Draws of yearly net savings, shape ``(draws, opportunities, years)``, and the programme's
    total by year at P10 / P50 / P90 (``draws`` is excluded from the JSON dump)."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    opportunity_ids: tuple[str, ...]
    labels: tuple[str, ...]
    seed: int
    n_draws: int
    p10: tuple[float, ...]
    p50: tuple[float, ...]
    p90: tuple[float, ...]
    mean: tuple[float, ...]
    draws: FloatArray | None = None

    def to_json(self) -> dict[str, object]:
        return self.model_dump(mode="json", exclude={"draws"})


def _triple(
    ranges: Sequence[UncertainRange | None],
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Low, central and high across the cases; a case without a range (results written before
    trading income was uncertain) gets zeros, so its trading income stays as in its model inputs."""
    rows = [(0.0, 0.0, 0.0) if r is None else (r.low, r.central, r.high) for r in ranges]
    table = np.array(rows, dtype=np.float64).reshape(len(rows), 3)
    return table[:, 0].copy(), table[:, 1].copy(), table[:, 2].copy()


def uncertain_inputs(cases: Sequence[BusinessCase]) -> tuple[FlowInputs, Ranges]:
    """The cases' model inputs (one entry per case) and their uncertain ranges, as the Monte Carlo
    takes them: the drawn share replaces the base share, and the drawn cost multiplier and delay
    multiply and add to the headline's own (their ranges are the spread around the headline, with
    mean 1 and 0: docs/business-case.md). Benefits tracking re-runs these same draws."""
    names = FlowInputs.__dataclass_fields__
    base = FlowInputs(
        **{n: np.array([c.model_inputs[n] for c in cases], dtype=np.float64) for n in names}
    )
    ranges = Ranges(
        share=(
            np.array([c.saving_share.low for c in cases]),
            np.array([c.saving_share.central for c in cases]),
            np.array([c.saving_share.high for c in cases]),
        ),
        cost_multiplier=(
            np.array([c.cost_multiplier.low for c in cases]),
            np.array([c.cost_multiplier.central for c in cases]),
            np.array([c.cost_multiplier.high for c in cases]),
        ),
        delay_months=(
            np.array([c.delay_months.low for c in cases]),
            np.array([c.delay_months.central for c in cases]),
            np.array([c.delay_months.high for c in cases]),
        ),
        correlation=float(cases[0].monte_carlo.correlation) if cases[0].monte_carlo else 0.0,
        trading_volume=_triple([c.trading_volume for c in cases]),
        trading_margin=_triple([c.trading_margin for c in cases]),
    )
    return base, ranges


def simulate_programme(
    cases: Sequence[BusinessCase],
    n_draws: int,
    seed: int,
    distribution: Distribution = "triangular",
    keep_draws: bool = True,
) -> ProgrammeSimulation:
    """Yearly net savings of the chosen opportunities under uncertainty (optimism-bias adjusted).

    Each case's model inputs and ranges are those in its business case (the saving share, the
    one-off cost multiplier, the delay and, for commercial trading, the buyers' volume and the net
    margin); ``seed`` should be the scenario's ``authority.random_seed``. All cases must share a
    horizon and first year.
    """
    if not cases:
        raise InputError([Problem("no opportunities to simulate")])
    horizons = {c.horizon_years for c in cases}
    if len(horizons) != 1:
        raise InputError([Problem("the business cases have different horizons")])
    n_years = horizons.pop()
    base, ranges = uncertain_inputs(cases)
    draws = simulate_yearly_net(base, ranges, n_years, n_draws, seed, distribution)
    total = draws.sum(axis=1)
    p10, p50, p90 = np.percentile(total, (10, 50, 90), axis=0)
    labels = tuple(y.label for y in cases[0].adjusted.years)
    return ProgrammeSimulation(
        opportunity_ids=tuple(c.opportunity_id for c in cases),
        labels=labels,
        seed=seed,
        n_draws=n_draws,
        p10=tuple(float(v) for v in p10),
        p50=tuple(float(v) for v in p50),
        p90=tuple(float(v) for v in p90),
        mean=tuple(float(v) for v in total.mean(axis=0)),
        draws=draws if keep_draws else None,
    )
