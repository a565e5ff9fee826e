"""The scenario files under scenarios/: each loads, runs and documents itself; the
one-mechanism files and the full regime switch on what their names say."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

from sim.mechanisms import REGISTRY
from sim.run import run
from sim.scenario.loading import load_scenario
from sim.schema import ScenarioConfig

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
FILES = sorted(p for p in SCENARIOS.rglob("*") if p.suffix in (".yaml", ".yml"))
MECHANISM_FILES = sorted(p for p in FILES if p.parent == SCENARIOS / "mechanisms")
BASELINE = SCENARIOS / "community_system.yaml"
QUICK = {"days": 15, "warmup_days": 30, "population.residents": 800}


def _id(path: Path) -> str:
    return str(path.relative_to(SCENARIOS))


def _enabled(cfg: ScenarioConfig) -> set[str]:
    return {key for key in REGISTRY if getattr(cfg.mechanisms, key).enabled}


def _own(path: Path) -> dict:
    """The file's own mapping (before ``extends`` is merged in)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{_id(path)}: not a mapping"
    return data


def test_scenarios_exist() -> None:
    assert BASELINE in FILES
    assert len(FILES) >= 3 + len(REGISTRY)


@pytest.mark.parametrize("path", FILES, ids=_id)
def test_scenario_loads_and_runs_with_conservation(path: Path) -> None:
    cfg = load_scenario(path, overrides=QUICK)
    assert cfg.days == 15 and cfg.population.residents == 800
    result = run(cfg)
    d = {k.removeprefix("issues_").removesuffix("_total"): np.asarray(result.daily.column(k))
         for k in ("issues_arisen_total", "issues_open_at_start", "latent", "backlog", "issues_resolved_total",
                   "issues_false_closed_total", "issues_abandoned_total")}
    d["open"] = d.pop("backlog")
    assert len(d["arisen"]) == 15
    np.testing.assert_array_equal(d["arisen"] + d["open_at_start"],
                                  d["latent"] + d["open"] + d["resolved"] + d["false_closed"] + d["abandoned"])
    assert result.issues.num_rows == d["arisen"][-1] + d["open_at_start"][-1]


@pytest.mark.parametrize("path", FILES, ids=_id)
def test_scenario_documents_itself(path: Path) -> None:
    """A leading comment block (before any key) and a non-empty description of its own."""
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    first = next((line for line in lines if line), "")
    assert first.startswith("#"), f"{_id(path)}: no leading comment block"
    description = _own(path).get("description")
    assert isinstance(description, str) and description.strip(), f"{_id(path)}: no description"


@pytest.mark.parametrize("key", sorted(REGISTRY))
def test_one_mechanism_file_per_mechanism(key: str) -> None:
    assert SCENARIOS / "mechanisms" / f"{key}.yaml" in MECHANISM_FILES, (
        f"no scenarios/mechanisms/{key}.yaml: write the baseline plus {key} alone (extends: ../community_system.yaml)")


@pytest.mark.parametrize("path", MECHANISM_FILES, ids=_id)
def test_mechanism_file_enables_exactly_its_mechanism(path: Path) -> None:
    own = _own(path)
    assert "extends" in own, f"{_id(path)}: does not extend community_system"
    assert (path.parent / own["extends"]).resolve() == BASELINE.resolve()
    cfg = load_scenario(path)
    assert _enabled(cfg) == {path.stem}


def test_baseline_enables_nothing() -> None:
    assert _enabled(load_scenario(BASELINE)) == set()


@pytest.mark.parametrize("key", sorted(REGISTRY))
def test_party_led_full_enables_every_governance_mechanism(key: str) -> None:
    """The full regime switches on every registered mechanism of the article (``full_regime``)
    but exogenous events."""
    on = key in _enabled(load_scenario(SCENARIOS / "party_led_full.yaml"))
    wanted = REGISTRY[key].full_regime and not REGISTRY[key].exogenous
    assert on == wanted, (f"scenarios/party_led_full.yaml: {key} is " + ("on" if on else "off") +
                          f": add '{key}: {{enabled: true}}' to its mechanisms" * (not on))


@pytest.mark.parametrize("key", sorted(k for k, m in REGISTRY.items() if not m.exogenous))
def test_the_mechanisms_sweep_lists_every_mechanism_and_its_control(key: str) -> None:
    """experiments/mechanisms.yaml: the baseline, then each governance mechanism and its control."""
    listed = yaml.safe_load((ROOT / "experiments" / "mechanisms.yaml").read_text(encoding="utf-8"))["scenarios"]
    assert listed[0] == "../scenarios/community_system.yaml"
    for entry in (f"../scenarios/mechanisms/{key}.yaml", f"../scenarios/controls/{key}_control.yaml"):
        assert entry in listed, f"experiments/mechanisms.yaml does not list {entry}: add it under scenarios"


@pytest.mark.parametrize(("null_file", "full_file"), [("nulls/party_led_full_null.yaml", "party_led_full.yaml"),
                                                    ("posterior/party_led_full_null.yaml", "posterior/party_led_full.yaml")])
def test_the_null_regime_nulls_every_mechanism_of_the_full_regime(null_file: str, full_file: str) -> None:
    full = load_scenario(SCENARIOS / full_file)
    null = load_scenario(SCENARIOS / null_file)
    assert _enabled(null) == _enabled(full)
    assert all(getattr(null.mechanisms, k).null_variant for k in _enabled(null))
    assert null.model_dump(exclude={"mechanisms", "name", "description"}) == full.model_dump(
        exclude={"mechanisms", "name", "description"})


@pytest.mark.parametrize("stem", ["community_system", "party_led_full"])
def test_the_posterior_library_holds_the_curated_posterior_medians(stem: str) -> None:
    """scenarios/posterior/ is the library at the pre-reform posterior's medians, as the curated
    history matching wrote them (results/curated/history_pre_reform/): the same values, other names."""
    curated = load_scenario(ROOT / "results" / "curated" / "history_pre_reform" / f"{stem}.yaml")
    posterior = load_scenario(SCENARIOS / "posterior" / f"{stem}.yaml")
    assert posterior.name == f"{stem}_posterior"
    assert posterior.model_dump(exclude={"name", "description"}) == curated.model_dump(exclude={"name", "description"})
    assert posterior.model_dump(exclude={"name", "description"}) != load_scenario(SCENARIOS / f"{stem}.yaml").model_dump(
        exclude={"name", "description"})
