"""Closed-loop suggestion channel (服务机制, seed §2(一): Shanghai's 建议—采纳—反馈 loop, 98.5%
of important suggestions adopted).

Rule: every reporter whose issue closes is told the outcome (instead of with the base
``capacity.feedback_probability``), and a share of reporters' suggestions is adopted, which
residents perceive as being heard. Being heard enters perceived performance through
``behaviour.voice_weight``; trust then moves by expectancy-disconfirmation. Each feedback
costs staff hours.
"""

from __future__ import annotations

from pydantic import Field

from sim.mechanisms.base import Mechanism, MechanismParams


class Params(MechanismParams):
    feedback_probability: float = Field(1.0, ge=0, le=1, description="Probability a reporter is told the outcome when the issue closes.")
    adoption_rate: float = Field(0.985, ge=0, le=1, description="Share of reporters' suggestions adopted (Shanghai: 98.3–98.5%).")
    hours_per_feedback: float = Field(0.25, ge=0, le=10, description="Staff hours a feedback call or visit costs.")


MECHANISM = Mechanism(
    key="service_closed_loop",
    summary="Closed-loop suggestion channel",
    source="spec §4 row A; §2(一)",
    params=Params,
)
