"""Five-level party grid (整合机制; the article, part 2(3), docs/article.md#part-2-3:
街镇—片区(网格)—社区—小区—楼栋 五级党建网格).

Rule (who may act): building heads and compound stewards (party members) become first-line
handlers of simple household-, building- and compound-scope issues, and an area office sits
between community and street; without it the ladder is street – community – resident.
Their cases take the hours of the kind (``capacity.case_hours``) from the community's
``party_volunteers`` (heads and stewards) and from ``street_staff`` (area offices are
staffed by the street office): the grid adds people who may act, not hours.

Costs: besides their cases, heads and stewards meet and report weekly
(``head_hours_per_week`` per building, from the volunteers' hours).

Null variant: the weekly grid meetings are held and paid for; no one new may act.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import Field

from sim.mechanisms.base import Mechanism, MechanismParams
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
)
