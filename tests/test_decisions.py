"""Decision views of ``govsim report`` (sim.analysis.decisions): the district analyst's question
answered from a sweep, with no pandas: which mechanism or pair buys the largest drop in days per
extra grid-worker hour, what it does to trust, and how that changes with the number of grid workers."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.analysis import methods as analysis
from sim.analysis.decisions import decide, fieller
from sim.analysis.stats import mean_ci
from sim.cli import main
from sim.sweep.engine import run_experiment
from sim.sweep.executors import serial_executor
from sim.sweep.experiment import Experiment
from sim.sweep.store import read_runs
from tests.tables import rows

ROOT = Path(__file__).resolve().parents[1]
BASE = str(ROOT / "scenarios" / "community_system.yaml")
OUTCOMES = ["resolution_days_rmst", "resolution_days_median", "resolution_rate", "trust_mean", "participation_rate", "trust_gap_gig",
            "used_grid_workers", "used_community_staff"]
STAFF = "capacity.households_per_grid_worker"


@pytest.fixture(scope="module")
def analyst(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("analyst") / "sweep"
    exp = Experiment.build([BASE], name="analyst", set={"population.residents": 600, "days": 30, "warmup_days": 30},
                           factors={"mechanisms.emotional_outreach.enabled": [False, True],
                                    "mechanisms.service_closed_loop.enabled": [False, True], STAFF: [100, 300]},
                           replications=3, outcomes=OUTCOMES)
    run_experiment(exp, out, executor=serial_executor)
    assert main(["report", str(out), "--per", "grid_workers", "--formats", "png"]) == 0
    return out


def test_the_answer_comes_first_in_report_md(analyst: Path) -> None:
    text = (analyst / "report" / "report.md").read_text()
    assert text.index("## Answer") < text.index("## Files")
    answer = text[text.index("## Answer"): text.index("## Files")]
    assert "per unit of hours of grid workers" in answer or "not shown to differ" in answer
    ranking = rows(analyst / "report" / "ranking.csv")
    helped = [r for r in ranking if r["verdict"] == "lower" and r["per_cost_low"] and float(r["cost_diff"]) > 0]
    if helped:  # the cheapest drop in days per extra hour is named
        cheapest = min(helped, key=lambda r: float(r["per_cost"]))
        assert f"**Most per unit of cost:** {cheapest['option']}:" in answer
    assert "**Best:**" in answer and f"(`{STAFF}`):**" in answer and "mean trust" in answer
    options = {r["option"] for r in rows(analyst / "report" / "ranking.csv")}
    assert options == {"community_system +emotional_outreach", "community_system +service_closed_loop",
                       "community_system +emotional_outreach +service_closed_loop"}
    for name in ("cost_effect", f"interaction_{STAFF}"):
        assert (analyst / "report" / f"{name}.png").read_bytes()[:4] == b"\x89PNG"


def test_effects_by_context_and_pooled(analyst: Path) -> None:
    effects = rows(analyst / "report" / "decision_effects.csv")
    contexts = {r["context"] for r in effects}
    assert contexts == {"all", f"{STAFF}=100", f"{STAFF}=300"}
    n = {(r["option"], r["context"], r["outcome"]): int(r["n"]) for r in effects}
    assert n[("community_system +service_closed_loop", "all", "trust_mean")] == 2 * 3  # staffing levels × seeds
    assert n[("community_system +service_closed_loop", f"{STAFF}=100", "trust_mean")] == 3
    for r in effects:
        if r["per_cost_low"] and r["per_cost"]:
            assert float(r["per_cost_low"]) <= float(r["per_cost"]) <= float(r["per_cost_high"])
        if r["note"].startswith("cost not shown"):
            assert float(r["cost_low"]) <= 0 <= float(r["cost_high"]) and not r["per_cost_low"]


def test_the_ranking_is_best_first(analyst: Path) -> None:
    ranking = [float(r["diff"]) for r in rows(analyst / "report" / "ranking.csv")]
    assert ranking == sorted(ranking)  # restricted mean days: lower is better
    cols = analysis.columns(read_runs(analyst))
    factors = ["mechanisms.emotional_outreach.enabled", "mechanisms.service_closed_loop.enabled", STAFF]
    for outcome in ("trust_mean", "resolution_rate"):
        d = decide(cols, factors, outcome=outcome, per="grid_workers")
        diffs = [r["diff"] for r in d.ranking]
        assert diffs == sorted(diffs, reverse=True)  # higher is better


def test_bad_options_are_one_line(analyst: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(analyst), "--rank-by", "trust_men", "--formats", "png"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "did you mean 'trust_mean'" in err
    assert main(["report", str(analyst), "--per", "departments", "--formats", "png"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "used_departments" in err and "grid_workers" in err


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-5, 5), min_size=3, max_size=12), st.floats(0.5, 4), st.floats(-3, 3).filter(lambda k: abs(k) > 0.1))
def test_fieller_with_a_fixed_cost_is_the_mean_interval_scaled(a: list[float], c: float, k: float) -> None:
    a_ = np.asarray(a)
    ratio, lo, hi, note = fieller(a_, np.full(len(a_), c))
    ci = mean_ci(a_)
    assert not note and math.isclose(ratio, a_.mean() / c, abs_tol=1e-9)
    if math.isfinite(ci.low):
        assert math.isclose(lo, ci.low / c, abs_tol=1e-6) and math.isclose(hi, ci.high / c, abs_tol=1e-6)
        r2, lo2, hi2, _ = fieller(k * a_, np.full(len(a_), c))  # the interval scales with the effect
        assert math.isclose(min(lo2, hi2), min(k * lo, k * hi), abs_tol=1e-6)


def test_fieller_refuses_a_cost_that_may_be_zero() -> None:
    ratio, lo, hi, note = fieller(np.array([1.0, 2.0, 3.0]), np.array([-1.0, 0.5, 1.0]))
    assert math.isnan(lo) and math.isnan(hi) and "contains 0" in note


def test_a_zero_width_interval_is_not_a_verdict() -> None:
    cols = {"scenario": np.array(["a"] * 3 + ["b"] * 3, dtype=object), "seed": np.array([0, 1, 2] * 2),
            "point": np.zeros(6, int), "resolution_days_median": np.array([5.0, 6.0, 7.0, 4.0, 5.0, 6.0]),
            "used_grid_workers": np.array([1.0, 1.1, 0.9, 2.0, 2.2, 1.9])}
    d = decide(cols, [], outcome="resolution_days_median", per="grid_workers")
    assert d.ranking[0]["verdict"].startswith("no spread") and d.warnings


def test_the_paired_effects_and_the_decision_views_give_one_verdict() -> None:
    """One rule for the word on an effect: the paired-effects table and the ranking agree."""
    cols = {"scenario": np.array(["a"] * 3 + ["b"] * 3, dtype=object), "seed": np.array([0, 1, 2] * 2),
            "point": np.zeros(6, int), "resolution_days_median": np.array([5.0, 6.0, 7.0, 4.0, 5.0, 6.0]),
            "trust_mean": np.array([0.5, 0.6, 0.4, 0.7, 0.75, 0.62]),
            "used_grid_workers": np.array([1.0, 1.1, 0.9, 2.0, 2.2, 1.9])}
    d = decide(cols, [], outcome="resolution_days_median", per="grid_workers")
    paired = {r["outcome"]: r["verdict"] for r in analysis.paired_effects(cols, ["resolution_days_median", "trust_mean"], [],
                                                                          factorial=False)}
    assert paired["resolution_days_median"] == d.ranking[0]["verdict"] == "no spread over 3 seeds: not a verdict"
    assert paired["trust_mean"] == d.ranking[0]["trust_mean_verdict"] == "higher"


def test_prim_treats_mechanism_switches_as_levers(analyst: Path, tmp_path: Path) -> None:
    assert main(["report", str(analyst), "--out", str(tmp_path), "--formats", "png",
                 "--discover", "participation_rate>=0.0"]) == 0
    limits = {r["factor"]: r for r in rows(tmp_path / "discovery_participation_rate.csv")}
    switch = limits["mechanisms.service_closed_loop.enabled"]
    assert switch["min"] in ("off", "on") and switch["max"] in ("off", "on") and switch["note"].startswith("switch:")
    assert float(limits[STAFF]["min"]) >= 100


def _two_options(n_seeds: int) -> dict[str, np.ndarray]:
    """Runs of a reference and one option over ``n_seeds`` seeds, the option clearly better."""
    rng = np.random.default_rng(5)
    days = rng.normal(20, 2, n_seeds)
    return {"scenario": np.array(["a"] * n_seeds + ["b"] * n_seeds, dtype=object), "seed": np.tile(np.arange(n_seeds), 2),
            "point": np.zeros(2 * n_seeds, int), "resolution_days_rmst": np.concatenate([days, days - 5 + rng.normal(0, 0.1, n_seeds)]),
            "trust_mean": np.concatenate([np.full(n_seeds, 0.5), 0.6 + rng.normal(0, 0.01, n_seeds)]),
            "used_grid_workers": np.concatenate([np.ones(n_seeds), 2 + rng.normal(0, 0.05, n_seeds)])}


def test_an_incomplete_sweep_gets_no_verdict_in_any_view() -> None:
    cols = _two_options(4)
    whole = decide(cols, [], outcome="resolution_days_rmst", per="grid_workers", planned=8)
    assert whole.ranking[0]["verdict"] == "lower" and whole.ranking[0]["trust_mean_verdict"] == "higher"
    part = decide(cols, [], outcome="resolution_days_rmst", per="grid_workers", planned=10)
    said = [r["verdict"] for r in part.effects] + [v for r in part.ranking for k, v in r.items() if k.endswith("verdict")]
    assert len(said) == len(part.effects) + 2 and set(said) == {"none: 8 of 10 planned runs stored"}
    assert [r["diff"] for r in part.ranking] == [r["diff"] for r in whole.ranking]  # the effects are still shown


def test_the_report_of_an_interrupted_sweep_has_no_verdict_on_its_options(tmp_path: Path) -> None:
    exp = Experiment.build([BASE, {"file": BASE, "name": "outreach", "set": {"mechanisms.emotional_outreach.enabled": True}}],
                           name="cut", set={"population.residents": 150, "days": 30, "warmup_days": 10}, replications=3,
                           outcomes=["resolution_days_rmst", "trust_mean", "used_grid_workers"])
    done = []

    def stopping(jobs):  # noqa: ANN001, ANN202 - five runs of six, then interrupted like Ctrl-C
        for record in serial_executor(jobs):
            if len(done) == 5:
                raise KeyboardInterrupt
            done.append(record.key)
            yield record

    with pytest.raises(KeyboardInterrupt):
        run_experiment(exp, tmp_path / "cut", executor=stopping)
    assert main(["report", str(tmp_path / "cut"), "--formats", "png"]) == 0
    ranking = rows(tmp_path / "cut" / "report" / "ranking.csv")
    assert ranking and all(int(r["n"]) == 2 for r in ranking)
    assert {r["verdict"] for r in ranking} == {r["trust_mean_verdict"] for r in ranking} == {
        "none: 5 of 6 planned runs stored"}
    answer = (tmp_path / "cut" / "report" / "report.md").read_text(encoding="utf-8").split("## Files")[0]
    assert "mean trust: none: 5 of 6 planned runs stored" in answer
