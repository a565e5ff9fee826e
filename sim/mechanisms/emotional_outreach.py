"""Emotional outreach (认同机制).

*Article.* [Part 3(4)](article.md#part-3-4): the party organisation sends members on home visits
(上门走访) and regular follow-ups (定期回访), in demolitions and family disputes; 人情 and 面子
accumulated in daily help turn the party–resident relation from 生人 (strangers) into 熟人
(acquaintances).

*Rule (an added action that costs time).* Grid workers plan `visits_per_grid_worker_day` visits a
day and active members `visits_per_member_month` a month, as their hours allow (stochastic
rounding of the hours granted into whole visits). Grid workers visit, per community, residents with
an open issue first, then those whose issue ended in the last 30 days, then a random sample of the
community. Members visit the households assigned to them: when the regime starts each member gets
Poisson(`contact_households_per_member`) slots among the non-members of their community, and each
member visit picks one of the community's slots at random. A visit is contact, nothing more is
assumed: the visitor hears of the resident's unreported issues (detected, channel `OUTREACH`); a
resident with open issues is kept informed for `behaviour.informed_days` and waits longer before
giving up (7.1.11); a member's visit strengthens the member–resident slot by `tie_gain` (生人 →
熟人), which fades back without visits. A visit is not an experience of performance. Trust and
participation move only through what follows: issues found and resolved, fewer given up, trust and
participation spreading over stronger ties (expectation 4).

*Costs.* `hours_per_visit` per visit, from grid workers' and party volunteers' pools ("home
visits").

*Null variant.* The visits are made and paid for; nothing is heard, no households are assigned
and no tie changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import Field

from sim import lifecycle
from sim.contacts import OUTREACH_TIE, add_slots, first_per_group, slots_of
from sim.issues import Channel, Status
from sim.mechanisms.base import Mechanism, MechanismParams, Target

if TYPE_CHECKING:
    from sim.model import GovernanceModel


class Params(MechanismParams):
    visits_per_grid_worker_day: float = Field(1.0, ge=0, le=10, description="Home visits a grid worker plans per day.")
    visits_per_member_month: float = Field(1.0, ge=0, le=60, description="Home visits an active member makes per month (Meizhou, Biguiyuan 2020: 850 members visited 2,205 households in a few months).")
    contact_households_per_member: float = Field(3.0, ge=0, le=50, description="Households assigned to each member for visits (Meizhou: about 2.6 per member).")
    hours_per_visit: float = Field(1.0, gt=0, le=24, description="Hours a visit takes.")
    tie_gain: float = Field(0.1, ge=0, le=1, description="Strength a member's visit adds to the member–resident tie.")


def setup(model: GovernanceModel, p: Params) -> None:
    """Each member's assigned households: potential contacts in the member's community."""
    if not p.rule:
        return
    pop = model.pop
    add_slots(model, np.flatnonzero(pop.party_member), np.flatnonzero(~pop.party_member), p.contact_households_per_member,
              kind=OUTREACH_TIE, rng=model.rng_of("emotional_outreach"))


def _visits(hours: np.ndarray, per_visit: float, rng: np.random.Generator) -> np.ndarray:
    """Whole visits the granted hours make (stochastic rounding of fractional ones)."""
    return np.floor(hours / per_visit + rng.random(len(hours)) * (hours > 0)).astype(np.int64)


def visit(model: GovernanceModel, p: Params) -> None:
    """Grid workers and members visit as their hours allow; visits find unreported issues,
    inform reporters of open ones, and bring members and residents closer."""
    pop, st, iss, day = model.pop, model.state, model.issues, model.day
    rng = model.rng_of("emotional_outreach")
    n_comm = pop.n_communities
    gw_hours = model.pools["grid_workers"].draw_upto(
        model.workers_per_community * p.visits_per_grid_worker_day * p.hours_per_visit, "home visits")
    member_hours = model.pools["party_volunteers"].draw_upto(
        model.active_members * p.visits_per_member_month / 30 * p.hours_per_visit, "home visits")
    if not p.rule:
        return
    # Grid workers: open issues first, then recently ended ones, then anyone (a sample per community).
    n_gw = _visits(gw_hours, p.hours_per_visit, rng)
    open_ids = iss.ids_with(Status.REPORTED, Status.QUEUED)
    ended = iss.logged("ended", day - 30)
    start = np.searchsorted(pop.community, np.arange(n_comm + 1))  # residents of a community are contiguous
    sample = np.concatenate([start[c] + rng.integers(0, start[c + 1] - start[c], size=n_gw[c])
                             for c in range(n_comm) if n_gw[c] and start[c + 1] > start[c]] or [np.zeros(0, np.int64)])
    prio = np.full(pop.n, -1.0)  # -1: not a candidate today
    prio[sample] = 0.0
    prio[iss.reporter[ended]] = 1.0
    prio[iss.reporter[open_ids]] = 2.0
    cand = np.flatnonzero(prio >= 0)
    visited = cand[first_per_group(pop.community[cand], n_gw, prio[cand], rng)]
    # Members: their assigned households, at random.
    slots = slots_of(model, OUTREACH_TIE)
    picked = slots.pick(_visits(member_hours, p.hours_per_visit, rng), rng)
    st.strengthen(slots.index[picked], p.tie_gain)
    st.last_volunteering[slots.member[picked]] = day
    visited = np.unique(np.concatenate([visited, slots.resident[picked]]))
    # What a visit makes known.
    seen = np.zeros(pop.n, dtype=bool)
    seen[visited] = True
    latent = iss.ids_with(Status.LATENT)
    lifecycle.mark_detected(model, latent[seen[iss.reporter[latent]]], Channel.OUTREACH)
    st.informed_until[visited] = day + model.config.behaviour.informed_days
    st.last_deliberation[visited] = day


MECHANISM = Mechanism(
    key="emotional_outreach",
    article=('part-3-4',),
    summary="Emotional outreach",
    source="the article, part 3(4)",
    params=Params,
    hooks={"setup": setup, "detect": visit},
    targets=(Target("detections_outreach", +1), Target("member_tie_strength_local_migrant_gig_elderly", +1)),
    costs={("grid_workers", "home visits"): True, ("party_volunteers", "home visits"): True},
    free={"visits_per_grid_worker_day": 0.0, "visits_per_member_month": 0.0},
)
