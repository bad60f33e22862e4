"""Yearly flows and measures of one set of model inputs, the business-as-usual comparator, and
the appraisal's years: year 0 is the financial year of the appraisal date (Green Book: discount to
the present), and a proposal that starts later starts in year 1 or after.
"""

from __future__ import annotations

import math

import numpy as np

from shareplan.business_case import cashflow, measures
from shareplan.business_case.assumptions import AssumptionBook
from shareplan.business_case.cashflow import COST_KINDS, FloatArray, FlowInputs
from shareplan.business_case.discounting import (
    ScheduleError,
    bands_from_value,
    parse_schedule,
    schedule_factors,
)
from shareplan.business_case.model import Appraisal, Measures, YearFlow
from shareplan.business_case.prepare import Prepared
from shareplan.business_case.staffing import jobs
from shareplan.errors import InputError, Problem
from shareplan.scenario.model import Authority, Scenario


def appraisal_year(authority: Authority) -> int:
    """The year (its first calendar year) of year 0: the financial year of the appraisal date
    (April to March), or its calendar year when ``financial_years`` is no. The Green Book
    discounts to the present, so a proposal that starts later starts in year 1 or after.

    >>> import datetime as dt
    >>> from shareplan.scenario.model import Authority
    >>> a = Authority(name="R", price_base_year=2010, first_year=2011,
    ...               appraisal_date=dt.date(2010, 12, 1), implementation_budget=1.0)
    >>> appraisal_year(a), start_offset(a)
    (2010, 1)
    """
    on = authority.appraisal_date
    if authority.financial_years and on.month < 4:
        return on.year - 1
    return on.year


def start_offset(authority: Authority) -> int:
    """Years from year 0 (the appraisal's year) to the year the proposal starts (0 or more)."""
    return max(0, authority.first_year - appraisal_year(authority))


def year_label(authority: Authority, year: int) -> str:
    """The label of year ``year`` of the proposal, where year 0 is its ``first_year``.

    With a 2010 first year, year 0 is ``2010/11`` and year 1 is ``2011/12`` in financial years
    (``2010`` and ``2011`` in calendar years):

    >>> from shareplan.scenario.model import Authority
    >>> import datetime as dt
    >>> a = Authority(name="R", price_base_year=2010, first_year=2010,
    ...               appraisal_date=dt.date(2010, 12, 1), implementation_budget=1.0)
    >>> year_label(a, 0), year_label(a, 1)
    ('2010/11', '2011/12')
    >>> year_label(a.model_copy(update={"financial_years": False}), 0)
    '2010'
    """
    calendar = authority.first_year + year
    if authority.financial_years:
        return f"{calendar}/{(calendar + 1) % 100:02d}"
    return str(calendar)


def discount_factors_for(scenario: Scenario, book: AssumptionBook) -> tuple[FloatArray, str]:
    """The discount factors of the proposal's years ``0 .. horizon - 1`` under the scenario's
    schedule, discounted to year 0 of the appraisal (the financial year of the appraisal date): a
    proposal starting ``k`` years later takes ``DF_k .. DF_{k + horizon - 1}``."""
    authority = scenario.authority
    name = authority.discount_schedule
    key = f"discount.schedule.{name}"
    if authority.horizon_years < 1:
        raise InputError(
            [
                Problem(
                    f"the horizon must be at least 1 year, not {authority.horizon_years}",
                    sheet="authority",
                    column="horizon_years",
                    allowed="a whole number of years from 1 to 60",
                )
            ]
        )
    names = sorted(
        k.removeprefix("discount.schedule.")
        for k in book.evidence.parameters
        if k.startswith("discount.schedule.")
    )
    if key not in book.evidence.parameters:
        raise InputError(
            [
                Problem(
                    f"no discount schedule {name!r}",
                    sheet="authority",
                    column="discount_schedule",
                    allowed=", ".join(names),
                )
            ]
        )
    value = book.get(key)
    row = book.override_row(key)
    try:
        bands = parse_schedule(value) if isinstance(value, str) else bands_from_value(value)
        offset = start_offset(authority)
        factors = schedule_factors(bands, authority.horizon_years + offset)[offset:]
    except (ScheduleError, KeyError, TypeError, ValueError) as exc:
        raise InputError(
            [
                Problem(
                    f"discount schedule {name!r}: {exc}",
                    sheet="parameters" if row is not None else "authority",
                    row=row,
                    column="value" if row is not None else "discount_schedule",
                )
            ]
        ) from None
    book.record(
        "derived.year_zero",
        year_label(authority.model_copy(update={"first_year": appraisal_year(authority)}), 0),
        "derived",
        "Green Book: discount to the present; year 0 is the year of the appraisal date, and the "
        "proposal starts in the scenario's first year",
        "Year 0 of the appraisal (not discounted)",
        "year",
    )
    return factors, name


def _measures(
    prepared: Prepared,
    inputs: FlowInputs,
    flows: dict[str, FloatArray],
    factors: FloatArray,
    authority: Authority,
) -> Measures:
    net = flows["net"]
    pv = net * factors
    pv_benefits = float(flows["benefits"] @ factors)
    pv_costs = float(flows["costs"] @ factors)
    bcr = float(measures.benefit_cost_ratio(pv_benefits, pv_costs))
    simple = int(measures.payback_year(net))
    discounted = int(measures.payback_year(pv))
    t = cashflow.timing(inputs)
    start = float(t.benefits_start)
    one_off_kinds = (*cashflow.ONE_OFF_KINDS, "optimism_bias_one_off")
    one_off = float(sum(np.sum(flows[k]) for k in one_off_kinds))
    share = float(np.asarray(inputs.share))
    steady = float(cashflow.steady_state_saving(inputs))
    quick = bool(
        cashflow.quick_win(
            inputs, prepared.quick_win_months, prepared.quick_win_share, t.benefits_start
        )
    )
    staff = jobs(prepared.fte, share, prepared.trading_staff_volume, prepared.local_share)
    quick_month = float(
        cashflow.months_to_quick_win_saving(inputs, prepared.quick_win_share).item()
    )
    return Measures(
        npv=float(net @ factors),
        pv_benefits=pv_benefits,
        pv_costs=pv_costs,
        bcr=None if math.isnan(bcr) else bcr,
        payback_year=None if simple < 0 else simple,
        payback_label=None if simple < 0 else year_label(authority, simple),
        discounted_payback_year=None if discounted < 0 else discounted,
        discounted_payback_label=None if discounted < 0 else year_label(authority, discounted),
        months_to_first_saving=start,
        months_to_full_saving=float(t.full_benefits),
        savings_first_12_months=float(cashflow.savings_within(inputs, 12.0)),
        quick_win=quick,
        steady_state_annual_saving=steady,
        funding_need=float(measures.funding_need(net)),
        one_off_cost=one_off,
        months_to_quick_win_saving=quick_month if math.isfinite(quick_month) else None,
        fte_released=staff.released,
        fte_kept_in_borough=staff.kept_in_borough,
        fte_created_in_borough=staff.created_in_borough,
        fte_transferred=(prepared.fte - staff.released) * prepared.transfer_share,
        non_cashable_annual=float(np.asarray(inputs.non_cashable)),
        non_cashable_pv=float(flows["non_cashable"] @ factors),
    )


def appraise_inputs(
    prepared: Prepared,
    inputs: FlowInputs,
    factors: FloatArray,
    authority: Authority,
    basis: str,
) -> Appraisal:
    """Yearly flows and measures for one set of model inputs."""
    n_years = len(factors)
    flows = cashflow.yearly(inputs, n_years)
    cum = np.cumsum(flows["net"])
    pv = flows["net"] * factors
    cum_pv = np.cumsum(pv)
    years = tuple(
        YearFlow(
            year=y,
            label=year_label(authority, y),
            costs={k: float(flows[k][y]) for k in COST_KINDS},
            total_cost=float(flows["costs"][y]),
            savings=float(flows["savings"][y]),
            trading_income=float(flows["trading_income"][y]),
            benefits=float(flows["benefits"][y]),
            net=float(flows["net"][y]),
            cumulative_net=float(cum[y]),
            discount_factor=float(factors[y]),
            present_value=float(pv[y]),
            cumulative_present_value=float(cum_pv[y]),
            non_cashable=float(flows["non_cashable"][y]),
            project_team_fte=prepared.team_fte * float(flows["team_months"][y]) / 12.0,
        )
        for y in range(n_years)
    )
    return Appraisal(
        basis=basis,
        years=years,
        measures=_measures(prepared, inputs, flows, factors, authority),
    )


def business_as_usual(authority: Authority, factors: FloatArray) -> Appraisal:
    """The comparator: carry on as now. No change in cost, so every flow and the NPV are zero."""
    zero_costs = dict.fromkeys(COST_KINDS, 0.0)
    years = tuple(
        YearFlow(
            year=y,
            label=year_label(authority, y),
            costs=dict(zero_costs),
            total_cost=0.0,
            savings=0.0,
            trading_income=0.0,
            benefits=0.0,
            net=0.0,
            cumulative_net=0.0,
            discount_factor=float(factors[y]),
            present_value=0.0,
            cumulative_present_value=0.0,
            non_cashable=0.0,
            project_team_fte=0.0,
        )
        for y in range(len(factors))
    )
    zero = Measures(
        npv=0.0,
        pv_benefits=0.0,
        pv_costs=0.0,
        bcr=None,
        payback_year=None,
        payback_label=None,
        discounted_payback_year=None,
        discounted_payback_label=None,
        months_to_first_saving=0.0,
        months_to_full_saving=0.0,
        savings_first_12_months=0.0,
        quick_win=False,
        months_to_quick_win_saving=None,
        steady_state_annual_saving=0.0,
        funding_need=0.0,
        one_off_cost=0.0,
        fte_released=0.0,
        fte_kept_in_borough=0.0,
        fte_created_in_borough=0.0,
        non_cashable_annual=0.0,
        non_cashable_pv=0.0,
    )
    return Appraisal(basis="business_as_usual", years=years, measures=zero)
