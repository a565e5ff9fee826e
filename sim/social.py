"""The social phase: self-governance of collective issues, trust spreading over ties,
participation as a threshold decision, and ties and efficacy drifting back."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from scipy import special

from sim.issues import Status
from sim.lifecycle import COLLECTIVE_SCOPES, close_issues, is_collective

if TYPE_CHECKING:
    from sim.model import GovernanceModel


def unit_of(model: GovernanceModel, ids: np.ndarray) -> np.ndarray:
    """The residential unit a collective issue belongs to: its building, or its compound
    (offset past the buildings) for compound-scope issues."""
    iss, pop = model.issues, model.pop
    res = iss.reporter[ids]
    return np.where(iss.scope[ids] == COLLECTIVE_SCOPES[0], pop.building[res], pop.n_buildings + pop.compound[res])


def unit_participation(model: GovernanceModel) -> np.ndarray:
    """Share of participating residents per unit (buildings, then compounds)."""
    pop, part = model.pop, model.state.participating.astype(np.float64)
    b = np.bincount(pop.building, weights=part, minlength=pop.n_buildings)
    c = np.bincount(pop.compound, weights=part, minlength=pop.n_compounds)
    return np.concatenate([b, c]) / model.unit_size


def self_govern(model: GovernanceModel) -> None:
    """Residents resolve collective issues themselves (self-governance; the article, part 3(1)) with a
    daily probability = rate × coordination of their community × participating share of
    their unit. Participants gain efficacy; issues taken over by the party are not theirs."""
    iss, b = model.issues, model.config.behaviour
    cand = iss.ids_with(Status.LATENT, Status.QUEUED)
    cand = cand[is_collective(iss.scope[cand]) & ~iss.taken_over[cand] & (iss.dept2[cand] < 0)]
    if len(cand) == 0:
        return
    unit = unit_of(model, cand)
    share = unit_participation(model)[unit]
    coord = model.state.coordination[model.pop.community[iss.reporter[cand]]]
    p = b.self_governance_rate * coord * share
    done = cand[model.streams.social.random(len(cand)) < p]
    if len(done) == 0:
        return
    iss.self_resolved[done] = True
    close_issues(model, done, Status.RESOLVED)
    # Efficacy for the participants of the units that solved something.
    pop, st = model.pop, model.state
    solved_units = np.zeros(pop.n_buildings + pop.n_compounds, dtype=bool)
    solved_units[unit_of(model, done)] = True
    mine = (solved_units[pop.building] | solved_units[pop.n_buildings + pop.compound]) & st.participating
    st.efficacy[mine] += b.efficacy_gain * (1 - st.efficacy[mine])
    st.last_volunteering[mine] = model.day
    st.took_part |= mine


def spread_trust(model: GovernanceModel) -> None:
    """Friedkin–Johnsen influence: each resident moves ``influence_rate`` toward the
    tie-strength-weighted mean trust of their contacts and ``stubbornness`` back toward their
    own experience-based view (the anchor); an emotional-climate event shifts everyone."""
    st, b = model.state, model.config.behaviour
    rate = b.influence_rate
    w = st.ties
    strength = st.strength()
    has = strength > 0
    neigh = np.zeros_like(st.trust)
    neigh[has] = (w @ st.trust)[has] / strength[has]
    st.trust[has] += rate * (neigh[has] - st.trust[has])
    st.trust += b.stubbornness * (st.personal - st.trust)
    if model.climate:
        st.trust += rate * model.climate * np.where(model.climate > 0, 1 - st.trust, st.trust)
    np.clip(st.trust, 0.0, 1.0, out=st.trust)


def participation_probability(model: GovernanceModel, residents: np.ndarray | slice, availability: np.ndarray) -> np.ndarray:
    """The participation decision (Granovetter 1978 with random utility): log-odds rise with
    trust, efficacy and the tie-weighted share of participating contacts above one's own
    threshold; the time available for the opportunity at hand caps it."""
    st, b = model.state, model.config.behaviour
    share = (st.ties @ st.participating.astype(np.float64)) / np.maximum(st.strength(), 1e-9)
    logit = (special.logit(b.participation_base)
             + b.participation_trust_slope * (st.trust[residents] - 0.5)
             + b.participation_efficacy_slope * (st.efficacy[residents] - 0.5)
             + b.participation_social_slope * (share[residents] - st.threshold[residents]))
    return availability / (1.0 + np.exp(-logit))


def update_participation(model: GovernanceModel) -> None:
    """Today's participation: residents who took part in an activity today (a meeting, a
    session, self-governance) participate; the others decide with the time their group has
    for community affairs (:func:`participation_probability`)."""
    st = model.state
    p = participation_probability(model, slice(None), st.availability)
    st.participating = st.took_part | (model.streams.social.random(len(p)) < p)


def relax(model: GovernanceModel) -> None:
    """Balancing processes: ties drift back toward their initial strength without contact;
    efficacy toward its initial mean; as experiences fade (``behaviour.memory_days``),
    experience-based trust toward one's disposition and expectations toward the common norm
    (``behaviour.expectation_initial``)."""
    st, b = model.state, model.config.behaviour
    st.personal += (st.disposition - st.personal) / b.memory_days
    st.expectation += (b.expectation_initial - st.expectation) / b.memory_days
    if not st.ties_at_base and b.tie_reversion > 0:
        st.ties.data += b.tie_reversion * (st.tie_base - st.ties.data)
        st.ties_changed()
    st.efficacy += b.efficacy_reversion * (b.efficacy_initial - st.efficacy)
    np.clip(st.efficacy, 0.0, 1.0, out=st.efficacy)
