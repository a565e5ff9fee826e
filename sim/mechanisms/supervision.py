"""Supervision and accountability (P3, seed §3(三): against 形式主义 and 面子工程).

Rule: under supervision a handler under pressure closes on paper less often, and a share
of closures is audited; an audited paper closure is reopened and returned to the handler.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from sim.issues import Status
from sim.mechanisms.base import Mechanism, MechanismParams

if TYPE_CHECKING:
    from sim.model import GovernanceModel
    from sim.rules import Rules


class Params(MechanismParams):
    pressure_multiplier: float = Field(0.3, ge=0, le=1, description="Multiplier on the probability of a paper closure under pressure.")
    audit_rate: float = Field(0.2, ge=0, le=1, description="Share of closures audited.")
    hours_per_audit: float = Field(0.5, ge=0, le=24, description="Hours an audit costs.")


def configure(rules: Rules, p: Params) -> None:
    """Accountability lowers the temptation to close on paper under pressure."""
    rules.false_closure_pressure *= p.pressure_multiplier


def audit(model: GovernanceModel, p: Params) -> None:
    """Audit a share of today's closures; reopen the paper closures found."""
    iss, day = model.issues, model.day
    today = iss.ids_with(Status.RESOLVED, Status.FALSE_CLOSED)
    today = today[(iss.day_closed[today] == day) & ~iss.self_resolved[today]]
    audited = today[model.streams.handling.random(len(today)) < p.audit_rate]
    model.ledger.add("staff_hours", len(audited) * p.hours_per_audit)
    caught = audited[iss.status[audited] == Status.FALSE_CLOSED]
    iss.move(caught, Status.QUEUED)
    iss.day_closed[caught] = -1
    iss.reopened[caught] += 1
    iss.ready_day[caught] = day + 1


MECHANISM = Mechanism(
    key="supervision",
    article=('part-3-3',),
    summary="Supervision and accountability",
    source="spec §4 row P3; §3(三)",
    params=Params,
    configure=configure,
    hooks={"close": audit},
)
