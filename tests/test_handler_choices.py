"""Model v2, handlers who choose and a hotline that measures by callbacks (ODD 7.1.10-7.1.12):
duties from above compete for the offices' hours under a priority rule, requests outside the
street's authority can only be answered by reply, a failed case may be closed by reply, and
the hotline's figure counts what reporters say on the callback."""

from __future__ import annotations

from functools import cache

import numpy as np
from hypothesis import HealthCheck, given, settings

from sim.issues import Status
from sim.lifecycle import DUTY_POOLS
from sim.model import GovernanceModel
from sim.run import RunResult, run
from sim.schema import ScenarioConfig
from tests.measures import col, spent
from tests.strategies import small_configs, tiny

DAYS = 150


@cache
def _run(**sections: tuple[tuple[str, float], ...]) -> RunResult:
    """A street of 1,500 residents for 150 days with ``sections`` set (hashable for the cache)."""
    cfg = tiny(days=DAYS, population={"residents": 1500}, **{k: dict(v) for k, v in sections.items()})
    return run(cfg)


def test_duties_from_above_take_their_share_of_every_office_first() -> None:
    base = _run()
    duty = _run(capacity=(("duties_from_above_share", 0.6),))
    cfg = duty.config
    model = GovernanceModel(cfg)
    for name in DUTY_POOLS:
        rate = float(model.pools[name].rate.sum())
        assert np.isclose(spent(duty, name, "duties from above"), 0.6 * rate * DAYS, rtol=1e-6), name
        assert spent(base, name, "duties from above") == 0.0
    # Fewer hours for cases: reported issues wait longer and fewer are really resolved.
    assert duty.outcomes["resolution_days_rmst"] > base.outcomes["resolution_days_rmst"] + 0.5
    assert duty.outcomes["backlog"] > base.outcomes["backlog"]


def test_duty_priority_decides_who_waits() -> None:
    first = _run(capacity=(("duties_from_above_share", 0.6), ("duty_priority", 1.0)))
    last = _run(capacity=(("duties_from_above_share", 0.6), ("duty_priority", 0.0)))
    # Cases first: residents wait less, and duties get only what casework leaves.
    assert last.outcomes["resolution_days_rmst"] < first.outcomes["resolution_days_rmst"] - 0.5
    for name in DUTY_POOLS:
        assert spent(last, name, "duties from above") < spent(first, name, "duties from above"), name


def test_requests_outside_authority_are_answered_by_reply_never_fixed() -> None:
    base = _run()
    out = _run(issues=(("outside_authority_share", 0.3),))
    outside = col(out, "outside_authority")
    status = col(out, "status")
    assert 0.25 < outside.mean() < 0.35
    assert not np.any(status[outside] == "resolved")
    closed = outside & (status == "false_closed")
    # Answered by reply, unless a handler under pressure claims it fixed on paper.
    assert closed.sum() > 20 and col(out, "by_reply")[closed].mean() > 0.8
    assert out.outcomes["reply_closure_rate"] > 0.1 and base.outcomes["reply_closure_rate"] == 0.0
    assert out.outcomes["resolution_rate_reported"] < base.outcomes["resolution_rate_reported"] - 0.1
    # The same arriving issues whatever the share (its own stream): common random numbers.
    assert np.array_equal(col(out, "day_arisen"), col(base, "day_arisen"))


def test_reply_closure_is_a_closure_without_a_fix_that_callbacks_may_count() -> None:
    sections = (("resolve_quality", 0.8), ("reply_closure", 0.6))
    low = _run(capacity=sections, behaviour=(("reply_acceptance", 0.0),))
    high = _run(capacity=sections, behaviour=(("reply_acceptance", 1.0),))
    base = _run(capacity=(("resolve_quality", 0.8),))
    assert low.outcomes["reply_closure_rate"] > 0.05
    # Replies end cases that would have been retried and fixed: fewer really resolved.
    assert low.outcomes["resolution_rate_reported"] < base.outcomes["resolution_rate_reported"]
    # A reply is no betrayal: no reporter "finds out" a reply.
    assert not np.any(col(low, "discovered_false_closure") & col(low, "by_reply"))
    # What the hotline reports depends on what reporters say; what really happened does not.
    assert low.outcomes["resolution_rate_reported"] == high.outcomes["resolution_rate_reported"]
    assert high.outcomes["hotline_resolution_rate"] > low.outcomes["hotline_resolution_rate"] + 0.03
    assert np.isclose(low.outcomes["hotline_resolution_rate"], low.outcomes["resolution_rate_reported"], atol=0.02)


def test_undiscovered_paper_closures_count_as_resolved_on_the_callback() -> None:
    paper = _run(capacity=(("resolve_quality", 0.6), ("community_staff_hours_per_day", 3.0),
                           ("department_hours_per_10k", 6.0)))
    status, called = col(paper, "status"), col(paper, "callback_resolved")
    on_paper = (status == "false_closed") & ~col(paper, "by_reply")
    assert on_paper.sum() > 20
    assert np.array_equal(called[on_paper], ~col(paper, "discovered_false_closure")[on_paper])
    assert paper.outcomes["hotline_resolution_rate"] > paper.outcomes["resolution_rate_reported"] + 0.01


def test_audits_reopen_unjustified_replies_but_not_answers_to_outside_requests() -> None:
    r = run(tiny(days=DAYS, population={"residents": 1500}, issues={"outside_authority_share": 0.3},
                 capacity={"reply_closure": 0.5, "resolve_quality": 0.7},
                 mechanisms={"supervision": {"enabled": True, "audit_rate": 1.0, "hours_per_audit": 0.0}}))
    reopened, outside = col(r, "reopened"), col(r, "outside_authority")
    assert reopened[~outside].sum() > 0
    assert reopened[outside].sum() == 0


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cfg=small_configs())
def test_the_hotline_never_reports_less_than_really_happened(cfg: ScenarioConfig) -> None:
    out = run(cfg, detail=False).outcomes
    real, hotline = out["resolution_rate_reported"], out["hotline_resolution_rate"]
    assert np.isnan(real) == np.isnan(hotline)
    if not np.isnan(real):
        assert hotline >= real - 1e-12


def test_a_reopened_reply_is_an_open_case_again() -> None:
    model = GovernanceModel(tiny(days=60, population={"residents": 800}, issues={"outside_authority_share": 0.0},
                                 capacity={"reply_closure": 1.0, "resolve_quality": 0.5},
                                 mechanisms={"supervision": {"enabled": True, "audit_rate": 1.0,
                                                             "hours_per_audit": 0.0, "sensitivity": 1.0}}))
    for _ in range(60):
        model.step()
    iss = model.issues
    again = np.flatnonzero(iss.col("reopened") > 0)
    assert len(again) > 0
    still_open = again[iss.status[again] == Status.QUEUED]
    assert not iss.by_reply[still_open].any() and not iss.callback_resolved[still_open].any()
