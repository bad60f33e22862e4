"""Generating the long list: every feasible unit x partner set x delivery model.

A unit is a service or a declared bundle of services. The rules prune as they go, and the long list
is never held as objects: it is a set of numpy arrays per unit (:class:`UnitBlock`), counted by model
and by reason excluded, so that 200 services x 60 partners (about 50 million combinations before the
rules) fits in seconds and well under a gigabyte. Later stages score a block at a time and keep only
the best, turning just those into :class:`Opportunity` objects.

The rules:

* a model admits a partner set only if every partner's sector is allowed by the model, at least one
  partner is of a required sector where the model names some (a private firm or joint venture for
  public-private; a non-council body for public-other), not too many are (one private partner per
  public-private arrangement), and the set's size fits the model (none for corporate centralisation);
* a partner that has said which services it wants to share only joins opportunities for those;
* a partner whose list of the services it delivers is known only joins, for a model that needs its
  partners to be responsible for the service themselves (``partner_delivers_service``), the
  services on its list;
* a service marked not to appraise (``appraise = no``) is no unit, so it has no entries.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from shareplan.evidence.base import EvidenceBase, Sector
from shareplan.opportunities.model import Estimates, Opportunity, opportunity_id
from shareplan.scenario.model import Scenario

IntArray = npt.NDArray[np.int32]
BoolArray = npt.NDArray[np.bool_]

SECTORS: tuple[Sector, ...] = tuple(Sector)

REASON_SECTORS = "the model does not admit these partners' sectors or this number of partners"
REASON_INTEREST = "a partner has not offered to share this service"
REASON_DECLARED = "replaced by a declared opportunity"
REASON_DELIVERY = "a partner does not deliver this service, and the model needs it to"


@dataclass(frozen=True)
class Unit:
    """A service or a bundle, the thing an opportunity shares."""

    id: str
    name: str
    service_ids: tuple[str, ...]


@dataclass(frozen=True)
class PartnerSets:
    """Every partner set up to the size limit; set 0 is the empty set (no outside partner).

    ``members`` is (n_sets, max_size) with -1 padding; ``sector_counts`` is (n_sets, n_sectors).
    """

    members: IntArray
    size: IntArray
    sector_counts: IntArray

    def __len__(self) -> int:
        return int(self.size.shape[0])


@dataclass(frozen=True)
class UnitBlock:
    """The long-list entries of one unit: parallel arrays of partner-set and model indices."""

    unit: Unit
    unit_index: int
    set_index: IntArray
    model_index: IntArray

    def __len__(self) -> int:
        return int(self.set_index.shape[0])


@dataclass
class LongListCounts:
    """How many combinations were considered, kept and excluded, by model and by reason."""

    considered: int = 0
    kept_by_model: dict[str, int] = field(default_factory=dict)
    excluded_by_reason: dict[str, int] = field(default_factory=dict)
    declared: int = 0

    @property
    def kept(self) -> int:
        return sum(self.kept_by_model.values())

    def to_dict(self) -> dict[str, object]:
        return {
            "considered": self.considered,
            "kept": self.kept,
            "kept_by_model": dict(self.kept_by_model),
            "excluded_by_reason": dict(self.excluded_by_reason),
            "declared": self.declared,
        }


def partner_sets(sectors: list[Sector], max_size: int) -> PartnerSets:
    """All subsets of the partners of size 0..max_size, in a fixed (lexicographic) order."""
    n = len(sectors)
    combos: list[tuple[int, ...]] = [()]
    for k in range(1, min(max_size, n) + 1):
        combos.extend(itertools.combinations(range(n), k))
    width = max(1, max_size)
    members = np.full((len(combos), width), -1, dtype=np.int32)
    size = np.zeros(len(combos), dtype=np.int32)
    for row, combo in enumerate(combos):
        members[row, : len(combo)] = combo
        size[row] = len(combo)
    sector_index = np.array([SECTORS.index(s) for s in sectors] + [-1], dtype=np.int32)
    # A padded slot (-1) picks the sentinel at the end, which counts for no sector.
    member_sectors = sector_index[members]
    counts = np.zeros((len(combos), len(SECTORS)), dtype=np.int32)
    for j in range(len(SECTORS)):
        counts[:, j] = (member_sectors == j).sum(axis=1)
    return PartnerSets(members=members, size=size, sector_counts=counts)


def admitted_sets(sets: PartnerSets, evidence: EvidenceBase, max_partners: int) -> BoolArray:
    """(n_sets, n_models): whether each model admits each partner set (vectorised
    :meth:`DeliveryModel.admits`)."""
    out = np.zeros((len(sets), len(evidence.models)), dtype=bool)
    for m, model in enumerate(evidence.models):
        limit = (
            max_partners if model.max_partners is None else min(model.max_partners, max_partners)
        )
        ok = (sets.size >= model.min_partners) & (sets.size <= limit)
        allowed = np.array([s in model.allowed_sectors for s in SECTORS])
        ok &= (sets.sector_counts[:, ~allowed].sum(axis=1) == 0) if (~allowed).any() else True
        if model.required_sectors:
            required = np.array([s in model.required_sectors for s in SECTORS])
            n_required = sets.sector_counts[:, required].sum(axis=1)
            ok &= n_required >= 1
            if model.max_required:
                ok &= n_required <= model.max_required
        out[:, m] = ok
    return out


def units_of(scenario: Scenario) -> tuple[Unit, ...]:
    """The services to appraise and the bundles. A service marked not to appraise (a catch-all
    heading, until officers split it) is no unit: it has no entry in the long list at all."""
    services = tuple(Unit(s.id, s.name, (s.id,)) for s in scenario.services if s.appraise)
    bundles = tuple(Unit(b.id, b.name, b.service_ids) for b in scenario.bundles)
    return services + bundles


def interest(scenario: Scenario, units: tuple[Unit, ...]) -> BoolArray:
    """(n_units, n_partners + 1): whether each partner will share each unit; the last column is the
    padding sentinel and always true. A partner with a list only shares what it lists; for a bundle,
    it must list the bundle or every service in it."""
    out = np.ones((len(units), len(scenario.partners) + 1), dtype=bool)
    for p, partner in enumerate(scenario.partners):
        if not partner.wants_services:
            continue
        wanted = set(partner.wants_services)
        for u, unit in enumerate(units):
            out[u, p] = unit.id in wanted or set(unit.service_ids) <= wanted
    return out


def delivery(scenario: Scenario, units: tuple[Unit, ...]) -> BoolArray | None:
    """(n_units, n_partners + 1): whether each partner delivers every service of each unit (the
    last column is the always-true padding sentinel); None when no partner lists what it delivers,
    so that scenarios without lists take the unrestricted path at no cost."""
    if not any(p.delivers for p in scenario.partners):
        return None
    out = np.ones((len(units), len(scenario.partners) + 1), dtype=bool)
    for p, partner in enumerate(scenario.partners):
        if not partner.delivers:
            continue
        delivered = set(partner.delivers)
        for u, unit in enumerate(units):
            out[u, p] = set(unit.service_ids) <= delivered
    return out


@dataclass(frozen=True)
class LongList:
    """The long list, held as arrays; iterate :meth:`blocks` to visit it one unit at a time."""

    units: tuple[Unit, ...]
    partner_ids: tuple[str, ...]
    partner_names: tuple[str, ...]
    model_ids: tuple[str, ...]
    model_codes: tuple[str, ...]
    model_names: tuple[str, ...]
    sets: PartnerSets
    admitted: BoolArray  # (n_sets, n_models)
    wants: BoolArray  # (n_units, n_partners + 1): each partner will share the unit (see interest)
    declared: tuple[Opportunity, ...]
    counts: LongListCounts
    declared_keys: frozenset[tuple[str, str, tuple[str, ...]]]
    delivers: BoolArray | None = None  # (n_units, n_partners + 1) when a partner has a list
    needs_delivery: BoolArray | None = None  # (n_models,): partner_delivers_service

    def blocks(self, units: Iterable[int] | None = None) -> Iterator[UnitBlock]:
        """Each unit's admissible (set, model) pairs, without generated duplicates of declared
        ones; for the units at the positions ``units`` (all by default), in that order."""
        for u in range(len(self.units)) if units is None else units:
            unit = self.units[u]
            mask = self.willing(u)[:, None] & self.admitted
            if self.delivers is not None and self.needs_delivery is not None:
                able = _willing(self.delivers[u : u + 1], self.sets)[0]
                mask &= able[:, None] | ~self.needs_delivery[None, :]
            rows, cols = np.nonzero(mask)
            set_index: IntArray = rows.astype(np.int32)
            model_index: IntArray = cols.astype(np.int32)
            if self.declared_keys:
                keep = np.array(
                    [
                        (unit.id, self.model_ids[m], self.partner_tuple(s))
                        not in self.declared_keys
                        for s, m in zip(set_index.tolist(), model_index.tolist(), strict=True)
                    ],
                    dtype=bool,
                )
                set_index, model_index = set_index[keep], model_index[keep]
            yield UnitBlock(unit, u, set_index, model_index)

    def willing(self, u: int) -> BoolArray:
        """(n_sets,): whether every partner in each set will share unit ``u`` (worked out per
        unit, not held for every unit: 5,000 units x 36,000 sets would be 180 MB)."""
        row: BoolArray = _willing(self.wants[u : u + 1], self.sets)[0]
        return row

    def partner_tuple(self, set_index: int) -> tuple[str, ...]:
        row = self.sets.members[set_index]
        return tuple(sorted(self.partner_ids[i] for i in row if i >= 0))

    def materialise(self, block: UnitBlock, positions: IntArray | list[int]) -> list[Opportunity]:
        """Turn chosen entries of a block into opportunities."""
        out: list[Opportunity] = []
        for pos in np.asarray(positions, dtype=np.int64).tolist():
            s, m = int(block.set_index[pos]), int(block.model_index[pos])
            partners = self.partner_tuple(s)
            out.append(
                Opportunity(
                    id=opportunity_id(block.unit.id, self.model_codes[m], partners),
                    title=_title(
                        block.unit.name,
                        self.model_names[m],
                        [self.partner_names[i] for i in sorted(self.sets.members[s]) if i >= 0],
                    ),
                    unit_id=block.unit.id,
                    service_ids=block.unit.service_ids,
                    partner_ids=partners,
                    model=self.model_ids[m],
                )
            )
        return out

    def __len__(self) -> int:
        return self.counts.kept


def _title(unit_name: str, model_name: str, partner_names: list[str]) -> str:
    if not partner_names:
        return f"{unit_name}: {model_name.lower()}"
    return f"{unit_name}: {model_name.lower()} with {', '.join(partner_names)}"


def declared_opportunities(scenario: Scenario) -> tuple[Opportunity, ...]:
    bundles = {b.id: b for b in scenario.bundles}
    out: list[Opportunity] = []
    for d in scenario.opportunities:
        services: list[str] = []
        for sid in d.service_ids:
            services.extend(bundles[sid].service_ids if sid in bundles else (sid,))
        unit_id = d.service_ids[0] if len(d.service_ids) == 1 else "+".join(d.service_ids)
        partners = tuple(sorted(d.partner_ids))
        out.append(
            Opportunity(
                id=d.id,
                title=d.title or _title(unit_id, d.model.replace("_", " "), list(partners)),
                unit_id=unit_id,
                service_ids=tuple(services),
                partner_ids=partners,
                model=d.model,
                declared=True,
                estimates=Estimates(
                    saving_low=d.saving_low,
                    saving_central=d.saving_central,
                    saving_high=d.saving_high,
                    one_off_cost=d.one_off_cost,
                    lead_time_months=d.lead_time_months,
                ),
                screen_override=d.screen_override,
                notes=d.notes,
            )
        )
    return tuple(out)


def _willing(wants: BoolArray, sets: PartnerSets) -> BoolArray:
    """(len(wants), n_sets): every partner in the set is willing; padding (-1) reads the
    always-true sentinel column."""
    out = np.ones((wants.shape[0], len(sets)), dtype=bool)
    for slot in range(sets.members.shape[1]):
        out &= wants[:, sets.members[:, slot]]
    return out


#: Units whose willingness is worked out at once when counting the long list.
COUNT_BLOCK = 256


def generate(scenario: Scenario, evidence: EvidenceBase) -> LongList:
    """The long list of ``scenario`` (declared opportunities win over generated duplicates)."""
    units = units_of(scenario)
    max_partners = scenario.authority.max_partners
    sets = partner_sets([p.sector for p in scenario.partners], max_partners)
    admitted = admitted_sets(sets, evidence, max_partners)
    wants = interest(scenario, units)
    delivers = delivery(scenario, units)
    needs = np.array([m.partner_delivers_service for m in evidence.models], dtype=bool)
    declared = declared_opportunities(scenario)

    n_units, n_sets, n_models = len(units), len(sets), len(evidence.models)
    counts = LongListCounts(considered=n_units * n_sets * n_models, declared=len(declared))
    willing_sets = np.zeros(n_sets, dtype=np.int64)  # units willing to share with each set
    able_sets = np.zeros(n_sets, dtype=np.int64)  # ... whose partners all deliver them too
    for start in range(0, n_units, COUNT_BLOCK):
        willing = _willing(wants[start : start + COUNT_BLOCK], sets)
        willing_sets += willing.sum(axis=0)
        if delivers is not None:
            able = _willing(delivers[start : start + COUNT_BLOCK], sets)
            able_sets += (willing & able).sum(axis=0)
    admitted_counts = admitted.astype(np.int64)
    per_model = willing_sets @ admitted_counts
    admitted_total = int(admitted.sum()) * n_units
    counts.excluded_by_reason[REASON_SECTORS] = counts.considered - admitted_total
    counts.excluded_by_reason[REASON_INTEREST] = admitted_total - int(per_model.sum())
    if delivers is not None:
        restricted = np.where(needs, able_sets @ admitted_counts, per_model)
        counts.excluded_by_reason[REASON_DELIVERY] = int((per_model - restricted).sum())
        per_model = restricted

    unit_index = {u.id: i for i, u in enumerate(units)}
    set_lookup = {
        tuple(sorted(r for r in row if r >= 0)): i for i, row in enumerate(sets.members.tolist())
    }
    partner_index = {p.id: i for i, p in enumerate(scenario.partners)}
    model_index = {m.id: i for i, m in enumerate(evidence.models)}
    replaced = np.zeros(n_models, dtype=np.int64)
    declared_keys: set[tuple[str, str, tuple[str, ...]]] = set()
    for opp in declared:
        key = (opp.unit_id, opp.model, opp.partner_ids)
        declared_keys.add(key)
        u = unit_index.get(opp.unit_id)
        s = set_lookup.get(tuple(sorted(partner_index[p] for p in opp.partner_ids)))
        m = model_index[opp.model]
        if u is None or s is None or not admitted[s, m] or not wants[u, sets.members[s]].all():
            continue
        if delivers is None or not needs[m] or delivers[u, sets.members[s]].all():
            replaced[m] += 1
    counts.excluded_by_reason[REASON_DECLARED] = int(replaced.sum())
    counts.kept_by_model = {
        model.id: int(per_model[m] - replaced[m]) for m, model in enumerate(evidence.models)
    }
    return LongList(
        units=units,
        partner_ids=tuple(p.id for p in scenario.partners),
        partner_names=tuple(p.name for p in scenario.partners),
        model_ids=evidence.model_ids,
        model_codes=tuple(m.code for m in evidence.models),
        model_names=tuple(m.name for m in evidence.models),
        sets=sets,
        admitted=admitted,
        wants=wants,
        declared=declared,
        counts=counts,
        declared_keys=frozenset(declared_keys),
        delivers=delivers,
        needs_delivery=needs if delivers is not None else None,
    )
