"""Steady state: after its warm-up the baseline is at rest, and a reform moves the street to
a new equilibrium inside the outcomes' ranges (the ODD, section 7.9; experiments/convergence.py
chose the warm-up).

Four-year runs of the scenario library's community system and party-led regime at test
scale (3,000 residents), six paired seeds.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest

from sim.analysis.stats import paired_difference
from sim.outcomes.registry import HEADLINE, REGISTRY
from sim.run import run
from sim.scenario.loading import load_scenario

ROOT = Path(__file__).resolve().parents[1]
SEEDS = range(6)
YEAR = 365


@lru_cache(maxsize=32)
def series(scenario: str, seed: int) -> dict[str, np.ndarray]:
    cfg = load_scenario(ROOT / "scenarios" / scenario, overrides={"seed": seed, "days": 4 * YEAR,
                                                                 "population.residents": 3000})
    r = run(cfg)
    return {o: np.asarray(r.daily.column(o), dtype=np.float64) for o in HEADLINE}


def yearly(scenario: str, outcome: str, year: int) -> np.ndarray:
    """Per seed: the outcome's mean over year ``year`` (1-based) of the run."""
    return np.array([np.nanmean(series(scenario, s)[outcome][(year - 1) * YEAR: year * YEAR]) for s in SEEDS])


def test_the_library_warms_up() -> None:
    assert load_scenario(ROOT / "scenarios" / "community_system.yaml").warmup_days > 0
    assert load_scenario(ROOT / "scenarios" / "party_led_full.yaml").warmup_days > 0


@pytest.mark.slow
@pytest.mark.parametrize("outcome", HEADLINE)
def test_baseline_is_stationary(outcome: str) -> None:
    """Between years 2 and 4 every headline outcome changes by no more than the
    seed-to-seed noise (the standard deviation of its year-4 means across seeds)."""
    y2, y4 = yearly("community_system.yaml", outcome, 2), yearly("community_system.yaml", outcome, 4)
    change, noise = float(np.mean(y4 - y2)), float(np.std(y4, ddof=1))
    assert abs(change) <= max(noise, 1e-12), f"{outcome}: year 2 {y2.mean():.4g}, year 4 {y4.mean():.4g}, noise {noise:.3g}"


#: The most the seed-mean of a state may move between any two years after the warm-up (issue 15,
#: "steady state": 0.02 in mean trust, 0.03 in participation and efficacy).
DRIFT = {"trust_mean": 0.02, "participation_rate": 0.03, "efficacy_mean": 0.03}


@pytest.mark.slow
@pytest.mark.parametrize("outcome", sorted(DRIFT))
def test_baseline_drifts_less_than_the_bound_between_any_two_years(outcome: str) -> None:
    means = [float(yearly("community_system.yaml", outcome, y).mean()) for y in range(1, 5)]
    assert max(means) - min(means) <= DRIFT[outcome], f"{outcome}: yearly means {[round(m, 4) for m in means]}"


#: Outcomes bounded to [0, 1]; the others are non-negative counts or days (or a gap in [-1, 1]).
_BOUNDED = {"share", "0–1 scale"}


@pytest.mark.slow
@pytest.mark.parametrize("outcome", HEADLINE)
def test_party_led_regime_converges_inside_the_range(outcome: str) -> None:
    """After the reform, each headline outcome settles: its change over year 4 (the last 90
    days against the last 90 of year 3) is under a quarter of its change over year 1 (the
    last 90 days of year 1 against the first 30 after the reform), or no different from zero
    at the 95% level; and it settles strictly inside its range."""
    runs = [series("party_led_full.yaml", s)[outcome] for s in SEEDS]

    def window(start: int, end: int) -> np.ndarray:
        return np.array([np.nanmean(x[start:end]) for x in runs])

    d1 = window(YEAR - 90, YEAR) - window(0, 30)
    d4 = window(4 * YEAR - 90, 4 * YEAR) - window(3 * YEAR - 90, 3 * YEAR)
    diff = paired_difference(np.zeros_like(d4), d4)
    change_1, change_4 = float(np.mean(d1)), float(np.mean(d4))
    assert abs(change_4) <= 0.25 * abs(change_1) or diff.low <= 0 <= diff.high, (
        f"{outcome}: year 1 change {change_1:+.4g}, year 4 change {change_4:+.4g} [{diff.low:+.4g}, {diff.high:+.4g}]")
    final = float(np.mean(window(4 * YEAR - 90, 4 * YEAR)))
    unit = REGISTRY[outcome].unit
    if unit in _BOUNDED:
        assert 0 < final < 1, (outcome, final)
    elif outcome.startswith(("trust_gap", "participation_gap")):
        assert -1 < final < 1, (outcome, final)
    elif outcome == "satisfaction":  # performance − expectation: performance in [-penalty, 1], expectation in [0, 1]
        assert -1 - load_scenario(ROOT / "scenarios" / "party_led_full.yaml").behaviour.betrayal_penalty < final < 1
    else:
        assert final > 0, (outcome, final)
