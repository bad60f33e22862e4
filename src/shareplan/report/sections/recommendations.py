"""6. Recommendations: numbered decisions Cabinet can resolve, with the money, where it comes from,
and a gate: the first tranche pays for full business cases, which come back on a named date before
the rest of the budget is committed."""

from __future__ import annotations

import math

from shareplan.report import formatting as fmt
from shareplan.report import outline
from shareplan.report.context import Context
from shareplan.report.model import Block, Money, Paragraph, Run, Section, p, total
from shareplan.report.sections.capital import capital_revenue_totals
from shareplan.report.sections.finance import capital_financing, funding_source


def report_back(c: Context) -> str:
    """The month the full business cases come back, named: "March 2011"."""
    months = int(c.setting("finance.report_back_months", 3))
    return fmt.month_year(fmt.add_months(c.meeting_date.isoformat(), months))


def first_tranche(c: Context) -> Money | None:
    """The one-off costs of developing the full business cases: the development cost lines of
    each priority project's first year, before optimism bias (the allowance is held back until
    the full business cases replace it with costed risks)."""
    lines = c.setting("finance.development_cost_lines", ("project_team", "procurement_legal"))
    terms = []
    for oid in c.selected:
        years = c.opp(oid).business_case.unadjusted.years
        if not years:
            continue
        for line in lines:
            if line in years[0].costs:
                terms.append(
                    (1.0, c.opp_path(oid, "business_case", "unadjusted", "years", 0, "costs", line))
                )
    if not terms:
        return None
    money = total(terms, c.results)
    return money if not math.isclose(money.value, 0.0) else None


def recommendations(c: Context) -> Section:
    number = outline.number("recommendations")
    blocks: list[Block] = [p("That Cabinet:")]
    items: list[list[Run]] = []
    budget = c.budget()
    if c.infeasible or not c.selected:
        items.append(
            [
                "Notes that no programme of priority projects meets every rule it was given, "
                "and decides which rule to relax (see the Summary)."
                if c.infeasible
                else "Notes that the programme of priority projects is not available yet."
            ]
        )
    else:
        names = fmt.listing([c.short(oid) for oid in c.selected])
        items.append(
            [
                f"Approves the {fmt.count(len(c.selected), 'priority project')} in "
                f"{outline.ref('proposals')} ({names}) for development into full business "
                "cases with the partners named."
            ]
        )
        tranche = first_tranche(c)
        chosen = c.results.chosen
        if budget and chosen is not None:
            # Cabinet approves what the programme costs; the budget it was chosen under is only
            # the ceiling (a county's 1.5% of spending can be six times the programme)
            cost = Money(chosen.totals.one_off_cost, ("programme", "totals", "one_off_cost"))
            run: list[Run] = [
                "Approves an implementation budget of ",
                cost,
                " for these projects (their one-off costs with the allowance for optimism "
                "bias, within the ",
                budget,
                " set for the programme)",
            ]
            run += _funded(c)
            if tranche:
                run += [
                    ", and releases now a first tranche of ",
                    tranche,
                    " for the project teams, procurement and legal advice the full business "
                    "cases need; the rest is released project by project when Cabinet approves "
                    "each full business case.",
                ]
            else:
                run.append(", released project by project as Cabinet approves each full case.")
            items.append(run)
        items.append(
            [
                f"Asks the senior leadership team to bring the full business cases, with an "
                f"equality impact assessment and the consultation with staff and trade unions, "
                f"back to Cabinet by {report_back(c)}."
            ]
        )
        rejected = outline.ref("options")
        items.append([f"Notes the options considered and rejected in {rejected}."])
    items.append(
        [
            "Asks the chief finance officer (section 151 officer) to include the programme's costs and "
            f"savings in the medium-term financial plan in cash prices ({outline.ref('finance')})"
            " and to report the savings achieved against the business cases."
        ]
    )
    blocks += [_numbered(f"{number}.{i}", runs) for i, runs in enumerate(items, start=1)]
    return outline.body_section("recommendations", blocks)


def _funded(c: Context) -> list[Run]:
    """How the budget is funded: the scenario's source, or what officers propose for the chief
    finance officer to confirm (borrowing for the capital part, with its yearly cost, and its
    optimism-bias allowance held as a contingency; a reserve as invest to save for the revenue
    part). With no capital there is nothing to borrow, so no borrowing is proposed."""
    source = funding_source(c)
    if source:
        return [f", funded from {source}"]
    capital, contingency, revenue = capital_revenue_totals(c)
    runs: list[Run] = [
        f", to be funded by the route officers propose in {outline.ref('finance')}, which the "
        "chief finance officer (section 151 officer) is to confirm: "
    ]
    if round(capital.value) <= 0:
        return [*runs, "an invest-to-save reserve (all of the one-off costs are revenue)"]
    runs += ["borrowing for the capital part (", capital]
    financing = capital_financing(c, capital)
    if financing:
        runs += [
            ", at a revenue cost of about ",
            financing[2],
            f" a year for {fmt.count(financing[1], 'year')}",
        ]
    runs.append(")")
    if round(contingency.value) > 0:
        runs += [
            ", with a contingency of ",
            contingency,
            " for the capital overrunning (the optimism-bias allowance), borrowed only if it "
            "is drawn",
        ]
    runs += ["; and an invest-to-save reserve for the revenue part (", revenue, ")"]
    return runs


def _numbered(label: str, runs: list[Run]) -> Paragraph:
    return p(f"{label} ", *runs)
