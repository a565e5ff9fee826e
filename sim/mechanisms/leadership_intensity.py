"""Balance of leadership and self-governance.

*Article.* [Part 3(1)](article.md#part-3-1): balance 引领观 (the leading view) and 治理观 (the
governing view); in old-compound renovation neither 大包大揽 (the community party organisation does
everything) nor residents acting at will; respect the autonomy (自主性) of self-governance.

*Rule (who may act).* Each day, before handlers work, each community's party organisation may
commit up to `level` × `steering_hours` hours, from its active members' volunteer hours first and
its cadres' (community staff) hours after, drawing only what it uses:

1. *Takeover.* Each collective issue (building or compound scope, single department) routed today
   for the first time to a handler at community level or below, never reassigned, is taken over
   with probability `level` ^ `takeover_exponent`: the more it steers, the more it does itself
   rather than coordinates. Participating residents of the issue's unit who were not consulted (no
   meeting, session or visit within `consult_days`; with 0, as in v1, nobody was) lose a share
   `crowd_out` of their efficacy, external and internal (motivation crowding: an intervention
   felt as controlling crowds out, one felt as supportive does not; Frey & Jegen 2001). A taken-over issue leaves the handlers'
   work: no handler takes it up, it does not count toward their pressure, and residents cannot
   govern it themselves.
2. *Work.* The community's ready taken-over issues, oldest first, get the committed hours until
   each has `hours_per_takeover` (work in progress kept); a completed takeover goes through the same
   consent, quality, budget and pressure rules as a handler's attempt (`lifecycle.fix`), without
   escalation; a failed one starts again. Closures reach residents the same day (7.1.10). Issues
   the hours do not reach wait, or until their reporter gives up (7.1.11).
3. *Coordination.* The hours left coordinate the residents who govern the other collective issues
   the organisation knows of (those queued at community level or below, not taken over), n of them:
   C = `behaviour.base_coordination` + (1 − base) × min(1, hours left / (n × `hours_per_coordination`)),
   C = base when there are none. C applies to the self-governance of all the community's collective
   issues that day (7.4), latent ones included.

The inverted U of expectation 5 is not imposed: low levels leave coordination near its base, high
levels take over most collective issues (each costing more hours than coordinating one, crowding
out efficacy) and leave little for coordination. Which level does best depends on hours, loads and
participation.

*Costs.* Steering hours used (party volunteers, then community staff: "steering"); takeovers'
fixes from the handlers' budgets.

*Null variant.* The organisation commits the hours the rule would use — the expected takeovers of
the day's new collective issues (their number × `level` ^ `takeover_exponent` ×
`hours_per_takeover`) and the coordination of the others, up to `level` × `steering_hours` — and
does nothing with them; coordination stays at its base.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import Field

from sim import lifecycle, social
from sim.issues import Status
from sim.mechanisms.base import Mechanism, MechanismParams, Target
from sim.resources import fifo_grant
from sim.vocab import Kind

if TYPE_CHECKING:
    from sim.model import GovernanceModel


class Params(MechanismParams):
    level: float = Field(0.5, ge=0, le=1, description="Leadership intensity: share of the party organisation's steering capacity in use (0 laissez-faire, 1 full steering).")
    steering_hours: float = Field(8.0, ge=0, le=1000, description="Hours a community's party organisation can commit to steering per day at full intensity, active members first, then cadres (assumption: up to one full-time post).")
    takeover_exponent: float = Field(2.0, ge=0.1, le=10, description="Share of collective issues taken over = level ** exponent (>1: at low intensity the organisation mostly coordinates).")
    hours_per_takeover: float = Field(8.0, gt=0, le=200, description="Hours of work to resolve a collective issue by taking it over.")
    hours_per_coordination: float = Field(0.25, gt=0, le=200, description="Hours to coordinate one self-governed collective issue for a day.")
    crowd_out: float = Field(0.03, ge=0, le=1, description="Share of efficacy, external and internal, a participating resident loses when a collective issue of their unit is taken over without consulting them (motivation crowding, Frey & Jegen 2001).")
    consult_days: int = Field(0, ge=0, le=365, description="A resident who attended a meeting or session, or was visited, within this many days before a takeover counts as consulted and loses nothing to it (Frey & Jegen 2001: intervention perceived as supportive does not crowd out; model v2; 0: nobody is consulted, as in v1).")


def _commit(model: GovernanceModel, hours: np.ndarray) -> np.ndarray:
    """Draw up to ``hours`` per community: active members first, then cadres."""
    got = model.pools["party_volunteers"].draw_upto(hours, "steering")
    return got + model.pools["community_staff"].draw_upto(hours - got, "steering")


def steer(model: GovernanceModel, p: Params) -> None:
    """Take over newly routed collective issues, work on taken-over ones, and coordinate
    self-governance of the rest with the hours left (runs before handlers' casework)."""
    iss, pop, st, day = model.issues, model.pop, model.state, model.day
    cap = np.full(pop.n_communities, p.level * p.steering_hours)
    queued = iss.ids_with(Status.QUEUED)
    coll = queued[np.isin(iss.scope[queued], lifecycle.COLLECTIVE_SCOPES) & (iss.dept2[queued] < 0)
                  & (model.handlers.kind[iss.handler[queued]] <= Kind.COMMUNITY)]
    new = coll[(iss.day_routed[coll] == day) & ~iss.taken_over[coll] & (iss.reassignments[coll] == 0)]
    if not p.rule:  # commit the hours the rule would use: expected takeovers of today's new issues, coordination
        comm_new = np.bincount(pop.community[iss.reporter[new]], minlength=pop.n_communities)
        comm_all = np.bincount(pop.community[iss.reporter[coll]], minlength=pop.n_communities)
        wanted = comm_new * p.level ** p.takeover_exponent * p.hours_per_takeover + comm_all * p.hours_per_coordination
        _commit(model, np.minimum(cap, wanted))
        return
    take = new[model.rng_of("leadership_intensity").random(len(new)) < p.level ** p.takeover_exponent]
    iss.taken_over[take] = True
    _crowd_out(model, take, p)
    over = coll[iss.taken_over[coll] & (iss.ready_day[coll] <= day)]
    over = over[np.lexsort((over, iss.queue_day[over]))]
    comm = pop.community[iss.reporter[over]].astype(np.int64)
    need = np.maximum(p.hours_per_takeover - iss.work_done[over], 0.0)
    known = coll[~iss.taken_over[coll]]  # the organisation coordinates what it knows of
    n_self = np.bincount(pop.community[iss.reporter[known]], minlength=pop.n_communities)
    wanted = np.bincount(comm, weights=need, minlength=pop.n_communities) + n_self * p.hours_per_coordination
    hours = _commit(model, np.minimum(cap, wanted))
    got = fifo_grant(hours, comm, need, partial=True)
    iss.work_done[over] += got.astype(np.float32)
    done = over[iss.work_done[over] >= p.hours_per_takeover - 1e-6]
    iss.work_done[done] = 0.0
    lifecycle.fix(model, done, retry=True)
    left = np.maximum(hours - np.bincount(comm, weights=got, minlength=pop.n_communities), 0.0)
    need_c = n_self * p.hours_per_coordination
    support = np.where(need_c > 0, np.minimum(1.0, left / np.maximum(need_c, 1e-9)), 0.0)
    base = model.config.behaviour.base_coordination
    st.coordination[:] = base + (1 - base) * support


def _crowd_out(model: GovernanceModel, taken: np.ndarray, p: Params) -> None:
    """Participating residents of units whose collective issue was taken over lose efficacy,
    external and internal, unless they were consulted (a meeting, a session or a visit within
    ``consult_days``)."""
    st = model.state
    hit = social.residents_of(model, social.unit_of(model, taken))
    hit = hit[st.participating[hit]]
    if p.consult_days:
        hit = hit[st.last_deliberation[hit] < model.day - p.consult_days]
    st.efficacy[hit] -= p.crowd_out * st.efficacy[hit]
    st.internal[hit] -= p.crowd_out * st.internal[hit]


MECHANISM = Mechanism(
    key="leadership_intensity",
    article=('part-3-1',),
    summary="Leadership intensity",
    source="the article, part 3(1)",
    params=Params,
    hooks={"handle": steer},
    targets=(Target("issues_taken_over", +1),),
    costs={("party_volunteers", "steering"): True},
    free={"level": 0.0},
)
