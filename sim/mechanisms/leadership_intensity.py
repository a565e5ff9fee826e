"""Leadership intensity (optimisation path P1, seed §3(一): balance 引领观 and 治理观; neither 大包大揽 nor laissez-faire).

Rule: the party organisation devotes a share ``level`` of its members' steering hours to
collective (building- and compound-scope) issues. It takes over that share of collective
issues itself, which residents then neither work on nor gain efficacy from (crowding
out), and spends the remaining steering hours coordinating residents who self-govern the
rest. Residents self-resolve a collective issue only with coordination and enough
participating neighbours.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim import lifecycle, social
from sim.issues import Status
from pydantic import Field

from sim.mechanisms.base import Mechanism, MechanismParams

if TYPE_CHECKING:
    from sim.model import GovernanceModel
    from sim.rules import Rules


class Params(MechanismParams):
    level: float = Field(0.5, ge=0, le=1, description="Share of steering effort and of collective issues the party organisation takes over.")
    hours_per_member: float = Field(0.5, ge=0, le=24, description="Steering hours a party member gives per day at full intensity.")
    hours_per_takeover: float = Field(6.0, ge=0, le=200, description="Party hours to resolve a collective issue by takeover.")
    hours_per_coordination: float = Field(2.0, ge=0, le=200, description="Party hours to coordinate one self-governed issue for a day.")
    crowd_out: float = Field(0.03, ge=0, le=1, description="Efficacy a resident loses when a collective issue of theirs is taken over.")


def steer(model: GovernanceModel, p: Params) -> None:
    """Take over a share ``level`` of newly routed collective issues, resolve taken-over
    issues with steering hours (first come, first served), and give the hours left to
    coordinating residents' self-governance of the rest."""
    iss, pop, st, day = model.issues, model.pop, model.state, model.day
    rng = model.streams.handling
    members = np.bincount(pop.community[pop.party_member], minlength=pop.n_communities).astype(np.float64)
    hours = members * p.hours_per_member * p.level
    queued = iss.ids_with(Status.QUEUED)
    coll = queued[np.isin(iss.scope[queued], lifecycle.COLLECTIVE_SCOPES) & (iss.dept2[queued] < 0)]
    new = coll[(iss.day_routed[coll] == day) & ~iss.taken_over[coll] & (iss.reassignments[coll] == 0)]
    take = new[rng.random(len(new)) < p.level]
    iss.taken_over[take] = True
    # Crowding out: participating residents of the unit lose efficacy.
    unit = social.unit_of(model, take)
    lost = np.zeros(pop.n_buildings + pop.n_compounds, dtype=bool)
    lost[unit] = True
    hit = (lost[pop.building] | lost[pop.n_buildings + pop.compound]) & st.participating
    st.efficacy[hit] -= p.crowd_out * st.efficacy[hit]
    # Resolve taken-over issues with steering hours.
    over = coll[iss.taken_over[coll]]
    over = over[np.lexsort((over, iss.queue_day[over]))]
    comm = pop.community[iss.reporter[over]]
    order = np.argsort(comm, kind="stable")
    over, comm = over[order], comm[order]
    need = np.full(len(over), p.hours_per_takeover)
    done = np.zeros(len(over), dtype=bool)
    if len(over):
        cum = lifecycle.group_cumsum(comm, need)
        done = cum <= hours[comm]
    lifecycle.close_issues(model, over[done], Status.RESOLVED)
    used = np.bincount(comm[done], weights=need[done], minlength=pop.n_communities)
    left = np.maximum(hours - used, 0.0)
    # Coordination of self-governed collective issues with the hours left.
    selfgov = coll[~iss.taken_over[coll]]
    n_self = np.bincount(pop.community[iss.reporter[selfgov]], minlength=pop.n_communities)
    b = model.config.behaviour
    support = np.minimum(1.0, left / np.maximum(n_self * p.hours_per_coordination, 1e-9))
    st.coordination[:] = b.base_coordination + (1 - b.base_coordination) * support * (p.level > 0)
    model.ledger.add("party_member_hours", float(used.sum() + np.minimum(left, n_self * p.hours_per_coordination).sum()))


MECHANISM = Mechanism(
    key="leadership_intensity",
    summary="Leadership intensity",
    source="spec §4 row P1; §3(一)",
    params=Params,
    hooks={"social": steer},
)
