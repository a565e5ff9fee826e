"""Leadership intensity (optimisation path P1, seed §3(一): balance 引领观 and 治理观; neither 大包大揽 nor laissez-faire).

Rule: each community's party organisation has ``level × steering_hours`` hours a day for
collective (building- and compound-scope, single-department) issues. It takes over a
share ``level ** takeover_exponent`` of newly routed collective issues itself: the more it
steers, the more it does rather than coordinates (大包大揽). Taken-over issues are resolved
with steering hours, first come first served; their residents neither work on them nor
gain efficacy, and participating residents of the unit lose some (crowding out). The
hours left coordinate residents who self-govern the remaining collective issues, raising
their community's coordination above the laissez-faire ``behaviour.base_coordination``.
No outcome is set here: whether moderate steering beats both extremes depends on hours,
loads and residents' participation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import Field

from sim import lifecycle, social
from sim.issues import Status
from sim.mechanisms.base import Mechanism, MechanismParams

if TYPE_CHECKING:
    from sim.model import GovernanceModel


class Params(MechanismParams):
    level: float = Field(0.5, ge=0, le=1, description="Leadership intensity: share of the party organisation's steering capacity in use (0 laissez-faire, 1 full steering).")
    steering_hours: float = Field(16.0, ge=0, le=1000, description="Steering hours a community's party organisation has per day at full intensity (committee cadres and activists).")
    takeover_exponent: float = Field(2.0, ge=0.1, le=10, description="Share of collective issues taken over = level ** exponent (>1: at low intensity the organisation mostly coordinates).")
    hours_per_takeover: float = Field(8.0, gt=0, le=200, description="Party hours to resolve a collective issue by taking it over.")
    hours_per_coordination: float = Field(0.25, gt=0, le=200, description="Party hours to coordinate one self-governed collective issue for a day.")
    crowd_out: float = Field(0.03, ge=0, le=1, description="Share of efficacy a participating resident loses when a collective issue of their unit is taken over.")


def steer(model: GovernanceModel, p: Params) -> None:
    """Take over newly routed collective issues, resolve taken-over ones with steering
    hours, and give the hours left to coordinating self-governance of the rest.

    Runs in the handling phase, so takeover resolutions reach residents (feedback and
    experience) the same day as any other closure."""
    iss, pop, st, day = model.issues, model.pop, model.state, model.day
    today = np.full(pop.n_communities, p.level * p.steering_hours)
    # Unused steering hours carry over up to one takeover's worth (or two days' hours), so that
    # low intensities still finish a takeover over several days.
    credit = model.mechanism_state.get("leadership_intensity", np.zeros(pop.n_communities))
    hours = np.minimum(credit + today, np.maximum(2 * today, p.hours_per_takeover) * (today > 0))
    queued = iss.ids_with(Status.QUEUED)
    coll = queued[np.isin(iss.scope[queued], lifecycle.COLLECTIVE_SCOPES) & (iss.dept2[queued] < 0)]
    new = coll[(iss.day_routed[coll] == day) & ~iss.taken_over[coll] & (iss.reassignments[coll] == 0)]
    take = new[model.streams.handling.random(len(new)) < p.level ** p.takeover_exponent]
    iss.taken_over[take] = True
    _crowd_out(model, take, p.crowd_out)
    # Resolve taken-over issues with steering hours, oldest first within each community.
    over = coll[iss.taken_over[coll]]
    comm = pop.community[iss.reporter[over]]
    order = np.lexsort((over, iss.queue_day[over], comm))
    over, comm = over[order], comm[order]
    need = np.full(len(over), p.hours_per_takeover)
    done = lifecycle.group_cumsum(comm, need) <= hours[comm]
    lifecycle.close_issues(model, over[done], Status.RESOLVED)
    used = np.bincount(comm[done], weights=need[done], minlength=pop.n_communities)
    left = np.maximum(hours - used, 0.0)
    coordinating = np.minimum(left, today)
    # Coordination of self-governed collective issues with the hours left.
    known = coll[~iss.taken_over[coll]]  # the organisation coordinates what it knows of
    n_self = np.bincount(pop.community[iss.reporter[known]], minlength=pop.n_communities)
    need_c = n_self * p.hours_per_coordination
    support = np.where(need_c > 0, np.minimum(1.0, coordinating / np.maximum(need_c, 1e-9)), 0.0)
    base = model.config.behaviour.base_coordination
    st.coordination[:] = base + (1 - base) * support
    spent_coordinating = np.minimum(coordinating, need_c)
    model.mechanism_state["leadership_intensity"] = left - spent_coordinating
    model.ledger.add("party_member_hours", float(used.sum() + spent_coordinating.sum()))


def _crowd_out(model: GovernanceModel, taken: np.ndarray, loss: float) -> None:
    """Participating residents of units whose collective issue was taken over lose efficacy."""
    pop, st = model.pop, model.state
    lost = np.zeros(pop.n_buildings + pop.n_compounds, dtype=bool)
    lost[social.unit_of(model, taken)] = True
    hit = (lost[pop.building] | lost[pop.n_buildings + pop.compound]) & st.participating
    st.efficacy[hit] -= loss * st.efficacy[hit]


MECHANISM = Mechanism(
    key="leadership_intensity",
    article=('part-3-1',),
    summary="Leadership intensity",
    source="spec §4 row P1; §3(一)",
    params=Params,
    hooks={"handle": steer},
)
