"""callback_ranking: the street office names the handlers with the lowest share of closures the
callback counted as resolved; only named (and reviewed) handlers change their closing choices,
only while the rule is on; unpaid hours mean no ranking or no review; the null variant pays and
changes nothing."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from sim.issues import Status
from sim.mechanisms import REGISTRY
from sim.mechanisms import callback_ranking as cr
from sim.model import GovernanceModel
from sim.schema import ScenarioConfig
from sim.vocab import Kind

P = cr.Params


def model_with(days: int = 5, **params: Any) -> tuple[GovernanceModel, cr.Params]:
    # Staffed so that a ranking (2 street hours) and a review (2 department hours) can be paid.
    cfg = ScenarioConfig(seed=3, days=days, population={"residents": 800},
                         capacity={"street_staff_hours_per_10k": 100.0, "department_hours_per_10k": 100.0},
                         mechanisms={"callback_ranking": {"enabled": True, **params}})
    model = GovernanceModel(cfg)
    return model, cfg.mechanisms.callback_ranking


def ranking_morning(model: GovernanceModel, p: cr.Params, closures: dict[int, int], resolved: dict[int, int]) -> cr.RankingState:
    """Fill the pools, give handlers a period's record, and rank on the period's last morning."""
    model.pools.new_day()
    st = cr.state_of(model)
    for h, n in closures.items():
        st.closures[h] = n
    for h, n in resolved.items():
        st.resolved[h] = n
    model.day = model.start_day + p.period_days
    cr.rank(model, p)
    return st


def departments(model: GovernanceModel) -> np.ndarray:
    h = model.handlers
    return np.flatnonzero(h.kind == Kind.DEPARTMENT)


def record(model: GovernanceModel) -> tuple[dict[int, int], dict[int, int]]:
    """The community and departments with 10 closures each: the community 9 resolved on the
    callback, the departments 8, 2, 5, 10, 10, 10, 10, 10 (shares .8 .2 .5 1 …)."""
    comm = int(model.handlers.offset[Kind.COMMUNITY])
    d = departments(model)
    closures = {comm: 10, **{int(x): 10 for x in d}}
    resolved = {comm: 9, **{int(x): r for x, r in zip(d, (8, 2, 5, 10, 10, 10, 10, 10), strict=True)}}
    return closures, resolved


def test_the_ranking_names_the_worst_handlers_by_callback_share() -> None:
    model, p = model_with(bottom_share=0.2)
    closures, resolved = record(model)
    d = departments(model)
    # A handler with too few closures is not ranked, however badly it did.
    closures[int(model.handlers.offset[Kind.STREET])] = 2
    st = ranking_morning(model, p, closures, resolved)
    # 9 ranked (the community and 8 departments): ceil(0.2 × 9) = 2 named, the shares .2 and .5.
    assert st.rankings == 1
    assert set(np.flatnonzero(st.named)) == {int(d[1]), int(d[2])}
    assert set(np.flatnonzero(st.reviewed)) == {int(d[1]), int(d[2])}
    # The new period starts from nothing.
    assert st.closures.sum() == 0 and st.resolved.sum() == 0


def test_factors_change_only_for_named_handlers_and_only_with_the_rule() -> None:
    model, p = model_with(effort_response=0.6, gaming=1.5)
    st = ranking_morning(model, p, *record(model))
    named = st.named
    assert named.sum() == 2
    np.testing.assert_allclose(st.reply[named], 0.4)
    np.testing.assert_allclose(st.paper[named], 2.5)
    assert np.all(st.reply[~named] == 1.0) and np.all(st.paper[~named] == 1.0)
    # What lifecycle.fix asks at its decision points: changed for attempts at named handlers only.
    iss, d = model.issues, departments(model)
    ids = iss.add(day=model.day, reporter=np.zeros(3, np.int32), category=np.zeros(3, np.int8),
                  scope=np.zeros(3, np.int8), dept2=np.full(3, -1, np.int8))
    iss.handler[ids] = [d[1], d[0], d[2]]  # named, not named, named
    np.testing.assert_allclose(model.decide("reply_closure", np.full(3, 0.5), ids), [0.2, 0.5, 0.2])
    np.testing.assert_allclose(model.decide("paper_closure", np.full(3, 0.3), ids), [0.75, 0.3, 0.75])
    np.testing.assert_allclose(model.decide("paper_closure", np.full(3, 0.6), ids), [1.0, 0.6, 1.0])  # at most 1
    # Without the mechanism the decision points return the baseline's value.
    base = GovernanceModel(ScenarioConfig(seed=3, days=5, population={"residents": 800}))
    assert base.decide("paper_closure", 0.3, ids) == 0.3 and base.decide("reply_closure", 0.5, ids) == 0.5
    # The next ranking starts afresh: a handler no longer at the bottom decides as before.
    closures, resolved = record(model)
    resolved[int(d[1])], resolved[int(d[2])] = 10, 10
    resolved[int(d[3])], resolved[int(d[4])] = 1, 3
    model.day = model.start_day + 2 * p.period_days
    st.closures[:] = 0
    for h, n in closures.items():
        st.closures[h] = n
    for h, n in resolved.items():
        st.resolved[h] = n
    cr.rank(model, p)
    assert set(np.flatnonzero(st.named)) == {int(d[3]), int(d[4])}
    assert st.reply[d[1]] == 1.0 and st.paper[d[2]] == 1.0 and st.paper[d[3]] == 2.5


def test_no_ranking_between_ranking_days() -> None:
    model, p = model_with()
    model.pools.new_day()
    st = cr.state_of(model)
    st.closures[departments(model)] = 10
    model.day = model.start_day + p.period_days - 1
    cr.rank(model, p)
    assert st.rankings == 0 and not st.named.any() and st.closures.sum() == 80


def test_unpaid_hours_mean_no_ranking_or_no_review() -> None:
    # The street office lacks the hours to compile it: nobody is named, nothing else is spent.
    model, p = model_with(hours_per_ranking=99.0)
    st = ranking_morning(model, p, *record(model))
    assert st.rankings == 0 and not st.named.any() and np.all(st.reply == 1.0) and np.all(st.paper == 1.0)
    assert "ranking reviews" not in model.pools["departments"].total_by_use
    assert "rankings" not in model.pools["street_staff"].total_by_use
    # Compiled, but a named department has no hours for its review: it does not respond.
    model, p = model_with()
    d = departments(model)
    model.pools.new_day()
    model.pools["departments"].level[model.handlers.unit[d[1]]] = 0.0
    model.pools.new_day = lambda: None  # keep the emptied pool for the ranking morning
    st = ranking_morning(model, p, *record(model))
    assert st.rankings == 1 and st.named[d[1]] and st.named[d[2]]
    assert not st.reviewed[d[1]] and st.reviewed[d[2]]
    assert st.paper[d[1]] == 1.0 and st.reply[d[1]] == 1.0 and st.paper[d[2]] > 1.0


def test_a_review_not_first_takes_only_hours_left_free() -> None:
    model, p = model_with(review_first=False)
    d = departments(model)
    model.pools.new_day()
    pool = model.pools["departments"]
    pool.reserve(pool.level)  # today's cases hold every department hour
    model.pools.new_day = lambda: None
    st = ranking_morning(model, p, *record(model))
    assert st.named.sum() == 2 and not st.reviewed.any() and np.all(st.paper == 1.0)
    # With review_first (the default) the summons comes before the cases.
    model, p = model_with()
    model.pools.new_day()
    pool = model.pools["departments"]
    pool.reserve(pool.level)
    model.pools.new_day = lambda: None
    st = ranking_morning(model, p, *record(model))
    assert st.reviewed[d[1]] and st.reviewed[d[2]]
    assert np.all(pool.reserved <= pool.level + 1e-12)


def test_the_null_variant_pays_and_changes_nothing() -> None:
    model, p = model_with(null_variant=True)
    st = ranking_morning(model, p, *record(model))
    assert st.rankings == 1 and st.named.sum() == 2 and st.reviewed.sum() == 2
    assert np.all(st.reply == 1.0) and np.all(st.paper == 1.0)
    assert model.pools["street_staff"].total_by_use["rankings"] == pytest.approx(p.hours_per_ranking)
    assert model.pools["departments"].total_by_use["ranking reviews"] == pytest.approx(2 * p.hours_per_review)


def test_closures_are_counted_by_handler_with_the_callback() -> None:
    model, p = model_with(days=25)
    for _ in range(25):
        model.step()
    st, iss = cr.state_of(model), model.issues
    ids = np.arange(iss.n)
    status = iss.status[ids]
    closed = ids[((status == Status.RESOLVED) | (status == Status.FALSE_CLOSED)) & ~iss.self_resolved[ids]
                 & (iss.day_closed[ids] >= 0)]
    assert len(closed) > 0 and st.rankings == 0  # within the first period, no audits: nothing reopened
    np.testing.assert_array_equal(st.closures, np.bincount(iss.handler[closed], minlength=model.handlers.n))
    np.testing.assert_array_equal(st.resolved, np.bincount(iss.handler[closed], weights=iss.callback_resolved[closed],
                                                           minlength=model.handlers.n))


def test_registered_after_supervision_with_its_decision_points() -> None:
    keys = list(REGISTRY)
    assert keys.index("callback_ranking") == keys.index("supervision") + 1
    assert set(REGISTRY["callback_ranking"].decides) == {"paper_closure", "reply_closure"}


@pytest.mark.parametrize(("scenario_priority", "assessed", "null", "expected"),
                         [(1.0, 0.0, False, 0.0), (1.0, 0.3, False, 0.3), (0.2, 0.6, False, 0.2), (1.0, 0.0, True, 1.0)])
def test_assessed_offices_serve_cases_before_duties(scenario_priority: float, assessed: float, null: bool,
                                                   expected: float) -> None:
    """Once ranked by callbacks, cases come before duties from above (at most ``assessed_duty_priority``
    of them first); the null variant keeps the scenario's priority."""
    cfg = ScenarioConfig(seed=3, days=5, population={"residents": 800}, warmup_days=0,
                         capacity={"duties_from_above_share": 0.5, "duty_priority": scenario_priority},
                         mechanisms={"callback_ranking": {"enabled": True, "assessed_duty_priority": assessed,
                                                          "null_variant": null}})
    assert GovernanceModel(cfg).rules.duty_priority == pytest.approx(expected)
