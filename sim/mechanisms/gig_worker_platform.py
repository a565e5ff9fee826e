"""Gig-worker deliberation platform (驱动机制, seed §2(二): 小哥议事平台 turns riders from
bystanders into participants).

Rule: gig workers get a channel usable on the move (their channel access rises to
``channel_access``), deliberation that fits between orders (their time availability for
participation rises to ``availability``), and periodic sessions, attended with probability
``attendance`` × trust, where attendees lower their participation threshold.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import Field

from sim.mechanisms.base import Mechanism, MechanismParams
from sim.vocab import GROUPS

if TYPE_CHECKING:
    from sim.model import GovernanceModel
    from sim.rules import Rules


class Params(MechanismParams):
    channel_access: float = Field(0.9, ge=0, le=1, description="Gig workers' channel access through the platform.")
    session_interval_days: int = Field(14, ge=1, le=365, description="Days between deliberation sessions.")
    attendance: float = Field(0.3, ge=0, le=1, description="Share of gig workers invited who attend a session, scaled by trust.")
    threshold_drop: float = Field(0.1, ge=0, le=1, description="Drop of an attendee's participation threshold per session.")
    availability: float = Field(0.5, ge=0, le=1, description="Gig workers' time availability for participation once deliberation can happen on the platform, between orders.")
    hours_per_session: float = Field(3.0, ge=0, le=100, description="Staff hours a session costs per community.")


def configure(rules: Rules, p: Params) -> None:
    """Gig workers reach a channel on the move."""
    g = GROUPS.index("gig")
    rules.channel_access[g] = max(rules.channel_access[g], p.channel_access)


def setup(model: GovernanceModel, p: Params) -> None:
    """Deliberation on the platform fits gig workers' hours: their availability rises."""
    gig = model.pop.group == GROUPS.index("gig")
    model.state.availability[gig] = np.maximum(model.state.availability[gig], p.availability)


def deliberate(model: GovernanceModel, p: Params) -> None:
    """Every ``session_interval_days`` gig workers attend a session with probability
    ``attendance`` × trust; attendees lower their participation threshold."""
    if model.day % p.session_interval_days:
        return
    st = model.state
    gig = np.flatnonzero(model.pop.group == GROUPS.index("gig"))
    came = gig[model.streams.social.random(len(gig)) < p.attendance * st.trust[gig]]
    st.threshold[came] *= 1 - p.threshold_drop
    st.last_deliberation[came] = model.day
    model.ledger.add("staff_hours", p.hours_per_session * model.pop.n_communities)


MECHANISM = Mechanism(
    key="gig_worker_platform",
    article=('part-2-2',),
    summary="Gig-worker deliberation platform",
    source="spec §4 row B; §2(二)",
    params=Params,
    configure=configure,
    hooks={"setup": setup, "social": deliberate},
)
