"""Supervision and accountability (path 3(3); the article, part 3(3),
docs/article.md#part-3-3: inspection and accountability against 形式主义 and 面子工程).

Rule (an added action that costs time, and what agents know): each morning the street
office audits a share ``audit_rate`` of the previous day's closures, a planned duty that
comes before its casework (after the hours held back for today's queued cases, with
``capacity.casework_first``), as its hours allow (``hours_per_audit`` each);
an audit finds a paper closure with probability ``sensitivity``, and the issue is reopened
and returned to its handler. Handlers know how often closures were audited over the last
``memory_days`` days: a handler under pressure closes on paper with
``capacity.false_closure_pressure`` × (1 − the chance a paper closure is found), a
deterrence rule (Becker 1968) whose size follows from the audits actually made.

Null variant: audits are made and paid for; findings are filed and nothing follows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import Field

from sim.issues import Status
from sim.lifecycle import closed_today
from sim.mechanisms.base import Mechanism, MechanismParams

if TYPE_CHECKING:
    from sim.model import GovernanceModel


class Params(MechanismParams):
    audit_rate: float = Field(0.2, ge=0, le=1, description="Share of closures the street office sets out to audit.")
    hours_per_audit: float = Field(0.5, ge=0, le=24, description="Street-staff hours an audit takes.")
    sensitivity: float = Field(0.8, ge=0, le=1, description="Probability an audit finds a paper closure.")
    memory_days: int = Field(30, ge=1, le=365, description="Days over which handlers judge how often closures are audited.")


def audit(model: GovernanceModel, p: Params) -> None:
    """Audit yesterday's closures as hours allow; reopen paper closures found; update what
    handlers expect."""
    iss, day = model.issues, model.day
    rng = model.rng_of("supervision")
    today = closed_today(model, day - 1)
    chosen = today[rng.random(len(today)) < p.audit_rate]
    done = model.pools["street_staff"].draw(np.zeros(len(chosen), np.int64), np.full(len(chosen), p.hours_per_audit),
                                            "audits") > 0
    done |= p.hours_per_audit == 0
    audited = chosen[done]
    history = model.mechanism_state.setdefault("supervision", [])
    history.append((len(audited), len(today)))
    del history[:-p.memory_days]
    if not p.rule:
        return
    caught = audited[(iss.status[audited] == Status.FALSE_CLOSED) & (rng.random(len(audited)) < p.sensitivity)]
    iss.move(caught, Status.QUEUED)
    iss.day_closed[caught] = -1
    iss.reopened[caught] += 1
    iss.ready_day[caught] = day
    n_audited, n_closed = (sum(x) for x in zip(*history))
    model.audit_risk = p.sensitivity * n_audited / n_closed if n_closed else 0.0


MECHANISM = Mechanism(
    key="supervision",
    article=('part-3-3',),
    summary="Supervision and accountability",
    source="the article, part 3(3)",
    params=Params,
    hooks={"detect": audit},
)
