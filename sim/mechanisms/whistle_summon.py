"""Street whistles, departments report (整合机制; the article, parts 2(3) and 2(1),
docs/article.md#part-2-3: 街乡吹哨、部门报到; 事权归街道、指挥在社区).

Rule (who may act): when the street office takes up an issue that needs two departments, it
summons both at once instead of referring the issue to one department after the other.
Summoned departments do their parts before their other cases (the deadline gives them
priority), each part taking a department case's hours from that department's pool; how
fast the issue is resolved then depends on the departments' hours, not on a set deadline.
The street office closes the issue when both parts are done.

Costs: organising a summons takes the street office ``hours_per_summons`` on top of its case
hours when it takes the issue up (the attempt waits until it has them).

Null variant: the street office spends the summons hours, then refers the issue on
sequentially as without the mechanism.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from sim.mechanisms.base import Mechanism, MechanismParams

if TYPE_CHECKING:
    from sim.rules import Rules


class Params(MechanismParams):
    hours_per_summons: float = Field(2.0, ge=0, le=100, description="Street-staff hours to organise one summons (calls, the joint site meeting).")


def configure(rules: Rules, p: Params) -> None:
    """Cross-department issues taken up by the street office are summoned, not referred."""
    rules.summons_hours = p.hours_per_summons
    rules.summons = p.rule


MECHANISM = Mechanism(
    key="whistle_summon",
    article=('part-2-3', 'part-2-1'),
    summary="Street whistles, departments report",
    source="the article, parts 2(3) and 2(1)",
    params=Params,
    configure=configure,
)
