"""The one engine behind ``govsim compare``, ``govsim sweep`` and the expectation experiments.

An :class:`~sim.sweep.experiment.Experiment` is planned into jobs lazily (:class:`Plan`: design
point × scenario × seed, in that order; the plan states its size up front and resolves each
job only when an executor asks for it), an executor (``sim.sweep.executors``: this process, local
processes or a Dask cluster) runs them, and a :class:`~sim.sweep.store.Store` keeps every
finished run at once, verifies stored runs on resume and writes the tables.

Python API (what ``experiments/expectations.py`` uses)::

    from sim.sweep.engine import run_experiment
    from sim.sweep.executors import process_executor
    from sim.sweep.experiment import Experiment

    exp = Experiment.build(["scenarios/community_system.yaml"], set={"population.residents": 3000, "days": 365},
                           factors={"mechanisms.supervision.enabled": [False, True]},
                           replications=10, outcomes=["false_closure_rate", "trust_mean"])
    result = run_experiment(exp, "results/supervision", executor=process_executor(2))
    table = result.runs()          # pyarrow Table: point, scenario, seed, factor columns, outcomes
    values = result.values("false_closure_rate")   # {(point, scenario): array over seeds}

Every run gets the seeds 0..replications-1 (common random numbers: the same seed gives the
same arriving issues whatever is switched on), so runs are compared seed by seed.
"""

from __future__ import annotations

import itertools
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import pyarrow as pa

from sim.errors import ScenarioError
from sim.output.provenance import config_hash, file_sha256
from sim.scenario.loading import available_memory_bytes, estimate_run_bytes, resolve
from sim.schema import ScenarioConfig
from sim.sweep.executors import Executor, dask_client, dask_executor, process_executor, serial_executor
from sim.sweep.experiment import Experiment, design_points, point_lookup
from sim.sweep.job import Job
from sim.sweep.store import Key, RunRecord, Store, read_issues, read_runs

__all__ = ["Interrupted", "Plan", "SweepResult", "run_experiment"]


class Interrupted(BaseException):
    """SIGTERM (or SIGINT) while an experiment runs; ``signum`` says which."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


# --------------------------------------------------------------------------- plan


class Plan:
    """The jobs of an experiment, generated lazily in key order."""

    def __init__(self, exp: Experiment) -> None:
        self.exp = exp
        self.size = exp.n_runs  #: upper bound (and exact count) of runs
        self._matrix: Callable[[int], dict[str, Any]] | None = None

    def describe(self) -> str:
        e = self.exp
        parts = [f"{e.n_points:,} point{'s' if e.n_points != 1 else ''}"] if e.factors else []
        parts += [f"{len(e.scenarios)} scenario{'s' if len(e.scenarios) != 1 else ''}",
                  f"{e.replications:,} seed{'s' if e.replications != 1 else ''}"]
        return f"{self.size:,} runs ({' × '.join(parts)})"

    def points(self) -> Iterator[tuple[int, dict[str, Any]]]:
        return enumerate(design_points(self.exp))

    def point(self, p: int) -> dict[str, Any]:
        """The factor values of design point ``p`` (without enumerating the others)."""
        if self._matrix is None:
            self._matrix = point_lookup(self.exp)
        return self._matrix(p)

    def contains(self, key: Key) -> bool:
        p, s, seed = key
        return 0 <= p < self.exp.n_points and 0 <= s < len(self.exp.scenarios) and 0 <= seed < self.exp.replications

    def stored(self, store: Store) -> Iterator[tuple[Key, dict[str, Any]]]:
        """The stored runs of this plan in key order, each with its scenario name and factor
        values (work proportional to what is stored, not to the plan's size)."""
        for key in sorted(k for k in store.index if self.contains(k)):
            yield key, {"scenario": self.exp.scenarios[key[1]].name, "factors": self.point(key[0])}

    def jobs(self) -> Iterator[Job]:
        """Every run as a resolved job (one validation per point and scenario; seeds are copies)."""
        for p, point in self.points():
            for s, sc in enumerate(self.exp.scenarios):
                cfg = resolve(sc.raw, self.exp.overrides(s, point), check_memory=(p == 0))
                for seed in range(self.exp.replications):
                    seeded = cfg.model_copy(update={"seed": seed})
                    yield Job(p, s, seed, sc.name, seeded.model_dump(mode="json"), config_hash(seeded), self.exp.daily,
                              self.exp.issues)

    def factor_types(self) -> dict[str, pa.DataType]:
        """The Arrow type of each factor column."""
        first = next(design_points(self.exp))
        out = {}
        for k, v in first.items():
            out[k] = pa.bool_() if isinstance(v, bool) else pa.int64() if isinstance(v, int) else \
                pa.float64() if isinstance(v, float) else pa.string()
        return out


# --------------------------------------------------------------------------- running


@dataclass
class SweepResult:
    """What :func:`run_experiment` did: runs done now, resumed and redone, the files written."""

    exp: Experiment
    out: Path
    planned: int
    ran: int = 0
    resumed: int = 0
    redone: int = 0
    files: list[Path] = field(default_factory=list)
    seconds: float = 0.0

    def runs(self) -> pa.Table:
        """``runs.parquet`` as a table."""
        return read_runs(self.out)

    def values(self, outcome: str) -> dict[tuple[int, str], np.ndarray]:
        """Per (point, scenario): the outcome over seeds 0..N-1 (NaN where missing)."""
        t = self.runs()
        cols = {c: t.column(c).to_pylist() for c in ("point", "scenario", "seed", outcome)}
        out: dict[tuple[int, str], np.ndarray] = {}
        for p, s, seed, v in zip(*cols.values()):
            arr = out.setdefault((p, s), np.full(self.exp.replications, np.nan))
            arr[seed] = np.nan if v is None else v
        return out

    def issue_tables(self) -> dict[tuple[int, str], list[pa.Table | None]]:
        """Per (point, scenario): the kept issue tables over seeds 0..N-1 (None where not
        stored), when the experiment keeps issue columns (``Experiment.issues``)."""
        out: dict[tuple[int, str], list[pa.Table | None]] = {}
        for p in range(self.exp.n_points):
            for s, sc in enumerate(self.exp.scenarios):
                out[(p, sc.name)] = [read_issues(self.out, (p, s, seed)) for seed in range(self.exp.replications)]
        return out


@contextmanager
def _signals() -> Iterator[None]:
    """SIGTERM raises :class:`Interrupted` in the main thread (SIGINT keeps raising KeyboardInterrupt)."""
    def handler(signum: int, _frame: Any) -> None:
        raise Interrupted(signum)

    try:
        old = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)


#: Memory of one worker process before its first run: the interpreter with numpy, pyarrow,
#: Mesa and the model imported (measured at about 180 MB; rounded up).
WORKER_INTERPRETER_BYTES = 200 * 2**20


#: Memory of one ``--dask-local`` worker before its first run: a LocalCluster worker process with
#: distributed and the model imported by its preload (measured at about 217 MB RSS; rounded up).
DASK_WORKER_BYTES = 250 * 2**20


def worker_count(requested: int | None, *, runs: int, cores: int, available: int | None,
                 run_bytes: int, interpreter_bytes: int = WORKER_INTERPRETER_BYTES,
                 option: str = "--workers") -> tuple[int, str | None]:
    """How many local worker processes to start, and a line saying why when fewer than asked:
    at most ``requested`` (default: every core), the number of cores, the number of runs, and
    what the available memory holds when each worker needs its interpreter (``interpreter_bytes``)
    plus a run; ``option`` names the request in that line."""
    if requested is not None and requested < 1:
        raise ScenarioError(f"--workers {requested}: give at least 1 worker process (1 runs in this process)")
    want = requested if requested is not None else cores
    n, why = min(want, max(1, runs)), []
    if n > cores:
        n, why = cores, [f"{cores} core{'s' if cores != 1 else ''}"]
    if n > 1 and available is not None:
        each = interpreter_bytes + run_bytes
        fit = max(1, int(available // each))
        if fit < n:
            n = fit
            why = [f"memory for {fit} (each worker ~{each / 2**20:,.0f} MB: interpreter {interpreter_bytes / 2**20:.0f} MB"
                   f" + a run {run_bytes / 2**20:,.0f} MB; {available / 2**30:.1f} GB available)"]
    if not why or n >= want:
        return n, None
    asked = f"{option} {requested}" if requested is not None else f"{want} workers (one per core)"
    return n, f"{asked}: using {n} worker process{'es' if n != 1 else ''}, as many as {why[0]} allow"


def default_executor(workers: int | None, plan: Plan, log: TextIO | None = None) -> Executor:
    """One worker: this process; more: local processes, capped by cores and by available memory
    (each worker's interpreter and its run); a cap is said in one line on ``log``."""
    point = next(design_points(plan.exp))
    need = max(estimate_run_bytes(resolve(s.raw, plan.exp.overrides(i, point), check_memory=False))
               for i, s in enumerate(plan.exp.scenarios))
    n, note = worker_count(workers, runs=plan.size, cores=os.cpu_count() or 1, available=available_memory_bytes(),
                           run_bytes=need)
    if note:
        print(f"note: {note}", file=log or sys.stderr, flush=True)
    return process_executor(n) if n > 1 else serial_executor


class LocalDask:
    """``--dask-local N``: an executor on a Dask LocalCluster of at most ``n`` single-threaded
    worker processes, started when its first jobs arrive and kept for later calls (an
    optimisation's generations) until :meth:`close` (or the end of a ``with`` block).

    The workers are capped by memory (``available``: bytes free now, default MemAvailable):
    each needs :data:`DASK_WORKER_BYTES` plus one run of the largest scenario among the first
    jobs (:data:`SIZE_FROM` at most; ``estimate_run_bytes``: from its residents, ties and
    expected issues). A cap is said in one line on ``log``; ``workers`` is the number started."""

    #: Jobs looked at to size a run before the cluster starts.
    SIZE_FROM = 32

    def __init__(self, n: int, *, log: TextIO | None = None,
                 available: Callable[[], int | None] = available_memory_bytes) -> None:
        if n < 1:
            raise ScenarioError(f"--dask-local {n}: give at least 1 worker process")
        self.requested, self.log, self.available = n, log, available
        self.workers: int | None = None
        self.client: Any = None
        self._stack = ExitStack()
        self._execute: Executor | None = None

    def __call__(self, jobs: Iterator[Job]) -> Iterator[RunRecord]:
        jobs = iter(jobs)
        if self._execute is None:
            first = list(itertools.islice(jobs, min(2 * self.requested, self.SIZE_FROM)))
            if not first:
                return
            need = max(estimate_run_bytes(ScenarioConfig.model_validate(j.config)) for j in first)
            n, note = worker_count(self.requested, runs=self.requested, cores=self.requested, available=self.available(),
                                   run_bytes=need, interpreter_bytes=DASK_WORKER_BYTES, option="--dask-local")
            if note:
                print(f"note: {note}", file=self.log or sys.stderr, flush=True)
            self.client = self._stack.enter_context(dask_client(local=n))
            self.workers, self._execute = n, dask_executor(self.client)
            jobs = itertools.chain(first, jobs)
        yield from self._execute(jobs)

    def close(self) -> None:
        """Shut the cluster down (if it was started)."""
        self._stack.close()
        self._execute = self.client = None

    def __enter__(self) -> LocalDask:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def run_experiment(exp: Experiment, out: str | Path, *, executor: Executor | None = None, workers: int | None = None,
                   log: TextIO | None = None, quiet: bool = True, manifest: dict[str, Any] | None = None,
                   on_done: Callable[[RunRecord], None] | None = None, extra_bytes: int = 0) -> SweepResult:
    """Run every job of ``exp`` not yet stored intact in ``out`` and write the tables.

    ``extra_bytes``: what the caller writes into ``out`` afterwards (figures, tables), counted
    in the free-space check. Raises ScenarioError (one line) for a bad experiment or output
    folder, before anything runs; :class:`Interrupted` on SIGTERM, KeyboardInterrupt on SIGINT (the stored runs are
    kept and the tables written for them).
    """
    t0 = time.perf_counter()
    log = log if log is not None else sys.stderr
    plan = Plan(exp)
    if plan.size == 0:
        raise ScenarioError("nothing to run: the experiment has no runs (replications and samples must be at least 1)")
    per_run = 4_000 + 12 * len(exp.daily) * 400  # journal line; daily series (~400 days of float64, compressed)
    per_run += 6_000 * len(exp.issues)  # kept issue columns (~3,000 issues a column, compressed)
    describe = {"need_bytes": min(plan.size, 10_000) * per_run + extra_bytes, "experiment": _experiment_record(exp),
                "manifest": {"experiment": _experiment_record(exp), "plan": {"runs": plan.size, "points": exp.n_points,
                             "scenarios": [s.name for s in exp.scenarios], "seeds": f"0..{exp.replications - 1}"},
                             **(manifest or {})}}
    result = SweepResult(exp=exp, out=Path(out), planned=plan.size)
    with Store(out, identity=exp.identity(), describe=describe) as store:
        if not quiet:
            print(f"planned: {plan.describe()} into {out}", file=log, flush=True)
            if store.dropped:
                print(f"note: {store.dropped} damaged journal line(s) ignored; those runs are done again", file=log)
        executor = executor or default_executor(workers, plan, log)
        status = "interrupted"
        try:
            with _signals(), _progress(plan.size, quiet, log) as bar:
                for record in executor(_todo(plan, store, result, bar)):
                    store.add(record)
                    result.ran += 1
                    bar.update(1)
                    if on_done is not None:
                        on_done(record)
            status = "complete"
        finally:
            try:
                result.files = store.write_tables(plan.stored(store), outcomes=exp.outcomes, factor_types=plan.factor_types(),
                                                  daily=exp.daily, meta={"experiment": exp.identity_hash(), "set": dict(exp.set)})
                store.finish(status, ran=result.ran, resumed=result.resumed, redone=result.redone)
                result.files.append(store.out / "manifest.json")
            except OSError as exc:
                if status == "complete":
                    raise
                print(f"note: could not write the tables ({exc.strerror or exc}); the journal keeps every finished run",
                      file=log)
    result.seconds = time.perf_counter() - t0
    return result


def _todo(plan: Plan, store: Store, result: SweepResult, bar: Any) -> Iterator[Job]:
    """The plan's jobs that are not stored intact (counting resumed and redone ones)."""
    for job in plan.jobs():
        if store.verified(job.key, job.config_hash, issues=bool(job.issues)):
            result.resumed += 1
            bar.update(1)
            continue
        if job.key in store.index or job.key in store.damaged:
            result.redone += 1
        yield job


def _experiment_record(exp: Experiment) -> dict[str, Any]:
    src = Path(exp.source)
    record: dict[str, Any] = {"name": exp.name, "file": exp.source, "replications": exp.replications,
                              "outcomes": list(exp.outcomes), "daily": list(exp.daily),
                              **({"issues": list(exp.issues)} if exp.issues else {}),
                              "scenario_files": {s.name: str(s.path) for s in exp.scenarios}}
    if src.is_file():
        record["file_sha256"] = file_sha256(src)
    record["scenario_sha256"] = {s.name: file_sha256(s.path) for s in exp.scenarios if s.path.is_file()}
    return record


@contextmanager
def _progress(total: int, quiet: bool, log: TextIO) -> Iterator[Any]:
    from tqdm import tqdm

    with tqdm(total=total, unit="run", file=log, disable=quiet or None, smoothing=0.05) as bar:
        yield bar
