"""Model v2, residents learn from what they themselves do (ODD 7.3a): efficacy split into
external (they listen) and internal (I can take part), the unit-wide broadcast replaceable by
the crew that did a fix, crowding out only of those not consulted, and turnout as an election."""

from __future__ import annotations

import math

import numpy as np

from sim.mechanisms import leadership_intensity
from sim.model import GovernanceModel
from sim.run import run
from sim.social import fix_crews, learn, participation_probability
from sim.state import NEVER
from tests.invariants import same_outcomes
from tests.strategies import tiny


def _model(**behaviour: object) -> GovernanceModel:
    return GovernanceModel(tiny(days=1, population={"residents": 800}, behaviour=behaviour))


def _cfg(days: int = 120, **behaviour: object):  # noqa: ANN202 - a ScenarioConfig
    return tiny(days=days, population={"residents": 1500}, behaviour=behaviour)


def test_a_fix_crew_is_at_most_k_participating_residents_of_the_unit() -> None:
    model = _model(unit_broadcast=False, fix_crew=2)
    model.step()
    st, iss = model.state, model.issues
    st.participating[:] = True
    issue = 0
    iss.scope[issue] = 1  # building scope: its unit is the reporter's building
    crew = fix_crews(model, np.array([issue]))
    building = model.pop.building[iss.reporter[issue]]
    assert 1 <= len(crew) <= 2
    assert np.all(model.pop.building[crew] == building)
    st.participating[:] = False
    assert len(fix_crews(model, np.array([issue]))) == 0


def test_without_the_broadcast_self_governance_raises_no_ones_external_efficacy() -> None:
    """v1's loop is the broadcast: without it efficacy (external) and participation fall."""
    v1 = run(_cfg(), detail=False).outcomes
    v2 = run(_cfg(unit_broadcast=False), detail=False).outcomes
    assert v2["efficacy_mean"] < v1["efficacy_mean"] - 0.05
    assert v2["participation_rate"] < v1["participation_rate"]


def test_learning_by_doing_raises_internal_efficacy_of_those_who_took_part_only() -> None:
    model = _model()
    model.step()
    st = model.state
    st.took_part[:] = False
    st.took_part[:10] = True
    st.last_volunteering[10:20] = model.day
    st.last_deliberation[20:30] = model.day  # visited at home: treatment, not doing
    before, external = st.internal.copy(), st.efficacy.copy()
    learn(model)
    g = model.config.behaviour.internal_gain
    assert np.allclose(st.internal[:20], before[:20] + g * (1 - before[:20]))
    assert np.array_equal(st.internal[20:], before[20:])
    assert np.array_equal(st.efficacy, external)  # doing teaches that one can, not that they listen


def test_internal_efficacy_lowers_the_threshold_only_with_its_weight() -> None:
    model = _model(internal_threshold_weight=0.5)
    model.step()
    st = model.state
    everyone = np.ones(model.pop.n)
    st.internal[:] = model.config.behaviour.efficacy_initial
    base = participation_probability(model, slice(None), everyone)
    st.internal[:] = 1.0
    assert np.all(participation_probability(model, slice(None), everyone) > base)
    off = _model(internal_threshold_weight=0.0)
    off.step()
    p0 = participation_probability(off, slice(None), everyone)
    off.state.internal[:] = 1.0
    assert np.array_equal(participation_probability(off, slice(None), everyone), p0)


def test_being_told_the_outcome_raises_external_efficacy_only_with_its_gain() -> None:
    visits = {"service_closed_loop": {"enabled": True}}
    off = run(tiny(days=120, population={"residents": 1500}, mechanisms=visits), detail=False).outcomes
    on = run(tiny(days=120, population={"residents": 1500}, mechanisms=visits,
                  behaviour={"heard_efficacy_gain": 0.5}), detail=False).outcomes
    assert on["efficacy_mean"] > off["efficacy_mean"] + 0.005


def test_a_takeover_crowds_out_only_residents_not_consulted() -> None:
    cfg = tiny(days=1, population={"residents": 800}, mechanisms={"leadership_intensity": {"enabled": True}})
    model = GovernanceModel(cfg)
    model.step()
    st, iss = model.state, model.issues
    st.participating[:] = True
    iss.scope[0] = 1
    unit = model.pop.building == model.pop.building[iss.reporter[0]]
    consulted = np.flatnonzero(unit)[: max(1, unit.sum() // 2)]
    st.last_deliberation[consulted] = model.day - 5
    base = leadership_intensity.Params(enabled=True, crowd_out=0.1)
    for days, spared in ((0, 0), (10, len(consulted))):
        eff, internal = st.efficacy.copy(), st.internal.copy()
        leadership_intensity._crowd_out(model, np.array([0]), base.model_copy(update={"consult_days": days}))
        lost = unit & (st.efficacy < eff)
        assert np.array_equal(lost, unit & (st.internal < internal))
        assert lost.sum() == unit.sum() - spared
        assert not np.any(~unit & (st.efficacy != eff))


def test_an_election_is_held_half_way_through_each_interval_and_turnout_is_read_from_it() -> None:
    cfg = tiny(days=40, population={"residents": 600}, behaviour={"election_interval_days": 30})
    model = GovernanceModel(cfg)
    held = []
    for _ in range(40):
        model.step()
        if model.state.election_day == model.day:
            held.append(model.day)
    assert held == [15]
    assert 0 < model.state.voted.mean() < 1


def test_turnout_is_undefined_before_the_first_election() -> None:
    out = run(tiny(days=10, population={"residents": 400}), detail=False).outcomes
    assert math.isnan(out["turnout"])
    assert GovernanceModel(tiny(days=1)).state.election_day == NEVER


def test_elections_measure_and_change_nothing_else() -> None:
    """Turnout is a measurement: when the election is held moves no other outcome (its draws
    come from their own stream)."""
    a = run(tiny(days=60, population={"residents": 800}, behaviour={"election_interval_days": 40}), detail=False).outcomes
    b = run(tiny(days=60, population={"residents": 800}, behaviour={"election_interval_days": 60}), detail=False).outcomes
    turnout = [k for k in a if k.startswith("turnout")]
    assert turnout and not any(math.isnan(a[k]) or math.isnan(b[k]) for k in turnout)
    assert same_outcomes({k: v for k, v in a.items() if k not in turnout}, {k: v for k, v in b.items() if k not in turnout})
