"""Digital platforms (驱动机制).

*Article.* [Part 2(2)](article.md#part-2-2): 一网协同 (one network for coordinated handling),
楼长上报 (building heads report), 社区云 (community cloud) and 数字预案 (digital plans) break
information islands (信息孤岛) and solve problems "at low cost and in a short time".

*Rule.* (a) What a channel costs: each resident's channel access becomes the larger of their
group's offline access and `digital_access` × their digital literacy, so literate migrants and gig
workers gain most and the elderly least. (b) What agents know: reports the platform dispatches are
routed with routing accuracy at least `routing_accuracy`, an institutional "probability X falls"
rule whose size is an assumption (the platform dispatches by a category-to-office table, so errors
remain only where the table is wrong); (c) shared case records cut every hand-off to at most
`handoff_days`, for all reassignments.

*Costs.* The running cost is a declared new resource: `funding_per_community_day` per community
fills the `platform_fund`, which the running cost spends each day. Each report dispatched takes
street staff `dispatch_hours` (route phase); reports the street staff cannot dispatch today are
routed the old way.

*Null variant.* The platform is funded and staff dispatch; no rule changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import Field

from sim.issues import Status
from sim.mechanisms.base import Mechanism, MechanismParams, Target, pay_running_cost

if TYPE_CHECKING:
    from sim.model import GovernanceModel
    from sim.rules import Rules


class Params(MechanismParams):
    digital_access: float = Field(1.0, ge=0, le=1, description="Channel access of a fully digitally literate resident through the platform.")
    routing_accuracy: float = Field(0.9, ge=0, le=1, description="Probability the platform dispatches a report to a handler with authority (assumption).")
    handoff_days: float = Field(0.5, ge=0, le=60, description="Days a hand-off takes with shared case records.")
    funding_per_community_day: float = Field(0.2, ge=0, le=1000, description="Budget units per community per day funding the platform's running cost (a declared new resource).")
    dispatch_hours: float = Field(0.1, ge=0, le=10, description="Street-staff hours to dispatch one report on the platform.")


def configure(rules: Rules, p: Params) -> None:
    """A digital channel, dispatch by the platform and shared case records."""
    rules.platform_funding_per_day += p.funding_per_community_day
    if p.rule:
        rules.digital_access = max(rules.digital_access, p.digital_access)
        rules.platform_accuracy = max(rules.platform_accuracy, p.routing_accuracy)
        rules.handoff_days = min(rules.handoff_days, p.handoff_days)


def platform_routing(model: GovernanceModel, p: Params, accuracy: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Reports the platform dispatched are routed with the platform's accuracy (``rules.platform_accuracy``:
    its ``routing_accuracy``, which responsibility lists may raise)."""
    return np.where(model.issues.via_platform[ids], model.rules.platform_accuracy, accuracy)


def dispatch(model: GovernanceModel, p: Params) -> None:
    """Pay the running cost; dispatch today's reports as street-staff hours allow."""
    pay_running_cost(model, p.funding_per_community_day, "platform running cost")
    ids = model.issues.ids_with(Status.REPORTED)
    if len(ids) == 0:
        return
    sent = model.pools["street_staff"].draw(np.zeros(len(ids), np.int64), np.full(len(ids), p.dispatch_hours),
                                            "platform dispatch") > 0
    if p.rule:
        model.issues.via_platform[ids[sent | (p.dispatch_hours == 0)]] = True


MECHANISM = Mechanism(
    key="digital_platform",
    article=('part-2-2',),
    summary="Digital platforms",
    source="the article, part 2(2)",
    params=Params,
    configure=configure,
    hooks={"route": dispatch},
    decides={"routing_accuracy": platform_routing},
    targets=(Target("self_report_share_digital_gainers", +1),
             Target("reassignments_per_issue", -1, residents=4000, days=180)),
    costs={("platform_fund", "platform running cost"): True, ("street_staff", "platform dispatch"): True},
    free={"funding_per_community_day": 0.0, "dispatch_hours": 0.0},
)
