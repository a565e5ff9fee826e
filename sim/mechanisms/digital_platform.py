"""Digital platforms (驱动机制; the article, part 2(2), docs/article.md#part-2-2: 一网协同,
楼长上报, 社区云, 数字预案 break information silos).

Rules: (what a channel costs) a resident's access to a reporting channel becomes the better
of the offline channel and a digital one scaled by the resident's digital literacy;
(what agents know) reports the platform dispatches are routed with the platform's accuracy,
and shared case records shorten each hand-off to ``handoff_days``. The routing accuracy is
an institutional "probability X falls" rule: its size is an assumption (the platform
dispatches by a category-to-office table, so errors remain only where the table is wrong).

Costs: the platform's running cost is a declared new resource (``funding_per_community_day``
fills the ``platform_fund`` pool, which the running cost spends), and each dispatch takes
the street office ``dispatch_hours``; reports it cannot dispatch today are routed the old way.

Null variant: the platform is funded and staff dispatch, but no rule changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import Field

from sim.issues import Status
from sim.mechanisms.base import Mechanism, MechanismParams, pay_running_cost

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
)
