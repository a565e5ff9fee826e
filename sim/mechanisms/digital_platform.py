"""Digital platforms (驱动机制, seed §2(二): 一网协同, 楼长上报, 社区云, 数字预案 break information silos).

Rule: a resident's access to a reporting channel becomes the better of the offline
channel and a digital one scaled by the resident's digital literacy; intake routes
directly with higher accuracy; shared case records shorten each hand-off.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from sim.mechanisms.base import Mechanism, MechanismParams

if TYPE_CHECKING:
    from sim.model import GovernanceModel
    from sim.rules import Rules


class Params(MechanismParams):
    digital_access: float = Field(1.0, ge=0, le=1, description="Channel access of a fully digitally literate resident through the platform.")
    routing_accuracy: float = Field(0.9, ge=0, le=1, description="Probability the platform routes a report to a handler with authority.")
    handoff_days: float = Field(0.5, ge=0, le=60, description="Days a hand-off takes with shared case records.")
    budget_per_day: float = Field(0.2, ge=0, le=1000, description="Budget units the platform costs per community per day.")


def configure(rules: Rules, p: Params) -> None:
    """A digital channel, direct routing and shared case records."""
    rules.digital_access = max(rules.digital_access, p.digital_access)
    rules.routing_accuracy = max(rules.routing_accuracy, p.routing_accuracy)
    rules.handoff_days = min(rules.handoff_days, p.handoff_days)


def running_cost(model: GovernanceModel, p: Params) -> None:
    """The platform's running cost, per community and day."""
    model.ledger.add("budget", p.budget_per_day * model.pop.n_communities)


MECHANISM = Mechanism(
    key="digital_platform",
    article=('part-2-2',),
    summary="Digital platforms",
    source="spec §4 row B; §2(二)",
    params=Params,
    configure=configure,
    hooks={"route": running_cost},
)
