"""Deliberation meetings and community activities (认同机制; the article, part 2(4),
docs/article.md#part-2-4: 民主恳谈会, volunteer, cultural and neighbourly activities;
shared goals such as greening and repairs build public spirit).

Rule (an added action that costs time): each compound holds a meeting every
``interval_days`` if its community's staff and active members have the hours
(``staff_hours_per_meeting`` and ``member_hours_per_meeting``). Residents who take part in
community affairs attend with probability ``attendance``. Attending is taking part
(today's participation) and contact: ties between attendees strengthen. Attendees also
decide on the compound's collective issues: they consent (a lift needs the building's
agreement) when their mean trust clears ``consent_threshold``.

Null variant: meetings are prepared and paid for; nobody's choices or ties change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import Field

from sim import lifecycle
from sim.contacts import strengthen_among
from sim.issues import Status
from sim.mechanisms.base import Mechanism, MechanismParams
from sim.resources import fifo_grant

if TYPE_CHECKING:
    from sim.model import GovernanceModel


class Params(MechanismParams):
    interval_days: int = Field(14, ge=1, le=365, description="Days between a compound's meetings (Foshan 2020: 2-3 volunteer activities a month per community).")
    attendance: float = Field(0.5, ge=0, le=1, description="Probability a participating resident attends.")
    ties_per_attendee: float = Field(2.0, ge=0, le=50, description="Ties to other attendees an attendee strengthens at a meeting.")
    tie_gain: float = Field(0.05, ge=0, le=1, description="Strength added per tie strengthened.")
    consent_threshold: float = Field(0.45, ge=0, le=1, description="Attendees' mean trust needed to consent to a collective issue.")
    staff_hours_per_meeting: float = Field(3.0, ge=0, le=100, description="Community-staff hours a meeting takes.")
    member_hours_per_meeting: float = Field(3.0, ge=0, le=100, description="Party-member volunteer hours a meeting takes.")


def meet(model: GovernanceModel, p: Params) -> None:
    """Compounds due today meet if both pools have the hours; residents attend, meet each
    other and decide on the compound's collective issues."""
    st, pop, iss, day = model.state, model.pop, model.issues, model.day
    due = np.flatnonzero((np.arange(pop.n_compounds) + day) % p.interval_days == 0)
    if len(due) == 0:
        return
    comm = pop.compound_community[due].astype(np.int64)
    staff, members = model.pools["community_staff"], model.pools["party_volunteers"]
    ok = ((fifo_grant(staff.free, comm, np.full(len(due), p.staff_hours_per_meeting)) >= p.staff_hours_per_meeting)
          & (fifo_grant(members.free, comm, np.full(len(due), p.member_hours_per_meeting)) >= p.member_hours_per_meeting))
    held = due[ok]
    staff.draw(comm[ok], np.full(len(held), p.staff_hours_per_meeting), "meetings")
    members.draw(comm[ok], np.full(len(held), p.member_hours_per_meeting), "meetings")
    if not p.rule or len(held) == 0:
        return
    meeting = np.zeros(pop.n_compounds, dtype=bool)
    meeting[held] = True
    rng = model.rng_of("community_activities")
    attend = meeting[pop.compound] & st.participating & (rng.random(pop.n) < p.attendance)
    st.took_part |= attend
    st.last_deliberation[attend] = day
    strengthen_among(model, attend, p.ties_per_attendee, p.tie_gain, rng)
    trust_sum = np.bincount(pop.compound[attend], weights=st.trust[attend], minlength=pop.n_compounds)
    n_att = np.bincount(pop.compound[attend], minlength=pop.n_compounds)
    agree = meeting & (n_att > 0) & (trust_sum >= p.consent_threshold * np.maximum(n_att, 1))
    open_ids = iss.ids_with(Status.LATENT, Status.REPORTED, Status.QUEUED)
    coll = open_ids[np.isin(iss.scope[open_ids], lifecycle.COLLECTIVE_SCOPES)]
    iss.consent[coll[agree[pop.compound[iss.reporter[coll]]]]] = True


MECHANISM = Mechanism(
    key="community_activities",
    article=('part-2-4',),
    summary="Deliberation meetings and community activities",
    source="the article, part 2(4)",
    params=Params,
    hooks={"handle": meet},
)
