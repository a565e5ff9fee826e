"""Budget-matched controls (scenarios/controls/): one per policy package and for the full
party-led regime, each the community system plus exactly the extra hours and budget its
package was measured to use, split the baseline way (experiments/controls.py)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import yaml

from sim.scenario.loading import load_scenario

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from experiments import controls  # noqa: E402

DERIVATION = json.loads((controls.CONTROLS / "derivation.json").read_text(encoding="utf-8"))
#: Controls derived at other values (``--baseline/--dest``): the library at the posterior medians.
POSTERIOR = ROOT / "scenarios" / "posterior" / "controls"
#: Every control folder and its records: folder -> {file name: record}.
FOLDERS = {folder: json.loads((folder / "derivation.json").read_text(encoding="utf-8"))
           for folder in (controls.CONTROLS, POSTERIOR)}


def _baseline(record: dict) -> Path:
    """The scenario a control was derived from (records before --baseline existed name none: the library's)."""
    return ROOT / record.get("baseline", "scenarios/community_system.yaml")


@pytest.mark.parametrize("package", controls.PACKAGES, ids=lambda p: p.stem)
def test_every_package_has_a_control(package: Path) -> None:
    name = f"{load_scenario(package).name}_control.yaml"
    assert name in DERIVATION and (controls.CONTROLS / name).is_file(), (
        f"no budget-matched control for {package.relative_to(ROOT)}: run python experiments/controls.py --only {package.stem}")


def test_no_control_without_its_package() -> None:
    names = {f"{load_scenario(p).name}_control.yaml" for p in controls.PACKAGES}
    assert set(DERIVATION) <= names and {p.name for p in controls.CONTROLS.glob("*.yaml")} <= names


@pytest.mark.parametrize("path", [f / n for f, recs in FOLDERS.items() for n in sorted(recs)], ids=lambda p: p.name)
def test_control_is_the_baseline_plus_the_measured_extras(path: Path) -> None:
    """Only capacity changes; each changed key is the baseline's value plus its pool's share
    of the measured extra, and the shares add up to the whole extra."""
    record = FOLDERS[path.parent][path.name]
    own = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert (path.parent / own["extends"]).resolve() == _baseline(record).resolve()
    assert set(own) == {"extends", "name", "description", "capacity"}
    base, ctrl = load_scenario(_baseline(record)), load_scenario(path)
    assert ctrl.model_dump(exclude={"capacity", "name", "description"}) == base.model_dump(exclude={"capacity", "name", "description"})
    per = controls.units(base)
    added = record["added_per_day"]
    for pool, amount in added.items():
        key, scale = {**controls.HOUR_KEYS, **controls.BUDGET_KEYS}[pool]
        assert getattr(ctrl.capacity, key) == pytest.approx(getattr(base.capacity, key) + amount / per[scale], abs=1e-5)
    hours = sum(added[p] for p in controls.HOUR_KEYS)
    budget = sum(added[p] for p in controls.BUDGET_KEYS)
    assert hours == pytest.approx(max(record["extra_hours_per_day"], 0.0))
    assert budget == pytest.approx(max(record["extra_budget_per_day"], 0.0))
    measured = {k: record["used_package"][k] - record["used_baseline"][k] for k in record["used_package"]}
    assert record["extra_hours_per_day"] == pytest.approx(sum(v for k, v in measured.items()
                                                              if k.removeprefix("used_") in controls.HOUR_POOLS))


def test_split_follows_the_baselines_use() -> None:
    base_use = {"used_community_staff": 3.0, "used_street_staff": 1.0, "used_departments": 0.0}
    assert controls.split(8.0, base_use, controls.HOUR_KEYS) == {"community_staff": 6.0, "street_staff": 2.0,
                                                                  "departments": 0.0}
    assert sum(controls.split(-5.0, base_use, controls.HOUR_KEYS).values()) == 0.0


# --------------------------------------------------------------------------- realised-use controls
from experiments import realised_controls  # noqa: E402
from sim.model import GovernanceModel  # noqa: E402
from sim.resources import HOUR_POOLS  # noqa: E402
from sim.run import run  # noqa: E402

REALISED = {folder / name: record for folder in (realised_controls.REALISED, POSTERIOR / "realised")
            for name, record in json.loads((folder / "derivation.json").read_text(encoding="utf-8")).items()}


@pytest.mark.parametrize("package", realised_controls.PACKAGES, ids=lambda p: p.stem)
def test_the_full_regime_has_a_realised_use_control(package: Path) -> None:
    name = f"{load_scenario(package).name}_realised.yaml"
    assert realised_controls.REALISED / name in REALISED and (realised_controls.REALISED / name).is_file(), (
        f"no realised-use control for {package.relative_to(ROOT)}: run python experiments/realised_controls.py")


@pytest.mark.parametrize("path", sorted(REALISED), ids=lambda p: p.name)
def test_realised_control_gives_each_pool_what_the_package_used_of_it(path: Path) -> None:
    """Every hour pool's positive extra is added to that pool, and patrols or hours per case take it."""
    record = REALISED[path]
    base = load_scenario(_baseline(record))
    ctrl = load_scenario(path)
    assert (path.parent / yaml.safe_load(path.read_text(encoding="utf-8"))["extends"]).resolve() == _baseline(record).resolve()
    assert ctrl.model_dump(exclude={"capacity", "name", "description"}) == base.model_dump(
        exclude={"capacity", "name", "description"})
    rate = {}
    for cfg in (base, ctrl):
        model = GovernanceModel(cfg.model_copy(update={"warmup_days": 0}))
        rate[cfg.name] = {p: float(model.pools[p].rate.sum()) for p in HOUR_POOLS}
    for pool, given in record["given_hours_by_pool"].items():
        assert given == pytest.approx(max(record["extra_by_pool"][pool], 0.0)) or given == 0.0
        # Party members are drawn per seed; the control pays for their expected number.
        rel = 0.06 if pool == "party_volunteers" else 1e-3
        assert rate[ctrl.name][pool] - rate[base.name][pool] == pytest.approx(given, rel=rel, abs=1e-3), pool
    grid = record["given_hours_by_pool"]["grid_workers"]
    assert ctrl.capacity.patrol_hours_per_day - base.capacity.patrol_hours_per_day == pytest.approx(
        ctrl.capacity.grid_worker_hours_per_day - base.capacity.grid_worker_hours_per_day, abs=1e-6)
    assert (grid > 0) == (ctrl.capacity.patrol_hours_per_day > base.capacity.patrol_hours_per_day)


def test_volunteer_patrols_spend_volunteers_hours_and_find_issues() -> None:
    from tests.measures import spent
    from tests.strategies import tiny

    cfg = tiny(days=90, population={"residents": 1500})
    base = run(cfg)
    patrols = run(cfg.model_copy(update={"capacity": cfg.capacity.model_copy(update={
        "volunteer_patrol_hours_per_day": 3.0, "member_hours_per_year": 200.0})}))
    assert spent(base, "party_volunteers", "patrol") == 0.0
    assert spent(patrols, "party_volunteers", "patrol") == pytest.approx(3.0 * 90, rel=1e-6)
    assert patrols.outcomes["patrol_detection_share"] > base.outcomes["patrol_detection_share"]


@pytest.mark.slow
@pytest.mark.parametrize("path", sorted(REALISED), ids=lambda p: p.name)
def test_realised_control_spends_nine_tenths_of_its_extra_hours(path: Path) -> None:
    """At test scale (one community, 180 days after the library's warm-up, two seeds) the control
    uses at least 90% of the extra hours its pools were given (issue 15: 'fair controls')."""
    base_cfg = load_scenario(_baseline(REALISED[path]), overrides={"population.residents": 2900, "days": 180})
    ctrl_cfg = load_scenario(path, overrides={"population.residents": 2900, "days": 180})
    given = sum(float(GovernanceModel(ctrl_cfg.model_copy(update={"warmup_days": 0})).pools[p].rate.sum())
                - float(GovernanceModel(base_cfg.model_copy(update={"warmup_days": 0})).pools[p].rate.sum())
                for p in HOUR_POOLS)
    spent = []
    for seed in (0, 1):
        b = run(base_cfg.model_copy(update={"seed": seed}), detail=False).outcomes
        c = run(ctrl_cfg.model_copy(update={"seed": seed}), detail=False).outcomes
        spent.append(sum(c[f"used_{p}"] - b[f"used_{p}"] for p in HOUR_POOLS))
    assert given > 0 and min(spent) >= 0.9 * given, f"spent {spent} of {given:.1f} extra hours a day"


def test_another_baseline_needs_its_packages_named(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit, match="needs --only"):
        controls.main(["--baseline", "scenarios/posterior/community_system.yaml"])
    with pytest.raises(SystemExit, match="no such scenario file"):
        realised_controls.main(["--baseline", "scenarios/posterior/nothing.yaml", "--only", "party_led_full"])


def test_extends_is_relative_to_the_destination() -> None:
    assert controls.extends(ROOT / "scenarios" / "posterior" / "community_system.yaml",
                            ROOT / "scenarios" / "posterior" / "controls" / "realised") == "../../community_system.yaml"
    assert controls.extends(controls.BASELINE, ROOT / "results" / "x") == "../../scenarios/community_system.yaml"
