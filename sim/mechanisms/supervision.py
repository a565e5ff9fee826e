"""Supervision and accountability (P3, seed §3(三): against 形式主义 and 面子工程).

Rule: under supervision a handler under pressure closes on paper less often, and a share
of closures is audited; an audited paper closure is reopened and returned to the handler.
"""

from __future__ import annotations

from pydantic import Field

from sim.mechanisms.base import Mechanism, MechanismParams


class Params(MechanismParams):
    pressure_multiplier: float = Field(0.3, ge=0, le=1, description="Multiplier on the probability of a paper closure under pressure.")
    audit_rate: float = Field(0.2, ge=0, le=1, description="Share of closures audited.")
    hours_per_audit: float = Field(0.5, ge=0, le=24, description="Hours an audit costs.")


MECHANISM = Mechanism(
    key="supervision",
    summary="Supervision and accountability",
    source="spec §4 row P3; §3(三)",
    params=Params,
)
