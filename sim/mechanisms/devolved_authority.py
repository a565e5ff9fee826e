"""Devolved approval power and funds (服务机制).

*Article.* [Part 2(1)](article.md#part-2-1): 赋予和下放基层党组织一定的项目审批权、资金使用权
(devolve some project approval power and use of funds to grassroots party organisations).

*Rule (who may act).* The community handler, and the area office where it exists, gain authority
over `extra_categories`. Issues of those categories within the community's reach (up to compound
scope, single department) are decided in the community instead of by a department: no referral
or department queue, community-staff hours, payment from the community's budget.

*Costs.* Money is moved, not created: at the regime's start a share `budget_transfer_share` of the
street budget's daily accrual is moved to the communities' budgets in equal parts (their
carry-over cap keeps its number of days).

*Null variant.* The money is moved; the authority is not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import Field, field_validator

from sim.mechanisms.base import Mechanism, MechanismParams, Target
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
    targets=(Target("devolved_share_above_community", -1), Target("community_budget_spent", +1)),
    spends_nothing="it moves money from the street budget to the communities' budgets and creates none",
    free={"budget_transfer_share": 0.0},
)
