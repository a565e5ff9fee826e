"""Issue lifecycle: conservation, bounds, and the transition table (ODD 7.1)."""

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


@pytest.mark.parametrize("name", ["report_base", "participation_base"])
@pytest.mark.parametrize("value", [0.0, 1.0])
def test_base_probabilities_at_range_ends_keep_invariants(name: str, value: float) -> None:
    """A base probability of exactly 0 or 1 (allowed by the schema) is a log-odds of ∓inf:
    residents then never or always act, and the run must not crash."""
    model = GovernanceModel(tiny(days=10, population={"residents": 300}, issues={"rate_per_resident_day": 0.02},
                                 behaviour={name: value}))
    for _ in range(model.config.days):
        model.step()
        check_invariants(model)


def _queue(model: GovernanceModel, handler: int, queue_day: list[int]) -> np.ndarray:
    """Queued, ready issues at ``handler`` (simple household issues), one per ``queue_day``."""
    iss, n = model.issues, len(queue_day)
    ids = iss.add(day=model.day, reporter=np.zeros(n, dtype=np.int32), category=np.zeros(n, dtype=np.int8),
                  scope=np.zeros(n, dtype=np.int8), dept2=np.full(n, -1, dtype=np.int8),
                  ready_day=np.full(n, model.day, dtype=np.int32))
    iss.move(ids, Status.REPORTED)
    iss.move(ids, Status.QUEUED)
    iss.handler[ids] = handler
    iss.queue_day[ids] = queue_day
    return ids


def test_attempts_take_hours_first_come_first_served_with_work_in_progress() -> None:
    """Queued issues get their handler's hours in queue order (ODD 7.1.4): a batched issue
    takes ``batch_share`` of a case, the issue where the hours run out keeps its partial
    work for tomorrow, nothing behind it overtakes, and no more hours are spent than held."""
    from sim.lifecycle import take_up
    from sim.mechanisms import REGISTRY
    from sim.vocab import Kind

    model = GovernanceModel(tiny(issues={"rate_per_resident_day": 0.0}, capacity={"buck_passing": 0.0}))
    model.pools.new_day()
    proactive = REGISTRY["proactive_analysis"]  # its rule decides a batched issue's hours
    model.decisions = {"case_hours": [(proactive.decides["case_hours"], proactive.params(enabled=True, batch_share=0.25))]}
    hid = int(model.handlers.offset[Kind.COMMUNITY])
    case = float(model.rules.case_hours[Kind.COMMUNITY])
    ids = _queue(model, hid, [0, 1, 2, 3, 4])
    model.issues.batched[ids[1]] = True
    staff = model.pools["community_staff"]
    staff.level[0] = 2 * case + 0.25 * case + 0.5
    taken, mine, passing = take_up(model)
    assert set(taken.tolist()) == {ids[0], ids[1], ids[2]} and mine.all() and not passing.any()
    assert model.issues.work_done[ids[3]] == pytest.approx(0.5)  # work in progress kept on the issue
    assert model.issues.work_done[ids[4]] == 0.0
    assert staff.used[0] == pytest.approx(2.25 * case + 0.5) and staff.level[0] == pytest.approx(0.0)


def test_efficacy_updates_compound_per_issue_and_stay_in_bounds() -> None:
    """A resident with several issues closed or abandoned on one day gets the per-issue rule
    (ODD 7.1.10–11) once per issue: E ← E + g(1 − E) and E ← E − ℓE compound, so efficacy
    stays in [0, 1] whatever g and ℓ are."""
    from sim.issues import Channel
    from sim.lifecycle import abandon, feedback_and_experience

    gain, loss = 0.6, 0.6
    model = GovernanceModel(tiny(issues={"rate_per_resident_day": 0.0, "patience_days": 1e-3},
                                 behaviour={"efficacy_gain": gain, "efficacy_loss": loss}))
    eff = model.state.efficacy
    eff[:2] = 0.5
    done = _queue(model, 0, [0, 0])
    model.issues.reporter[done] = 0
    model.issues.channel[done] = Channel.SELF_REPORT
    model.issues.move(done, Status.RESOLVED)
    model.issues.day_closed[done] = model.day
    feedback_and_experience(model)
    assert eff[0] == pytest.approx(1 - (1 - gain) ** 2 * 0.5)
    gone = _queue(model, 0, [0, 0])
    model.issues.reporter[gone] = 1
    abandon(model)
    assert np.all(model.issues.status[gone] == Status.ABANDONED)
    assert eff[1] == pytest.approx(0.5 * (1 - loss) ** 2)


_UNITS_MODEL = GovernanceModel(tiny(population={"residents": 600}))


@settings(max_examples=60, deadline=None)
@given(units=st.lists(st.integers(0, len(_UNITS_MODEL.unit_start) - 1), max_size=12))
@example(units=[])
@example(units=[0, 0])
def test_residents_of_units_is_the_union_of_their_ranges(units: list[int]) -> None:
    """Buildings and compounds overlap (a building lies inside its compound): the residents of
    a set of units are each resident of any of them, once, in id order."""
    from sim.social import residents_of

    m = _UNITS_MODEL
    want = {r for u in units for r in range(m.unit_start[u], m.unit_end[u])}
    got = residents_of(m, np.array(units, dtype=np.int64))
    assert got.tolist() == sorted(want)
