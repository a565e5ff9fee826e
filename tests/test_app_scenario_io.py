"""Scenarios in and out of the app: only files under scenarios/ and uploaded text, through
the CLI's loader (same one-line errors), and exports that ``govsim validate`` accepts."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("solara")

from sim.app.scenario_io import SCENARIOS, catalogue, export_filename, export_yaml, load_named, load_uploaded  # noqa: E402
from sim.app.settings import with_value  # noqa: E402
from sim.cli import main as cli  # noqa: E402
from sim.errors import ScenarioError  # noqa: E402
from sim.scenario.loading import MAX_FILE_BYTES, load_scenario  # noqa: E402


def test_catalogue_is_every_yaml_file_under_scenarios() -> None:
    names = catalogue()
    assert names[:3] == ["community_system.yaml", "party_led_full.yaml", "unit_system.yaml"]
    assert set(names) == {p.relative_to(SCENARIOS).as_posix() for p in SCENARIOS.rglob("*.yaml")}


@pytest.mark.parametrize("name", ["../pyproject.toml", "/etc/passwd", "mechanisms/../../README.md", "nothing.yaml"])
def test_only_catalogue_entries_are_read(name: str) -> None:
    with pytest.raises(ScenarioError, match="not a scenario under scenarios/"):
        load_named(name)


@pytest.mark.parametrize("name", catalogue())
def test_export_of_every_scenario_loads_back_to_the_same_config(name: str) -> None:
    cfg = load_named(name)
    assert load_uploaded(export_yaml(cfg).encode(), filename="x.yaml") == cfg


def test_export_of_changed_settings_passes_govsim_validate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cfg = load_named("community_system.yaml")
    for path, value in ((("mechanisms", "supervision", "enabled"), True), (("mechanisms", "supervision", "audit_rate"), 0.45),
                        (("seed",), 11), (("population", "residents"), 2000)):
        cfg = with_value(cfg, path, value)
    out = tmp_path / export_filename(cfg)
    out.write_text(export_yaml(cfg), encoding="utf-8")
    assert cli(["validate", str(out)]) == 0
    assert "mechanisms: supervision" in capsys.readouterr().out
    assert load_scenario(out) == cfg
    assert "audit_rate: 0.45" in out.read_text() and "residents: 2000" in out.read_text()


BAD = {
    "malformed.yaml": "name: x\npopulation: [\n",
    "unknown.yaml": "name: x\nmechanisms:\n  whistel_summon:\n    enabled: true\n",
    "range.yaml": "name: x\nmechanisms:\n  supervision:\n    audit_rate: 3\n",
    "alias.yaml": "name: &n x\ndescription: *n\n",
}


@pytest.mark.parametrize("filename", list(BAD))
def test_a_bad_upload_gives_the_clis_one_line_error(filename: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path(filename).write_text(BAD[filename], encoding="utf-8")
    with pytest.raises(ScenarioError) as cli_error:
        load_scenario(filename)
    with pytest.raises(ScenarioError) as app_error:
        load_uploaded(BAD[filename].encode(), filename=f"/home/someone/{filename}")
    assert str(app_error.value) == str(cli_error.value)
    assert "\n" not in str(app_error.value) and str(app_error.value).startswith(filename)


@pytest.mark.parametrize("target", ["../pyproject.toml", "/etc/passwd", "../../../../etc/hostname", "mechanisms/../../README.md"])
def test_an_upload_may_extend_only_files_under_scenarios(target: str) -> None:
    with pytest.raises(ScenarioError, match="reads only files under scenarios/"):
        load_uploaded(f"name: x\nextends: {target}\n".encode(), filename="up.yaml")


def test_an_upload_extending_a_catalogue_scenario_loads() -> None:
    cfg = load_uploaded(b"extends: mechanisms/supervision.yaml\nname: mine\nseed: 4\n", filename="up.yaml")
    assert cfg.name == "mine" and cfg.seed == 4 and cfg.mechanisms.supervision.enabled


def test_uploads_are_bounded_like_files() -> None:
    with pytest.raises(ScenarioError, match="larger than the 4 MB limit"):
        load_uploaded(b"#" * (MAX_FILE_BYTES + 1), filename="big.yaml")
    with pytest.raises(ScenarioError, match="not UTF-8"):
        load_uploaded(b"name: \xff\xfe\n", filename="latin.yaml")
    with pytest.raises(ScenarioError, match=r"outside the app's allowed range \[10, 100,000\]"):
        load_uploaded(b"name: x\npopulation:\n  residents: 500000\n", filename="huge.yaml")
