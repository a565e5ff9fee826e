"""Days to real resolution as a censored outcome: Kaplan–Meier, restricted mean, log-rank.

The registry's ``resolution_days_*`` outcomes are statistics over issues *really resolved* in
a period: an issue closed on paper, abandoned by its reporter or still open at the run's end
is left out, so a rule that resolves slow cases instead of closing them on paper raises the
mean (a selection effect, not a slowdown). Here every issue of a cohort counts:

* **cohort**: the issues that arose during the measured period (``day_arisen`` from 0 to the
  run's last day ``end_day``); with ``where="cross_department"`` only those needing a second
  department;
* **time**: days from arising (``origin="day_arisen"``, the registry's clock) or from the
  first report to a handler (``origin="day_detected"``; undetected issues then leave the
  cohort) to the day the issue ended (``day_closed``);
* **event**: status ``resolved`` (by a handler or by residents);
* **right-censored**: closed on paper (``false_closed``) or ``abandoned`` at the day it ended,
  and every issue still open (latent, reported, queued) at ``end_day``. A censored time ``c``
  means "not resolved by the end of day ``c``"; at tied times events come before censorings
  (the usual convention).

Treating a paper closure or an abandonment as censoring estimates the time to resolution had
those exits not happened (the cause-specific view); it assumes they are unrelated to how long
the case would still have taken, which is not known, so every number here is labelled a
censored estimate.

* :func:`kaplan_meier`: the product-limit estimate ``S(t) = Π_{t_i ≤ t} (1 − d_i / n_i)``
  (``d_i`` resolutions at ``t_i``, ``n_i`` issues still at risk just before it);
* :attr:`KaplanMeier.median`: the smallest ``t`` with ``S(t) ≤ 0.5``; ``inf`` when the
  curve never gets there;
* :meth:`KaplanMeier.rmst`: the restricted mean ``∫_0^τ S(t) dt = E[min(T, τ)]``, days to
  resolution capped at ``τ`` (NaN when ``τ`` lies beyond the last observed time and the curve
  has not reached 0: the estimate would be an extrapolation);
* :func:`logrank`: the log-rank test of two samples, stratified when given one pair per
  stratum (e.g. per seed: common random numbers make seeds the natural strata);
* :func:`paired_rmst`: the per-seed difference of RMST (``b − a``) through
  :func:`sim.analysis.stats.paired_difference` (mean, 95% t-interval, paired t and Wilcoxon).

numpy and scipy only (the chi-squared tail); no survival library is needed for these.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pyarrow as pa
from scipy import stats as sps

from sim.analysis.stats import PairedDiff, paired_difference
from sim.outcomes.survival import km_curve, restricted_mean

__all__ = ["COHORTS", "COLUMNS", "SURVIVAL_COLUMNS", "TAU", "Durations", "KaplanMeier", "LogRank", "durations",
           "end_day_of", "horizon", "kaplan_meier", "logrank", "paired_rmst", "rmst_values", "run_durations",
           "survival_rows"]

#: Default horizon of the restricted mean, in days.
TAU = 90.0
#: Per-issue columns the cohort needs (what a sweep keeps per run for survival analysis).
COLUMNS: tuple[str, ...] = ("status", "day_arisen", "day_detected", "day_closed", "second_department")
#: Statuses of issues that ended without a real resolution (censored at the day they ended).
ENDED_UNRESOLVED = ("false_closed", "abandoned")

Where = Literal["all", "cross_department"]


@dataclass(frozen=True)
class Durations:
    """A right-censored sample: ``time`` (days) and ``event`` (True: really resolved then;
    False: censored, known unresolved to the end of that day). ``reason`` counts the
    censorings: ``false_closed``, ``abandoned`` and ``open`` (at the run's end)."""

    time: np.ndarray
    event: np.ndarray
    reason: Mapping[str, int] | None = None

    def __post_init__(self) -> None:
        t = np.asarray(self.time, dtype=np.float64).ravel()
        e = np.asarray(self.event, dtype=bool).ravel()
        if t.shape != e.shape:
            raise ValueError(f"time and event differ in length: {len(t)} and {len(e)}")
        if len(t) and (not np.all(np.isfinite(t)) or t.min() < 0):
            raise ValueError("durations must be finite and non-negative")
        object.__setattr__(self, "time", t)
        object.__setattr__(self, "event", e)

    def __len__(self) -> int:
        return len(self.time)

    @property
    def n_events(self) -> int:
        return int(self.event.sum())

    @staticmethod
    def concat(parts: Sequence[Durations]) -> Durations:
        """Several samples pooled into one (e.g. the seeds of one scenario)."""
        reasons: dict[str, int] = {}
        for p in parts:
            for k, v in (p.reason or {}).items():
                reasons[k] = reasons.get(k, 0) + v
        if not parts:
            return Durations(np.zeros(0), np.zeros(0, bool), reasons)
        return Durations(np.concatenate([p.time for p in parts]), np.concatenate([p.event for p in parts]), reasons)


def _column(issues: pa.Table | Mapping[str, Any], name: str) -> np.ndarray:
    """A column as a numpy array, nulls as NaN (numbers) or None (strings)."""
    if isinstance(issues, pa.Table):
        if name not in issues.column_names:
            raise KeyError(f"the issue table has no column '{name}' (survival needs {', '.join(COLUMNS)})")
        col = issues.column(name)
        if pa.types.is_integer(col.type) or pa.types.is_floating(col.type):
            return col.cast(pa.float64()).to_numpy(zero_copy_only=False)
        return np.asarray(col.to_pylist(), dtype=object)
    return np.asarray(issues[name])


def end_day_of(issues: pa.Table) -> int | None:
    """The run's last day recorded in a sweep's issue table (schema metadata ``govsim.end_day``)."""
    meta = issues.schema.metadata or {}
    raw = meta.get(b"govsim.end_day")
    return int(raw) if raw is not None else None


def durations(issues: pa.Table | Mapping[str, Any], *, end_day: int | None = None, where: Where = "all",
              origin: Literal["day_arisen", "day_detected"] = "day_arisen") -> Durations:
    """The cohort's times to real resolution from a run's issue table (module docstring).

    ``issues`` is the per-issue table (``RunResult.issues``, ``issues.parquet``, or a sweep's
    kept columns, :data:`COLUMNS`), ``end_day`` the run's last day (``days − 1``: day 0 is the
    first after the warm-up; default: from a sweep's issue table, :func:`end_day_of`).
    """
    if end_day is None:
        end_day = end_day_of(issues) if isinstance(issues, pa.Table) else None
        if end_day is None:
            raise ValueError("the issue table does not say when the run ended: pass end_day (the run's days − 1)")
    status = _column(issues, "status")
    arisen = _column(issues, "day_arisen").astype(np.float64)
    closed = _column(issues, "day_closed").astype(np.float64)
    start = _column(issues, origin).astype(np.float64) if origin != "day_arisen" else arisen
    keep = (arisen >= 0) & (arisen <= end_day) & np.isfinite(start) & (start <= end_day)
    if where == "cross_department":
        dept2 = _column(issues, "second_department")
        keep &= np.array([d is not None and d == d and d != "" for d in dept2], dtype=bool)
    elif where != "all":
        raise ValueError(f"unknown cohort '{where}' (all or cross_department)")
    status, start, closed = status[keep], start[keep], closed[keep]
    ended = np.isfinite(closed) & (closed <= end_day)
    event = ended & (status == "resolved")
    stop = np.where(ended, closed, float(end_day))
    time = np.maximum(stop - start, 0.0)
    reason = {s: int(np.sum(ended & (status == s))) for s in ENDED_UNRESOLVED}
    reason["open"] = int(np.sum(~ended))
    return Durations(time, event, reason)


@dataclass(frozen=True)
class KaplanMeier:
    """The Kaplan–Meier curve of a sample: at each distinct time with a resolution ``time[i]``,
    the issues at risk, the resolutions and ``survival[i] = S(time[i])`` (share not yet
    resolved after that day); ``n`` observations, ``max_time`` the largest observed time."""

    time: np.ndarray
    at_risk: np.ndarray
    events: np.ndarray
    survival: np.ndarray
    n: int
    max_time: float

    def at(self, t: float | np.ndarray) -> np.ndarray:
        """``S(t)`` (right-continuous step function; 1 before the first resolution)."""
        idx = np.searchsorted(self.time, np.asarray(t, dtype=np.float64), side="right")
        s = np.r_[1.0, self.survival]
        return s[idx]

    @property
    def median(self) -> float:
        """The smallest time with ``S(t) ≤ 0.5``; ``inf`` if the curve stays above 0.5; NaN
        for an empty sample."""
        if self.n == 0:
            return math.nan
        hit = np.flatnonzero(self.survival <= 0.5 + 1e-12)
        return float(self.time[hit[0]]) if len(hit) else math.inf

    def rmst(self, tau: float = TAU) -> float:
        """Restricted mean time to resolution ``∫_0^τ S(t) dt`` (NaN: empty sample, or ``τ``
        beyond the last observed time while ``S`` is still above 0)."""
        return restricted_mean(self.time, self.survival, tau, n=self.n, max_time=self.max_time)


def kaplan_meier(d: Durations) -> KaplanMeier:
    """The product-limit estimate of ``d`` (events before censorings at tied times;
    ``sim.outcomes.survival.km_curve``)."""
    times, at_risk, events, survival = km_curve(d.time, d.event)
    return KaplanMeier(times, at_risk, events, survival, len(d.time), float(d.time.max()) if len(d.time) else math.nan)


@dataclass(frozen=True)
class LogRank:
    """Log-rank test of ``b`` against ``a``: observed and expected resolutions of ``b``
    (summed over strata), the variance, the chi-squared statistic (1 df) and its p-value."""

    observed: float
    expected: float
    variance: float
    chi2: float
    p: float
    strata: int


def _logrank_parts(a: Durations, b: Durations) -> tuple[float, float, float]:
    t = np.r_[a.time, b.time]
    e = np.r_[a.event, b.event]
    in_b = np.r_[np.zeros(len(a), bool), np.ones(len(b), bool)]
    times = np.unique(t[e])
    if len(times) == 0:
        return 0.0, 0.0, 0.0
    st, sb = np.sort(t), np.sort(t[in_b])
    n = len(t) - np.searchsorted(st, times, side="left")
    n_b = len(sb) - np.searchsorted(sb, times, side="left")
    te, tbe = np.sort(t[e]), np.sort(t[e & in_b])
    d = np.searchsorted(te, times, side="right") - np.searchsorted(te, times, side="left")
    d_b = np.searchsorted(tbe, times, side="right") - np.searchsorted(tbe, times, side="left")
    n, n_b, d, d_b = (x.astype(np.float64) for x in (n, n_b, d, d_b))
    expected = d * n_b / n
    with np.errstate(invalid="ignore", divide="ignore"):
        var = np.where(n > 1, d * (n_b / n) * (1 - n_b / n) * (n - d) / (n - 1), 0.0)
    return float(d_b.sum()), float(expected.sum()), float(var.sum())


def logrank(a: Durations | Sequence[Durations], b: Durations | Sequence[Durations]) -> LogRank:
    """The (two-sided) log-rank test that ``a`` and ``b`` have the same resolution hazard.

    Two sequences of equal length are strata (e.g. seed by seed): observed, expected and
    variance are summed over them (the stratified log-rank test). p is NaN when no
    resolution happened at a time where both samples had issues at risk."""
    if isinstance(a, Durations) and isinstance(b, Durations):
        pairs = [(a, b)]
    elif isinstance(a, Durations) or isinstance(b, Durations):
        raise TypeError("give two samples, or two sequences of strata")
    elif len(a) != len(b):
        raise ValueError(f"strata differ in number: {len(a)} and {len(b)}")
    else:
        pairs = list(zip(a, b))
    o = ex = v = 0.0
    for sa, sb in pairs:
        po, pe, pv = _logrank_parts(sa, sb)
        o, ex, v = o + po, ex + pe, v + pv
    if v <= 0:
        return LogRank(o, ex, v, math.nan, math.nan, len(pairs))
    chi2 = (o - ex) ** 2 / v
    return LogRank(o, ex, v, chi2, float(sps.chi2.sf(chi2, 1)), len(pairs))


def rmst_values(samples: Sequence[Durations], tau: float = TAU) -> np.ndarray:
    """The RMST at ``tau`` of each sample (e.g. one per seed)."""
    return np.array([kaplan_meier(s).rmst(tau) for s in samples], dtype=np.float64)


def paired_rmst(a: Sequence[Durations], b: Sequence[Durations], tau: float = TAU) -> PairedDiff:
    """Per-seed difference of restricted mean days to resolution, ``b − a`` (same seeds in
    the same order), with its mean, 95% CI, paired t and Wilcoxon p and d_z."""
    if len(a) != len(b):
        raise ValueError(f"paired samples differ in length: {len(a)} and {len(b)} seeds")
    return paired_difference(rmst_values(a, tau), rmst_values(b, tau))


def run_durations(result: Any, *, where: Where = "all", origin: Literal["day_arisen", "day_detected"] = "day_arisen") -> Durations:
    """:func:`durations` of a :class:`sim.run.RunResult` (run with ``detail=True``)."""
    if result.issues.num_columns == 0:
        raise ValueError("the run kept no issue table: run it with detail=True")
    return durations(result.issues, end_day=result.config.days - 1, where=where, origin=origin)


# --------------------------------------------------------------------------- comparing scenarios

#: Cohorts compared: name -> (``where``, label).
COHORTS: dict[str, tuple[Where, str]] = {
    "all": ("all", "all issues arisen in the run"),
    "cross_department": ("cross_department", "cross-department issues arisen in the run"),
}
#: Columns of the survival rows (``survival.csv`` of a comparison).
SURVIVAL_COLUMNS = ("scenario", "cohort", "tau", "n_seeds", "issues_per_seed", "resolved_share", "censored_false_closed",
                    "censored_abandoned", "censored_open", "km_median", "rmst", "rmst_ci_low", "rmst_ci_high",
                    "rmst_diff", "rmst_diff_ci_low", "rmst_diff_ci_high", "rmst_p_t", "logrank_p")


def horizon(samples: Sequence[Durations | None], tau: float = TAU) -> float:
    """The RMST horizon a set of samples allows: ``tau``, or the smallest of their largest
    observed times when that is earlier (no sample's curve is extrapolated; the usual choice
    for comparing restricted means)."""
    ends = [float(d.time.max()) for d in samples if d is not None and len(d)]
    return float(min([tau, *ends]))


def survival_rows(names: Sequence[str], tables: Mapping[str, Sequence[pa.Table | None]], *, tau: float = TAU,
                  cohorts: Mapping[str, tuple[Where, str]] = COHORTS) -> list[dict[str, Any]]:
    """Per scenario and cohort (:data:`SURVIVAL_COLUMNS`): issues per seed, the share really
    resolved and the shares censored by reason, the Kaplan–Meier median of the seeds pooled,
    the mean RMST over seeds with its 95% CI and, for every scenario after the first, the
    paired RMST difference to the first (CI, paired t) and the log-rank p stratified by seed.
    ``tables[name]`` holds each seed's issue table (None where a seed is missing: that seed is
    left out of every pair). The horizon is ``tau``, or shorter where a cohort's follow-up
    is (:func:`horizon`; stated in each row)."""
    from sim.analysis.stats import mean_ci

    rows = []
    for cohort, (where, _label) in cohorts.items():
        samples = {n: [durations(t, where=where) if t is not None else None for t in tables[n]] for n in names}
        base = samples[names[0]]
        h = horizon([d for n in names for d in samples[n]], tau)
        for i, name in enumerate(names):
            mine = [d for d in samples[name] if d is not None]
            pooled = Durations.concat(mine)
            total = max(len(pooled), 1)
            rm = np.array([kaplan_meier(d).rmst(h) if d is not None else math.nan for d in samples[name]])
            ci = mean_ci(rm)
            reason = pooled.reason or {}
            row: dict[str, Any] = {
                "scenario": name, "cohort": cohort, "tau": h, "n_seeds": len(mine),
                "issues_per_seed": len(pooled) / max(len(mine), 1), "resolved_share": pooled.n_events / total,
                "censored_false_closed": reason.get("false_closed", 0) / total,
                "censored_abandoned": reason.get("abandoned", 0) / total, "censored_open": reason.get("open", 0) / total,
                "km_median": kaplan_meier(pooled).median, "rmst": ci.mean, "rmst_ci_low": ci.low, "rmst_ci_high": ci.high,
                "rmst_diff": None, "rmst_diff_ci_low": None, "rmst_diff_ci_high": None, "rmst_p_t": None, "logrank_p": None}
            if i > 0:
                rb = np.array([kaplan_meier(d).rmst(h) if d is not None else math.nan for d in base])
                d = paired_difference(rb, rm)
                pairs = [(a, b) for a, b in zip(base, samples[name]) if a is not None and b is not None]
                lr = logrank([a for a, _ in pairs], [b for _, b in pairs]) if pairs else None
                row.update(rmst_diff=d.mean, rmst_diff_ci_low=d.low, rmst_diff_ci_high=d.high, rmst_p_t=d.p_t,
                           logrank_p=lr.p if lr is not None else math.nan)
            rows.append(row)
    return rows
