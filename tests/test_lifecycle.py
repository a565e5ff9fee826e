"""Issue lifecycle: conservation, bounds, and the transition table (spec §3)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from sim.issues import TRANSITIONS, IllegalTransition, IssueTable, Status
from sim.model import GovernanceModel
from sim.schema import ScenarioConfig
from tests.invariants import check_invariants
from tests.strategies import small_configs, tiny


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cfg=small_configs())
@example(cfg=ScenarioConfig(days=3, population={"residents": 20}, issues={"rate_per_resident_day": 0.03},
                           mechanisms={"events": {"enabled": True, "timeline": [
                               {"day": 0, "kind": "emotional_climate", "magnitude": -1.0, "duration_days": 1}]}}))
def test_conservation_and_bounds_every_step(cfg) -> None:
    model = GovernanceModel(cfg)
    for _ in range(cfg.days):
        model.step()
        check_invariants(model)


def test_issues_flow_through_every_terminal_state() -> None:
    model = GovernanceModel(tiny(days=120, population={"residents": 1500}))
    for _ in range(120):
        model.step()
    counts = model.issues.counts()
    assert counts["resolved"] > 0 and counts["abandoned"] > 0
    assert model.issues.n > 0.5 * 0.003 * 1500 * 120


def test_illegal_transition_raises_and_changes_nothing() -> None:
    table = IssueTable()
    ids = table.add(day=0, reporter=np.array([0, 1], dtype=np.int32))
    table.move(ids, Status.REPORTED)
    with pytest.raises(IllegalTransition, match="REPORTED -> RESOLVED"):
        table.move(ids, Status.RESOLVED)
    assert list(table.status[ids]) == [Status.REPORTED, Status.REPORTED]


class LifecycleMachine(RuleBasedStateMachine):
    """Random status changes on a small table: legal ones apply, illegal ones raise."""

    def __init__(self) -> None:
        super().__init__()
        self.table = IssueTable(capacity=4)
        self.expected: list[Status] = []

    @rule(k=st.integers(1, 5))
    def arise(self, k: int) -> None:
        self.table.add(day=0, reporter=np.zeros(k, dtype=np.int32))
        self.expected += [Status.LATENT] * k

    @rule(data=st.data(), to=st.sampled_from(list(Status)))
    def move(self, data: st.DataObject, to: Status) -> None:
        if not self.expected:
            return
        i = data.draw(st.integers(0, len(self.expected) - 1))
        legal = (self.expected[i], to) in TRANSITIONS
        if legal:
            self.table.move(np.array([i]), to)
            self.expected[i] = to
        else:
            with pytest.raises(IllegalTransition):
                self.table.move(np.array([i]), to)

    @invariant()
    def matches(self) -> None:
        assert [Status(int(s)) for s in self.table.col("status")] == self.expected
        assert sum(self.table.counts().values()) == len(self.expected)


TestLifecycleMachine = LifecycleMachine.TestCase
TestLifecycleMachine.settings = settings(max_examples=60, stateful_step_count=40, deadline=None)


def test_growth_keeps_rows() -> None:
    table = IssueTable(capacity=16)
    for day in range(10):
        table.add(day=day, reporter=np.full(7, day, dtype=np.int32))
    assert table.n == 70
    assert np.array_equal(table.col("reporter"), np.repeat(np.arange(10), 7))
    assert np.array_equal(table.col("day_arisen"), np.repeat(np.arange(10), 7))
