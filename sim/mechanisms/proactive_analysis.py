"""Proactive analysis of livelihood demands (驱动机制 and optimisation path 3(3); the article,
parts 2(2) and 3(3), docs/article.md#part-3-3: AI analyses demands, 数据多跑腿、群众少跑腿).

Rules: (what agents know) each day the analysis looks for clusters of open reports of one
category in one compound within ``window_days``; a cluster of at least
``cluster_threshold`` reports sends grid workers to search the compound, who find a share
``recall`` of the latent issues of that category there; (who may act) the cluster's queued
issues are handled as one batch: each issue after the first takes ``batch_share`` of a
case's hours.

Costs: the analysis is a declared new resource (``funding_per_community_day``, spent as its
running cost); a search takes the community's grid workers ``search_hours`` (searches the
pool cannot pay today are not made).

Null variant: the analysis is paid for and grid workers search, but nothing is found or
batched.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import Field

from sim import lifecycle
from sim.issues import Channel, Status
from sim.mechanisms.base import Mechanism, MechanismParams, pay_running_cost
from sim.vocab import CATEGORIES

if TYPE_CHECKING:
    from sim.model import GovernanceModel
    from sim.rules import Rules


class Params(MechanismParams):
    cluster_threshold: int = Field(3, ge=2, le=100, description="Open reports of one category in one compound that make a cluster.")
    window_days: int = Field(14, ge=1, le=365, description="How far back reports count towards a cluster.")
    recall: float = Field(0.5, ge=0, le=1, description="Share of latent issues of a cluster's category in its compound that the search finds.")
    search_hours: float = Field(2.0, ge=0, le=100, description="Grid-worker hours to search one compound for one cluster.")
    batch_share: float = Field(0.3, ge=0, le=1, description="Hours a batched issue takes, as a share of a case (assumption: the batch's first issue pays the full case).")
    funding_per_community_day: float = Field(0.2, ge=0, le=1000, description="Budget units per community per day funding the analysis (a declared new resource).")


def configure(rules: Rules, p: Params) -> None:
    """The analysis is funded; batched issues take a share of a case."""
    rules.platform_funding_per_day += p.funding_per_community_day
    if p.rule:
        rules.batch_share = min(rules.batch_share, p.batch_share)


def analyse(model: GovernanceModel, p: Params) -> None:
    """Find clusters; search their compounds as grid-worker hours allow; batch them."""
    iss, pop, day = model.issues, model.pop, model.day
    pay_running_cost(model, p.funding_per_community_day, "analysis running cost")
    open_ids = iss.ids_with(Status.REPORTED, Status.QUEUED)
    recent = open_ids[iss.day_detected[open_ids] > day - p.window_days]
    if len(recent) == 0:
        return
    n_cat = len(CATEGORIES)
    key = pop.compound[iss.reporter[recent]].astype(np.int64) * n_cat + iss.category[recent]
    counts = np.bincount(key, minlength=pop.n_compounds * n_cat)
    hot_keys = np.flatnonzero(counts >= p.cluster_threshold)
    if len(hot_keys) == 0:
        return
    comm = pop.compound_community[hot_keys // n_cat].astype(np.int64)
    searched = model.pools["grid_workers"].draw(comm, np.full(len(hot_keys), p.search_hours), "proactive searches") > 0
    searched |= p.search_hours == 0
    if not p.rule:
        return
    hot = np.zeros(pop.n_compounds * n_cat, dtype=bool)
    hot[hot_keys[searched]] = True
    latent = iss.ids_with(Status.LATENT)
    cand = latent[hot[pop.compound[iss.reporter[latent]].astype(np.int64) * n_cat + iss.category[latent]]]
    found = cand[model.rng_of("proactive_analysis").random(len(cand)) < p.recall]
    lifecycle.mark_detected(model, found, Channel.PROACTIVE)
    # One batch per cluster: every queued member but the oldest rides on the first one's case.
    clustered = np.zeros(pop.n_compounds * n_cat, dtype=bool)
    clustered[hot_keys] = True
    in_batch = (iss.status[recent] == Status.QUEUED) & clustered[key]
    queued, qkey = recent[in_batch], key[in_batch]
    if len(queued) == 0:
        return
    order = np.lexsort((queued, qkey))
    first = np.r_[True, qkey[order][1:] != qkey[order][:-1]]
    iss.batched[queued[order][~first]] = True


MECHANISM = Mechanism(
    key="proactive_analysis",
    article=('part-3-3', 'part-2-2'),
    summary="Proactive analysis of livelihood demands",
    source="the article, parts 2(2) and 3(3)",
    params=Params,
    configure=configure,
    hooks={"detect": analyse},
)
