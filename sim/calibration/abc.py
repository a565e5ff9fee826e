"""``govsim calibrate``: the free behavioural parameters estimated from the public figures
of a targets file (:mod:`sim.calibration.targets`) by approximate Bayesian computation, every batch of
runs on the sweep engine (:func:`sim.sweep.engine.run_experiment`; resumable, byte-identical for
any number of workers).

Method (ABC rejection; Beaumont et al. 2002, without regression adjustment):

1. *Prior*: each free parameter uniform on its range (``calibration.free``, chosen by the
   Morris screening of ``experiments/screening.yaml``); ``samples`` draws by Latin hypercube
   (the engine's ``lhs`` design). Every other parameter keeps its scenario value: the regime
   (mechanisms, capacities, budgets) is held fixed.
2. *Simulation*: each draw runs every regime (``calibration.scenarios``: the community system
   and party-led governance) with the **same** behavioural values and ``seeds`` seeds (common
   random numbers), one engine experiment per regime in the file's order, so that the later
   regimes find each draw's warm state (:mod:`sim.warmup`) in the cache.
3. *Distance*: the root mean square over the distance targets (calibration use, mapped, not
   input checks) of z = (model − figure) / tolerance, each model value the mean over seeds of
   the target's reading: d ≤ 1 means within tolerance on average.
4. *Acceptance*: the ``accept`` share of draws with the smallest distance (at least two), the
   approximate posterior; per parameter its median and 2.5% and 97.5% quantiles.
5. *Fit*: the calibrated values are the posterior medians; every regime runs there with
   ``fit_seeds`` seeds and every target (calibration and validation) gets the model mean with
   its 95% t-interval and a verdict (within tolerance or not; not reachable; input).
"""

from __future__ import annotations

import datetime
import json
import math
import os
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq
import yaml

from sim.analysis.stats import mean_ci
from sim.calibration.targets import Target, Targets, load_targets, rms
from sim.errors import ScenarioError
from sim.output.provenance import require_clean
from sim.output.tables import write_csv
from sim.sweep.designs import design_points
from sim.sweep.engine import SweepResult, run_experiment
from sim.sweep.experiment import Experiment
from sim.sweep.store import wall_seconds
from sim.warmup import code_fingerprint

__all__ = ["Budget", "calibrate", "calibrate_cli", "readings", "run_regimes"]

#: Where ``--publish`` copies the small outputs and writes the calibrated scenarios.
CURATED = Path("results") / "curated" / "calibration"
SCENARIOS = Path("scenarios") / "calibrated"
FILES = ("calibration.json", "fit.csv", "posterior.csv", "draws.csv")


@dataclass(frozen=True)
class Budget:
    """How much to run: prior draws, seeds per draw, accepted share, fit seeds, overrides."""

    samples: int
    seeds: int
    accept: float
    fit_seeds: int
    set: dict[str, Any] = field(default_factory=dict)
    workers: int | None = None
    quiet: bool = True


def run_regimes(targets: Targets, out: Path, *, stage: str, overrides: Mapping[str, Any], replications: int,
                budget: Budget, factors: Mapping[str, Any] | None = None, design: Mapping[str, Any] | None = None,
                extra: Mapping[str, Sequence[str]] | None = None) -> dict[str, SweepResult]:
    """One engine experiment per regime into ``out/stage/regime``, keeping the outcomes the
    regime's targets map to and ``extra[regime]`` (and the daily series of those targets read
    at the steady state)."""
    results = {}
    for regime, path in targets.scenarios.items():
        compared = targets.of(regime)
        outcomes = sorted({t.maps_to for t in compared} | set((extra or {}).get(regime, ()))) or ["resolution_rate"]
        daily = sorted({t.maps_to for t in compared if t.reading == "steady"})
        exp = Experiment.build([str(path)], name=f"{stage}-{regime}", set=dict(overrides), factors=factors,
                               design=design, replications=replications, outcomes=outcomes, daily=daily)
        results[regime] = run_experiment(exp, out / stage / regime, workers=budget.workers, quiet=budget.quiet,
                                         manifest={"command": sys.argv})
    return results


def readings(result: SweepResult, targets: list[Target]) -> dict[str, np.ndarray]:
    """Per target: its reading (:meth:`Target.read`) in every run, as points × seeds."""
    exp = result.exp
    runs = result.runs().to_pydict()
    out = {t.id: np.full((exp.n_points, exp.replications), np.nan) for t in targets}
    series: dict[tuple[int, int], dict[str, np.ndarray]] = {}
    if exp.daily:
        table = pq.read_table(result.out / "daily.parquet").to_pydict()
        key = np.asarray(table["point"]) * exp.replications + np.asarray(table["seed"])
        cuts = np.flatnonzero(np.diff(key)) + 1
        for rows in np.split(np.arange(len(key)), cuts):
            k = int(key[rows[0]])
            series[divmod(k, exp.replications)] = {o: np.asarray(table[o], dtype=np.float64)[rows] for o in exp.daily}
    for i, (p, s) in enumerate(zip(runs["point"], runs["seed"])):
        summary = {o: math.nan if runs[o][i] is None else runs[o][i] for o in exp.outcomes}
        for t in targets:
            out[t.id][p, s] = t.read(summary, series.get((p, s), {}).get(t.maps_to))
    return out


def _quantiles(x: np.ndarray) -> dict[str, float]:
    q = np.quantile(x, [0.025, 0.5, 0.975])
    return {"median": float(q[1]), "q025": float(q[0]), "q975": float(q[2])}


def abc(targets: Targets, out: Path, budget: Budget) -> dict[str, Any]:
    """Steps 1–4 of the module docstring: draws, distances, accepted draws, posterior."""
    cal = targets.calibration
    assert cal is not None
    factors = {k: {"low": p.low, "high": p.high} for k, p in cal.free.items()}
    design = {"method": "lhs", "samples": budget.samples, "seed": cal.design_seed}
    results = run_regimes(targets, out, stage="abc", overrides={**cal.set, **budget.set}, replications=budget.seeds,
                          budget=budget, factors=factors, design=design)
    fitted = targets.distance_targets
    z = np.full((budget.samples, len(fitted)), np.nan)
    model = {}
    for regime, result in results.items():
        mine = [t for t in fitted if t.regime == regime]
        for t, values in readings(result, mine).items():
            j = next(i for i, f in enumerate(fitted) if f.id == t)
            with np.errstate(invalid="ignore"):
                model[t] = np.nanmean(values, axis=1)
            z[:, j] = [fitted[j].z(v) for v in model[t]]
    d = np.where(np.isfinite(z).all(axis=1), rms(np.nan_to_num(z, posinf=1e9, neginf=-1e9)), np.inf)
    exp = next(iter(results.values())).exp
    draws = np.array([[pt[k] for k in cal.free] for pt in design_points(exp)], dtype=np.float64)
    k = min(budget.samples, max(2, math.ceil(budget.accept * budget.samples)))
    accepted = np.argsort(d, kind="stable")[:k]
    posterior = {name: {"low": cal.free[name].low, "high": cal.free[name].high, **_quantiles(draws[accepted, j]),
                        "integer": name in exp.integer_factors} for j, name in enumerate(cal.free)}
    rows = [{"draw": i, **{n: float(draws[i, j]) for j, n in enumerate(cal.free)}, **{t: float(v[i]) for t, v in model.items()},
             "distance": float(d[i]), "accepted": bool(i in set(accepted.tolist()))} for i in range(budget.samples)]
    return {"posterior": posterior, "draws": rows, "accepted": int(k), "threshold": float(d[accepted[-1]]),
            "distance_targets": [t.id for t in fitted]}


def calibrated_values(posterior: Mapping[str, Mapping[str, Any]]) -> dict[str, float | int]:
    """The posterior medians (rounded for integer parameters), 4 significant digits."""
    return {k: int(round(p["median"])) if p["integer"] else float(f"{p['median']:.4g}") for k, p in posterior.items()}


def fit(targets: Targets, out: Path, values: Mapping[str, Any], budget: Budget, *, stage: str = "fit") -> list[dict[str, Any]]:
    """Step 5: every target's model mean with 95% CI at the calibrated values, and its verdict."""
    cal = targets.calibration
    assert cal is not None
    results = run_regimes(targets, out, stage=stage, overrides={**cal.set, **budget.set, **values},
                          replications=budget.fit_seeds, budget=budget)
    got = {}
    for regime, result in results.items():
        got.update({t: v[0] for t, v in readings(result, targets.of(regime)).items()})
    return [fit_row(t, got.get(t.id)) for t in targets.targets]


def fit_row(t: Target, values: np.ndarray | None) -> dict[str, Any]:
    """A target's line of the fit table: figure, model mean with 95% CI, verdict."""
    row: dict[str, Any] = {"id": t.id, "use": t.use, "regime": t.regime, "maps_to": t.maps_to, "reading": t.reading,
                           "value": t.value, "tolerance": t.tolerance, "comparison": t.comparison, "unit": t.unit,
                           "n": 0, "mean": math.nan, "low": math.nan, "high": math.nan, "z": math.nan, "within": None}
    if t.use == "resource_anchor":
        return {**row, "status": "input (resource anchor)"}
    if values is None:
        return {**row, "status": "not reachable by the model's definitions"}
    ci = mean_ci(values)
    status = "input check" if t.input_check else "fitted" if t.use == "calibration" else "held out"
    return {**row, "n": ci.n, "mean": ci.mean, "low": ci.low, "high": ci.high, "z": t.z(ci.mean),
            "within": t.within(ci.mean), "status": status}


def write_scenarios(targets: Targets, values: Mapping[str, Any], folder: Path, *, header: str,
                    description: str = "with the behavioural parameters of the calibration (docs/validation.md)") -> list[Path]:
    """One scenario file per regime extending the library's file with only ``values`` changed.
    A value inside a mapping below a section (a group's value, ``behaviour.availability.local``)
    is written with its siblings at the regime's own values, since such mappings are given whole."""
    from sim.scenario.loading import load_scenario

    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for regime, path in targets.scenarios.items():
        resolved = load_scenario(path).model_dump(mode="json")
        nested: dict[str, Any] = {}
        for key, v in values.items():
            node, own = nested, resolved
            *parents, leaf = key.split(".")
            for depth, part in enumerate(parents):
                own = own[part]
                node = node.setdefault(part, dict(own) if depth > 0 else {})
            node[leaf] = v
        rel = os.path.relpath(path.resolve(), folder.resolve())
        data = {"extends": rel, "name": f"{regime}_calibrated",
                "description": f"{regime} {description}."}
        text = "".join(f"# {line}".rstrip() + "\n" for line in header.splitlines())
        text += yaml.safe_dump({**data, **nested}, sort_keys=False, allow_unicode=True)
        files.append(folder / f"{regime}.yaml")
        files[-1].write_text(text, encoding="utf-8")
    return files


def calibrate(path: str | Path, out: str | Path, budget: Budget, *, curated: Path | None = None,
              scenarios: Path | None = None, command: str = "") -> dict[str, Any]:
    """The whole calibration (module docstring) into ``out``; with ``curated`` and
    ``scenarios``, the small outputs are copied there and the calibrated scenarios written."""
    t0, load0 = time.perf_counter(), os.getloadavg()
    targets = load_targets(path)
    if targets.calibration is None:
        raise ScenarioError(f"{path}: no 'calibration' section: name the regimes' scenarios and the free parameters")
    clash = sorted(set(budget.set) & set(targets.calibration.free))
    if clash:
        raise ScenarioError(f"--set {clash[0]}: a free parameter is searched, not set; drop the override")
    out = Path(out)
    found = abc(targets, out, budget)
    values = calibrated_values(found["posterior"])
    rows = fit(targets, out, values, budget)
    record = {
        "command": command or " ".join(sys.argv), "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d"),
        "wall_s": round(max(time.perf_counter() - t0, wall_seconds(out)), 1), "workers": budget.workers, "cpus": os.cpu_count(),
        "load_average": [round(x, 2) for x in (*load0, *os.getloadavg())], "code_fingerprint": code_fingerprint(),
        "targets_file": str(path), "method": "ABC rejection (Latin-hypercube prior draws, RMS of tolerance-scaled errors)",
        "budget": {"samples": budget.samples, "seeds": budget.seeds, "accept": budget.accept, "fit_seeds": budget.fit_seeds,
                   "set": {**targets.calibration.set, **budget.set}, "design_seed": targets.calibration.design_seed},
        "accepted": found["accepted"], "accepted_share": found["accepted"] / budget.samples,
        "distance_threshold": found["threshold"], "distance_targets": found["distance_targets"],
        "posterior": found["posterior"], "calibrated": values, "fit": rows,
    }
    (out / "calibration.json").write_text(json.dumps(record, indent=1, ensure_ascii=False, allow_nan=True) + "\n",
                                          encoding="utf-8")
    write_csv(rows, None, out / "fit.csv", digits=6)
    write_csv([{"parameter": k, **v} for k, v in found["posterior"].items()], None, out / "posterior.csv", digits=6)
    write_csv(found["draws"], None, out / "draws.csv", digits=6)
    if curated is not None:
        curated.mkdir(parents=True, exist_ok=True)
        for name in FILES:
            (curated / name).write_bytes((out / name).read_bytes())
    if scenarios is not None:
        header = (f"Calibrated by `{record['command']}` on {record['date']} (code {record['code_fingerprint'][:12]}):\n"
                  f"{record['method']}, {budget.samples} draws x {len(targets.scenarios)} regimes, the closest "
                  f"{found['accepted']} accepted;\nthe values are the posterior medians; fit and intervals in "
                  "results/curated/calibration/ and docs/validation.md.\nOnly behavioural keys differ from the "
                  "library's file.")
        write_scenarios(targets, values, scenarios, header=header)
    return record


def calibrate_cli(args: Any, sets: Mapping[str, Any]) -> int:
    """``govsim calibrate TARGETS``: the file's budget unless overridden on the command line."""
    targets = load_targets(args.targets)
    cal = targets.calibration
    if cal is None:
        raise ScenarioError(f"{args.targets}: no 'calibration' section: name the regimes' scenarios and the free parameters")
    budget = Budget(samples=args.samples or cal.samples, seeds=args.seeds or cal.seeds, accept=args.accept or cal.accept,
                    fit_seeds=args.fit_seeds or cal.fit_seeds, set=dict(sets), workers=args.workers, quiet=args.quiet)
    if budget.fit_seeds < 2:
        raise ScenarioError("--fit-seeds must be at least 2 (a confidence interval needs two seeds)")
    if args.publish:
        require_clean("the calibration (--publish)")
    record = calibrate(args.targets, args.out, budget, curated=CURATED if args.publish else None,
                       scenarios=SCENARIOS if args.publish else None)
    print(f"calibrated in {record['wall_s']:.0f} s: {record['accepted']} of {budget.samples} draws accepted "
          f"(distance <= {record['distance_threshold']:.3g})")
    for k, p in record["posterior"].items():
        print(f"  {k:<40} {record['calibrated'][k]:>10.4g}  [{p['q025']:.4g}, {p['q975']:.4g}]  prior [{p['low']:g}, {p['high']:g}]")
    for r in record["fit"]:
        if r["use"] != "resource_anchor":
            verdict = "" if r["within"] is None else ("within" if r["within"] else "OUTSIDE")
            print(f"  {r['id']:<45} {r['value']:>7.3f}  model {r['mean']:>7.3f} [{r['low']:.3f}, {r['high']:.3f}]  "
                  f"{r['status']:<12} {verdict}")
    print(f"wrote: {args.out}/" + ", ".join(FILES) + (f"; {CURATED}/, {SCENARIOS}/" if args.publish else ""))
    return 0
