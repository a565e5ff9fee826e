"""Proactive analysis of livelihood demands (驱动机制 and optimisation path P3, seed §3(三):
让数据多跑路, 未诉先办).

Rule: each day the platform looks for clusters of open reports of one category in one
compound within a window; a cluster of at least ``cluster_threshold`` reports makes
handlers (a) search the compound for latent issues of that category and (b) handle the
cluster's open issues as one batch case.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import Field

from sim import lifecycle
from sim.issues import Channel, Status
from sim.mechanisms.base import Mechanism, MechanismParams
from sim.vocab import CATEGORIES

if TYPE_CHECKING:
    from sim.model import GovernanceModel


class Params(MechanismParams):
    cluster_threshold: int = Field(3, ge=2, le=100, description="Open reports of one category in one compound that make a cluster.")
    window_days: int = Field(14, ge=1, le=365, description="How far back reports count towards a cluster.")
    recall: float = Field(0.5, ge=0, le=1, description="Share of latent issues of a cluster's category in its compound that the search finds.")
    budget_per_day: float = Field(0.2, ge=0, le=1000, description="Budget units the analysis costs per community per day.")


def analyse(model: GovernanceModel, p: Params) -> None:
    """Find clusters of recent open reports by (compound, category); search the cluster's
    compound for latent issues of that category; batch the cluster's queued issues."""
    iss, pop, day = model.issues, model.pop, model.day
    model.ledger.add("budget", p.budget_per_day * pop.n_communities)
    open_ids = iss.ids_with(Status.REPORTED, Status.QUEUED)
    recent = open_ids[iss.day_detected[open_ids] > day - p.window_days]
    if len(recent) == 0:
        return
    n_cat = len(CATEGORIES)
    key = pop.compound[iss.reporter[recent]].astype(np.int64) * n_cat + iss.category[recent]
    counts = np.bincount(key, minlength=pop.n_compounds * n_cat)
    hot = counts >= p.cluster_threshold
    if not hot.any():
        return
    latent = iss.ids_with(Status.LATENT)
    lkey = pop.compound[iss.reporter[latent]].astype(np.int64) * n_cat + iss.category[latent]
    cand = latent[hot[lkey]]
    found = cand[model.streams.detection.random(len(cand)) < p.recall]
    lifecycle.mark_detected(model, found, Channel.PROACTIVE)
    # One case per cluster: every queued member but the oldest rides on it.
    queued = recent[(iss.status[recent] == Status.QUEUED) & hot[key]]
    qkey = key[(iss.status[recent] == Status.QUEUED) & hot[key]]
    if len(queued) == 0:
        return
    order = np.lexsort((queued, qkey))
    first = np.r_[True, qkey[order][1:] != qkey[order][:-1]]
    iss.batched[queued[order][~first]] = True


MECHANISM = Mechanism(
    key="proactive_analysis",
    article=('part-3-3', 'part-2-2'),
    summary="Proactive analysis of livelihood demands",
    source="spec §4 row B, P3; §3(三)",
    params=Params,
    hooks={"detect": analyse},
)
