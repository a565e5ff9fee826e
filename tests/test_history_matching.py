"""History matching (``govsim calibrate --method history``): the emulator's leave-one-out
diagnostics on a smooth function, waves that shrink toward a known non-implausible region and
keep the truth, an impossible pair of targets found empty and named, and the tiny CI budget end
to end on the engine, resumed without running again."""

from __future__ import annotations

import json
import math
import re
import shutil
import time
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from sim.calibration.emulator import Figure, conflicts, fit_emulator, implausibility, pooled_variance
from sim.calibration.history import Settings, Space, history_match
from sim.calibration.targets import HANDLER_KEYS, load_targets
from sim.cli import main

ROOT = Path(__file__).resolve().parents[1]
TARGETS = ROOT / "experiments" / "targets.yaml"
#: The CI budget: two waves of eight points, two seeds, a small street, a short warm-up and year.
CI = ["--method", "history", "--waves", "2", "--points", "8", "--seeds", "2", "--candidates", "2000",
      "--set", "population.residents=400", "--set", "warmup_days=30", "--set", "days=90", "--workers", "1", "--quiet",
      "--no-posterior"]  # the posterior has its own tests (tests/test_posterior.py)
NOISE = 0.02


def _smooth(x: np.ndarray) -> np.ndarray:
    return np.sin(3 * x[:, 0]) + 0.5 * x[:, 1] ** 2


def _noisy(f, sd: float = NOISE):  # noqa: ANN001, ANN202
    """A stochastic model: ``f`` plus seed noise, the same numbers for the same wave."""
    def simulate(k: int, x: np.ndarray) -> dict[str, np.ndarray]:
        rng = np.random.default_rng(k)
        return {t: v[:, None] + rng.normal(0, sd, (len(x), 2)) for t, v in f(x).items()}
    return simulate


def test_the_emulator_is_sound_on_a_smooth_function() -> None:
    from scipy.stats import qmc
    from sklearn.gaussian_process import GaussianProcessRegressor

    rng = np.random.default_rng(3)
    x = qmc.LatinHypercube(d=3, seed=np.random.default_rng(0)).random(40)
    runs = _smooth(x)[:, None] + rng.normal(0, NOISE, (40, 3))
    em = fit_emulator(x, runs)
    assert em is not None
    var, df = pooled_variance(runs)
    assert df == 80 and em.seed_var == var and 0.5 * NOISE**2 < var < 2 * NOISE**2
    loo = em.loo()
    assert loo.r2 > 0.95 and loo.within2 >= 0.85
    assert np.abs(loo.std_errors).max() < 4
    # the closed form is the refit without the point, at the same hyperparameters
    i = 7
    keep = np.arange(40) != i
    refit = GaussianProcessRegressor(em.gp.kernel_, alpha=em.gp.alpha[keep], normalize_y=True, optimizer=None)
    refit.fit(x[keep], em.y[keep])
    assert loo.mean[i] == pytest.approx(float(refit.predict(x[i:i + 1])[0]), abs=0.02)
    # out of sample, the mean is close and the variance of the mean says how close
    test = rng.random((2000, 3))
    m, v = em.predict(test)
    err = m - _smooth(test)
    assert np.sqrt(np.mean(err**2)) < 0.05
    assert 0.85 < np.mean(np.abs(err) <= 2 * np.sqrt(v)) <= 1
    # the seed variance enters the implausibility once; the emulator's own variance excludes it
    assert np.all(v < em.run_var * 5)
    imp = implausibility(em, test[:5], value=0.5, other_var=0.0)
    assert np.allclose(imp, np.abs(0.5 - m[:5]) / np.sqrt(v[:5] + em.run_var))
    # deterministic for a fixed random_state
    again = fit_emulator(x, runs)
    assert again is not None and np.array_equal(again.predict(test)[0], m)


def test_waves_shrink_toward_a_known_region_and_keep_the_truth() -> None:
    space = Space(("a", "b", "c"), np.zeros(3), np.array([1.0, 2.0, 1.0]))

    def f(x: np.ndarray) -> dict[str, np.ndarray]:
        return {"f1": np.sin(2 * x[:, 0]) + 0.2 * x[:, 2], "f2": x[:, 1] ** 2 / 4 + 0.1 * x[:, 0]}

    truth = np.array([[0.4, 1.2, 0.5]])
    z = {t: float(v[0]) for t, v in f(truth).items()}
    figures = [Figure("f1", z["f1"], 0.005, 0.01), Figure("f2", z["f2"], 0.005, 0.01)]
    s = Settings(waves=4, points=20, seeds=2, candidates=5000, min_shrink=0.0)
    result = history_match(_noisy(f, 0.01), space, figures, s)
    shares = [w.share for w in result.waves]
    assert len(result.waves) >= 2 and all(a >= b for a, b in zip(shares, shares[1:])) and shares[-1] > 0
    from sim.calibration.history import _inside

    assert _inside(result.waves, figures, space.to_unit(truth), s)[0]
    # the true region: every figure within 3 SDs of the model's mean output (no emulator uncertainty)
    u = np.random.default_rng(9).random((200_000, 3))
    sd = {fig.id: math.sqrt(fig.other_var + 0.01**2) for fig in figures}
    true = np.all([np.abs(fig.value - f(space.from_unit(u))[fig.id]) / sd[fig.id] <= 3 for fig in figures], axis=0)
    assert 0.7 * true.mean() < shares[-1] < 2.0 * true.mean() and shares[0] >= shares[-1]
    x = space.from_unit(result.region)
    assert x[:, 0].min() > 0.25 and x[:, 0].max() < 0.6 and x[:, 1].min() > 1.0 and x[:, 1].max() < 1.4
    assert x[:, 2].max() - x[:, 2].min() > 0.5  # an input the figures hardly constrain stays wide


def _impossible(x: np.ndarray) -> dict[str, np.ndarray]:
    return {"high": x[:, 0], "low": x[:, 0], "free": x[:, 1]}


IMPOSSIBLE = [Figure("high", 0.9, 0.005, 0.02), Figure("low", 0.1, 0.005, 0.02), Figure("free", 0.5, 0.005, 0.1)]


def test_an_impossible_pair_gives_an_empty_space_and_is_named() -> None:
    space = Space(("a", "b"), np.zeros(2), np.ones(2))
    result = history_match(_noisy(_impossible), space, IMPOSSIBLE, Settings(waves=3, points=16, candidates=4000))
    assert result.empty and len(result.waves) == 1 and "empty" in result.stopped
    c = result.waves[0].conflicts
    assert c["conflicting_pairs"] == [["high", "low"]] and c["unreachable"] == [] and c["all_jointly"] == 0
    assert c["targets"]["free"]["nonimplausible_alone"] > 0.5
    assert c["rules_out_most"] in ("high", "low")
    # the second maximum forgives one target: the space is then not empty
    forgiving = history_match(_noisy(_impossible), space, IMPOSSIBLE,
                              Settings(waves=1, points=16, candidates=4000, rank="second"))
    assert not forgiving.empty and forgiving.waves[0].share > 0


def test_conflicts_on_a_known_matrix() -> None:
    imp = np.array([[0.0, 9.0, 1.0], [9.0, 0.0, 1.0], [9.0, 9.0, 9.0]])
    c = conflicts(imp, ["a", "b", "c"], 3.0)
    assert c["conflicting_pairs"] == [["a", "b"]] and c["unreachable"] == []
    assert c["targets"]["c"]["nonimplausible_alone"] == pytest.approx(2 / 3)
    assert {p["a"] + p["b"]: p["joint"] for p in c["pairs"]} == pytest.approx({"ab": 0, "ac": 1 / 3, "bc": 1 / 3})


@pytest.fixture(scope="module")
def ci_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, float]:
    """A copy of targets.yaml with a wide discrepancy (so that a second wave runs) and its run."""
    root = tmp_path_factory.mktemp("history")
    shutil.copytree(ROOT / "scenarios", root / "scenarios")
    (root / "experiments").mkdir()
    text = TARGETS.read_text(encoding="utf-8")
    wide = re.sub(r"\n    discrepancy: [0-9.]+\n", "\n    discrepancy: 2.0\n", text)
    assert wide != text
    (root / "experiments" / "targets.yaml").write_text(wide, encoding="utf-8")
    t0 = time.perf_counter()
    assert main(["calibrate", str(root / "experiments" / "targets.yaml"), "--out", str(root / "out"), *CI]) == 0
    return root / "experiments" / "targets.yaml", root / "out", time.perf_counter() - t0


def test_ci_budget_runs_end_to_end(ci_run: tuple[Path, Path, float]) -> None:
    path, out, _ = ci_run  # its wall time is not asserted: speed is for benchmarks, not unit tests
    for name in ("history.json", "history.md", "waves.csv", "emulators.csv", "nonimplausible.parquet", "history.png"):
        assert (out / name).is_file(), name
    record = json.loads((out / "history.json").read_text())
    spec = load_targets(path)
    assert spec.calibration is not None and spec.calibration.history is not None
    free = {**spec.calibration.free, **spec.calibration.history.handlers}
    assert [p["parameter"] for p in record["space"]] == list(free)
    assert any(k.startswith("capacity.") for k in free)
    assert [f["id"] for f in record["figures"]] == [t.id for t in spec.distance_targets]
    waves = (out / "waves.csv").read_text().splitlines()
    assert len(waves) == 1 + len(record["waves"]) == 3 and record["runs"] == {"ran": 2 * 8 * 2 * 2, "resumed": 0}
    emulators = (out / "emulators.csv").read_text().splitlines()
    assert len(emulators) == 1 + 2 * len(record["figures"])
    for k in (1, 2):
        for regime in spec.scenarios:
            assert len((out / f"wave-{k}" / regime / "journal.jsonl").read_text().splitlines()) == 8 * 2
    table = pq.read_table(out / "nonimplausible.parquet")
    assert not record["empty"] and table.num_rows > 0
    for p in record["space"]:
        col = np.asarray(table.column(p["parameter"]))
        assert p["low"] <= col.min() and col.max() <= p["high"]
    assert "Verdict" in (out / "history.md").read_text()
    assert record["conflicts"]["prior (wave 1 emulators)"]["sample"] == 2000


def test_the_same_command_resumes_without_running_again(ci_run: tuple[Path, Path, float], tmp_path: Path) -> None:
    path, out, _ = ci_run
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    assert main(["calibrate", str(path), "--out", str(copy), *CI]) == 0
    before, after = (json.loads((d / "history.json").read_text()) for d in (out, copy))
    assert after["runs"] == {"ran": 0, "resumed": 2 * 8 * 2 * 2}
    assert after["waves"] == before["waves"] and after["region"] == before["region"]
    for k in (1, 2):
        for regime in ("community_system", "party_led_full"):
            assert json.loads((copy / f"wave-{k}" / regime / "manifest.json").read_text())["sessions"][-1]["ran"] == 0


def test_the_library_file_declares_handlers_and_leaves_the_abc_alone() -> None:
    spec = load_targets(TARGETS)
    assert spec.calibration is not None and spec.calibration.history is not None
    h = spec.calibration.history
    assert h.handlers and set(h.handlers) <= set(HANDLER_KEYS) and not set(h.handlers) & set(spec.calibration.free)
    assert h.cutoff == 3.0 and all(k.startswith("behaviour.") or k.startswith("issues.") for k in spec.calibration.free)


@pytest.mark.parametrize(("change", "extra", "message"), [
    ((r"capacity\.buck_passing: ", "capacity.buck_pasing: "), [],
     r"calibration\.history\.handlers: 'capacity\.buck_pasing' is not a handler parameter.*did you mean 'capacity\.buck_passing'"),
    ((r"capacity\.pressure_days: \{low: 1, high: 10\}", "capacity.pressure_days: {low: 1, high: 500}"), [],
     r"calibration\.history\.handlers\.capacity\.pressure_days: .*500"),
    ((r"\n    waves: 4\n", "\n    wave: 4\n"), [], r"unknown key 'calibration\.history\.wave'"),
    ((r"\n    rank: max\n", "\n    rank: third\n"), [], r"calibration\.history\.rank"),
    ((r"resolution_2019_01: hotline_resolution_rate", "resolution_2019_01: hotline_resolution_rat"), [],
     r"calibration\.history\.maps_to\.beijing_12345_resolution_2019_01: unknown outcome.*did you mean 'hotline_resolution_rate'"),
    ((r"\n      shanghai_rc_election_turnout: turnout", "\n      shanghai_turnout: turnout"), [],
     r"calibration\.history\.maps_to: 'shanghai_turnout' is not a target compared.*shanghai_rc_election_turnout"),
    (None, ["--waves", "0"], r"^error: --waves 0: history matching needs at least 1$"),
    (None, ["--accept", "0.5"], r"^error: --accept applies to --method abc"),
    (None, ["--discrepancy", "-1"], r"^error: --discrepancy -1: a model-discrepancy SD in tolerances, between 0 and 100$"),
    (None, ["--regime", "reform=scenarios/party_led_full.yaml"], r"^error: --regime reform=.*unknown regime; choose among "
     r"community_system, party_led_full$"),
    (None, ["--regime", "party_led_full"], r"^error: --regime party_led_full: give REGIME=FILE"),
    (None, ["--regime", "party_led_full=nothing.yaml"], r"^error: --regime party_led_full=nothing.yaml: no such scenario file$"),
])
def test_bad_input_ends_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture, change: tuple[str, str] | None,
                                    extra: list[str], message: str) -> None:
    text = TARGETS.read_text(encoding="utf-8")
    if change is not None:
        changed = re.sub(change[0], change[1], text, count=1)
        assert changed != text
        text = changed
    bad = tmp_path / "experiments" / "targets.yaml"
    bad.parent.mkdir()
    bad.write_text(text, encoding="utf-8")
    shutil.copytree(ROOT / "scenarios", tmp_path / "scenarios")
    assert main(["calibrate", str(bad), "--out", str(tmp_path / "out"), *CI, *extra]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    if change is not None:
        assert err.startswith(f"error: {bad}, line "), err
    assert re.search(message, err.strip()), err
    assert not (tmp_path / "out").exists()



def test_a_regime_runs_on_another_scenario_file(ci_run: tuple[Path, Path, float], tmp_path: Path) -> None:
    """--regime REGIME=FILE: the regime's runs use that file (a structure to test), recorded in history.json."""
    path, _, _ = ci_run
    other = ROOT / "scenarios" / "posterior" / "party_led_full_ranking.yaml"
    out = tmp_path / "out"
    assert main(["calibrate", str(path), "--out", str(out), *CI, "--waves", "1", "--no-posterior",
                 "--regime", f"party_led_full={other}"]) == 0
    record = json.loads((out / "history.json").read_text())
    assert record["regime_files"] == {"party_led_full": str(other)}
    assert "party_led_full_ranking.yaml" in (out / "wave-1" / "party_led_full" / "experiment.json").read_text()
    assert "party_led_full_ranking.yaml" not in (out / "wave-1" / "community_system" / "experiment.json").read_text()
