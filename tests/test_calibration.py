"""``govsim calibrate``: the CI budget runs end to end on the engine (prior draws in both
regimes, distance, acceptance, fit, calibrated scenario files), resumes without running again,
bad targets files end in one line, and the target arithmetic holds its invariants."""

from __future__ import annotations

import csv
import json
import math
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.calibration.targets import RESIDENT_KEYS, Target, load_targets, rms
from sim.cli import main
from sim.scenario.loading import load_scenario, scenario_dict
from tests.strategies import targets

ROOT = Path(__file__).resolve().parents[1]
TARGETS = ROOT / "experiments" / "targets.yaml"
#: The CI budget: a few draws of a small street with a short warm-up and a short year.
CI = ["--samples", "3", "--fit-seeds", "2", "--set", "population.residents=500", "--set", "warmup_days=30",
      "--set", "days=90", "--workers", "2", "--quiet"]


@pytest.fixture(scope="module")
def ci_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("calibration")
    assert main(["calibrate", str(TARGETS), "--out", str(out / "run"), *CI]) == 0
    return out / "run"


def test_ci_budget_runs_end_to_end(ci_run: Path) -> None:
    record = json.loads((ci_run / "calibration.json").read_text())
    spec = load_targets(TARGETS)
    assert spec.calibration is not None
    free = spec.calibration.free
    assert set(record["posterior"]) == set(free) == set(record["calibrated"])
    for key, p in record["posterior"].items():
        assert free[key].low <= p["q025"] <= p["median"] <= p["q975"] <= free[key].high
    draws = (ci_run / "draws.csv").read_text().splitlines()
    assert len(draws) == 1 + 3 and sum(line.endswith("true") for line in draws) == record["accepted"] == 2
    # every draw ran in both regimes through the engine, and the fit at the calibrated values
    for stage, runs in (("abc", 3), ("fit", 2)):
        for regime in spec.scenarios:
            lines = (ci_run / stage / regime / "journal.jsonl").read_text().splitlines()
            assert len(lines) == runs, (stage, regime)
    rows = {r["id"]: r for r in record["fit"]}
    assert set(rows) == {t.id for t in spec.targets}
    for t in spec.targets:
        r = rows[t.id]
        if t.use == "resource_anchor":
            assert r["status"].startswith("input")
        elif t.new_outcome:
            assert "not reachable" in r["status"] and r["within"] is None
        else:
            assert r["n"] == 2 and math.isfinite(r["mean"]) and r["within"] == t.within(r["mean"])
    assert record["code_fingerprint"] and record["wall_s"] > 0


def test_the_distance_ranks_the_draws(ci_run: Path) -> None:
    record = json.loads((ci_run / "calibration.json").read_text())
    spec = load_targets(TARGETS)
    fitted = [t for t in spec.targets if t.in_distance]
    with (ci_run / "draws.csv").open(encoding="utf-8") as f:
        draws = [{k: (v == "true" if k == "accepted" else float(v)) for k, v in row.items()} for row in csv.DictReader(f)]
    for d in draws:
        z = np.array([t.z(d[t.id]) for t in fitted])
        assert d["distance"] == pytest.approx(float(rms(z)), rel=1e-4)
    accepted = sorted(d["distance"] for d in draws if d["accepted"])
    rejected = [d["distance"] for d in draws if not d["accepted"]]
    assert all(a <= r for a in accepted for r in rejected)
    assert record["distance_threshold"] == pytest.approx(accepted[-1], rel=1e-4)


def test_the_same_command_resumes_without_running_again(ci_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    before = json.loads((ci_run / "calibration.json").read_text())
    copy = tmp_path / "run"
    shutil.copytree(ci_run, copy)
    assert main(["calibrate", str(TARGETS), "--out", str(copy), *CI]) == 0
    after = json.loads((copy / "calibration.json").read_text())
    assert after["calibrated"] == before["calibrated"] and after["fit"] == before["fit"]
    for regime in ("community_system", "party_led_full"):
        manifest = json.loads((copy / "abc" / regime / "manifest.json").read_text())
        assert manifest["sessions"][-1]["ran"] == 0


def test_calibrated_scenarios_change_only_behaviour_and_validate(ci_run: Path, tmp_path: Path) -> None:
    from sim.calibration.abc import write_scenarios

    spec = load_targets(TARGETS)
    values = json.loads((ci_run / "calibration.json").read_text())["calibrated"]
    files = write_scenarios(spec, values, tmp_path / "calibrated", header="a test\nof the header")
    for path, regime in zip(files, spec.scenarios):
        assert path.read_text().startswith("# a test\n# of the header\n")
        assert main(["validate", str(path)]) == 0
        cfg, base = load_scenario(path), load_scenario(spec.scenarios[regime])
        for key, v in values.items():
            node = cfg
            for part in key.split("."):
                node = getattr(node, part)
            assert node == pytest.approx(v)
        # a value inside a group mapping leaves the other groups at the regime's own values
        mine_dump, base_dump = cfg.model_dump(), base.model_dump()
        for key in values:
            *parents, leaf = key.split(".")
            if len(parents) > 1:
                a, b = mine_dump, base_dump
                for part in parents:
                    a, b = a[part], b[part]
                assert {k: x for k, x in a.items() if k != leaf} == {k: x for k, x in b.items() if k != leaf}
        mine, theirs = scenario_dict(path), scenario_dict(spec.scenarios[regime])
        changed = {k for k in mine if mine[k] != theirs.get(k)} - {"name", "description"}
        assert changed <= {"behaviour", "issues"}
        assert cfg.mechanisms == base.mechanisms and cfg.capacity == base.capacity


_FIRST_FREE = r"(\n  free:\n    )[^\n]+"


@pytest.mark.parametrize(("pattern", "replacement", "message"), [
    (_FIRST_FREE, r"\1capacity.routing_accuracy: {low: 0.5, high: 0.9}",
     r"calibration\.free: 'capacity\.routing_accuracy' is not a behavioural parameter"),
    (_FIRST_FREE, r"\1behaviour.trust_sd: {low: 0.2, high: 0.1}",
     r"calibration\.free\.behaviour\.trust_sd.*low \(0\.2\) must be below high"),
    (_FIRST_FREE, r"\1behaviour.trust_sd: {low: 0.01, high: 1.5}", r"behaviour\.trust_sd = 1\.5: must be <= 1"),
    (r"maps_to: closure_rate\n", "maps_to: closure_rat\n", r"unknown outcome 'closure_rat'; did you mean 'closure_rate'\?"),
    (r"\n  samples: ", "\n  sampels: ", r"unknown key 'calibration\.sampels'"),
])
def test_bad_targets_files_end_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture, pattern: str, replacement: str,
                                           message: str) -> None:
    text = TARGETS.read_text(encoding="utf-8")
    changed = re.sub(pattern, replacement, text, count=1)
    assert changed != text
    bad = tmp_path / "experiments" / "targets.yaml"
    bad.parent.mkdir()
    bad.write_text(changed, encoding="utf-8")
    shutil.copytree(ROOT / "scenarios", tmp_path / "scenarios")
    assert main(["calibrate", str(bad), "--out", str(tmp_path / "out"), *CI]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"error: {bad}, line "), err
    assert re.search(message, err), err
    assert not (tmp_path / "out").exists()


def test_only_residents_behaviour_is_free() -> None:
    spec = load_targets(TARGETS)
    assert spec.calibration is not None
    assert all(k.startswith("behaviour.") or k in RESIDENT_KEYS for k in spec.calibration.free)
    assert not any(k.startswith(("mechanisms.", "capacity.")) for k in spec.calibration.set)


@given(targets(), st.floats(-2, 3, allow_nan=False))
def test_within_tolerance_is_a_z_of_at_most_one(entry: dict, x: float) -> None:
    t = Target.model_validate(entry)
    z = t.z(x)
    assert t.within(x) == (abs(z) <= 1 + 1e-9)
    if t.comparison == "at_least":
        assert z <= 0 or x > t.value
    if t.comparison == "at_most":
        assert z >= 0 or x < t.value


@given(st.lists(st.floats(-50, 50, allow_nan=False), min_size=1, max_size=12))
def test_the_distance_is_a_root_mean_square(z: list[float]) -> None:
    a = np.asarray(z)
    d = float(rms(a))
    assert d >= 0 and d <= np.max(np.abs(a)) + 1e-9 and d >= np.mean(np.abs(a)) - 1e-9
    assert float(rms(np.full(len(a), a[0]))) == pytest.approx(abs(a[0]))
