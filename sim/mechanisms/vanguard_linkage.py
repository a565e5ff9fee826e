"""Vanguard party members (整合机制; the article, part 2(3), docs/article.md#part-2-3:
先锋党员 … 个人带动网络、网络整合资源、资源辐射治理).

Rules: (what agents know) active members spend ``hours_per_member_day`` keeping in touch
with their contacts; a resident's latent issue is noticed and reported with daily
probability 1 − exp(−``notice_probability`` × summed tie strength to members × the share of
the asked hours the community's members actually had); (who may act) members may take up
simple issues at compound level as volunteers (their cases take the compound kind's hours
from the volunteers' pool, see ``sim.handlers``).

Volunteering is recorded for a member only when hours were spent on an issue (a report or
a case), one member per unit of work, in turn.

Null variant: members spend the hours; nothing is noticed and no one new may act.
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
    from sim.rules import Rules


class Params(MechanismParams):
    notice_probability: float = Field(0.08, ge=0, le=1, description="Daily probability of noticing a contact's latent issue, per unit tie strength to members, at full effort.")
    hours_per_member_day: float = Field(0.05, ge=0, le=24, description="Hours an active member spends keeping in touch per day (0.05: about 18 of the 50 volunteer hours a year).")


def configure(rules: Rules, p: Params) -> None:
    """Members may take up simple issues at compound level."""
    if p.rule:
        for cat in SIMPLE:
            rules.authority[Kind.COMPOUND, CATEGORIES.index(cat)] = True


def _member_reach(model: GovernanceModel) -> np.ndarray:
    """Each resident's summed tie strength to party members (recomputed only when ties change)."""
    st = model.state
    version, reach = model.mechanism_state.get("vanguard_linkage", (None, None))
    if version != st.tie_version:
        reach = st.ties @ model.pop.party_member.astype(np.float64)
        model.mechanism_state["vanguard_linkage"] = (st.tie_version, reach)
    return reach


def notice(model: GovernanceModel, p: Params) -> None:
    """Members keep in touch as their hours allow, and notice and report contacts' issues."""
    pop, iss = model.pop, model.issues
    asked = model.active_members * p.hours_per_member_day
    got = model.pools["party_volunteers"].draw_upto(asked, "keeping in touch")
    if not p.rule:
        return
    effort = np.where(asked > 0, got / np.maximum(asked, 1e-12), 0.0)
    latent = iss.ids_with(Status.LATENT)
    res = iss.reporter[latent]
    prob = 1.0 - np.exp(-p.notice_probability * _member_reach(model)[res] * effort[pop.community[res]])
    found = latent[model.rng_of("vanguard_linkage").random(len(latent)) < prob]
    lifecycle.mark_detected(model, found, Channel.PARTY_MEMBER)
    model.volunteered(pop.community[iss.reporter[found]])


MECHANISM = Mechanism(
    key="vanguard_linkage",
    article=('part-2-3',),
    summary="Vanguard party members",
    source="the article, part 2(3)",
    params=Params,
    configure=configure,
    hooks={"detect": notice},
)
