"""The article's expectations (spec §6) emerge from the rules: paired tests over fixed seeds.

Small populations keep CI fast; fixed seeds keep it deterministic. The experiments are
defined once in ``experiments/expectations.py`` (run it for paper-scale numbers).
"""

from __future__ import annotations

import numpy as np
import pytest

from experiments.expectations import (
    EXPECTATIONS,
    LEVELS,
    daily_final,
    evaluate,
    resolution_rate,
    run_all,
    variant_key,
)

SEEDS = range(10)
RESIDENTS = 3000
DAYS = 365


@pytest.fixture(scope="module")
def table():  # noqa: ANN201
    return run_all(EXPECTATIONS, seeds=SEEDS, residents=RESIDENTS, days=DAYS, workers=2)


@pytest.mark.slow
@pytest.mark.parametrize("exp", EXPECTATIONS, ids=[f"{e.number}: {e.claim}" for e in EXPECTATIONS])
def test_expectation(exp, table) -> None:  # noqa: ANN001
    for outcome in evaluate(exp, table, seeds=SEEDS):
        d = outcome.diff
        assert outcome.holds, (
            f"{exp.number} {outcome.check.measure.__name__}: {outcome.check.a} -> {outcome.check.b}: "
            f"diff {d.mean:+.4g} [{d.low:+.4g}, {d.high:+.4g}], p={d.p_t:.3g}, d_z={d.d_z:+.2f}")


@pytest.mark.slow
@pytest.mark.parametrize("measure", [resolution_rate, daily_final("participation_rate", 90), daily_final("efficacy_mean", 90)],
                         ids=lambda m: m.__name__)
def test_leadership_optimum_is_interior(table, measure) -> None:  # noqa: ANN001
    """Over the intensity grid, resolution, participation and efficacy peak strictly inside (0, 1)."""
    exp = next(e for e in EXPECTATIONS if e.number == "5")
    means = [np.mean([table[variant_key(exp.variants[f"level_{lvl:g}"], s)][measure] for s in SEEDS]) for lvl in LEVELS]
    best = int(np.argmax(means))
    assert 0 < best < len(LEVELS) - 1, dict(zip(LEVELS, means))
