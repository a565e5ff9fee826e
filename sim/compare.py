"""``govsim compare``: replicate scenarios over common random numbers and compare them.

The experiment lives outside the model (EMA Workbench style): :func:`plan` turns scenario
files and a number of seeds into jobs, an *executor* runs them (local processes by
default), every finished job is written to disk at once, and :func:`summarize` reads the
files back to compute the statistics, the table and the figures.

Every scenario gets the same seeds 0..N-1. The model splits its random streams by purpose,
so a seed gives the same arriving issues whatever mechanisms are on, and scenarios are
compared seed by seed (paired differences to the first scenario).

Layout of the output folder ``OUT``::

    OUT/runs/<scenario>/seed<k>.parquet   daily table of one run (config hash in its metadata)
    OUT/runs/<scenario>/seed<k>.json      headline outcomes, config hash, timings (written last)
    OUT/comparison.csv                    tidy statistics, one row per scenario and outcome
    OUT/comparison.png                    daily outcomes, across-seed mean with 95% band
    OUT/comparison_summary.png            paired differences to the first scenario

Resuming: a job whose two run files exist and whose stored config hash equals the hash of
its resolved scenario (``model_dump`` JSON, sorted keys) is not run again; a job whose
scenario changed is. Results are collected by job key, never by completion order, so
they are the same whatever the number of workers.

Executors: any callable taking a sequence of :class:`Job` and yielding :class:`JobResult`
as jobs finish (in any order). :func:`serial_executor` runs in this process,
:func:`process_executor` in local processes. A Dask cluster fits the same interface::

    def dask_executor(client):                      # client: distributed.Client
        from distributed import as_completed
        def execute(jobs):
            futures = client.map(run_job, list(jobs), pure=False)
            for fut in as_completed(futures):
                yield fut.result()
        return execute

    compare(paths, 10, out, executor=dask_executor(client))

(the scenario files must then be readable at the same paths on the workers).
"""

from __future__ import annotations

import hashlib
import json
import math
import multiprocessing
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, TextIO

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from sim.errors import ScenarioError
from sim.outcomes import HEADLINE, REGISTRY, RESOURCE_USE
from sim.results import atomic_write
from sim.schema import ScenarioConfig
from sim.stats import mean_ci, mean_ci_rows, paired_difference

__all__ = [
    "CSV_COLUMNS",
    "PANELS",
    "Comparison",
    "Executor",
    "Job",
    "JobResult",
    "compare",
    "compare_cli",
    "config_hash",
    "format_table",
    "plan",
    "process_executor",
    "run_job",
    "serial_executor",
    "summarize",
]

#: Columns of ``comparison.csv``.
CSV_COLUMNS = ("scenario", "outcome", "n", "mean", "ci_low", "ci_high", "diff", "diff_ci_low",
               "diff_ci_high", "p_t", "p_wilcoxon", "d_z")

#: Daily columns shown over time in ``comparison.png``: column -> (panel title, y-axis label).
PANELS: dict[str, tuple[str, str]] = {
    "trust_mean": ("Mean trust in grassroots governance", "trust (0–1)"),
    "participation_rate": ("Participation", "share of residents"),
    "resolution_days_median": ("Median days to resolution (30-day window)", "days"),
    "backlog": ("Backlog", "open issues"),
    "acquaintance_share": ("Acquaintance ties", "share of non-household ties"),
    "false_closure_rate": ("False closures (30-day window)", "share of closures"),
}
#: Outcomes compared: the headline set, then resource use by pool.
COMPARED: tuple[str, ...] = (*HEADLINE, *RESOURCE_USE)

_META_HASH = b"govsim.config_hash"
_META_HEADLINE = b"govsim.headline"


# --------------------------------------------------------------------------- jobs


class Job(NamedTuple):
    """One replication: scenario ``index`` (position on the command line) and its unique
    ``name``, the scenario file, the seed, the other overrides and the hash of the
    resolved configuration."""

    index: int
    name: str
    path: Path
    seed: int
    overrides: tuple[tuple[str, Any], ...] = ()
    config_hash: str = ""

    @property
    def key(self) -> tuple[int, int]:
        """Sort and collection key: (scenario index, seed)."""
        return (self.index, self.seed)

    def load(self) -> ScenarioConfig:
        """The job's resolved scenario: the file with the overrides and the seed applied."""
        from sim.loading import load_scenario

        return load_scenario(self.path, overrides={**dict(self.overrides), "seed": self.seed})


@dataclass
class JobResult:
    """What a finished job sends back: its daily table and headline outcomes."""

    job: Job
    config_hash: str
    headline: dict[str, float]
    daily: pa.Table
    timings: dict[str, float] = field(default_factory=dict)


#: Runs jobs and yields their results as they finish, in any order.
Executor = Callable[[Sequence[Job]], Iterator[JobResult]]


def config_hash(cfg: ScenarioConfig) -> str:
    """SHA-256 of the resolved scenario (``model_dump`` JSON, sorted keys)."""
    text = json.dumps(cfg.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _safe_name(text: str) -> str:
    """A scenario name usable as a folder name (letters, digits, ``-_.``; other characters ``_``)."""
    out = "".join(c if (c.isalnum() or c in "-_.") else "_" for c in text.strip()).lstrip(".")
    return out[:80] or "scenario"


def unique_names(names: Sequence[str], stems: Sequence[str]) -> list[str]:
    """Folder-safe names, unique within a comparison: a name shared by several scenarios is
    replaced by the file stem; names still shared get ``-2``, ``-3``, ... in order."""
    safe = [_safe_name(n) for n in names]
    shared = Counter(safe)
    cand = [_safe_name(stem) if shared[s] > 1 else s for s, stem in zip(safe, stems)]
    out: list[str] = []
    taken: set[str] = set()
    for c in cand:
        name, k = c, 1
        while name in taken:
            k += 1
            name = f"{c}-{k}"
        taken.add(name)
        out.append(name)
    return out


def plan(scenario_paths: Sequence[str | Path], seeds: int | Iterable[int],
         overrides: Mapping[str, Any] | None = None) -> list[Job]:
    """Jobs for every scenario and every seed (``seeds`` = N means 0..N-1), sorted by
    (scenario index, seed). Every scenario gets the same seeds (common random numbers).

    Loads every scenario (raising :class:`ScenarioError` for a bad one) to name it and to
    hash its resolved configuration.
    """
    from sim.loading import load_scenario

    seed_list = list(range(seeds)) if isinstance(seeds, int) else sorted({int(s) for s in seeds})
    over = tuple(sorted((k, v) for k, v in (overrides or {}).items() if k != "seed"))
    paths = [Path(p) for p in scenario_paths]
    cfgs = [load_scenario(p, overrides=dict(over)) for p in paths]
    names = unique_names([c.name for c in cfgs], [p.stem for p in paths])
    jobs = []
    for i, (path, name) in enumerate(zip(paths, names)):
        for seed in seed_list:
            job = Job(i, name, path, seed, over)
            jobs.append(job._replace(config_hash=config_hash(job.load())))
    return sorted(jobs, key=lambda j: j.key)


def run_job(job: Job) -> JobResult:
    """Load the job's scenario, run it and compute its headline outcomes (runs in a worker)."""
    from sim.run import run

    cfg = job.load()
    result = run(cfg)
    return JobResult(job=job, config_hash=config_hash(cfg), headline=result.headline,
                     daily=result.daily, timings=dict(result.timings))


# --------------------------------------------------------------------------- executors


def serial_executor(jobs: Sequence[Job]) -> Iterator[JobResult]:
    """Run the jobs one after the other in this process."""
    for job in jobs:
        yield run_job(job)


def _mp_context() -> multiprocessing.context.BaseContext:
    """forkserver where available (no fork of a threaded parent), with the model preloaded."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["sim.compare", "sim.run", "sim.summary", "sim.loading"])
        return ctx
    return multiprocessing.get_context("spawn")


def process_executor(workers: int | None = None) -> Executor:
    """Executor running jobs in up to ``workers`` local processes (default: all cores).

    On a failing job, pending jobs are cancelled, the running ones are finished and
    yielded, then the failure is raised (with a note naming the job).
    """
    n_workers = max(1, workers or os.cpu_count() or 1)

    def execute(jobs: Sequence[Job]) -> Iterator[JobResult]:
        if not jobs:
            return
        pool = ProcessPoolExecutor(max_workers=min(n_workers, len(jobs)), mp_context=_mp_context())
        futures: dict[Future[JobResult], Job] = {}
        failed: tuple[Job, BaseException] | None = None
        try:
            futures = {pool.submit(run_job, job): job for job in jobs}
            pending = set(futures)
            while pending and failed is None:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for fut in sorted(done, key=lambda f: futures[f].key):
                    exc = fut.exception()
                    if exc is not None:
                        failed = failed or (futures[fut], exc)
                    else:
                        yield fut.result()
            if failed is not None:
                for fut in pending:
                    fut.cancel()
                for fut in sorted(pending, key=lambda f: futures[f].key):
                    if not fut.cancelled() and fut.exception() is None:
                        yield fut.result()
                job, exc = failed
                exc.add_note(f"while running scenario '{job.name}' ({job.path}), seed {job.seed}")
                raise exc
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    return execute


# --------------------------------------------------------------------------- run files


def run_files(out: Path, job: Job) -> tuple[Path, Path]:
    """The daily table (Parquet) and headline sidecar (JSON) of ``job`` under ``out``."""
    folder = Path(out) / "runs" / job.name
    return folder / f"seed{job.seed}.parquet", folder / f"seed{job.seed}.json"


def _json_value(x: float) -> float | None:
    return None if isinstance(x, float) and math.isnan(x) else x


def write_job(out: Path, result: JobResult) -> tuple[Path, Path]:
    """Write one finished job atomically: the daily table first, the JSON sidecar last (its
    presence with the right config hash marks the job done)."""
    job = result.job
    table_path, json_path = run_files(out, job)
    head = {k: _json_value(float(v)) for k, v in result.headline.items()}
    meta = dict(result.daily.schema.metadata or {})
    meta[_META_HASH] = result.config_hash.encode()
    meta[_META_HEADLINE] = json.dumps(head, sort_keys=True).encode()
    table = result.daily.replace_schema_metadata(meta)
    atomic_write(table_path, lambda p: pq.write_table(table, p, compression="zstd"))
    record = {
        "scenario": job.name,
        "path": str(job.path),
        "seed": job.seed,
        "overrides": dict(job.overrides),
        "config_hash": result.config_hash,
        "headline": head,
        "timings": result.timings,
    }
    text = json.dumps(record, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    atomic_write(json_path, lambda p: p.write_text(text, encoding="utf-8"))
    return table_path, json_path


def _read_record(json_path: Path) -> dict[str, Any] | None:
    try:
        record = json.loads(json_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def is_done(out: Path, job: Job) -> bool:
    """Whether ``job``'s run files exist and were made from the same resolved scenario."""
    table_path, json_path = run_files(out, job)
    if not table_path.is_file():
        return False
    record = _read_record(json_path)
    return (record is not None and record.get("config_hash") == job.config_hash
            and record.get("seed") == job.seed and isinstance(record.get("headline"), dict))


def load_job(out: Path, job: Job) -> tuple[dict[str, float], pa.Table]:
    """Headline outcomes and daily table of a finished job, read back from its files."""
    table_path, json_path = run_files(out, job)
    record = _read_record(json_path)
    if record is None:
        raise FileNotFoundError(f"missing or unreadable run record {json_path}")
    head = {k: (math.nan if v is None else float(v)) for k, v in record["headline"].items()}
    return head, pq.read_table(table_path)


# --------------------------------------------------------------------------- running


def _memory_cap(jobs: Sequence[Job], workers: int) -> int:
    """At most as many workers as the largest job fits in available memory."""
    from sim.loading import available_memory_bytes, estimate_run_bytes

    have = available_memory_bytes()
    if have is None or not jobs:
        return workers
    first: dict[int, Job] = {}
    for job in jobs:  # one estimate per scenario is enough: seeds do not change sizes
        first.setdefault(job.index, job)
    need = max(estimate_run_bytes(job.load()) for job in first.values())
    return max(1, min(workers, int(have // max(1, need))))


def execute(jobs: Sequence[Job], out: Path, executor: Executor, *,
            on_done: Callable[[JobResult], None] | None = None) -> list[Job]:
    """Run ``jobs`` with ``executor``, writing each result as soon as it arrives.
    Returns the jobs run, sorted by key."""
    ran: list[Job] = []
    for result in executor(list(jobs)):
        write_job(out, result)
        ran.append(result.job)
        if on_done is not None:
            on_done(result)
    return sorted(ran, key=lambda j: j.key)


@dataclass
class Comparison:
    """A finished comparison: the jobs, which ran now and which were resumed from disk,
    the tidy statistics rows and the files written."""

    jobs: list[Job]
    names: list[str]
    ran: list[Job]
    skipped: list[Job]
    rows: list[dict[str, Any]]
    files: list[Path]
    out: Path
    seconds: float = 0.0


def compare(scenario_paths: Sequence[str | Path], seeds: int | Iterable[int], out: str | Path, *,
            overrides: Mapping[str, Any] | None = None, workers: int | None = None,
            executor: Executor | None = None, quiet: bool = True, log: TextIO | None = None,
            plots: bool = True) -> Comparison:
    """Plan, run (skipping finished jobs), summarize and plot a comparison into ``out``.

    ``executor`` defaults to :func:`serial_executor` for one worker and to
    :func:`process_executor` otherwise (``workers`` None: all cores, capped by memory).
    Progress (a tqdm bar over jobs) and notes go to ``log`` (default stderr) unless ``quiet``.
    """
    t0 = time.perf_counter()
    log = log if log is not None else sys.stderr
    out = Path(out)
    jobs = plan(scenario_paths, seeds, overrides)
    if not jobs:
        raise ScenarioError("nothing to compare: give at least one seed (--seeds N with N >= 1)")
    done = {j.key for j in jobs if is_done(out, j)}
    todo = [j for j in jobs if j.key not in done]
    skipped = [j for j in jobs if j.key in done]
    if executor is None:
        n = workers if workers is not None else (os.cpu_count() or 1)
        n = min(n, len(todo))
        if n > 1:
            capped = _memory_cap(todo, n)
            if capped < n and not quiet:
                print(f"note: {capped} workers instead of {n}, to fit available memory", file=log)
            n = capped
        executor = process_executor(n) if n > 1 else serial_executor
    if skipped and not quiet:
        print(f"resuming: {len(skipped)} of {len(jobs)} runs already in {out / 'runs'}", file=log)
    ran: list[Job] = []
    if todo:
        from tqdm import tqdm

        with tqdm(total=len(todo), desc="compare", unit="run", file=log, disable=quiet or None) as bar:
            ran = execute(todo, out, executor, on_done=lambda r: bar.update(1))
    names = sorted({(j.index, j.name) for j in jobs})
    rows, files = summarize(jobs, out, plots=plots)
    return Comparison(jobs=jobs, names=[n for _, n in names], ran=ran, skipped=skipped, rows=rows,
                      files=files, out=out, seconds=time.perf_counter() - t0)


# --------------------------------------------------------------------------- statistics


def _headline_matrix(jobs: Sequence[Job], out: Path) -> tuple[dict[int, np.ndarray], dict[int, list[pa.Table]]]:
    """Per scenario index: headline values (seeds x outcomes, seed order) and daily tables."""
    heads: dict[int, list[list[float]]] = {}
    dailies: dict[int, list[pa.Table]] = {}
    for job in sorted(jobs, key=lambda j: j.key):
        head, daily = load_job(out, job)
        heads.setdefault(job.index, []).append([head.get(k, math.nan) for k in COMPARED])
        dailies.setdefault(job.index, []).append(daily)
    return {i: np.asarray(v, dtype=np.float64) for i, v in heads.items()}, dailies


def statistics_rows(names: Sequence[str], values: Mapping[int, np.ndarray]) -> list[dict[str, Any]]:
    """Tidy rows (:data:`CSV_COLUMNS`): per scenario and headline outcome the mean with 95%
    CI and, for every scenario after the first, the paired difference to the first."""
    rows = []
    base = values[0]
    for i, name in enumerate(names):
        for o, outcome in enumerate(COMPARED):
            ci = mean_ci(values[i][:, o])
            row: dict[str, Any] = {"scenario": name, "outcome": outcome, "n": ci.n, "mean": ci.mean,
                                   "ci_low": ci.low, "ci_high": ci.high}
            if i == 0:
                row.update(diff=None, diff_ci_low=None, diff_ci_high=None, p_t=None, p_wilcoxon=None, d_z=None)
            else:
                d = paired_difference(base[:, o], values[i][:, o])
                row.update(diff=d.mean, diff_ci_low=d.low, diff_ci_high=d.high, p_t=d.p_t,
                           p_wilcoxon=d.p_wilcoxon, d_z=d.d_z)
            rows.append(row)
    return rows


def _csv_cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float | np.floating):
        v = float(v)
        return "" if math.isnan(v) else repr(v)
    text = str(v)
    if any(c in text for c in ',"\n\r'):
        text = '"' + text.replace('"', '""') + '"'
    return text


def write_csv(rows: Sequence[Mapping[str, Any]], path: Path) -> Path:
    """Write the tidy rows as CSV (floats with full precision, NaN and n/a as empty cells)."""
    lines = [",".join(CSV_COLUMNS)] + [",".join(_csv_cell(r.get(c)) for c in CSV_COLUMNS) for r in rows]
    text = "\n".join(lines) + "\n"
    return atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))


def summarize(jobs: Sequence[Job], out: str | Path, *, plots: bool = True) -> tuple[list[dict[str, Any]], list[Path]]:
    """Read every job's run files back and write ``comparison.csv`` and the figures.
    Returns the tidy rows and the files written."""
    out = Path(out)
    names = [n for _, n in sorted({(j.index, j.name) for j in jobs})]
    values, dailies = _headline_matrix(jobs, out)
    rows = statistics_rows(names, values)
    files = [write_csv(rows, out / "comparison.csv")]
    if plots:
        files += _plot(jobs, names, rows, dailies, out)
    return rows, files


def _title(jobs: Sequence[Job], names: Sequence[str], *, with_names: bool = True) -> str:
    seeds = sorted({j.seed for j in jobs})
    cfgs = {}
    for j in jobs:
        cfgs.setdefault(j.index, j)
    loaded = [cfgs[i].load() for i in sorted(cfgs)]
    residents = {c.population.residents for c in loaded}
    days = {c.days for c in loaded}
    bits = [" vs ".join(names) if len(names) <= 4 else f"{len(names)} scenarios"] if with_names else []
    bits.append(f"{len(seeds)} seed{'s' if len(seeds) != 1 else ''}")
    if len(residents) == 1:
        bits.append(f"{residents.pop():,} residents")
    if len(days) == 1:
        bits.append(f"{days.pop():,} days")
    return ", ".join(bits)


def _plot(jobs: Sequence[Job], names: Sequence[str], rows: Sequence[Mapping[str, Any]],
          dailies: Mapping[int, list[pa.Table]], out: Path) -> list[Path]:
    from sim.plotting import plot_compare, plot_compare_summary

    title = _title(jobs, names)
    n_seeds = len({j.seed for j in jobs})
    series = []
    for i, name in enumerate(names):
        tables = dailies[i]
        day = np.asarray(tables[0].column("day"), dtype=np.float64)
        bands = {}
        for col in PANELS:
            mat = np.vstack([np.asarray(t.column(col), dtype=np.float64) for t in tables])
            bands[col] = mean_ci_rows(mat)
        series.append((name, day, bands))
    files = [plot_compare(series, out / "comparison.png", panels=PANELS, title=title, n_seeds=n_seeds)]
    if len(names) > 1:
        diffs = []
        for outcome in COMPARED:
            label, higher = REGISTRY[outcome].label, REGISTRY[outcome].direction >= 0
            entries = [(r["scenario"], r["diff"], r["diff_ci_low"], r["diff_ci_high"], r["p_t"])
                       for r in rows if r["outcome"] == outcome and r["diff"] is not None]
            diffs.append((outcome, label, higher, entries))
        files.append(plot_compare_summary(diffs, out / "comparison_summary.png", scenarios=list(names),
                                          title=f"Paired difference to '{names[0]}' — {_title(jobs, names, with_names=False)}"))
    return files


# --------------------------------------------------------------------------- table


def _g(x: float | None, signed: bool = False) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    if math.isinf(x):
        return ("+" if signed and x > 0 else "") + ("inf" if x > 0 else "-inf")
    if x == 0:
        return "0"
    return f"{x:+.4g}" if signed else f"{x:.4g}"


def _ci(lo: float | None, hi: float | None, signed: bool = False) -> str:
    if lo is None or hi is None or math.isnan(lo) or math.isnan(hi):
        return "–"
    return f"[{_g(lo, signed)}, {_g(hi, signed)}]"


def _p(p: float | None) -> str:
    if p is None or math.isnan(p):
        return "–"
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def _dz(d: float | None) -> str:
    if d is None or math.isnan(d):
        return "–"
    if math.isinf(d):
        return "+inf" if d > 0 else "-inf"
    return "0" if d == 0 else f"{d:+.2f}"


def format_table(comparison: Comparison) -> str:
    """The comparison as text for a 120-column terminal: one block per headline outcome,
    one row per scenario (mean and 95% CI; for later scenarios the paired difference to
    the first with its 95% CI, paired t-test p and d_z, and whether it is better or worse)."""
    names = comparison.names
    seeds = sorted({j.seed for j in comparison.jobs})
    base = names[0]
    w = max(8, min(20, max(len(n) for n in names)))
    by = {(r["scenario"], r["outcome"]): r for r in comparison.rows}
    if len(seeds) == 1:
        seed_text = f"seed {seeds[0]}"
    elif seeds == list(range(seeds[0], seeds[-1] + 1)):
        seed_text = f"seeds {seeds[0]}–{seeds[-1]}"
    else:
        seed_text = "seeds " + ", ".join(map(str, seeds))
    plural = "s" if len(names) != 1 else ""
    lines = [
        (f"{len(names)} scenario{plural} × {len(seeds)} seed{'s' if len(seeds) != 1 else ''} "
         f"({seed_text}, common random numbers); mean and 95% t-interval over seeds.")
    ]
    if len(names) > 1:
        lines.append(f"Δ = scenario − {base}, paired by seed; p = paired t-test; d_z = mean Δ / sd Δ;")
        lines.append("better/worse: the 95% CI of Δ excludes 0.")
    head = f"  {'scenario':<{w}} {'n':>3} {'mean':>9}  {'95% CI':<23}"
    if len(names) > 1:
        head += f" {'Δ':>10}  {'95% CI of Δ':<23} {'p':>6} {'d_z':>6}"
    for outcome in COMPARED:
        o = REGISTRY[outcome]
        label, higher = o.label, o.direction >= 0
        better = {1: "higher is better", -1: "lower is better", 0: "neither is better"}[o.direction]
        lines.append("")
        lines.append(f"{outcome}: {label}, {o.unit} ({better})")
        lines.append(head.rstrip())
        for i, name in enumerate(names):
            r = by[(name, outcome)]
            shown = name if len(name) <= w else name[: w - 1] + "…"
            line = f"  {shown:<{w}} {r['n']:>3} {_g(r['mean']):>9}  {_ci(r['ci_low'], r['ci_high']):<23}"
            if i > 0:
                verdict = ""
                lo, hi = r["diff_ci_low"], r["diff_ci_high"]
                known = lo is not None and hi is not None and not (math.isnan(lo) or math.isnan(hi))
                if known and (lo > 0 or hi < 0) and o.direction != 0:
                    verdict = "better" if (lo > 0) == higher else "worse"
                line += (f" {_g(r['diff'], True):>10}  {_ci(lo, hi, True):<23} {_p(r['p_t']):>6} "
                         f"{_dz(r['d_z']):>6}  {verdict}")
            lines.append(line.rstrip())
    return "\n".join(lines)


# --------------------------------------------------------------------------- CLI


def compare_cli(args: Any, *, overrides: Mapping[str, Any]) -> int:
    """``govsim compare``: progress on stderr, the table on stdout, then the files written."""
    if args.seeds < 1:
        raise ScenarioError("--seeds must be at least 1")
    result = compare(args.scenarios, args.seeds, args.out, overrides=overrides, workers=args.workers,
                     quiet=args.quiet)
    print(format_table(result))
    print()
    print(f"{len(result.ran)} runs done now, {len(result.skipped)} resumed from {result.out / 'runs'} "
          f"({result.seconds:.1f} s)")
    print("wrote: " + ", ".join(str(f) for f in result.files))
    return 0
