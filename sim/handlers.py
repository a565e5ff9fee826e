"""Organisations that handle issues (one row per handler, grouped by kind) and the pools of
hours and budget they draw on.

Handler ids are laid out kind by kind: buildings, compounds, communities, areas, the street
office, then one department per category. Which pool a handling attempt draws its hours
from depends on the handler's kind and the issue's category (:func:`work_account`): building
heads and compound stewards are party members (``party_volunteers``), property managers
have ``property_staff``, committees ``community_staff``, area offices are staffed from the
street office (``street_staff``), departments have ``departments``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.resources import SPEC, Pool, Pools
from sim.vocab import CATEGORIES, Kind

if TYPE_CHECKING:
    from sim.graph import Population
    from sim.rules import Rules
    from sim.schema import ScenarioConfig

#: Hour pools handlers draw case hours from, indexed by :func:`work_account`'s first array.
CASE_POOLS: tuple[str, ...] = ("party_volunteers", "property_staff", "community_staff", "street_staff", "departments")
_VOL, _PROP, _COMM, _STREET, _DEPT = range(len(CASE_POOLS))
_PROPERTY = CATEGORIES.index("property")


@dataclass
class Handlers:
    """Handler layout (the Organisation agents read from here)."""

    offset: np.ndarray  #: kind -> first handler id
    kind: np.ndarray  #: handler -> Kind
    unit: np.ndarray  #: handler -> unit index within its kind (building id, compound id, …; category for departments)
    community: np.ndarray  #: handler -> community it serves (-1 above community)
    work_pool: np.ndarray  #: (handler, is property case) -> index into CASE_POOLS
    work_unit: np.ndarray  #: (handler, is property case) -> unit of that pool

    @property
    def n(self) -> int:
        return len(self.kind)

    @classmethod
    def build(cls, pop: Population) -> Handlers:
        counts = [pop.n_buildings, pop.n_compounds, pop.n_communities, pop.n_areas, 1, len(CATEGORIES)]
        offset = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
        kind = np.concatenate([np.full(c, k, dtype=np.int8) for k, c in enumerate(counts)])
        unit = np.concatenate([np.arange(c, dtype=np.int32) for c in counts])
        community = np.full(len(kind), -1, dtype=np.int32)
        community[offset[Kind.BUILDING]: offset[Kind.BUILDING] + counts[0]] = pop.compound_community[pop.building_compound]
        community[offset[Kind.COMPOUND]: offset[Kind.COMPOUND] + counts[1]] = pop.compound_community
        community[offset[Kind.COMMUNITY]: offset[Kind.COMMUNITY] + counts[2]] = np.arange(counts[2])
        # Whose hours an attempt takes: building heads and compound stewards are party members,
        # property managers have property staff, committees their staff, area offices are
        # staffed by the street office, departments have their own.
        pool = np.select([kind == Kind.BUILDING, kind == Kind.COMPOUND, kind == Kind.COMMUNITY, kind == Kind.DEPARTMENT],
                         [_VOL, _VOL, _COMM, _DEPT], default=_STREET)
        work_pool = np.stack([pool, np.where(kind == Kind.COMPOUND, _PROP, pool)], axis=1).astype(np.int8)
        where = {_VOL: community, _PROP: unit, _COMM: community, _DEPT: unit, _STREET: np.zeros_like(unit)}
        work_unit = np.stack([np.choose(work_pool[:, i], [where[p] for p in range(len(CASE_POOLS))]) for i in (0, 1)],
                             axis=1).astype(np.int64)
        return cls(offset=offset, kind=kind, unit=unit, community=community, work_pool=work_pool, work_unit=work_unit)


def work_account(h: Handlers, handler: np.ndarray, category: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For attempts at ``handler`` on issues of ``category``: the index into
    :data:`CASE_POOLS` whose hours they take, and the unit (community, compound, …) of
    that pool."""
    prop = (category == _PROPERTY).astype(np.intp)
    return h.work_pool[handler, prop], h.work_unit[handler, prop]


def budget_account(h: Handlers, handler: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Whether each handler pays from its community's budget (else the street's), and the unit."""
    local = h.community[handler] >= 0
    return local, np.where(local, h.community[handler], 0).astype(np.int64)


def build_pools(pop: Population, rules: Rules, cfg: ScenarioConfig) -> Pools:
    """The model's pools (``sim.resources.POOLS``) sized from the scenario: per-community
    staff, grid workers and active members, per-compound property staff, the street office
    and departments (scaled with the street's population), budgets, and the declared funds
    of mechanisms that bring money of their own."""
    cap = cfg.capacity
    per_10k = pop.n / 10_000
    workers = np.bincount(pop.grid_cell_community, minlength=pop.n_communities).astype(np.float64)
    members = np.bincount(pop.community[pop.party_member], minlength=pop.n_communities).astype(np.float64)
    n_comm = pop.n_communities

    def hours(name: str, rate: np.ndarray) -> Pool:
        return Pool(SPEC[name], rate=rate, cap=rate)

    def budget(name: str, rate: np.ndarray) -> Pool:
        return Pool(SPEC[name], rate=rate, cap=rate * cap.budget_carryover_days)

    return Pools({
        "grid_workers": hours("grid_workers", workers * cap.grid_worker_hours_per_day),
        "community_staff": hours("community_staff", np.full(n_comm, cap.community_staff_hours_per_day)),
        "party_volunteers": hours("party_volunteers", members * cap.active_member_share * cap.member_hours_per_year / 365),
        "property_staff": hours("property_staff", np.full(pop.n_compounds, cap.property_staff_hours_per_day)),
        "street_staff": hours("street_staff", np.array([cap.street_staff_hours_per_10k * per_10k])),
        "departments": hours("departments", np.full(len(CATEGORIES), cap.department_hours_per_10k * per_10k)),
        "community_budget": budget("community_budget", np.full(n_comm, rules.community_budget_per_day)),
        "street_budget": budget("street_budget", np.array([rules.street_budget_per_10k * per_10k])),
        "regional_fund": budget("regional_fund", np.array([rules.pool_per_10k * per_10k])),
        "platform_fund": budget("platform_fund", np.array([rules.platform_funding_per_day * n_comm])),
    })
