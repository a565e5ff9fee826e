"""Deliberation meetings and community activities (认同机制, seed §2(四): 民主恳谈会, volunteer,
cultural and neighbourly activities; micro level: shared goals like greening, repairs).

Rule: each compound holds a meeting every ``interval_days``; residents attend by their
participation state; attendees strengthen ties with other attendees, and open collective
issues of the compound (building or compound scope) gain the consent they need when the
attendees' mean trust clears ``consent_threshold``.
"""

from __future__ import annotations

from pydantic import Field

from sim.mechanisms.base import Mechanism, MechanismParams


class Params(MechanismParams):
    interval_days: int = Field(14, ge=1, le=365, description="Days between a compound's meetings.")
    attendance: float = Field(0.5, ge=0, le=1, description="Probability a participating resident attends.")
    ties_per_attendee: float = Field(2.0, ge=0, le=50, description="Ties an attendee strengthens at a meeting.")
    tie_gain: float = Field(0.05, ge=0, le=1, description="Strength added per tie strengthened.")
    consent_threshold: float = Field(0.45, ge=0, le=1, description="Attendees' mean trust needed to consent to a collective issue.")
    hours_per_meeting: float = Field(6.0, ge=0, le=100, description="Party-member and staff hours a meeting costs.")


MECHANISM = Mechanism(
    key="community_activities",
    summary="Deliberation meetings and community activities",
    source="spec §4 row D; §2(四)",
    params=Params,
)
