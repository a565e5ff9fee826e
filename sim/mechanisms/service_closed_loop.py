"""Closed-loop suggestion channel (服务机制; the article, part 2(1), docs/article.md#part-2-1:
Shanghai's 建议—采纳—反馈 loop, 98.5% of important suggestions adopted).

Rule (what agents know): every reporter whose issue a handler closes is to get a follow-up
call telling the outcome (instead of the base ``capacity.feedback_probability``), and a share
``adoption_rate`` of the told reporters' suggestions is adopted. A call takes grid-worker
hours (``capacity.hours_per_feedback``), an adopted suggestion community-staff hours; calls
and adoptions the pools cannot pay today are not made. Being told and being adopted enter
perceived performance through ``behaviour.voice_weight``; trust then moves only by
expectancy-disconfirmation of that experience.

Null variant: the extra calls and adoptions are paid for, and residents learn nothing from
them (the feedback rule stays at its base).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import Field

from sim.lifecycle import closed_today
from sim.mechanisms.base import Mechanism, MechanismParams

if TYPE_CHECKING:
    from sim.model import GovernanceModel
    from sim.rules import Rules


class Params(MechanismParams):
    feedback_probability: float = Field(1.0, ge=0, le=1, description="Probability a handler asks for a follow-up call when it closes an issue.")
    adoption_rate: float = Field(0.5, ge=0, le=1, description="Share of told reporters whose suggestion is adopted (assumption; Shanghai's 98.3-98.5% is over important suggestions forwarded by the suggestion office, an upper bound).")
    hours_per_adoption: float = Field(0.5, ge=0, le=24, description="Community-staff hours to process an adopted suggestion.")


def configure(rules: Rules, p: Params) -> None:
    """Every closure is fed back; suggestions are adopted at ``adoption_rate``."""
    if p.rule:
        rules.feedback_probability = max(rules.feedback_probability, p.feedback_probability)
        rules.adoption_rate = p.adoption_rate
        rules.adoption_hours = p.hours_per_adoption


def null_costs(model: GovernanceModel, p: Params) -> None:
    """Null variant: spend the hours the extra calls and adoptions would take."""
    if p.rule:
        return
    closed = closed_today(model)
    comm = model.pop.community[model.issues.reporter[closed]]
    extra = max(p.feedback_probability - model.rules.feedback_probability, 0.0)
    per_comm = np.bincount(comm, minlength=model.pop.n_communities).astype(np.float64)
    model.pools["grid_workers"].draw_upto(per_comm * extra * model.rules.hours_per_feedback, "feedback calls")
    model.pools["community_staff"].draw_upto(per_comm * p.feedback_probability * p.adoption_rate * p.hours_per_adoption,
                                             "adopting suggestions")


MECHANISM = Mechanism(
    key="service_closed_loop",
    article=('part-2-1',),
    summary="Closed-loop suggestion channel",
    source="the article, part 2(1)",
    params=Params,
    configure=configure,
    hooks={"close": null_costs},
)
