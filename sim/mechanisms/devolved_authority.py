"""Devolved approval power and funds (服务机制, seed §2(一): 赋予和下放基层党组织一定的项目审批权、资金使用权).

Rule: the community handler gains authority over extra categories and a larger daily
budget, so issues it previously had to escalate it may decide itself.
"""

from __future__ import annotations

from pydantic import Field

from sim.mechanisms.base import Mechanism, MechanismParams


class Params(MechanismParams):
    extra_categories: tuple[str, ...] = Field(("lift_renovation", "parking", "public_safety"), description="Categories the community may decide on once authority is devolved.")
    budget_multiplier: float = Field(3.0, ge=1, le=100, description="Multiplier on the community's daily budget (devolved funds).")


MECHANISM = Mechanism(
    key="devolved_authority",
    summary="Devolved approval power and funds",
    source="spec §4 row A; §2(一)",
    params=Params,
)
