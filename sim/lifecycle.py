"""The issue lifecycle of spec §3 as the day's core phases, vectorised over issues.

arrive → detect → route → handle → feedback & experience → abandon. Mechanism hooks run
between these phases (see ``GovernanceModel.step``); everything here acts only through
residents' decisions (reporting), handlers' capacity, authority and budget, and residents'
experience of the outcome.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from scipy import special

from sim.issues import Channel, Status
from sim.vocab import CATEGORIES, KIND_LEVEL, SCOPES, Kind

if TYPE_CHECKING:
    from sim.model import GovernanceModel

COLLECTIVE_SCOPES = (SCOPES.index("building"), SCOPES.index("compound"))
LIFT = CATEGORIES.index("lift_renovation")


def _logistic(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


# ---------------------------------------------------------------- arrivals
def arrive(model: GovernanceModel, *, rate_scale: float = 1.0, categories: np.ndarray | None = None,
           scope: int | None = None, rng: np.random.Generator | None = None,
           exogenous: bool = False) -> np.ndarray:
    """New latent issues: Poisson arrivals per resident-day by category shares (spec §3).

    The baseline call draws only from the ``arrivals`` stream, in a fixed order, so the
    arriving issues are identical whatever mechanisms are on (common random numbers).
    Events pass their own stream, categories and scope for extra (``exogenous``) arrivals.
    """
    cfg = model.config.issues
    rng = rng or model.streams.arrivals
    n_res = model.pop.n
    k = rng.poisson(cfg.rate_per_resident_day * n_res * rate_scale)
    cats = model.category_table
    shares = cats["share"] if categories is None else cats["share"] * np.isin(np.arange(len(CATEGORIES)), categories)
    shares = shares / shares.sum()
    reporter = rng.integers(0, n_res, size=k)
    category = rng.choice(len(CATEGORIES), size=k, p=shares)
    u_scope = rng.random(k)
    cross = rng.random(k)
    dept2_raw = rng.integers(0, len(CATEGORIES) - 1, size=k)
    cost = rng.exponential(1.0, size=k) * cats["cost"][category]
    severity = rng.random(k)
    scope_idx = (u_scope[:, None] > np.cumsum(cats["scope"][category], axis=1)).sum(axis=1)
    scope_idx = np.minimum(scope_idx, len(SCOPES) - 1) if scope is None else np.full(k, scope)
    dept2 = np.where(cross < cats["cross"][category], dept2_raw + (dept2_raw >= category), -1)
    return model.issues.add(
        day=model.day, exogenous=np.full(k, exogenous), reporter=reporter.astype(np.int32), category=category.astype(np.int8),
        scope=scope_idx.astype(np.int8), dept2=dept2.astype(np.int8), cost=cost.astype(np.float32),
        severity=severity.astype(np.float32), ready_day=np.full(k, model.day, dtype=np.int32),
    )


# ---------------------------------------------------------------- detection
def report_probability(model: GovernanceModel, residents: np.ndarray, severity: np.ndarray) -> np.ndarray:
    """Daily probability that residents report their latent issue themselves.

    Logistic in trust and efficacy around ``report_base`` (participation follows trust and
    efficacy, spec §3), times access to a channel: the better of the offline channel for the
    resident's group and a digital channel scaled by digital literacy.
    """
    b = model.config.behaviour
    st = model.state
    logit = (special.logit(b.report_base)
             + b.report_trust_slope * (st.trust[residents] - 0.5)
             + b.report_efficacy_slope * (st.efficacy[residents] - 0.5)
             + (severity - 0.5))
    return _logistic(logit) * st.access[residents]


def detect(model: GovernanceModel) -> None:
    """Residents report latent issues; grid workers' patrols find some of the rest."""
    iss, rng = model.issues, model.streams.detection
    model.ledger.add("grid_worker_hours", model.n_grid_workers * model.config.capacity.patrol_hours_per_day)
    latent = iss.ids_with(Status.LATENT)
    if len(latent) == 0:
        return
    p_self = report_probability(model, iss.reporter[latent], iss.severity[latent])
    # Patrol: each grid worker covers patrol_households_per_day of its cell's households.
    cell = model.pop.grid_cell[iss.reporter[latent]]
    coverage = np.minimum(1.0, model.config.capacity.patrol_households_per_day / model.cell_households[cell])
    p_patrol = coverage * model.config.behaviour.patrol_visibility * (iss.scope[latent] > 0)
    u = rng.random((2, len(latent)))
    by_self = u[0] < p_self
    by_patrol = ~by_self & (u[1] < p_patrol)
    mark_detected(model, latent[by_self], Channel.SELF_REPORT)
    mark_detected(model, latent[by_patrol], Channel.GRID_PATROL)


def mark_detected(model: GovernanceModel, ids: np.ndarray, channel: Channel) -> None:
    """LATENT → REPORTED through ``channel`` (used by the core and by mechanisms)."""
    iss = model.issues
    iss.move(ids, Status.REPORTED)
    iss.channel[ids] = channel
    iss.day_detected[ids] = model.day


# ---------------------------------------------------------------- routing
def correct_handler(model: GovernanceModel, ids: np.ndarray, *, above_level: np.ndarray | int = -1) -> np.ndarray:
    """The handler with authority over each issue: the lowest active level above
    ``above_level`` whose authority and reach cover it and that has capacity; otherwise the street level (the
    street office when it summons departments, else the department whose part is next)."""
    iss, rules, h, pop = model.issues, model.rules, model.handlers, model.pop
    cat, scope, d2 = iss.category[ids], iss.scope[ids], iss.dept2[ids]
    res = iss.reporter[ids]
    above = np.broadcast_to(np.asarray(above_level), ids.shape)
    units = {Kind.BUILDING: pop.building[res], Kind.COMPOUND: pop.compound[res],
             Kind.COMMUNITY: pop.community[res], Kind.AREA: pop.area[res]}
    target = np.full(len(ids), -1, dtype=np.int64)
    for kind in (Kind.BUILDING, Kind.COMPOUND, Kind.COMMUNITY, Kind.AREA):
        if not rules.active[kind]:
            continue
        cand = h.offset[kind] + units[kind]
        ok = ((target < 0) & (KIND_LEVEL[kind] > above) & rules.authority[kind, cat]
              & (rules.reach[kind] >= scope) & (d2 < 0) & (h.rate[cand] > 0))
        target[ok] = cand[ok]
    rest = target < 0
    summon = rest & (d2 >= 0) & rules.whistle
    target[summon] = h.offset[Kind.STREET]
    dept = rest & ~summon
    part_cat = np.where((iss.parts_done[ids] > 0) & (d2 >= 0), d2, cat)
    target[dept] = h.offset[Kind.DEPARTMENT] + part_cat[dept]
    return target


def route(model: GovernanceModel) -> None:
    """REPORTED → QUEUED at a handler: correct with ``routing_accuracy``, else a wrong
    department, which will refer it on (a reassignment)."""
    iss, rng, day = model.issues, model.streams.handling, model.day
    ids = iss.ids_with(Status.REPORTED)
    if len(ids) == 0:
        return
    target = correct_handler(model, ids)
    wrong = rng.random(len(ids)) >= model.rules.routing_accuracy
    target[wrong] = wrong_department(model, ids[wrong], rng)
    iss.move(ids, Status.QUEUED)
    iss.day_routed[ids] = day
    _send(model, ids, target, delay=0.0, count=False)


def wrong_department(model: GovernanceModel, ids: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A department other than the one whose part of each issue is due."""
    iss = model.issues
    due = np.where((iss.parts_done[ids] > 0) & (iss.dept2[ids] >= 0), iss.dept2[ids], iss.category[ids])
    other = rng.integers(0, len(CATEGORIES) - 1, size=len(ids))
    return model.handlers.offset[Kind.DEPARTMENT] + other + (other >= due)


def _send(model: GovernanceModel, ids: np.ndarray, target: np.ndarray, *, delay: float, count: bool) -> None:
    """Queue ``ids`` at ``target``; a reassignment when ``count`` (escalation or referral)."""
    iss, day = model.issues, model.day
    iss.handler[ids] = target
    iss.queue_day[ids] = day
    iss.ready_day[ids] = day + int(np.ceil(delay))
    if count:
        iss.reassignments[ids] += 1
    iss.log_route(ids, day, target)


def reassign(model: GovernanceModel, ids: np.ndarray, target: np.ndarray) -> None:
    """QUEUED → QUEUED at another handler, losing ``handoff_days``."""
    model.issues.move(ids, Status.QUEUED)
    _send(model, ids, target, delay=model.rules.handoff_days, count=True)


# ---------------------------------------------------------------- handling
def group_cumsum(keys: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Cumulative weight within runs of equal ``keys`` (keys sorted)."""
    if len(keys) == 0:
        return np.zeros(0, dtype=np.float64)
    cw = np.cumsum(weights)
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    base = np.repeat(cw[starts] - weights[starts], np.diff(np.r_[starts, len(keys)]))
    return cw - base


def due_today(model: GovernanceModel) -> np.ndarray:
    """Queued issues each handler takes up today: first come, first served within capacity.

    Batched and summoned issues ride on a case already paid for and take no capacity.
    """
    iss, h, day = model.issues, model.handlers, model.day
    q = iss.ids_with(Status.QUEUED)
    q = q[(iss.ready_day[q] <= day) & ~iss.taken_over[q]]
    if len(q) == 0:
        return q
    hq = iss.handler[q]
    order = np.lexsort((q, iss.queue_day[q], hq))
    q, hq = q[order], hq[order]
    weight = (~(iss.batched[q] | iss.summoned[q])).astype(np.float64)
    rank = group_cumsum(hq, weight)
    take = (rank <= np.floor(h.credit[hq])) | (weight == 0)
    np.subtract.at(h.credit, hq[take], weight[take])
    return q[take]


def handle(model: GovernanceModel) -> None:
    """Handlers work through today's cases (spec §3): refer what they have no authority
    over, pass the buck sometimes, summon departments or refer sequentially for
    cross-department issues, seek consent for collective ones, pay from their budget, then
    resolve, or under pressure close on paper."""
    iss, h, rules, rng, day = model.issues, model.handlers, model.rules, model.streams.handling, model.day
    ids = due_today(model)
    if len(ids) == 0:
        return
    hid = iss.handler[ids]
    kind = h.kind[hid]
    cat, d2 = iss.category[ids], iss.dept2[ids]
    owner = correct_handler(model, ids, above_level=KIND_LEVEL[kind] - 1)
    mine = owner == hid
    u = rng.random((4, len(ids)))  # buck-passing, consent, quality, paper closure
    model.ledger.add("staff_hours", float(len(ids)))

    # 1. Not mine: escalate or refer to the handler with authority (a reassignment).
    not_mine = ~mine
    target = correct_handler(model, ids[not_mine], above_level=np.where(kind[not_mine] == Kind.DEPARTMENT, -1,
                                                                         KIND_LEVEL[kind[not_mine]]))
    reassign(model, ids[not_mine], target)

    # 2. Mine but passed on (推诿扯皮): lower levels push upward, departments sideways.
    passing = mine & (u[0] < rules.buck_passing) & (kind != Kind.STREET)
    pid = ids[passing]
    sideways = kind[passing] == Kind.DEPARTMENT
    dest = np.where(sideways, wrong_department(model, pid, rng),
                    correct_handler(model, pid, above_level=KIND_LEVEL[kind[passing]]))
    reassign(model, pid, dest)
    work = mine & ~passing

    # 3. The street office summons every department at once (whistle_summon).
    summon = work & (kind == Kind.STREET) & ~iss.summoned[ids]
    sid = ids[summon]
    iss.summoned[sid] = True
    iss.ready_day[sid] = day + int(np.ceil(rules.whistle_deadline))
    for depts in (cat[summon], d2[summon]):
        np.subtract.at(h.credit, h.offset[Kind.DEPARTMENT] + depts, 1.0)
    model.ledger.add("department_hours", 2.0 * len(sid) * rules.hours_per_summons)
    work &= ~summon

    # 4. Sequential referral: the first department does its part and refers to the second.
    first_part = work & (kind == Kind.DEPARTMENT) & (d2 >= 0) & (iss.parts_done[ids] == 0)
    fid = ids[first_part]
    iss.parts_done[fid] = 1
    reassign(model, fid, h.offset[Kind.DEPARTMENT] + d2[first_part])
    work &= ~first_part

    # 5. Collective issues need residents' consent (e.g. a lift needs the building's agreement).
    needs_consent = work & (cat == LIFT) & np.isin(iss.scope[ids], COLLECTIVE_SCOPES) & ~iss.consent[ids]
    got = needs_consent & (u[1] < rules.consent_base)
    iss.consent[ids[got]] = True
    wait = needs_consent & ~got
    work &= ~wait

    # 6. The work itself succeeds with resolve_quality; only a fix that works is paid for, in
    #    queue order from the handler's pool, else the regional pool; without money a lower
    #    level escalates and the street level waits.
    fixable = work & (u[2] < rules.resolve_quality)
    paid = _pay(model, ids, fixable)
    no_money = fixable & ~paid
    escalate = no_money & (KIND_LEVEL[kind] < 4)
    if escalate.any():
        eid = ids[escalate]
        reassign(model, eid, correct_handler(model, eid, above_level=KIND_LEVEL[kind[escalate]]))
    wait |= no_money & ~escalate

    # 7. Resolve what is paid for; a failing handler under pressure may close on paper.
    success = paid
    close_issues(model, ids[success], Status.RESOLVED)
    pressure = model.queue_pressure()[hid]
    failing = (work & ~fixable) | wait
    paper = failing & pressure & (u[3] < rules.false_closure_pressure)
    close_issues(model, ids[paper], Status.FALSE_CLOSED)
    retry = failing & ~paper
    iss.ready_day[ids[retry]] = day + np.where(wait[retry], model.config.capacity.retry_days, 1)


def _pay(model: GovernanceModel, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Which of ``ids[mask]`` get paid for, in queue order, from pools then the regional pool."""
    iss, h, rules = model.issues, model.handlers, model.rules
    paid = np.zeros(len(ids), dtype=bool)
    idx = np.flatnonzero(mask)
    if len(idx) == 0:
        return paid
    cost = iss.cost[ids[idx]].astype(np.float64)
    pool = h.pool[iss.handler[ids[idx]]]
    order = np.argsort(pool, kind="stable")
    spent = group_cumsum(pool[order], cost[order])
    ok_sorted = spent <= h.budget[pool[order]]
    ok = np.empty_like(ok_sorted)
    ok[order] = ok_sorted
    np.subtract.at(h.budget, pool[ok], cost[ok])
    # Regional party-building pool for resource-heavy issues, first come first served.
    heavy = np.flatnonzero(~ok & (cost >= rules.pool_threshold))
    if len(heavy) and h.regional > 0:
        take = np.cumsum(cost[heavy]) <= h.regional
        ok[heavy[take]] = True
        h.regional -= float(cost[heavy[take]].sum())
        model.ledger.add("regional_budget", float(cost[heavy[take]].sum()))
    model.ledger.add("budget", float(cost[ok].sum()))
    paid[idx] = ok
    return paid


def close_issues(model: GovernanceModel, ids: np.ndarray, status: Status) -> None:
    """QUEUED (or LATENT, for self-governance) → RESOLVED / FALSE_CLOSED, stamped today."""
    model.issues.move(ids, status)
    model.issues.day_closed[ids] = model.day


# ---------------------------------------------------------------- feedback & experience
def feedback_and_experience(model: GovernanceModel) -> None:
    """Today's closures reach the residents: feedback or none, discovery of paper
    closures, and trust and efficacy updates by expectancy-disconfirmation (spec §8:
    Van Ryzin 2004; procedural voice after Tyler)."""
    iss, rules, rng, day = model.issues, model.rules, model.streams.handling, model.day
    b = model.config.behaviour
    closed = iss.ids_with(Status.RESOLVED, Status.FALSE_CLOSED)
    closed = closed[(iss.day_closed[closed] == day) & ~iss.self_resolved[closed]]
    if len(closed) == 0:
        return
    u = rng.random((3, len(closed)))
    told = u[0] < rules.feedback_probability
    iss.feedback[closed[told]] = True
    iss.day_feedback[closed[told]] = day
    adopted = u[1] < rules.adoption_rate
    heard = told * np.where(adopted, 1.0, 0.5)
    iss.heard[closed] = heard
    model.ledger.add("staff_hours", float(told.sum()) * rules.hours_per_feedback)
    paper = iss.status[closed] == Status.FALSE_CLOSED
    found = paper & (u[2] < b.false_closure_discovery)
    iss.discovered[closed[found]] = True
    waited = (day - iss.day_arisen[closed]).astype(np.float64)
    timely = np.exp(-np.maximum(0.0, waited - b.expected_days) / b.expected_days)
    outcome = np.where(found, -b.betrayal_penalty, timely)
    performance = (1 - b.voice_weight) * outcome + b.voice_weight * heard
    experience(model, iss.reporter[closed], performance, closed)
    eff = model.state.efficacy
    r = iss.reporter[closed]
    own = iss.channel[closed] == Channel.SELF_REPORT
    _each(eff, r[own & ~found], lambda e: e + b.efficacy_gain * (1 - e))
    _each(eff, r[found], lambda e: e - b.efficacy_loss * e)


def _each(values: np.ndarray, idx: np.ndarray, update: Callable[[np.ndarray], np.ndarray]) -> None:
    """``values[i] = update(values[i])`` once per occurrence of ``i`` in ``idx``, so that a
    resident with several issues gets the per-issue rule several times (compounding)."""
    while len(idx):
        uniq, first = np.unique(idx, return_index=True)
        values[uniq] = update(values[uniq])
        idx = np.delete(idx, first)


def experience(model: GovernanceModel, residents: np.ndarray, performance: np.ndarray,
               ids: np.ndarray | None = None) -> None:
    """Expectancy-disconfirmation: satisfaction = performance − expectation; trust moves by
    it and expectation adapts toward performance (spec §8)."""
    b, st = model.config.behaviour, model.state
    sat = performance - st.expectation[residents]
    if ids is not None:
        model.issues.satisfaction[ids] = sat
    np.add.at(st.trust, residents, b.trust_learning_rate * sat)
    np.add.at(st.personal, residents, b.trust_learning_rate * sat)
    np.clip(st.personal, 0.0, 1.0, out=st.personal)
    np.add.at(st.expectation, residents, b.expectation_adaptation * (performance - st.expectation[residents]))
    np.clip(st.trust, 0.0, 1.0, out=st.trust)
    np.clip(st.expectation, 0.0, 1.0, out=st.expectation)


# ---------------------------------------------------------------- abandonment
def abandon(model: GovernanceModel) -> None:
    """Reporters give up on open issues (hazard 1/patience); unreported issues are lived
    with (hazard 1/latent lifetime). Giving up on a reported issue is a bad experience."""
    iss, rng, cfg = model.issues, model.streams.handling, model.config
    queued = iss.ids_with(Status.QUEUED)
    gone = queued[rng.random(len(queued)) < 1.0 / cfg.issues.patience_days]
    iss.move(gone, Status.ABANDONED)
    iss.day_closed[gone] = model.day
    experience(model, iss.reporter[gone], np.zeros(len(gone)), gone)
    eff = model.state.efficacy
    r = iss.reporter[gone]
    _each(eff, r, lambda e: e - cfg.behaviour.efficacy_loss * e)
    latent = iss.ids_with(Status.LATENT)
    lived = latent[rng.random(len(latent)) < 1.0 / cfg.issues.latent_lifetime_days]
    iss.move(lived, Status.ABANDONED)
    iss.day_closed[lived] = model.day
