"""Devolved approval power and funds (服务机制; the article, part 2(1), docs/article.md#part-2-1:
赋予和下放基层党组织一定的项目审批权、资金使用权).

Rule (who may act): community (and area) handlers may decide ``extra_categories`` that
otherwise need the street or a department. Funds are moved, not created: a share
``budget_transfer_share`` of the street's daily budget is given to the communities, in equal
parts.

Null variant: the money is moved, the authority is not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import Field, field_validator

from sim.mechanisms.base import Mechanism, MechanismParams
from sim.vocab import CATEGORIES, Kind

if TYPE_CHECKING:
    from sim.model import GovernanceModel
    from sim.rules import Rules


class Params(MechanismParams):
    extra_categories: tuple[str, ...] = Field(("lift_renovation", "parking", "public_safety"), description="Categories the community may decide on once authority is devolved.")
    budget_transfer_share: float = Field(0.3, ge=0, le=1, description="Share of the street's daily budget moved to the communities (devolved funds).")

    @field_validator("extra_categories")
    @classmethod
    def _known(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        bad = [c for c in value if c not in CATEGORIES]
        if bad:
            raise ValueError(f"unknown categories {bad}; known: {list(CATEGORIES)}")
        return value


def configure(rules: Rules, p: Params) -> None:
    """Community (and area) handlers may decide ``extra_categories``."""
    if p.rule:
        for cat in p.extra_categories:
            rules.authority[Kind.COMMUNITY, CATEGORIES.index(cat)] = True
            rules.authority[Kind.AREA, CATEGORIES.index(cat)] = True


def transfer(model: GovernanceModel, p: Params) -> None:
    """Move ``budget_transfer_share`` of the street's daily budget to the communities."""
    street, community = model.pools["street_budget"], model.pools["community_budget"]
    moved = float(street.rate[0]) * p.budget_transfer_share
    street.move_rate(np.array([-moved]))
    community.move_rate(np.full(len(community.rate), moved / len(community.rate)))


MECHANISM = Mechanism(
    key="devolved_authority",
    article=('part-2-1',),
    summary="Devolved approval power and funds",
    source="the article, part 2(1)",
    params=Params,
    configure=configure,
    hooks={"setup": transfer},
)
