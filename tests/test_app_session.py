"""A session's models: stepping, history, reset, side by side on common random numbers,
and the series the charts plot (consistent with the outcome registry)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

pytest.importorskip("solara")

from sim.app.series import CHARTS, STAGES, Chart, backlog_by_group, channel_counts, lifecycle_counts, resolution_days_by_group  # noqa: E402
from sim.app.session import Explorer  # noqa: E402
from sim.app.settings import with_value  # noqa: E402
from sim.issues import Channel, Status  # noqa: E402
from sim.outcomes.daily import daily_row  # noqa: E402
from sim.schema import ScenarioConfig  # noqa: E402
from sim.vocab import GROUPS  # noqa: E402

SMALL = ScenarioConfig(days=60, seed=3, population={"residents": 1500})


@pytest.fixture(scope="module")
def stepped() -> Explorer:
    ex = Explorer(with_value(SMALL, ("mechanisms", "vanguard_linkage", "enabled"), True))
    ex.step(45)
    return ex


def test_step_records_one_history_row_per_day_equal_to_the_registry(stepped: Explorer) -> None:
    model, history = stepped.a.model, stepped.a.history
    assert stepped.day == history.n == 45 and list(history.days) == list(range(45))
    row = daily_row(model)
    for chart in CHARTS:
        assert history.overall(chart.key)[-1] == pytest.approx(row[chart.outcome], nan_ok=True)
    for g, name in enumerate(GROUPS):
        assert history.group("trust", g)[-1] == pytest.approx(row[f"trust_{name}"])


def test_group_splits_pool_to_the_registry_values(stepped: Explorer) -> None:
    model = stepped.a.model
    row = daily_row(model)
    assert backlog_by_group(model).sum() == row["backlog"] > 0
    one_group = SimpleNamespace(issues=model.issues, day=model.day, pop=SimpleNamespace(group=np.zeros(model.pop.n, np.int8)))
    assert resolution_days_by_group(one_group)[0] == pytest.approx(row["resolution_days_median"])


def test_lifecycle_and_channels_account_for_every_issue(stepped: Explorer) -> None:
    model = stepped.a.model
    stages = lifecycle_counts(model)
    assert list(stages) == list(STAGES) and sum(stages.values()) == model.issues.n
    assert stages["queued"] + stages["handled"] == model.issues.count(Status.QUEUED)
    found = channel_counts(model)
    assert set(found) == {c.name.lower() for c in Channel if c != Channel.NONE}
    assert sum(found.values()) == int(np.sum(model.issues.col("day_detected") >= 0))
    assert found["party_member"] > 0  # vanguard linkage is on
    recent = channel_counts(model, since=model.day - 9)
    assert all(recent[k] <= found[k] for k in found)


def test_a_chart_whose_outcome_is_not_registered_is_marked_unavailable() -> None:
    chart = Chart("x", "no_such_outcome", group_outcome="no_such_{group}")
    assert not chart.available and chart.group_names() is None


def test_reset_replays_the_same_days_and_the_run_stops_at_its_end() -> None:
    ex = Explorer(SMALL.model_copy(update={"days": 12}))
    assert ex.step(100) == 12 and ex.finished and ex.step(1) == 0
    first = ex.a.history.overall("trust").copy()
    ex.reset()
    assert ex.day == 0 and not ex.finished
    ex.step(12)
    np.testing.assert_array_equal(ex.a.history.overall("trust"), first)


def test_side_by_side_runs_on_the_same_seed_and_steps_together() -> None:
    ex = Explorer(SMALL)
    ex.step(5)
    ex.compare_with(SMALL.model_copy(update={"seed": 99}), source="same.yaml")
    assert ex.day == 0 and ex.b is not None and ex.b.config.seed == SMALL.seed
    ex.step(30)
    assert ex.a.day == ex.b.day == 30
    # Same scenario, same seed: common random numbers make the difference exactly zero.
    for chart in CHARTS:
        np.testing.assert_array_equal(ex.a.history.overall(chart.key), ex.b.history.overall(chart.key))
    ex.compare_with(with_value(SMALL, ("mechanisms", "emotional_outreach", "enabled"), True))
    ex.step(30)
    assert not np.array_equal(ex.a.history.overall("trust"), ex.b.history.overall("trust"))
    ex.configure(SMALL.model_copy(update={"seed": 5}))
    assert ex.b.config.seed == 5 and ex.b.config.mechanisms.emotional_outreach.enabled
    ex.compare_with(None)
    assert ex.b is None


def test_two_sessions_never_share_state() -> None:
    one, two = Explorer(SMALL), Explorer(SMALL)
    one.step(20)
    assert two.day == 0 and two.a.model.issues.n == 0
    assert one.a.model is not two.a.model and one.a.model.state.trust is not two.a.model.state.trust


def test_advance_steps_for_about_the_time_given() -> None:
    ex = Explorer(SMALL)
    assert ex.advance(seconds=0.0, max_days=10) == 1
    assert ex.advance(seconds=60.0, max_days=7) == 7
