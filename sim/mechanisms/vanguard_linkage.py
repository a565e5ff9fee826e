"""Vanguard party members (整合机制).

*Article.* [Part 2(3)](article.md#part-2-3): vanguard members (先锋党员) live alongside residents
and learn their needs in time: 个人带动网络、网络整合资源、资源辐射治理 (a person moves a network,
the network gathers resources, resources radiate into governance).

*Rule.* (a) What agents know: each day the community's active members ask for
`hours_per_member_day` each to keep in touch; a latent issue of resident j is noticed and reported
(channel `PARTY_MEMBER`) with probability 1 − exp(−`notice_probability` × Σ_k w_jk [k is a member]
× e), where e is the share of the asked hours the community's members actually had. (b) Who may
act: compound handlers gain authority over the simple categories, worked by member volunteers
(their cases take the compound kind's hours from the party volunteers). Volunteering is recorded
for a member only for work done: one member per issue noticed or case completed, in turn.

*Costs.* Keeping in touch (party volunteers); volunteers' cases (party volunteers: "cases").

*Null variant.* Members spend the keeping-in-touch hours; nothing is noticed and nobody new may
act.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import Field

from sim import lifecycle
from sim.issues import Channel, Status
from sim.mechanisms.base import Mechanism, MechanismParams, Target
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
    targets=(Target("detections_party_member", +1), Target("issues_via_compound", +1)),
    costs={("party_volunteers", "keeping in touch"): True, ("party_volunteers", "cases"): False},
    free={"hours_per_member_day": 0.0},
)
