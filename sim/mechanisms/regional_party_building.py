"""Regional party-building (整合机制, seed §2(三): 区域化党建 pools resources of units in a region).

Rule: resident units and enterprises pay into a shared pool; a handler short of budget
for a resource-heavy issue (cost at least ``resource_threshold``) draws its full cost from the pool, first come first served.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from sim.mechanisms.base import Mechanism, MechanismParams

if TYPE_CHECKING:
    from sim.rules import Rules


class Params(MechanismParams):
    pool_per_10k: float = Field(6.0, ge=0, le=1e6, description="Budget units the member units pool per day, per 10,000 residents.")
    resource_threshold: float = Field(2.0, ge=0, le=1e6, description="Cost from which an issue may draw on the pool.")


def configure(rules: Rules, p: Params) -> None:
    """Member units pool resources that resource-heavy issues may draw on."""
    rules.pool_per_10k = p.pool_per_10k
    rules.pool_threshold = p.resource_threshold


MECHANISM = Mechanism(
    key="regional_party_building",
    article=('part-2-3',),
    summary="Regional party-building",
    source="spec §4 row C; §2(三)",
    params=Params,
    configure=configure,
)
