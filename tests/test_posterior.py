"""The posterior after history matching (:mod:`sim.calibration.posterior`): the convergence
statistics on sequences of known behaviour, the Metropolis chains against an independent
estimate of the same density, the predicted change of a series, and ``--match`` end to end on
the CI budget (matched and predicted figures, the checks by model runs, calibrated scenarios
that load)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

from sim.calibration.emulator import Figure
from sim.calibration.history import Settings, Space, history_match
from sim.calibration.posterior import ess, log_density, sample, split_rhat, summary
from sim.calibration.targets import Posterior, load_targets
from sim.cli import main
from sim.scenario.loading import load_scenario

ROOT = Path(__file__).resolve().parents[1]
TARGETS = ROOT / "experiments" / "targets.yaml"


def test_rhat_and_ess_on_known_sequences() -> None:
    rng = np.random.default_rng(1)
    iid = rng.standard_normal((4, 2000))
    assert split_rhat(iid) < 1.01 and 0.8 * 8000 < ess(iid) < 1.2 * 8000
    ar = np.zeros((4, 4000))
    for t in range(1, 4000):
        ar[:, t] = 0.9 * ar[:, t - 1] + rng.standard_normal(4)
    # an AR(1) chain with coefficient 0.9 has an effective size of n (1 - 0.9) / (1 + 0.9)
    assert 0.6 < ess(ar) / (16000 * 0.1 / 1.9) < 1.5
    apart = iid + np.arange(4)[:, None]  # chains stuck in different places
    assert split_rhat(apart) > 1.5
    drifting = iid + np.linspace(0, 3, 2000)  # a trend within every chain: the split halves disagree
    assert split_rhat(drifting) > 1.1


def _model(x: np.ndarray) -> dict[str, np.ndarray]:
    return {"pre": 0.3 + 0.5 * x[:, 0], "post": 0.4 + 0.5 * x[:, 0] + 0.1 * x[:, 1]}


def _simulate(k: int, x: np.ndarray) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(k)
    return {t: v[:, None] + rng.normal(0, 0.01, (len(x), 2)) for t, v in _model(x).items()}


@pytest.fixture(scope="module")
def matched() -> tuple[Space, object]:
    space = Space(("a", "b"), np.zeros(2), np.ones(2))
    figures = [Figure("pre", 0.55, 0.003, 0.02)]
    result = history_match(_simulate, space, figures, Settings(waves=2, points=20, candidates=4000, min_shrink=0.0),
                           predicted=[Figure("post", 0.75, 0.003, 0.02)])
    return space, result


def test_matched_figures_shrink_the_region_and_predicted_ones_do_not(matched: tuple[Space, object]) -> None:
    space, result = matched
    x = space.from_unit(result.region)
    assert not result.empty and "post" in result.waves[-1].emulators and "post" not in result.waves[-1].ruled_out
    # pre = 0.55 ± 3 SDs pins a to about 0.5, and b, which only the predicted figure depends on, stays free
    assert 0.3 < x[:, 0].min() and x[:, 0].max() < 0.7 and x[:, 1].max() - x[:, 1].min() > 0.8


def test_the_chains_sample_the_density_they_are_given(matched: tuple[Space, object]) -> None:
    _, result = matched
    chains = sample(result, Posterior(chains=8, steps=3000, burn=1000, seed=3))
    # an independent estimate of the same posterior: importance weights on a uniform sample
    u = np.random.default_rng(5).random((200_000, 2))
    w = np.exp(log_density(result, u) - np.max(log_density(result, u)))
    mean = (w[:, None] * u).sum(axis=0) / w.sum()
    sd = np.sqrt((w[:, None] * (u - mean) ** 2).sum(axis=0) / w.sum())
    got = chains.pooled()
    assert np.all(np.abs(got.mean(axis=0) - mean) < 0.15 * sd + 0.01)
    assert np.all(np.abs(got.std(axis=0) / sd - 1) < 0.15)
    assert np.all(np.isfinite(log_density(result, got)))  # every kept draw lies inside the region
    params = summary(chains, result.space)
    assert params["a"]["rhat"] < 1.05 and params["a"]["q025"] < 0.5 < params["a"]["q975"]
    assert params["a"]["width_share"] < 0.5 < params["b"]["width_share"]


def test_thinning_keeps_every_nth_step_of_the_same_chain(matched: tuple[Space, object]) -> None:
    _, result = matched
    every = sample(result, Posterior(chains=2, steps=300, burn=100, seed=4))
    thinned = sample(result, Posterior(chains=2, steps=300, burn=100, thin=5, seed=4))
    assert thinned.u.shape == (2, 40, 2) and np.array_equal(thinned.u, every.u[:, 4::5])


def test_the_same_seed_gives_the_same_chains(matched: tuple[Space, object]) -> None:
    _, result = matched
    cfg = Posterior(chains=3, steps=300, burn=100, seed=1)
    a, b = sample(result, cfg), sample(result, cfg)
    assert np.array_equal(a.u, b.u) and not np.array_equal(a.u, sample(result, cfg.model_copy(update={"seed": 2})).u)


def test_outside_the_box_or_region_the_density_is_zero(matched: tuple[Space, object]) -> None:
    _, result = matched
    lp = log_density(result, np.array([[1.2, 0.5], [0.5, -0.1], [0.02, 0.5], [0.5, 0.5]]))
    assert np.all(np.isneginf(lp[:3])) and np.isfinite(lp[3])


def test_the_burn_in_must_be_shorter_than_the_chain() -> None:
    with pytest.raises(ValueError, match=r"burn \(100\) must be smaller than steps \(100\)"):
        Posterior(steps=100, burn=100)


#: The CI budget with the pre-reform figures alone matched.
CI = ["--method", "history", "--match", "community_system", "--waves", "1", "--points", "8", "--seeds", "2",
      "--candidates", "2000", "--set", "population.residents=400", "--set", "warmup_days=30", "--set", "days=90",
      "--workers", "1", "--quiet"]


@pytest.fixture(scope="module")
def pre_reform(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("posterior")
    shutil.copytree(ROOT / "scenarios", root / "scenarios")
    (root / "experiments").mkdir()
    text = TARGETS.read_text(encoding="utf-8")
    small = text
    for key, value in (("chains", 4), ("steps", 400), ("burn", 200), ("thin", 1), ("draws", 3), ("fit_seeds", 2)):
        small = re.sub(rf"(\n    posterior:\n(?:      .*\n)*?      {key}: )\d+", rf"\g<1>{value}", small, count=1)
    small = re.sub(r"\n    discrepancy: [0-9.]+\n", "\n    discrepancy: 2.0\n", small)
    assert small.count("\n") == text.count("\n") and "      steps: 400\n" in small and "      draws: 3\n" in small
    path = root / "experiments" / "targets.yaml"
    path.write_text(small, encoding="utf-8")
    assert main(["calibrate", str(path), "--out", str(root / "out"), *CI]) == 0
    return path, root / "out"


def test_match_fits_one_regime_and_predicts_the_other(pre_reform: tuple[Path, Path]) -> None:
    path, out = pre_reform
    spec = load_targets(path)
    record = json.loads((out / "history.json").read_text())
    assert record["matched_regimes"] == ["community_system"]
    assert {f["id"] for f in record["figures"]} == {t.id for t in spec.distance_targets if t.regime == "community_system"}
    roles = {line.split(",")[1]: line.split(",")[2] for line in (out / "emulators.csv").read_text().splitlines()[1:]}
    assert roles["beijing_12345_resolution_2021_11"] == "predicted" and roles["beijing_12345_resolution_2019_01"] == "matched"
    p = record["posterior"]
    assert p["scale"]["population.residents"] == 400  # the command line's --set wins over posterior.set
    assert {c["series"] for c in p["changes"]} == {"beijing_12345_resolution", "beijing_12345_satisfaction"}
    change = next(c for c in p["changes"] if c["series"] == "beijing_12345_resolution")
    assert change["observed"] == pytest.approx(0.89 - 0.531) and change["q025"] <= change["median"] <= change["q975"]
    status = {r["id"]: r["status"] for r in p["checks"]}
    assert status["beijing_12345_resolution_2019_01"] == "fitted"
    assert status["beijing_12345_resolution_2021_11"] == "predicted (not matched)"
    assert status["beijing_12345_resolution_2024_09"] == "held out"
    row = next(r for r in p["checks"] if r["id"] == "beijing_12345_resolution_2019_01")
    assert row["n"] == 2 and row["draws"] == 3 and row["maps_to"] == "hotline_resolution_rate"
    for name in ("posterior.csv", "predictions.csv", "changes.csv", "checks.csv", "chains.parquet", "posterior.png"):
        assert (out / name).is_file(), name
    assert "## Posterior inside the region" in (out / "history.md").read_text()
    for regime in ("community_system", "party_led_full"):
        scenario = load_scenario(out / "calibrated" / f"{regime}.yaml")
        assert scenario.capacity.resolve_quality == pytest.approx(p["calibrated"]["capacity.resolve_quality"])
        assert scenario.issues.outside_authority_share == pytest.approx(p["calibrated"]["issues.outside_authority_share"])


def test_bad_match_and_abc_flags_end_in_one_line(pre_reform: tuple[Path, Path], capsys: pytest.CaptureFixture,
                                                 tmp_path: Path) -> None:
    path, _ = pre_reform
    assert main(["calibrate", str(path), "--out", str(tmp_path / "a"), *CI[:2], "--match", "community_sytem"]) == 2
    assert re.fullmatch(r"error: --match community_sytem: unknown regime; choose among community_system, party_led_full\n",
                        capsys.readouterr().err)
    assert main(["calibrate", str(path), "--out", str(tmp_path / "b"), "--match", "community_system"]) == 2
    assert capsys.readouterr().err == "error: --match applies to --method history\n"
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()
