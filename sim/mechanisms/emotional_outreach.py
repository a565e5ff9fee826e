"""Emotional outreach (认同机制 and P4, seed §3(四): 入户走访, 定期回访; 人情 and 面子 turn 生人 into 熟人).

Rule: grid workers and party members visit residents, the least trusting first among
those with a recently closed or abandoned issue; a visit strengthens the visitor–resident
tie, lets the resident be heard, and introduces them to one weak-tied neighbour (that tie
strengthens). Visits cost hours.
"""

from __future__ import annotations

from pydantic import Field

from sim.mechanisms.base import Mechanism, MechanismParams


class Params(MechanismParams):
    visits_per_grid_worker: float = Field(2.0, ge=0, le=50, description="Visits a grid worker makes per day.")
    visits_per_member: float = Field(0.05, ge=0, le=10, description="Visits a party member makes per day.")
    tie_gain: float = Field(0.15, ge=0, le=1, description="Strength added to a tie by a visit or an introduction.")
    hours_per_visit: float = Field(1.0, ge=0, le=24, description="Hours a visit costs.")


MECHANISM = Mechanism(
    key="emotional_outreach",
    summary="Emotional outreach",
    source="spec §4 row D, P4; §3(四)",
    params=Params,
)
