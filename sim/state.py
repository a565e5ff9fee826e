"""Hot per-resident state as numpy arrays, updated a whole step at a time.

The Mesa ``Resident`` agents are views over these arrays (see ``sim.agents``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from sim.graph import Population
from sim.rules import Rules

if TYPE_CHECKING:
    from sim.schema import ScenarioConfig

NEVER = -(10**6)  #: day stamp for "never happened"


@dataclass
class ResidentState:
    """Trust, efficacy, expectation, participation and ties of every resident."""

    trust: np.ndarray
    personal: np.ndarray  #: trust from one's own experiences only (Friedkin–Johnsen anchor)
    disposition: np.ndarray  #: trust a resident returns to as experiences fade (initial trust)
    efficacy: np.ndarray  #: external efficacy (they listen; v1's single efficacy)
    internal: np.ndarray  #: internal efficacy (I can take part; model v2), starting where efficacy starts
    expectation: np.ndarray
    threshold: np.ndarray  #: Granovetter participation threshold
    participating: np.ndarray  #: bool, participates today
    access: np.ndarray  #: access to a reporting channel (0..1), from the rules
    availability: np.ndarray  #: time available for participation (0..1)
    coordination: np.ndarray  #: per community: coordination available to self-governing residents
    ties: sp.csr_matrix  #: tie strengths (symmetric)
    tie_base: np.ndarray  #: initial strength per stored tie (aligned with ``ties.data``)
    tie_kind: np.ndarray  #: origin of each stored tie (aligned with ``ties.data``; see ``sim.graph``)
    last_deliberation: np.ndarray  #: last day each resident attended a meeting or session
    last_volunteering: np.ndarray  #: last day each resident volunteered (self-governance, volunteer casework)
    took_part: np.ndarray  #: bool, took part in an activity today (meeting, session, self-governance)
    informed_until: np.ndarray  #: last day a progress report keeps each resident informed of their open issues
    voted: np.ndarray  #: bool, voted at the latest residents' committee election
    election_day: int = NEVER  #: day of the latest election

    _strength: np.ndarray | None = None
    _inv_strength: np.ndarray | None = None
    _reverse: np.ndarray | None = None
    _key: np.ndarray | None = None  #: sorted row * n + column of every stored tie (cached until the structure changes)
    tie_version: int = 0  #: bumped whenever tie strengths change (lets outcomes cache tie statistics)
    structure_version: int = 0  #: bumped whenever ties are added (lets callers cache tie positions)
    ties_at_base: bool = True  #: no tie differs from its initial strength (nothing to revert)

    def strength(self) -> np.ndarray:
        """Sum of tie strengths per resident (cached until ties change)."""
        if self._strength is None:
            self._strength = self.ties @ np.ones(self.ties.shape[0])
            self._inv_strength = np.divide(1.0, self._strength, out=np.zeros_like(self._strength),
                                           where=self._strength > 0)
        return self._strength

    def inv_strength(self) -> np.ndarray:
        """1 / :meth:`strength` (0 for a resident without ties), cached with it."""
        self.strength()
        return self._inv_strength

    def ties_changed(self) -> None:
        """Call after changing tie strengths."""
        self._strength = None
        self.tie_version += 1
        self.ties_at_base = False

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
        if not ties.has_sorted_indices:
            raise ValueError("population ties must be a canonical CSR (sorted indices) so tie_kind stays aligned")
        return cls(trust=trust, personal=trust.copy(), disposition=trust.copy(), efficacy=efficacy,
                   internal=efficacy.copy(), expectation=np.full(pop.n, b.expectation_initial),
                   threshold=threshold, participating=participating, availability=availability, access=channel_access(pop, rules),
                   coordination=np.full(pop.n_communities, b.base_coordination),
                   ties=ties, tie_base=ties.data.copy(), tie_kind=pop.tie_kind.copy(),
                   last_deliberation=np.full(pop.n, NEVER, dtype=np.int32),
                   last_volunteering=np.full(pop.n, NEVER, dtype=np.int32),
                   took_part=np.zeros(pop.n, dtype=bool), informed_until=np.full(pop.n, NEVER, dtype=np.int32),
                   voted=np.zeros(pop.n, dtype=bool))

    # ------------------------------------------------------------ tie edits
    def reverse_index(self) -> np.ndarray:
        """For each stored tie (i, j), the data index of (j, i) (cached until the structure changes)."""
        if self._reverse is None:
            t = self.ties
            rows = np.repeat(np.arange(t.shape[0], dtype=np.int64), np.diff(t.indptr))
            key = rows * t.shape[0] + t.indices  # sorted: CSR rows in order, indices sorted
            self._reverse = np.searchsorted(key, t.indices.astype(np.int64) * t.shape[0] + rows)
        return self._reverse

    def tie_positions(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Data index of each stored tie (i, j); -1 where there is no tie."""
        n = self.ties.shape[0]
        if self._key is None:
            rows = np.repeat(np.arange(n, dtype=np.int64), np.diff(self.ties.indptr))
            self._key = rows * n + self.ties.indices
        key = self._key
        want = np.asarray(i, dtype=np.int64) * n + np.asarray(j, dtype=np.int64)
        pos = np.minimum(np.searchsorted(key, want), max(len(key) - 1, 0))
        return np.where((len(key) > 0) & (key[pos] == want), pos, -1) if len(key) else np.full(len(want), -1)

    def strengthen(self, k: np.ndarray, gain: float) -> None:
        """Add ``gain`` to stored ties ``k`` and their reverses (capped at 1)."""
        if len(k) == 0:
            return
        both = np.concatenate([k, self.reverse_index()[k]])
        np.add.at(self.ties.data, both, gain)
        np.minimum(self.ties.data, 1.0, out=self.ties.data)
        self.ties_changed()

    def add_ties(self, i: np.ndarray, j: np.ndarray, strength: np.ndarray, kind: int) -> None:
        """Add undirected ties (or raise existing ones to ``strength``), keeping aligned arrays."""
        keep = (i != j) & (strength > 0)
        i, j, strength = i[keep], j[keep], strength[keep]
        n = self.ties.shape[0]
        t = self.ties.tocoo()
        rows = np.concatenate([t.row, i, j])
        cols = np.concatenate([t.col, j, i])
        data = np.concatenate([t.data, strength, strength])
        base = np.concatenate([self.tie_base, strength, strength])
        kinds = np.concatenate([self.tie_kind, np.full(2 * len(i), kind, dtype=self.tie_kind.dtype)])
        # Keep one entry per pair: the strongest (ties to existing pairs raise them).
        order = np.lexsort((-data, cols, rows))
        rows, cols, data, base, kinds = rows[order], cols[order], data[order], base[order], kinds[order]
        first = np.r_[True, (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])]
        rows, cols, data, base, kinds = rows[first], cols[first], data[first], base[first], kinds[first]
        indptr = np.r_[0, np.cumsum(np.bincount(rows, minlength=n))]
        self.ties = sp.csr_matrix((data, cols, indptr), shape=(n, n))
        self.tie_base, self.tie_kind = base, kinds
        self._reverse = self._key = None
        self.structure_version += 1
        self.ties_changed()


def channel_access(pop: Population, rules: Rules) -> np.ndarray:
    """Access to a reporting channel: the better of the offline channel for one's group and
    a digital channel scaled by digital literacy (zero unless a platform exists)."""
    offline = rules.channel_access[pop.group]
    digital = rules.digital_access * pop.digital_literacy.astype(np.float64)
    return np.maximum(offline, digital)
