"""Responsibility, task and problem lists (P3, seed §3(三): 权责清单/事务清单/问题清单 against 推诿扯皮).

Rule: clear jurisdiction makes the first routing correct more often and lowers the chance
that a handler with authority refers an issue on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from sim.mechanisms.base import Mechanism, MechanismParams

if TYPE_CHECKING:
    from sim.model import GovernanceModel
    from sim.rules import Rules


class Params(MechanismParams):
    routing_accuracy: float = Field(0.95, ge=0, le=1, description="Probability of a correct first routing with lists.")
    buck_passing: float = Field(0.03, ge=0, le=1, description="Probability a handler with authority still refers the issue on.")
    hours_per_day: float = Field(1.0, ge=0, le=100, description="Staff hours per community per day to keep the lists current.")


def configure(rules: Rules, p: Params) -> None:
    """Clear jurisdiction: better first routing, less buck-passing."""
    rules.routing_accuracy = max(rules.routing_accuracy, p.routing_accuracy)
    rules.buck_passing = min(rules.buck_passing, p.buck_passing)


def upkeep(model: GovernanceModel, p: Params) -> None:
    """Keeping the lists current costs staff hours."""
    model.ledger.add("staff_hours", p.hours_per_day * model.pop.n_communities)


MECHANISM = Mechanism(
    key="responsibility_lists",
    article=('part-3-3',),
    summary="Responsibility, task and problem lists",
    source="spec §4 row P3; §3(三)",
    params=Params,
    configure=configure,
    hooks={"route": upkeep},
)
