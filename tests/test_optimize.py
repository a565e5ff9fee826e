"""govsim optimize: a tiny optimisation end to end through the CLI, resumed after an
interruption without re-running stored runs, the same frontier for the same seed, frontier
points that load as scenarios, the points design it runs on, and one-line errors for bad files."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sim.cli import main
from sim.errors import ScenarioError
from sim.output.provenance import config_hash
from sim.scenario.loading import load_raw, load_scenario, resolve
from sim.sweep.executors import serial_executor
from sim.sweep.experiment import Experiment, design_points
from sim.sweep.optimize import load_optimization, optimize
from tests.tables import rows

ROOT = Path(__file__).resolve().parents[1]
BASE = ROOT / "scenarios" / "community_system.yaml"

TINY = f"""\
name: tiny
scenario: {BASE}
set: {{population.residents: 150, days: 10, warmup_days: 10}}
variables:
  mechanisms.service_closed_loop.enabled: [false, true]
  mechanisms.leadership_intensity.enabled: [false, true]
  mechanisms.leadership_intensity.level: {{low: 0, high: 1, step: 0.25}}
objectives:
  - {{minimize: hours}}
  - {{minimize: budget, pools: [community_budget, street_budget]}}
  - {{minimize: resolution_days_median}}
constraints:
  - trust_mean >= baseline - 0.001
  - resolution_days_median <= 30
replications: 2
generations: 2
population: 4
seed: 3
"""


def _journal_lines(out: Path) -> int:
    return sum(len(p.read_text(encoding="utf-8").splitlines()) for p in sorted((out / "runs").glob("*/journal.jsonl")))


class _Stop(KeyboardInterrupt):
    pass


def _stopping_after(n: int):  # noqa: ANN202
    """An executor that runs ``n`` jobs in this process, then is interrupted (as by Ctrl-C)."""
    done = [0]

    def execute(jobs: Iterator) -> Iterator:
        for record in serial_executor(jobs):
            if done[0] >= n:
                raise _Stop
            done[0] += 1
            yield record

    return execute


def test_tiny_optimisation_runs_resumes_and_repeats(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = tmp_path / "tiny.yaml"
    spec.write_text(TINY, encoding="utf-8")
    a, b = tmp_path / "a", tmp_path / "b"

    assert main(["optimize", str(spec), "--out", str(a), "--workers", "1", "--quiet"]) == 0
    said = capsys.readouterr().out
    assert "cheapest feasible mix" in said or "no evaluated mix" in said
    for name in ("frontier.csv", "frontier.parquet", "candidates.csv", "candidates.parquet", "optimize.md",
                 "frontier.png", "frontier.pdf", "frontier.svg"):
        assert (a / name).is_file(), name
    full = _journal_lines(a)
    cands = rows(a / "candidates.csv")
    mixes = [r for r in cands if r["candidate"] != "baseline"]
    # one stored run per distinct mix and seed, plus the baseline's: duplicates proposed again are not re-run
    assert full == (len(mixes) + 1) * 2
    assert sum(int(r["trials"]) for r in mixes) == 2 * 4
    front = rows(a / "frontier.csv")
    assert front, "the tiny optimisation should find a feasible mix"
    assert all(r["feasible"] == "True" for r in front)
    md = (a / "optimize.md").read_text(encoding="utf-8")
    assert "2 replications per candidate" in md and "govsim optimize" in md

    # interrupted after 5 runs (baseline's 2 and 3 of the first generation), then resumed by the same command
    opt = load_optimization(spec)
    with pytest.raises(_Stop):
        optimize(opt, b, executor=_stopping_after(5))
    assert _journal_lines(b) == 5
    assert main(["optimize", str(spec), "--out", str(b), "--workers", "1", "--quiet"]) == 0
    said = capsys.readouterr().out
    assert f"{full - 5} runs done now, 5 resumed" in said
    assert _journal_lines(b) == full  # nothing stored was run again
    # same file and seed: the same frontier and candidates, interrupted or not
    assert (b / "frontier.csv").read_bytes() == (a / "frontier.csv").read_bytes()
    assert (b / "candidates.csv").read_bytes() == (a / "candidates.csv").read_bytes()

    # a rerun of a finished optimisation runs nothing
    assert main(["optimize", str(spec), "--out", str(a), "--workers", "1", "--quiet"]) == 0
    assert f"0 runs done now, {full} resumed" in capsys.readouterr().out

    # frontier points are scenario files: they load, and resolve to exactly the candidate's runs
    points = sorted((a / "frontier").glob("point-*.yaml"))
    assert len(points) == len(front)
    raw = load_raw(BASE)
    for path, row in zip(points, front):
        cfg = load_scenario(path)
        mix = {v.key: _value(cfg, v.key) for v in opt.variables}
        expect = resolve(raw, {**dict(opt.set), **opt.normalise(mix)}, check_memory=False)
        assert config_hash(cfg.model_copy(update={"name": expect.name, "description": expect.description})) == config_hash(expect)
        for v in opt.variables:
            assert str(_value(cfg, v.key)) == row[v.key]
        assert main(["validate", str(path)]) == 0


def _value(cfg: object, key: str) -> object:
    for part in key.split("."):
        cfg = getattr(cfg, part)
    return cfg


def test_a_killed_optimisation_continues_with_the_same_command(tmp_path: Path) -> None:
    """SIGKILL mid-way (no chance to clean up), then the same command: it finishes, runs only
    what was missing and ends with the frontier of an uninterrupted run."""
    spec = tmp_path / "tiny.yaml"
    spec.write_text(TINY, encoding="utf-8")
    whole, killed = tmp_path / "whole", tmp_path / "killed"
    cmd = [sys.executable, "-m", "sim", "optimize", str(spec), "--workers", "1", "--quiet", "--out"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    assert subprocess.run([*cmd, str(whole)], cwd=ROOT, env=env, capture_output=True).returncode == 0
    full = _journal_lines(whole)
    proc = subprocess.Popen([*cmd, str(killed)], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if (killed / "runs").is_dir() and _journal_lines(killed) >= 4:
            break
        time.sleep(0.02)
    assert proc.poll() is None, "finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    before = _journal_lines(killed)
    assert 4 <= before < full
    p = subprocess.run([*cmd, str(killed)], cwd=ROOT, env=env, capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert _journal_lines(killed) == full
    assert f"{full - before} runs done now, {before} resumed" in p.stdout
    assert (killed / "frontier.csv").read_bytes() == (whole / "frontier.csv").read_bytes()


def test_one_pool_can_be_the_cost(tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text(TINY.replace("{minimize: hours}", "{minimize: used_grid_workers}"), encoding="utf-8")
    opt = load_optimization(tmp_path / "t.yaml")
    assert opt.cost is not None and opt.cost.name == "used_grid_workers" and opt.cost.pools == ("grid_workers",)
    assert opt.cost.label == "Used: grid workers" and opt.cost.unit == "hours / day"


def test_a_changed_file_is_refused_in_the_same_out(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = tmp_path / "tiny.yaml"
    spec.write_text(TINY.replace("generations: 2", "generations: 1"), encoding="utf-8")
    assert main(["optimize", str(spec), "--out", str(tmp_path / "a"), "--workers", "1", "--quiet"]) == 0
    spec.write_text(TINY.replace("generations: 2", "generations: 1").replace("seed: 3", "seed: 11"), encoding="utf-8")
    capsys.readouterr()
    assert main(["optimize", str(spec), "--out", str(tmp_path / "a"), "--workers", "1", "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "holds a different optimisation" in err and "seed" in err


def test_an_unreachable_target_is_said_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = tmp_path / "tiny.yaml"
    spec.write_text(TINY.replace("generations: 2", "generations: 1").replace("<= 30", "<= 0"), encoding="utf-8")
    assert main(["optimize", str(spec), "--out", str(tmp_path / "o"), "--workers", "1", "--quiet"]) == 0
    assert "no evaluated mix meets every constraint" in capsys.readouterr().out
    front = (tmp_path / "o" / "frontier.csv").read_text(encoding="utf-8").splitlines()
    assert len(front) == 1 and front[0].startswith("candidate,")  # the header, no points
    assert not list((tmp_path / "o" / "frontier").glob("*.yaml"))
    md = (tmp_path / "o" / "optimize.md").read_text(encoding="utf-8")
    assert "no evaluated mix meets every constraint" in md and "The closest is c" in md
    candidates = rows(tmp_path / "o" / "candidates.csv")
    assert candidates and all(r["feasible"] == "False" for r in candidates)


def test_processes_and_dask_run_it_to_the_same_frontier(tmp_path: Path) -> None:
    spec = tmp_path / "tiny.yaml"
    spec.write_text(TINY.replace("generations: 2", "generations: 1"), encoding="utf-8")
    assert main(["optimize", str(spec), "--out", str(tmp_path / "p"), "--workers", "2", "--quiet"]) == 0
    assert main(["optimize", str(spec), "--out", str(tmp_path / "d"), "--dask-local", "1", "--quiet"]) == 0
    for name in ("frontier.csv", "candidates.csv"):
        assert (tmp_path / "p" / name).read_bytes() == (tmp_path / "d" / name).read_bytes()
    assert _journal_lines(tmp_path / "d") == _journal_lines(tmp_path / "p") > 0


def test_points_design_zips_the_lists() -> None:
    exp = Experiment.build([str(BASE)], set={"population.residents": 150, "days": 5, "warmup_days": 0},
                           factors={"mechanisms.supervision.enabled": [False, True, True],
                                    "mechanisms.leadership_intensity.level": [0.0, 0.3, 0.9]},
                           design={"method": "points"}, replications=1)
    assert exp.n_points == 3
    assert list(design_points(exp)) == [
        {"mechanisms.supervision.enabled": False, "mechanisms.leadership_intensity.level": 0.0},
        {"mechanisms.supervision.enabled": True, "mechanisms.leadership_intensity.level": 0.3},
        {"mechanisms.supervision.enabled": True, "mechanisms.leadership_intensity.level": 0.9}]
    with pytest.raises(ScenarioError, match="equal length"):
        Experiment.build([str(BASE)], factors={"mechanisms.supervision.enabled": [False, True],
                                               "mechanisms.leadership_intensity.level": [0.0]},
                         design={"method": "points"}, replications=1)


@pytest.mark.parametrize(("old", "new", "expect"), [
    ("{minimize: resolution_days_median}", "{minimize: resolution_days_medain}",
     "objectives[2].minimize: unknown outcome 'resolution_days_medain'; did you mean 'resolution_days_median'?"),
    ("trust_mean >= baseline - 0.001", "trust_maen >= baseline",
     "constraints[0]: unknown outcome 'trust_maen'; did you mean 'trust_mean'?"),
    ("{low: 0, high: 1, step: 0.25}", "{low: 0, high: 1.5}", "must be <= 1 (allowed range [0, 1])"),
    ("mechanisms.service_closed_loop.enabled", "mechanisms.service_closed_lop.enabled", "did you mean 'service_closed_loop'"),
    ("resolution_days_median <= 30", "resolution_days_median <= soon", "is not a number or 'baseline'"),
    ("pools: [community_budget, street_budget]", "pools: [community_budgte]",
     "'community_budgte' is not a pool of budget; did you mean 'community_budget'?"),
    ("population: 4", "populaton: 4", "unknown key 'populaton'"),
    ("  mechanisms.leadership_intensity.enabled: [false, true]\n", "",
     "the mechanism is off in the base scenario, so this does nothing"),
    ("{minimize: hours}", "{maximize: hours}", "a cost is minimised"),
    ("{minimize: hours}", "{maximize: used_street_staff}", "a cost is minimised"),
])
def test_bad_files_give_one_line_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str], old: str, new: str,
                                        expect: str) -> None:
    assert old in TINY
    spec = tmp_path / "bad.yaml"
    spec.write_text(TINY.replace(old, new), encoding="utf-8")
    assert main(["optimize", str(spec), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert err.startswith("error: ") and "bad.yaml" in err and expect in err, err
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_the_shipped_example_is_valid() -> None:
    opt = load_optimization(ROOT / "experiments" / "optimize.yaml")
    assert opt.cost is not None and opt.cost.name == "hours"
    assert any(v.values == (False, True) for v in opt.variables) and any(not v.values for v in opt.variables)
    assert any(c.baseline for c in opt.constraints)
    # it ranks by the restricted mean days (censored, continuous), not by whole-day medians
    assert [o.name for o in opt.objectives if o.name.startswith("resolution_")] == ["resolution_days_rmst"]
    assert {c.name for c in opt.constraints if c.name.startswith("resolution_")} == {"resolution_days_rmst"}
