"""Monte Carlo of a programme: draws of yearly net savings for a selected few opportunities.

The programme stage picks five or six projects; it needs the distribution of the programme's total
savings by year (P10 / P50 / P90) and of its net present value, drawn with the same model, ranges
and seed as each business case.

Projects that share a partner or buyer do not fail or succeed independently: a partner that
withdraws, or a buyer that buys less, hits every project it is in. Each project's draws are its own
business case's (so its own mean and percentiles do not change); their order across draws is set
by a common factor per shared partner (the Iman-Conover way of inducing rank correlation without
changing the marginals): a project's draws are ranked by its NPV and re-paired with a latent
``sqrt(rho) x factor + sqrt(1 - rho) x own noise``, so projects with a partner in common have
NPVs with rank correlation about ``rho`` and the others stay independent.
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


class ProgrammeNpv(BaseModel):
    """The programme's net present value across the draws: its expected value (the mean), the
    1-in-10 low and high and the median, the chance it is positive, and how projects with a
    partner in common were linked (``shared_partners`` empty: every project drawn independently)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    mean: float
    p10: float
    p50: float
    p90: float
    prob_positive: float
    partner_correlation: float
    shared_partners: tuple[str, ...]


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
    npv: ProgrammeNpv | None = None
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
    partner_correlation: float = 0.0,
) -> ProgrammeSimulation:
    """Yearly net savings of the chosen opportunities under uncertainty (optimism-bias adjusted).

    Each case's model inputs and ranges are those in its business case (the saving share, the
    one-off cost multiplier, the delay and, for commercial trading, the buyers' volume and the net
    margin); ``seed`` should be the scenario's ``authority.random_seed``. All cases must share a
    horizon and first year. ``partner_correlation`` links the projects that share a partner
    (0: independent; the evidence's ``montecarlo.shared_partner_correlation``).
    """
    if not cases:
        raise InputError([Problem("no opportunities to simulate")])
    horizons = {c.horizon_years for c in cases}
    if len(horizons) != 1:
        raise InputError([Problem("the business cases have different horizons")])
    n_years = horizons.pop()
    base, ranges = uncertain_inputs(cases)
    draws = simulate_yearly_net(base, ranges, n_years, n_draws, seed, distribution)
    factors = np.array(
        [[y.discount_factor for y in c.adjusted.years[:n_years]] for c in cases], dtype=np.float64
    )
    shared = shared_partners(cases)
    if shared and partner_correlation > 0:
        draws = link_by_partner(draws, factors, cases, shared, partner_correlation, seed)
    npvs = np.einsum("doy,oy->d", draws, factors)
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
        npv=npv_summary(npvs, partner_correlation if shared else 0.0, shared),
        draws=draws if keep_draws else None,
    )


def npv_summary(npvs: FloatArray, correlation: float, shared: Sequence[str] = ()) -> ProgrammeNpv:
    """Mean, P10, P50, P90 and the chance of a positive value of the programme NPV's draws."""
    p10, p50, p90 = np.percentile(npvs, (10, 50, 90))
    return ProgrammeNpv(
        mean=float(npvs.mean()),
        p10=float(p10),
        p50=float(p50),
        p90=float(p90),
        prob_positive=float(np.mean(npvs > 0)),
        partner_correlation=float(correlation),
        shared_partners=tuple(shared),
    )


def shared_partners(cases: Sequence[BusinessCase]) -> tuple[str, ...]:
    """The partners or buyers in more than one of the cases, in order of first appearance."""
    seen: dict[str, int] = {}
    for c in cases:
        for partner in dict.fromkeys(c.partner_ids):
            seen[partner] = seen.get(partner, 0) + 1
    return tuple(p for p, n in seen.items() if n > 1)


def link_by_partner(
    draws: FloatArray,
    factors: FloatArray,
    cases: Sequence[BusinessCase],
    shared: Sequence[str],
    rho: float,
    seed: int,
) -> FloatArray:
    """The draws re-paired so that projects sharing a partner move together (module docstring).

    Each project's draws stay its own (whole draws, every year kept together); only which draw of
    one project meets which draw of another changes. A project in several shared partnerships
    takes the normalised sum of their factors."""
    n_draws = draws.shape[0]
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0x5EED]))
    common = {p: rng.standard_normal(n_draws) for p in shared}
    out = draws.copy()
    npv = np.einsum("doy,oy->do", draws, factors)
    for i, c in enumerate(cases):
        own = [common[p] for p in dict.fromkeys(c.partner_ids) if p in common]
        noise = rng.standard_normal(n_draws)
        if not own:
            continue
        factor = np.sum(own, axis=0) / np.sqrt(len(own))
        latent = np.sqrt(rho) * factor + np.sqrt(1.0 - rho) * noise
        # the draw of rank k (by NPV) goes where the latent variable has rank k
        by_npv = np.argsort(npv[:, i], kind="stable")
        slots = np.argsort(latent, kind="stable")
        out[slots, i, :] = draws[by_npv, i, :]
    return out
