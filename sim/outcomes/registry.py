"""One definition per outcome: the registry every table, comparison, sweep, expectation and
test reads.

An :class:`Outcome` has a name, a label, a unit, a direction (is higher better?), a
definition and its denominator, and one of three kinds:

* ``state``: a property of the residents or the issue stock on one day (mean trust, backlog);
  in a run's summary it is the mean of the last :data:`WINDOW` days;
* ``flow``: a statistic of the issues that passed an event (ended, detected, arisen) in a
  period; in the daily table the period is the last :data:`WINDOW` days, in a run's summary
  the whole measured period, in the per-category table one category;
* ``resource``: hours or budget used from a pool (``sim.resources``) per day; in a run's
  summary the mean per day over the measured period.

The formulas are written once here; :mod:`sim.outcomes.daily` only assembles them into the daily
row and :mod:`sim.outcomes.summary` into a run's summary.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from sim.issues import Channel, IssueTable, Status
from sim.outcomes.survival import km_curve, restricted_mean
from sim.outcomes.ties import cohesion
from sim.resources import POOLS
from sim.state import NEVER
from sim.vocab import CATEGORIES, GROUPS, SCOPES

if TYPE_CHECKING:
    from sim.model import GovernanceModel

WINDOW = 30  #: days over which the daily table measures flows
_LOCAL = GROUPS.index("local")
Kind = Literal["state", "flow", "resource"]
Event = Literal["ended", "detected", "arisen"]


class Sample:
    """The issues that passed an event in a period, with the period's length in days and
    the number of residents (for rates). Columns are read lazily: ``s.status``."""

    def __init__(self, table: IssueTable, ids: np.ndarray, *, days: int, residents: int) -> None:
        self.table, self.ids, self.days, self.residents = table, ids, max(int(days), 1), residents
        self._cache: dict[str, np.ndarray] = {}

    def __getattr__(self, name: str) -> np.ndarray:
        if name.startswith("_"):
            raise AttributeError(name)
        cache = self.__dict__["_cache"]
        if name not in cache:
            cache[name] = getattr(self.table, name)[self.ids]
        return cache[name]

    def __len__(self) -> int:
        return len(self.ids)

    def where(self, mask: np.ndarray) -> Sample:
        """The sub-sample where ``mask`` holds."""
        return Sample(self.table, self.ids[mask], days=self.days, residents=self.residents)


@dataclass(frozen=True)
class Outcome:
    """A registered outcome (see the module docstring)."""

    name: str
    label: str
    unit: str
    direction: int  #: +1 higher is better, -1 lower is better, 0 neither
    definition: str
    denominator: str
    kind: Kind
    compute: Callable[..., float] | None = None  #: state: f(model); flow: f(Sample); resource: none
    event: Event = "ended"  #: flows: which issues the period selects
    pool: str = ""  #: resources: the pool

    @property
    def higher_is_better(self) -> bool | None:
        return None if self.direction == 0 else self.direction > 0


# --------------------------------------------------------------------------- helpers


def _nan_if_empty(x: np.ndarray, f: Callable[[np.ndarray], float]) -> float:
    return float(f(x)) if len(x) else float("nan")


def _share(num: np.ndarray, den: np.ndarray) -> float:
    d = int(np.sum(den))
    return float(np.sum(num & den)) / d if d else float("nan")


def _days_to_close(s: Sample) -> np.ndarray:
    return (s.day_closed - s.day_arisen).astype(np.float64)


def _resolved(s: Sample) -> np.ndarray:
    return s.status == Status.RESOLVED


def _closed(s: Sample) -> np.ndarray:
    """Closed: really resolved, on paper or by reply."""
    return (s.status == Status.RESOLVED) | (s.status == Status.FALSE_CLOSED)


def _handled(s: Sample) -> np.ndarray:
    """Issues a handler dealt with: routed at least once, not resolved by residents themselves."""
    return (s.day_routed >= 0) & ~s.self_resolved


def _today(m: GovernanceModel, key: str, f: Callable[[], np.ndarray]) -> np.ndarray:
    """``f()`` computed once per model day (several outcomes share one statistic)."""
    cache = m.scratch_metrics
    if cache.get(("day", key)) != (m.steps, id(m)):
        cache[key] = f()
        cache[("day", key)] = (m.steps, id(m))
    return cache[key]


def _fixed(m: GovernanceModel, key: str, f: Callable[[], Any]) -> Any:
    """``f()`` computed once per model: a statistic of what never changes (the population)."""
    cache = m.scratch_metrics
    if ("fixed", key) not in cache:
        cache[("fixed", key)] = f()
    return cache[("fixed", key)]


def _by_group(m: GovernanceModel, attr: str) -> np.ndarray:
    """Mean of a resident attribute per group (once per day)."""
    def f() -> np.ndarray:
        group = _fixed(m, "group_index", lambda: m.pop.group.astype(np.intp))
        counts = _fixed(m, "group_counts", lambda: np.bincount(group, minlength=len(GROUPS)))
        sums = np.bincount(group, weights=np.asarray(getattr(m.state, attr), dtype=np.float64), minlength=len(GROUPS))
        with np.errstate(invalid="ignore", divide="ignore"):
            return sums / counts
    return _today(m, f"by_group:{attr}", f)


def _group_mean(attr: str, g: int) -> Callable[[GovernanceModel], float]:
    def f(m: GovernanceModel) -> float:
        return float(_by_group(m, attr)[g])
    return f


def _group_gap(attr: str, g: int) -> Callable[[GovernanceModel], float]:
    def f(m: GovernanceModel) -> float:
        v = _by_group(m, attr)
        return float(v[_LOCAL] - v[g])
    return f


def order_statistics(x: np.ndarray, ks: list[int]) -> dict[int, float]:
    """The ``k``-th smallest value of ``x`` for each ``k``: one partition at the middle ``k``,
    then each side on its own (numpy's partition at several ``k`` at once is ~10x slower on a
    million values)."""
    ks = sorted(set(ks))
    if not ks:
        return {}
    mid = ks[len(ks) // 2]
    part = np.partition(x, mid)
    above = order_statistics(part[mid + 1:], [k - mid - 1 for k in ks if k > mid])
    return {**order_statistics(part[:mid], [k for k in ks if k < mid]), mid: float(part[mid]),
            **{k + mid + 1: v for k, v in above.items()}}


def _trust_percentile(q: int) -> Callable[[GovernanceModel], float]:
    def percentiles(m: GovernanceModel) -> dict[int, float]:
        t = m.state.trust
        kth = {p: int(round(p / 100 * (len(t) - 1))) for p in (10, 50, 90)}  # nearest rank
        values = order_statistics(t, list(kth.values()))
        return {p: values[k] for p, k in kth.items()}

    def f(m: GovernanceModel) -> float:
        return _today(m, "trust_percentiles", lambda: percentiles(m))[q]
    return f


def _party_participation(m: GovernanceModel) -> tuple[float, float]:
    """Participation shares of party members and of the others (NaN for an empty set)."""
    def f() -> tuple[float, float]:
        members = _fixed(m, "party_members", lambda: int(np.count_nonzero(m.pop.party_member)))
        among = np.count_nonzero(m.state.participating & m.pop.party_member)
        rest = m.pop.n - members
        return (among / members if members else float("nan"),
                (np.count_nonzero(m.state.participating) - among) / rest if rest else float("nan"))
    return _today(m, "party_participation", f)


def _recent(attr: str) -> Callable[[GovernanceModel], float]:
    def f(m: GovernanceModel) -> float:
        values = getattr(m.state, attr)
        return np.count_nonzero(values >= m.day - WINDOW + 1) / len(values)
    return f


def _turnout(g: int | None) -> Callable[[GovernanceModel], float]:
    """Turnout at the latest election, of everyone or of group ``g`` (NaN before the first)."""
    def f(m: GovernanceModel) -> float:
        if m.state.election_day == NEVER:
            return float("nan")
        return float(m.state.voted.mean()) if g is None else _group_mean("voted", g)(m)
    return f


def _since_start(m: GovernanceModel, status: Status) -> float:
    """Issues in a terminal ``status`` now, less those that were in it at day 0."""
    return float(m.issues.count(status) - m.counts_at_start.get(status.name.lower(), 0))


def _cohesion(key: str) -> Callable[[GovernanceModel], float]:
    def f(m: GovernanceModel) -> float:
        return cohesion(m)[key]
    return f


def _trust_by_outcome(m: GovernanceModel) -> float:
    """Mean trust of the owners of detected issues resolved in the window minus that of the
    owners of detected issues abandoned in it (NaN if either set is empty)."""
    iss = m.issues
    since = m.day - WINDOW + 1
    ids = iss.logged("ended", since)
    ids = ids[(event_day(iss, "ended", ids) >= since) & (iss.day_detected[ids] >= 0)]
    owners = [np.unique(iss.reporter[ids[iss.status[ids] == st]]) for st in (Status.RESOLVED, Status.ABANDONED)]
    if not all(len(o) for o in owners):
        return float("nan")
    return float(m.state.trust[owners[0]].mean() - m.state.trust[owners[1]].mean())


# --------------------------------------------------------------------------- the registry

_LIFT = CATEGORIES.index("lift_renovation")

_STATE: list[Outcome] = [
    Outcome("trust_mean", "Mean trust", "0–1 scale", +1, "Mean trust in grassroots governance over residents.", "residents",
            "state", lambda m: float(m.state.trust.mean())),
    Outcome("trust_p10", "Trust, 10th percentile", "0–1 scale", +1, "10th percentile of trust over residents.", "residents",
            "state", _trust_percentile(10)),
    Outcome("trust_p50", "Median trust", "0–1 scale", +1, "Median trust over residents.", "residents",
            "state", _trust_percentile(50)),
    Outcome("trust_p90", "Trust, 90th percentile", "0–1 scale", +1, "90th percentile of trust over residents.", "residents",
            "state", _trust_percentile(90)),
    *[Outcome(f"trust_{g}", f"Mean trust, {g}", "0–1 scale", +1, f"Mean trust of {g} residents.", f"{g} residents",
              "state", _group_mean("trust", i)) for i, g in enumerate(GROUPS)],
    *[Outcome(f"trust_gap_{g}", f"Trust gap local − {g}", "0–1 scale", -1, f"Mean trust of local residents minus that of {g} residents.",
              "", "state", _group_gap("trust", i)) for i, g in enumerate(GROUPS) if i != _LOCAL],
    Outcome("efficacy_mean", "Mean efficacy", "0–1 scale", +1,
            "Mean sense of political efficacy over residents: external efficacy, that those in charge listen (v1's "
            "single efficacy).", "residents", "state", lambda m: float(m.state.efficacy.mean())),
    Outcome("internal_efficacy_mean", "Mean internal efficacy", "0–1 scale", +1,
            "Mean internal efficacy over residents: that one can take part, learnt by doing (model v2).", "residents",
            "state", lambda m: float(m.state.internal.mean())),
    Outcome("turnout", "Election turnout", "share", +1,
            "Share of residents who voted at the latest residents' committee election (undefined before the first).",
            "residents", "state", _turnout(None)),
    *[Outcome(f"turnout_{g}", f"Election turnout, {g}", "share", +1,
              f"Share of {g} residents who voted at the latest residents' committee election.", f"{g} residents",
              "state", _turnout(i)) for i, g in enumerate(GROUPS)],
    Outcome("participation_rate", "Participation", "share", +1,
            "Share of residents who take part in community affairs today (threshold decision).", "residents",
            "state", lambda m: np.count_nonzero(m.state.participating) / m.pop.n),
    *[Outcome(f"participation_{g}", f"Participation, {g}", "share", +1, f"Participation share of {g} residents.", f"{g} residents",
              "state", _group_mean("participating", i)) for i, g in enumerate(GROUPS)],
    Outcome("participation_party_member", "Participation, party members", "share", +1,
            "Participation share of party members.", "party members", "state",
            lambda m: _party_participation(m)[0]),
    Outcome("participation_non_party_member", "Participation, non-members", "share", +1,
            "Participation share of residents who are not party members.", "residents who are not party members", "state",
            lambda m: _party_participation(m)[1]),
    *[Outcome(f"participation_gap_{g}", f"Participation gap local − {g}", "share", -1,
              f"Participation share of local residents minus that of {g} residents.", "", "state", _group_gap("participating", i))
      for i, g in enumerate(GROUPS) if i != _LOCAL],
    Outcome("deliberation_share", "Deliberation", "share", +1,
            f"Share of residents who attended a meeting or session, or were visited, in the last {WINDOW} days.", "residents",
            "state", _recent("last_deliberation")),
    Outcome("volunteering_share", "Volunteering", "share", +1,
            f"Share of residents who spent time on a collective issue or a neighbour's issue in the last {WINDOW} days.",
            "residents", "state", _recent("last_volunteering")),
    Outcome("tie_strength_mean", "Mean tie strength", "0–1 scale", +1, "Mean strength of the social graph's ties.",
            "ties of the social graph", "state", _cohesion("tie_strength_mean")),
    Outcome("acquaintance_share", "Acquaintance ties", "share", +1,
            "Share of the social graph's non-household ties at least of acquaintance strength.",
            "non-household ties of the social graph (potential contacts of mechanisms excluded)", "state",
            _cohesion("acquaintance_share")),
    Outcome("acquaintances_per_resident", "Acquaintances per resident", "ties / resident", +1,
            "Non-household ties at least of acquaintance strength, per resident, counting ties made through "
            "mechanisms' contacts (members' visits, coverage).", "residents", "state",
            _cohesion("acquaintances_per_resident")),
    Outcome("close_share", "Close ties", "share", +1, "Share of the social graph's non-household ties at least of close strength.",
            "non-household ties of the social graph", "state", _cohesion("close_share")),
    Outcome("clustering", "Clustering", "0–1 scale", 0,
            "Mean local clustering of the acquaintance-or-closer graph over a fixed sample of residents (recomputed weekly).",
            "sampled residents with two or more such ties", "state", _cohesion("clustering")),
    Outcome("backlog", "Backlog", "issues", -1, "Issues detected and not yet closed.", "", "state",
            lambda m: float(m.issues.count(Status.REPORTED) + m.issues.count(Status.QUEUED))),
    Outcome("latent", "Latent issues", "issues", -1, "Issues arisen and not yet known to any handler.", "", "state",
            lambda m: float(m.issues.count(Status.LATENT))),
    Outcome("issues_open_at_start", "Issues carried over from the warm-up", "issues", 0,
            "Issues that arose during the warm-up and were still latent or open on day 0 (constant).", "", "state",
            lambda m: float(sum(m.counts_at_start.get(s.name.lower(), 0) for s in (Status.LATENT, Status.REPORTED, Status.QUEUED)))),
    Outcome("issues_arisen_total", "Issues arisen (running total)", "issues", 0, "Issues arisen since day 0.", "", "state",
            lambda m: float(m.issues.n - m.counts_at_start.get("arisen", 0))),
    Outcome("issues_resolved_total", "Issues resolved (running total)", "issues", 0, "Issues really resolved since day 0.", "",
            "state", lambda m: _since_start(m, Status.RESOLVED)),
    Outcome("issues_false_closed_total", "Issues closed on paper (running total)", "issues", 0,
            "Issues standing closed on paper that were closed since day 0.", "", "state",
            lambda m: _since_start(m, Status.FALSE_CLOSED)),
    Outcome("issues_abandoned_total", "Issues abandoned (running total)", "issues", 0,
            "Issues given up on (reported) or lived with (unreported) since day 0.", "", "state",
            lambda m: _since_start(m, Status.ABANDONED)),
    Outcome("trust_gap_resolved_abandoned", "Trust gap resolved − abandoned", "0–1 scale", 0,
            f"Mean trust of residents whose detected issue was really resolved in the last {WINDOW} days minus that of "
            f"residents whose detected issue was abandoned in the last {WINDOW} days (expectancy-disconfirmation).",
            "residents with a detected issue ended in the window, by how it ended", "state", _trust_by_outcome),
]


def _median_days(s: Sample) -> float:
    return _nan_if_empty(_days_to_close(s)[_resolved(s)], np.median)


def _p90_days(s: Sample) -> float:
    return _nan_if_empty(_days_to_close(s)[_resolved(s)], lambda x: np.percentile(x, 90))


def _cross_days(s: Sample) -> float:
    return _nan_if_empty(_days_to_close(s)[_resolved(s) & (s.dept2 >= 0)], np.mean)


#: Horizon of the restricted mean days to resolution: four weeks (the daily table's window of
#: arisen issues sees 29 days of follow-up, so its value is never an extrapolation).
RMST_TAU = 28.0


def _rmst_days(s: Sample) -> float:
    """Restricted mean days to real resolution of the issues that arose in the period, with
    paper closures, abandonments and open issues censored (``sim.outcomes.survival``)."""
    status = s.status
    ended = (status == Status.RESOLVED) | (status == Status.FALSE_CLOSED) | (status == Status.ABANDONED)
    time = np.maximum(np.where(ended, s.day_closed, s.table.today) - s.day_arisen, 0).astype(np.float64)
    times, _, _, surv = km_curve(time, status == Status.RESOLVED)
    # The period's length is the follow-up it offers: an issue arisen on its first day is seen that long.
    follow_up = max(float(time.max()), float(s.days - 1)) if len(time) else math.nan
    return restricted_mean(times, surv, RMST_TAU, n=len(time), max_time=follow_up)


def _reassignments(s: Sample) -> float:
    return _nan_if_empty(s.reassignments[_handled(s)].astype(np.float64), np.mean)


def _first_contact(s: Sample) -> float:
    handled_resolved = _handled(s) & _resolved(s)
    return _share(s.reassignments == 0, handled_resolved)


def _satisfaction(s: Sample) -> float:
    sat = s.satisfaction[np.isfinite(s.satisfaction)]
    return _nan_if_empty(sat.astype(np.float64), np.mean)


def _satisfaction_share(s: Sample) -> float:
    sat = s.satisfaction[np.isfinite(s.satisfaction)]
    return _nan_if_empty(sat, lambda x: np.mean(x >= 0))


_PUBLIC_CATEGORIES = np.isin(np.arange(len(CATEGORIES)), [CATEGORIES.index(c) for c in ("sanitation", "parking", "public_safety")])


def _public_space(s: Sample) -> np.ndarray:
    """Public-space issues: sanitation, parking or public safety of compound or wider scope."""
    return _PUBLIC_CATEGORIES[s.category] & (s.scope >= SCOPES.index("compound"))


def _self_report_delay(s: Sample) -> float:
    own = s.channel == Channel.SELF_REPORT
    return _nan_if_empty((s.day_detected - s.day_arisen)[own].astype(np.float64), np.mean)


_FLOW: list[Outcome] = [
    Outcome("resolution_days_median", "Median days to resolution", "days", -1,
            "Median days from arising to real resolution.", "issues really resolved in the period", "flow", _median_days),
    Outcome("resolution_days_p90", "Days to resolution, 90th percentile", "days", -1,
            "90th percentile of days from arising to real resolution.", "issues really resolved in the period", "flow", _p90_days),
    Outcome("resolution_days_rmst", "Restricted mean days to resolution (4 weeks)", "days", -1,
            "Mean of min(days from arising to real resolution, 28) by Kaplan–Meier: issues closed on paper, abandoned "
            "or still open are censored, not dropped, so a rule that resolves slow cases instead of closing them on paper "
            "does not look slower (a continuous scale: honest CIs with few seeds).",
            "issues arisen in the period", "flow", _rmst_days, event="arisen"),
    Outcome("resolution_days_cross_department", "Mean days to resolve cross-department issues", "days", -1,
            "Mean days from arising to real resolution of issues that need two departments.",
            "cross-department issues really resolved in the period", "flow", _cross_days),
    Outcome("resolution_rate", "Resolution rate", "share", +1,
            "Share of ended issues that were really resolved (by a handler or by residents).",
            "issues ended in the period (resolved, closed on paper or abandoned)", "flow",
            lambda s: _share(_resolved(s), np.ones(len(s), bool))),
    Outcome("resolution_rate_reported", "Resolution rate of reported issues", "share", +1,
            "Share of ended issues known to a handler that were really resolved (as they really ended; the hotline's "
            "own figure, 解决率, is hotline_resolution_rate).",
            "detected issues ended in the period", "flow", lambda s: _share(_resolved(s), s.day_detected >= 0)),
    Outcome("hotline_resolution_rate", "Resolution rate as the hotline reports it", "share", +1,
            "Share of ended issues known to a handler that count as resolved on the hotline's callback (解决率): really "
            "resolved, or closed and called resolved by the reporter: a paper closure not found out, a reply accepted "
            "(behaviour.reply_acceptance); abandoned issues count as unresolved (the measurement model, model v2).",
            "detected issues ended in the period", "flow",
            lambda s: _share(_resolved(s) | s.callback_resolved, s.day_detected >= 0)),
    Outcome("reply_closure_rate", "Closed by reply", "share", -1,
            "Share of closures made by reply (答复: an answer, not a fix), justified for requests outside the street's "
            "authority or policy, formalism otherwise.",
            "issues closed (resolved, on paper or by reply) in the period", "flow",
            lambda s: _share(s.by_reply, _closed(s))),
    Outcome("lift_resolution_rate", "Resolution rate, lift/renovation", "share", +1,
            "Share of ended lift and renovation (resource-heavy) issues that were really resolved.",
            "lift/renovation issues ended in the period", "flow", lambda s: _share(_resolved(s), s.category == _LIFT)),
    Outcome("false_closure_rate", "False-closure rate", "share", -1,
            "Share of closures that were on paper only (claimed fixed; closures by reply are counted apart).",
            "issues closed (resolved, on paper or by reply) in the period", "flow",
            lambda s: _share((s.status == Status.FALSE_CLOSED) & ~s.by_reply, _closed(s))),
    Outcome("closure_rate", "Closure rate of reported issues", "share", +1,
            "Share of ended detected issues that a handler closed (resolved or on paper) rather than the reporter abandoning them.",
            "detected issues ended in the period", "flow",
            lambda s: _share(_closed(s), s.day_detected >= 0)),
    Outcome("reassignments_per_issue", "Reassignments per issue", "reassignments", -1,
            "Mean number of escalations and referrals an issue went through.",
            "ended issues a handler dealt with (routed at least once, not self-governed)", "flow", _reassignments),
    Outcome("first_contact_resolution_share", "First-contact resolution", "share", +1,
            "Share of handler-resolved issues resolved by the first handler they reached.",
            "ended issues a handler dealt with and really resolved", "flow", _first_contact),
    Outcome("satisfaction", "Satisfaction", "performance − expectation", +1,
            "Mean satisfaction (perceived performance minus expectation) of residents' experiences of their issues.",
            "ended issues with an experience", "flow", _satisfaction),
    Outcome("satisfaction_share", "Satisfied share", "share", +1,
            "Share of residents' experiences of their issues with satisfaction at least 0 (a hotline's 满意率).",
            "ended issues with an experience", "flow", _satisfaction_share),
    Outcome("satisfaction_share_closed", "Satisfied share after closure", "share", +1,
            "Share of residents' experiences of issues a handler closed (resolved or on paper) with satisfaction at least 0 "
            "(a hotline's 满意率: requesters called back after closure; abandoned issues left out).",
            "ended issues a handler closed, with an experience", "flow",
            lambda s: _share(s.satisfaction >= 0, _closed(s) & np.isfinite(s.satisfaction))),
    Outcome("suggestion_adoption_rate", "Suggestions adopted", "share", +1,
            "Share of reporters told the outcome whose suggestion was adopted.", "ended issues with feedback", "flow",
            lambda s: _share(s.heard >= 1.0, s.feedback)),
    Outcome("self_report_share", "Self-reported share", "share", 0,
            "Share of detected issues that residents reported themselves.", "issues detected in the period", "flow",
            lambda s: _share(s.channel == Channel.SELF_REPORT, np.ones(len(s), bool)), event="detected"),
    Outcome("patrol_detection_share", "Found by patrols", "share", 0,
            "Share of detected issues that grid workers' patrols found.", "issues detected in the period", "flow",
            lambda s: _share(s.channel == Channel.GRID_PATROL, np.ones(len(s), bool)), event="detected"),
    Outcome("patrol_detection_share_public_space", "Public-space issues found by patrols", "share", 0,
            "Share of detected public-space issues (sanitation, parking, public safety; compound or wider scope) "
            "that grid workers' patrols found.", "public-space issues detected in the period", "flow",
            lambda s: _share(s.channel == Channel.GRID_PATROL, _public_space(s)), event="detected"),
    Outcome("self_report_delay_days", "Days to self-report", "days", -1,
            "Mean days from arising to the resident's own report.", "self-reported issues detected in the period", "flow",
            _self_report_delay, event="detected"),
    Outcome("report_rate", "Self-reports per 1,000 residents per day", "reports / 1,000 residents / day", 0,
            "Issues residents reported themselves, per 1,000 residents per day.", "residents × days of the period", "flow",
            lambda s: float(np.sum(s.channel == Channel.SELF_REPORT)) / s.days / max(s.residents, 1) * 1000, event="detected"),
    Outcome("issue_rate_per_resident_year", "Issues per resident-year", "issues / resident / year", 0,
            "Issues arising per resident per year (endogenous and exogenous arrivals).", "residents × years of the period",
            "flow", lambda s: len(s) / s.days / max(s.residents, 1) * 365, event="arisen"),
    Outcome("issues_arisen_per_day", "Issues arisen per day", "issues / day", 0,
            "Issues arising per day, averaged over the period.", "days of the period",
            "flow", lambda s: len(s) / s.days, event="arisen"),
    *[Outcome(f"category_share_{c}", f"Share of issues: {c.replace('_', ' ')}", "share", 0,
              f"Share of issues arising in the period that are {c.replace('_', ' ')} issues.", "issues arisen in the period",
              "flow", lambda s, i=i: _share(s.category == i, np.ones(len(s), bool)), event="arisen") for i, c in enumerate(CATEGORIES)],
]

_RESOURCE: list[Outcome] = [
    Outcome(f"{kind}_{p.name}", f"{'Used' if kind == 'used' else 'Available'}: {p.name.replace('_', ' ')}",
            f"{p.unit} / day", -1 if kind == "used" else 0,
            f"{p.unit.capitalize()} {'spent' if kind == 'used' else 'available'} per day from the pool: {p.description}",
            "days", "resource", pool=p.name)
    for p in POOLS for kind in ("used", "available")
]

REGISTRY: dict[str, Outcome] = {o.name: o for o in (*_STATE, *_FLOW, *_RESOURCE)}

#: The default headline set (run summaries, ``govsim compare``, sweeps).
HEADLINE: tuple[str, ...] = (
    "trust_mean", "participation_rate", "efficacy_mean", "resolution_days_median", "resolution_days_p90",
    "resolution_rate", "false_closure_rate", "reassignments_per_issue", "backlog", "latent", "satisfaction",
    "acquaintances_per_resident", "trust_gap_gig", "participation_gap_gig",
)
#: Resource use reported beside every headline: hours and budget used per day, by pool.
RESOURCE_USE: tuple[str, ...] = tuple(f"used_{p.name}" for p in POOLS)
#: Outcomes of the per-category table.
BY_CATEGORY: tuple[str, ...] = ("resolution_rate", "resolution_days_median", "resolution_days_p90",
                                "reassignments_per_issue", "false_closure_rate")


def describe(name: str) -> Outcome:
    """The registered outcome ``name``; a KeyError names the close matches."""
    try:
        return REGISTRY[name]
    except KeyError:
        import difflib

        close = difflib.get_close_matches(name, REGISTRY, n=3)
        hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        raise KeyError(f"unknown outcome '{name}'{hint}") from None


_ENDED = np.zeros(len(Status), dtype=bool)
_ENDED[[Status.RESOLVED, Status.FALSE_CLOSED, Status.ABANDONED]] = True


def event_day(table: IssueTable, event: Event, ids: np.ndarray | None = None) -> np.ndarray:
    """The day each issue passed ``event`` (-1: not yet)."""
    col = {"ended": "day_closed", "detected": "day_detected", "arisen": "day_arisen"}[event]
    if ids is None:
        ids = np.arange(table.n)
    values = getattr(table, col)[ids]
    if event == "ended":
        values = np.where(_ENDED[table.status[ids]], values, -1)
    return values
