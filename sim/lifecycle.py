"""The issue lifecycle as the day's core phases, vectorised over issues.

arrive → detect → route → handle → feedback & experience → abandon. Mechanism hooks run
between these phases (see ``GovernanceModel.step``). Everything here acts only through
residents' decisions (reporting, giving up), handlers' hours, authority and budget drawn
from finite pools (``sim.resources``), and residents' experience of the outcome.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from scipy import special

from sim.handlers import CASE_POOLS, budget_account, work_account
from sim.issues import Channel, Status
from sim.vocab import CATEGORIES, KIND_LEVEL, SCOPES, Kind

if TYPE_CHECKING:
    from sim.model import GovernanceModel

COLLECTIVE_SCOPES = (SCOPES.index("building"), SCOPES.index("compound"))
LIFT = CATEGORIES.index("lift_renovation")
STREET_LEVEL = int(KIND_LEVEL[Kind.STREET])


def is_collective(scope: np.ndarray) -> np.ndarray:
    """Whether issues of ``scope`` are collective (a building's or a compound's)."""
    return (scope == COLLECTIVE_SCOPES[0]) | (scope == COLLECTIVE_SCOPES[1])


def _logistic(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


# ---------------------------------------------------------------- arrivals
def arrive(model: GovernanceModel, *, rate_scale: float = 1.0, categories: np.ndarray | None = None,
           scope: int | None = None, rng: np.random.Generator | None = None,
           exogenous: bool = False) -> np.ndarray:
    """New latent issues: Poisson arrivals per resident-day by category shares.

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
    # Beyond the street's authority or policy: drawn from a stream of its own, so the arrival
    # draws above are the same whatever the share (model v2).
    outside = model.streams.requests.random(k) < cfg.outside_authority_share
    return model.issues.add(
        day=model.day, exogenous=np.full(k, exogenous), reporter=reporter.astype(np.int32), category=category.astype(np.int8),
        scope=scope_idx.astype(np.int8), dept2=dept2.astype(np.int8), cost=cost.astype(np.float32),
        severity=severity.astype(np.float32), ready_day=np.full(k, model.day, dtype=np.int32), outside=outside,
    )


# ---------------------------------------------------------------- detection
def report_probability(model: GovernanceModel, residents: np.ndarray, severity: np.ndarray) -> np.ndarray:
    """Daily probability that residents report their latent issue themselves.

    Logistic in trust and efficacy around ``report_base``, times access to a channel: the
    better of the offline channel for the resident's group and a digital channel scaled by
    digital literacy.
    """
    b = model.config.behaviour
    st = model.state
    logit = (special.logit(b.report_base)
             + b.report_trust_slope * (st.trust[residents] - 0.5)
             + b.report_efficacy_slope * (st.efficacy[residents] - 0.5)
             + (severity - 0.5))
    return _logistic(logit) * st.access[residents]


def detect(model: GovernanceModel) -> None:
    """Grid workers patrol (a planned duty, the first draw on their hours each day), with party
    volunteers where a scenario gives them patrol hours; residents report latent issues; the
    patrols find some of the rest (DeciUrban-style inspection)."""
    iss, rng, pop, cap = model.issues, model.streams.detection, model.pop, model.config.capacity
    workers = model.workers_per_community
    patrol = model.pools["grid_workers"].draw_upto(workers * cap.patrol_hours_per_day, "patrol")
    if cap.volunteer_patrol_hours_per_day > 0:
        patrol = patrol + model.pools["party_volunteers"].draw_upto(
            np.full(pop.n_communities, cap.volunteer_patrol_hours_per_day), "patrol")
    latent = iss.ids_with(Status.LATENT)
    if len(latent) == 0:
        return
    p_self = report_probability(model, iss.reporter[latent], iss.severity[latent])
    # Each cell's worker covers its share of the community's patrol hours.
    cell = pop.grid_cell[iss.reporter[latent]]
    comm = pop.grid_cell_community[cell]
    hours = patrol[comm] / np.maximum(workers[comm], 1.0)
    coverage = np.minimum(1.0, hours * cap.patrol_households_per_hour / model.cell_households[cell])
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
    ``above_level`` whose authority and reach cover it; a cross-department issue belongs to
    the street office until the street has taken it up, then to the department whose part
    is due; anything else to its category's department."""
    iss, rules, h, pop = model.issues, model.rules, model.handlers, model.pop
    cat, scope, d2 = iss.category[ids], iss.scope[ids], iss.dept2[ids]
    res = iss.reporter[ids]
    above = np.broadcast_to(np.asarray(above_level), ids.shape)
    units = {Kind.BUILDING: pop.building[res], Kind.COMPOUND: pop.compound[res],
             Kind.COMMUNITY: pop.community[res], Kind.AREA: pop.area[res], Kind.STREET: np.zeros(len(ids), np.int64)}
    target = np.full(len(ids), -1, dtype=np.int64)
    for kind in (Kind.BUILDING, Kind.COMPOUND, Kind.COMMUNITY, Kind.AREA, Kind.STREET):
        if not rules.active[kind]:
            continue
        cand = h.offset[kind] + units[kind]
        ok = ((target < 0) & (KIND_LEVEL[kind] > above) & rules.authority[kind, cat]
              & (rules.reach[kind] >= scope) & (d2 < 0))
        target[ok] = cand[ok]
    rest = target < 0
    cross = rest & (d2 >= 0)
    coordinate = cross & ~iss.coordinated[ids]
    target[coordinate] = h.offset[Kind.STREET]
    dept = rest & ~coordinate
    target[dept] = h.offset[Kind.DEPARTMENT] + due_part(model, ids[dept])
    return target


def due_part(model: GovernanceModel, ids: np.ndarray) -> np.ndarray:
    """The category of the department whose part of each issue is due."""
    iss = model.issues
    return np.where((iss.parts_done[ids] & 1).astype(bool) & (iss.dept2[ids] >= 0), iss.dept2[ids], iss.category[ids])


def route(model: GovernanceModel) -> None:
    """REPORTED → QUEUED at a handler: correct with the routing accuracy (a mechanism may
    decide it per report: ``routing_accuracy``), else a wrong department, which will refer it on."""
    iss, rng, day, rules = model.issues, model.streams.handling, model.day, model.rules
    ids = iss.ids_with(Status.REPORTED)
    if len(ids) == 0:
        return
    target = correct_handler(model, ids)
    accuracy = model.decide("routing_accuracy", np.full(len(ids), rules.routing_accuracy), ids)
    wrong = rng.random(len(ids)) >= accuracy
    target[wrong] = wrong_department(model, ids[wrong], rng)
    iss.move(ids, Status.QUEUED)
    iss.day_routed[ids] = day
    _send(model, ids, target, delay=0.0, count=False)


def wrong_department(model: GovernanceModel, ids: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A department other than the one whose part of each issue is due."""
    other = rng.integers(0, len(CATEGORIES) - 1, size=len(ids))
    return model.handlers.offset[Kind.DEPARTMENT] + other + (other >= due_part(model, ids))


def _send(model: GovernanceModel, ids: np.ndarray, target: np.ndarray, *, delay: float, count: bool) -> None:
    """Queue ``ids`` at ``target``; a reassignment when ``count`` (escalation or referral)."""
    iss, day = model.issues, model.day
    iss.handler[ids] = target
    iss.queue_day[ids] = day
    iss.ready_day[ids] = day + int(np.ceil(delay))
    iss.work_done[ids] = 0.0
    if count:
        iss.reassignments[ids] += 1
    iss.log_route(ids, day, target)


def reassign(model: GovernanceModel, ids: np.ndarray, target: np.ndarray) -> None:
    """QUEUED → QUEUED at another handler, losing ``handoff_days``."""
    model.issues.move(ids, Status.QUEUED)
    _send(model, ids, target, delay=model.rules.handoff_days, count=True)


# ---------------------------------------------------------------- hours
#: Offices that tasks from above (上面千条线) draw on: the committees, the street office, departments.
DUTY_POOLS: tuple[str, ...] = ("community_staff", "street_staff", "departments")


def serve_duties(model: GovernanceModel, *, before_cases: bool) -> None:
    """Tasks handed down from above take ``capacity.duties_from_above_share`` of the offices'
    daily hours, in every regime: ``rules.duty_priority`` of them before residents' cases, the
    rest after casework from what is left (a handler's choice of whom to serve first: street-level
    bureaucrats ration their time by what they are held to account for, Lipsky 1980; the
    article, part 3(3))."""
    share = model.config.capacity.duties_from_above_share
    if share == 0:
        return
    part = model.rules.duty_priority if before_cases else 1.0 - model.rules.duty_priority
    for name in DUTY_POOLS:
        pool = model.pools[name]
        pool.draw_upto(pool.rate * (share * part), "duties from above")


def group_cumsum(keys: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Cumulative weight within runs of equal ``keys`` (keys sorted)."""
    if len(keys) == 0:
        return np.zeros(0, dtype=np.float64)
    cw = np.cumsum(weights)
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    base = np.repeat(cw[starts] - weights[starts], np.diff(np.r_[starts, len(keys)]))
    return cw - base


def work(model: GovernanceModel, ids: np.ndarray, need: np.ndarray, pool_idx: np.ndarray, unit: np.ndarray,
         done: np.ndarray, use: str) -> np.ndarray:
    """Put today's hours into ``ids`` in the order given (first come, first served within
    each pool's unit; the last one reached gets what is left: work in progress is kept in
    ``done``). Returns which attempts are complete."""
    for p, name in enumerate(CASE_POOLS):
        sel = np.flatnonzero(pool_idx == p)
        if len(sel):
            got = model.pools[name].draw(unit[sel], np.maximum(need[sel] - done[ids[sel]], 0.0), use, partial=True)
            done[ids[sel]] += got.astype(done.dtype)
    return done[ids] >= need - 1e-6


def queued_hours(model: GovernanceModel) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Hours still needed by every queued issue at a handler, with its pool and unit."""
    iss = model.issues
    q = iss.ids_with(Status.QUEUED)
    q = q[~iss.taken_over[q]]
    pool, unit = work_account(model.handlers, iss.handler[q], iss.category[q])
    need = model.rules.case_hours[model.handlers.kind[iss.handler[q]]] - iss.work_done[q]
    return np.maximum(need, 0.0), pool, unit


def reserve_casework(model: GovernanceModel) -> None:
    """Cases first (``capacity.casework_first``): hold back the hours today's ready queued
    cases need from every other draw until handlers work (released in :func:`handle`)."""
    if not model.config.capacity.casework_first:
        return
    iss = model.issues
    q = iss.ids_with(Status.QUEUED)
    q = q[(iss.ready_day[q] <= model.day) & ~iss.taken_over[q] & ~iss.summoned[q]]
    pool, unit = work_account(model.handlers, iss.handler[q], iss.category[q])
    need = np.maximum(model.rules.case_hours[model.handlers.kind[iss.handler[q]]] - iss.work_done[q], 0.0)
    for p, name in enumerate(CASE_POOLS):
        sel = pool == p
        target = model.pools[name]
        target.reserve(np.bincount(unit[sel], weights=need[sel], minlength=len(target.rate)))


def under_pressure(model: GovernanceModel, pool_idx: np.ndarray, unit: np.ndarray) -> np.ndarray:
    """Whether the work queued for each (pool, unit)'s staff exceeds ``pressure_days`` of their hours."""
    need, qpool, qunit = queued_hours(model)
    out = np.zeros(len(pool_idx), dtype=bool)
    days = model.config.capacity.pressure_days
    for p, name in enumerate(CASE_POOLS):
        rate = model.pools[name].rate
        backlog = np.bincount(qunit[qpool == p], weights=need[qpool == p], minlength=len(rate))
        sel = pool_idx == p
        out[sel] = backlog[unit[sel]] > days * np.maximum(rate[unit[sel]], 1e-9)
    return out


# ---------------------------------------------------------------- handling
def take_up(model: GovernanceModel) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Attempts completed today: every ready queued issue (not taken over, not waiting for
    summoned departments) gets its handler's hours in queue order. At intake a handler
    decides whether the issue is its own and whether it passes the buck (推诿扯皮); an issue
    it refers on takes ``triage_hours``, one it works on its kind's case hours (which a
    mechanism may change: ``case_hours``). Returns the completed ids, and whether each is the handler's own
    and passed on."""
    iss, h, rules, day = model.issues, model.handlers, model.rules, model.day
    q = iss.ids_with(Status.QUEUED)
    q = q[(iss.ready_day[q] <= day) & ~iss.taken_over[q] & ~iss.summoned[q]]
    if len(q) == 0:
        return q, np.zeros(0, bool), np.zeros(0, bool)
    q = q[np.lexsort((q, iss.queue_day[q]))]
    hid = iss.handler[q]
    kind = h.kind[hid]
    mine = correct_handler(model, q, above_level=KIND_LEVEL[kind] - 1) == hid
    # At intake (an attempt not yet started) the handler may pass the buck; work begun is kept.
    fresh = iss.work_done[q] == 0
    passing = mine & fresh & (model.streams.handling.random(len(q)) < rules.buck_passing) & (kind != Kind.STREET)
    case = model.decide("case_hours", rules.case_hours[kind], q)
    need = np.where(mine & ~passing, case, rules.triage_hours)
    pool, unit = work_account(h, hid, iss.category[q])
    done = work(model, q, need, pool, unit, iss.work_done, "cases")
    iss.work_done[q[done]] = 0.0
    model.volunteered(unit[done & (pool == CASE_POOLS.index("party_volunteers"))])
    return q[done], mine[done], passing[done]


def handle(model: GovernanceModel) -> None:
    """Handlers work through today's attempts: refer what is not theirs, pass the buck
    sometimes, coordinate cross-department issues (sequential referral, unless a mechanism
    takes them: ``coordinate``, ``joint_work``), seek consent for collective ones, pay from
    their budget, then resolve, or under pressure close on paper."""
    iss, h, rng = model.issues, model.handlers, model.streams.handling
    for name in CASE_POOLS:
        model.pools[name].release()
    joint = model.decide("joint_work", np.zeros(0, dtype=np.int64))
    ids, mine, passing = take_up(model)
    if len(ids) == 0 and len(joint) == 0:
        return
    hid = iss.handler[ids]
    kind = h.kind[hid]

    # 1. Not mine: escalate or refer to the handler with authority (a reassignment).
    not_mine = ~mine
    reassign(model, ids[not_mine], correct_handler(
        model, ids[not_mine], above_level=np.where(kind[not_mine] == Kind.DEPARTMENT, -1, KIND_LEVEL[kind[not_mine]])))

    # 2. Mine but passed on at intake: lower levels push upward, departments sideways.
    pid = ids[passing]
    sideways = kind[passing] == Kind.DEPARTMENT
    dest = np.where(sideways, wrong_department(model, pid, rng),
                    correct_handler(model, pid, above_level=KIND_LEVEL[kind[passing]]))
    reassign(model, pid, dest)
    work_now = mine & ~passing

    # 3. The street office takes up a cross-department issue: it refers it to the first
    #    department (sequential), unless a mechanism coordinates it otherwise.
    coord = work_now & (kind == Kind.STREET) & (iss.dept2[ids] >= 0)
    cid = ids[coord]
    iss.coordinated[cid] = True
    taken = model.decide("coordinate", np.zeros(len(cid), dtype=bool), cid)
    sequential = cid[~taken]
    reassign(model, sequential, h.offset[Kind.DEPARTMENT] + iss.category[sequential])
    work_now &= ~coord

    # 4. Sequential referral: the first department does its part and refers to the second.
    first = work_now & (kind == Kind.DEPARTMENT) & (iss.dept2[ids] >= 0) & ((iss.parts_done[ids] & 1) == 0)
    fid = ids[first]
    iss.parts_done[fid] |= 1
    reassign(model, fid, h.offset[Kind.DEPARTMENT] + iss.dept2[fid])
    work_now &= ~first

    # Issues whose coordinated parts are done are closed by the street office.
    ids = np.concatenate([ids[work_now], joint])
    fix(model, ids, retry=True)


def fix(model: GovernanceModel, ids: np.ndarray, *, retry: bool) -> np.ndarray:
    """The work on ``ids`` (attempts completed today): collective lift issues need residents'
    consent; the fix succeeds with ``resolve_quality`` and is paid for, in queue order, from
    the handler's budget, else the regional fund; without money a lower level escalates and
    the street level waits; a failing handler under pressure may close on paper, the more
    rarely the likelier it expects an audit; a failed attempt may be closed by reply instead of
    tried again (likewise deterred), and a request outside the street's authority can only be
    answered by reply (model v2); a mechanism may decide both probabilities per attempt
    (``paper_closure``, ``reply_closure``). Returns which issues were resolved."""
    iss, h, rules, rng, day = model.issues, model.handlers, model.rules, model.streams.handling, model.day
    if len(ids) == 0:
        return np.zeros(0, bool)
    hid = iss.handler[ids]
    kind = h.kind[hid]
    u = rng.random((3, len(ids)))  # consent, quality, paper closure
    needs_consent = (iss.category[ids] == LIFT) & is_collective(iss.scope[ids]) & ~iss.consent[ids]
    got = needs_consent & (u[0] < rules.consent_base)
    iss.consent[ids[got]] = True
    wait = needs_consent & ~got
    fixable = ~wait & (u[1] < rules.resolve_quality) & ~iss.outside[ids]
    paid = pay(model, ids, fixable)
    no_money = fixable & ~paid
    escalate = no_money & (KIND_LEVEL[kind] < STREET_LEVEL) & ~iss.taken_over[ids]
    if escalate.any():
        eid = ids[escalate]
        reassign(model, eid, correct_handler(model, eid, above_level=KIND_LEVEL[kind[escalate]]))
    wait |= no_money & ~escalate
    close_issues(model, ids[paid], Status.RESOLVED)
    failing = (~wait & ~fixable) | wait
    pool, unit = work_account(h, hid, iss.category[ids])
    pressure = under_pressure(model, pool, unit)
    p_paper = model.decide("paper_closure", np.full(len(ids), rules.false_closure_pressure * (1.0 - model.audit_risk)), ids)
    paper = failing & pressure & (u[2] < p_paper)
    close_issues(model, ids[paper], Status.FALSE_CLOSED)
    # Closing by reply (答复): an answer, not a fix; what a request outside the street's
    # authority can only get, and a failed case may get when nothing holds the handler to account.
    # Audits reopen unjustified replies too (supervision), so the audit risk deters them alike.
    p_reply = model.decide("reply_closure", np.full(len(ids), rules.reply_closure * (1.0 - model.audit_risk)), ids)
    reply = failing & ~paper & (iss.outside[ids] | (model.streams.choices.random(len(ids)) < p_reply))
    close_issues(model, ids[reply], Status.FALSE_CLOSED)
    iss.by_reply[ids[reply]] = True
    later = failing & ~paper & ~reply
    if retry:
        iss.ready_day[ids[later]] = day + np.where(wait[later], model.config.capacity.retry_days, 1)
    model.decide("failed_fix", ids[later & ~wait])
    return paid


def pay(model: GovernanceModel, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Which of ``ids[mask]`` get paid for, in the order given: from the handler's budget
    (its community's, else the street's); a mechanism may pay for some of the rest
    (``shortfall``)."""
    iss, h = model.issues, model.handlers
    paid = np.zeros(len(ids), dtype=bool)
    idx = np.flatnonzero(mask)
    if len(idx) == 0:
        return paid
    cost = iss.cost[ids[idx]].astype(np.float64)
    local, unit = budget_account(h, iss.handler[ids[idx]])
    ok = np.zeros(len(idx), dtype=bool)
    for name, sel in (("community_budget", local), ("street_budget", ~local)):
        s = np.flatnonzero(sel)
        if len(s):
            ok[s] = model.pools[name].draw(unit[s], cost[s], "fixes") > 0
    ok |= cost == 0
    paid[idx] = model.decide("shortfall", ok, ids[idx], cost)
    return paid


def close_issues(model: GovernanceModel, ids: np.ndarray, status: Status) -> None:
    """QUEUED (or LATENT, for self-governance) → RESOLVED / FALSE_CLOSED, stamped today."""
    model.issues.move(ids, status)
    model.issues.day_closed[ids] = model.day


# ---------------------------------------------------------------- feedback & experience
def closed_today(model: GovernanceModel, day: int | None = None) -> np.ndarray:
    """Issues a handler closed today (or on ``day``), resolved or on paper, not self-governed,
    in id order."""
    iss = model.issues
    day = model.day if day is None else day
    ids = iss.logged("ended", day)
    ids = ids[iss.day_closed[ids] == day]
    status = iss.status[ids]
    return ids[((status == Status.RESOLVED) | (status == Status.FALSE_CLOSED)) & ~iss.self_resolved[ids]]


def feedback_and_experience(model: GovernanceModel) -> None:
    """Today's closures reach the residents: a follow-up call telling the outcome if the
    handler asks for one and a grid worker has the hours, a suggestion adopted where a
    mechanism adopts it (``adopt``; its uniform is drawn here, for common random numbers),
    discovery of paper closures, what the reporter tells the hotline's callback (the measurement
    model), and trust and efficacy updates by expectancy-disconfirmation (Van Ryzin 2004;
    procedural voice after Tyler 1990). A reporter whose case was closed by reply knows it was
    not fixed: no betrayal, no fix."""
    iss, rules, rng, day, pop = model.issues, model.rules, model.streams.handling, model.day, model.pop
    b = model.config.behaviour
    closed = closed_today(model)
    if len(closed) == 0:
        return
    u = rng.random((3, len(closed)))
    comm = pop.community[iss.reporter[closed]].astype(np.int64)
    asked = np.flatnonzero(u[0] < rules.feedback_probability)
    told = np.zeros(len(closed), dtype=bool)
    told[asked] = model.pools["grid_workers"].draw(comm[asked], np.full(len(asked), rules.hours_per_feedback), "feedback calls") > 0
    told |= (u[0] < rules.feedback_probability) & (rules.hours_per_feedback == 0)
    iss.feedback[closed[told]] = True
    iss.day_feedback[closed[told]] = day
    adopted = model.decide("adopt", np.zeros(len(closed), dtype=bool), closed, told, u[1], comm)
    heard = told * np.where(adopted, 1.0, 0.5)
    iss.heard[closed] = heard
    replied = iss.by_reply[closed]
    paper = (iss.status[closed] == Status.FALSE_CLOSED) & ~replied
    found = paper & (u[2] < b.false_closure_discovery)
    iss.discovered[closed[found]] = True
    iss.callback_resolved[closed] = np.where(
        replied, model.streams.choices.random(len(closed)) < b.reply_acceptance, ~found)
    waited = (day - iss.day_arisen[closed]).astype(np.float64)
    timely = np.exp(-np.maximum(0.0, waited - b.expected_days) / b.expected_days)
    outcome = np.where(found, -b.betrayal_penalty, np.where(replied, 0.0, timely))
    performance = (1 - b.voice_weight) * outcome + b.voice_weight * heard
    experience(model, iss.reporter[closed], performance, closed)
    eff = model.state.efficacy
    r = iss.reporter[closed]
    own = iss.channel[closed] == Channel.SELF_REPORT
    _each(eff, r[own & ~found & ~replied], lambda e: e + b.efficacy_gain * (1 - e))
    _each(eff, r[found], lambda e: e - b.efficacy_loss * e)
    if b.heard_efficacy_gain:  # being told, and having one's suggestion adopted, says they listen (model v2)
        for level in (0.5, 1.0):
            g = b.heard_efficacy_gain * level
            _each(eff, r[heard == level], lambda e, g=g: e + g * (1 - e))


def _each(values: np.ndarray, idx: np.ndarray, update: Callable[[np.ndarray], np.ndarray]) -> None:
    """``values[i] = update(values[i])`` once per occurrence of ``i`` in ``idx``, so that a
    resident with several issues gets the per-issue rule several times (compounding)."""
    while len(idx):
        uniq, first = np.unique(idx, return_index=True)
        values[uniq] = update(values[uniq])
        idx = np.delete(idx, first)


def experience(model: GovernanceModel, residents: np.ndarray, performance: np.ndarray,
               ids: np.ndarray | None = None, *, weight: float = 1.0) -> None:
    """Expectancy-disconfirmation: satisfaction = performance − expectation; trust moves by
    ``weight`` × it and expectation adapts toward performance (Van Ryzin 2004, 2006). The
    outcome of a case (``ids``) also reaches the reporter's contacts (:func:`vicarious`)."""
    b, st = model.config.behaviour, model.state
    sat = performance - st.expectation[residents]
    if ids is not None:
        model.issues.satisfaction[ids] = sat
    rate = b.trust_learning_rate * weight
    np.add.at(st.trust, residents, rate * sat)
    np.add.at(st.personal, residents, rate * sat)
    np.add.at(st.expectation, residents, b.expectation_adaptation * weight * (performance - st.expectation[residents]))
    for values in (st.trust, st.personal, st.expectation):  # only these residents changed
        values[residents] = np.clip(values[residents], 0.0, 1.0)
    if ids is not None and b.vicarious_weight > 0 and len(residents):
        vicarious(model, residents, sat)


def vicarious(model: GovernanceModel, residents: np.ndarray, sat: np.ndarray) -> None:
    """Neighbours' case outcomes travel over ties, not only their opinions: each contact j of a
    reporter r moves its experience-based trust by α × ``behaviour.vicarious_weight`` × s_jr × S_r
    (tie strength s, the reporter's satisfaction S; vicarious experience, Bandura 1977; model v2)."""
    b, st = model.config.behaviour, model.state
    told = np.bincount(residents, weights=sat, minlength=st.ties.shape[0])
    heard = st.ties @ told
    heard *= b.trust_learning_rate * b.vicarious_weight
    reached = np.flatnonzero(heard)
    for values in (st.trust, st.personal):
        values[reached] = np.clip(values[reached] + heard[reached], 0.0, 1.0)


# ---------------------------------------------------------------- abandonment
def abandon(model: GovernanceModel) -> None:
    """Reporters give up on open issues (hazard 1/patience, lower for reporters kept
    informed of progress); unreported issues are lived with (hazard 1/latent lifetime).
    Giving up on a reported issue is a bad experience."""
    iss, rng, cfg, day = model.issues, model.streams.handling, model.config, model.day
    queued = iss.ids_with(Status.QUEUED)
    informed = model.state.informed_until[iss.reporter[queued]] >= day
    hazard = np.where(informed, 1.0 / cfg.behaviour.informed_patience, 1.0) / cfg.issues.patience_days
    gone = queued[rng.random(len(queued)) < hazard]
    iss.move(gone, Status.ABANDONED)
    iss.day_closed[gone] = day
    experience(model, iss.reporter[gone], np.zeros(len(gone)), gone)
    eff = model.state.efficacy
    _each(eff, iss.reporter[gone], lambda e: e - cfg.behaviour.efficacy_loss * e)
    latent = iss.ids_with(Status.LATENT)
    lived = latent[rng.random(len(latent)) < 1.0 / cfg.issues.latent_lifetime_days]
    iss.move(lived, Status.ABANDONED)
    iss.day_closed[lived] = day
