"""Statistics for comparing replicated runs (numpy/scipy only, pure functions).

Replications of different scenarios share seeds (common random numbers), so scenarios are
compared seed by seed: :func:`paired_difference` analyses ``b - a`` per seed. Missing values
(NaN, e.g. a median resolution time in a run that resolved nothing) are dropped; for paired
statistics a seed is dropped when either of its two values is missing.

Degenerate samples are answered, never raised on:

* fewer than two values: the mean is reported, its interval and tests are NaN;
* zero spread (all values, or all differences, equal): the interval collapses onto the
  mean; the paired t-test gives p = 1 when the common difference is 0 and p = 0 otherwise
  (the t statistic is infinite); Cohen's d_z is 0 when the difference is 0 and ±inf
  otherwise; the Wilcoxon test gives p = 1 when every difference is 0.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats as sps

__all__ = [
    "CONFIDENCE",
    "WILCOXON_MIN_N",
    "MeanCI",
    "PairedDiff",
    "cohens_dz",
    "mean_ci",
    "mean_ci_rows",
    "paired_difference",
    "paired_t_pvalue",
    "verdict",
    "wilcoxon_pvalue",
]

#: Confidence level of every interval.
CONFIDENCE = 0.95
#: Fewest pairs for which the Wilcoxon signed-rank test is reported (below, NaN).
WILCOXON_MIN_N = 6


@dataclass(frozen=True)
class MeanCI:
    """Mean of ``n`` values with a t confidence interval ``[low, high]``."""

    n: int
    mean: float
    low: float
    high: float

    def as_dict(self) -> dict[str, Any]:
        """Plain dict of the fields."""
        return asdict(self)


@dataclass(frozen=True)
class PairedDiff:
    """Mean paired difference ``b - a`` over ``n`` pairs with its confidence interval,
    paired t-test and Wilcoxon signed-rank p-values and Cohen's d_z."""

    n: int
    mean: float
    low: float
    high: float
    p_t: float
    p_wilcoxon: float
    d_z: float

    def as_dict(self) -> dict[str, Any]:
        """Plain dict of the fields."""
        return asdict(self)


def _finite_1d(x: ArrayLike) -> np.ndarray:
    """``x`` as a 1-D float array with NaN removed (infinities are kept)."""
    arr = np.asarray(x, dtype=np.float64).ravel()
    return arr[~np.isnan(arr)]


def _spread(x: np.ndarray) -> float:
    """Sample standard deviation (ddof 1), exactly 0 when all values are equal."""
    if len(x) < 2 or np.ptp(x) == 0:
        return 0.0
    return float(np.std(x, ddof=1))


def mean_ci(x: ArrayLike, confidence: float = CONFIDENCE) -> MeanCI:
    """Mean of ``x`` (NaN dropped) with a two-sided t confidence interval.

    The half-width is ``t_{(1+confidence)/2, n-1} * sd / sqrt(n)``. With one value the
    interval is NaN; with none, everything is NaN; with equal values it is ``[mean, mean]``.
    """
    v = _finite_1d(x)
    n = len(v)
    if n == 0:
        return MeanCI(0, math.nan, math.nan, math.nan)
    mean = float(np.mean(v)) if np.ptp(v) != 0 else float(v[0])
    if n < 2:
        return MeanCI(n, mean, math.nan, math.nan)
    half = float(sps.t.ppf(0.5 + confidence / 2, n - 1)) * _spread(v) / math.sqrt(n)
    return MeanCI(n, mean, mean - half, mean + half)


def mean_ci_rows(values: ArrayLike, confidence: float = CONFIDENCE) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Column-wise :func:`mean_ci` of a 2-D array (rows = replications, columns = e.g. days).

    Returns ``(mean, low, high)`` arrays, one entry per column, NaN-aware per column.
    """
    v = np.asarray(values, dtype=np.float64)
    if v.ndim != 2:
        raise ValueError(f"expected a 2-D array (replications x points), got shape {v.shape}")
    ok = ~np.isnan(v)
    n = ok.sum(axis=0)
    filled = np.where(ok, v, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = filled.sum(axis=0) / n
        dev = np.where(ok, v - mean, 0.0)
        sd = np.sqrt((dev**2).sum(axis=0) / (n - 1))
        lo_v = np.where(ok, v, np.inf).min(axis=0)
        hi_v = np.where(ok, v, -np.inf).max(axis=0)
        same = (n >= 1) & (lo_v == hi_v)
        mean = np.where(same, lo_v, mean)
        sd = np.where(same, 0.0, sd)
        tq = sps.t.ppf(0.5 + confidence / 2, np.maximum(n - 1, 1))
        half = np.where(n >= 2, tq * sd / np.sqrt(n), np.nan)
    mean = np.where(n >= 1, mean, np.nan)
    return mean, mean - half, mean + half


def cohens_dz(diff: ArrayLike) -> float:
    """Cohen's d_z of paired differences: ``mean(diff) / sd(diff)`` (ddof 1, NaN dropped).

    0 when the spread and the mean are both 0, ``±inf`` when only the spread is 0, NaN for
    fewer than two differences.
    """
    d = _finite_1d(diff)
    if len(d) < 2:
        return math.nan
    mean, sd = float(np.mean(d)), _spread(d)
    if sd == 0:
        m = float(d[0])
        return 0.0 if m == 0 else math.copysign(math.inf, m)
    return mean / sd


def paired_t_pvalue(diff: ArrayLike) -> float:
    """Two-sided p-value of the paired t-test of ``mean(diff) == 0`` (NaN dropped).

    Equals ``scipy.stats.ttest_rel(b, a).pvalue`` when the differences vary; 1 when all
    differences are 0, 0 when they are all equal and non-zero; NaN for fewer than two.
    """
    d = _finite_1d(diff)
    n = len(d)
    if n < 2:
        return math.nan
    sd = _spread(d)
    if sd == 0:
        return 1.0 if d[0] == 0 else 0.0
    t = float(np.mean(d)) / (sd / math.sqrt(n))
    return float(min(1.0, 2.0 * sps.t.sf(abs(t), n - 1)))


def wilcoxon_pvalue(diff: ArrayLike, min_n: int = WILCOXON_MIN_N) -> float:
    """Two-sided p-value of the Wilcoxon signed-rank test of the differences (NaN dropped).

    NaN for fewer than ``min_n`` differences (the test cannot reach p < 0.05 below 6);
    1 when every difference is 0. Zero differences are dropped (scipy's ``'wilcox'``).
    """
    d = _finite_1d(diff)
    if len(d) < min_n:
        return math.nan
    if not np.any(d != 0):
        return 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.simplefilter("ignore", UserWarning)
        p = float(sps.wilcoxon(d, zero_method="wilcox", alternative="two-sided").pvalue)
    return p


def paired_difference(a: ArrayLike, b: ArrayLike, confidence: float = CONFIDENCE) -> PairedDiff:
    """Paired comparison of ``b`` against ``a`` (same seeds, same order): the per-seed
    differences ``b - a`` with mean, t confidence interval, paired t-test p, Wilcoxon
    signed-rank p (``n >= 6``) and Cohen's d_z. Pairs with a NaN on either side are dropped.
    """
    av = np.asarray(a, dtype=np.float64).ravel()
    bv = np.asarray(b, dtype=np.float64).ravel()
    if av.shape != bv.shape:
        raise ValueError(f"paired samples differ in length: {len(av)} and {len(bv)}")
    keep = ~(np.isnan(av) | np.isnan(bv))
    with np.errstate(invalid="ignore", over="ignore"):
        d = bv[keep] - av[keep]
    ci = mean_ci(d, confidence)
    return PairedDiff(
        n=ci.n,
        mean=ci.mean,
        low=ci.low,
        high=ci.high,
        p_t=paired_t_pvalue(d),
        p_wilcoxon=wilcoxon_pvalue(d),
        d_z=cohens_dz(d),
    )


def verdict(low: float, high: float, n: int | None = None) -> str:
    """The word on a difference with 95% CI ``[low, high]``: ``higher`` or ``lower`` when the CI
    excludes 0, ``no difference shown`` when it contains 0, ``n/a`` without a CI; a CI of zero
    width (every one of the ``n`` seeds gave the same difference, e.g. whole-day medians over
    few seeds) is no interval at all, and is said to be no verdict."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return "n/a"
    if low == high:
        return f"no spread over {n} seeds: not a verdict" if n is not None else "no spread: not a verdict"
    return "higher" if low > 0 else "lower" if high < 0 else "no difference shown"
