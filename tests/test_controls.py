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


@pytest.mark.parametrize("package", controls.PACKAGES, ids=lambda p: p.stem)
def test_every_package_has_a_control(package: Path) -> None:
    name = f"{load_scenario(package).name}_control.yaml"
    assert name in DERIVATION and (controls.CONTROLS / name).is_file(), (
        f"no budget-matched control for {package.relative_to(ROOT)}: run python experiments/controls.py --only {package.stem}")


def test_no_control_without_its_package() -> None:
    names = {f"{load_scenario(p).name}_control.yaml" for p in controls.PACKAGES}
    assert set(DERIVATION) <= names and {p.name for p in controls.CONTROLS.glob("*.yaml")} <= names


@pytest.mark.parametrize("name", sorted(DERIVATION))
def test_control_is_the_baseline_plus_the_measured_extras(name: str) -> None:
    """Only capacity changes; each changed key is the baseline's value plus its pool's share
    of the measured extra, and the shares add up to the whole extra."""
    record = DERIVATION[name]
    path = controls.CONTROLS / name
    own = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert own["extends"] == "../community_system.yaml" and set(own) == {"extends", "name", "description", "capacity"}
    base, ctrl = load_scenario(controls.BASELINE), load_scenario(path)
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
