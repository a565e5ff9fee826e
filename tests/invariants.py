"""Model invariants checked after any step, shared by the test modules."""

from __future__ import annotations

import numpy as np

from sim.issues import Status
from sim.metrics import COST_ACCOUNTS, daily_row
from sim.model import GovernanceModel


def check_invariants(model: GovernanceModel) -> dict[str, float]:
    """Conservation (spec §3), bounds, tie consistency and timestamps; returns the day's row."""
    counts = model.issues.counts()
    assert sum(counts.values()) == model.issues.n, counts
    row = daily_row(model)
    assert row["arisen"] == row["latent"] + row["open"] + row["resolved"] + row["false_closed"] + row["abandoned"]
    st = model.state
    for name in ("trust", "personal", "efficacy", "expectation"):
        a = getattr(st, name)
        assert np.all((a >= 0) & (a <= 1)), name
    assert np.all((st.ties.data > 0) & (st.ties.data <= 1)), "tie strength outside (0, 1]"
    assert len(st.tie_base) == len(st.tie_kind) == st.ties.nnz
    assert (st.ties != st.ties.T).nnz == 0, "ties not symmetric"
    iss = model.issues
    closed = np.isin(iss.col("status"), [Status.RESOLVED, Status.FALSE_CLOSED, Status.ABANDONED])
    assert np.all(iss.col("day_closed")[closed] >= iss.col("day_arisen")[closed])
    assert np.all(iss.col("reassignments") >= 0)
    detected = iss.col("day_detected") >= 0
    assert np.all(iss.col("day_detected")[detected] >= iss.col("day_arisen")[detected])
    for name in COST_ACCOUNTS:
        assert row[name] >= 0, name
    return row
