"""Regional party-building (整合机制; the article, part 2(3), docs/article.md#part-2-3:
区域化党建 pools resources of units in a region).

Rule (who may act, with pooled resources): a handler short of budget for a resource-heavy
issue (cost at least ``resource_threshold``) may draw its full cost from the regional fund,
first come first served; each draw takes the street office ``hours_per_draw`` to arrange.

Resources: the fund is a declared new resource, paid in by member units and enterprises
(``pool_per_10k`` budget units a day per 10,000 residents), so that a budget-matched control
can give the baseline the same money.

Null variant: the units pay in, but no handler may draw on the fund.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from sim.mechanisms.base import Mechanism, MechanismParams

if TYPE_CHECKING:
    from sim.rules import Rules


class Params(MechanismParams):
    pool_per_10k: float = Field(6.0, ge=0, le=1e6, description="Budget units member units pay into the fund per day, per 10,000 residents (a declared new resource).")
    resource_threshold: float = Field(2.0, ge=0, le=1e6, description="Cost from which an issue may draw on the fund.")
    hours_per_draw: float = Field(1.0, ge=0, le=100, description="Street-staff hours to arrange one draw on the fund.")


def configure(rules: Rules, p: Params) -> None:
    """Member units pay into a fund that resource-heavy issues may draw on."""
    rules.pool_per_10k = p.pool_per_10k
    if p.rule:
        rules.pool_threshold = p.resource_threshold
        rules.regional_hours = p.hours_per_draw


MECHANISM = Mechanism(
    key="regional_party_building",
    article=('part-2-3',),
    summary="Regional party-building",
    source="the article, part 2(3)",
    params=Params,
    configure=configure,
)
