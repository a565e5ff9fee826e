"""Street whistles, departments report (整合机制, seed §2(三): 街乡吹哨、部门报到; 事权归街道、指挥在社区).

Rule: an issue needing more than one department is not referred from department to
department; the street office summons all of them at once and they must report within
``deadline_days``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from sim.mechanisms.base import Mechanism, MechanismParams
from sim.vocab import Kind

if TYPE_CHECKING:
    from sim.rules import Rules


class Params(MechanismParams):
    deadline_days: float = Field(3.0, ge=0, le=60, description="Days within which summoned departments must report.")
    hours_per_summons: float = Field(2.0, ge=0, le=100, description="Department hours one summons costs each department.")


def configure(rules: Rules, p: Params) -> None:
    """Cross-department issues belong to the street office, which summons departments."""
    rules.whistle = True
    rules.active[Kind.STREET] = True
    rules.whistle_deadline = p.deadline_days
    rules.hours_per_summons = p.hours_per_summons


MECHANISM = Mechanism(
    key="whistle_summon",
    article=('part-2-3', 'part-2-1'),
    summary="Street whistles, departments report",
    source="spec §4 row C; §2(三)",
    params=Params,
    configure=configure,
)
