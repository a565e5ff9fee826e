"""Model invariants checked after any step, shared by the test modules."""

from __future__ import annotations

import numpy as np

from sim.issues import Status
from sim.model import GovernanceModel
from sim.outcomes.daily import daily_row
from sim.resources import POOL_NAMES


def check_invariants(model: GovernanceModel) -> dict[str, float]:
    """Conservation (ODD 7.1), bounds, tie consistency and timestamps; returns the day's row."""
    counts = model.issues.counts()
    assert sum(counts.values()) == model.issues.n, counts
    row = daily_row(model)
    assert row["issues_arisen_total"] + row["issues_open_at_start"] == (
        row["latent"] + row["backlog"] + row["issues_resolved_total"] + row["issues_false_closed_total"]
        + row["issues_abandoned_total"])
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
    status = iss.col("status")
    assert np.all(status[iss.col("by_reply")] == Status.FALSE_CLOSED), "a reply closure that is not closed"
    assert not np.any(status[iss.col("outside")] == Status.RESOLVED), "a request outside the street's authority resolved"
    called = iss.col("callback_resolved")
    assert not np.any(called & ~np.isin(status, [Status.RESOLVED, Status.FALSE_CLOSED])), "a callback on an open case"
    for pool in model.pools:
        assert np.all(pool.used <= pool.available + 1e-9), pool.spec.name
        assert np.all(pool.level >= -1e-9), pool.spec.name
    for name in POOL_NAMES:
        assert 0 <= row[f"used_{name}"] <= row[f"available_{name}"] + 1e-9, name
    return row


def same_outcomes(a: dict[str, float], b: dict[str, float]) -> bool:
    """Two runs' outcomes are the same: the same names and values, an undefined value (NaN, e.g.
    turnout before the first election) equal to an undefined one."""
    return a.keys() == b.keys() and bool(np.array_equal([a[k] for k in a], [b[k] for k in a], equal_nan=True))
