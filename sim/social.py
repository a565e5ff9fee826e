"""The social phase: self-governance of collective issues, treatment and learning by doing,
trust spreading over ties, participation as a threshold decision, ties and efficacy drifting
back, and the yearly election."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from scipy import special

from sim.issues import Status
from sim.lifecycle import COLLECTIVE_SCOPES, close_issues, experience, is_collective

if TYPE_CHECKING:
    from sim.model import GovernanceModel


def unit_of(model: GovernanceModel, ids: np.ndarray) -> np.ndarray:
    """The residential unit a collective issue belongs to: its building, or its compound
    (offset past the buildings) for compound-scope issues."""
    iss, pop = model.issues, model.pop
    res = iss.reporter[ids]
    return np.where(iss.scope[ids] == COLLECTIVE_SCOPES[0], pop.building[res], pop.n_buildings + pop.compound[res])


def unit_participation(model: GovernanceModel) -> np.ndarray:
    """Share of participating residents per unit (buildings, then compounds; residents of a
    unit are a contiguous range of ids, so a cumulative sum gives every unit's count)."""
    c = np.concatenate([[0], np.cumsum(model.state.participating, dtype=np.int64)])
    return (c[model.unit_end] - c[model.unit_start]) / model.unit_size


def residents_of(model: GovernanceModel, units: np.ndarray) -> np.ndarray:
    """Residents of the given units (indices into buildings, then compounds; see :func:`unit_of`),
    sorted and unique: the union of the units' id ranges, merged as intervals, so the cost is
    proportional to the residents returned, not to the population."""
    if len(units) == 0:
        return np.zeros(0, dtype=np.int64)
    start, end = model.unit_start[units], model.unit_end[units]
    order = np.argsort(start, kind="stable")
    start, end = start[order], end[order]
    reach = np.maximum.accumulate(end)  # furthest end so far: a range starting past it opens a new block
    first = np.ones(len(start), dtype=bool)
    first[1:] = start[1:] > reach[:-1]
    blocks = np.flatnonzero(first)
    lo, hi = start[blocks], reach[np.r_[blocks[1:] - 1, len(start) - 1]]
    sizes = hi - lo
    return np.repeat(lo - np.cumsum(np.r_[0, sizes[:-1]]), sizes) + np.arange(sizes.sum(), dtype=np.int64)


def self_govern(model: GovernanceModel) -> None:
    """Residents resolve collective issues themselves (self-governance; the article, part 3(1)) with a
    daily probability = rate × coordination of their community × participating share of
    their unit. Participants gain efficacy; issues taken over by the party are not theirs, and
    requests outside the street's authority or policy are not within anyone's reach here."""
    iss, b = model.issues, model.config.behaviour
    cand = iss.ids_with(Status.LATENT, Status.QUEUED)
    cand = cand[is_collective(iss.scope[cand]) & ~iss.taken_over[cand] & (iss.dept2[cand] < 0) & ~iss.outside[cand]]
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
    st = model.state
    if b.unit_broadcast:  # v1: every participating resident of the unit did it, and gains efficacy
        mine = residents_of(model, unit_of(model, done))
        mine = mine[st.participating[mine]]
        st.efficacy[mine] += b.efficacy_gain * (1 - st.efficacy[mine])
    else:
        mine = fix_crews(model, done)
    st.last_volunteering[mine] = model.day
    st.took_part[mine] = True


def fix_crews(model: GovernanceModel, done: np.ndarray) -> np.ndarray:
    """The residents who did the work of each self-governed fix in ``done``: up to
    ``behaviour.fix_crew`` of its unit's participating residents, drawn at random (model v2;
    they learn by doing in :func:`learn`). Sorted and unique."""
    st, k = model.state, model.config.behaviour.fix_crew
    rng = model.streams.crews
    units = unit_of(model, done)
    crews = []
    for u in units:  # a few fixes a day
        members = np.arange(model.unit_start[u], model.unit_end[u])
        members = members[st.participating[members]]
        crews.append(members if len(members) <= k else rng.choice(members, size=k, replace=False))
    return np.unique(np.concatenate(crews)) if crews else np.zeros(0, dtype=np.int64)


def learn(model: GovernanceModel) -> None:
    """Internal efficacy (I can take part) is learnt by doing: a resident who took part today
    (a meeting, a session, a self-governed fix) or volunteered gains ``behaviour.internal_gain``
    of what is left to gain (Finkel 1985; the article, part 2(4): 履责; model v2). Being
    visited at home is treatment, not doing (:func:`treatment`)."""
    st, g = model.state, model.config.behaviour.internal_gain
    did = np.flatnonzero(st.took_part | (st.last_volunteering == model.day))
    st.internal[did] += g * (1 - st.internal[did])


def treatment(model: GovernanceModel) -> None:
    """How one is treated is an experience of its own: a resident visited at home or attending
    a meeting or session today (``last_deliberation``) has an experience of performance 1,
    weighted ``behaviour.procedural_weight`` against a case's outcome (procedural justice: Tyler
    1990; Tyler & Huo 2002; the article, part 3(4): 生人 → 熟人; model v2; 0: none, as in v1)."""
    w = model.config.behaviour.procedural_weight
    if w == 0:
        return
    treated = np.flatnonzero(model.state.last_deliberation == model.day)
    experience(model, treated, np.ones(len(treated)), weight=w)


def spread_trust(model: GovernanceModel) -> None:
    """Friedkin–Johnsen influence: each resident moves ``influence_rate`` toward the
    tie-strength-weighted mean trust of their contacts and ``stubbornness`` back toward their
    own experience-based view (the anchor); an emotional-climate event shifts everyone."""
    st, b = model.state, model.config.behaviour
    rate = b.influence_rate
    t, inv = st.trust, st.inv_strength()
    # One pass over the ties for both neighbourhood means: contacts' trust and participation.
    both = st.ties @ np.column_stack([t, st.participating.astype(np.float64)])
    model.scratch_metrics[("contact_share", model.steps)] = both[:, 1] * inv
    pull = np.multiply(both[:, 0], inv)  # tie-weighted mean of contacts' trust, minus one's own (0 without ties)
    pull -= t * (inv > 0)
    pull *= rate
    t += pull
    np.subtract(st.personal, t, out=pull)
    pull *= b.stubbornness
    t += pull
    if model.climate:
        st.trust += rate * model.climate * np.where(model.climate > 0, 1 - st.trust, st.trust)
    np.clip(st.trust, 0.0, 1.0, out=st.trust)


def participation_probability(model: GovernanceModel, residents: np.ndarray | slice, availability: np.ndarray) -> np.ndarray:
    """The participation decision (Granovetter 1978 with random utility): log-odds rise with
    trust, efficacy and the tie-weighted share of participating contacts above one's own
    threshold; the time available for the opportunity at hand caps it."""
    st, b = model.state, model.config.behaviour
    share = model.scratch_metrics.get(("contact_share", model.steps))  # from today's spread_trust
    if share is None:
        share = st.ties @ st.participating.astype(np.float64)
        share *= st.inv_strength()
    # logit(base) + trust term + efficacy term + social term, evaluated in place (a population-wide array a day)
    logit = st.trust[residents] - 0.5
    logit *= b.participation_trust_slope
    logit += special.logit(b.participation_base)
    term = st.efficacy[residents] - 0.5
    term *= b.participation_efficacy_slope
    logit += term
    np.subtract(share[residents], st.threshold[residents], out=term)
    if b.internal_threshold_weight:  # internal efficacy lowers the threshold (model v2)
        term += b.internal_threshold_weight * (st.internal[residents] - b.efficacy_initial)
    term *= b.participation_social_slope
    logit += term
    np.negative(logit, out=logit)
    np.exp(logit, out=logit)
    logit += 1.0
    return np.divide(availability, logit, out=logit)


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
    step = np.subtract(st.disposition, st.personal)
    step /= b.memory_days
    st.personal += step
    np.subtract(b.expectation_initial, st.expectation, out=step)
    step /= b.memory_days
    st.expectation += step
    if not st.ties_at_base and b.tie_reversion > 0:
        st.ties.data += b.tie_reversion * (st.tie_base - st.ties.data)
        st.ties_changed()
    for eff in (st.efficacy, st.internal):
        np.subtract(b.efficacy_initial, eff, out=step)
        step *= b.efficacy_reversion
        eff += step  # a convex step: stays in [0, 1]
    model.scratch_metrics.pop(("contact_share", model.steps), None)


def hold_election(model: GovernanceModel) -> None:
    """A residents' committee election, half-way through each ``behaviour.election_interval_days``
    counted from the switch: every resident decides to vote as they decide to take part
    (:func:`participation_probability`) with the time a vote takes always available (measurement
    model: turnout is this event, not daily participation; model v2). The committee's
    organising of it is among the duties from above (``capacity.duties_from_above_share``)."""
    every = model.config.behaviour.election_interval_days
    if (model.day - model.start_day) % every != every // 2:
        return
    st = model.state
    p = participation_probability(model, slice(None), np.ones(model.pop.n))
    st.voted = model.streams.elections.random(len(p)) < p
    st.election_day = model.day
