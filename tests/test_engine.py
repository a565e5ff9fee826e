"""Fault tolerance of the engine (issue: sweeps): tests that really kill, corrupt and race.

Every test here runs real processes: ``govsim`` subprocesses killed with SIGKILL, SIGTERM
and SIGINT, damaged files in an output folder, two sweeps racing for one folder, tmpfs
mounts that are read-only or full, and a Dask worker killed mid-run.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pyarrow.parquet as pq
import pytest

from sim.sweep.engine import run_experiment
from sim.sweep.executors import process_executor, serial_executor
from sim.sweep.experiment import Experiment, load_experiment
from sim.sweep.job import Job
from sim.sweep.store import RunRecord
from tests.conftest import mounted_tmpfs

ROOT = Path(__file__).resolve().parents[1]
SCEN = "name: {name}\npopulation: {{residents: {residents}}}\ndays: {days}\n{extra}"
EXP = """name: faults
scenarios: [a.yaml, b.yaml]
factors:
  capacity.routing_accuracy: [0.5, 0.9]
replications: {reps}
daily: [trust_mean, backlog]
"""


def write_experiment(d: Path, *, residents: int = 300, days: int = 20, reps: int = 3) -> Path:
    d.mkdir(parents=True, exist_ok=True)
    (d / "a.yaml").write_text(SCEN.format(name="a", residents=residents, days=days, extra=""))
    (d / "b.yaml").write_text(SCEN.format(name="b", residents=residents, days=days,
                                          extra="mechanisms: {supervision: {enabled: true}}\n"))
    (d / "exp.yaml").write_text(EXP.format(reps=reps))
    return d / "exp.yaml"


def govsim(*args: str, cwd: Path = ROOT, **kw: object) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "sim", *args], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, **kw)  # type: ignore[call-overload]


def journal_lines(out: Path) -> int:
    try:
        return (out / "journal.jsonl").read_bytes().count(b"\n")
    except OSError:
        return 0


def wait_for(cond, timeout: float = 60.0, step: float = 0.05) -> bool:  # noqa: ANN001
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(step)
    return False


def descendants(pid: int) -> list[psutil.Process]:
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def all_gone(procs: list[psutil.Process], timeout: float = 15.0) -> list[psutil.Process]:
    _, alive = psutil.wait_procs(procs, timeout=timeout)
    return alive


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The experiment run uninterrupted in this process: (experiment file, output folder)."""
    d = tmp_path_factory.mktemp("ref")
    exp = write_experiment(d)
    run_experiment(load_experiment(exp), d / "out", executor=serial_executor)
    return exp, d / "out"


def same_tables(a: Path, b: Path) -> None:
    for name in ("runs.parquet", "daily.parquet"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


# --------------------------------------------------------------------------- kills


def test_resume_after_sigkill_loses_and_duplicates_nothing(reference: tuple[Path, Path], tmp_path: Path) -> None:
    exp, ref = reference
    out = tmp_path / "out"
    p = govsim("sweep", str(exp), "--out", str(out), "--workers", "2", "--quiet")
    assert wait_for(lambda: journal_lines(out) >= 3 or p.poll() is not None)
    kids = descendants(p.pid)
    p.send_signal(signal.SIGKILL)
    p.wait(timeout=30)
    assert not all_gone(kids), "workers outlived a SIGKILLed coordinator"
    done = journal_lines(out)
    assert 0 < done < 12, f"the kill came too late to test anything ({done} of 12 runs stored)"
    p = govsim("sweep", str(exp), "--out", str(out), "--workers", "2", "--quiet")
    stdout, stderr = p.communicate(timeout=300)
    assert p.returncode == 0, stderr
    assert f"{12 - done} runs done now, {done} resumed" in stdout
    runs = pq.read_table(out / "runs.parquet")
    keys = list(zip(runs["point"].to_pylist(), runs["scenario"].to_pylist(), runs["seed"].to_pylist()))
    assert len(keys) == len(set(keys)) == 12
    same_tables(out, ref)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["complete"] and [s["status"] for s in manifest["sessions"]] == ["running", "complete"]


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL], ids=lambda s: s.name)
def test_no_process_left_behind(sig: signal.Signals, tmp_path: Path) -> None:
    exp = write_experiment(tmp_path, residents=1500, days=120, reps=4)
    out = tmp_path / "out"
    p = govsim("sweep", str(exp), "--out", str(out), "--workers", "2", "--quiet")
    assert wait_for(lambda: len(descendants(p.pid)) >= 3, timeout=60), "workers never started"
    time.sleep(0.5)
    kids = descendants(p.pid)
    p.send_signal(sig)
    _, stderr = p.communicate(timeout=60)
    assert p.returncode == (-sig if sig == signal.SIGKILL else 128 + sig), stderr
    assert not all_gone(kids), [k.cmdline() for k in all_gone(kids, 0)]
    if sig != signal.SIGKILL:
        assert "Traceback" not in stderr and "resumes" in stderr.strip().splitlines()[-1]
        manifest = json.loads((out / "manifest.json").read_text())
        assert manifest["sessions"][-1]["status"] == "interrupted"


def test_huge_plan_starts_at_once_and_stops_clean(tmp_path: Path) -> None:
    """``compare --seeds 100000000`` used to plan and hash every job before printing anything."""
    (tmp_path / "t.yaml").write_text(SCEN.format(name="t", residents=50, days=2, extra=""))
    (tmp_path / "u.yaml").write_text(SCEN.format(name="u", residents=50, days=2, extra=""))  # one file twice is refused
    out = tmp_path / "out"
    t0 = time.monotonic()
    p = govsim("compare", "t.yaml", "u.yaml", "--seeds", "100000000", "--out", str(out), "--workers", "2", cwd=tmp_path)
    assert wait_for(lambda: journal_lines(out) >= 2, timeout=60), "no run finished"
    assert time.monotonic() - t0 < 60
    kids = descendants(p.pid)
    p.send_signal(signal.SIGINT)
    _, stderr = p.communicate(timeout=60)
    assert p.returncode == 130, stderr
    assert "planned: 200,000,000 runs (2 scenarios × 100,000,000 seeds)" in stderr
    assert not all_gone(kids)


# --------------------------------------------------------------------------- corruption


def _recording(ran: list[tuple[int, int, int]]):  # noqa: ANN202
    def execute(jobs: Iterator[Job]) -> Iterator[RunRecord]:
        for job in jobs:
            ran.append(job.key)
            yield from serial_executor(iter([job]))
    return execute


def test_damaged_runs_are_found_and_redone(reference: tuple[Path, Path], tmp_path: Path) -> None:
    import shutil

    exp, ref = reference
    out = tmp_path / "out"
    shutil.copytree(ref, out)
    daily = out / "daily"
    (daily / "p0-s0-seed0.parquet").write_bytes((daily / "p0-s0-seed0.parquet").read_bytes()[:100])  # truncated
    (daily / "p0-s0-seed1.parquet").write_bytes(b"garbage" * 50)  # garbage
    a, b = daily / "p1-s1-seed0.parquet", daily / "p1-s1-seed1.parquet"  # swapped
    da, db = a.read_bytes(), b.read_bytes()
    a.write_bytes(db)
    b.write_bytes(da)
    lines = (out / "journal.jsonl").read_text().splitlines(keepends=True)
    edited = [i for i, line in enumerate(lines) if json.loads(line)["key"] == [1, 0, 2]][0]
    data = json.loads(lines[edited])
    data["outcomes"]["trust_mean"] = 0.99  # an edited outcome: checksum no longer matches
    lines[edited] = json.dumps(data) + "\n"
    (out / "journal.jsonl").write_text("".join(lines) + '{"key": [0, 1, 0], "config_ha')  # and a torn last line
    (out / "runs.parquet").write_bytes(b"not parquet")
    (out / ".lock").unlink()
    ran: list[tuple[int, int, int]] = []
    result = run_experiment(load_experiment(exp), out, executor=_recording(ran))
    assert sorted(ran) == sorted([(0, 0, 0), (0, 0, 1), (1, 1, 0), (1, 1, 1), (1, 0, 2)])
    assert result.redone == 5 and result.resumed == 7
    same_tables(out, ref)


def test_swapped_scenario_order_is_not_mistaken_for_stored_runs(reference: tuple[Path, Path], tmp_path: Path) -> None:
    exp, _ = reference
    swapped = load_experiment(exp)
    swapped = Experiment.build([str(s.path) for s in swapped.scenarios[::-1]], name="faults",
                               factors={"capacity.routing_accuracy": [0.5, 0.9]}, replications=3)
    out = tmp_path / "out"
    run_experiment(load_experiment(exp), out, executor=serial_executor)
    with pytest.raises(Exception, match="holds a different experiment"):
        run_experiment(swapped, out, executor=serial_executor)


# --------------------------------------------------------------------------- lock


def test_two_sweeps_race_for_one_folder(tmp_path: Path) -> None:
    exp = write_experiment(tmp_path, reps=2)
    out = tmp_path / "out"
    procs = [govsim("sweep", str(exp), "--out", str(out), "--workers", "1", "--quiet") for _ in range(2)]
    results = [(p.wait(timeout=300), p.stderr.read() if p.stderr else "") for p in procs]  # type: ignore[union-attr]
    codes = sorted(c for c, _ in results)
    assert codes == [0, 2], results
    err = next(e for c, e in results if c == 2).strip().splitlines()
    assert len(err) == 1 and "in use by govsim pid" in err[0], err
    assert pq.read_table(out / "runs.parquet").num_rows == 2 * 2 * 2


def test_lock_held_by_running_sweep_refuses_a_second(tmp_path: Path) -> None:
    exp = write_experiment(tmp_path, residents=1000, days=100, reps=4)
    out = tmp_path / "out"
    first = govsim("sweep", str(exp), "--out", str(out), "--workers", "1", "--quiet")
    assert wait_for(lambda: (out / "manifest.json").exists())
    second = govsim("sweep", str(exp), "--out", str(out), "--workers", "1", "--quiet")
    _, err = second.communicate(timeout=120)
    first.send_signal(signal.SIGTERM)
    first.communicate(timeout=60)
    assert second.returncode == 2 and len(err.strip().splitlines()) == 1 and "in use" in err, err


# --------------------------------------------------------------------------- output folders


def test_output_folder_that_is_a_file(tmp_path: Path) -> None:
    exp = write_experiment(tmp_path)
    (tmp_path / "taken").write_text("x")
    for args in (["sweep", str(exp), "--out", str(tmp_path / "taken")],
                 ["sweep", str(exp), "--out", str(tmp_path / "taken" / "sub")],
                 ["run", str(tmp_path / "a.yaml"), "--out", str(tmp_path / "taken")]):
        t0 = time.monotonic()
        p = govsim(*args, "--quiet")
        _, err = p.communicate(timeout=120)
        assert p.returncode == 2 and len(err.strip().splitlines()) == 1 and "is a file" in err, (args, err)
        assert time.monotonic() - t0 < 30


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A 256 kB tmpfs (tests/conftest.py)."""
    with mounted_tmpfs(tmp_path, "256k") as mnt:
        yield mnt


def test_read_only_output_found_before_simulating(tmp_path: Path, tmpfs: Path) -> None:
    exp = write_experiment(tmp_path)
    subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], check=True)
    for args in (["sweep", str(exp), "--out", str(tmpfs / "out")], ["run", str(tmp_path / "a.yaml"), "--out", str(tmpfs / "r")],
                 ["compare", str(tmp_path / "a.yaml"), "--seeds", "2", "--out", str(tmpfs / "c")]):
        p = govsim(*args, "--quiet")
        out, err = p.communicate(timeout=120)
        assert p.returncode == 2 and len(err.strip().splitlines()) == 1, (args, err)
        assert "Read-only file system" in err and "Traceback" not in err and out == ""


def test_full_disk_found_before_simulating(tmp_path: Path, tmpfs: Path) -> None:
    exp = write_experiment(tmp_path)
    (tmpfs / "filler").write_bytes(b"\0" * (200 * 1024))
    for args in (["sweep", str(exp), "--out", str(tmpfs / "out")], ["run", str(tmp_path / "a.yaml"), "--out", str(tmpfs / "r")]):
        t0 = time.monotonic()
        p = govsim(*args, "--quiet")
        _, err = p.communicate(timeout=120)
        assert p.returncode == 2 and "MB free" in err and len(err.strip().splitlines()) == 1, err
        assert time.monotonic() - t0 < 30
    assert not (tmpfs / "out" / "journal.jsonl").exists()


def test_disk_full_while_writing_leaves_no_half_file(tmpfs: Path) -> None:
    """Writes that hit a full disk fail as a whole: no 0-byte figure beside complete tables."""
    import errno

    from sim.analysis.plotting import plot_run
    from sim.output.results import write_run
    from sim.run import run
    from tests.strategies import tiny

    result = run(tiny(days=60, population={"residents": 2000}))
    (tmpfs / "filler").write_bytes(b"\0" * (230 * 1024))
    with pytest.raises(OSError) as info:
        write_run(result, tmpfs / "r", csv=True)
        plot_run(result.daily, tmpfs / "r" / "run.png", title="x")
    assert info.value.errno == errno.ENOSPC
    files = [f for f in tmpfs.rglob("*") if f.is_file() and f.name != "filler"]
    assert not [f for f in files if f.stat().st_size == 0 or f.name.endswith(".tmp")], files
    for f in files:
        if f.suffix == ".parquet":
            pq.read_table(f)  # whatever was written is whole


def test_run_never_writes_outside_results(tmp_path: Path) -> None:
    for name in ("../../escape", "/tmp/absolute", "..", "a/../../b"):
        d = tmp_path / f"case{abs(hash(name))}"
        d.mkdir()
        (d / "s.yaml").write_text(f"name: {json.dumps(name)}\npopulation: {{residents: 50}}\ndays: 2\n")
        p = govsim("run", "s.yaml", "--quiet", cwd=d)
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        written = [f for f in d.rglob("*") if f.is_file() and f.name != "s.yaml"]
        assert written and all(f.is_relative_to(d / "results") for f in written), written
        assert len({f.parent for f in written}) == 1


# --------------------------------------------------------------------------- determinism and Dask


def test_one_two_workers_and_dask_give_identical_bytes(reference: tuple[Path, Path], tmp_path: Path) -> None:
    from sim.sweep.executors import dask_client, dask_executor

    exp, ref = reference
    run_experiment(load_experiment(exp), tmp_path / "two", executor=process_executor(2))
    same_tables(tmp_path / "two", ref)
    with dask_client(local=2) as client:
        run_experiment(load_experiment(exp), tmp_path / "dask", executor=dask_executor(client))
    same_tables(tmp_path / "dask", ref)


def test_dask_worker_killed_mid_run_has_its_task_retried(tmp_path: Path) -> None:
    from sim.sweep.executors import dask_client, dask_executor

    exp_path = write_experiment(tmp_path, residents=1500, days=90, reps=2)
    exp = load_experiment(exp_path)
    run_experiment(exp, tmp_path / "ref", executor=process_executor(2))
    killed: list[int] = []
    with dask_client(local=2) as client:
        def kill_a_busy_worker(_record: RunRecord) -> None:
            if killed:
                return
            processing = client.processing()
            busy = [w for w, tasks in processing.items() if tasks]
            if busy:
                pid = client.run(os.getpid, workers=[busy[0]])[busy[0]]
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)

        result = run_experiment(exp, tmp_path / "dask", executor=dask_executor(client), on_done=kill_a_busy_worker)
    assert killed, "no worker was busy when the first run finished"
    assert result.ran == exp.n_runs
    same_tables(tmp_path / "dask", tmp_path / "ref")


def test_sweep_on_dask_from_the_command_line(reference: tuple[Path, Path], tmp_path: Path) -> None:
    exp, ref = reference
    p = govsim("sweep", str(exp), "--out", str(tmp_path / "d"), "--dask-local", "2", "--quiet")
    out, err = p.communicate(timeout=300)
    assert p.returncode == 0, err
    same_tables(tmp_path / "d", ref)
    p = govsim("sweep", str(exp), "--out", str(tmp_path / "e"), "--scheduler", "tcp://127.0.0.1:9", "--quiet")
    _, err = p.communicate(timeout=120)
    assert p.returncode == 2 and len(err.strip().splitlines()) == 1 and "cannot connect" in err, err


def test_dask_local_is_capped_by_the_memory_its_runs_need(reference: tuple[Path, Path], tmp_path: Path) -> None:
    """``--dask-local 4`` with memory for two workers (each its Dask interpreter plus one run of
    the experiment's population) starts two, says so in one line, and gives the same tables."""
    import io

    from sim.scenario.loading import estimate_run_bytes, load_scenario
    from sim.sweep.engine import DASK_WORKER_BYTES, LocalDask

    exp, ref = reference
    run = estimate_run_bytes(load_scenario(exp.parent / "a.yaml"))  # 300 residents: what a worker's run needs
    log = io.StringIO()
    with LocalDask(4, log=log, available=lambda: 2 * (DASK_WORKER_BYTES + run) + 1) as local:
        run_experiment(load_experiment(exp), tmp_path / "capped", executor=local)
        assert local.workers == 2 and len(local.client.nthreads()) == 2
    lines = log.getvalue().splitlines()
    assert len(lines) == 1 and lines[0].startswith("note: --dask-local 4: using 2 worker processes, as many as memory for 2")
    assert "interpreter 250 MB" in lines[0], lines[0]
    same_tables(tmp_path / "capped", ref)
    log = io.StringIO()
    with LocalDask(2, log=log, available=lambda: 10**12) as local:  # room enough: as asked, nothing said
        run_experiment(load_experiment(exp), tmp_path / "room", executor=local)
        assert local.workers == 2
    assert log.getvalue() == ""


def test_python_api_gives_values_by_point_and_scenario(reference: tuple[Path, Path]) -> None:
    exp, ref = reference
    result = run_experiment(load_experiment(exp), ref, executor=serial_executor)
    assert result.ran == 0 and result.resumed == 12
    values = result.values("trust_mean")
    assert set(values) == {(p, s) for p in (0, 1) for s in ("a", "b")}
    assert all(v.shape == (3,) and (v > 0).all() for v in values.values())
    assert result.runs().num_rows == 12


def test_wall_seconds_sum_every_finished_session_under_a_folder(tmp_path: Path) -> None:
    """A resumed sweep reports what all its sessions took; a session cut off (no end) adds nothing."""
    from sim.sweep.store import wall_seconds

    def manifest(folder: Path, *sessions: tuple[str, str | None]) -> None:
        folder.mkdir(parents=True)
        rows = [{"start": f"2026-01-01T10:{a}+0000", **({"end": f"2026-01-01T10:{b}+0000"} if b else {})} for a, b in sessions]
        (folder / "manifest.json").write_text(json.dumps({"sessions": rows}))

    manifest(tmp_path / "abc" / "baseline", ("00:00", "00:30"), ("05:00", "06:00"))  # resumed: 30 s + 60 s
    manifest(tmp_path / "abc" / "reform", ("00:00", None), ("01:00", "01:10"))  # killed, then 10 s
    assert wall_seconds(tmp_path) == 100.0
    assert wall_seconds(tmp_path / "abc" / "reform") == 10.0
