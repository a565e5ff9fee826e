"""Vanguard party members (整合机制, seed §2(三): 先锋党员 … 个人带动网络、网络整合资源、资源辐射治理).

Rule: a party member notices a close or acquainted neighbour's latent issue with a daily
probability per tie (weighted by tie strength) and reports it; members also mobilise their
ties as volunteer capacity at compound level for simple issues.
"""

from __future__ import annotations

from pydantic import Field

from sim.mechanisms.base import Mechanism, MechanismParams


class Params(MechanismParams):
    notice_probability: float = Field(0.08, ge=0, le=1, description="Daily probability of noticing a neighbour's latent issue, per unit tie strength.")
    volunteer_cases_per_member: float = Field(0.05, ge=0, le=10, description="Simple cases a member's volunteer network handles per day.")
    hours_per_day: float = Field(0.5, ge=0, le=24, description="Hours a member spends on linkage per day.")


MECHANISM = Mechanism(
    key="vanguard_linkage",
    summary="Vanguard party members",
    source="spec §4 row C; §2(三)",
    params=Params,
)
