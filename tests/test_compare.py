"""``govsim compare`` (sim.analysis.compare) on two tiny scenarios, 3 seeds, through the engine."""

from __future__ import annotations

import contextlib
import io
import json
import math
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from sim.analysis import compare as cmp
from sim.analysis.compare import COMPARED, COST_COLUMNS, CSV_COLUMNS, compare, comparison_experiment, default_out
from sim.cli import main
from sim.errors import ScenarioError
from sim.scenario.loading import load_scenario
from sim.sweep.engine import Plan
from sim.sweep.executors import serial_executor
from sim.sweep.job import Job
from sim.sweep.store import RunRecord
from tests.tables import rows as read_rows

SEEDS = 3
BASE = "name: base\npopulation: {residents: 300}\ndays: 20\n"
LOOP = "name: loop\npopulation: {residents: 300}\ndays: 20\nmechanisms: {service_closed_loop: {enabled: true}}\n"
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def scenarios(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    d = tmp_path_factory.mktemp("scenarios")
    (d / "base.yaml").write_text(BASE, encoding="utf-8")
    (d / "loop.yaml").write_text(LOOP, encoding="utf-8")
    return [d / "base.yaml", d / "loop.yaml"]


@pytest.fixture(scope="module")
def cli_run(scenarios: list[Path], tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, int]:
    """``govsim compare`` with one worker (in-process), figures on."""
    out = tmp_path_factory.mktemp("serial") / "cmp"
    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout):
        code = main(["compare", *map(str, scenarios), "--seeds", str(SEEDS), "--out", str(out), "--workers", "1", "--quiet"])
    return out, stdout.getvalue(), code


def same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b


def test_plan_common_seeds_and_sorted(scenarios: list[Path]) -> None:
    jobs = list(Plan(comparison_experiment(scenarios, SEEDS, {"days": 10})).jobs())
    assert [(j.scenario, j.name, j.seed) for j in jobs] == [(i, n, s) for i, n in enumerate(["base", "loop"]) for s in range(SEEDS)]
    assert len({j.config_hash for j in jobs}) == len(jobs)  # seed and scenario are in the hash
    assert all(j.config["days"] == 10 and j.config["seed"] == j.seed for j in jobs)


def test_plan_unique_names(scenarios: list[Path], tmp_path: Path) -> None:
    """Names are kept as written; a shared name becomes the file's stem, with a note; the same file twice is refused."""
    other = tmp_path / "other.yaml"
    other.write_text(BASE, encoding="utf-8")  # same name 'base', different file stem
    exp = comparison_experiment([scenarios[0], other], 1)
    assert [s.name for s in exp.scenarios] == ["base", "other"] and "named 'other' after its file" in exp.notes[0]
    with pytest.raises(ScenarioError, match="the name 'loop' is already used by scenarios\\[0\\]"):
        comparison_experiment([scenarios[1], scenarios[1], scenarios[0]], 1)
    odd = tmp_path / "odd.yaml"
    odd.write_text("name: 'a/b c'\npopulation: {residents: 300}\ndays: 5\n", encoding="utf-8")
    assert comparison_experiment([odd], 1).scenarios[0].name == "a/b c"


def test_cli_outputs(cli_run: tuple[Path, str, int]) -> None:
    out, stdout, code = cli_run
    assert code == 0
    rows = read_rows(out / "comparison.csv")
    assert list(rows[0].keys()) == list(CSV_COLUMNS)
    assert {(r["scenario"], r["outcome"]) for r in rows} == {(s, o) for s in ("base", "loop") for o in COMPARED}
    for r in rows:
        assert r["n"] == str(SEEDS)
        if r["mean"] and r["ci_low"]:
            assert float(r["ci_low"]) <= float(r["mean"]) <= float(r["ci_high"])
        if r["scenario"] == "base":
            assert r["diff"] == r["p_t"] == r["d_z"] == ""
        elif r["diff_ci_low"]:
            assert float(r["diff_ci_low"]) <= float(r["diff"]) <= float(r["diff_ci_high"])
            assert r["p_wilcoxon"] == ""  # fewer than 6 pairs
    costs = read_rows(out / "costs.csv")
    assert list(costs[0].keys()) == list(COST_COLUMNS) and {r["scenario"] for r in costs} == {"loop"}
    for r in costs:  # a ratio only where the effect's CI excludes 0
        assert (r["hours_per_unit"] != "") == (r["significant"] == "true")
    for stem in ("comparison", "comparison_summary"):
        assert (out / f"{stem}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert (out / f"{stem}.pdf").read_bytes()[:5] == b"%PDF-"
        assert b"<svg" in (out / f"{stem}.svg").read_bytes()[:2000]
    tex = (out / "comparison.tex").read_text()
    assert "\\toprule" in tex and "\\bottomrule" in tex and "\\label{tab:comparison-means}" in tex
    assert "Mean trust" in tex and "trust\\_mean" not in tex  # headers in words (tests/test_latex.py compiles it)
    lines = stdout.rstrip().splitlines()
    assert lines[-1].startswith("wrote: ") and "comparison.csv" in lines[-1]
    assert max(len(line) for line in lines[:-1]) <= 120
    assert any(line.startswith("Resource use") for line in lines) and any(line.startswith("Cost per unit") for line in lines)


def test_stored_outcomes_match_direct_runs(cli_run: tuple[Path, str, int], scenarios: list[Path]) -> None:
    from sim.run import run

    out = cli_run[0]
    runs = pq.read_table(out / "runs.parquet")
    daily = pq.read_table(out / "daily.parquet")
    keys = list(zip(runs["scenario"].to_pylist(), runs["seed"].to_pylist()))
    dkeys = np.asarray([f"{s}/{d}" for s, d in zip(daily["scenario"].to_pylist(), daily["seed"].to_pylist())])
    for i, path in enumerate(scenarios):
        name = ("base", "loop")[i]
        for seed in range(SEEDS):
            result = run(load_scenario(path, overrides={"seed": seed}))
            row = keys.index((name, seed))
            for k in COMPARED:
                v = runs.column(k)[row].as_py()
                assert same(math.nan if v is None else v, result.outcomes[k]), (name, seed, k)
            got = daily.filter(dkeys == f"{name}/{seed}").column("trust_mean").to_numpy()
            np.testing.assert_array_equal(got, result.daily.column("trust_mean").to_numpy())
    meta = pq.read_schema(out / "runs.parquet").metadata
    assert {b"govsim.commit", b"govsim.versions", b"govsim.experiment"} <= set(meta)


def test_worker_count_does_not_change_results(cli_run: tuple[Path, str, int], scenarios: list[Path], tmp_path: Path) -> None:
    result = compare(scenarios, SEEDS, tmp_path / "p", workers=2, plots=False)
    assert result.sweep is not None and result.sweep.ran == 2 * SEEDS
    for name in ("comparison.csv", "runs.parquet", "daily.parquet", "costs.csv"):
        assert (tmp_path / "p" / name).read_bytes() == (cli_run[0] / name).read_bytes(), name


def test_completion_order_does_not_matter(cli_run: tuple[Path, str, int], scenarios: list[Path], tmp_path: Path) -> None:
    def backwards(jobs: Iterator[Job]) -> Iterator[RunRecord]:
        yield from reversed(list(serial_executor(jobs)))

    compare(scenarios, SEEDS, tmp_path, executor=backwards, plots=False)
    for name in ("comparison.csv", "runs.parquet"):
        assert (tmp_path / name).read_bytes() == (cli_run[0] / name).read_bytes()


def test_rerun_runs_nothing(cli_run: tuple[Path, str, int], scenarios: list[Path]) -> None:
    out = cli_run[0]
    before = (out / "runs.parquet").read_bytes()

    def must_not_run(jobs: Iterator[Job]) -> Iterator[RunRecord]:
        todo = list(jobs)
        assert not todo, f"resumed comparison ran {len(todo)} jobs"
        yield from ()

    result = compare(scenarios, SEEDS, out, executor=must_not_run, plots=False)
    assert result.sweep is not None and result.sweep.ran == 0 and result.sweep.resumed == 2 * SEEDS
    assert (out / "runs.parquet").read_bytes() == before


def test_more_seeds_extend_a_comparison(tmp_path: Path, scenarios: list[Path]) -> None:
    out = tmp_path / "out"
    assert compare(scenarios[:1], 2, out, workers=1, plots=False).sweep.ran == 2  # type: ignore[union-attr]
    assert compare(scenarios[:1], 3, out, workers=1, plots=False).sweep.ran == 1  # type: ignore[union-attr]


def test_a_different_comparison_is_refused(tmp_path: Path, scenarios: list[Path], capsys: pytest.CaptureFixture[str]) -> None:
    """The issue's fault: a second compare with other --residents or --days into the same --out mixed the two."""
    out = tmp_path / "out"
    assert main(["compare", str(scenarios[0]), "--seeds", "1", "--out", str(out), "--workers", "1", "--quiet",
                 "--residents", "200"]) == 0
    before = (out / "comparison.csv").read_bytes()
    capsys.readouterr()
    for extra in (["--residents", "250"], ["--days", "12"], ["--set", "capacity.retry_days=3"]):
        assert main(["compare", str(scenarios[0]), "--seeds", "1", "--out", str(out), "--workers", "1", "--quiet", *extra]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and "holds a different experiment" in err[0], err
    assert (out / "comparison.csv").read_bytes() == before


def test_default_out_is_one_folder_per_comparison(scenarios: list[Path]) -> None:
    a = default_out(comparison_experiment(scenarios, 3))
    assert a == default_out(comparison_experiment(scenarios, 10))  # more seeds: the same comparison, extended
    assert a != default_out(comparison_experiment(scenarios, 3, {"days": 10}))
    assert a != default_out(comparison_experiment(scenarios[::-1], 3))
    assert a.parent == Path("results")


def test_changed_scenario_is_refused_in_the_same_folder(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(BASE, encoding="utf-8")
    out = tmp_path / "out"
    compare([path], 2, out, workers=1, plots=False)
    path.write_text(BASE.replace("days: 20", "days: 12"), encoding="utf-8")
    with pytest.raises(Exception, match="resolve differently"):
        compare([path], 2, out, workers=1, plots=False)


def test_failing_job_is_reported_with_its_name(tmp_path: Path, scenarios: list[Path]) -> None:
    def broken(jobs: Iterator[Job]) -> Iterator[RunRecord]:
        for job in jobs:
            bad = Job(job.point, job.scenario, job.seed, job.name, {**job.config, "days": -1}, job.config_hash)
            yield from __import__("sim.sweep.executors", fromlist=["process_executor"]).process_executor(1)(iter([bad]))

    with pytest.raises(Exception) as info:
        compare(scenarios[:1], 1, tmp_path, executor=broken, plots=False)
    assert any("seed 0" in note for note in getattr(info.value, "__notes__", []))


def test_seeds_zero_is_bad_input(scenarios: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", str(scenarios[0]), "--seeds", "0", "--out", str(tmp_path), "--quiet"]) == 2
    assert "at least one seed" in capsys.readouterr().err


def test_core_modules_do_not_import_matplotlib() -> None:
    code = ("import sys, sim.analysis.compare, sim.sweep.engine, sim.sweep.store, sim.analysis.methods, sim.analysis.stats; "
            "assert 'matplotlib' not in sys.modules, 'matplotlib imported'")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def test_table_formats_degenerate_values() -> None:
    rows = []
    long = "a_scenario_name_longer_than_twenty"
    for name in ("a", long):
        for outcome in COMPARED:
            rows.append({"scenario": name, "outcome": outcome, "n": 1, "mean": math.nan, "ci_low": math.nan,
                         "ci_high": math.nan, "diff": None if name == "a" else math.inf,
                         "diff_ci_low": None if name == "a" else math.nan, "diff_ci_high": None if name == "a" else math.nan,
                         "p_t": None if name == "a" else 0.0, "p_wilcoxon": None, "d_z": None if name == "a" else -math.inf})
    costs = [{"scenario": long, "outcome": "resolution_days_cross_department", "diff": 0.0, "diff_ci_low": -1.0,
              "diff_ci_high": 1.0, "significant": False, "d_hours_per_day": 2.0, "d_budget_per_day": 0.0,
              "hours_per_unit": None, "budget_per_unit": None}]
    text = cmp.format_table(cmp.Comparison(names=["a", long], seeds=[0], rows=rows, costs=costs, files=[], out=Path(".")))
    assert "+inf" in text and "-inf" in text and "<0.001" in text and "n.s." in text
    assert all(len(line) <= 120 for line in text.splitlines())


def test_cost_per_effect_divides_resource_by_effect() -> None:
    k = len(COMPARED)
    base = np.zeros((4, k))
    other = np.zeros((4, k))
    t, hours = COMPARED.index("trust_mean"), COMPARED.index("used_grid_workers")
    other[:, t] = [0.10, 0.11, 0.09, 0.10]
    other[:, hours] = [5.0, 5.0, 5.0, 5.0]
    rows = {r["outcome"]: r for r in cmp.cost_rows(["a", "b"], {0: base, 1: other})}
    assert rows["trust_mean"]["significant"] and rows["trust_mean"]["hours_per_unit"] == pytest.approx(50.0)
    assert rows["resolution_rate"]["hours_per_unit"] is None  # Δ = 0 exactly: nothing to price
    json.dumps(rows["trust_mean"])


def test_censored_resolution_times_in_the_comparison(cli_run: tuple[Path, str, int], scenarios: list[Path]) -> None:
    """survival.csv: RMST and KM median per scenario and cohort, recomputed here from direct runs."""
    from sim.analysis.survival import SURVIVAL_COLUMNS, horizon, kaplan_meier, run_durations
    from sim.run import run

    out, stdout, _ = cli_run
    rows = read_rows(out / "survival.csv")
    assert list(rows[0].keys()) == list(SURVIVAL_COLUMNS)
    by = {(r["scenario"], r["cohort"]): r for r in rows}
    assert set(by) == {(s, c) for s in ("base", "loop") for c in ("all", "cross_department")}
    samples = {name: [run_durations(run(load_scenario(path, overrides={"seed": seed}))) for seed in range(SEEDS)]
               for name, path in zip(("base", "loop"), scenarios)}
    tau = horizon([d for s in samples.values() for d in s], 90)
    assert float(by[("base", "all")]["tau"]) == tau
    rmst = {n: np.array([kaplan_meier(d).rmst(tau) for d in s]) for n, s in samples.items()}
    for n in ("base", "loop"):
        assert float(by[(n, "all")]["rmst"]) == pytest.approx(float(np.mean(rmst[n])))
        pooled = kaplan_meier(type(samples[n][0]).concat(samples[n])).median
        assert float(by[(n, "all")]["km_median"]) == pooled
    assert by[("base", "all")]["rmst_diff"] == ""
    assert float(by[("loop", "all")]["rmst_diff"]) == pytest.approx(float(np.mean(rmst["loop"] - rmst["base"])))
    assert 0 <= float(by[("loop", "all")]["logrank_p"]) <= 1
    assert "Days to real resolution, censored estimates" in stdout and "survival.csv" in stdout.splitlines()[-1]
