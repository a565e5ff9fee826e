"""Hot per-resident state as numpy arrays, updated a whole step at a time.

The Mesa ``Resident`` agents are views over these arrays (see ``sim.agents``)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from sim.graph import Population
from sim.rules import Rules
from sim.schema import ScenarioConfig


@dataclass
class ResidentState:
    """Trust, efficacy, expectation, participation and ties of every resident."""

    trust: np.ndarray
    efficacy: np.ndarray
    expectation: np.ndarray
    threshold: np.ndarray  #: Granovetter participation threshold
    participating: np.ndarray  #: bool, participates today
    access: np.ndarray  #: access to a reporting channel (0..1), from the rules
    availability: np.ndarray  #: time available for participation (0..1)
    coordination: np.ndarray  #: per community: coordination available to self-governing residents
    ties: sp.csr_matrix  #: tie strengths (symmetric)
    tie_base: np.ndarray  #: initial strength per stored tie (aligned with ``ties.data``)

    _strength: np.ndarray | None = None

    def strength(self) -> np.ndarray:
        """Sum of tie strengths per resident (cached until ties change)."""
        if self._strength is None:
            self._strength = self.ties @ np.ones(self.ties.shape[0])
        return self._strength

    def ties_changed(self) -> None:
        """Call after changing tie strengths."""
        self._strength = None

    @classmethod
    def initial(cls, pop: Population, cfg: ScenarioConfig, rules: Rules, rng: np.random.Generator) -> ResidentState:
        b = cfg.behaviour
        mean = np.asarray(b.trust_initial.as_tuple())[pop.group]
        trust = np.clip(mean + b.trust_sd * rng.standard_normal(pop.n), 0, 1)
        efficacy = np.clip(b.efficacy_initial + 0.1 * rng.standard_normal(pop.n), 0, 1)
        m = b.participation_threshold_mean
        threshold = rng.beta(4 * m / (1 - m + 1e-9) + 1e-6, 4.0, size=pop.n) if m < 1 else np.ones(pop.n)
        availability = np.asarray(b.availability.as_tuple())[pop.group]
        participating = rng.random(pop.n) < 0.1
        ties = pop.ties.astype(np.float64)
        ties.sort_indices()
        return cls(trust=trust, efficacy=efficacy, expectation=np.full(pop.n, b.expectation_initial),
                   threshold=threshold, participating=participating, availability=availability, access=channel_access(pop, rules),
                   coordination=np.full(pop.n_communities, b.base_coordination),
                   ties=ties, tie_base=ties.data.copy())


def channel_access(pop: Population, rules: Rules) -> np.ndarray:
    """Access to a reporting channel: the better of the offline channel for one's group and
    a digital channel scaled by digital literacy (zero unless a platform exists)."""
    offline = rules.channel_access[pop.group]
    digital = rules.digital_access * pop.digital_literacy.astype(np.float64)
    return np.maximum(offline, digital)


@dataclass
class Ledger:
    """Costs of the current day (hours and budget units), by account."""

    today: dict[str, float] = field(default_factory=lambda: defaultdict(float))

    def add(self, account: str, amount: float) -> None:
        self.today[account] += amount

    def new_day(self) -> None:
        self.today = defaultdict(float)
