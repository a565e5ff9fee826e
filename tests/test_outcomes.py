"""Outcome statistics computed from state (sim.outcomes.registry) agree with their plain definitions."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from sim.model import GovernanceModel
from sim.outcomes.registry import REGISTRY, order_statistics
from sim.scenario.loading import load_scenario
from sim.vocab import GROUPS
from tests.strategies import tiny

ROOT = Path(__file__).resolve().parents[1]


@settings(max_examples=200, deadline=None)
@given(x=hnp.arrays(np.float64, st.integers(1, 60), elements=st.floats(0, 1)), picks=st.lists(st.integers(0, 10**6), max_size=5))
@example(x=np.zeros(3), picks=[0, 2, 2])
def test_order_statistics_are_the_sorted_values(x: np.ndarray, picks: list[int]) -> None:
    ks = [p % len(x) for p in picks]
    want = np.sort(x)
    assert order_statistics(x, ks) == {k: float(want[k]) for k in ks}


def test_state_outcomes_match_their_definitions() -> None:
    model = GovernanceModel(tiny(days=40, population={"residents": 900}))
    for _ in range(40):
        model.step()
    st_, pop = model.state, model.pop
    value = {name: REGISTRY[name].compute(model) for name in REGISTRY if REGISTRY[name].kind == "state"}
    t = np.sort(st_.trust)
    for q in (10, 50, 90):
        assert value[f"trust_p{q}"] == t[int(round(q / 100 * (len(t) - 1)))]
    assert value["participation_party_member"] == st_.participating[pop.party_member].mean()
    assert value["participation_non_party_member"] == st_.participating[~pop.party_member].mean()
    for g, name in enumerate(GROUPS):
        assert np.isclose(value[f"trust_{name}"], st_.trust[pop.group == g].mean())
        assert np.isclose(value[f"participation_{name}"], st_.participating[pop.group == g].mean())


def test_restricted_mean_days_censor_instead_of_dropping() -> None:
    """resolution_days_rmst by hand: resolved on days 2 and 5, closed on paper on day 3 and
    still open on day 10 (all arisen on day 0, today 10, a 30-day period): S = 3/4 after day 2,
    3/8 after day 5, so E[min(T, 28)] = 2 + 3 × 0.75 + 23 × 0.375 = 12.875 days; the resolved-only
    mean would say 3.5."""
    from types import SimpleNamespace

    from sim.issues import Status
    s = SimpleNamespace(status=np.array([Status.RESOLVED, Status.FALSE_CLOSED, Status.RESOLVED, Status.QUEUED]),
                        day_closed=np.array([2, 3, 5, -1]), day_arisen=np.zeros(4, int), table=SimpleNamespace(today=10),
                        days=30)
    assert REGISTRY["resolution_days_rmst"].compute(s) == pytest.approx(12.875)
    s.status = np.full(4, Status.RESOLVED)
    s.day_closed = np.array([2, 3, 5, 7])
    assert REGISTRY["resolution_days_rmst"].compute(s) == pytest.approx(np.mean([2, 3, 5, 7]))  # nothing censored


def test_restricted_mean_days_in_a_run_is_continuous_and_bounded() -> None:
    from sim.run import run

    cfg = load_scenario(ROOT / "scenarios" / "community_system.yaml",
                        overrides={"population.residents": 600, "days": 40, "warmup_days": 40})
    r = run(cfg)
    daily = np.asarray(r.daily.column("resolution_days_rmst").to_pylist(), dtype=float)
    assert np.all(np.isfinite(daily)) and np.all((daily >= 0) & (daily <= 28))
    assert 0 < r.outcomes["resolution_days_rmst"] <= 28
