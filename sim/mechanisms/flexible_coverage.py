"""Flexible party-organisation coverage (整合机制 and P2, seed §2(三): 单独创建、联合组建、区域联建、行业统建).

Rule: party organisations reach new economic and social organisations, and through them
migrants and gig workers: each party member forms about ``ties_per_member`` ties of
strength ``tie_strength`` with migrant or gig residents of the same community (drawn at
random; an existing tie is raised to that strength), which trust spreading, vanguard
detection and participation then use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import Field

from sim.mechanisms.base import Mechanism, MechanismParams
from sim.vocab import GROUPS

if TYPE_CHECKING:
    from sim.model import GovernanceModel


class Params(MechanismParams):
    ties_per_member: float = Field(3.0, ge=0, le=50, description="New ties per party member to migrant and gig residents.")
    hours_per_member: float = Field(0.1, ge=0, le=24, description="Party-member hours per member per day to keep coverage ties alive.")
    tie_strength: float = Field(0.4, gt=0, le=1, description="Strength of a coverage tie.")


def setup(model: GovernanceModel, p: Params) -> None:
    """Each member forms about ``ties_per_member`` ties to migrant or gig residents of the
    same community (coverage through new economic and social organisations)."""
    pop, rng = model.pop, model.streams.social
    members = np.flatnonzero(pop.party_member)
    targets = np.flatnonzero(np.isin(pop.group, [GROUPS.index("migrant"), GROUPS.index("gig")]))
    if len(members) == 0 or len(targets) == 0:
        return
    k = rng.poisson(p.ties_per_member, size=len(members))
    src = np.repeat(members, k)
    # A random migrant or gig resident of the same community: sort targets by community, draw within.
    order = targets[np.argsort(pop.community[targets], kind="stable")]
    comm = pop.community[order]
    lo = np.searchsorted(comm, pop.community[src], side="left")
    hi = np.searchsorted(comm, pop.community[src], side="right")
    has = hi > lo
    src, lo, hi = src[has], lo[has], hi[has]
    dst = order[lo + (rng.random(len(src)) * (hi - lo)).astype(np.int64)]
    model.state.add_ties(src, dst, np.full(len(src), p.tie_strength), kind=COVERAGE_TIE)


def upkeep(model: GovernanceModel, p: Params) -> None:
    """Keeping coverage ties alive costs members' hours."""
    model.ledger.add("party_member_hours", p.hours_per_member * float(model.pop.party_member.sum()))


COVERAGE_TIE = 5  #: tie-kind code of coverage ties (after the graph's five kinds)


MECHANISM = Mechanism(
    key="flexible_coverage",
    article=('part-2-3', 'part-3-2'),
    summary="Flexible party-organisation coverage",
    source="spec §4 row C, P2; §2(三)",
    params=Params,
    hooks={"setup": setup, "social": upkeep},
)
