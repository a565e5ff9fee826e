"""Digital platforms (驱动机制, seed §2(二): 一网协同, 楼长上报, 社区云, 数字预案 break information silos).

Rule: a resident's access to a reporting channel becomes the better of the offline
channel and a digital one scaled by the resident's digital literacy; intake routes
directly with higher accuracy; shared case records shorten each hand-off.
"""

from __future__ import annotations

from pydantic import Field

from sim.mechanisms.base import Mechanism, MechanismParams


class Params(MechanismParams):
    digital_access: float = Field(1.0, ge=0, le=1, description="Channel access of a fully digitally literate resident through the platform.")
    routing_accuracy: float = Field(0.9, ge=0, le=1, description="Probability the platform routes a report to a handler with authority.")
    handoff_days: float = Field(0.5, ge=0, le=60, description="Days a hand-off takes with shared case records.")
    budget_per_day: float = Field(0.2, ge=0, le=1000, description="Budget units the platform costs per community per day.")


MECHANISM = Mechanism(
    key="digital_platform",
    summary="Digital platforms",
    source="spec §4 row B; §2(二)",
    params=Params,
)
