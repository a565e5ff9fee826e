"""experiments/model_v2_parts.py: the preview's v2 rules split into groups, each a change from v1."""

from __future__ import annotations

from experiments import model_v2_parts as parts
from sim.scenario.loading import load_scenario


def _get(cfg: object, key: str) -> object:
    for part in key.split("."):
        cfg = getattr(cfg, part)
    return cfg


def test_every_rule_of_the_preview_is_in_exactly_one_group_and_settings_partition_them() -> None:
    _, rules = parts.preview()
    s = parts.settings(rules)
    assert s["v1"] == {} and s["all of v2"] == rules
    alone = [s[f"{g} only"] for g in parts.GROUPS]
    assert all(alone)
    assert sum(len(a) for a in alone) == len(rules)
    assert {k for a in alone for k in a} == set(rules)


def test_every_preview_value_changes_the_library_baseline() -> None:
    """A preview key at its default would switch nothing on: v1 is what the defaults compute."""
    scenarios, rules = parts.preview()
    base = load_scenario(scenarios[0])
    unchanged = [k for k, v in rules.items() if _get(base, k) == v]
    assert not unchanged, f"experiments/model_v2.yaml sets these to the library's value: {unchanged}"


def test_varying_one_rule_keeps_every_other_rule_on() -> None:
    _, rules = parts.preview()
    s = parts.varied(rules, "behaviour.procedural_weight=0,1")
    assert [v["behaviour.procedural_weight"] for v in s.values()] == [0, 1]
    assert all({k: v for k, v in x.items() if k != "behaviour.procedural_weight"}
               == {k: v for k, v in rules.items() if k != "behaviour.procedural_weight"} for x in s.values())
