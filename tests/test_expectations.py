"""The article's expectations as three-arm experiments (experiments/expectations.py) at test
scale: 3,000 residents × 365 days × 10 paired seeds.

The verdict of every check is asserted as the model gives it, including the expectations
that do not hold once resources are finite and effects must be earned (the ODD, section 1.2,
reports and explains them): a change of any verdict fails here and must be explained there.
Every expectation's null variant must fail it: the effect vanishes without the rule.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from experiments.expectations import (  # noqa: E402
    EXPECTATIONS,
    LEADERSHIP_OUTCOMES,
    all_variants,
    evaluate,
    inverted_u,
    run_all,
)

SEEDS = 10
RESIDENTS, DAYS = 3000, 365

#: The model's verdict on each check at test scale (the ODD, section 1.2, explains each).
VERDICTS: dict[tuple[str, str], str] = {
    ("1", "resolution_days_cross_department"): "does not hold",
    ("2a", "self_report_delay_days"): "holds",
    ("2b", "participation_gap_gig"): "holds",
    ("3", "lift_resolution_rate"): "holds",
    ("4", "trust_mean"): "does not hold",
    ("4", "acquaintances_per_resident"): "holds",
    ("4", "participation_rate"): "does not hold",
    ("6a", "reassignments_per_issue"): "holds",
    ("6b", "false_closure_rate"): "does not hold",
    ("7", "trust_mean"): "holds",
    ("7", "resolution_days_median"): "holds",
}
#: Leadership outcomes with an interior peak under the rule (none may have one without it).
INTERIOR_PEAK: dict[str, bool] = {"resolution_rate": True, "participation_rate": True, "efficacy_mean": True,
                                  "trust_mean": False}


@pytest.fixture(scope="module")
def table(tmp_path_factory: pytest.TempPathFactory) -> dict:
    return run_all(all_variants(), seeds=SEEDS, residents=RESIDENTS, days=DAYS, out=tmp_path_factory.mktemp("exp"),
                   workers=1)


def test_every_check_has_a_recorded_verdict() -> None:
    assert {(e.number, c.outcome) for e in EXPECTATIONS for c in e.checks} == set(VERDICTS)
    assert set(INTERIOR_PEAK) == set(LEADERSHIP_OUTCOMES)


@pytest.mark.slow
@pytest.mark.parametrize("exp", EXPECTATIONS, ids=[f"{e.number}: {e.claim}" for e in EXPECTATIONS])
def test_expectation(exp, table) -> None:  # noqa: ANN001
    for r in evaluate(exp, table):
        d, n = r.effect, r.null_effect
        context = (f"{exp.number} {r.check.outcome}: mechanism − baseline {d.mean:+.4g} [{d.low:+.4g}, {d.high:+.4g}] "
                   f"p={d.p_t:.3g}; null − baseline {n.mean:+.4g} [{n.low:+.4g}, {n.high:+.4g}]")
        assert r.verdict == VERDICTS[(exp.number, r.check.outcome)], context
        if r.check.sign:  # the null variant never shows the expected effect
            assert not (n.mean * r.check.sign > 0 and n.p_t < 0.01), context


@pytest.mark.slow
def test_leadership_inverted_u_needs_its_rule(table) -> None:  # noqa: ANN001
    rule = {p.outcome: p for p in inverted_u(table, arm="rule")}
    null = inverted_u(table, arm="null")
    for outcome, expected in INTERIOR_PEAK.items():
        p = rule[outcome]
        assert p.interior_peak == expected, (outcome, p.peak, p.means, p.vs_low, p.vs_high)
    assert not any(p.interior_peak for p in null), [(p.outcome, p.means) for p in null]
