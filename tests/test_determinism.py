"""Determinism and common random numbers (issue #2 item 9)."""

from __future__ import annotations

import io

import numpy as np
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.mechanisms import REGISTRY
from sim.run import run
from sim.schema import ScenarioConfig
from tests.strategies import mechanism_sets, tiny

ARRIVAL_COLUMNS = ("reporter", "category", "scope", "second_department", "cost", "day_arisen")


def _bytes(table) -> bytes:  # noqa: ANN001
    buf = io.BytesIO()
    pq.write_table(table, buf)
    return buf.getvalue()


def test_same_seed_byte_identical_tables() -> None:
    cfg = tiny(days=40, mechanisms={k: {"enabled": True} for k in REGISTRY if k != "events"})
    a, b = run(cfg), run(cfg)
    assert _bytes(a.daily) == _bytes(b.daily)
    assert _bytes(a.issues) == _bytes(b.issues)


def test_different_seed_differs() -> None:
    a, b = run(tiny(seed=1)), run(tiny(seed=2))
    assert _bytes(a.issues) != _bytes(b.issues)
    assert not np.array_equal(a.daily.column("trust_mean"), b.daily.column("trust_mean"))


def _arrivals(result) -> dict[str, np.ndarray]:  # noqa: ANN001
    t = result.issues
    keep = ~np.asarray(t.column("exogenous"))
    return {c: np.asarray(t.column(c))[keep] for c in ARRIVAL_COLUMNS}


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mechanisms=mechanism_sets(), seed=st.integers(0, 1000))
def test_arrivals_identical_whatever_is_switched_on(mechanisms, seed) -> None:  # noqa: ANN001
    base = ScenarioConfig(seed=seed, days=20, population={"residents": 300})
    other = base.model_copy(update={"mechanisms": type(base.mechanisms)(**mechanisms)})
    a, b = _arrivals(run(base)), _arrivals(run(other))
    for c in ARRIVAL_COLUMNS:
        assert np.array_equal(a[c], b[c]), c


def test_population_identical_across_mechanisms() -> None:
    from sim.model import GovernanceModel

    a = GovernanceModel(tiny())
    b = GovernanceModel(tiny(mechanisms={"emotional_outreach": {"enabled": True}, "five_level_grid": {"enabled": True}}))
    assert np.array_equal(a.pop.group, b.pop.group)
    assert (a.pop.ties != b.pop.ties).nnz == 0
    assert np.array_equal(a.state.trust, b.state.trust)


def test_summary_only_runs_give_the_same_outcomes() -> None:
    """``run(..., detail=False)`` (what batches use) skips the tables but not the outcomes."""
    cfg = tiny(days=60, mechanisms={"whistle_summon": {"enabled": True}, "emotional_outreach": {"enabled": True}})
    full, summary = run(cfg), run(cfg, detail=False)
    assert set(full.outcomes) == set(summary.outcomes)
    for k, v in full.outcomes.items():
        assert v == pytest.approx(summary.outcomes[k], rel=1e-12, abs=1e-12, nan_ok=True), k
    assert summary.daily.num_rows == 30 and summary.issues.num_rows == 0
