"""The governance model: a Mesa model whose ``step`` is one simulated day, phase by phase."""

from __future__ import annotations

from typing import Any

import mesa
import numpy as np

from sim import lifecycle, social
from sim.agents import GridWorker, Organisation, ResidentViews
from sim.graph import build_population, to_networkx
from sim.handlers import Handlers, build_pools
from sim.issues import IssueTable, Status
from sim.mechanisms import REGISTRY, Mechanism, MechanismParams
from sim.rng import make_streams, mechanism_stream
from sim.rules import Rules
from sim.schema import CATEGORIES, ScenarioConfig
from sim.state import ResidentState, channel_access


class GovernanceModel(mesa.Model):
    """A street of residents, grid workers and organisations handling everyday issues.

    ``with_space=True`` also builds Mesa's ``Network`` space over the social graph (no
    layout is computed).
    """

    def __init__(self, config: ScenarioConfig, *, with_space: bool = False) -> None:
        self.streams = make_streams(config.seed)
        super().__init__(rng=self.streams.mesa)
        self.config = config
        self.day = 0
        self.climate = 0.0  #: pull on trust of today's emotional-climate events (0: none)
        self.audit_risk = 0.0  #: what handlers expect of audits: the chance a paper closure is found (supervision)
        self.mechanism_state: dict[str, Any] = {}  #: what a mechanism keeps between phases and days, by its key
        self.scratch_metrics: dict[Any, Any] = {}  #: outcome statistics cached between days
        self.start_day = config.warmup_days  #: the day the scenario's regime starts and outputs begin (day 0 of outputs)
        self.mechanisms: list[tuple[Mechanism, MechanismParams]] = []  #: enabled from ``start_day`` on
        #: Decision point -> the enabled mechanisms' rules for it, in registry order (``DECISIONS``).
        self.decisions: dict[str, list[tuple[Any, MechanismParams]]] = {}
        self.mechanism_rng: dict[str, np.random.Generator] = {}
        self.counts_at_start: dict[str, int] = {}  #: issues by status (and arisen) at day 0, set when the regime starts
        self.rules = Rules.from_config(config)
        self.pop = build_population(config.population, self.streams.graph,
                                    households_per_grid_worker=config.capacity.households_per_grid_worker)
        self.state = ResidentState.initial(self.pop, config, self.rules, self.streams.social)
        self.handlers = Handlers.build(self.pop)
        self.pools = build_pools(self.pop, self.rules, config)
        expected = int(config.issues.rate_per_resident_day * self.pop.n * (config.days + config.warmup_days) * 1.2) + 64
        self.issues = IssueTable(capacity=min(expected, 50_000_000))
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
        self.workers_per_community = np.bincount(self.pop.grid_cell_community, minlength=self.pop.n_communities).astype(np.float64)
        #: Active party members per community (the share that volunteers; capacity.active_member_share).
        self.active_members = (np.bincount(self.pop.community[self.pop.party_member], minlength=self.pop.n_communities)
                               * config.capacity.active_member_share)
        members = np.flatnonzero(self.pop.party_member)
        order = np.argsort(self.pop.community[members], kind="stable")
        self._members = members[order]  #: party members grouped by community (volunteer rota)
        self._member_start = np.searchsorted(self.pop.community[self._members], np.arange(self.pop.n_communities + 1))
        self._rota = np.zeros(self.pop.n_communities, dtype=np.int64)
        # Residents of a building or compound are a contiguous range of ids (sim.graph).
        self.unit_start = np.concatenate([np.searchsorted(self.pop.building, np.arange(self.pop.n_buildings)),
                                          np.searchsorted(self.pop.compound, np.arange(self.pop.n_compounds))])
        self.unit_end = np.concatenate([np.searchsorted(self.pop.building, np.arange(self.pop.n_buildings), side="right"),
                                        np.searchsorted(self.pop.compound, np.arange(self.pop.n_compounds), side="right")])
        self.unit_size = np.maximum(self.unit_end - self.unit_start, 1)
        self.cluster_sample = np.unique(np.linspace(0, self.pop.n - 1, 300).astype(np.int64))
        self.residents = ResidentViews(self)  #: Mesa agents, created on first access
        self.grid_workers = [GridWorker(self, c, int(self.pop.grid_cell_community[c])) for c in range(self.pop.n_grid_cells)]
        self.organisations = [Organisation(self, h) for h in range(self.handlers.n)]
        if with_space:
            from mesa.discrete_space import Network

            self.residents.materialise()
            self.grid = Network(to_networkx(self.pop), layout=None, random=self.random)
        if self.start_day == 0:
            self._apply_regime()

    # ------------------------------------------------------------ the day
    def step(self) -> None:
        """One day. Pools are refilled; duties from above take their first share, today's
        cases are held their hours; phases then draw on them in this order (planned duties
        before casework, casework before follow-ups), and the rest of the duties from above
        take what is left after casework."""
        self._new_day()
        self._hooks("events")
        lifecycle.arrive(self)
        lifecycle.detect(self)
        self._hooks("detect")
        self._hooks("route")
        lifecycle.route(self)
        self._hooks("handle")
        lifecycle.handle(self)
        lifecycle.serve_duties(self, before_cases=False)
        self._hooks("close")
        lifecycle.feedback_and_experience(self)
        lifecycle.abandon(self)
        self._hooks("social")
        social.self_govern(self)
        social.treatment(self)
        social.learn(self)
        social.spread_trust(self)
        social.update_participation(self)
        social.hold_election(self)
        social.relax(self)

    def _new_day(self) -> None:
        self.day = self.steps - 1
        if self.day == self.start_day and self.start_day > 0:
            self._apply_regime()  # the warm-up under the pre-reform regime is over
        self.issues.today = self.day
        self.pools.new_day()
        lifecycle.serve_duties(self, before_cases=True)
        lifecycle.reserve_casework(self)
        self.state.took_part[:] = False

    def _hooks(self, phase: str) -> None:
        for mech, params in self.mechanisms:
            hook = mech.hooks.get(phase)
            if hook:
                hook(self, params)

    def _apply_regime(self) -> None:
        """Switch the scenario's mechanisms on: rules configured, pools resized (what they
        hold is kept, up to their new caps), set-up hooks run, channel access recomputed;
        the issue counts at the start are kept (running totals count from day 0)."""
        config = self.config
        self.counts_at_start = self.issues.counts() | {"arisen": self.issues.n}
        self.mechanisms = [(m, getattr(config.mechanisms, key)) for key, m in REGISTRY.items()
                           if getattr(config.mechanisms, key).enabled]
        self.mechanism_rng = {m.key: mechanism_stream(config.seed, m.key) for m, _ in self.mechanisms}
        self.decisions = {}
        for mech, params in self.mechanisms:
            for point, rule in mech.decides.items():
                self.decisions.setdefault(point, []).append((rule, params))
        self.rules = Rules.from_config(config)
        for mech, params in self.mechanisms:
            if mech.configure:
                mech.configure(self.rules, params)
        self.pools.resize(build_pools(self.pop, self.rules, config))
        for pool in self.pools:
            pool.total_by_use = {}  # resource use is reported from day 0 on
        for mech, params in self.mechanisms:
            hook = mech.hooks.get("setup")
            if hook:
                hook(self, params)
        self.state.access = channel_access(self.pop, self.rules)

    # ------------------------------------------------------------ helpers for the phases
    def decide(self, point: str, value: Any, *args: Any) -> Any:
        """The decision at ``point`` (``sim.mechanisms.base.DECISIONS``): the baseline's
        ``value``, passed through the rule of each enabled mechanism that takes it."""
        for rule, params in self.decisions.get(point, ()):
            value = rule(self, params, value, *args)
        return value

    def rng_of(self, key: str) -> np.random.Generator:
        """The random stream of mechanism ``key``."""
        return self.mechanism_rng[key]

    def volunteered(self, communities: np.ndarray) -> None:
        """Record volunteering for one party member of each community in ``communities`` (one
        per unit of volunteer work done), taking the community's members in turn."""
        if len(communities) == 0:
            return
        n = np.bincount(communities, minlength=self.pop.n_communities)
        size = np.diff(self._member_start)
        for c in np.flatnonzero((n > 0) & (size > 0)):
            k = np.arange(self._rota[c], self._rota[c] + min(n[c], size[c])) % size[c]
            self.state.last_volunteering[self._members[self._member_start[c] + k]] = self.day
            self._rota[c] = (self._rota[c] + n[c]) % size[c]

    def members_of(self, community: int) -> np.ndarray:
        """Party members of ``community``."""
        return self._members[self._member_start[community]: self._member_start[community + 1]]

    # ------------------------------------------------------------ derived state
    def queue_lengths(self) -> np.ndarray:
        """Queued issues per handler (issues the party organisation took over are in no handler's queue)."""
        q = self.issues.ids_with(Status.QUEUED)
        q = q[~self.issues.taken_over[q]]
        return np.bincount(self.issues.handler[q], minlength=self.handlers.n)
