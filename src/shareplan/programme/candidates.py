"""The candidate projects the optimiser chooses from, as typed records and as numpy arrays.

The programme stage does not read business cases itself: the pipeline turns each shortlisted
opportunity into a :class:`Candidate` (its costs, NPV, weighted score, early savings, Monte Carlo
probability of a positive NPV, timeline) and hands the optimiser a :class:`CandidateSet`. The set
checks every record at once and raises :class:`~shareplan.errors.InputError` listing every problem,
then holds the same figures as arrays, one entry per candidate, in the order given.

Money is in pounds in the scenario's price base; years are programme years, year 1 first.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from shareplan.errors import Problem, raise_if_any

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

#: How far (in pounds) a yearly one-off cost profile may be from the total before it is an error.
PROFILE_TOLERANCE = 1.0


@dataclass(frozen=True, slots=True)
class Candidate:
    """One shortlisted opportunity that could go into the programme.

    ``one_off_cost_by_year`` splits ``one_off_cost`` over programme years (year 1 first); when it is
    missing the whole one-off cost counts in year 1. ``fte_by_year`` is the project team the
    council must supply (full-time equivalents) in each year. ``value_score`` is the assessment's
    weighted multi-criteria score on 0-100. ``savings_12m`` is the saving delivered within the first
    12 months. ``prob_positive_npv`` is the Monte Carlo probability that the NPV is above zero, or
    ``None`` when no simulation was run (a minimum-probability rule then lets it through).
    ``net_by_year`` is the central yearly net saving (benefits less costs) for the programme view.
    The ``*_month`` fields are month offsets from the programme start (month 0).
    ``general_fund_npv`` is the general fund's share of ``npv`` (what it can cash when part of
    the services' cost is paid from a ring-fenced grant); ``None`` means all of it.
    """

    id: str
    title: str
    service_ids: tuple[str, ...]
    partner_ids: tuple[str, ...]
    model: str
    one_off_cost: float
    npv: float
    value_score: float
    savings_12m: float
    quick_win: bool
    one_off_cost_by_year: tuple[float, ...] | None = None
    fte_by_year: tuple[float, ...] = ()
    prob_positive_npv: float | None = None
    needs_tender: bool = False
    net_by_year: tuple[float, ...] | None = None
    procurement_start_month: int | None = None
    procurement_end_month: int | None = None
    implementation_start_month: int | None = None
    implementation_end_month: int | None = None
    benefits_start_month: int | None = None
    general_fund_npv: float | None = None

    def problems(self) -> list[Problem]:
        """Everything wrong with this record (empty when it is sound)."""
        out: list[Problem] = []

        def bad(column: str, message: str, allowed: str | None = None) -> None:
            out.append(Problem(f"candidate {self.id!r}: {message}", column=column, allowed=allowed))

        if not self.id.strip():
            bad("id", "the id is empty", "a non-empty text")
        if not self.service_ids:
            bad("service_ids", "covers no service", "one or more service ids")
        for name in ("one_off_cost", "npv", "value_score", "savings_12m"):
            number = getattr(self, name)
            if not math.isfinite(number):
                bad(name, f"{name} is {number}", "a finite number")
        if self.general_fund_npv is not None and not math.isfinite(self.general_fund_npv):
            bad(
                "general_fund_npv",
                f"general_fund_npv is {self.general_fund_npv}",
                "a finite number",
            )
        if math.isfinite(self.one_off_cost) and self.one_off_cost < 0:
            bad("one_off_cost", f"one-off cost is {self.one_off_cost:,.0f}", "zero or more")
        if math.isfinite(self.value_score) and not 0 <= self.value_score <= 100:
            bad("value_score", f"score is {self.value_score}", "0 to 100")
        if math.isfinite(self.savings_12m) and self.savings_12m < 0:
            bad("savings_12m", f"12-month savings are {self.savings_12m:,.0f}", "zero or more")
        if self.prob_positive_npv is not None and not 0 <= self.prob_positive_npv <= 1:
            bad("prob_positive_npv", f"probability is {self.prob_positive_npv}", "0 to 1")
        profile = self.one_off_cost_by_year
        if profile is not None:
            if any(not math.isfinite(v) or v < 0 for v in profile):
                bad("one_off_cost_by_year", "a yearly one-off cost is negative or not a number")
            elif abs(sum(profile) - self.one_off_cost) > PROFILE_TOLERANCE:
                bad(
                    "one_off_cost_by_year",
                    f"yearly one-off costs add up to {sum(profile):,.0f}, "
                    f"not the total of {self.one_off_cost:,.0f}",
                )
        if any(not math.isfinite(v) or v < 0 for v in self.fte_by_year):
            bad("fte_by_year", "a yearly FTE is negative or not a number", "zero or more")
        if self.net_by_year is not None and any(not math.isfinite(v) for v in self.net_by_year):
            bad("net_by_year", "a yearly net saving is not a number", "a finite number")
        months = (
            ("procurement_start_month", "procurement_end_month"),
            ("implementation_start_month", "implementation_end_month"),
        )
        for start_name, end_name in months:
            start, end = getattr(self, start_name), getattr(self, end_name)
            if start is not None and end is not None and end < start:
                bad(end_name, f"ends (month {end}) before it starts (month {start})")
        return out


@dataclass(frozen=True, slots=True)
class CandidateSet:
    """Validated candidates and their figures as arrays (index ``i`` is ``candidates[i]``).

    Build it with :meth:`build`; the arrays are filled there and must not be changed.
    ``cost_by_year`` and ``fte_by_year`` are padded with zeros to the longest profile.
    ``prob`` holds ``nan`` where no probability was given. ``general_fund_npv`` is ``npv``
    where a candidate gave no general-fund share.
    """

    candidates: tuple[Candidate, ...]
    ids: tuple[str, ...]
    index: dict[str, int]
    cost: FloatArray
    cost_by_year: FloatArray
    fte_by_year: FloatArray
    npv: FloatArray
    general_fund_npv: FloatArray
    score: FloatArray
    savings_12m: FloatArray
    quick_win: BoolArray
    prob: FloatArray
    needs_tender: BoolArray
    service_members: dict[str, IntArray] = field(default_factory=dict)
    partner_members: dict[str, IntArray] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.candidates)

    @classmethod
    def build(cls, candidates: Iterable[Candidate]) -> CandidateSet:
        """Check every candidate (all problems at once) and lay the figures out as arrays."""
        cands = tuple(candidates)
        problems: list[Problem] = []
        if not cands:
            problems.append(Problem("there are no candidate projects to choose from"))
        seen: set[str] = set()
        for cand in cands:
            problems.extend(cand.problems())
            if cand.id in seen:
                problems.append(
                    Problem(f"candidate id {cand.id!r} appears more than once", column="id")
                )
            seen.add(cand.id)
        raise_if_any(problems)

        n = len(cands)
        n_cost_years = max([len(c.one_off_cost_by_year or (0.0,)) for c in cands] + [1])
        n_fte_years = max([len(c.fte_by_year) for c in cands] + [1])
        cost_by_year = np.zeros((n, n_cost_years))
        fte_by_year = np.zeros((n, n_fte_years))
        services: dict[str, list[int]] = {}
        partners: dict[str, list[int]] = {}
        for i, cand in enumerate(cands):
            profile = cand.one_off_cost_by_year or (cand.one_off_cost,)
            cost_by_year[i, : len(profile)] = profile
            fte_by_year[i, : len(cand.fte_by_year)] = cand.fte_by_year
            for sid in dict.fromkeys(cand.service_ids):
                services.setdefault(sid, []).append(i)
            for pid in dict.fromkeys(cand.partner_ids):
                partners.setdefault(pid, []).append(i)
        return cls(
            candidates=cands,
            ids=tuple(c.id for c in cands),
            index={c.id: i for i, c in enumerate(cands)},
            cost=np.array([c.one_off_cost for c in cands], dtype=np.float64),
            cost_by_year=cost_by_year,
            fte_by_year=fte_by_year,
            npv=np.array([c.npv for c in cands], dtype=np.float64),
            general_fund_npv=np.array(
                [c.npv if c.general_fund_npv is None else c.general_fund_npv for c in cands],
                dtype=np.float64,
            ),
            score=np.array([c.value_score for c in cands], dtype=np.float64),
            savings_12m=np.array([c.savings_12m for c in cands], dtype=np.float64),
            quick_win=np.array([c.quick_win for c in cands], dtype=np.bool_),
            prob=np.array(
                [np.nan if c.prob_positive_npv is None else c.prob_positive_npv for c in cands],
                dtype=np.float64,
            ),
            needs_tender=np.array([c.needs_tender for c in cands], dtype=np.bool_),
            service_members={k: np.array(v, dtype=np.int64) for k, v in services.items()},
            partner_members={k: np.array(v, dtype=np.int64) for k, v in partners.items()},
        )

    @property
    def any_ring_fenced(self) -> bool:
        """Whether the general fund's share of any candidate's NPV differs from the whole."""
        return bool(np.any(self.general_fund_npv != self.npv))

    def subset(self, positions: Sequence[int] | IntArray) -> CandidateSet:
        """The candidates at ``positions``, in that order, as a set of their own."""
        return CandidateSet.build(self.candidates[int(i)] for i in positions)

    def positions(self, ids: Sequence[str]) -> IntArray:
        """Array positions of ``ids`` (each must be a known id)."""
        return np.array([self.index[i] for i in ids], dtype=np.int64)

    def unknown(self, ids: Sequence[str]) -> list[str]:
        """The ids in ``ids`` that are not candidates."""
        return [i for i in ids if i not in self.index]
