"""Outcome statistics computed from state (sim.outcomes.registry) agree with their plain definitions."""

from __future__ import annotations

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from sim.model import GovernanceModel
from sim.outcomes.registry import REGISTRY, order_statistics
from sim.vocab import GROUPS
from tests.strategies import tiny


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
