"""Experiment files (sim.sweep.experiment): one-line errors, designs, lazy points."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.cli import main
from sim.errors import ScenarioError
from sim.sweep.engine import Plan
from sim.sweep.experiment import MIN_SAMPLES, Experiment, design_matrix, design_points, load_experiment, point_lookup
from tests.strategies import factorial_factors, sampled_factors

ROOT = Path(__file__).resolve().parents[1]
BASE = str(ROOT / "scenarios" / "community_system.yaml")


def write(tmp_path: Path, text: str, name: str = "e.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def refused(tmp_path: Path, text: str) -> str:
    with pytest.raises(ScenarioError) as info:
        load_experiment(write(tmp_path, text))
    msg = str(info.value)
    assert "\n" not in msg
    return msg


HEAD = f"name: t\nscenarios: [{BASE}]\n"
BAD = {
    "unknown_key": (HEAD + "replicatoins: 3\n", "line 3: unknown key 'replicatoins': did you mean 'replications'?"),
    "factor_key": (HEAD + "factors:\n  capacity.routing_accuracyy: [0.5]\n",
                   "line 4: factors.capacity.routing_accuracyy: unknown key 'capacity.routing_accuracyy'"),
    "factor_value": (HEAD + "factors:\n  capacity.routing_accuracy: [0.5, 1.5]\n", "line 4: factors.capacity.routing_accuracy"),
    "set_value": (HEAD + "set: {population.residents: -4}\n", "line 3: set: population.residents = -4: must be >= 10"),
    "outcome": (HEAD + "outcomes: [trust_men]\n", "outcomes[0]: unknown outcome 'trust_men'; did you mean 'trust_mean'?"),
    "list_in_lhs": (HEAD + "factors: {capacity.routing_accuracy: [0.1]}\ndesign: {method: lhs, samples: 4}\n",
                    "the lhs design needs {low: ..., high: ...}"),
    "no_samples": (HEAD + "factors: {capacity.routing_accuracy: {low: 0.1, high: 0.9}}\ndesign: {method: sobol}\n",
                   "design.samples is required for the sobol design"),
    "low_high": (HEAD + "factors: {capacity.routing_accuracy: {low: 0.9, high: 0.1}}\ndesign: {method: lhs, samples: 4}\n",
                 "low (0.9) must be below high (0.1)"),
    "seed_factor": (HEAD + "factors: {seed: [1, 2]}\n", "'seed' is set by replications"),
    "yaml11": (HEAD + "replications: 010\n", "octal number 8; write the decimal number 10"),
    "missing_scenario": ("name: t\nscenarios: [nope.yaml]\n", "scenarios[0]: file not found"),
    "text_range": (HEAD + "factors: {name: {low: 1, high: 2}}\ndesign: {method: lhs, samples: 2}\n", "factor 'name' is not a number"),
    "method": (HEAD + "design: {method: sobl}\n", "must be one of factorial, lhs, sobol, morris, points; did you mean 'sobol'?"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_experiment_one_line(tmp_path: Path, case: str) -> None:
    text, needle = BAD[case]
    msg = refused(tmp_path, text)
    assert msg.startswith(str(tmp_path / "e.yaml")) and needle in msg, msg


def test_bad_experiment_through_the_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, HEAD + "factors:\n  capacity.routing_accuracy: [0.5, 1.5]\n")
    assert main(["sweep", str(path), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ") and "line 4" in err[0]
    assert not (tmp_path / "o").exists()


def test_validate_and_schema_for_experiments(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = sorted(str(p) for p in (ROOT / "experiments").glob("*.yaml") if p.name not in ("targets.yaml", "optimize.yaml"))
    assert files, "no shipped experiment files"
    assert main(["validate", "--experiment", *files]) == 0
    assert capsys.readouterr().out.count("ok: ") == len(files)
    assert main(["schema", "--experiment", "--out", str(tmp_path / "s.json")]) == 0
    assert "replications" in (tmp_path / "s.json").read_text()


def test_set_on_the_command_line_is_read_as_yaml(tmp_path: Path) -> None:
    exp = load_experiment(write(tmp_path, HEAD), sets={"population.residents": 500, "mechanisms.supervision.enabled": True})
    cfg = next(Plan(exp).jobs()).config
    assert cfg["population"]["residents"] == 500 and cfg["mechanisms"]["supervision"]["enabled"] is True


def test_relative_section_factors_follow_the_schema(tmp_path: Path) -> None:
    from sim.schema import BehaviourConfig

    exp = load_experiment(write(tmp_path, HEAD + "factors: {behaviour.*: {relative: 0.5}}\ndesign: {method: morris, samples: 2}\n"))
    names = set(exp.factor_names)
    assert "behaviour.trust_learning_rate" in names and "behaviour.trust_initial.gig" in names
    assert all(n.startswith("behaviour.") for n in names)
    assert len(names) >= len([f for f, i in BehaviourConfig.model_fields.items() if i.annotation in (int, float)])
    for _, r in exp.factors:
        assert r.low < r.high  # type: ignore[union-attr]


def test_variants_with_their_own_overrides(tmp_path: Path) -> None:
    text = (f"name: v\nscenarios:\n  - {BASE}\n  - {{file: {BASE}, name: strict, set: {{mechanisms.supervision.enabled: true}}}}\n"
            "replications: 1\n")
    exp = load_experiment(write(tmp_path, text))
    jobs = list(Plan(exp).jobs())
    assert [j.name for j in jobs] == ["community_system", "strict"]
    assert [j.config["mechanisms"]["supervision"]["enabled"] for j in jobs] == [False, True]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(factors=factorial_factors(), reps=st.integers(1, 3))
def test_factorial_design_is_the_full_cross_in_order(factors: dict, reps: int) -> None:
    exp = Experiment.build([BASE], factors=factors, replications=reps)
    points = list(design_points(exp))
    want = [dict(zip(factors, combo)) for combo in itertools.product(*factors.values())]
    assert points == want and exp.n_points == len(want) and exp.n_runs == len(want) * reps
    lookup = point_lookup(exp)
    assert [lookup(p) for p in range(len(points))] == points
    keys = [j.key for j in Plan(exp).jobs()]
    assert keys == sorted(keys) and len(keys) == exp.n_runs


@settings(max_examples=15, deadline=None)
@given(factors=sampled_factors(), method=st.sampled_from(["lhs", "sobol", "morris"]), samples=st.integers(2, 8),
       seed=st.integers(0, 1000))
def test_sampled_designs_stay_in_range_and_have_their_size(factors: dict, method: str, samples: int, seed: int) -> None:
    samples = max(samples, MIN_SAMPLES[method])
    exp = Experiment.build([BASE], factors=factors, design={"method": method, "samples": samples, "seed": seed}, replications=1)
    x = design_matrix(exp)
    k = len(factors)
    assert x.shape == (exp.n_points, k)
    assert exp.n_points == {"lhs": samples, "sobol": samples * (k + 2), "morris": samples * (k + 1)}[method]
    for j, (_, r) in enumerate(factors.items()):
        assert np.all((x[:, j] >= r["low"] - 1e-12) & (x[:, j] <= r["high"] + 1e-12))
    if method == "lhs":  # one sample in each of the n equal strata of every factor
        for j, (_, r) in enumerate(factors.items()):
            strata = np.floor((x[:, j] - r["low"]) / (r["high"] - r["low"]) * samples).clip(0, samples - 1)
            assert sorted(strata.tolist()) == list(range(samples))
    pts = list(design_points(exp))
    assert all(isinstance(p["capacity.retry_days"], int) for p in pts if "capacity.retry_days" in p)
    assert np.array_equal(design_matrix(exp), x)  # the same file gives the same design


def test_plan_is_lazy_and_states_its_size() -> None:
    exp = Experiment.build([BASE, {"file": BASE, "name": "again"}], replications=100_000_000)
    plan = Plan(exp)
    assert plan.size == 200_000_000 and "200,000,000 runs" in plan.describe()
    first = list(itertools.islice(plan.jobs(), 3))
    assert [j.key for j in first] == [(0, 0, 0), (0, 0, 1), (0, 0, 2)]
    assert math.isclose(len(first), 3)
