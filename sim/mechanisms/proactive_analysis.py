"""Proactive analysis of livelihood demands (驱动机制).

*Article.* [Part 3(3)](article.md#part-3-3): use AI to analyse livelihood demands proactively,
数据多跑腿、群众少跑腿 (let data run the errands); [part 2(2)](article.md#part-2-2) on predicting and
identifying problems precisely. The model reads it as 未诉先办 (handling before a complaint).

*Rule.* In the `detect` phase the analysis counts open (reported or queued) issues detected within
the last `window_days` by (compound of the reporter, category); a pair with at least
`cluster_threshold` is a cluster. (a) What agents know: for each cluster the community's grid
workers search the compound, if they have the hours, and find each latent issue of the cluster's
category there with probability `recall` (channel `PROACTIVE`). (b) Who may act: the queued issues
of each cluster are handled as one batch; every one but the first (lowest id) takes a share
`batch_share` of a case's hours (an assumption: the batch's first issue pays the full case).
Batched issues still need authority, consent and money.

*Costs.* A search takes the community's grid workers `search_hours`; the analysis's running cost
is a declared new resource (`funding_per_community_day`, platform fund).

*Null variant.* The analysis is paid for and grid workers search; nothing is found or batched.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import Field

from sim import lifecycle
from sim.issues import Channel, Status
from sim.mechanisms.base import Mechanism, MechanismParams, Target, pay_running_cost
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
    """The analysis is funded."""
    rules.platform_funding_per_day += p.funding_per_community_day


def batched_hours(model: GovernanceModel, p: Params, hours: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """A batched issue takes ``batch_share`` of its case's hours."""
    if not p.rule:
        return hours
    return hours * np.where(model.issues.batched[ids], p.batch_share, 1.0)


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
    decides={"case_hours": batched_hours},
    targets=(Target("detections_proactive", +1), Target("issues_batched", +1)),
    costs={("platform_fund", "analysis running cost"): True, ("grid_workers", "proactive searches"): True},
    free={"funding_per_community_day": 0.0, "search_hours": 0.0},
)
