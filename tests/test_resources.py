"""Finite resources: no action gets hours or money a pool does not hold.

``fifo_grant`` serves requests first come, first served and never grants more than a unit
holds; and in any scenario, with every mechanism on at any allowed intensity, the hours
used from each pool on each day never exceed the hours it had, and no budget is spent that
was not held.
"""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.model import GovernanceModel
from sim.resources import HOUR_POOLS, SPEC, Pool, fifo_grant
from tests.strategies import resource_configs

requests = st.integers(1, 40).flatmap(lambda n: st.tuples(
    st.lists(st.floats(0, 10), min_size=3, max_size=3),
    st.lists(st.integers(0, 2), min_size=n, max_size=n),
    st.lists(st.floats(0, 4), min_size=n, max_size=n),
    st.booleans()))


@given(requests)
def test_fifo_grant_never_exceeds_what_a_unit_holds_and_never_overtakes(args) -> None:  # noqa: ANN001
    level, units, need, partial = (np.array(a, dtype=np.float64) if i < 3 else a for i, a in enumerate(args))
    units = units.astype(np.int64)
    got = fifo_grant(level, units, need, partial=partial)
    assert np.all((got >= 0) & (got <= need + 1e-12))
    assert np.all(np.bincount(units, weights=got, minlength=3) <= level + 1e-9)
    for u in range(3):
        g, w = got[units == u], need[units == u]
        short = np.flatnonzero(g < w - 1e-12)
        if len(short):  # nothing after the first request left short gets anything
            assert np.all(g[short[0] + 1:] == 0)
            if not partial:
                assert g[short[0]] == 0
        else:  # all served: the unit had enough
            assert w.sum() <= level[u] + 1e-9


def test_hours_do_not_keep_and_budgets_carry_over_to_their_cap() -> None:
    hours = Pool(SPEC["community_staff"], rate=np.array([8.0]), cap=np.array([8.0]))
    money = Pool(SPEC["community_budget"], rate=np.array([1.0]), cap=np.array([3.0]))
    for _ in range(5):
        hours.new_day()
        money.new_day()
    assert hours.level[0] == 8.0 and money.level[0] == 3.0
    assert money.draw(np.array([0, 0]), np.array([2.0, 2.0]), "fixes").tolist() == [2.0, 0.0]
    assert money.used[0] == 2.0 and money.level[0] == 1.0


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(cfg=resource_configs())
def test_no_pool_is_ever_overdrawn_with_every_mechanism_on(cfg) -> None:  # noqa: ANN001
    """Per pool, per unit, per day: hours used ≤ hours available, budget spent ≤ budget held."""
    model = GovernanceModel(cfg)
    for _ in range(cfg.days):
        model.step()
        for pool in model.pools:
            assert np.all(pool.used <= pool.available + 1e-9), (model.day, pool.spec.name)
            assert np.all(pool.level >= -1e-9), (model.day, pool.spec.name)
            assert np.all(pool.available <= pool.cap + 1e-9), (model.day, pool.spec.name)
            if pool.spec.name in HOUR_POOLS:  # hours do not keep: what is available is one day's
                assert np.all(pool.available <= pool.rate + 1e-9), (model.day, pool.spec.name)
            assert abs(sum(pool.by_use.values()) - pool.used.sum()) < 1e-6, (model.day, pool.spec.name)
