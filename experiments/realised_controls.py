"""Realised-use controls: the community system given, pool by pool, the hours and budget a
policy package actually uses beyond it, and made to spend them through baseline rules.

The budget-matched control (``experiments/controls.py``) gives the baseline the package's extra
resources in the pools the baseline works cases with; the baseline then uses little of them,
because those pools do not bind (issue 15: it spent 4.1 of 55.5 extra hours a day). Here every
pool gets back what the package used of it beyond the baseline (a pool the package relieves gets
nothing taken away), and a baseline rule spends it:

- grid workers' extra hours go to more patrols (``capacity.patrol_hours_per_day`` and the
  workers' hours, raised alike: every extra hour patrols);
- party volunteers' extra hours go to volunteer patrols beside the grid workers
  (``capacity.volunteer_patrol_hours_per_day``, with ``capacity.member_hours_per_year`` raised
  to pay for them);
- extra hours of the offices that work cases (community staff, property staff, the street
  office, departments) go to more hours per case (``capacity.case_hours`` of the kinds drawing on
  the pool, raised in proportion to the extra over the baseline's use), a baseline rule that spends
  them on the cases there are;
- extra budget goes to the budgets the baseline fixes issues with, split by its use, as in the
  budget-matched control.

    python experiments/realised_controls.py [--seeds 5] [--workers 2] [--only party_led_full]
    python experiments/realised_controls.py --baseline scenarios/posterior/community_system.yaml \
        --only scenarios/posterior/party_led_full.yaml --dest scenarios/posterior/controls/realised

writes ``scenarios/controls/realised/<package>_realised.yaml`` and ``derivation.json`` beside
them (the measured extras and what each pool's rule was given), which
``tests/test_controls.py`` checks the files against. A comparison then shows the share of its
extra each control spends (README, headline).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from experiments import controls  # noqa: E402
from sim.graph import build_population  # noqa: E402
from sim.resources import BUDGET_POOLS  # noqa: E402
from sim.scenario.loading import load_scenario  # noqa: E402
from sim.schema import ScenarioConfig  # noqa: E402

REALISED = controls.SCENARIOS / "controls" / "realised"
PACKAGES: tuple[Path, ...] = (controls.SCENARIOS / "party_led_full.yaml",)
#: Offices that work cases: pool -> (its capacity key, how the key scales, the case kinds drawing on it).
CASE_OFFICES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "community_staff": ("community_staff_hours_per_day", "per community", ("community",)),
    "property_staff": ("property_staff_hours_per_day", "per compound", ("compound",)),
    "street_staff": ("street_staff_hours_per_10k", "per 10k residents", ("street", "area")),
    "departments": ("department_hours_per_10k", "per department per 10k residents", ("department",)),
}


def counts(cfg: ScenarioConfig) -> dict[str, float]:
    """The units the per-unit keys are per, and the street's grid workers and active members."""
    pop = build_population(cfg.population, np.random.default_rng(cfg.seed),
                           households_per_grid_worker=cfg.capacity.households_per_grid_worker)
    # Members are drawn per seed: their expected number, not one draw's.
    members = cfg.population.residents * cfg.population.party_member_share * cfg.capacity.active_member_share
    return {**controls.units(cfg), "per compound": pop.n_compounds, "grid workers": pop.n_grid_cells, "active members": members}


def realised_control(package: Path, used: Mapping[str, Mapping[str, float]], *, seeds: Sequence[int],
                     baseline: Path = controls.BASELINE, dest: Path = REALISED) -> tuple[dict[str, Any], dict[str, Any]]:
    """The realised-use control's own mapping (a file in ``dest`` extending ``baseline``) and its derivation record."""
    base_use, pkg_use = used[str(baseline)], used[str(package)]
    cfg = load_scenario(baseline)
    cap, per = cfg.capacity, counts(cfg)
    extra = {k.removeprefix("used_"): pkg_use[k] - base_use[k] for k in pkg_use}
    given = {pool: max(v, 0.0) for pool, v in extra.items()}
    capacity: dict[str, Any] = {}
    grid = given["grid_workers"] / per["grid workers"]
    if grid:
        capacity["grid_worker_hours_per_day"] = round(cap.grid_worker_hours_per_day + grid, 6)
        capacity["patrol_hours_per_day"] = round(cap.patrol_hours_per_day + grid, 6)
    if given["party_volunteers"]:
        capacity["member_hours_per_year"] = round(cap.member_hours_per_year
                                                  + given["party_volunteers"] * 365 / per["active members"], 6)
        capacity["volunteer_patrol_hours_per_day"] = round(given["party_volunteers"] / per["per community"], 6)
    case_hours: dict[str, float] = {}
    for pool, (key, scale, kinds) in CASE_OFFICES.items():
        if given[pool] and base_use[f"used_{pool}"] > 0:
            capacity |= controls.raised(cap, {pool: given[pool]}, {pool: (key, scale)}, per)
            factor = 1 + given[pool] / base_use[f"used_{pool}"]
            case_hours |= {k: round(getattr(cap.case_hours, k) * factor, 6) for k in kinds}
        else:
            given[pool] = 0.0  # nothing the baseline's rules could spend it on
    if case_hours:
        capacity["case_hours"] = case_hours
    extra_budget = sum(extra[p] for p in BUDGET_POOLS)
    capacity |= controls.raised(cap, controls.split(extra_budget, base_use, controls.BUDGET_KEYS), controls.BUDGET_KEYS, per)
    hours = sum(given[p] for p in ("grid_workers", "party_volunteers", *CASE_OFFICES))
    name = f"{load_scenario(package).name}_realised"
    own = {"extends": controls.extends(baseline, dest), "name": name,
           "description": (f"Realised-use control of {controls.shown(package)}: {cfg.name} given, pool by pool, the "
                           f"{hours:.4g} extra hours and {max(extra_budget, 0.0):.4g} extra budget units a day that "
                           f"{controls.shown(package)} uses beyond it, spent through baseline rules (more patrols, volunteer "
                           "patrols, more hours per case; generated by experiments/realised_controls.py)."),
           "capacity": capacity}
    record = {"package": controls.shown(package), "baseline": controls.shown(baseline), "seeds": list(seeds), "extra_by_pool": extra,
              "given_hours_by_pool": {p: given[p] for p in ("grid_workers", "party_volunteers", *CASE_OFFICES)},
              "given_hours_per_day": hours, "given_budget_per_day": max(extra_budget, 0.0),
              "used_package": dict(pkg_use), "used_baseline": dict(base_use)}
    return own, record


HEADER = ("# Realised-use control, generated by experiments/realised_controls.py: do not edit by hand.\n"
          "# The community system given, pool by pool, the extra hours and budget its package uses, spent\n"
          "# through baseline rules; the measured extras are in derivation.json beside this file.\n")


def main(argv: Sequence[str] | None = None) -> int:
    args = controls.arguments(__doc__.splitlines()[0], "results/realised-controls", REALISED).parse_args(argv)
    baseline, dest, packages = controls.packages_of(args, PACKAGES)
    out = args.out if baseline == controls.BASELINE.resolve() else args.out.with_name(args.out.name + "-" + baseline.parent.name)
    used = controls.measure([baseline, *packages], args.seeds, workers=args.workers, out=out)
    dest.mkdir(parents=True, exist_ok=True)
    kept = dest / "derivation.json"
    derivation = json.loads(kept.read_text(encoding="utf-8")) if kept.is_file() else {}
    for package in packages:
        own, record = realised_control(package, used, seeds=range(args.seeds), baseline=baseline, dest=dest)
        path = dest / f"{own['name']}.yaml"
        controls.write(own, path, header=HEADER)
        derivation[path.name] = record
        print(f"{controls.shown(path)}: +{record['given_hours_per_day']:.2f} h/day given, "
              f"+{record['given_budget_per_day']:.2f} budget units/day")
    kept.write_text(json.dumps(derivation, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
