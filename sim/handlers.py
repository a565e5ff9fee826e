"""Organisations that handle issues: one row per handler, grouped by kind (spec §2).

Handler ids are laid out kind by kind: buildings, compounds, communities, areas, the
street office, then one department per category. Capacity accrues as daily credit
(fractional capacities work), budgets accrue into pools (one per community, one for the
street) up to a carry-over cap.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.graph import Population
from sim.resources import SPEC, Pool, Pools
from sim.rules import Rules
from sim.schema import CATEGORIES, ScenarioConfig
from sim.vocab import Kind


@dataclass
class Handlers:
    """Handler state as arrays (the Organisation agents read from here)."""

    offset: np.ndarray  #: kind -> first handler id
    kind: np.ndarray  #: handler -> Kind
    unit: np.ndarray  #: handler -> unit index within its kind (building id, compound id, …; category for departments)
    community: np.ndarray  #: handler -> community it serves (-1 above community)
    rate: np.ndarray  #: cases per day
    credit: np.ndarray  #: capacity credit available today
    pool: np.ndarray  #: handler -> budget pool index
    budget: np.ndarray  #: pool -> budget units available
    budget_rate: np.ndarray  #: pool -> units per day
    budget_cap: np.ndarray  #: pool -> carry-over cap
    regional_rate: float = 0.0  #: units member units pay into the regional pool per day
    regional: float = 0.0  #: regional party-building pool
    regional_cap: float = 0.0  #: carry-over cap of the regional pool

    @property
    def n(self) -> int:
        return len(self.kind)

    @classmethod
    def build(cls, pop: Population, rules: Rules, cfg: ScenarioConfig) -> Handlers:
        counts = [pop.n_buildings, pop.n_compounds, pop.n_communities, pop.n_areas, 1, len(CATEGORIES)]
        offset = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
        kind = np.concatenate([np.full(c, k, dtype=np.int8) for k, c in enumerate(counts)])
        unit = np.concatenate([np.arange(c, dtype=np.int32) for c in counts])
        community = np.full(len(kind), -1, dtype=np.int32)
        community[offset[Kind.BUILDING]: offset[Kind.BUILDING] + counts[0]] = pop.compound_community[pop.building_compound]
        community[offset[Kind.COMPOUND]: offset[Kind.COMPOUND] + counts[1]] = pop.compound_community
        community[offset[Kind.COMMUNITY]: offset[Kind.COMMUNITY] + counts[2]] = np.arange(counts[2])
        scale = np.where(kind >= Kind.STREET, pop.n / 10_000, 1.0)  # street-wide handlers scale with the street
        rate = rules.capacity[kind].astype(np.float64) * rules.active[kind] * scale
        # Grid workers add to their community's handling capacity (spec §2 GridWorker).
        workers = np.bincount(pop.grid_cell_community, minlength=pop.n_communities)
        sl = slice(offset[Kind.COMMUNITY], offset[Kind.COMMUNITY] + counts[2])
        rate[sl] += workers * cfg.capacity.grid_worker_cases_per_day
        n_pools = pop.n_communities + 1
        pool = np.where(community >= 0, community, n_pools - 1).astype(np.int32)
        budget_rate = np.full(n_pools, rules.community_budget_per_day)
        budget_rate[-1] = rules.street_budget_per_10k * pop.n / 10_000
        budget_cap = budget_rate * cfg.capacity.budget_carryover_days
        return cls(offset=offset, kind=kind, unit=unit, community=community, rate=rate, credit=np.zeros_like(rate),
                   pool=pool, budget=budget_rate.copy(), budget_rate=budget_rate, budget_cap=budget_cap,
                   regional_rate=rules.pool_per_10k * pop.n / 10_000,
                   regional_cap=rules.pool_per_10k * pop.n / 10_000 * cfg.capacity.budget_carryover_days)

    def new_day(self) -> None:
        """Accrue a day's capacity credit (unused credit carries over up to one case or one
        day's worth, so fractional capacities add up) and a day's budget."""
        self.credit = np.minimum(self.credit + self.rate, np.maximum(2 * self.rate, 1.0) * (self.rate > 0))
        self.budget = np.minimum(self.budget + self.budget_rate, self.budget_cap)
        self.regional = min(self.regional + self.regional_rate, self.regional_cap)



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
