"""Supervision and accountability.

*Article.* [Part 3(3)](article.md#part-3-3): top-down inspection (督查) and accountability (问责)
against 形式主义 (formalism), 官僚主义 (bureaucratism) and 面子工程 (face projects), made routine.

*Rule (an added action that costs time, and what agents know).* Each morning (`detect` phase) the
street office sets out to audit each of the previous day's closures by handlers and takeovers
(not self-governance) with probability `audit_rate`, as its hours allow. An audit finds a paper
closure, or a reply to a request the street could have fixed, with probability `sensitivity`
(a reply to a request outside the street's authority is a proper answer); the issue is reopened (`FALSE_CLOSED` → `QUEUED`), returned
to the same handler's queue keeping its place, and ready the same day. The reporter has already
experienced the closure the day before; a later resolution is a new experience. Handlers know how
often closures were audited over the last `memory_days` days: the audit risk is `sensitivity` ×
audits made / closures, one figure for the street, and a handler under pressure closes on paper
with `capacity.false_closure_pressure` × (1 − audit risk), and a handler whose attempt failed closes
it by reply with `capacity.reply_closure` × (1 − audit risk) (deterrence, Becker 1968; 7.1.9). The
deterrence follows the audits actually made, so audits the street office has no hours for deter
nobody (expectation 6b).

*Costs.* `hours_per_audit` of street staff per audit.

*Null variant.* Audits are made and paid for; findings are filed, nothing is reopened and handlers
perceive no risk.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import Field

from sim.issues import Status
from sim.lifecycle import closed_today
from sim.mechanisms.base import LOW_CAPACITY, Mechanism, MechanismParams, Target

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
    # A paper closure, or a reply to a request the street could have fixed (形式主义); a reply
    # to a request outside its authority is a proper answer.
    wrong = (iss.status[audited] == Status.FALSE_CLOSED) & ~iss.outside[audited]
    caught = audited[wrong & (rng.random(len(audited)) < p.sensitivity)]
    iss.move(caught, Status.QUEUED)
    iss.by_reply[caught] = False
    iss.callback_resolved[caught] = False
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
    targets=(Target("issues_reopened", +1, residents=3000, days=180, sections=LOW_CAPACITY),
             Target("false_closure_rate", -1, params={"audit_rate": 0.4}, residents=3000, days=180,
                    sections=LOW_CAPACITY),
             Target("reply_closure_rate", -1, params={"audit_rate": 0.4}, residents=3000, days=180,
                    sections={"capacity": {"reply_closure": 0.5, "resolve_quality": 0.7}})),
    costs={("street_staff", "audits"): True},
    free={"hours_per_audit": 0.0},
)
