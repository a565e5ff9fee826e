"""Budget-matched controls: the community system given the same extra hours and budget as a
policy package, spent the baseline way.

For each policy package (``scenarios/packages/*.yaml``), for ``party_led_full`` and for each
mechanism alone (``scenarios/mechanisms/*.yaml``), the package and the baseline run on the
same seeds; the mean hours and budget the package uses
per day beyond the baseline, summed over pools (a pool it relieves counts against it), are
the extra resources it needs. The control gives the community system exactly that much more,
spent the baseline way: extra hours go to the pools the baseline works cases with (community
staff, street staff, departments), extra budget to the budgets it fixes issues with
(community, street), each in proportion to what the baseline uses of it. So a comparison of
a package with its control asks whether its rules beat the same resources spent as before.

    python experiments/controls.py [--seeds 5] [--workers 2] [--out results/controls]
    python experiments/controls.py --only supervision      # one control on demand (a new mechanism)
    python experiments/controls.py --baseline scenarios/posterior/community_system.yaml \
        --only scenarios/posterior/party_led_full.yaml --dest scenarios/posterior/controls   # at other values

writes ``scenarios/controls/<package>_control.yaml`` and ``scenarios/controls/derivation.json``
(the measured extras and the shares they were split by), which
``tests/test_controls.py`` checks the files against. ``--only`` (a mechanism key, a package
stem or a scenario file) makes or remakes just those controls and keeps the others' records.
``--baseline`` and ``--dest`` derive controls of another baseline (the calibrated one, say) into
another folder; the control files extend that baseline, and ``--only`` names the packages.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sim.graph import build_population  # noqa: E402
from sim.mechanisms import REGISTRY  # noqa: E402
from sim.outcomes.registry import RESOURCE_USE  # noqa: E402
from sim.resources import BUDGET_POOLS, HOUR_POOLS  # noqa: E402
from sim.scenario.loading import load_scenario  # noqa: E402
from sim.schema import ScenarioConfig  # noqa: E402

SCENARIOS = ROOT / "scenarios"
BASELINE = SCENARIOS / "community_system.yaml"
CONTROLS = SCENARIOS / "controls"
#: Policy packages, the full regime, and each governance mechanism alone (scenarios/mechanisms/;
#: exogenous events excepted: an outside shock has no resources to match).
PACKAGES: tuple[Path, ...] = (*sorted((SCENARIOS / "packages").glob("*.yaml")), SCENARIOS / "party_led_full.yaml",
                              *(SCENARIOS / "mechanisms" / f"{k}.yaml" for k, m in sorted(REGISTRY.items())
                                if not m.exogenous))

#: Where the baseline way spends extra resources: pool -> (capacity key, how the key scales).
HOUR_KEYS: dict[str, tuple[str, str]] = {
    "community_staff": ("community_staff_hours_per_day", "per community"),
    "street_staff": ("street_staff_hours_per_10k", "per 10k residents"),
    "departments": ("department_hours_per_10k", "per department per 10k residents"),
}
BUDGET_KEYS: dict[str, tuple[str, str]] = {
    "community_budget": ("community_budget_per_day", "per community"),
    "street_budget": ("street_budget_per_10k", "per 10k residents"),
}


def measure(paths: Sequence[Path], seeds: int, *, workers: int | None, out: Path) -> dict[str, dict[str, float]]:
    """Mean resources used per day, by pool, over seeds 0..seeds-1, for each scenario file
    (on the engine, resumable in ``out``)."""
    from sim.sweep.engine import run_experiment
    from sim.sweep.experiment import Experiment

    names = {p.stem: str(p) for p in paths}  # the library's file stems are unique
    exp = Experiment.build([{"file": path, "name": stem} for stem, path in names.items()], name="controls",
                           replications=seeds, outcomes=list(RESOURCE_USE))
    result = run_experiment(exp, out, workers=workers, quiet=False)
    used: dict[str, dict[str, float]] = {}
    for outcome in RESOURCE_USE:
        for (_, name), values in result.values(outcome).items():
            used.setdefault(names[name], {})[outcome] = float(np.mean(values))
    return used


def units(cfg: ScenarioConfig) -> dict[str, float]:
    """How many units each capacity key is per: communities, 10k residents, departments × 10k."""
    pop = build_population(cfg.population, np.random.default_rng(cfg.seed),
                           households_per_grid_worker=cfg.capacity.households_per_grid_worker)
    from sim.vocab import CATEGORIES

    per_10k = cfg.population.residents / 10_000
    return {"per community": pop.n_communities, "per 10k residents": per_10k,
            "per department per 10k residents": len(CATEGORIES) * per_10k}


def split(extra: float, base_use: Mapping[str, float], keys: Mapping[str, tuple[str, str]]) -> dict[str, float]:
    """``extra`` per day split over ``keys``' pools in proportion to the baseline's use."""
    weights = np.array([max(base_use[f"used_{p}"], 0.0) for p in keys])
    shares = weights / weights.sum() if weights.sum() > 0 else np.full(len(keys), 1 / len(keys))
    return {p: float(max(extra, 0.0) * s) for p, s in zip(keys, shares)}


def raised(cap: Any, added: Mapping[str, float], keys: Mapping[str, tuple[str, str]],
           per: Mapping[str, float]) -> dict[str, float]:
    """The capacity keys of ``keys``' pools raised by each pool's ``added`` amount a day, spread
    over the units the key is per (rounded as written into the control files)."""
    out = {}
    for pool, amount in added.items():
        key, scale = keys[pool]
        out[key] = round(getattr(cap, key) + amount / per[scale], 6)
    return out


def extends(baseline: Path, dest: Path) -> str:
    """The ``extends`` of a generated file in ``dest`` that builds on ``baseline`` (relative, POSIX)."""
    return Path(os.path.relpath(baseline.resolve(), dest.resolve())).as_posix()


def control(package: Path, used: Mapping[str, Mapping[str, float]], *, seeds: Sequence[int],
            baseline: Path = BASELINE, dest: Path = CONTROLS) -> tuple[dict[str, Any], dict[str, Any]]:
    """The control scenario's own mapping (a file in ``dest`` extending ``baseline``) and its derivation record."""
    base, pkg = used[str(baseline)], used[str(package)]
    cfg = load_scenario(baseline)
    extra_hours = sum(pkg[f"used_{p}"] - base[f"used_{p}"] for p in HOUR_POOLS)
    extra_budget = sum(pkg[f"used_{p}"] - base[f"used_{p}"] for p in BUDGET_POOLS)
    per = units(cfg)
    added = {**split(extra_hours, base, HOUR_KEYS), **split(extra_budget, base, BUDGET_KEYS)}
    capacity = raised(cfg.capacity, added, {**HOUR_KEYS, **BUDGET_KEYS}, per)
    name = f"{load_scenario(package).name}_control"
    own = {"extends": extends(baseline, dest), "name": name,
           "description": (f"Budget-matched control of {shown(package)}: {cfg.name} with the "
                           f"{extra_hours:.4g} extra hours and {extra_budget:.4g} extra budget units a day that "
                           f"{shown(package)} uses beyond the baseline, spent the baseline way (generated by "
                           "experiments/controls.py)."),
           "capacity": capacity}
    record = {"package": shown(package), "baseline": shown(baseline), "seeds": list(seeds), "extra_hours_per_day": extra_hours,
              "extra_budget_per_day": extra_budget, "added_per_day": added,
              "used_package": dict(pkg), "used_baseline": dict(base)}
    return own, record


HEADER = ("# Budget-matched control, generated by experiments/controls.py: do not edit by hand.\n"
          "# The community system with the extra hours and budget its package uses, spent the baseline way;\n"
          "# the measured extras and the split are in derivation.json beside this file.\n")


def write(own: Mapping[str, Any], path: Path, *, header: str = HEADER) -> None:
    """Write a control scenario file under its generated-file ``header``."""
    import yaml

    path.write_text(header + yaml.safe_dump(dict(own), sort_keys=False, allow_unicode=True, width=100), encoding="utf-8")


def shown(path: Path) -> str:
    """A scenario file as the records name it: relative to the repository where it lies inside."""
    path = path.resolve()
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def arguments(description: str, out: str, dest: Path) -> argparse.ArgumentParser:
    """The command line of a control generator (this one and ``realised_controls.py``)."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--baseline", type=Path, default=BASELINE,
                   help="the scenario the controls build on (default: scenarios/community_system.yaml)")
    p.add_argument("--dest", type=Path, default=dest, help=f"where the control files go (default: {dest.relative_to(ROOT)})")
    p.add_argument("--seeds", type=int, default=5)
    p.add_argument("--workers", type=int, default=None, help="worker processes (default: all cores)")
    p.add_argument("--out", type=Path, default=Path(out), help="where the runs are kept (resumable)")
    p.add_argument("--only", action="append", default=[], metavar="NAME",
                   help="make only this control: a mechanism key, a package stem or a scenario file (repeatable)")
    return p


def packages_of(args: argparse.Namespace, default: Sequence[Path]) -> tuple[Path, Path, list[Path]]:
    """The baseline, the destination folder and the packages a control generator's command line names
    (exit 2 when another baseline is given without ``--only``: the library's packages extend the library's)."""
    baseline, dest = args.baseline.resolve(), args.dest.resolve()
    if not baseline.is_file():
        raise SystemExit(f"error: --baseline {args.baseline}: no such scenario file")
    if baseline != BASELINE.resolve() and not args.only:
        raise SystemExit(f"error: --baseline {args.baseline} needs --only: name the package files built on it "
                         "(e.g. --only scenarios/posterior/party_led_full.yaml)")
    return baseline, dest, [_package(name) for name in args.only] if args.only else list(default)


def main(argv: Sequence[str] | None = None) -> int:
    args = arguments(__doc__.splitlines()[0], "results/controls", CONTROLS).parse_args(argv)
    seeds = list(range(args.seeds))
    baseline, dest, packages = packages_of(args, PACKAGES)
    tags = ([] if baseline == BASELINE.resolve() else [baseline.parent.name]) + [p.stem for p in packages if args.only]
    out = args.out.with_name("-".join([args.out.name, *tags]))  # one store per set of runs
    used = measure([baseline, *packages], args.seeds, workers=args.workers, out=out)
    dest.mkdir(parents=True, exist_ok=True)
    kept = dest / "derivation.json"
    derivation = json.loads(kept.read_text(encoding="utf-8")) if args.only and kept.is_file() else {}
    for package in packages:
        own, record = control(package, used, seeds=seeds, baseline=baseline, dest=dest)
        path = dest / f"{own['name']}.yaml"
        write(own, path)
        derivation[path.name] = record
        print(f"{shown(path)}: +{record['extra_hours_per_day']:.2f} h/day, "
              f"+{record['extra_budget_per_day']:.2f} budget units/day")
    kept.write_text(json.dumps(derivation, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return 0


def _package(name: str) -> Path:
    """The scenario file ``--only NAME`` means, or exit 2 naming what exists."""
    for path in (Path(name), SCENARIOS / "mechanisms" / f"{name}.yaml", SCENARIOS / "packages" / f"{name}.yaml",
                 SCENARIOS / f"{name}.yaml"):
        if path.suffix == ".yaml" and path.is_file():
            return path.resolve()
    known = ", ".join(sorted(p.stem for p in PACKAGES))
    raise SystemExit(f"error: --only {name}: no such mechanism, package or scenario file (known: {known})")


if __name__ == "__main__":
    raise SystemExit(main())
