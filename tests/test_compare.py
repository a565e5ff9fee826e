"""End-to-end tests of ``govsim compare`` (sim.compare) on two tiny scenarios, 3 seeds."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import math
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from sim import compare as cmp
from sim.cli import main
from sim.compare import COMPARED as HEADLINE
from sim.compare import CSV_COLUMNS, Job, JobResult, compare, load_job, plan, run_files, serial_executor
from sim.loading import load_scenario

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


@pytest.fixture(scope="module")
def parallel_run(scenarios: list[Path], tmp_path_factory: pytest.TempPathFactory) -> cmp.Comparison:
    """The same comparison in two worker processes."""
    out = tmp_path_factory.mktemp("parallel") / "cmp"
    return compare(scenarios, SEEDS, out, workers=2, plots=False)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b


# --------------------------------------------------------------------------- plan


def test_plan_common_seeds_and_sorted(scenarios: list[Path]) -> None:
    jobs = plan(scenarios, SEEDS, {"days": 10})
    assert [(j.index, j.name, j.seed) for j in jobs] == [(i, n, s) for i, n in enumerate(["base", "loop"]) for s in range(SEEDS)]
    assert all(dict(j.overrides) == {"days": 10} for j in jobs)
    assert len({j.config_hash for j in jobs}) == len(jobs)  # seed and scenario are in the hash
    assert all(j.load().days == 10 and j.load().seed == j.seed for j in jobs)


def test_plan_unique_names(scenarios: list[Path], tmp_path: Path) -> None:
    other = tmp_path / "other.yaml"
    other.write_text(BASE, encoding="utf-8")  # same name 'base', different file stem
    names = [j.name for j in plan([scenarios[0], other], 1)]
    assert names == ["base", "other"]
    names = [j.name for j in plan([scenarios[1], scenarios[1], scenarios[0]], 1)]
    assert names == ["loop", "loop-2", "base"]  # same file twice: stem collides too, numbered
    odd = tmp_path / "odd.yaml"
    odd.write_text("name: 'a/b c'\npopulation: {residents: 300}\ndays: 5\n", encoding="utf-8")
    assert plan([odd], 1)[0].name == "a_b_c"


# --------------------------------------------------------------------------- outputs


def test_cli_outputs(cli_run: tuple[Path, str, int]) -> None:
    out, stdout, code = cli_run
    assert code == 0
    rows = read_csv(out / "comparison.csv")
    assert list(rows[0].keys()) == list(CSV_COLUMNS)
    assert len(rows) == 2 * len(HEADLINE)
    assert {(r["scenario"], r["outcome"]) for r in rows} == {(s, o) for s in ("base", "loop") for o in HEADLINE}
    for r in rows:
        assert r["n"] == str(SEEDS)
        assert float(r["ci_low"]) <= float(r["mean"]) <= float(r["ci_high"])
        if r["scenario"] == "base":
            assert r["diff"] == r["p_t"] == r["d_z"] == ""
        else:
            assert float(r["diff_ci_low"]) <= float(r["diff"]) <= float(r["diff_ci_high"])
            assert 0.0 <= float(r["p_t"]) <= 1.0
            assert r["p_wilcoxon"] == ""  # fewer than 6 pairs
    for name in ("comparison.png", "comparison_summary.png"):
        data = (out / name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
    lines = stdout.rstrip().splitlines()
    assert lines[-1].startswith("wrote: ") and "comparison.csv" in lines[-1] and "comparison_summary.png" in lines[-1]
    assert max(len(line) for line in lines[:-1]) <= 120
    for outcome in HEADLINE:
        assert any(line.startswith(f"{outcome}: ") for line in lines)


def test_run_files_match_direct_runs(cli_run: tuple[Path, str, int], scenarios: list[Path]) -> None:
    from sim.run import run

    out = cli_run[0]
    for job in plan(scenarios, SEEDS):
        stored, daily = load_job(out, job)
        result = run(load_scenario(job.path, overrides={"seed": job.seed}))
        direct = result.headline
        assert set(stored) == set(direct) == set(HEADLINE)
        assert all(same(stored[k], direct[k]) for k in HEADLINE), job
        assert daily.column_names == result.daily.column_names
        for col in daily.column_names:
            np.testing.assert_array_equal(daily.column(col).to_numpy(), result.daily.column(col).to_numpy(), err_msg=col)
        table_path, json_path = run_files(out, job)
        record = json.loads(json_path.read_text(encoding="utf-8"))
        assert record["config_hash"] == job.config_hash
        assert pq.read_schema(table_path).metadata[b"govsim.config_hash"].decode() == job.config_hash


def test_worker_count_does_not_change_results(cli_run: tuple[Path, str, int], parallel_run: cmp.Comparison) -> None:
    assert len(parallel_run.ran) == 2 * SEEDS and not parallel_run.skipped
    assert (parallel_run.out / "comparison.csv").read_bytes() == (cli_run[0] / "comparison.csv").read_bytes()


def test_completion_order_does_not_matter(cli_run: tuple[Path, str, int], scenarios: list[Path], tmp_path: Path) -> None:
    def backwards(jobs: Sequence[Job]) -> Iterator[JobResult]:
        results = list(serial_executor(jobs))
        yield from reversed(results)

    result = compare(scenarios, SEEDS, tmp_path, executor=backwards, plots=False)
    assert (tmp_path / "comparison.csv").read_bytes() == (cli_run[0] / "comparison.csv").read_bytes()
    assert [j.key for j in result.ran] == sorted(j.key for j in result.jobs)


def test_rerun_skips_finished_jobs(cli_run: tuple[Path, str, int], scenarios: list[Path]) -> None:
    out = cli_run[0]
    before_csv = (out / "comparison.csv").read_bytes()
    stamps = {p: p.stat().st_mtime_ns for p in (out / "runs").rglob("seed*")}
    assert len(stamps) == 2 * 2 * SEEDS

    def must_not_run(jobs: Sequence[Job]) -> Iterator[JobResult]:
        assert not jobs, f"resumed comparison ran {len(jobs)} jobs"
        yield from ()

    result = compare(scenarios, SEEDS, out, executor=must_not_run, plots=False)
    assert result.ran == [] and len(result.skipped) == 2 * SEEDS
    assert (out / "comparison.csv").read_bytes() == before_csv
    assert {p: p.stat().st_mtime_ns for p in (out / "runs").rglob("seed*")} == stamps


def test_changed_scenario_is_recomputed(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(BASE, encoding="utf-8")
    out = tmp_path / "out"
    first = compare([path], 2, out, workers=1, plots=False)
    assert len(first.ran) == 2
    assert len(compare([path], 2, out, workers=1, plots=False).ran) == 0
    path.write_text(BASE.replace("days: 20", "days: 12"), encoding="utf-8")
    again = compare([path], 2, out, workers=1, plots=False)
    assert len(again.ran) == 2 and not again.skipped
    assert load_job(out, again.jobs[0])[1].num_rows == 12
    assert len(compare([path], 3, out, workers=1, plots=False).ran) == 1  # one more seed: one more job


def test_crash_loses_no_finished_work(scenarios: list[Path], tmp_path: Path) -> None:
    def crashes_after_two(jobs: Sequence[Job]) -> Iterator[JobResult]:
        for k, result in enumerate(serial_executor(jobs)):
            if k == 2:
                raise RuntimeError("worker lost")
            yield result

    with pytest.raises(RuntimeError, match="worker lost"):
        compare(scenarios, SEEDS, tmp_path, executor=crashes_after_two, plots=False)
    assert len(list((tmp_path / "runs").rglob("seed*.json"))) == 2
    assert not list(tmp_path.rglob("*.tmp"))
    resumed = compare(scenarios, SEEDS, tmp_path, workers=1, plots=False)
    assert len(resumed.ran) == 2 * SEEDS - 2 and len(resumed.skipped) == 2


def test_process_executor_reports_failing_job(tmp_path: Path) -> None:
    bad = Job(0, "missing", tmp_path / "missing.yaml", 0)
    with pytest.raises(Exception, match="not found") as info:
        list(cmp.process_executor(2)([bad]))
    assert any("seed 0" in note for note in getattr(info.value, "__notes__", []))


def test_seeds_zero_is_bad_input(scenarios: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", str(scenarios[0]), "--seeds", "0", "--out", str(tmp_path), "--quiet"]) == 2
    assert "at least 1" in capsys.readouterr().err


def test_core_modules_do_not_import_matplotlib() -> None:
    code = "import sys, sim.compare, sim.stats; assert 'matplotlib' not in sys.modules, 'matplotlib imported'"
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def test_table_formats_degenerate_values() -> None:
    rows = []
    for name in ("a", "b"):
        for outcome in HEADLINE:
            rows.append({"scenario": name, "outcome": outcome, "n": 1, "mean": math.nan, "ci_low": math.nan,
                         "ci_high": math.nan, "diff": None if name == "a" else math.inf,
                         "diff_ci_low": None if name == "a" else math.nan, "diff_ci_high": None if name == "a" else math.nan,
                         "p_t": None if name == "a" else 0.0, "p_wilcoxon": None, "d_z": None if name == "a" else -math.inf})
    jobs = [Job(0, "a", Path("a.yaml"), 0), Job(1, "b", Path("b.yaml"), 0)]
    text = cmp.format_table(cmp.Comparison(jobs=jobs, names=["a", "b"], ran=[], skipped=[], rows=rows, files=[], out=Path(".")))
    assert "+inf" in text and "-inf" in text and "<0.001" in text
    assert np.all([len(line) <= 120 for line in text.splitlines()])
