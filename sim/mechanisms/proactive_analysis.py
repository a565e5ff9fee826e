"""Proactive analysis of livelihood demands (驱动机制 and optimisation path P3, seed §3(三):
让数据多跑路, 未诉先办).

Rule: each day the platform looks for clusters of open reports of one category in one
compound within a window; a cluster of at least ``cluster_threshold`` reports makes
handlers (a) search the compound for latent issues of that category and (b) handle the
cluster's open issues as one batch case.
"""

from __future__ import annotations

from pydantic import Field

from sim.mechanisms.base import Mechanism, MechanismParams


class Params(MechanismParams):
    cluster_threshold: int = Field(3, ge=2, le=100, description="Open reports of one category in one compound that make a cluster.")
    window_days: int = Field(14, ge=1, le=365, description="How far back reports count towards a cluster.")
    recall: float = Field(0.5, ge=0, le=1, description="Share of latent issues of a cluster's category in its compound that the search finds.")
    budget_per_day: float = Field(0.2, ge=0, le=1000, description="Budget units the analysis costs per community per day.")


MECHANISM = Mechanism(
    key="proactive_analysis",
    summary="Proactive analysis of livelihood demands",
    source="spec §4 row B, P3; §3(三)",
    params=Params,
)
