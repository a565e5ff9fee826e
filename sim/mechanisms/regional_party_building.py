"""Regional party-building (整合机制).

*Article.* [Part 2(3)](article.md#part-2-3): 区域化党建 in Beijing, Shanghai, Guangzhou and
Shenzhen: the party organisation builds regional resource sharing among units of different sectors
rather than intervening rigidly (刚性介入).

*Rule (who may act, with pooled resources).* A handler whose budget cannot pay a working fix of
cost at least `resource_threshold` may draw the full cost from the regional fund, first come first
served in the day's payment order with no overtaking (7.1.8). Resource-heavy lift and
renovation issues, whose mean cost is far above the other categories', are the main beneficiaries
(expectation 3).

*Costs.* The fund is a declared new resource: member units and enterprises pay in `pool_per_10k`
per 10,000 residents a day, up to `capacity.budget_carryover_days` days' worth, starting empty
when the regime starts. Each draw takes the street office `hours_per_draw` to arrange (asked for
before the fund is, and spent even if the fund then cannot pay).

*Null variant.* The units pay in; nobody may draw.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import Field

from sim.mechanisms.base import Mechanism, MechanismParams, Target

if TYPE_CHECKING:
    from sim.model import GovernanceModel
    from sim.rules import Rules


class Params(MechanismParams):
    pool_per_10k: float = Field(6.0, ge=0, le=1e6, description="Budget units member units pay into the fund per day, per 10,000 residents (a declared new resource).")
    resource_threshold: float = Field(2.0, ge=0, le=1e6, description="Cost from which an issue may draw on the fund.")
    hours_per_draw: float = Field(1.0, ge=0, le=100, description="Street-staff hours to arrange one draw on the fund.")


def configure(rules: Rules, p: Params) -> None:
    """Member units pay into a fund that resource-heavy issues may draw on."""
    rules.pool_per_10k = p.pool_per_10k


def draw_on_fund(model: GovernanceModel, p: Params, paid: np.ndarray, ids: np.ndarray, cost: np.ndarray) -> np.ndarray:
    """Fixes their handler cannot pay whose cost reaches ``resource_threshold`` draw their full
    cost from the fund, first come first served; each draw takes the street office
    ``hours_per_draw`` to arrange."""
    if not p.rule:
        return paid
    heavy = np.flatnonzero(~paid & (cost >= p.resource_threshold))
    if len(heavy):
        zero = np.zeros(len(heavy), np.int64)
        arranged = model.pools["street_staff"].draw(zero, np.full(len(heavy), p.hours_per_draw), "regional draws") > 0
        arranged |= p.hours_per_draw == 0
        granted = model.pools["regional_fund"].draw(zero[arranged], cost[heavy[arranged]], "fixes") > 0
        paid[heavy[arranged][granted]] = True
    return paid


#: A street budget that binds, so that handlers short of money for costly fixes exist (its tests).
_SCARCE_STREET_BUDGET = {"capacity": {"street_budget_per_10k": 3.0}}

MECHANISM = Mechanism(
    key="regional_party_building",
    article=('part-2-3',),
    summary="Regional party-building",
    source="the article, part 2(3)",
    params=Params,
    configure=configure,
    decides={"shortfall": draw_on_fund},
    targets=(Target("regional_spending", +1, residents=3000, days=180, sections=_SCARCE_STREET_BUDGET),
             Target("lift_resolution_rate", +1, residents=4000, days=365, sections=_SCARCE_STREET_BUDGET)),
    costs={("regional_fund", "fixes"): False, ("street_staff", "regional draws"): False},
    free={"pool_per_10k": 0.0},
)
