"""Staff and jobs: the staff cost of a service, its average cost per FTE, and the jobs an
opportunity releases, keeps in the borough and creates there.

* **Staff cost** is the service's own ``staff_cost`` when the scenario gives it, otherwise its gross
  cost times the staff share for its kind of service (``costs.staff_share_of_gross``). The average
  cost per FTE (staff cost / FTE) prices the project team and the exit costs; one outside
  ``costs.cost_per_fte_plausible`` is a warning naming the service's row.
* **Jobs.** The saving releases ``fte x share`` posts; commercial trading needs ``fte x volume``
  more for the buyers' work. The two net off, so no redundancy is booked where the model adds
  staff: FTE released ``= max(0, fte x share - fte x volume)`` and FTE created ``= max(0, fte x volume
  - fte x share)``. FTE kept in the borough is the establishment that stays, ``(fte - released) x
  local share``, so it never exceeds the establishment; FTE created in the borough is ``created x
  local share``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from shareplan.business_case.assumptions import AssumptionBook
from shareplan.errors import Problem
from shareplan.evidence.base import EvidenceBase
from shareplan.scenario.model import Scenario, Service


def kept_in_borough_share(host: str, partners_in_borough: int, partners: int) -> float:
    """Share of the remaining staff whose work stays in the borough, by who does the work
    (``assessment.within_borough.host.<model>``, the rule the assessment's 'within the borough'
    criterion scores, so the two never disagree):

    * ``council``: the council does the work, so all of it stays: 1;
    * ``shared``: spread evenly over the members (the authority counts as one):
      ``(1 + partners in the borough) / (1 + partners)``;
    * ``partners``: the partners do the work: ``partners in the borough / partners`` (an
      outsourcing to a national provider keeps none).
    """
    if host == "council":
        return 1.0
    if host == "shared":
        return (1.0 + partners_in_borough) / (1.0 + partners)
    return partners_in_borough / max(partners, 1)


def staff_cost(service: Service, book: AssumptionBook) -> float:
    """The service's annual staff cost: its own figure, or gross cost x the share for its kind."""
    if service.staff_cost is not None:
        return service.staff_cost
    return service.gross_cost * book.number("costs.staff_share_of_gross", service.kind.value)


def cost_per_fte(services: Sequence[Service], book: AssumptionBook) -> float:
    """Average staff cost per FTE over the services (0 when they have no staff)."""
    fte = sum(s.fte for s in services)
    return sum(staff_cost(s, book) for s in services) / fte if fte > 0 else 0.0


def cost_per_fte_warnings(scenario: Scenario, evidence: EvidenceBase) -> list[Problem]:
    """A warning for every service whose average staff cost per FTE is outside the plausible range
    (``costs.cost_per_fte_plausible``): its gross cost, staff share or FTE is probably wrong."""
    book = AssumptionBook(evidence, scenario.authority.appraisal_date, scenario.parameters)
    low = book.number("costs.cost_per_fte_plausible", "low")
    high = book.number("costs.cost_per_fte_plausible", "high")
    out = []
    for index, service in enumerate(scenario.services):
        if service.fte <= 0:
            continue
        per_fte = staff_cost(service, book) / service.fte
        if low <= per_fte <= high or not math.isfinite(per_fte):
            continue
        given = service.staff_cost is not None
        how = (
            "its staff cost"
            if given
            else f"{book.number('costs.staff_share_of_gross', service.kind.value):.0%} of its "
            f"gross cost (the staff share for {service.kind.value.replace('_', ' ')} services)"
        )
        out.append(
            Problem(
                f"service {service.id!r}: an average staff cost of £{per_fte:,.0f} per FTE "
                f"({how} over {service.fte:g} FTE) is outside the plausible £{low:,.0f} to "
                f"£{high:,.0f}; check the FTE, or give the service's staff cost",
                sheet="services",
                row=index + 2,
                column="staff_cost" if given else "fte",
                allowed=f"a staff cost per FTE from £{low:,.0f} to £{high:,.0f}",
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class Jobs:
    """FTE released (posts that go), kept in the borough and created in the borough."""

    released: float
    kept_in_borough: float
    created_in_borough: float


def jobs(fte: float, share: float, volume: float, local_share: float) -> Jobs:
    """The jobs effect of a saving of ``share`` of the services' cost and extra trading volume
    ``volume`` (a share of the authority's own), each within its bounds (see the module docstring).

    >>> jobs(85.0, 0.01, 0.5, 1.0)
    Jobs(released=0.0, kept_in_borough=85.0, created_in_borough=41.65)
    """
    gross = fte * min(max(share, 0.0), 1.0)
    extra = fte * max(volume, 0.0)
    released = max(0.0, gross - extra)
    created = max(0.0, extra - gross)
    local = min(max(local_share, 0.0), 1.0)
    return Jobs(
        released=released,
        kept_in_borough=(fte - released) * local,
        created_in_borough=created * local,
    )
