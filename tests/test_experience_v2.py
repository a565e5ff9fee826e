"""Model v2, trust from treatment and from others (ODD 7.2a): a visit or a meeting is an
experience of how one is treated, and a contact's case outcome travels over the tie."""

from __future__ import annotations

import numpy as np

from sim.lifecycle import experience
from sim.model import GovernanceModel
from sim.run import run
from tests.invariants import same_outcomes
from tests.strategies import tiny

DAYS = 120
VISITS = {"emotional_outreach": {"enabled": True}}


def _trust(**behaviour: float) -> float:
    cfg = tiny(days=DAYS, population={"residents": 1500}, behaviour=behaviour, mechanisms=VISITS)
    return run(cfg, detail=False).outcomes["trust_mean"]


def test_being_visited_raises_trust_only_when_treatment_is_an_experience() -> None:
    assert _trust(procedural_weight=0.3) > _trust(procedural_weight=0.0) + 0.005


def test_without_visits_or_meetings_treatment_changes_nothing() -> None:
    """No one is visited or meets in the plain baseline: the weight has nothing to weigh."""
    base = tiny(days=60, population={"residents": 800})
    a = run(base, detail=False).outcomes
    b = run(base.model_copy(update={"behaviour": base.behaviour.model_copy(update={"procedural_weight": 0.5})}),
            detail=False).outcomes
    assert same_outcomes(a, b)


def _model_with_ties() -> GovernanceModel:
    model = GovernanceModel(tiny(days=1, population={"residents": 600}, behaviour={"vicarious_weight": 0.5}))
    return model


def test_a_contacts_bad_outcome_lowers_trust_by_tie_strength() -> None:
    model = _model_with_ties()
    st = model.state
    r = int(np.argmax(np.diff(st.ties.indptr)))  # a reporter with contacts
    contacts = st.ties.indices[st.ties.indptr[r]: st.ties.indptr[r + 1]]
    strength = st.ties.data[st.ties.indptr[r]: st.ties.indptr[r + 1]]
    before = st.personal.copy()
    others = np.setdiff1d(np.arange(model.pop.n), np.r_[contacts, r])
    sat = 0.0 - st.expectation[r]  # an abandoned case: performance 0
    experience(model, np.array([r]), np.zeros(1), np.array([0]))
    b = model.config.behaviour
    expected = np.clip(before[contacts] + b.trust_learning_rate * b.vicarious_weight * strength * sat, 0, 1)
    assert np.allclose(st.personal[contacts], expected)
    assert np.array_equal(st.personal[others], before[others])


def test_contacts_disappointments_pull_trust_down_when_they_travel() -> None:
    """Where reporters are on balance disappointed (mean satisfaction below 0), letting their
    outcomes reach their contacts lowers mean trust."""
    cfg = tiny(days=DAYS, population={"residents": 1500}, capacity={"resolve_quality": 0.5})
    off = run(cfg, detail=False).outcomes
    on = run(cfg.model_copy(update={"behaviour": cfg.behaviour.model_copy(update={"vicarious_weight": 0.5})}),
             detail=False).outcomes
    assert off["satisfaction"] < 0 and on["satisfaction"] < 0
    assert on["trust_mean"] < off["trust_mean"] - 0.003
