"""Five-level party grid (整合机制).

*Article.* [Part 2(3)](article.md#part-2-3): a five-level party-building grid of street/town,
area (grid), community, compound and building (街镇—片区（网格）—社区—小区—楼栋) with a
fast-response working mechanism.

*Rule (who may act).* Building heads (楼栋长, party members) become handlers of the simple
categories (sanitation, pets, neighbour disputes, care) up to building scope; compound handlers gain
a party steward and authority over the simple categories up to compound scope; area offices exist
between community and street with the community's authority. Routing sends each issue to the
lowest of these with authority (7.1.3), so simple issues are handled close to residents and
escalation from the community stops at the area office for its categories. The grid adds people who
may act, not hours: heads' and stewards' cases take the hours of their kind from the community's
party volunteers, area offices' from street staff.

*Costs.* Their cases (party volunteers: "cases"; street staff for area offices), and a weekly
meeting and report of `head_hours_per_week` per building from the party volunteers (days divisible
by seven).

*Null variant.* The weekly grid meetings are held and paid for; nobody new may act.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import Field

from sim.mechanisms.base import Mechanism, MechanismParams, Target
from sim.vocab import CATEGORIES, SIMPLE, Kind

if TYPE_CHECKING:
    from sim.model import GovernanceModel
    from sim.rules import Rules


class Params(MechanismParams):
    head_hours_per_week: float = Field(0.5, ge=0, le=40, description="Party-member hours per building and week for grid meetings and reports.")


def configure(rules: Rules, p: Params) -> None:
    """Building heads, compound stewards and area offices join the ladder."""
    if p.rule:
        rules.active[Kind.BUILDING] = rules.active[Kind.AREA] = True
        for cat in SIMPLE:
            rules.authority[Kind.COMPOUND, CATEGORIES.index(cat)] = True


def meet(model: GovernanceModel, p: Params) -> None:
    """Weekly grid meetings of the building heads and stewards of each community."""
    if model.day % 7:
        return
    pop = model.pop
    buildings = np.bincount(pop.compound_community[pop.building_compound], minlength=pop.n_communities)
    model.pools["party_volunteers"].draw_upto(buildings * p.head_hours_per_week, "grid meetings")


MECHANISM = Mechanism(
    key="five_level_grid",
    article=('part-2-3',),
    summary="Five-level party grid",
    source="the article, part 2(3)",
    params=Params,
    configure=configure,
    hooks={"detect": meet},
    targets=(Target("issues_via_building", +1),),
    costs={("party_volunteers", "grid meetings"): True, ("party_volunteers", "cases"): False},
    free={"head_hours_per_week": 0.0},
)
