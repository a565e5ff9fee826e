"""Deliberation meetings and community activities (认同机制).

*Article.* [Part 2(4)](article.md#part-2-4), meso and micro levels: 民主恳谈会 (democratic
consultation meetings), volunteer, cultural and neighbourly activities build 伙伴感、认同感和归属感
(partnership, identity, belonging); shared goals such as greening, road repair and property
management build public spirit.

*Rule (an added action that costs time).* Compound k meets on the days where (k + day) is
divisible by `interval_days` (meetings staggered across compounds), if its community's staff and
active members have the hours. Each resident of a meeting compound who takes part in community
affairs attends with probability `attendance`. Attending is taking part today and contact: about
`ties_per_attendee` of each attendee's ties to other attendees gain `tie_gain`. Attendees also
decide on the compound's collective issues: if their mean trust is at least `consent_threshold`,
every latent or open collective issue of the compound's residents gets consent (used by lift
issues, 7.1.7).

*Costs.* `staff_hours_per_meeting` of community staff and `member_hours_per_meeting` of party
volunteers per meeting (handle phase, before handlers work).

*Null variant.* Meetings are prepared and paid for; nobody attends and nothing is decided.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import Field

from sim import lifecycle
from sim.contacts import strengthen_among
from sim.issues import Status
from sim.mechanisms.base import Mechanism, MechanismParams, Target
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
    targets=(Target("lift_consent_share", +1), Target("residents_deliberated", +1)),
    costs={("community_staff", "meetings"): True, ("party_volunteers", "meetings"): True},
    free={"staff_hours_per_meeting": 0.0, "member_hours_per_meeting": 0.0},
)
