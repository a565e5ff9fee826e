"""Five-level party grid (整合机制, seed §2(三): 街镇—片区(网格)—社区—小区—楼栋 五级党建网格).

Rule: building heads and compound stewards (party members) become first-line handlers
for simple household-, building- and compound-scope issues, and an area office sits
between community and street; without it the ladder is street – community – resident.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import Field

from sim.mechanisms.base import Mechanism, MechanismParams
from sim.vocab import CATEGORIES, SIMPLE, Kind

if TYPE_CHECKING:
    from sim.model import GovernanceModel
    from sim.rules import Rules


class Params(MechanismParams):
    building_cases_per_day: float = Field(0.2, ge=0, le=50, description="Cases a building head handles per day.")
    compound_cases_per_day: float = Field(1.0, ge=0, le=50, description="Cases a compound steward handles per day.")
    hours_per_case: float = Field(1.5, ge=0, le=40, description="Party-member hours a first-line case costs.")


def configure(rules: Rules, p: Params) -> None:
    """Building heads, compound stewards and area offices join the ladder."""
    rules.active[Kind.BUILDING] = rules.active[Kind.COMPOUND] = rules.active[Kind.AREA] = True
    rules.capacity[Kind.BUILDING] = p.building_cases_per_day
    rules.capacity[Kind.COMPOUND] += p.compound_cases_per_day
    for cat in SIMPLE:
        rules.authority[Kind.COMPOUND, CATEGORIES.index(cat)] = True


def before_handling(model: GovernanceModel, p: Params) -> None:
    """Remember first-line credit, to cost the cases handled today."""
    model.mechanism_state["five_level_grid"] = _first_line_credit(model, p)


def cost(model: GovernanceModel, p: Params) -> None:
    """Party-member hours for first-line cases handled by building heads and stewards."""
    used = model.mechanism_state.pop("five_level_grid", 0.0) - _first_line_credit(model, p)
    model.ledger.add("party_member_hours", max(0.0, used) * p.hours_per_case)


def _first_line_credit(model: GovernanceModel, p: Params) -> float:
    """Credit of building heads plus the stewards' share of compound handlers' credit
    (the rest of a compound's capacity is the property manager's or volunteers')."""
    h = model.handlers
    building = h.kind == Kind.BUILDING
    compound = h.kind == Kind.COMPOUND
    steward_share = p.compound_cases_per_day / np.maximum(h.rate[compound], 1e-9)
    return float(h.credit[building].sum() + (h.credit[compound] * steward_share).sum())


MECHANISM = Mechanism(
    key="five_level_grid",
    article=('part-2-3',),
    summary="Five-level party grid",
    source="spec §4 row C; §2(三)",
    params=Params,
    configure=configure,
    hooks={"handle": before_handling, "close": cost},
)
