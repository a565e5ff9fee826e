"""Leadership intensity (optimisation path P1, seed §3(一): balance 引领观 and 治理观; neither 大包大揽 nor laissez-faire).

Rule: the party organisation devotes a share ``level`` of its members' steering hours to
collective (building- and compound-scope) issues. It takes over that share of collective
issues itself, which residents then neither work on nor gain efficacy from (crowding
out), and spends the remaining steering hours coordinating residents who self-govern the
rest. Residents self-resolve a collective issue only with coordination and enough
participating neighbours.
"""

from __future__ import annotations

from pydantic import Field

from sim.mechanisms.base import Mechanism, MechanismParams


class Params(MechanismParams):
    level: float = Field(0.5, ge=0, le=1, description="Share of steering effort and of collective issues the party organisation takes over.")
    hours_per_member: float = Field(0.5, ge=0, le=24, description="Steering hours a party member gives per day at full intensity.")
    hours_per_takeover: float = Field(6.0, ge=0, le=200, description="Party hours to resolve a collective issue by takeover.")
    hours_per_coordination: float = Field(2.0, ge=0, le=200, description="Party hours to coordinate one self-governed issue for a day.")
    crowd_out: float = Field(0.03, ge=0, le=1, description="Efficacy a resident loses when a collective issue of theirs is taken over.")


MECHANISM = Mechanism(
    key="leadership_intensity",
    summary="Leadership intensity",
    source="spec §4 row P1; §3(一)",
    params=Params,
)
