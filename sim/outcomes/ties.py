"""Tie statistics of the social graph (strength, acquaintances, close ties, clustering), the
part of the outcome registry (``sim.outcomes.registry``) that reads the tie matrix. Computed
from state, cached between days while the ties do not change."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from sim.graph import TIE_KINDS

if TYPE_CHECKING:
    from sim.model import GovernanceModel


def _strong(ties: sp.csr_matrix, threshold: float) -> sp.csr_matrix:
    """0/1 matrix of the ties at or above ``threshold`` (``ties`` is a copy: changed in place)."""
    ties.data = (ties.data >= threshold).astype(np.float64)
    ties.eliminate_zeros()
    return ties


def clustering(model: GovernanceModel, sample: int = 300) -> float:
    """Mean local clustering over a fixed sample of residents, acquaintance-or-closer ties.
    Only the sample's rows and those of their contacts are read, so the cost does not grow
    with the population."""
    st, threshold = model.state, model.config.population.ties.acquaintance_threshold
    rows = _strong(st.ties[model.cluster_sample[:sample]], threshold)
    k = np.asarray(rows.sum(axis=1)).ravel()
    ok = k >= 2
    if not ok.any():
        return 0.0
    hood = np.unique(rows.indices)  # the sample's contacts: the only rows a triangle can pass through
    tri = np.asarray((rows[:, hood] @ _strong(st.ties[hood], threshold)).multiply(rows).sum(axis=1)).ravel()
    return float(np.mean(tri[ok] / (k[ok] * (k[ok] - 1))))


def cohesion(model: GovernanceModel) -> dict[str, float]:
    """Tie statistics, recomputed only when ties changed (clustering at most weekly)."""
    st, cache = model.state, model.scratch_metrics
    if cache.get("tie_version") != st.tie_version:
        data, kind = st.ties.data, st.tie_kind
        graph = (kind != 0) & (kind < len(TIE_KINDS))  # non-household ties of the social graph (no contact slots)
        tie_cfg = model.config.population.ties
        acquainted = data >= tie_cfg.acquaintance_threshold
        cache.update(
            tie_version=st.tie_version,
            tie_strength_mean=float(data[kind < len(TIE_KINDS)].mean()) if len(data) else 0.0,
            acquaintance_share=float(acquainted[graph].mean()) if graph.any() else 0.0,
            acquaintances_per_resident=float(np.count_nonzero(acquainted & (kind != 0))) / model.pop.n,
            close_share=float((data[graph] >= tie_cfg.close_threshold).mean()) if graph.any() else 0.0,
        )
    if "clustering" not in cache or (model.day % 7 == 0 and cache.get("clustering_version") != st.tie_version):
        cache.update(clustering=clustering(model), clustering_version=st.tie_version)
    return {k: cache[k] for k in ("tie_strength_mean", "acquaintance_share", "acquaintances_per_resident", "close_share",
                                  "clustering")}
