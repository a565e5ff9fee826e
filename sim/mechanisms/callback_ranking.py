"""Assessment and ranking of handlers by residents' callbacks (考核排名).

*Article.* [Part 3(3)](article.md#part-3-3): 推诿扯皮 (buck-passing) and 形式主义 (formalism)
are to be countered by top-down supervision of cadres and accountability of those responsible
(问责), made routine (常态化监督机制). The article names no form of assessment; this mechanism
takes the one the hotline reform made routine: Beijing's 接诉即办 (2019) ranked streets and
departments monthly by response, resolution and satisfaction, the last two as the hotline's
callback records them (model spec §9). Targets and rankings change effort and also invite gaming
(Bevan & Hood 2006, *Public Administration* 84:517); street-level bureaucrats ration their work by
what they are held to account for (Lipsky 1980, *Street-Level Bureaucracy*).

*Rule (an added action that costs time, and what agents know).* Every `period_days` days from
the start of the regime, in the morning (`detect` phase, after supervision's audits), the street
office ranks the handlers it assesses (community committees, area offices and departments; not
the street office itself, nor building heads and property managers, who are volunteers and firms)
by the share of their closures in the period that the hotline's callback counted as resolved (a
real fix, a paper closure the reporter has not found out, a reply the reporter accepted:
`behaviour.reply_acceptance`; 7.1.10). Closures are counted on the day they are made, so a later
reopening by an audit does not change what the callback said. Handlers with fewer than
`min_closures` closures in the period are not ranked. The lowest ceil(`bottom_share` × ranked)
are named (ties in random order); only they are called to a review meeting, and only a named
handler whose review is held responds, for the next period: it closes a failed attempt by reply
with `capacity.reply_closure` × (1 − `effort_response`) (effort: the reply is what the callback
counts against it), and, because an undiscovered paper closure counts as resolved on the
callback, it closes on paper under pressure with `capacity.false_closure_pressure` × (1 +
`gaming`), at most 1 (gaming of the measure, Bevan & Hood). Both multiply supervision's deterrence
(× (1 − audit risk)) where it is on. Handlers not named, and every handler when no ranking was
made, decide as without the mechanism. Only the bottom is named (末位), rather than every handler
graded by rank: the pressure of a monthly ranking falls on those named in it. If the street
office has no hours to compile the ranking, nobody is named that period.

*Rule (what every assessed office does).* Once the ranking is announced, the hotline's figures
are what the offices are assessed on (Lipsky 1980: street-level bureaucrats ration their time by
what they are held to account for; Beijing's 接诉即办 ranked every street, township and department
monthly on them, model spec §9), so they serve residents' cases before duties handed down from
above: the share of the day's duties from above served before cases (`capacity.duty_priority`)
becomes at most `assessed_duty_priority`, and the rest of the duties take what casework leaves
(7.1.9). The duties are not dropped: they keep their share of the hours and wait. At
`assessed_duty_priority` 1 the offices' priorities do not change.

*Costs.* `hours_per_ranking` of street staff to compile each ranking (`rankings`), and
`hours_per_review` from each named handler's own pool for its review meeting (`ranking
reviews`: community staff for a committee, street staff for an area office, a department's
hours for a department). The review is a summons from the street office and, with
`review_first`, is paid before the hours held back for the day's cases (what a handler is
assessed on comes first, Lipsky 1980); without it, it takes only hours left free, like a planned
activity, and an overloaded handler misses it. Unpaid hours mean the ranking or the review did
not happen.

*Null variant.* The ranking is compiled and the named handlers' reviews are held and paid for;
handlers do not respond (every factor stays 1) and the offices keep their priorities.

*Regime.* Not part of the article's full regime (`scenarios/party_led_full.yaml`), since the
article names no form of assessment; `scenarios/mechanisms/callback_ranking.yaml` studies it on
its own against the baseline and its budget-matched control (the one-mechanism sweep).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from pydantic import Field

from sim.handlers import CASE_POOLS, work_account
from sim.lifecycle import closed_today
from sim.mechanisms.base import LOW_CAPACITY, Mechanism, MechanismParams, Target
from sim.vocab import Kind

if TYPE_CHECKING:
    from sim.model import GovernanceModel
    from sim.rules import Rules

#: Handler kinds the street office ranks.
RANKED_KINDS = (Kind.COMMUNITY, Kind.AREA, Kind.DEPARTMENT)


class Params(MechanismParams):
    period_days: int = Field(30, ge=1, le=365, description="Days between rankings (Beijing 2019: monthly).")
    bottom_share: float = Field(0.2, ge=0, le=1, description="Share of the ranked handlers named at the bottom of the ranking (at least one if any is ranked and the share is above 0).")
    min_closures: int = Field(5, ge=0, le=10_000, description="Fewest closures in the period for a handler to be ranked.")
    effort_response: float = Field(0.5, ge=0, le=1, description="How much less a named handler closes failed attempts by reply in the next period (reply closure × (1 − this); assumption).")
    gaming: float = Field(0.5, ge=0, le=5, description="How much more a named handler under pressure closes on paper in the next period (paper closure × (1 + this), at most 1; Bevan & Hood 2006; assumption).")
    hours_per_ranking: float = Field(2.0, ge=0, le=100, description="Street-staff hours to compile one ranking.")
    hours_per_review: float = Field(2.0, ge=0, le=100, description="Hours of a named handler's own pool for its review meeting.")
    assessed_duty_priority: float = Field(0.0, ge=0, le=1, description="Share of the day's duties from above the assessed offices serve before residents' cases once the ranking is announced, if below the scenario's own share (0: cases first, duties take what casework leaves; 1: no change; Lipsky 1980; assumption).")
    review_first: bool = Field(True, description="The review meeting is a summons from the street office and comes before the day's cases (what a handler is assessed on comes first: Lipsky 1980); false: it takes only hours not held back for today's cases, like a planned activity (capacity.casework_first).")


@dataclass
class RankingState:
    """What the mechanism keeps (``model.mechanism_state['callback_ranking']``), per handler."""

    closures: np.ndarray  #: closures in the current period
    resolved: np.ndarray  #: of which the callback counted as resolved
    reply: np.ndarray  #: factor on the reply-closure probability (1: as without the mechanism)
    paper: np.ndarray  #: factor on the paper-closure probability under pressure
    named: np.ndarray  #: named at the bottom of the last ranking
    reviewed: np.ndarray  #: named and its review held
    rankings: int = 0  #: rankings compiled so far

    @classmethod
    def empty(cls, n: int) -> RankingState:
        return cls(closures=np.zeros(n), resolved=np.zeros(n), reply=np.ones(n), paper=np.ones(n),
                   named=np.zeros(n, bool), reviewed=np.zeros(n, bool))


def state_of(model: GovernanceModel) -> RankingState:
    st = model.mechanism_state.get("callback_ranking")
    if st is None:
        st = model.mechanism_state["callback_ranking"] = RankingState.empty(model.handlers.n)
    return st


def record(model: GovernanceModel, p: Params) -> None:
    """At the end of the day: count each handler's closures made today and how many of them
    the hotline's callback counted as resolved."""
    st, iss = state_of(model), model.issues
    closed = closed_today(model)
    if len(closed):
        hid = iss.handler[closed]
        st.closures += np.bincount(hid, minlength=len(st.closures))
        st.resolved += np.bincount(hid, weights=iss.callback_resolved[closed].astype(np.float64), minlength=len(st.closures))


def bottom(model: GovernanceModel, p: Params, closures: np.ndarray, resolved: np.ndarray) -> np.ndarray:
    """Handlers named at the bottom of a ranking by callback share (ties in random order)."""
    h = model.handlers
    ranked = np.flatnonzero(np.isin(h.kind, RANKED_KINDS) & (closures >= max(p.min_closures, 1)))
    k = int(np.ceil(p.bottom_share * len(ranked) - 1e-9))
    if k == 0:
        return np.zeros(0, np.int64)
    share = resolved[ranked] / closures[ranked]
    tie = model.rng_of("callback_ranking").random(len(ranked))
    return ranked[np.lexsort((tie, share))[:k]]


def rank(model: GovernanceModel, p: Params) -> None:
    """On a ranking morning: compile the ranking (if the street office has the hours), hold
    the named handlers' reviews (as their pools allow), and set each handler's factors for the
    next period; then start counting the new period."""
    day = model.day - model.start_day
    if day == 0 or day % p.period_days:
        return
    st = state_of(model)
    closures, resolved = st.closures, st.resolved
    st.closures, st.resolved = np.zeros_like(closures), np.zeros_like(resolved)
    st.reply[:], st.paper[:] = 1.0, 1.0
    st.named[:], st.reviewed[:] = False, False
    compiled = model.pools["street_staff"].draw(np.zeros(1, np.int64), np.array([p.hours_per_ranking]), "rankings") > 0
    if not (compiled[0] or p.hours_per_ranking == 0):
        return
    st.rankings += 1
    named = bottom(model, p, closures, resolved)
    st.named[named] = True
    pool, unit = work_account(model.handlers, named, np.zeros(len(named), np.int8))
    held = np.zeros(len(named), bool)
    for i, name in enumerate(CASE_POOLS):
        sel = np.flatnonzero(pool == i)
        if len(sel):
            pool_ = model.pools[name]
            draw = pool_.draw_first if p.review_first else pool_.draw
            held[sel] = draw(unit[sel], np.full(len(sel), p.hours_per_review), "ranking reviews") > 0
    held |= p.hours_per_review == 0
    st.reviewed[named[held]] = True
    if p.rule:
        st.reply[named[held]] = 1.0 - p.effort_response
        st.paper[named[held]] = 1.0 + p.gaming


def configure(rules: Rules, p: Params) -> None:
    """What the offices are assessed on comes first: cases before duties from above."""
    if p.rule:
        rules.duty_priority = min(rules.duty_priority, p.assessed_duty_priority)


def reply_closure(model: GovernanceModel, p: Params, value: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """A named handler closes a failed attempt by reply less often."""
    return value * state_of(model).reply[model.issues.handler[ids]]


def paper_closure(model: GovernanceModel, p: Params, value: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """A named handler under pressure closes on paper more often (at most always)."""
    return np.minimum(value * state_of(model).paper[model.issues.handler[ids]], 1.0)


MECHANISM = Mechanism(
    key="callback_ranking",
    article=("part-3-3",),
    summary="Assessment and ranking of handlers by callbacks",
    source="the article, part 3(3)",
    params=Params,
    configure=configure,
    hooks={"detect": rank, "social": record},
    decides={"paper_closure": paper_closure, "reply_closure": reply_closure},
    targets=(Target("false_closure_rate", +1, params={"gaming": 2.0}, residents=10_000, days=180,
                    sections=LOW_CAPACITY),
             Target("reply_closure_rate", -1, params={"effort_response": 0.8}, residents=3000, days=180,
                    sections={"capacity": {"reply_closure": 0.5, "resolve_quality": 0.7}}),
             Target("hotline_resolution_rate", +1, params={"effort_response": 0.0, "gaming": 0.0}, residents=3000, days=180,
                    sections={"capacity": {"duties_from_above_share": 0.5}})),
    costs={("street_staff", "rankings"): True, ("community_staff", "ranking reviews"): True,
           ("departments", "ranking reviews"): True},
    free={"hours_per_ranking": 0.0, "hours_per_review": 0.0},
    full_regime=False,  # the article names no assessment: Beijing's hotline reform does
)
