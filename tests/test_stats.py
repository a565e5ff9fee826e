"""Tests of sim.analysis.stats: intervals and paired tests against scipy and known values, and properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps

from sim.analysis.stats import (
    cohens_dz,
    mean_ci,
    mean_ci_rows,
    paired_difference,
    paired_t_pvalue,
    wilcoxon_pvalue,
)

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
samples = st.lists(finite, min_size=2, max_size=30)


def paired(min_size: int = 2, max_size: int = 30) -> st.SearchStrategy[tuple[list[float], list[float]]]:
    return st.integers(min_size, max_size).flatmap(
        lambda n: st.tuples(st.lists(finite, min_size=n, max_size=n), st.lists(finite, min_size=n, max_size=n)))


# --------------------------------------------------------------------------- known values and scipy


def test_mean_ci_known_value() -> None:
    ci = mean_ci([1, 2, 3, 4, 5])
    # t_{0.975, 4} = 2.776445, sd = sqrt(2.5), n = 5
    half = 2.7764451051977987 * math.sqrt(2.5) / math.sqrt(5)
    assert ci.n == 5
    assert ci.mean == 3.0
    assert ci.low == pytest.approx(3 - half, rel=1e-12)
    assert ci.high == pytest.approx(3 + half, rel=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_mean_ci_matches_scipy(seed: int) -> None:
    x = np.random.default_rng(seed).normal(2.0, 3.0, size=4 + seed * 5)
    low, high = sps.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=sps.sem(x))
    ci = mean_ci(x)
    assert ci.mean == pytest.approx(x.mean())
    assert ci.low == pytest.approx(low, rel=1e-10)
    assert ci.high == pytest.approx(high, rel=1e-10)
    wide = mean_ci(x, confidence=0.99)
    assert wide.low < ci.low and wide.high > ci.high


def test_mean_ci_degenerate() -> None:
    empty = mean_ci([])
    assert empty.n == 0 and all(math.isnan(v) for v in (empty.mean, empty.low, empty.high))
    one = mean_ci([4.0])
    assert one.n == 1 and one.mean == 4.0 and math.isnan(one.low) and math.isnan(one.high)
    same = mean_ci([0.1, 0.1, 0.1])
    assert (same.mean, same.low, same.high) == (0.1, 0.1, 0.1)
    with_nan = mean_ci([1.0, np.nan, 3.0])
    assert with_nan.n == 2 and with_nan.mean == 2.0


@pytest.mark.parametrize("seed", range(5))
def test_paired_difference_matches_scipy(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 6 + 3 * seed
    a = rng.normal(0, 1, n)
    b = a + rng.normal(0.3, 0.5, n)
    d = paired_difference(a, b)
    assert d.n == n
    assert d.mean == pytest.approx(np.mean(b - a))
    assert d.p_t == pytest.approx(sps.ttest_rel(b, a).pvalue, rel=1e-9)
    assert d.p_wilcoxon == pytest.approx(sps.wilcoxon(b - a).pvalue, rel=1e-9)
    assert d.d_z == pytest.approx(np.mean(b - a) / np.std(b - a, ddof=1))
    low, high = sps.t.interval(0.95, n - 1, loc=np.mean(b - a), scale=sps.sem(b - a))
    assert (d.low, d.high) == (pytest.approx(low), pytest.approx(high))


def test_cohens_dz_known_value() -> None:
    assert cohens_dz([1.0, 2.0, 3.0]) == pytest.approx(2.0)
    assert cohens_dz([-1.0, -2.0, -3.0]) == pytest.approx(-2.0)


def test_wilcoxon_only_from_six_pairs() -> None:
    a = np.arange(5.0)
    assert math.isnan(paired_difference(a, a + [1, 2, -1, 3, 4]).p_wilcoxon)
    assert not math.isnan(paired_difference(np.arange(6.0), np.arange(6.0) + [1, 2, -1, 3, 4, 5]).p_wilcoxon)


def test_all_zero_differences() -> None:
    a = np.array([0.3, 1.2, 5.0, 2.0, 7.5, 1.1, 0.0])
    d = paired_difference(a, a.copy())
    assert (d.n, d.mean, d.low, d.high, d.p_t, d.p_wilcoxon, d.d_z) == (7, 0.0, 0.0, 0.0, 1.0, 1.0, 0.0)
    assert wilcoxon_pvalue(np.zeros(10)) == 1.0
    assert paired_t_pvalue(np.zeros(3)) == 1.0


def test_constant_nonzero_differences_are_inf_safe() -> None:
    a = np.arange(8.0)
    up = paired_difference(a, a + 2.0)
    assert up.d_z == math.inf and up.p_t == 0.0 and up.low == up.high == up.mean == 2.0
    assert 0.0 < up.p_wilcoxon < 0.05
    down = paired_difference(a, a - 2.0)
    assert down.d_z == -math.inf and down.p_t == 0.0


def test_nan_pairs_are_dropped() -> None:
    a = [1.0, 2.0, np.nan, 4.0, 5.0]
    b = [2.0, 2.5, 3.0, np.nan, 7.0]
    d = paired_difference(a, b)
    assert d.n == 3
    assert d.mean == pytest.approx(np.mean([1.0, 0.5, 2.0]))


def test_short_and_mismatched() -> None:
    one = paired_difference([1.0], [2.0])
    assert one.n == 1 and one.mean == 1.0
    assert all(math.isnan(v) for v in (one.low, one.high, one.p_t, one.p_wilcoxon, one.d_z))
    with pytest.raises(ValueError):
        paired_difference([1.0, 2.0], [1.0])


def test_mean_ci_rows_matches_mean_ci() -> None:
    rng = np.random.default_rng(3)
    m = rng.normal(size=(5, 7))
    m[0, 2] = np.nan
    m[:, 4] = np.nan
    m[1:, 5] = np.nan
    m[:, 6] = 0.25
    mean, low, high = mean_ci_rows(m)
    for j in range(m.shape[1]):
        ci = mean_ci(m[:, j])
        np.testing.assert_allclose([mean[j], low[j], high[j]], [ci.mean, ci.low, ci.high], rtol=1e-12, equal_nan=True)
    with pytest.raises(ValueError):
        mean_ci_rows(np.zeros(3))


# --------------------------------------------------------------------------- properties


@given(samples)
def test_ci_contains_the_mean(x: list[float]) -> None:
    ci = mean_ci(x)
    assert ci.low <= ci.mean <= ci.high
    assert min(x) <= ci.mean <= max(x)


@given(samples)
def test_identical_samples_differ_by_zero(x: list[float]) -> None:
    d = paired_difference(x, list(x))
    assert (d.mean, d.low, d.high, d.d_z, d.p_t) == (0.0, 0.0, 0.0, 0.0, 1.0)
    assert d.p_wilcoxon == 1.0 or (len(x) < 6 and math.isnan(d.p_wilcoxon))


@settings(max_examples=200)
@given(paired())
def test_swapping_flips_the_sign(ab: tuple[list[float], list[float]]) -> None:
    a, b = ab
    fwd, back = paired_difference(a, b), paired_difference(b, a)
    assert back.n == fwd.n
    assert back.mean == -fwd.mean
    assert (back.low, back.high) == (-fwd.high, -fwd.low)
    assert back.d_z == -fwd.d_z or (fwd.d_z == 0 and back.d_z == 0)
    assert back.p_t == pytest.approx(fwd.p_t, rel=1e-9, abs=1e-15)
    if math.isnan(fwd.p_wilcoxon):
        assert math.isnan(back.p_wilcoxon)
    else:
        assert back.p_wilcoxon == pytest.approx(fwd.p_wilcoxon, rel=1e-9)


@given(paired(min_size=2, max_size=20))
def test_paired_ci_contains_mean_and_p_in_unit_interval(ab: tuple[list[float], list[float]]) -> None:
    d = paired_difference(*ab)
    assert d.low <= d.mean <= d.high
    assert 0.0 <= d.p_t <= 1.0
    assert math.isnan(d.p_wilcoxon) or 0.0 <= d.p_wilcoxon <= 1.0
    assert not math.isnan(d.d_z)
