"""Flexible party-organisation coverage (整合机制).

*Article.* [Part 2(3)](article.md#part-2-3): Wuhan's 单独创建、联合组建、区域联建、行业统建 (party
organisations set up alone, jointly, regionally or by trade) reach new economic and social
organisations; [part 3(2)](article.md#part-3-2): adapt organisation set-up to population flows.

*Rule (an added action that costs time).* When the regime starts each member gets
Poisson(`contacts_per_member`) potential contacts (slots, 2.8) among the migrant and gig residents
of their community, strangers at first (an existing tie is left as it is). Every day the
community's active members spend up to `hours_per_member_day` each on contact work; each
`hours_per_contact` is one contact (stochastic rounding), with a slot of the community drawn at
random, which gains `contact_gain`. Slots fade back toward stranger strength without contact
(7.6). Trust spreading, participation and vanguard noticing use them like any tie.

*Costs.* Contact hours (party volunteers, social phase).

*Null variant.* Members spend the hours; no slots exist and nothing changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import Field

from sim.contacts import COVERAGE_TIE, add_slots, slots_of
from sim.mechanisms.base import Mechanism, MechanismParams, Target
from sim.vocab import GROUPS

if TYPE_CHECKING:
    from sim.model import GovernanceModel


class Params(MechanismParams):
    contacts_per_member: float = Field(3.0, ge=0, le=50, description="Potential contacts per party member among migrant and gig residents of the community.")
    hours_per_member_day: float = Field(0.02, ge=0, le=24, description="Hours an active member spends on contact work per day (0.02: about 7 hours a year).")
    hours_per_contact: float = Field(1.0, gt=0, le=24, description="Hours one contact takes.")
    contact_gain: float = Field(0.1, ge=0, le=1, description="Strength a contact adds to the tie.")


def setup(model: GovernanceModel, p: Params) -> None:
    """Potential contacts: members to migrant and gig residents of the same community."""
    if not p.rule:
        return
    pop = model.pop
    targets = np.flatnonzero(np.isin(pop.group, [GROUPS.index("migrant"), GROUPS.index("gig")]))
    add_slots(model, np.flatnonzero(pop.party_member), targets, p.contacts_per_member, kind=COVERAGE_TIE,
              rng=model.rng_of("flexible_coverage"))


def contact(model: GovernanceModel, p: Params) -> None:
    """Members spend their contact hours; each contact strengthens one potential contact."""
    rng = model.rng_of("flexible_coverage")
    hours = model.pools["party_volunteers"].draw_upto(model.active_members * p.hours_per_member_day, "coverage contacts")
    if not p.rule:
        return
    n = np.floor(hours / p.hours_per_contact + rng.random(len(hours))).astype(np.int64)  # stochastic rounding
    slots = slots_of(model, COVERAGE_TIE)
    model.state.strengthen(slots.index[slots.pick(n, rng)], p.contact_gain)


MECHANISM = Mechanism(
    key="flexible_coverage",
    article=('part-2-3', 'part-3-2'),
    summary="Flexible party-organisation coverage",
    source="the article, parts 2(3) and 3(2)",
    params=Params,
    hooks={"setup": setup, "social": contact},
    targets=(Target("member_tie_strength_migrant_gig", +1),),
    costs={("party_volunteers", "coverage contacts"): True},
    free={"hours_per_member_day": 0.0},
)
