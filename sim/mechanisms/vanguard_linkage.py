"""Vanguard party members (整合机制, seed §2(三): 先锋党员 … 个人带动网络、网络整合资源、资源辐射治理).

Rule: party members notice a contact's latent issue with daily probability
1 − exp(−``notice_probability`` × summed tie strength to members) and report it; members also mobilise their
ties as volunteer capacity at compound level for simple issues.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import Field

from sim import lifecycle
from sim.issues import Channel, Status
from sim.mechanisms.base import Mechanism, MechanismParams
from sim.vocab import CATEGORIES, SIMPLE, Kind

if TYPE_CHECKING:
    from sim.model import GovernanceModel


class Params(MechanismParams):
    notice_probability: float = Field(0.08, ge=0, le=1, description="Daily probability of noticing a neighbour's latent issue, per unit tie strength.")
    volunteer_cases_per_member: float = Field(0.05, ge=0, le=10, description="Simple cases a member's volunteer network handles per day.")
    hours_per_day: float = Field(0.5, ge=0, le=24, description="Hours a member spends on linkage per day.")


def setup(model: GovernanceModel, p: Params) -> None:
    """Members' volunteer networks add simple-issue capacity to their compound's handler."""
    h, pop = model.handlers, model.pop
    members = np.bincount(pop.compound[pop.party_member], minlength=pop.n_compounds)
    sl = slice(h.offset[Kind.COMPOUND], h.offset[Kind.COMPOUND] + pop.n_compounds)
    h.rate[sl] += members * p.volunteer_cases_per_member
    for cat in SIMPLE:
        model.rules.authority[Kind.COMPOUND, CATEGORIES.index(cat)] = True


def _member_reach(model: GovernanceModel) -> np.ndarray:
    """Each resident's summed tie strength to party members (recomputed only when ties change)."""
    st = model.state
    version, reach = model.mechanism_state.get("vanguard_linkage", (None, None))
    if version != st.tie_version:
        reach = st.ties @ model.pop.party_member.astype(np.float64)
        model.mechanism_state["vanguard_linkage"] = (st.tie_version, reach)
    return reach


def notice(model: GovernanceModel, p: Params) -> None:
    """Members notice neighbours' latent issues through their ties and report them."""
    iss = model.issues
    latent = iss.ids_with(Status.LATENT)
    reach = _member_reach(model)
    prob = 1.0 - np.exp(-p.notice_probability * reach[iss.reporter[latent]])
    found = latent[model.streams.detection.random(len(latent)) < prob]
    lifecycle.mark_detected(model, found, Channel.PARTY_MEMBER)
    model.state.last_volunteering[model.pop.party_member] = model.day
    model.ledger.add("party_member_hours", float(model.pop.party_member.sum()) * p.hours_per_day)


MECHANISM = Mechanism(
    key="vanguard_linkage",
    article=('part-2-3',),
    summary="Vanguard party members",
    source="spec §4 row C; §2(三)",
    params=Params,
    hooks={"setup": setup, "detect": notice},
)
