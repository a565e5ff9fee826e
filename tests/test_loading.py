"""Scenario loading: every refusal is one line naming file, key path, line and fix."""

from __future__ import annotations

import pathlib
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from sim.errors import ScenarioError
from sim.scenario import loading
from sim.scenario.loading import (
    MAX_FILE_BYTES,
    MAX_NODES,
    estimate_run_bytes,
    load_scenario,
    load_scenario_text,
    scenario_dict,
)
from sim.schema import CATEGORIES, CategoryConfig, ScenarioConfig

ROOT = Path(__file__).resolve().parents[1]
GB = 1024**3


def write(directory: Path, name: str, text: str) -> Path:
    """Write dedented YAML ``text`` to ``directory/name``."""
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def refused(path: Path | str, **kwargs: Any) -> ScenarioError:
    """The ScenarioError raised by loading ``path``; checks it is one line."""
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, **kwargs)
    message = str(info.value)
    assert "\n" not in message and "\r" not in message
    return info.value


def refused_text(text: str, source: str = "s.yaml", **kwargs: Any) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        load_scenario_text(textwrap.dedent(text).lstrip("\n"), source=source, **kwargs)
    assert "\n" not in str(info.value)
    return info.value


# --------------------------------------------------------------------------- valid files


def test_valid_file_loads(tmp_path: Path) -> None:
    path = write(tmp_path, "ok.yaml", """
        name: ok
        days: 30
        population:
          residents: 500
        mechanisms:
          supervision: {enabled: true, audit_rate: 0.5}
        issues:
          rate_per_resident_day: 2e-3
    """)
    cfg = load_scenario(path)
    assert isinstance(cfg, ScenarioConfig)
    assert (cfg.name, cfg.days, cfg.population.residents) == ("ok", 30, 500)
    assert cfg.mechanisms.supervision.enabled and cfg.mechanisms.supervision.audit_rate == 0.5
    assert cfg.issues.rate_per_resident_day == pytest.approx(0.002)  # YAML 1.1 would read 2e-3 as text


def test_load_scenario_text_defaults_source() -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario_text("dayz: 3\n")
    assert str(info.value).startswith("<string>, line 1: unknown key 'dayz'")


# --------------------------------------------------------------------------- files


def test_missing_file(tmp_path: Path) -> None:
    err = refused(tmp_path / "nope.yaml")
    assert "nope.yaml" in str(err) and "not found" in str(err)


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "locked.yaml", "name: x\n")

    def denied(self: pathlib.Path, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(pathlib.Path, "open", denied)  # chmod 000 does not stop root
    err = refused(path)
    assert "locked.yaml" in str(err) and "cannot read file (Permission denied)" in str(err)


def test_directory_instead_of_file(tmp_path: Path) -> None:
    err = refused(tmp_path)
    assert str(tmp_path) in str(err) and "is a directory" in str(err)


def test_empty_file(tmp_path: Path) -> None:
    err = refused(write(tmp_path, "empty.yaml", ""))
    assert str(err).endswith("empty.yaml: file is empty (no keys, only blank lines or comments); write at least 'name: ...'")


def test_comments_only_file_is_empty(tmp_path: Path) -> None:
    err = refused(write(tmp_path, "c.yaml", "# just a comment\n\n   # another\n"))
    assert "c.yaml" in str(err) and "is empty" in str(err)


def test_oversize_file(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_text("description: '" + "x" * (MAX_FILE_BYTES + 10) + "'\n")
    start = time.perf_counter()
    err = refused(path)
    assert time.perf_counter() - start < 1.0
    assert "huge.yaml" in str(err) and "MB limit" in str(err)


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin.yaml"
    path.write_bytes(b"name: ok\ndescription: caf\xe9\n")
    err = refused(path)
    assert "latin.yaml, line 2" in str(err) and "UTF-8" in str(err)


# --------------------------------------------------------------------------- YAML


@pytest.fixture(params=loading._LOADERS, ids=lambda cls: cls.__name__)
def yaml_loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> type:
    """Run a test with each YAML loader (pure-Python SafeLoader subclass, libyaml variant)."""
    monkeypatch.setattr(loading, "_Loader", request.param)
    return request.param


def test_malformed_yaml_has_line_and_column(tmp_path: Path, yaml_loader: type) -> None:
    path = write(tmp_path, "bad.yaml", """
        name: bad
        population:
          residents: 500
         households_per_building: 3
    """)
    err = refused(path)
    assert str(err).startswith(f"{path}, line 4: malformed YAML at column 2:")
    assert err.line == 4


def test_unterminated_quote(tmp_path: Path, yaml_loader: type) -> None:
    err = refused(write(tmp_path, "q.yaml", "name: 'open\ndays: 3\n"))
    assert "q.yaml, line" in str(err) and "malformed YAML at column" in str(err)


def test_alias_bomb_refused_fast(tmp_path: Path, yaml_loader: type) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, cur in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    path = write(tmp_path, "bomb.yaml", "\n".join(lines) + "\n")
    start = time.perf_counter()
    err = refused(path)
    assert time.perf_counter() - start < 0.5
    assert "bomb.yaml, line 1" in str(err) and "anchor '&a' is not allowed" in str(err)


def test_alias_refused(tmp_path: Path, yaml_loader: type) -> None:
    err = refused(write(tmp_path, "alias.yaml", "name: x\ndescription: *ref\n"))
    assert "alias.yaml, line 2" in str(err) and "alias '*ref' is not allowed" in str(err)


def test_merge_key_refused(tmp_path: Path, yaml_loader: type) -> None:
    err = refused(write(tmp_path, "m.yaml", "population:\n  <<: {residents: 30}\n"))
    assert "m.yaml, line 2" in str(err) and "merge keys" in str(err)


def test_too_many_nodes_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "many.yaml", "description: [" + ",".join(["1"] * (MAX_NODES + 5)) + "]\n")
    start = time.perf_counter()
    err = refused(path)
    assert time.perf_counter() - start < 10.0
    assert "many.yaml" in str(err) and f"more than {MAX_NODES:,} YAML values" in str(err)


def test_deep_nesting_refused(tmp_path: Path, yaml_loader: type) -> None:
    err = refused(write(tmp_path, "deep.yaml", "description: " + "[" * 200 + "]" * 200 + "\n"))
    assert "deep.yaml, line 1: nesting deeper than 64 levels" in str(err)


def test_very_deep_nesting_refused(tmp_path: Path, yaml_loader: type) -> None:
    err = refused(write(tmp_path, "deep.yaml", "description: " + "[" * 5000 + "]" * 5000 + "\n"))
    assert "deep.yaml, line 1" in str(err) and "nesting" in str(err)


def test_python_tag_refused(tmp_path: Path, yaml_loader: type) -> None:
    err = refused(write(tmp_path, "tag.yaml", "name: !!python/object/apply:os.system ['true']\n"))
    assert "tag.yaml, line 1" in str(err) and "!!python/object/apply:os.system" in str(err)


def test_control_character_cites_line_and_column(tmp_path: Path, yaml_loader: type) -> None:
    path = tmp_path / "ctl.yaml"
    path.write_text("name: é\ndescription: 'ééé\x01'\n", encoding="utf-8")
    err = refused(path)
    assert "ctl.yaml, line 2: malformed YAML at column 18: unacceptable character #x0001" in str(err)


def test_top_level_list(tmp_path: Path, yaml_loader: type) -> None:
    err = refused(write(tmp_path, "list.yaml", "- name: a\n- name: b\n"))
    assert "list.yaml, line 1" in str(err) and "top level must be a mapping" in str(err) and "a list" in str(err)


def test_top_level_scalar(tmp_path: Path, yaml_loader: type) -> None:
    err = refused(write(tmp_path, "scalar.yaml", "just text\n"))
    assert "scalar.yaml" in str(err) and "top level must be a mapping" in str(err)


def test_multiple_documents(tmp_path: Path, yaml_loader: type) -> None:
    err = refused(write(tmp_path, "multi.yaml", "name: a\n---\nname: b\n"))
    assert "multi.yaml, line 2" in str(err) and "second YAML document" in str(err)


def test_duplicate_key(tmp_path: Path, yaml_loader: type) -> None:
    err = refused(write(tmp_path, "dup.yaml", "days: 3\nseed: 1\ndays: 4\n"))
    assert "dup.yaml, line 3: duplicate key 'days' (first written at line 1)" in str(err)


def test_non_text_key(tmp_path: Path, yaml_loader: type) -> None:
    err = refused(write(tmp_path, "k.yaml", "population:\n  1: 3\n"))
    assert "k.yaml, line 2" in str(err) and "keys must be text" in str(err)


# --------------------------------------------------------------------------- unknown keys


def test_unknown_mechanism_suggests(tmp_path: Path) -> None:
    path = write(tmp_path, "x.yaml", """
        name: x
        mechanisms:
          whistel_summon:
            enabled: true
    """)
    err = refused(path)
    assert str(err) == f"{path}, line 3: unknown key 'mechanisms.whistel_summon': did you mean 'whistle_summon'?"
    assert err.key == "mechanisms.whistel_summon" and err.line == 3


def test_unknown_top_level_key_suggests(tmp_path: Path) -> None:
    err = refused(write(tmp_path, "t.yaml", "name: x\nsede: 3\n"))
    assert "t.yaml, line 2: unknown key 'sede': did you mean 'seed'?" in str(err)


def test_extends_typo_suggests_extends(tmp_path: Path) -> None:
    err = refused(write(tmp_path, "t.yaml", "extend: base.yaml\n"))
    assert "unknown key 'extend': did you mean 'extends'?" in str(err)


def test_unknown_key_inside_mechanism(tmp_path: Path) -> None:
    path = write(tmp_path, "m.yaml", """
        mechanisms:
          supervision:
            enabled: true
            audit_rat: 0.3
    """)
    err = refused(path)
    assert "m.yaml, line 4: unknown key 'mechanisms.supervision.audit_rat': did you mean 'audit_rate'?" in str(err)


def test_unknown_key_in_nested_section(tmp_path: Path) -> None:
    path = write(tmp_path, "n.yaml", """
        population:
          ties:
            buildng_degree: 3
    """)
    err = refused(path)
    assert "n.yaml, line 3: unknown key 'population.ties.buildng_degree': did you mean 'building_degree'?" in str(err)


def test_unknown_issue_category(tmp_path: Path) -> None:
    path = write(tmp_path, "c.yaml", """
        issues:
          categories:
            sanitaton: {share: 1.0, resource_cost: 1, cross_department: 0, scope: [1, 0, 0, 0]}
    """)
    err = refused(path)
    assert "c.yaml, line 3: unknown key 'issues.categories.sanitaton': did you mean 'sanitation'?" in str(err)


def test_unknown_key_inside_issue_category(tmp_path: Path) -> None:
    path = write(tmp_path, "c.yaml", """
        issues:
          categories:
            pets: {shares: 0.2}
    """)
    err = refused(path)
    assert "c.yaml, line 3: unknown key 'issues.categories.pets.shares': did you mean 'share'?" in str(err)


def test_unknown_key_inside_event(tmp_path: Path) -> None:
    path = write(tmp_path, "e.yaml", """
        mechanisms:
          events:
            enabled: true
            timeline:
              - day: 10
                kind: crisis
                magnitude: 1
                durration_days: 5
    """)
    err = refused(path)
    assert "e.yaml, line 8: unknown key 'mechanisms.events.timeline[0].durration_days': did you mean 'duration_days'?" in str(err)


def test_unknown_key_without_close_match_lists_allowed(tmp_path: Path) -> None:
    err = refused(write(tmp_path, "z.yaml", "population:\n  group_shares:\n    zzzz: 1\n"))
    assert ("z.yaml, line 3: unknown key 'population.group_shares.zzzz': allowed keys here: "
            "local, migrant, gig, elderly") in str(err)


def test_unprintable_key_stays_on_one_line() -> None:
    err = refused_text('"bad\\nkey": 1\n')
    assert "unknown key 'bad\\nkey'" in str(err)


# --------------------------------------------------------------------------- types and ranges


def test_out_of_range_names_path_value_and_range(tmp_path: Path) -> None:
    path = write(tmp_path, "r.yaml", """
        name: r
        mechanisms:
          supervision:
            enabled: true
            audit_rate: 1.3
    """)
    err = refused(path)
    assert str(err) == f"{path}, line 5: mechanisms.supervision.audit_rate = 1.3: must be <= 1 (allowed range [0, 1])"
    assert err.key == "mechanisms.supervision.audit_rate"


def test_below_minimum(tmp_path: Path) -> None:
    err = refused(write(tmp_path, "d.yaml", "days: 0\n"))
    assert "d.yaml, line 1: days = 0: must be >= 1 (allowed range [1, 36500])" in str(err)


def test_exclusive_bound(tmp_path: Path) -> None:
    err = refused(write(tmp_path, "p.yaml", "issues:\n  patience_days: 0\n"))
    assert "p.yaml, line 2: issues.patience_days = 0: must be > 0 (allowed range (0, 3650])" in str(err)


def test_text_for_number(tmp_path: Path) -> None:
    err = refused(write(tmp_path, "t.yaml", "population:\n  residents: lots\n"))
    assert "t.yaml, line 2: population.residents = 'lots': must be a number, not text" in str(err)


def test_boolean_for_number(tmp_path: Path) -> None:
    err = refused(write(tmp_path, "b.yaml", "days: true\n"))
    assert "b.yaml, line 1: days = true: must be a number, not true/false" in str(err)


@pytest.mark.parametrize(("value", "needle"), [
    ("030", "octal number 24; write the decimal number 30"),
    ("-030", "octal number -24; write the decimal number -30"),
    ("1:30", "base-60 number 90; write the decimal number 90"),
    ("0x1e", "0x, 0o and 0b numbers; write the decimal number 30"),
    ("0b11", "write the decimal number 3"),
    ("1_000", "write the decimal number 1000"),
    ("1:30.5", "read this number differently"),
    ("yes", "reads 'yes' as true, YAML 1.2 as text; write true"),
    ("Off", "reads 'Off' as false"),
])
def test_yaml11_only_forms_refused(tmp_path: Path, value: str, needle: str) -> None:
    """Values YAML 1.1 and 1.2 read differently are refused with the fix, never converted."""
    err = refused(write(tmp_path, "y.yaml", f"days: {value}\n"))
    assert f"y.yaml, line 1: days = {value}: " in str(err) and needle in str(err), str(err)


@pytest.mark.parametrize("text", ["days: 30", "seed: 0", "days: '030'", "behaviour: {trust_sd: 0.05}",
                                  "behaviour: {trust_sd: 017.5e-3}", "mechanisms: {supervision: {enabled: True}}"])
def test_yaml12_forms_read(tmp_path: Path, text: str) -> None:
    """Plain decimals, quoted text and true/false read as before (a quoted '030' is text, refused as a number)."""
    try:
        load_scenario(write(tmp_path, "ok.yaml", text + "\n"))
    except ScenarioError as exc:
        assert "'030'" in text and "not text" in str(exc)


def test_fraction_for_integer(tmp_path: Path) -> None:
    err = refused(write(tmp_path, "f.yaml", "seed: 1.5\n"))
    assert "f.yaml, line 1: seed = 1.5: must be a valid integer" in str(err)


def test_number_for_switch(tmp_path: Path) -> None:
    err = refused(write(tmp_path, "s.yaml", "mechanisms:\n  supervision:\n    enabled: 1\n"))
    assert "s.yaml, line 3: mechanisms.supervision.enabled = 1: must be true or false" in str(err)


def test_not_finite(tmp_path: Path) -> None:
    path = write(tmp_path, "n.yaml", """
        population:
          digital_literacy: {local: .nan, migrant: 0.5, gig: 0.5, elderly: 0.5}
    """)
    err = refused(path)
    assert "n.yaml, line 2: population.digital_literacy.local = nan: must be a finite number" in str(err)


def test_scalar_for_section(tmp_path: Path) -> None:
    err = refused(write(tmp_path, "s.yaml", "name: s\npopulation: 5000\n"))
    assert "s.yaml, line 2: population = 5000: must be a mapping of keys" in str(err)


def test_empty_value(tmp_path: Path) -> None:
    err = refused(write(tmp_path, "e.yaml", "name: e\ndays:\n"))
    assert "e.yaml, line 2: 'days' has no value" in str(err)


def test_literal_suggests(tmp_path: Path) -> None:
    path = write(tmp_path, "l.yaml", """
        mechanisms:
          events:
            timeline:
              - {day: 3, kind: crsis, magnitude: 1}
    """)
    err = refused(path)
    assert "l.yaml, line 4: mechanisms.events.timeline[0].kind = 'crsis': must be one of" in str(err)
    assert "did you mean 'crisis'?" in str(err)


def test_model_validator_names_path(tmp_path: Path) -> None:
    path = write(tmp_path, "g.yaml", """
        name: g
        population:
          residents: 500
          group_shares:
            local: 0.6
    """)
    err = refused(path)
    assert str(err) == f"{path}, line 4: population.group_shares: group shares must sum to 1, they sum to 1.05"


def test_root_validator_located_by_named_key(tmp_path: Path) -> None:
    err = refused(write(tmp_path, "a.yaml", "name: a\ncapacity:\n  community_authority: [pets, dogs]\n"))
    assert "a.yaml, line 3: capacity.community_authority: unknown categories ['dogs']" in str(err)


def test_missing_required_key(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text("mechanisms:\n  events:\n    enabled: true\n    timeline:\n      - {day: 3, magnitude: 0.5}\n")
    err = refused(path)
    assert "missing required key 'mechanisms.events.timeline[0].kind'" in str(err)
    assert err.line is not None and "day: 3" in path.read_text().splitlines()[err.line - 1]


# --------------------------------------------------------------------------- extends


def test_extends_deep_merge(tmp_path: Path) -> None:
    write(tmp_path, "base.yaml", """
        name: base
        days: 100
        population:
          residents: 1000
          ties: {building_degree: 5, compound_degree: 1}
        mechanisms:
          supervision: {enabled: true, audit_rate: 0.4}
          events:
            timeline:
              - {day: 1, kind: crisis, magnitude: 1}
              - {day: 2, kind: crisis, magnitude: 1}
    """)
    child = write(tmp_path, "child.yaml", """
        extends: base.yaml
        name: child
        population:
          ties: {compound_degree: 3}
        mechanisms:
          supervision: {audit_rate: 0.6}
          events:
            timeline:
              - {day: 9, kind: demolition, magnitude: 2}
    """)
    cfg = load_scenario(child)
    assert (cfg.name, cfg.days, cfg.population.residents) == ("child", 100, 1000)
    assert (cfg.population.ties.building_degree, cfg.population.ties.compound_degree) == (5, 3)
    assert cfg.mechanisms.supervision.enabled and cfg.mechanisms.supervision.audit_rate == 0.6
    assert [e.day for e in cfg.mechanisms.events.timeline] == [9]  # lists are replaced whole
    merged = scenario_dict(child)
    assert "extends" not in merged
    assert merged["population"] == {"residents": 1000, "ties": {"building_degree": 5, "compound_degree": 3}}


def test_extends_chain_and_relative_paths(tmp_path: Path) -> None:
    write(tmp_path, "common/root.yaml", "days: 7\nseed: 1\n")
    write(tmp_path, "common/mid.yaml", "extends: root.yaml\nseed: 2\nname: mid\n")
    leaf = write(tmp_path, "runs/leaf.yaml", "extends: ../common/mid.yaml\nname: leaf\n")
    cfg = load_scenario(leaf)
    assert (cfg.name, cfg.days, cfg.seed) == ("leaf", 7, 2)


def test_error_in_extended_file_cites_that_file_and_line(tmp_path: Path) -> None:
    base = write(tmp_path, "base.yaml", "name: base\ndays: 10\nmechanisms:\n  supervision:\n    audit_rate: 2.0\n")
    child = write(tmp_path, "child.yaml", "extends: base.yaml\nname: child\n")
    err = refused(child)
    assert str(err).startswith(f"{base}, line 5: mechanisms.supervision.audit_rate = 2: must be <= 1")


def test_error_in_child_cites_child_line(tmp_path: Path) -> None:
    write(tmp_path, "base.yaml", "name: base\ndays: 10\n")
    child = write(tmp_path, "child.yaml", "extends: base.yaml\nname: child\n\ndays: -1\n")
    err = refused(child)
    assert str(err).startswith(f"{child}, line 4: days = -1: must be >= 1")


def test_unknown_key_in_extended_file(tmp_path: Path) -> None:
    base = write(tmp_path, "base.yaml", "name: base\npopulaton:\n  residents: 10\n")
    child = write(tmp_path, "child.yaml", "extends: base.yaml\n")
    err = refused(child)
    assert str(err) == f"{base}, line 2: unknown key 'populaton': did you mean 'population'?"


def test_extends_cycle_named(tmp_path: Path) -> None:
    a = write(tmp_path, "a.yaml", "extends: b.yaml\nname: a\n")
    write(tmp_path, "b.yaml", "name: b\nextends: a.yaml\n")
    err = refused(a)
    b = tmp_path / "b.yaml"
    assert str(err) == f"{b}, line 2: extends cycle: {a} -> {b} -> {a}; remove one 'extends'"


def test_extends_self_cycle(tmp_path: Path) -> None:
    a = write(tmp_path, "a.yaml", "extends: a.yaml\n")
    err = refused(a)
    assert f"extends cycle: {a} -> {a}" in str(err)


def test_extends_missing_target_cites_child(tmp_path: Path) -> None:
    child = write(tmp_path, "child.yaml", "name: c\nextends: gone.yaml\n")
    err = refused(child)
    assert str(err).startswith(f"{child}, line 2: extends 'gone.yaml': file not found")


def test_extends_not_text(tmp_path: Path) -> None:
    err = refused(write(tmp_path, "c.yaml", "extends: [a.yaml]\n"))
    assert "c.yaml, line 1" in str(err) and "extends must be the path of another scenario file" in str(err)


def test_extends_from_text_uses_base_dir(tmp_path: Path) -> None:
    write(tmp_path, "base.yaml", "days: 12\n")
    cfg = load_scenario_text("extends: base.yaml\nname: t\n", base_dir=tmp_path)
    assert (cfg.name, cfg.days) == ("t", 12)


# --------------------------------------------------------------------------- overrides


def test_overrides_apply_after_extends(tmp_path: Path) -> None:
    write(tmp_path, "base.yaml", "days: 100\nseed: 1\npopulation: {residents: 1000, household_size: 3}\n")
    child = write(tmp_path, "child.yaml", "extends: base.yaml\nseed: 2\n")
    cfg = load_scenario(child, overrides={"seed": 3, "days": 30, "population.residents": 500})
    assert (cfg.seed, cfg.days, cfg.population.residents, cfg.population.household_size) == (3, 30, 500, 3)
    assert scenario_dict(child)["seed"] == 2  # the file itself is unchanged


def test_override_creates_missing_sections(tmp_path: Path) -> None:
    path = write(tmp_path, "o.yaml", "name: o\n")
    cfg = load_scenario(path, overrides={"mechanisms.supervision.enabled": True})
    assert cfg.mechanisms.supervision.enabled


def test_override_bad_value_names_override(tmp_path: Path) -> None:
    path = write(tmp_path, "o.yaml", "name: o\nseed: 4\n")
    err = refused(path, overrides={"seed": -1})
    assert str(err).startswith(f"{path} (override): seed = -1: must be >= 0")


def test_override_unknown_key_suggests(tmp_path: Path) -> None:
    path = write(tmp_path, "o.yaml", "name: o\n")
    err = refused(path, overrides={"population.resident": 5})
    assert "(override): unknown key 'population.resident': did you mean 'residents'?" in str(err)


def test_override_of_extends_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "o.yaml", "name: o\n")
    err = refused(path, overrides={"extends": "other.yaml"})
    assert str(err) == f"{path} (override): 'extends' cannot be overridden; write it in the file"


def test_override_through_a_value_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "o.yaml", "name: o\ndays: 10\n")
    err = refused(path, overrides={"days.x": 5})
    assert str(err) == f"{path} (override): override 'days.x': 'days' is 10, not a mapping"


def test_override_creating_wrong_type_names_override(tmp_path: Path) -> None:
    path = write(tmp_path, "o.yaml", "name: o\n")
    err = refused(path, overrides={"days.x": 5})
    assert str(err).startswith(f"{path} (override): days = a mapping: must be a valid integer")


# --------------------------------------------------------------------------- memory


def test_estimate_run_bytes_formula() -> None:
    cfg = ScenarioConfig.model_validate({"population": {"residents": 1000}, "days": 10})
    t = cfg.population.ties
    ties = cfg.population.household_size + t.building_degree + t.compound_degree + t.community_degree + t.long_range_degree
    issues = cfg.issues.rate_per_resident_day * 1000 * 10
    assert estimate_run_bytes(cfg) == int(2 * (600 * 1000 + 24 * ties * 1000 + 80 * issues))


def test_huge_scenario_refused_quickly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loading, "available_memory_bytes", lambda: 16 * GB)
    path = write(tmp_path, "huge.yaml", "name: huge\ndays: 36500\npopulation:\n  residents: 5000000\n")
    start = time.perf_counter()
    err = refused(path)
    assert time.perf_counter() - start < 1.0
    assert str(err).startswith(f"{path}, line 4: scenario needs about ")
    assert "GB of memory but only 16.0 GB is available" in str(err)
    assert "population.residents (5,000,000)" in str(err)


def test_huge_scenario_refused_on_this_machine(tmp_path: Path) -> None:
    path = write(tmp_path, "huge.yaml", "days: 36500\npopulation:\n  residents: 5000000\n")
    cfg = ScenarioConfig.model_validate(scenario_dict(path))
    have = loading.available_memory_bytes()
    if have is None or estimate_run_bytes(cfg) <= have:
        pytest.skip("this machine could hold the run")
    assert "is available" in str(refused(path))


def test_small_scenario_fits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loading, "available_memory_bytes", lambda: 1 * GB)
    assert load_scenario_text("name: small\n").name == "small"


# --------------------------------------------------------------------------- property: unknown keys


def _mapping_paths() -> list[tuple[tuple[str | int, ...], list[str]]]:
    """Every path in the schema whose value is a mapping, with the keys allowed there."""
    out: list[tuple[tuple[str | int, ...], list[str]]] = []

    def walk(model: type[BaseModel], path: tuple[str | int, ...]) -> None:
        allowed = list(model.model_fields) + (["extends"] if not path else [])
        out.append((path, allowed))
        for name, field in model.model_fields.items():
            ann = field.annotation
            if isinstance(ann, type) and issubclass(ann, BaseModel):
                walk(ann, path + (name,))
        if path == ("issues",):
            out.append((("issues", "categories"), list(CATEGORIES)))
            for cat in CATEGORIES:
                walk(CategoryConfig, ("issues", "categories", cat))
        if path == ("mechanisms", "events"):
            from sim.mechanisms.events import Event

            walk(Event, path + ("timeline", 0))

    walk(ScenarioConfig, ())
    return out


MAPPING_PATHS = _mapping_paths()


def _nest(path: tuple[str | int, ...], leaf: dict[str, Any]) -> dict[str, Any]:
    obj: Any = leaf
    for part in reversed(path):
        obj = [obj] if isinstance(part, int) else {part: obj}
    return obj


def _dotted(path: tuple[str | int, ...]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + part
    return out


def _numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


# Keys that read as numbers are refused with their own message (test_numeric_key_must_be_quoted).
KEYS = st.text(
    alphabet=st.characters(categories=("Lu", "Ll", "Lo", "Nd"), exclude_characters="\x00") | st.sampled_from("_-"),
    min_size=1,
    max_size=24,
).filter(lambda k: not _numeric(k))


def test_numeric_key_must_be_quoted() -> None:
    """Found by hypothesis: PyYAML dumps the key 0E0 unquoted, and our loader reads it as a
    number (it resolves exponents without a dot), so it is refused as a non-text key."""
    with pytest.raises(ScenarioError, match="key '0E0' is read by YAML as float, keys must be text: quote it"):
        load_scenario_text("mechanisms:\n  0E0: 1\n", source="prop.yaml")
VALUES = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.floats(allow_nan=False), st.text(max_size=5))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(MAPPING_PATHS), KEYS, VALUES)
def test_random_unknown_keys_rejected_with_path(
    where: tuple[tuple[str | int, ...], list[str]], key: str, value: Any
) -> None:
    path, allowed = where
    if key in allowed:
        return
    text = yaml.safe_dump(_nest(path, {key: value}), allow_unicode=True)
    with pytest.raises(ScenarioError) as info:
        load_scenario_text(text, source="prop.yaml")
    expected = _dotted(path + (key,))
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith("prop.yaml, line ")
    assert f"unknown key '{expected}'" in message
    assert info.value.key == expected


def test_mapping_paths_cover_mechanisms() -> None:
    paths = {p for p, _ in MAPPING_PATHS}
    assert ("mechanisms", "whistle_summon") in paths and ("issues", "categories", "pets") in paths
    assert ("mechanisms", "events", "timeline", 0) in paths and ("population", "ties") in paths


# --------------------------------------------------------------------------- CLI

requires_cli = pytest.mark.skipif(not (ROOT / "sim" / "__main__.py").exists(), reason="sim/__main__.py not written yet")


def _validate_cli(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sim", "validate", str(path)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )


@requires_cli
def test_cli_bad_file_exit_2_one_line(tmp_path: Path) -> None:
    path = write(tmp_path, "x.yaml", "name: x\nmechanisms:\n  whistel_summon: {enabled: true}\n")
    result = _validate_cli(path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0] == f"error: {path}, line 3: unknown key 'mechanisms.whistel_summon': did you mean 'whistle_summon'?"


@requires_cli
def test_cli_malformed_yaml_exit_2(tmp_path: Path) -> None:
    result = _validate_cli(write(tmp_path, "bad.yaml", "name: [unclosed\n"))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and result.stderr.startswith("error: ")


@requires_cli
def test_cli_missing_file_exit_2(tmp_path: Path) -> None:
    result = _validate_cli(tmp_path / "missing.yaml")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "missing.yaml" in result.stderr


@requires_cli
def test_cli_valid_file_ok(tmp_path: Path) -> None:
    path = write(tmp_path, "good.yaml", "name: good\ndays: 30\npopulation:\n  residents: 500\n")
    result = _validate_cli(path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"ok: {path}") and "good" in result.stdout and "500" in result.stdout


def test_categories_merge_with_defaults() -> None:
    """A scenario names only the categories and keys it changes (shares must still sum to 1)."""
    cfg = load_scenario_text("issues:\n  categories:\n    pets: {share: 0.10}\n    sanitation: {share: 0.25}\n")
    pets = cfg.issues.categories["pets"]
    assert pets.share == 0.10 and pets.resource_cost == ScenarioConfig().issues.categories["pets"].resource_cost
    with pytest.raises(ScenarioError, match="category shares must sum to 1"):
        load_scenario_text("issues:\n  categories:\n    pets: {share: 0.5}\n")
