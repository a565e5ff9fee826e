"""Validation patterns (pattern-oriented modelling, Grimm et al. 2005): what the calibration did
not use, at the individual, group and street level, each with its source, a statistic computed
per seed from runs of the calibrated scenarios, and a verdict rule stated before measuring.

A pattern's statistic is a function of the per-seed values of registered outcomes in each regime
(``values[regime][outcome]``, arrays over seeds) and of the targets' readings
(``readings[regime][target_id]``); its verdict comes from the statistic's mean and 95% t-interval
over seeds (:func:`evaluate`). Every outcome a pattern reads is listed in :data:`OUTCOMES` and
defined once in the outcome registry (``sim.outcomes.registry``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.analysis.stats import MeanCI, mean_ci

Values = Mapping[str, Mapping[str, np.ndarray]]
CS, PLF = "community_system", "party_led_full"


@dataclass(frozen=True)
class Pattern:
    """A pattern the calibration did not use: what is claimed, where it comes from, what is
    computed per seed, and when it holds (on the statistic's 95% CI over seeds)."""

    id: str
    level: str  #: individual | group | street
    claim: str
    source: str
    reference: str  #: the source's own figure or wording
    statistic: str  #: what is computed per seed, in words
    rule: str  #: when it holds, in words
    caveat: str  #: how independent of the model's inputs and rules the check is
    compute: Callable[[Values, Values], np.ndarray]
    holds: Callable[[MeanCI, Values, Values], bool]


def _diff(regime: str, a: str, b: str) -> Callable[[Values, Values], np.ndarray]:
    return lambda v, _r: np.asarray(v[regime][a]) - np.asarray(v[regime][b])


def _above(x: float) -> Callable[[MeanCI, Values, Values], bool]:
    return lambda ci, _v, _r: bool(np.isfinite(ci.low) and ci.low > x)


def _groups_ordered(ci: MeanCI, v: Values, _r: Values) -> bool:
    means = {g: float(np.nanmean(v[CS][f"participation_{g}"])) for g in ("local", "migrant", "gig", "elderly")}
    return ci.low > 0 and max(means, key=means.get) == "elderly" and min(means, key=means.get) == "gig"


def _ramp(v: Values, r: Values) -> np.ndarray:
    """The smaller of the two steps of the series: first reform year − pre-reform level and
    mature level − first reform year (both must be positive for a gradual rise)."""
    pre = np.asarray(r[CS]["beijing_12345_resolution_2019_01"])
    first = np.asarray(r[PLF]["beijing_12345_resolution_2019"])
    mature = np.asarray(r[PLF]["beijing_12345_resolution_2021_11"])
    return np.minimum(first - pre, mature - first)


PATTERNS: tuple[Pattern, ...] = (
    Pattern("participation_by_group", "group",
            "The elderly take part most and young working residents (the model's gig workers) least.",
            "Shanghai residents' committee election turnout by age, survey in 《嬗变中的上海》 "
            "(docs/calibration-targets.md: `shanghai_rc_election_turnout_age_70_79`, and the note on ages 18–29)",
            "turnout 77.7% at ages 70–79 against 13.8% at ages 18–29",
            "participation of the elderly minus that of gig workers, community system",
            "95% CI above 0, and the elderly highest and gig workers lowest of the four groups",
            "weak: the groups' time availability (`behaviour.availability`) was set with this survey in mind",
            _diff(CS, "participation_elderly", "participation_gig"), _groups_ordered),
    Pattern("party_members_participate_more", "group",
            "Party members take part more than other residents.",
            "Shanghai residents' committee election turnout by party membership, survey in 《嬗变中的上海》 "
            "(`shanghai_rc_election_turnout_party_members`, `..._non_members`)",
            "65.1% of party members against 48.4% of the comparison group (+0.167)",
            "participation of party members minus that of non-members, community system",
            "95% CI above 0",
            "strong: no rule gives members a different participation rule; a lead must come from what members do",
            _diff(CS, "participation_party_member", "participation_non_party_member"), _above(0.0)),
    Pattern("resolution_times_right_skewed", "individual",
            "Days to resolution are right-skewed: a long tail of slow cases behind a short typical case.",
            "NYC 311 service requests 2004–2016, 24.5 million (NYC Open Data; summary quoted by "
            "datatellsme.com, 'Back to basics', Feb 2017); the same shape in any hotline's case times",
            "median 2.9 days, mean 9.0, third quartile 10.0 (third quartile 3.4 times the median)",
            "90th percentile over median days to resolution, community system",
            "95% CI above 2 (the 90th percentile more than twice the median)",
            "medium: waiting in queues, referrals and retries are rules; the shape of their sum is not set",
            lambda v, _r: np.asarray(v[CS]["resolution_days_p90"]) / np.asarray(v[CS]["resolution_days_median"]),
            _above(2.0)),
    Pattern("trust_after_resolution", "individual",
            "Residents whose issue was resolved trust grassroots governance more than those who gave up.",
            "Expectancy-disconfirmation: Van Ryzin (2004), Journal of Policy Analysis and Management 23(3); "
            "satisfaction rises with performance relative to expectations",
            "satisfaction higher after good than after poor performance",
            "mean trust of owners of issues resolved in the last 30 days minus owners of issues abandoned in them, "
            "community system",
            "95% CI above 0",
            "weak: the experience rule moves trust by performance minus expectation; the check is that neighbours' "
            "influence and forgetting leave the difference visible in trust, not only in the experience",
            lambda v, _r: np.asarray(v[CS]["trust_gap_resolved_abandoned"]), _above(0.0)),
    Pattern("resource_heavy_issues_resolve_less", "group",
            "Resource-heavy collective issues (lifts, renovation) are resolved less often than issues in general.",
            "the article, part 3(1) and part 2(1) (docs/article.md#part-3-1): old-compound renovation and lift "
            "installation need organised, negotiated, stepwise work to obtain resources",
            "qualitative",
            "resolution rate of all ended issues minus that of lift and renovation issues, community system",
            "95% CI above 0",
            "medium: their cost and consent needs are inputs; whether budgets, consent and patience then leave "
            "them behind is not set",
            _diff(CS, "resolution_rate", "lift_resolution_rate"), _above(0.0)),
    Pattern("reform_ramp_up", "street",
            "After the switch to party-led governance the hotline's resolution rate rises gradually: the first "
            "reform year lies between the pre-reform month and the mature level.",
            "Beijing 12345 resolution rate (`beijing_12345_resolution` series, docs/calibration-targets.md)",
            "53.1% (Jan 2019), 75% (2019 as a whole), 89% (Nov 2021)",
            "the smaller of (first year after the switch − community system) and (mature party-led − first "
            "year), resolution rate of reported issues",
            "95% CI above 0",
            "strong for the ordering: the calibration fits the two ends, not the first year",
            _ramp, _above(0.0)),
)

#: Registered outcomes the patterns read, per regime.
OUTCOMES: dict[str, tuple[str, ...]] = {
    CS: ("participation_local", "participation_migrant", "participation_gig", "participation_elderly",
         "participation_party_member", "participation_non_party_member", "resolution_days_p90", "resolution_days_median",
         "trust_gap_resolved_abandoned", "resolution_rate", "lift_resolution_rate"),
    PLF: (),
}


def evaluate(values: Values, readings: Values) -> list[dict[str, Any]]:
    """Every pattern's statistic (mean and 95% CI over seeds) and verdict."""
    rows = []
    for p in PATTERNS:
        ci = mean_ci(p.compute(values, readings))
        rows.append({"id": p.id, "level": p.level, "n": ci.n, "mean": ci.mean, "low": ci.low, "high": ci.high,
                     "verdict": "holds" if p.holds(ci, values, readings) else "does not hold"})
    return rows
