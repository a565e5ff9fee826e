"""Benchmark of the governance model against the performance targets of issue #2.

Run from the repository root::

    .venv/bin/python experiments/benchmark.py [--sizes 10000 100000] [--days 365] [--json OUT]

What is measured, at each population size (residents), and why:

1. **Graph build** -- ``sim.graph.build_population`` alone (best of ``--graph-repeats``),
   the vectorised construction of the street's hierarchy and social ties. Issue #2 asks
   for at most 1 s at 10,000 residents and 8 s at 100,000, so that scenarios and sweeps
   do not pay for the graph more than for the simulation.
2. **Model construction** -- ``GovernanceModel(config)``: graph, resident state, handlers
   and one Mesa agent per resident, grid worker and organisation (the ``build_s`` timing of
   ``sim.run.run``).
3. **A full run** -- the wall time of the ``days`` daily steps in ``sim.run.run`` (each step
   plus the day's metrics row; ``simulate_s``), and resident-days per second. Issue #2:
   10,000 residents x 365 days in at most 2 s, 100,000 x 365 in at most 25 s (applied to
   the stepping; with another ``--days`` the target is scaled proportionally).
4. **Peak memory** -- the maximum resident set size (``getrusage(RUSAGE_SELF).ru_maxrss``)
   of a fresh process that builds the population and runs the model, so that sizes do not
   pollute each other. Issue #2: at most 1.5 GB (1.5e9 bytes) at 100,000 residents, so a
   street fits on a laptop and several runs fit side by side.
5. **A reference** -- a plain Mesa 3.5 model on the *same* tie graph (``to_networkx``):
   one Mesa agent per resident holding a float opinion, each step
   ``model.agents.shuffle_do("step")`` with every agent taking the mean of its neighbours'
   values (neighbour lists precomputed; no Mesa space, no layout). This is about the
   cheapest per-agent Python rule Mesa can run, so the ratio of our resident-days per
   second to its own says how much the array-based design buys over per-agent stepping,
   and it calibrates timings across machines. It runs in its own process (its networkx
   graph must not count towards our peak memory) for as many steps as fit in
   ``--ref-budget`` seconds (at least 3, at most ``days``); when that is fewer than
   ``days`` its rate is extrapolated, which the output says.

Each size runs in two fresh subprocesses (this script with a hidden ``--_worker`` flag):
one for 1-4, one for 5. Children are limited to one BLAS/OpenMP thread; timings are
wall-clock, single-core and noisy: about +-10-20 % between runs on an idle machine, far
more when other processes compete for the cores (the load average is printed).
``--json OUT`` writes every number to a JSON file.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]

#: Issue #2 targets, by population size: seconds for the graph build.
GRAPH_TARGET_S: dict[int, float] = {10_000: 1.0, 100_000: 8.0}
#: Issue #2 targets, by population size: seconds of stepping for a 365-day run.
RUN_TARGET_S_365: dict[int, float] = {10_000: 2.0, 100_000: 25.0}
#: Issue #2 targets, by population size: peak resident set size in bytes.
MEMORY_TARGET_B: dict[int, float] = {100_000: 1.5e9}
#: Issue #6 target: a run of HORIZON_YEARS years costs at most this many times a one-year run.
HORIZON_RATIO_TARGET: float = 11.0
#: Minimum number of reference steps timed, whatever the budget.
REF_MIN_STEPS: int = 3

_SINGLE_THREAD_ENV = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "NUMEXPR_NUM_THREADS": "1",
}


def log(msg: str) -> None:
    """A progress line on stderr."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def max_rss_bytes() -> int:
    """Peak resident set size of this process so far (ru_maxrss is KiB on Linux, bytes on macOS)."""
    import resource

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(rss if sys.platform == "darwin" else rss * 1024)


# --------------------------------------------------------------------------- workers


def worker_model(n: int, days: int, graph_repeats: int) -> dict[str, Any]:
    """Graph build, model construction, a full run and peak memory at ``n`` residents."""
    import gc

    from sim.graph import build_population
    from sim.rng import make_streams
    from sim.run import run
    from sim.schema import ScenarioConfig

    rss_imports = max_rss_bytes()
    config = ScenarioConfig(days=days, population={"residents": n})
    hpgw = config.capacity.households_per_grid_worker
    graph_s: list[float] = []
    n_ties = 0
    for i in range(graph_repeats):
        rng = make_streams(config.seed).graph  # the model's own stream: the same population
        t0 = time.perf_counter()
        pop = build_population(config.population, rng, households_per_grid_worker=hpgw)
        graph_s.append(time.perf_counter() - t0)
        n_ties = pop.n_ties
        log(f"n={n:,}: graph build {i + 1}/{graph_repeats}: {graph_s[-1]:.3f} s")
        del pop
        gc.collect()
    rss_graph = max_rss_bytes()

    log(f"n={n:,}: running {days} days ...")
    t0 = time.perf_counter()
    result = run(config)
    wall = time.perf_counter() - t0
    rss_run = max_rss_bytes()
    t = result.timings
    log(f"n={n:,}: built in {t['build_s']:.2f} s, stepped in {t['simulate_s']:.2f} s")
    return {
        "n": n,
        "days": days,
        "n_ties": n_ties,
        "graph_build_s": graph_s,
        "graph_build_best_s": min(graph_s),
        "construct_s": t["build_s"],
        "simulate_s": t["simulate_s"],
        "tables_s": t["tables_s"],
        "run_wall_s": wall,
        "resident_days_per_s": n * days / t["simulate_s"],
        "rss_after_imports_b": rss_imports,
        "rss_after_graph_builds_b": rss_graph,
        "peak_rss_b": rss_run,
        "issues_recorded": result.issues.num_rows,
    }


def worker_reference(n: int, days: int, budget_s: float) -> dict[str, Any]:
    """The plain Mesa reference model on the same graph: steps and resident-days per second."""
    import mesa
    import numpy as np

    from sim.graph import build_population, to_networkx
    from sim.rng import make_streams
    from sim.schema import ScenarioConfig

    class OpinionAgent(mesa.Agent):
        """Holds a float; a step sets it to the mean of its neighbours' values."""

        def __init__(self, model: mesa.Model, value: float) -> None:
            super().__init__(model)
            self.value = value
            self.neighbours: list[OpinionAgent] = []

        def step(self) -> None:
            nb = self.neighbours
            if nb:
                self.value = sum(a.value for a in nb) / len(nb)

    class OpinionModel(mesa.Model):
        """One ``OpinionAgent`` per node, neighbour lists from the graph's adjacency."""

        def __init__(self, graph: Any, seed: int) -> None:
            super().__init__(rng=seed)
            nodes = sorted(graph.nodes)
            values = np.random.default_rng(seed).random(len(nodes)).tolist()
            agents = {i: OpinionAgent(self, v) for i, v in zip(nodes, values, strict=True)}
            for i in nodes:
                agents[i].neighbours = [agents[j] for j in graph.adj[i]]

        def step(self) -> None:
            self.agents.shuffle_do("step")

    config = ScenarioConfig(days=days, population={"residents": n})
    pop = build_population(config.population, make_streams(config.seed).graph,
                           households_per_grid_worker=config.capacity.households_per_grid_worker)
    t0 = time.perf_counter()
    graph = to_networkx(pop)
    t1 = time.perf_counter()
    model = OpinionModel(graph, seed=config.seed)
    t2 = time.perf_counter()
    log(f"n={n:,}: reference built (to_networkx {t1 - t0:.2f} s, agents {t2 - t1:.2f} s); "
        f"stepping for up to {budget_s:g} s ...")
    steps = 0
    start = time.perf_counter()
    elapsed = 0.0
    while steps < days and (steps < REF_MIN_STEPS or elapsed < budget_s):
        model.step()
        steps += 1
        elapsed = time.perf_counter() - start
    step_s = elapsed / steps
    log(f"n={n:,}: reference {steps} steps in {elapsed:.2f} s")
    return {
        "n": n,
        "to_networkx_s": t1 - t0,
        "construct_s": t2 - t1,
        "steps_timed": steps,
        "extrapolated": steps < days,
        "stepping_s": elapsed,
        "step_s": step_s,
        "steps_per_s": 1.0 / step_s,
        "resident_days_per_s": n / step_s,
        "days_run_s_estimate": step_s * days,
        "peak_rss_b": max_rss_bytes(),
    }


def worker_horizon(n: int, years: int) -> dict[str, Any]:
    """Stepping time of a one-year and a ``years``-year run at ``n`` residents: a day must
    cost the same in year ten as in year one (issue #6), so the ratio should be about ``years``."""
    from sim.run import run
    from sim.schema import ScenarioConfig

    out: dict[str, Any] = {"n": n, "years": years}
    for label, days in (("one_year", 365), ("long", 365 * years)):
        log(f"n={n:,}: horizon run of {days} days ...")
        result = run(ScenarioConfig(days=days, population={"residents": n}))
        out[f"{label}_simulate_s"] = result.timings["simulate_s"]
        out[f"{label}_issues"] = result.issues.num_rows
    out["ratio"] = out["long_simulate_s"] / out["one_year_simulate_s"]
    return out


def run_worker(kind: str, n: int, args: argparse.Namespace) -> dict[str, Any]:
    """Run ``kind`` ('model' or 'reference') at ``n`` residents in a fresh subprocess."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.json"
        cmd = [sys.executable, str(Path(__file__).resolve()), "--_worker", kind,
               "--sizes", str(n), "--days", str(args.days),
               "--graph-repeats", str(args.graph_repeats), "--ref-budget", str(args.ref_budget),
               "--horizon-years", str(args.horizon_years), "--_out", str(out)]
        env = {**os.environ, **_SINGLE_THREAD_ENV}
        subprocess.run(cmd, check=True, env=env, cwd=REPO, stdout=subprocess.DEVNULL)
        data: dict[str, Any] = json.loads(out.read_text())
        return data


# --------------------------------------------------------------------------- report


@dataclass(frozen=True, slots=True)
class Check:
    """One target of issue #2 and the measured value."""

    what: str
    n: int
    value: float
    limit: float
    unit: str

    @property
    def passed(self) -> bool:
        return self.value <= self.limit


def git_commit() -> str | None:
    """HEAD's commit read from ``.git`` files (no git process); None if unavailable."""
    git = REPO / ".git"
    try:
        if git.is_file():  # a worktree: "gitdir: <path>"
            git = (REPO / git.read_text().split(":", 1)[1].strip()).resolve()
        head = (git / "HEAD").read_text().strip()
        if not head.startswith("ref:"):
            return head
        ref = head.split(":", 1)[1].strip()
        for base in (git, _common_dir(git)):
            path = base / ref
            if path.is_file():
                return path.read_text().strip()
            packed = base / "packed-refs"
            if packed.is_file():
                for line in packed.read_text().splitlines():
                    parts = line.split()
                    if len(parts) == 2 and parts[1] == ref:
                        return parts[0]
    except OSError:
        return None
    return None


def _common_dir(git: Path) -> Path:
    common = git / "commondir"
    return (git / common.read_text().strip()).resolve() if common.is_file() else git


def machine_info() -> dict[str, Any]:
    """CPU, OS and package versions."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    versions = {}
    for pkg in ("numpy", "scipy", "networkx", "mesa"):
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            versions[pkg] = None
    return {
        "cpu": cpu,
        "cpu_count": os.cpu_count(),
        "cpus_usable": usable,
        "platform": platform.platform(),
        "python": platform.python_version(),
        **versions,
        "commit": git_commit(),
        "loadavg_1_5_15": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
    }


def fmt_rate(x: float) -> str:
    return f"{x / 1e6:.2f} M" if x >= 1e6 else f"{x / 1e3:.1f} k"


def fmt_mb(b: float) -> str:
    return f"{b / 1e6:,.0f} MB"


def row(label: str, value: str) -> str:
    """An aligned report line: label, then a right-aligned value."""
    return f"  {label:<44}{value:>11}"


def report(machine: dict[str, Any], results: list[dict[str, Any]], days: int) -> list[Check]:
    """Print the results and return the checks against issue #2's targets."""
    checks: list[Check] = []
    p = print
    p("govsim benchmark (targets from issue #2)")
    p(f"machine : {machine['cpu']}, {machine['cpu_count']} CPUs ({machine['cpus_usable']} usable), "
      f"{machine['platform']}")
    p(f"versions: Python {machine['python']}, numpy {machine['numpy']}, scipy {machine['scipy']}, "
      f"networkx {machine['networkx']}, mesa {machine['mesa']}")
    p(f"commit  : {machine['commit'] or 'unknown'} (HEAD; uncommitted changes not checked)")
    load = machine["loadavg_1_5_15"]
    p(f"load    : {' '.join(f'{x:.2f}' for x in load) if load else 'unknown'} (1/5/15-min load average at start)")
    p("note    : wall-clock timings, single core (1 BLAS/OpenMP thread), noisy: ~+-10-20 % between runs"
      " on an idle machine, far more under load; each size runs in fresh processes.")
    scale = days / 365
    for r in results:
        m, ref = r["model"], r["reference"]
        n = m["n"]
        p("")
        p(f"== {n:,} residents ({m['n_ties']:,} ties), {days} days ==")
        reps = len(m["graph_build_s"])
        line = row(f"graph build (build_population), best of {reps}", f"{m['graph_build_best_s']:.3f} s")
        if n in GRAPH_TARGET_S:
            c = Check("graph build", n, m["graph_build_best_s"], GRAPH_TARGET_S[n], "s")
            checks.append(c)
            line += f"   target <= {c.limit:g} s   {'PASS' if c.passed else 'MISS'}"
        p(line)
        p(row("model construction (GovernanceModel)", f"{m['construct_s']:.3f} s"))
        line = row(f"{days}-day run, stepping", f"{m['simulate_s']:.3f} s")
        if n in RUN_TARGET_S_365:
            limit = RUN_TARGET_S_365[n] * scale
            c = Check(f"{days}-day run", n, m["simulate_s"], limit, "s")
            checks.append(c)
            scaled = "" if days == 365 else f" (scaled from {RUN_TARGET_S_365[n]:g} s / 365 d)"
            line += f"   target <= {limit:.3g} s{scaled}   {'PASS' if c.passed else 'MISS'}"
        p(line)
        p(row("  resident-days per second", fmt_rate(m["resident_days_per_s"])))
        p(row("  construction + stepping + tables", f"{m['run_wall_s']:.3f} s")
          + f"   (tables {m['tables_s']:.3f} s, {m['issues_recorded']:,} issues)")
        line = row("peak RSS, fresh process (build + run)", fmt_mb(m["peak_rss_b"]))
        if n in MEMORY_TARGET_B:
            c = Check("peak memory", n, m["peak_rss_b"], MEMORY_TARGET_B[n], "B")
            checks.append(c)
            line += f"   target <= {fmt_mb(c.limit)}   {'PASS' if c.passed else 'MISS'}"
        p(line)
        p(f"    (after imports {fmt_mb(m['rss_after_imports_b'])}, "
          f"after graph builds {fmt_mb(m['rss_after_graph_builds_b'])})")
        how = (f"{ref['steps_timed']} of {days} steps timed, rates EXTRAPOLATED to {days} days"
               if ref["extrapolated"] else f"all {days} steps timed")
        p(f"  reference plain Mesa model, same graph ({how}):")
        p(f"    build: to_networkx {ref['to_networkx_s']:.2f} s, agents {ref['construct_s']:.2f} s; "
          f"peak RSS {fmt_mb(ref['peak_rss_b'])}")
        p(f"    {ref['steps_per_s']:.2f} steps/s, {fmt_rate(ref['resident_days_per_s'])} resident-days/s, "
          f"{days}-day run ~{ref['days_run_s_estimate']:.1f} s")
        r["ratio"] = m["resident_days_per_s"] / ref["resident_days_per_s"]
        p(f"  ratio ours / reference (resident-days per second): {r['ratio']:.1f}x")
    p("")
    p("== targets (issue #2) ==")
    for c in checks:
        if c.unit == "B":
            val, lim = fmt_mb(c.value), fmt_mb(c.limit)
        else:
            val, lim = f"{c.value:.3f} s", f"{c.limit:.3g} s"
        p(f"  {'PASS' if c.passed else 'MISS'}  {c.what:<14} at {c.n:>7,}: {val:>10} <= {lim}")
    if not checks:
        p("  (no targets defined for these sizes; targets exist for 10,000 and 100,000)")
    return checks


# --------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000], help="Residents per benchmark.")
    ap.add_argument("--days", type=int, default=365, help="Simulated days of the full run.")
    ap.add_argument("--json", type=Path, default=None, metavar="OUT", help="Write all numbers to this JSON file.")
    ap.add_argument("--graph-repeats", type=int, default=3, help="Graph builds timed per size (best is reported).")
    ap.add_argument("--ref-budget", type=float, default=10.0,
                    help="Seconds of reference stepping per size (at least 3 steps, at most --days).")
    ap.add_argument("--horizon-years", type=int, default=10,
                    help="Years of the long run whose cost is compared with a one-year run (0: skip).")
    ap.add_argument("--horizon-size", type=int, default=10_000, help="Residents of the horizon runs.")
    add_engine_args(ap)
    ap.add_argument("--_worker", dest="worker", choices=("model", "reference", "horizon"), help=argparse.SUPPRESS)
    ap.add_argument("--_out", dest="worker_out", type=Path, help=argparse.SUPPRESS)
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.worker:
        sys.path.insert(0, str(REPO))
        n = args.sizes[0]
        if args.worker == "model":
            data = worker_model(n, args.days, args.graph_repeats)
        elif args.worker == "horizon":
            data = worker_horizon(n, args.horizon_years)
        else:
            data = worker_reference(n, args.days, args.ref_budget)
        args.worker_out.write_text(json.dumps(data))
        return 0

    if args.section == "engine":
        return run_engine_section(args)
    t0 = time.perf_counter()
    machine = machine_info()
    results: list[dict[str, Any]] = []
    for n in args.sizes:
        log(f"n={n:,}: model process ...")
        model = run_worker("model", n, args)
        log(f"n={n:,}: reference process ...")
        reference = run_worker("reference", n, args)
        results.append({"model": model, "reference": reference})
    horizon = None
    if args.horizon_years > 1:
        log(f"n={args.horizon_size:,}: horizon process ...")
        horizon = run_worker("horizon", args.horizon_size, args)
    log(f"done in {time.perf_counter() - t0:.0f} s")
    checks = report(machine, results, args.days)
    if horizon is not None:
        c = Check(f"{args.horizon_years}y/1y cost", horizon["n"], horizon["ratio"], HORIZON_RATIO_TARGET, "x")
        checks.append(c)
        print(f"\n== day cost over time, {horizon['n']:,} residents (issue #6) ==")
        print(row("1-year run, stepping", f"{horizon['one_year_simulate_s']:.3f} s")
              + f"   ({horizon['one_year_issues']:,} issues)")
        print(row(f"{args.horizon_years}-year run, stepping", f"{horizon['long_simulate_s']:.3f} s")
              + f"   ({horizon['long_issues']:,} issues)")
        print(row("ratio", f"{c.value:.2f}x") + f"   target <= {c.limit:g}x   {'PASS' if c.passed else 'MISS'}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        payload = {
            "machine": machine,
            "args": {"sizes": args.sizes, "days": args.days, "graph_repeats": args.graph_repeats,
                     "ref_budget_s": args.ref_budget},
            "results": results,
            "horizon": horizon,
            "checks": [{**asdict(c), "passed": c.passed} for c in checks],
            "total_wall_s": time.perf_counter() - t0,
        }
        args.json.write_text(json.dumps(payload, indent=2))
        print(f"\nwrote {args.json}")
    return 0


# --------------------------------------------------------------------------- engine section


def add_engine_args(ap: argparse.ArgumentParser) -> None:
    """Options of the engine section (experiments/bench_engine.py)."""
    ap.add_argument("--section", choices=("model", "engine", "all"), default="model",
                    help="model: the model's speed and memory (default); engine: the sweep engine's targets "
                         "(overhead, 2-worker speedup, LHS sweep, coordinator memory, one 1M-resident run); all: both")
    g = ap.add_argument_group("engine section")
    g.add_argument("--overhead-runs", type=int, default=40, help="runs timed bare and through the engine")
    g.add_argument("--speedup-pairs", type=int, default=3, help="alternating 1-worker / 2-worker timings (the median ratio counts)")
    g.add_argument("--overhead-residents", type=int, default=2000, help="residents of those runs (365 days)")
    g.add_argument("--lhs-runs", type=int, default=1000, help="runs of the LHS sweep (fewer: extrapolated to 1,000; 0: skip)")
    g.add_argument("--memory-runs", type=int, default=10_000, help="tiny runs the coordinator plans and collects (0: skip)")
    g.add_argument("--big-residents", type=int, default=1_000_000, help="residents of the one big run (0: skip)")


def run_engine_section(args: argparse.Namespace) -> int:
    """Measure and print the engine section; add it to --json when given."""
    sys.path.insert(0, str(REPO))
    from experiments import bench_engine

    numbers = bench_engine.measure(overhead_runs=args.overhead_runs, overhead_residents=args.overhead_residents,
                                   speedup_pairs=args.speedup_pairs,
                                   lhs_runs=args.lhs_runs, memory_runs=args.memory_runs, big_residents=args.big_residents, log=log)
    checks = bench_engine.report(numbers)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        payload = json.loads(args.json.read_text()) if args.json.exists() else {}
        payload["engine"] = {"numbers": numbers, "machine": machine_info(),
                             "checks": [{"what": w, "value": v, "target": t, "passed": ok} for w, v, t, ok in checks]}
        args.json.write_text(json.dumps(payload, indent=2))
    return 0


if __name__ == "__main__":
    _args = parse_args()
    _code = main()
    if _args.section == "all" and not _args.worker:
        _code = run_engine_section(_args) or _code
    sys.exit(_code)
