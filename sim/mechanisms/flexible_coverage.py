"""Flexible party-organisation coverage (整合机制 and P2, seed §2(三): 单独创建、联合组建、区域联建、行业统建).

Rule: party organisations reach new economic and social organisations, and through them
migrants and gig workers: each party member forms acquaintance ties with uncovered
migrant or gig residents of the community, which vanguard detection and outreach then use.
"""

from __future__ import annotations

from pydantic import Field

from sim.mechanisms.base import Mechanism, MechanismParams


class Params(MechanismParams):
    ties_per_member: float = Field(3.0, ge=0, le=50, description="New ties per party member to migrant and gig residents.")
    tie_strength: float = Field(0.4, ge=0, le=1, description="Strength of a coverage tie.")


MECHANISM = Mechanism(
    key="flexible_coverage",
    summary="Flexible party-organisation coverage",
    source="spec §4 row C, P2; §2(三)",
    params=Params,
)
