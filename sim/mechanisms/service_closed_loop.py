"""Closed-loop suggestion channel (服务机制).

*Article.* [Part 2(1)](article.md#part-2-1): Shanghai's people's-suggestion mailboxes and the
建议—采纳—反馈 (suggestion → adoption → feedback) loop, with 98.5% of important forwarded
suggestions adopted (a screened subset).

*Rule (what agents know).* The loop's aim is that every reporter hears back: the probability that a
closure by a handler or takeover is followed up becomes at least `feedback_probability`, and a told
reporter's suggestion is adopted with probability `adoption_rate` (an assumption; the Shanghai
figure is an upper bound). Being told with a suggestion adopted is full voice, being told only half
(7.1.10); trust moves only by expectancy-disconfirmation of that experience. Handling and resolution
are untouched, so the effect on trust isolates procedural voice (expectation 7). Every closed issue
is taken to carry a suggestion.

*Costs.* Each call takes grid workers `capacity.hours_per_feedback` (the baseline's use "feedback
calls", more of it); each adoption takes community staff `hours_per_adoption`. Calls and adoptions
the pools cannot pay today are not made.

*Null variant.* In the `close` phase the hours the extra calls and adoptions would take are spent
(expected amounts per community from today's closures); the feedback rule stays at its base.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import Field

from sim.lifecycle import closed_today
from sim.mechanisms.base import Mechanism, MechanismParams, Target

if TYPE_CHECKING:
    from sim.model import GovernanceModel
    from sim.rules import Rules


class Params(MechanismParams):
    feedback_probability: float = Field(1.0, ge=0, le=1, description="Probability a handler asks for a follow-up call when it closes an issue.")
    adoption_rate: float = Field(0.5, ge=0, le=1, description="Share of told reporters whose suggestion is adopted (assumption; Shanghai's 98.3-98.5% is over important suggestions forwarded by the suggestion office, an upper bound).")
    hours_per_adoption: float = Field(0.5, ge=0, le=24, description="Community-staff hours to process an adopted suggestion.")


def configure(rules: Rules, p: Params) -> None:
    """Every closure is fed back."""
    if p.rule:
        rules.feedback_probability = max(rules.feedback_probability, p.feedback_probability)


def adopt(model: GovernanceModel, p: Params, adopted: np.ndarray, closed: np.ndarray, told: np.ndarray,
          u: np.ndarray, comm: np.ndarray) -> np.ndarray:
    """A told reporter's suggestion is adopted with ``adoption_rate`` (``u``: the core's uniform
    per closure), as community staff have the hours to process it."""
    if not p.rule:
        return adopted
    proposed = np.flatnonzero(told & (u < p.adoption_rate))
    if len(proposed):
        adopted[proposed] = model.pools["community_staff"].draw(
            comm[proposed], np.full(len(proposed), p.hours_per_adoption), "adopting suggestions") > 0
        adopted[proposed] |= p.hours_per_adoption == 0
    return adopted


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
    decides={"adopt": adopt},
    hooks={"close": null_costs},
    targets=(Target("feedback_share", +1), Target("heard_mean", +1)),
    costs={("grid_workers", "feedback calls"): True, ("community_staff", "adopting suggestions"): True},
    free={"feedback_probability": 0.0, "adoption_rate": 0.0},
)
