"""Who meets whom: contact slots between party members and residents, ties among the
attendees of an activity, and picking whom to visit. Shared by the mechanisms that create
contacts (coverage, outreach, meetings, sessions); each passes its own random stream."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.vocab import MIN_STRENGTH

if TYPE_CHECKING:
    from sim.model import GovernanceModel

#: Tie-kind codes of contact slots (after the graph's five kinds, ``sim.graph.TIE_KINDS``).
COVERAGE_TIE = 5
OUTREACH_TIE = 6


def add_slots(model: GovernanceModel, members: np.ndarray, targets: np.ndarray, per_member: float, *, kind: int,
              rng: np.random.Generator) -> None:
    """Give each of ``members`` about ``per_member`` potential contacts among ``targets`` of
    the same community: stored ties at the weakest strength (strangers), which contacts then
    strengthen and which fade back without them (an existing tie is left as it is)."""
    pop = model.pop
    if len(members) == 0 or len(targets) == 0:
        return
    k = rng.poisson(per_member, size=len(members))
    src = np.repeat(members, k)
    order = targets[np.argsort(pop.community[targets], kind="stable")]
    comm = pop.community[order]
    lo = np.searchsorted(comm, pop.community[src], side="left")
    hi = np.searchsorted(comm, pop.community[src], side="right")
    has = hi > lo
    src, lo, hi = src[has], lo[has], hi[has]
    dst = order[lo + (rng.random(len(src)) * (hi - lo)).astype(np.int64)]
    model.state.add_ties(src, dst, np.full(len(src), MIN_STRENGTH), kind=kind)


@dataclass(frozen=True)
class Slots:
    """The potential contacts of one kind, grouped by the member's community: for each, the
    tie's data index, the member and the resident; ``start[c]:start[c + 1]`` is community c's."""

    index: np.ndarray
    member: np.ndarray
    resident: np.ndarray
    start: np.ndarray

    def pick(self, counts: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Positions of ``counts[c]`` slots drawn at random (with replacement) in each community c."""
        size = np.diff(self.start)
        picks = [self.start[c] + rng.integers(0, size[c], size=counts[c]) for c in np.flatnonzero((counts > 0) & (size > 0))]
        return np.concatenate(picks) if picks else np.zeros(0, dtype=np.int64)


def slots_of(model: GovernanceModel, kind: int) -> Slots:
    """Stored ties of ``kind`` from a party member (one direction), by community; cached until
    ties are added."""
    st, pop = model.state, model.pop
    key = ("slots", kind)
    cached = model.mechanism_state.get(key)
    if cached is not None and cached[0] == st.structure_version:
        return cached[1]
    rows = np.repeat(np.arange(pop.n), np.diff(st.ties.indptr))
    idx = np.flatnonzero((st.tie_kind == kind) & pop.party_member[rows])
    order = np.argsort(pop.community[rows[idx]], kind="stable")
    idx = idx[order]
    start = np.searchsorted(pop.community[rows[idx]], np.arange(pop.n_communities + 1))
    slots = Slots(index=idx, member=rows[idx], resident=st.ties.indices[idx], start=start)
    model.mechanism_state[key] = (st.structure_version, slots)
    return slots


def strengthen_among(model: GovernanceModel, present: np.ndarray, per_person: float, gain: float,
                     rng: np.random.Generator) -> None:
    """Ties between two people ``present`` together strengthen by ``gain``: about
    ``per_person`` of each one's ties to others present."""
    st, n = model.state, model.pop.n
    t = st.ties
    rows = np.repeat(np.arange(n), np.diff(t.indptr))
    both = np.flatnonzero(present[rows] & present[t.indices] & (rows < t.indices))
    if len(both) == 0:
        return
    deg = np.maximum(np.bincount(rows[both], minlength=n), 1)
    pick = both[rng.random(len(both)) < np.minimum(1.0, per_person / deg[rows[both]])]
    st.strengthen(pick, gain)


def first_per_group(groups: np.ndarray, count: np.ndarray, priority: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Indices of the first ``count[g]`` items of each group ``g``, highest ``priority``
    first, ties broken at random."""
    if len(groups) == 0:
        return np.zeros(0, dtype=np.int64)
    order = np.lexsort((rng.random(len(groups)), -priority, groups))
    g = groups[order]
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    rank = np.arange(len(g)) - np.repeat(starts, np.diff(np.r_[starts, len(g)]))
    return order[rank < count[g]]
