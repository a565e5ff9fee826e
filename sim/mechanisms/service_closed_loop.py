"""Closed-loop suggestion channel (服务机制, seed §2(一): Shanghai's 建议—采纳—反馈 loop, 98.5%
of important suggestions adopted).

Rule: every reporter whose issue closes is told the outcome (instead of with the base
``capacity.feedback_probability``), and a share of reporters' suggestions is adopted, which
residents perceive as being heard. Being heard enters perceived performance through
``behaviour.voice_weight``; trust then moves by expectancy-disconfirmation. Each feedback
costs ``capacity.hours_per_feedback`` staff hours.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from sim.mechanisms.base import Mechanism, MechanismParams

if TYPE_CHECKING:
    from sim.rules import Rules


class Params(MechanismParams):
    feedback_probability: float = Field(1.0, ge=0, le=1, description="Probability a reporter is told the outcome when the issue closes.")
    adoption_rate: float = Field(0.985, ge=0, le=1, description="Share of reporters' suggestions adopted (Shanghai: 98.3–98.5%).")


def configure(rules: Rules, p: Params) -> None:
    """Every closure is fed back; suggestions are adopted at ``adoption_rate``."""
    rules.feedback_probability = p.feedback_probability
    rules.adoption_rate = p.adoption_rate


MECHANISM = Mechanism(
    key="service_closed_loop",
    article=('part-2-1',),
    summary="Closed-loop suggestion channel",
    source="spec §4 row A; §2(一)",
    params=Params,
    configure=configure,
)
