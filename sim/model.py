"""The governance model: a Mesa model whose ``step`` is one simulated day, phase by phase."""

from __future__ import annotations

from typing import Any

import mesa
import numpy as np

from sim import lifecycle, social
from sim.agents import GridWorker, Organisation, Resident
from sim.graph import build_population, to_networkx
from sim.handlers import Handlers, build_pools
from sim.issues import IssueTable, Status
from sim.mechanisms import REGISTRY, Mechanism, MechanismParams
from sim.rng import make_streams
from sim.rules import Rules
from sim.schema import CATEGORIES, ScenarioConfig
from sim.state import Ledger, ResidentState, channel_access


class GovernanceModel(mesa.Model):
    """A street of residents, grid workers and organisations handling everyday issues.

    ``with_space=True`` also builds Mesa's ``Network`` space over the social graph (for the
    browser app; no layout is computed).
    """

    def __init__(self, config: ScenarioConfig, *, with_space: bool = False) -> None:
        self.streams = make_streams(config.seed)
        super().__init__(rng=self.streams.mesa)
        self.config = config
        self.day = 0
        self.climate = 0.0  #: pull on trust of today's emotional-climate events (0: none)
        self.mechanism_state: dict[str, Any] = {}  #: what a mechanism keeps between phases and days, by its key
        self.scratch_metrics: dict[str, float] = {}  #: outcome statistics cached between days
        self.mechanisms: list[tuple[Mechanism, MechanismParams]] = [
            (m, getattr(config.mechanisms, key)) for key, m in REGISTRY.items() if getattr(config.mechanisms, key).enabled
        ]
        self.rules = Rules.from_config(config)
        for mech, params in self.mechanisms:
            if mech.configure:
                mech.configure(self.rules, params)
        self.pop = build_population(config.population, self.streams.graph,
                                    households_per_grid_worker=config.capacity.households_per_grid_worker)
        self.state = ResidentState.initial(self.pop, config, self.rules, self.streams.social)
        self.handlers = Handlers.build(self.pop, self.rules, config)
        expected = int(config.issues.rate_per_resident_day * self.pop.n * config.days * 1.2) + 64
        self.issues = IssueTable(capacity=min(expected, 50_000_000))
        self.ledger = Ledger()
        self.pools = build_pools(self.pop, self.rules, config)
        cats = config.issues.categories
        self.category_table = {
            "share": np.array([cats[c].share for c in CATEGORIES]),
            "cost": np.array([cats[c].resource_cost for c in CATEGORIES]),
            "cross": np.array([cats[c].cross_department for c in CATEGORIES]),
            "scope": np.array([cats[c].scope for c in CATEGORIES]),
        }
        hh_cell = np.bincount(self.pop.household_cell, minlength=self.pop.n_grid_cells)
        self.cell_households = np.maximum(hh_cell, 1).astype(np.float64)
        self.n_grid_workers = self.pop.n_grid_cells
        self.cluster_sample = np.unique(np.linspace(0, self.pop.n - 1, 300).astype(np.int64))
        self._run_setup_hooks()
        self.residents = [Resident(self, i) for i in range(self.pop.n)]
        self.grid_workers = [GridWorker(self, c, int(self.pop.grid_cell_community[c])) for c in range(self.pop.n_grid_cells)]
        self.organisations = [Organisation(self, h) for h in range(self.handlers.n)]
        if with_space:
            from mesa.discrete_space import Network

            self.grid = Network(to_networkx(self.pop), layout=None, random=self.random)

    # ------------------------------------------------------------ the day
    def step(self) -> None:
        """One day: events, arrivals, detection, routing, handling, closure, the social phase."""
        self.day = self.steps - 1
        self.issues.today = self.day
        self.ledger.new_day()
        self.pools.new_day()
        self.handlers.new_day()
        self._hooks("events")
        lifecycle.arrive(self)
        lifecycle.detect(self)
        self._hooks("detect")
        lifecycle.route(self)
        self._hooks("route")
        self._hooks("handle")
        lifecycle.handle(self)
        self._hooks("close")
        lifecycle.feedback_and_experience(self)
        lifecycle.abandon(self)
        self._hooks("social")
        social.self_govern(self)
        social.spread_trust(self)
        social.update_participation(self)
        social.relax(self)

    def _hooks(self, phase: str) -> None:
        for mech, params in self.mechanisms:
            hook = mech.hooks.get(phase)
            if hook:
                hook(self, params)

    def _run_setup_hooks(self) -> None:
        for mech, params in self.mechanisms:
            hook = mech.hooks.get("setup")
            if hook:
                hook(self, params)
        self.state.access = channel_access(self.pop, self.rules)

    # ------------------------------------------------------------ derived state
    def queue_lengths(self) -> np.ndarray:
        """Queued issues per handler (issues the party organisation took over are not in any handler's queue)."""
        q = self.issues.ids_with(Status.QUEUED)
        q = q[~self.issues.taken_over[q]]
        return np.bincount(self.issues.handler[q], minlength=self.handlers.n)

    def queue_pressure(self) -> np.ndarray:
        """Handlers whose queue exceeds ``capacity.pressure_days`` days of their capacity."""
        return self.queue_lengths() > self.config.capacity.pressure_days * np.maximum(self.handlers.rate, 1e-9)
