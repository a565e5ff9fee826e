"""The last fault cases (issue 17, items 6 and 7): each test really does what a user did.

Experiment-file mistakes, silent acceptances, oversized designs, one kind of output folder used
as the other, non-UTF-8 paths, foreign tables, impossible ports and reports on partial sweeps:
every one ends with one line naming the fix and exit code 2 (or a report that says what is
missing), never a traceback and never a silently rewritten value.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sim.cli import main
from sim.errors import ScenarioError
from sim.output.results import RUN_FILES
from sim.sweep.experiment import load_experiment
from tests.conftest import mounted_tmpfs

ROOT = Path(__file__).resolve().parents[1]
BASE = str(ROOT / "scenarios" / "community_system.yaml")
TINY = "name: {name}\npopulation: {{residents: 200}}\ndays: 10\nwarmup_days: 0\n{extra}"


def govsim(*args: str, cwd: Path = ROOT, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sim", *args], cwd=cwd, capture_output=True, text=True, timeout=timeout)


def one_line_error(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in err, err
    return lines[0]


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """Two tiny scenarios (200 residents, 10 days) and an experiment of 2 points × 2 scenarios × 3 seeds."""
    write(tmp_path / "a.yaml", TINY.format(name="a", extra=""))
    write(tmp_path / "b.yaml", TINY.format(name="b", extra="mechanisms: {supervision: {enabled: true}}\n"))
    return write(tmp_path / "exp.yaml", "name: tiny\nscenarios: [a.yaml, b.yaml]\n"
                 "factors: {capacity.routing_accuracy: [0.5, 0.9]}\nreplications: 3\n")


# --------------------------------------------------------------------------- 7: experiment files that teach


def test_validate_recognises_an_experiment_file_and_run_points_to_sweep(tiny: Path,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(tiny)]) == 0
    out = capsys.readouterr().out
    assert "unknown key" not in out and "(experiment file: " in out and "12 runs" in out
    assert main(["run", str(tiny), "--out", str(tiny.parent / "o")]) == 2
    err = one_line_error(capsys.readouterr().err)
    assert "is an experiment file" in err and f"govsim sweep {tiny}" in err
    assert not (tiny.parent / "o").exists()
    assert main(["validate", "--experiment", str(tiny.parent / "a.yaml")]) == 2
    assert "a scenario file, not an experiment file" in one_line_error(capsys.readouterr().err)


SHAPES = {
    "design: factorial\n": "`design: {method: factorial}`",
    "design: sobol\n": "`design: {method: sobol, samples: 64}`",
    "set: 3\n": "`set: {population.residents: 3000}`",
    "factors: [capacity.routing_accuracy]\n": "`factors: {capacity.routing_accuracy: [0.5, 0.9]}",
    "outcomes: trust_mean\n": "`outcomes: [trust_mean, resolution_rate]`",
    "daily: 3\n": "must be a list of outcome names or true/false; expected form: `daily: [trust_mean]",
    "replications: many\n": "`replications: 10`",
    "design: {method: morris, samples: 2, levels: 1}\n": "`design: {method: morris, samples: 10, levels: 4}`",
    "factors: {capacity.routing_accuracy: {low: 0.9, high: 0.1}}\ndesign: {method: lhs, samples: 4}\n":
        "`factors: {capacity.routing_accuracy: {low: 0.1, high: 0.9}}`",
    "factors: {capacity.routing_accuracy: [0.1]}\ndesign: {method: lhs, samples: 4}\n": "{low: 0.1, high: 0.9}",
}


@pytest.mark.parametrize("body", sorted(SHAPES))
def test_every_must_be_error_shows_the_expected_form(tmp_path: Path, body: str) -> None:
    path = write(tmp_path / "e.yaml", f"name: t\nscenarios: [{BASE}]\n{body}")
    with pytest.raises(ScenarioError) as info:
        load_experiment(path)
    msg = str(info.value)
    assert "\n" not in msg and "must" in msg and "expected form:" in msg and SHAPES[body] in msg, msg


def test_variant_names_are_kept_or_refused_never_rewritten(tmp_path: Path) -> None:
    text = (f"name: v\nscenarios:\n  - {{file: {BASE}, name: dp+pa}}\n  - {{file: {BASE}, name: 'a/b c'}}\n"
            f"  - {BASE}\nreplications: 1\n")
    exp = load_experiment(write(tmp_path / "e.yaml", text))
    assert [s.name for s in exp.scenarios] == ["dp+pa", "a/b c", "community_system"] and exp.notes == ()
    dup = f"name: v\nscenarios:\n  - {{file: {BASE}, name: dp+pa}}\n  - {{file: {BASE}, name: dp+pa}}\n"
    with pytest.raises(ScenarioError, match=r"line 4: scenarios\[1\]: the name 'dp\+pa' is already used by scenarios\[0\]"):
        load_experiment(write(tmp_path / "d.yaml", dup))
    with pytest.raises(ScenarioError, match="already used by scenarios"):
        load_experiment(write(tmp_path / "s.yaml", f"name: v\nscenarios: [{BASE}, {BASE}]\n"))
    with pytest.raises(ScenarioError, match="one line of printable text"):
        load_experiment(write(tmp_path / "n.yaml", f'name: v\nscenarios: [{{file: {BASE}, name: "a\\nb"}}]\n'))


def test_a_shared_name_taken_from_the_file_stem_is_said(tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tiny.parent / "again.yaml", TINY.format(name="a", extra=""))
    exp = write(tiny.parent / "e2.yaml", "name: t\nscenarios: [a.yaml, again.yaml]\n")
    assert main(["validate", str(exp)]) == 0
    captured = capsys.readouterr()
    assert "note: scenarios[1]" in captured.err and "named 'again' after its file" in captured.err
    assert [s.name for s in load_experiment(exp).scenarios] == ["a", "again"]


# --------------------------------------------------------------------------- silent acceptances refused


@pytest.mark.parametrize("command", ["sweep", "compare"])
def test_zero_workers_is_refused(tiny: Path, command: str, capsys: pytest.CaptureFixture[str]) -> None:
    target = str(tiny) if command == "sweep" else str(tiny.parent / "a.yaml")
    with pytest.raises(SystemExit) as info:
        main([command, target, "--workers", "0", "--out", str(tiny.parent / "o")])
    assert info.value.code == 2
    assert "at least 1 worker process" in one_line_error(capsys.readouterr().err)
    assert not (tiny.parent / "o").exists()


def test_a_thousand_workers_are_capped_by_cores_and_said(tiny: Path) -> None:
    import os

    import psutil

    proc = subprocess.Popen([sys.executable, "-m", "sim", "sweep", str(tiny), "--workers", "1000", "--out",
                             str(tiny.parent / "o"), "--quiet"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    most = 0
    while proc.poll() is None:
        time.sleep(0.02)
        try:
            kids = psutil.Process(proc.pid).children(recursive=True)
            most = max(most, sum(1 for k in kids if "python" in k.name()))  # not the git calls of the provenance stamp
        except psutil.Error:
            continue
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    cores = os.cpu_count() or 1
    assert f"note: --workers 1000: using {cores} worker process" in err and "cores allow" in err, err
    # The workers, the forkserver and the resource tracker; a worker being replaced after its
    # tasks can overlap its successor for a moment on a loaded machine, so allow one more each:
    # far from the thousand asked for.
    assert most <= 2 * cores + 2, most
    assert "12 runs done now" in out


def test_workers_are_capped_by_memory_counting_each_interpreter() -> None:
    from sim.sweep.engine import WORKER_INTERPRETER_BYTES, worker_count

    run = 50 * 2**20
    n, note = worker_count(1000, runs=10_000, cores=64, available=3 * (WORKER_INTERPRETER_BYTES + run) + 1, run_bytes=run)
    assert n == 3 and note is not None and "memory for 3" in note and "interpreter 200 MB" in note
    # without the interpreter's share, the same memory would have held 15 workers
    assert worker_count(None, runs=10_000, cores=2, available=10**12, run_bytes=run) == (2, None)
    assert worker_count(4, runs=3, cores=8, available=10**12, run_bytes=run) == (3, None)  # no more workers than runs
    with pytest.raises(ScenarioError, match="at least 1 worker"):
        worker_count(0, runs=3, cores=8, available=None, run_bytes=run)


@pytest.mark.parametrize(("method", "least"), [("sobol", 8), ("morris", 2), ("lhs", 2)])
def test_too_few_samples_are_refused_with_the_minimum(tmp_path: Path, method: str, least: int) -> None:
    path = write(tmp_path / "e.yaml", f"name: t\nscenarios: [{BASE}]\nfactors: {{capacity.routing_accuracy: {{low: 0.1, high: 0.9}}}}\n"
                 f"design: {{method: {method}, samples: {least - 1}}}\n")
    p = govsim("validate", "--experiment", str(path))
    assert p.returncode == 2
    line = one_line_error(p.stderr)
    assert f"design.samples = {least - 1}: the {method} design needs at least {least}" in line and "line 4" in line


def test_a_set_value_with_a_line_break_is_refused(tmp_path: Path) -> None:
    p = govsim("run", str(ROOT / "scenarios" / "community_system.yaml"), "--set", "days=5\nseed=3", "--out", str(tmp_path / "o"))
    assert p.returncode == 2
    assert "must be one line" in one_line_error(p.stderr)
    assert not (tmp_path / "o").exists()


# --------------------------------------------------------------------------- designs sized before they are built


def test_a_huge_sampled_design_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    import resource

    path = write(tmp_path / "e.yaml", f"name: big\nscenarios: [{BASE}]\nfactors: {{behaviour.*: {{relative: 0.2}}}}\n"
                 "design: {method: sobol, samples: 10000000}\n")
    for command in (["validate", "--experiment", str(path)], ["sweep", str(path), "--out", str(tmp_path / "o")]):
        p = govsim(*command)
        assert p.returncode == 2, p.stderr
        line = one_line_error(p.stderr)
        assert "design.samples = 10,000,000" in line and "lower design.samples to at most" in line, line
    assert not (tmp_path / "o").exists()
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    assert peak < 1.5 * 2**30  # nothing close to the design's size was ever allocated


def test_a_design_is_built_once_and_at_the_size_it_states(tmp_path: Path) -> None:
    from sim.sweep.designs import design_bytes
    from sim.sweep.engine import Plan
    from sim.sweep.experiment import design_matrix

    path = write(tmp_path / "e.yaml", f"name: s\nscenarios: [{BASE}]\nfactors: {{capacity.routing_accuracy: {{low: 0.1, high: 0.9}},"
                 " capacity.retry_days: {low: 1, high: 5}}\ndesign: {method: sobol, samples: 8}\nreplications: 1\n")
    exp = load_experiment(path)
    x = design_matrix(exp)
    assert x.shape == (exp.n_points, 2) == (8 * 4, 2) and not x.flags.writeable
    plan = Plan(exp)
    plan.factor_types()
    assert design_matrix(exp) is x and plan.point(5)["capacity.routing_accuracy"] == x[5, 0]
    assert design_bytes("sobol", 8, 2) >= x.nbytes


# --------------------------------------------------------------------------- one kind of folder each


def test_run_refuses_a_sweep_folder_even_while_the_sweep_holds_it(tiny: Path) -> None:
    import signal

    write(tiny.parent / "long.yaml", "name: long\nscenarios: [a.yaml]\nreplications: 100000\n")
    out = tiny.parent / "sw"
    sweep = subprocess.Popen([sys.executable, "-m", "sim", "sweep", str(tiny.parent / "long.yaml"), "--out", str(out),
                              "--workers", "1", "--quiet"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        end = time.monotonic() + 120
        while time.monotonic() < end and not (out / "journal.jsonl").exists():
            time.sleep(0.05)
        assert (out / "journal.jsonl").exists(), sweep.stderr
        p = govsim("run", str(tiny.parent / "a.yaml"), "--out", str(out), "--quiet")
        assert p.returncode == 2 and "holds a sweep or comparison" in one_line_error(p.stderr)
        assert not [f for f in RUN_FILES if (out / f).exists()]  # nothing of a run written into the sweep's folder
    finally:
        sweep.send_signal(signal.SIGTERM)
        sweep.communicate(timeout=60)
    assert (out / "runs.parquet").exists()  # the sweep's own tables, written as it stopped
    p = govsim("run", str(tiny.parent / "a.yaml"), "--out", str(out), "--quiet")
    assert p.returncode == 2 and "holds a sweep or comparison" in p.stderr


def test_a_sweep_refuses_a_run_folder_and_a_running_run(tiny: Path) -> None:
    import signal

    run_dir = tiny.parent / "r"
    assert main(["run", str(tiny.parent / "a.yaml"), "--out", str(run_dir), "--quiet"]) == 0
    before = {f.name: f.read_bytes() for f in run_dir.iterdir() if f.is_file() and f.name != ".lock"}
    p = govsim("sweep", str(tiny), "--out", str(run_dir), "--quiet")
    assert p.returncode == 2 and "holds a single run" in one_line_error(p.stderr)
    assert {f.name: f.read_bytes() for f in run_dir.iterdir() if f.is_file() and f.name != ".lock"} == before
    # a run still simulating holds its folder's lock: a sweep is kept out
    write(tiny.parent / "slow.yaml", TINY.format(name="slow", extra="").replace("days: 10", "days: 5000"))
    busy = tiny.parent / "busy"
    run = subprocess.Popen([sys.executable, "-m", "sim", "run", str(tiny.parent / "slow.yaml"), "--out", str(busy), "--quiet"],
                           cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        end = time.monotonic() + 120
        while time.monotonic() < end and b"govsim run" not in ((busy / ".lock").read_bytes() if (busy / ".lock").exists() else b""):
            time.sleep(0.05)
        p = govsim("sweep", str(tiny), "--out", str(busy), "--quiet")
        assert p.returncode == 2 and f"in use by govsim run pid {run.pid}" in one_line_error(p.stderr)
        assert not (busy / "journal.jsonl").exists()
    finally:
        run.send_signal(signal.SIGKILL)
        run.communicate(timeout=60)


def test_a_rerun_replaces_the_whole_run(tiny: Path) -> None:
    out = tiny.parent / "r"
    assert main(["run", str(tiny.parent / "a.yaml"), "--out", str(out), "--csv", "--quiet"]) == 0
    assert (out / "daily.csv").exists()
    assert main(["run", str(tiny.parent / "a.yaml"), "--out", str(out), "--seed", "4", "--quiet"]) == 0
    import json

    assert json.loads((out / "scenario.json").read_text())["seed"] == 4
    assert not (out / "daily.csv").exists()  # no file of the earlier run left beside the new one
    assert not [f for f in tiny.parent.iterdir() if f.name.startswith(".r.")]


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A 1 MB tmpfs (tests/conftest.py)."""
    with mounted_tmpfs(tmp_path, "1m") as mnt:
        yield mnt


def test_a_full_disk_during_a_rerun_keeps_the_earlier_run_whole(tmpfs: Path) -> None:
    import errno

    from sim.output.results import replacing_run, write_run
    from sim.run import run
    from tests.strategies import tiny as tiny_config

    out = tmpfs / "r"
    with replacing_run(out) as tmp:
        write_run(run(tiny_config(days=5, warmup_days=0, population={"residents": 100})), tmp)
    before = {f.name: f.read_bytes() for f in out.iterdir()}
    free = __import__("shutil").disk_usage(tmpfs).free
    (tmpfs / "filler").write_bytes(b"\0" * max(0, free - 60 * 1024))
    with pytest.raises(OSError) as info, replacing_run(out) as tmp:
        write_run(run(tiny_config(days=30, warmup_days=0, population={"residents": 1000})), tmp, csv=True)
    assert info.value.errno == errno.ENOSPC
    assert {f.name: f.read_bytes() for f in out.iterdir()} == before  # the old run, whole; nothing of the new one
    assert sorted(f.name for f in tmpfs.iterdir()) == ["filler", "r"]  # no temporary folder left


# --------------------------------------------------------------------------- one line, exit 2, instead of a traceback


@pytest.mark.parametrize("command", ["run", "sweep", "compare"])
def test_a_path_with_a_byte_that_is_not_utf8_is_refused_before_simulating(tiny: Path, command: str,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    import os

    bad = tiny.parent / os.fsdecode(b"out\xff")
    target = {"run": tiny.parent / "a.yaml", "sweep": tiny, "compare": tiny.parent / "a.yaml"}[command]
    t0 = time.monotonic()
    assert main([command, str(target), "--out", str(bad), "--quiet"]) == 2
    line = one_line_error(capsys.readouterr().err)
    assert "out\\xff: the path has a byte that is not UTF-8 (0xff)" in line and line.startswith("error: --out ")
    assert not os.path.lexists(bad) and time.monotonic() - t0 < 5
    named = tiny.parent / os.fsdecode(b"scen\xfe.yaml")
    named.write_bytes((tiny.parent / "a.yaml").read_bytes())
    assert main(["run", str(named), "--out", str(tiny.parent / "o"), "--quiet"]) == 2
    assert "(0xfe)" in one_line_error(capsys.readouterr().err) and not (tiny.parent / "o").exists()


def test_report_on_a_runs_table_that_is_another_table(tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import shutil

    out = tiny.parent / "sw"
    assert main(["sweep", str(tiny), "--out", str(out), "--workers", "1", "--quiet"]) == 0
    good = (out / "runs.parquet").read_bytes()
    assert main(["run", str(tiny.parent / "a.yaml"), "--out", str(tiny.parent / "r"), "--quiet"]) == 0
    for other in (out / "timings.parquet", tiny.parent / "r" / "daily.parquet"):
        shutil.copyfile(other, out / "runs.parquet")
        capsys.readouterr()
        assert main(["report", str(out)]) == 2
        line = one_line_error(capsys.readouterr().err)
        assert "runs.parquet: not the runs table of this folder's sweep" in line and "run the sweep again" in line
    assert main(["sweep", str(tiny), "--out", str(out), "--workers", "1", "--quiet"]) == 0  # rebuilt from the journal
    assert (out / "runs.parquet").read_bytes() == good


@pytest.mark.parametrize("port", ["70000", "0"])
def test_an_impossible_port_is_refused(port: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["app", "--port", port])
    assert info.value.code == 2
    assert "a port is a number from 1 to 65535" in one_line_error(capsys.readouterr().err)


# --------------------------------------------------------------------------- reports on interrupted sweeps


def _interrupted(tiny: Path, after: int) -> Path:
    """The tiny experiment's sweep stopped by Ctrl-C after ``after`` finished runs (0: before the first)."""
    from sim.sweep.engine import run_experiment
    from sim.sweep.executors import serial_executor

    out = tiny.parent / f"stopped{after}"
    done = []

    def executor(jobs):  # noqa: ANN001, ANN202 - this process, interrupted like Ctrl-C
        for record in serial_executor(jobs):
            if len(done) == after:
                raise KeyboardInterrupt
            done.append(record.key)
            yield record

    with pytest.raises(KeyboardInterrupt):
        run_experiment(load_experiment(tiny), out, executor=executor)
    return out


def test_report_on_half_a_sweep_says_so_and_gives_no_verdict_on_missing_points(tiny: Path) -> None:
    import csv

    from sim.analysis.report import report

    out = _interrupted(tiny, 6)  # point 0 of 2, both scenarios, every seed: the rest never ran
    rep = report(out, formats=("png",))
    text = (rep.out / "report.md").read_text(encoding="utf-8")
    assert "6 of 12 planned runs (incomplete)" in text and "none" not in text.split("## Warnings")[1].split("\n")[2]
    assert "the sweep is incomplete: 6 of 12 runs are stored" in rep.warnings[0]
    with (rep.out / "paired_effects.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    scenario = [r for r in rows if r["by"] == "scenario"]
    assert scenario and all(r["verdict"].startswith("none: ") and r["verdict"].endswith(" of 6 pairs stored") for r in scenario)
    assert any(r["verdict"] == "none: 3 of 6 pairs stored" for r in scenario)
    assert any("no verdict on" in w and "scenario: b − a" in w for w in rep.warnings)
    assert not any(r["verdict"] in ("higher", "lower") for r in rows)


def test_report_on_a_sweep_stopped_before_its_first_run(tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = _interrupted(tiny, 0)
    assert (out / "runs.parquet").exists()
    assert main(["report", str(out)]) == 2
    line = one_line_error(capsys.readouterr().err)
    assert "0 of 12 planned runs are stored, nothing to report yet" in line


def test_report_on_a_whole_sweep_has_no_incomplete_warning(tiny: Path) -> None:
    from sim.analysis.report import report
    from sim.sweep.engine import run_experiment
    from sim.sweep.executors import serial_executor

    out = _interrupted(tiny, 6)
    run_experiment(load_experiment(tiny), out, executor=serial_executor)  # the same command again finishes it
    rep = report(out, formats=("png",))
    assert not any("incomplete" in w or "no verdict" in w for w in rep.warnings)
    assert "12 runs, 3 seeds per point" in (rep.out / "report.md").read_text(encoding="utf-8")


def test_compare_counts_its_figures_in_the_free_space_check(tiny: Path, tmpfs: Path) -> None:
    """1 MB free holds the journal of two runs, not the comparison's figures: refused before running."""
    from sim.analysis.compare import output_bytes

    assert output_bytes(2, ("pdf", "svg")) > 2 * 2**20 > output_bytes(2, None)
    p = govsim("compare", str(tiny.parent / "a.yaml"), str(tiny.parent / "b.yaml"), "--seeds", "1", "--workers", "1",
               "--out", str(tmpfs / "c"), "--quiet")
    assert p.returncode == 2
    line = one_line_error(p.stderr)
    assert "MB free, the results need about" in line and "free some space or choose another folder" in line
    assert not (tmpfs / "c" / "journal.jsonl").exists()
