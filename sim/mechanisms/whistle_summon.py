"""Street whistles, departments report (整合机制).

*Article.* [Part 2(3)](article.md#part-2-3), also named in [part 2(1)](article.md#part-2-1):
Beijing's 街乡吹哨、部门报到 reform, 事权归街道、指挥在社区 (authority over matters with the street,
command in the community).

*Rule (who may act).* When the street office takes up an issue that needs two departments it
summons both at once instead of referring the issue from one to the other (7.1.6). Summoned
departments do their parts before their other cases (the summons gives them priority), each part
a department case from that department's pool with its own work in progress. How fast the issue is
resolved then depends on the departments' hours, not on a set deadline. When both parts are done
the street office closes the issue through the usual fix: consent, quality, the street budget. A
failed fix sends both departments back to their parts. The summons path has no reassignment and
no second queue; the sequential path has both (expectation 1).

*Costs.* Organising a summons adds `hours_per_summons` to the street office's attempt (street
staff, booked as "cases"; the attempt waits until it has them); the departments' parts are booked
as "summoned parts".

*Null variant.* The street office spends the summons hours, then refers the issue sequentially.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import Field

from sim.handlers import CASE_POOLS
from sim.issues import Status
from sim.lifecycle import work
from sim.mechanisms.base import Mechanism, MechanismParams, Target
from sim.vocab import Kind

if TYPE_CHECKING:
    from sim.model import GovernanceModel


class Params(MechanismParams):
    hours_per_summons: float = Field(2.0, ge=0, le=100, description="Street-staff hours to organise one summons (calls, the joint site meeting).")


def summons_hours(model: GovernanceModel, p: Params, hours: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """The street office taking up a cross-department issue also organises the summons (its
    null variant too)."""
    iss = model.issues
    street = model.handlers.kind[iss.handler[ids]] == Kind.STREET
    return hours + np.where(street & (iss.dept2[ids] >= 0) & ~iss.coordinated[ids], p.hours_per_summons, 0.0)


def summon(model: GovernanceModel, p: Params, taken: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Cross-department issues the street office takes up are summoned, not referred."""
    if not p.rule:
        return taken
    new = ids[~taken]
    model.issues.summoned[new] = True
    model.issues.parts_done[new] = 0
    return np.ones(len(ids), dtype=bool)


def summoned_parts(model: GovernanceModel, p: Params, ready: np.ndarray) -> np.ndarray:
    """Departments summoned by the street office do their parts before their other cases
    (the summons gives them priority), each part with its own work in progress. Adds to
    ``ready`` the summoned issues whose parts are both done (the street office then closes them)."""
    iss, rules = model.issues, model.rules
    s = iss.ids_with(Status.QUEUED)
    s = s[iss.summoned[s] & (iss.ready_day[s] <= model.day)]
    if len(s) == 0:
        return ready
    s = s[np.lexsort((s, iss.queue_day[s]))]
    hours = rules.case_hours[Kind.DEPARTMENT]
    dept = CASE_POOLS.index("departments")
    for bit, column, category in ((1, iss.work_done, iss.category[s]), (2, iss.work_done2, iss.dept2[s])):
        todo = s[(iss.parts_done[s] & bit) == 0]
        cat = category[(iss.parts_done[s] & bit) == 0]
        finished = work(model, todo, np.full(len(todo), hours), np.full(len(todo), dept), cat.astype(np.int64),
                        column, "summoned parts")
        iss.parts_done[todo[finished]] |= bit
    return np.concatenate([ready, s[iss.parts_done[s] == 3]])


def redo_parts(model: GovernanceModel, p: Params, ids: np.ndarray) -> np.ndarray:
    """A summoned fix that failed is redone by both departments."""
    model.issues.parts_done[ids[model.issues.summoned[ids]]] = 0
    return ids


MECHANISM = Mechanism(
    key="whistle_summon",
    article=('part-2-3', 'part-2-1'),
    summary="Street whistles, departments report",
    source="the article, parts 2(3) and 2(1)",
    params=Params,
    decides={"case_hours": summons_hours, "coordinate": summon, "joint_work": summoned_parts, "failed_fix": redo_parts},
    targets=(Target("issues_summoned", +1), Target("cross_department_reassignments", -1)),
    costs={("departments", "summoned parts"): False},  # the summons hours are part of the street's case hours
    free={"hours_per_summons": 0.0},
)
