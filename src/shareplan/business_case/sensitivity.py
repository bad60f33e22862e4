"""Sensitivity of the headline NPV: switching values by the Green Book convention and the tornado.

Every switching value moves one input alone and holds every other input, costs included, at its
central value (:data:`model.SWITCHING_CONVENTION`). Where no value inside an input's meaningful
range brings the NPV to zero, the entry carries a sentence instead of a number.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.optimize import brentq

from shareplan.business_case import cashflow, measures
from shareplan.business_case.cashflow import FloatArray
from shareplan.business_case.model import SwitchingValue, TornadoBar
from shareplan.business_case.prepare import Prepared

SAVINGS_ONLY = {
    "team_cost_per_month": 0.0,
    "procurement_cost": 0.0,
    "ict_cost": 0.0,
    "exit_cost_full": 0.0,
    "trading": 0.0,
}
"""The inputs that leave the savings line alone in the NPV."""


def _saving_switch(prepared: Prepared, at: dict[str, float]) -> SwitchingValue:
    """The annual saving at which the NPV is zero, costs held at their central values.

    Redundancy is held too: it is priced on the posts the central saving releases, and moving it
    with the saving would overstate the headroom. ``slope`` is the PV of one unit of saving share
    (the savings line alone), so ``NPV(s) = NPV + slope x (s - s_c)`` and the root is
    ``s_c - NPV / slope``. Only a saving between none and the whole cost is meaningful.
    """
    base = prepared.adjusted
    npv = at["npv"]
    slope = at["all_saving"] - at["no_saving"]
    share = float(np.asarray(base.share))
    per_share = prepared.baseline * prepared.keep
    central = share * per_share

    def entry(value: float | None, note: str) -> SwitchingValue:
        return SwitchingValue(
            input="annual_saving",
            unit="pounds a year at full run-rate",
            central=central,
            switching_value=value,
            change=None if value is None or not central else value / central - 1.0,
            method="linear (exact)",
            note=note,
        )

    if slope <= 0 or per_share <= 0:
        return entry(None, "The saving does not move the NPV, so no saving brings it to zero.")
    root = share - npv / slope
    if root < 0:
        return entry(
            None,
            "There is no switching value for the saving: the NPV stays positive with no saving "
            "at all"
            + (", because the trading income alone pays for the costs." if base.trading else "."),
        )
    if root > 1:
        return entry(
            None,
            "No saving can bring the NPV to zero: it stays negative even if the whole cost of "
            "the service were saved.",
        )
    return entry(root * per_share, f"a saving share of {root:.2%} of gross cost, costs unchanged")


def switching_values(prepared: Prepared, factors: FloatArray) -> tuple[SwitchingValue, ...]:
    """Saving, one-off cost, trading income and delay at which the adjusted NPV is zero, each
    with every other input at its central value (the Green Book convention).

    The NPV is linear in the saving and in the one-off cost multiplier, so those roots are exact
    from two evaluations; the delay root is found by Brent's method on the (monotone) NPV. The
    NPVs every root starts from are worked out in one vectorised call.
    """
    base = prepared.adjusted
    late = float(np.asarray(base.delay_months)) + 12.0 * len(factors)
    variants: dict[str, dict[str, float]] = {
        "npv": {},
        "all_saving": {**SAVINGS_ONLY, "share": 1.0},
        "no_saving": {**SAVINGS_ONLY, "share": 0.0},
        "no_one_off": {"cost_multiplier": 0.0},
        "one_off": {"cost_multiplier": 1.0},
        "no_trading": {"trading": 0.0},
        "late": {"delay_months": late},
    }
    at = dict(
        zip(variants, cashflow.npv_variants(base, list(variants.values()), factors), strict=True)
    )
    return (
        _saving_switch(prepared, at),
        _one_off_switch(prepared, factors, at),
        *_trading_switch(prepared, at),
        _delay_switch(prepared, factors, at),
    )


def _one_off_switch(
    prepared: Prepared, factors: FloatArray, at: dict[str, float]
) -> SwitchingValue:
    """The total one-off cost (optimism bias included) at which the NPV is zero: the NPV is
    linear in a multiplier on every one-off line."""
    base = prepared.adjusted
    mult = float(np.asarray(base.cost_multiplier))
    npv, without = at["npv"], at["no_one_off"]
    m_root = float(measures.linear_root(without, at["one_off"]))
    flows = cashflow.yearly(base, len(factors))
    total = float(sum(np.sum(flows[k]) for k in (*cashflow.ONE_OFF_KINDS, "optimism_bias_one_off")))

    def entry(value: float | None, change: float | None, note: str) -> SwitchingValue:
        return SwitchingValue(
            input="one_off_cost",
            unit="pounds (optimism bias included)",
            central=total,
            switching_value=value,
            change=change,
            method="linear (exact)",
            note=note,
        )

    if math.isnan(m_root) or npv == without:
        return entry(None, None, "There are no one-off costs, so none has a switching value.")
    if m_root < 0:
        return entry(
            None,
            None,
            "No one-off cost brings the NPV to zero: it stays negative even with no one-off "
            "cost at all.",
        )
    if not mult:
        return entry(None, None, "all one-off cost lines scaled together")
    return entry(
        total * m_root / mult, m_root / mult - 1.0, "all one-off cost lines scaled together"
    )


def _delay_switch(prepared: Prepared, factors: FloatArray, at_: dict[str, float]) -> SwitchingValue:
    """The delay before savings begin at which the NPV is zero (Brent's method)."""
    base = prepared.adjusted
    horizon_months = 12.0 * len(factors)
    delay0 = float(np.asarray(base.delay_months))

    def at(delay: float) -> float:
        return float(cashflow.npv_fast(base.replace(delay_months=delay), factors))

    def entry(value: float | None, note: str = "") -> SwitchingValue:
        return SwitchingValue(
            input="delay",
            unit="months of delay before savings begin",
            central=delay0,
            switching_value=value,
            change=None if value is None else value - delay0,
            method="Brent's method",
            note=note,
        )

    if at_["npv"] <= 0:
        return entry(
            None, "No delay brings the NPV to zero: it is not positive even without delay."
        )
    if at_["late"] > 0:
        return entry(None, "No delay within the appraisal period brings the NPV to zero.")
    return entry(float(brentq(at, delay0, delay0 + horizon_months, xtol=1e-9)))


def _trading_switch(prepared: Prepared, at: dict[str, float]) -> list[SwitchingValue]:
    """The annual trading income at which the adjusted NPV is zero (commercial trading only).

    The NPV is linear in the trading income, so two evaluations give the root exactly; it is also
    stated as the net margin that gives it at the central volume (and the volume at the central
    margin). No entry when the opportunity does not trade.
    """
    base = prepared.adjusted
    central = float(np.asarray(base.trading))
    _, volume, v_hi = prepared.trading_volume_range
    _, margin, m_hi = prepared.trading_margin_range
    if v_hi * m_hi <= 0:
        return []
    unit = "pounds a year at full run-rate"
    without = at["no_trading"]
    if central <= 0:
        return [
            SwitchingValue(
                input="trading_income",
                unit=unit,
                central=central,
                switching_value=None,
                change=None,
                method="linear (exact)",
                note="There is no trading income in the central case, so it has no switching value.",
            )
        ]
    # the central trading income is the headline's own
    root = float(measures.linear_root(without, at["npv"]))
    if math.isnan(root):
        note = "The trading income does not move the NPV, so it has no switching value."
        value = None
    elif root < 0:
        note = "There is no switching value for the trading income: the NPV stays positive with no trading income at all."
        value = None
    else:
        value = root * central
        note = (
            f"a net margin of {root * margin:.2%} at the central volume, or a volume of "
            f"{root * volume:.2%} of our own at the central margin"
        )
    return [
        SwitchingValue(
            input="trading_income",
            unit=unit,
            central=central,
            switching_value=value,
            change=None if value is None else value / central - 1.0,
            method="linear (exact)",
            note=note,
        )
    ]


def tornado(prepared: Prepared, factors: FloatArray) -> tuple[TornadoBar, ...]:
    """Adjusted NPV at each input's low and high, the others central; widest swing first.

    Each bar names the input, its low and high, and the model input it moves: the saving share,
    the one-off cost multiplier, the delay, the ramp, for commercial trading the buyers' volume and
    the net margin (each moving the trading income ``baseline x volume x margin``), and with a
    private partner its share of the gain.
    """
    base = prepared.adjusted
    low, _, high = prepared.shares
    mult = float(np.asarray(base.cost_multiplier))
    delay = float(np.asarray(base.delay_months))
    c_lo, _, c_hi = (mult * c for c in prepared.risk.drawn_cost)
    d_lo, _, d_hi = (delay + d for d in prepared.risk.drawn_delay)
    ramp = float(np.asarray(base.ramp_months))
    # (input, unit, low, high, model field, field value at low, field value at high)
    specs: list[tuple[str, str, float, float, str, float, float]] = [
        ("saving_share", "share of gross cost", low, high, "share", low, high),
        ("one_off_cost_multiplier", "multiplier", c_lo, c_hi, "cost_multiplier", c_lo, c_hi),
        ("delay_months", "months", d_lo, d_hi, "delay_months", d_lo, d_hi),
        ("ramp_months", "months", ramp * 0.5, ramp * 2.0, "ramp_months", ramp * 0.5, ramp * 2.0),
    ]
    v_lo, v_mid, v_hi = prepared.trading_volume_range
    m_lo, m_mid, m_hi = prepared.trading_margin_range
    if v_hi * m_hi > 0:
        income = prepared.baseline
        specs.append(
            (
                "trading_volume",
                "share of own volume (all buyers)",
                v_lo,
                v_hi,
                "trading",
                income * v_lo * m_mid,
                income * v_hi * m_mid,
            )
        )
        specs.append(
            (
                "trading_margin",
                "share of trading turnover (net margin)",
                m_lo,
                m_hi,
                "trading",
                income * v_mid * m_lo,
                income * v_mid * m_hi,
            )
        )
    if prepared.private:
        gain = 1.0 - prepared.keep
        g_lo, g_hi = max(0.0, gain - 0.2), min(1.0, gain + 0.2)
        specs.append(
            ("private_partner_gain_share", "share", g_lo, g_hi, "keep", 1 - g_lo, 1 - g_hi)
        )
    npvs = cashflow.npv_variants(
        base, [{spec[4]: value} for spec in specs for value in spec[5:]], factors
    )
    bars = []
    for (name, unit, lo, hi, _, _, _), n_lo, n_hi in zip(specs, npvs[::2], npvs[1::2], strict=True):
        bars.append(
            TornadoBar(
                input=name,
                unit=unit,
                low=lo,
                high=hi,
                npv_at_low=n_lo,
                npv_at_high=n_hi,
                swing=abs(n_hi - n_lo),
            )
        )
    bars.sort(key=lambda b: -b.swing)
    return tuple(bars)
