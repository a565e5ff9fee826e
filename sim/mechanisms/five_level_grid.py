"""Five-level party grid (整合机制, seed §2(三): 街镇—片区(网格)—社区—小区—楼栋 五级党建网格).

Rule: building heads and compound stewards (party members) become first-line handlers
for simple household-, building- and compound-scope issues, and an area office sits
between community and street; without it the ladder is street – community – resident.
"""

from __future__ import annotations

from pydantic import Field

from sim.mechanisms.base import Mechanism, MechanismParams


class Params(MechanismParams):
    building_cases_per_day: float = Field(0.2, ge=0, le=50, description="Cases a building head handles per day.")
    compound_cases_per_day: float = Field(1.0, ge=0, le=50, description="Cases a compound steward handles per day.")
    hours_per_case: float = Field(1.5, ge=0, le=40, description="Party-member hours a first-line case costs.")


MECHANISM = Mechanism(
    key="five_level_grid",
    summary="Five-level party grid",
    source="spec §4 row C; §2(三)",
    params=Params,
)
