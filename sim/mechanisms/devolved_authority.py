"""Devolved approval power and funds (服务机制, seed §2(一): 赋予和下放基层党组织一定的项目审批权、资金使用权).

Rule: the community handler gains authority over extra categories and a larger daily
budget, so issues it previously had to escalate it may decide itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field, field_validator

from sim.mechanisms.base import Mechanism, MechanismParams
from sim.vocab import CATEGORIES, Kind

if TYPE_CHECKING:
    from sim.rules import Rules


class Params(MechanismParams):
    extra_categories: tuple[str, ...] = Field(("lift_renovation", "parking", "public_safety"), description="Categories the community may decide on once authority is devolved.")
    budget_multiplier: float = Field(3.0, ge=1, le=100, description="Multiplier on the community's daily budget (devolved funds).")

    @field_validator("extra_categories")
    @classmethod
    def _known(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        bad = [c for c in value if c not in CATEGORIES]
        if bad:
            raise ValueError(f"unknown categories {bad}; known: {list(CATEGORIES)}")
        return value


def configure(rules: Rules, p: Params) -> None:
    """Community (and area) handlers may decide ``extra_categories``; their budget grows."""
    for cat in p.extra_categories:
        rules.authority[Kind.COMMUNITY, CATEGORIES.index(cat)] = True
        rules.authority[Kind.AREA, CATEGORIES.index(cat)] = True
    rules.community_budget_per_day *= p.budget_multiplier


MECHANISM = Mechanism(
    key="devolved_authority",
    article=('part-2-1',),
    summary="Devolved approval power and funds",
    source="spec §4 row A; §2(一)",
    params=Params,
    configure=configure,
)
