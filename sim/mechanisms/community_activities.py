"""Deliberation meetings and community activities (认同机制, seed §2(四): 民主恳谈会, volunteer,
cultural and neighbourly activities; micro level: shared goals like greening, repairs).

Rule: each compound holds a meeting every ``interval_days``; residents attend by their
participation state; attendees strengthen ties with other attendees, and open collective
issues of the compound (building or compound scope) gain the consent they need when the
attendees' mean trust clears ``consent_threshold``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import Field

from sim import lifecycle
from sim.issues import Status
from sim.mechanisms.base import Mechanism, MechanismParams

if TYPE_CHECKING:
    from sim.model import GovernanceModel


class Params(MechanismParams):
    interval_days: int = Field(14, ge=1, le=365, description="Days between a compound's meetings.")
    attendance: float = Field(0.5, ge=0, le=1, description="Probability a participating resident attends.")
    ties_per_attendee: float = Field(2.0, ge=0, le=50, description="Ties an attendee strengthens at a meeting.")
    tie_gain: float = Field(0.05, ge=0, le=1, description="Strength added per tie strengthened.")
    consent_threshold: float = Field(0.45, ge=0, le=1, description="Attendees' mean trust needed to consent to a collective issue.")
    hours_per_meeting: float = Field(6.0, ge=0, le=100, description="Party-member and staff hours a meeting costs.")


def meet(model: GovernanceModel, p: Params) -> None:
    """Compounds meet in turn every ``interval_days``; participating residents attend with
    probability ``attendance``; ties between attendees strengthen; collective issues of
    the compound gain consent when the attendees' mean trust clears the threshold."""
    st, pop, iss, day = model.state, model.pop, model.issues, model.day
    meeting = (np.arange(pop.n_compounds) + day) % p.interval_days == 0
    if not meeting.any():
        return
    here = meeting[pop.compound] & st.participating
    attend = here & (model.streams.social.random(pop.n) < p.attendance)
    st.last_deliberation[attend] = day
    # Ties between two attendees strengthen, about ties_per_attendee per attendee.
    t = st.ties
    rows = np.repeat(np.arange(pop.n), np.diff(t.indptr))
    both = np.flatnonzero(attend[rows] & attend[t.indices] & (rows < t.indices))
    deg = np.maximum(np.bincount(rows[both], minlength=pop.n), 1)
    pick = both[model.streams.social.random(len(both)) < np.minimum(1.0, p.ties_per_attendee / deg[rows[both]])]
    st.strengthen(pick, p.tie_gain)
    # Consent for the compound's collective issues.
    trust_sum = np.bincount(pop.compound[attend], weights=st.trust[attend], minlength=pop.n_compounds)
    n_att = np.bincount(pop.compound[attend], minlength=pop.n_compounds)
    agree = meeting & (n_att > 0) & (trust_sum >= p.consent_threshold * np.maximum(n_att, 1))
    open_ids = iss.ids_with(Status.LATENT, Status.QUEUED)
    coll = open_ids[np.isin(iss.scope[open_ids], lifecycle.COLLECTIVE_SCOPES)]
    iss.consent[coll[agree[pop.compound[iss.reporter[coll]]]]] = True
    model.ledger.add("party_member_hours", float(meeting.sum()) * p.hours_per_meeting / 2)
    model.ledger.add("staff_hours", float(meeting.sum()) * p.hours_per_meeting / 2)


MECHANISM = Mechanism(
    key="community_activities",
    article=('part-2-4',),
    summary="Deliberation meetings and community activities",
    source="spec §4 row D; §2(四)",
    params=Params,
    hooks={"social": meet},
)
