"""Emotional outreach (认同机制 and P4, seed §3(四): 入户走访, 定期回访; 人情 and 面子 turn 生人 into 熟人).

Rule: grid workers and party members visit residents who had an issue closed or abandoned
in the last 30 days (topped up with random residents when they are fewer than the day's
visits), the least trusting first; a visit lets the resident be heard
(perceived performance rises by ``behaviour.voice_weight``, trust moves by
expectancy-disconfirmation) and strengthens the resident's weakest tie (the visitor
introduces a neighbour: 生人 → 熟人). Visits cost hours. (Ties to the visitor are not
modelled.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import Field

from sim import lifecycle
from sim.issues import Status
from sim.mechanisms.base import Mechanism, MechanismParams

if TYPE_CHECKING:
    from sim.model import GovernanceModel


class Params(MechanismParams):
    visits_per_grid_worker: float = Field(2.0, ge=0, le=50, description="Visits a grid worker makes per day.")
    visits_per_member: float = Field(0.05, ge=0, le=10, description="Visits a party member makes per day.")
    tie_gain: float = Field(0.15, ge=0, le=1, description="Strength added to a tie by a visit or an introduction.")
    hours_per_visit: float = Field(1.0, ge=0, le=24, description="Hours a visit costs.")


def visit(model: GovernanceModel, p: Params) -> None:
    """Grid workers and members visit residents: those with a recent closed or abandoned
    issue first, the least trusting first. A visit is being heard (trust by
    expectancy-disconfirmation) and an introduction to a weak-tied neighbour."""
    st, iss, pop, rng, day = model.state, model.issues, model.pop, model.streams.social, model.day
    n_visits = rng.poisson(model.n_grid_workers * p.visits_per_grid_worker
                           + float(pop.party_member.sum()) * p.visits_per_member)
    if n_visits == 0:
        return
    ended = iss.ids_with(Status.RESOLVED, Status.FALSE_CLOSED, Status.ABANDONED)
    recent = np.unique(iss.reporter[ended[iss.day_closed[ended] > day - 30]])
    pool = recent if len(recent) >= n_visits else np.union1d(recent, rng.choice(pop.n, size=min(pop.n, n_visits * 3), replace=False))
    visited = pool[np.argsort(st.trust[pool], kind="stable")[:n_visits]]
    b = model.config.behaviour
    heard = b.voice_weight + (1 - b.voice_weight) * st.expectation[visited]
    lifecycle.experience(model, visited, heard)
    # Introduce each visited resident to the weakest neighbour they have.
    t = st.ties
    start, end = t.indptr[visited], t.indptr[visited + 1]
    has = end > start
    weakest = np.array([start[i] + np.argmin(t.data[start[i]:end[i]]) for i in np.flatnonzero(has)], dtype=np.int64)
    st.strengthen(weakest, p.tie_gain)
    st.last_deliberation[visited] = day
    by_workers = p.visits_per_grid_worker * model.n_grid_workers
    share = by_workers / max(by_workers + float(pop.party_member.sum()) * p.visits_per_member, 1e-9)
    model.ledger.add("grid_worker_hours", n_visits * share * p.hours_per_visit)
    model.ledger.add("party_member_hours", n_visits * (1 - share) * p.hours_per_visit)


MECHANISM = Mechanism(
    key="emotional_outreach",
    article=('part-3-4',),
    summary="Emotional outreach",
    source="spec §4 row D, P4; §3(四)",
    params=Params,
    hooks={"social": visit},
)
