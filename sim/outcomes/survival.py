"""The Kaplan–Meier product-limit estimator and the restricted mean it gives (numpy only).

One implementation for the outcome registry (``resolution_days_rmst``, days to real
resolution with paper closures, abandonments and open issues censored) and for the survival
analysis of comparisons (``sim.analysis.survival``, which adds medians, log-rank tests and
paired differences). Kaplan & Meier 1958; the restricted mean ``E[min(T, τ)] = ∫_0^τ S(t) dt``
after Royston & Parmar 2013.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["km_curve", "restricted_mean"]


def km_curve(time: np.ndarray, event: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Distinct event times, issues at risk just before each, events at each and ``S(t)`` after
    it (events before censorings at tied times)."""
    t = np.asarray(time, dtype=np.float64)
    e = np.asarray(event, dtype=bool)
    if len(t) == 0:
        return np.zeros(0), np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    te = np.sort(t[e])
    times = np.unique(te)
    events = np.searchsorted(te, times, side="right") - np.searchsorted(te, times, side="left")
    at_risk = len(t) - np.searchsorted(np.sort(t), times, side="left")
    return times, at_risk.astype(np.int64), events.astype(np.int64), np.cumprod(1.0 - events / at_risk)


def restricted_mean(times: np.ndarray, survival: np.ndarray, tau: float, *, n: int, max_time: float) -> float:
    """``∫_0^τ S(t) dt`` of a Kaplan–Meier curve; NaN for an empty sample or when ``τ`` lies
    beyond the last observed time while the curve is still above 0 (an extrapolation)."""
    if n == 0 or tau < 0:
        return math.nan
    if tau > max_time and not (len(survival) and survival[-1] <= 1e-12):
        return math.nan
    knots = times[times < tau]
    edges = np.r_[0.0, knots, tau]
    heights = np.r_[1.0, survival[: len(knots)]]
    return float(np.sum(heights * np.diff(edges)))
