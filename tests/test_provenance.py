"""Provenance a reviewer can rerun (issue 17, item 5): clean commits for curated results, the
installed environment in manifests, tables read back with their units and fixed values, and an
RO-Crate of an output folder."""

from __future__ import annotations

import hashlib
import json
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

from sim import cli
from sim.output import provenance
from sim.output.crate import export_crate
from sim.output.results import OutputError, check_output_dir, read
from sim.sweep.engine import run_experiment
from sim.sweep.experiment import load_experiment

SCEN = "name: {name}\npopulation: {{residents: 150}}\ndays: 8\nwarmup_days: 10\n{extra}"
EXP = """name: provenance
scenarios: [a.yaml, b.yaml]
set: {behaviour.report_base: 0.2, capacity.retry_days: 3}
factors:
  capacity.routing_accuracy: [0.5, 0.9]
replications: 2
daily: [trust_mean]
"""


@pytest.fixture(scope="module")
def sweep(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("prov")
    (d / "a.yaml").write_text(SCEN.format(name="a", extra=""))
    (d / "b.yaml").write_text(SCEN.format(name="b", extra="mechanisms: {supervision: {enabled: true}}\n"))
    (d / "exp.yaml").write_text(EXP)
    run_experiment(load_experiment(d / "exp.yaml"), d / "out", workers=1, quiet=True)
    return d / "out"


@pytest.fixture
def dirty(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(provenance, "code_version", lambda: {"commit": "a" * 40, "dirty": True})


def test_installed_packages_list_what_is_installed() -> None:
    packages = provenance.installed_packages()
    assert f"numpy=={metadata.version('numpy')}" in packages
    assert list(packages) == sorted(packages, key=lambda s: s.split("==")[0].lower().replace("_", "-"))
    env = provenance.environment_lock()
    assert env["packages_sha256"] == hashlib.sha256(("\n".join(packages) + "\n").encode()).hexdigest()


def test_a_lock_file_is_recorded_by_hash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(provenance, "REPO", tmp_path)
    assert provenance.environment_lock()["lock_files"] == []
    (tmp_path / "uv.lock").write_text("version = 1\n")
    locks = provenance.environment_lock()["lock_files"]
    assert locks == [{"path": "uv.lock", "sha256": hashlib.sha256(b"version = 1\n").hexdigest()}]


def test_manifest_records_the_environment(sweep: Path) -> None:
    session = json.loads((sweep / "manifest.json").read_text())["sessions"][-1]
    assert session["environment"]["packages_sha256"] == provenance.environment_lock()["packages_sha256"]
    assert any(p.startswith("pyarrow==") for p in session["environment"]["packages"])


@pytest.mark.usefixtures("dirty")
def test_curated_results_are_refused_from_a_dirty_checkout(tmp_path: Path) -> None:
    with pytest.raises(provenance.DirtyCheckout, match="uncommitted changes.*commit them first"):
        check_output_dir(provenance.CURATED / "some-comparison")
    assert not (provenance.CURATED / "some-comparison").exists()
    assert check_output_dir(tmp_path / "elsewhere").is_dir()  # anywhere else a dirty tree may write


@pytest.mark.usefixtures("dirty")
def test_calibrate_publish_is_refused_from_a_dirty_checkout(capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["calibrate", "experiments/targets.yaml", "--publish", "--samples", "2", "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "cannot publish the calibration (--publish)" in err


def test_publishing_needs_a_git_checkout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(provenance, "code_version", lambda: {"commit": None, "dirty": None})
    with pytest.raises(provenance.DirtyCheckout, match="not a git checkout"):
        provenance.require_clean("x")


def test_read_keeps_units_definitions_and_fixed_values(sweep: Path) -> None:
    df = read(sweep)
    assert df.attrs["units"]["trust_mean"] and df.attrs["definitions"]["trust_mean"]
    assert df.attrs["set"] == {"behaviour.report_base": 0.2, "capacity.retry_days": 3}
    assert (df["behaviour.report_base"] == 0.2).all() and (df["capacity.retry_days"] == 3).all()
    assert set(df["capacity.routing_accuracy"]) == {0.5, 0.9}
    assert df.attrs["provenance"]["experiment"]
    assert "behaviour.report_base" not in read(sweep, set_columns=False).columns


def test_read_refuses_what_it_cannot_read(tmp_path: Path, sweep: Path) -> None:
    with pytest.raises(OutputError, match="cannot read the runs table"):
        read(tmp_path)
    with pytest.raises(OutputError, match="unknown table 'run'.*runs"):
        read(sweep, "run")


def test_crate_holds_inputs_outputs_and_the_runs(sweep: Path, tmp_path: Path) -> None:
    path = export_crate(sweep, tmp_path / "c.zip")
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        graph = {e["@id"]: e for e in json.loads(z.read("ro-crate-metadata.json"))["@graph"]}
        assert z.read("inputs/scenarios/b.yaml") == (sweep.parent / "b.yaml").read_bytes()
        assert z.read("runs.parquet") == (sweep / "runs.parquet").read_bytes()
    assert {"inputs/exp.yaml", "manifest.json", "journal.jsonl", "daily.parquet", "experiment.json"} <= names
    root = graph["./"]
    assert {"@id": "https://w3id.org/ro/wfrun/workflow/0.5"} in root["conformsTo"]
    workflow = graph[root["mainEntity"]["@id"]]
    assert "ComputationalWorkflow" in workflow["@type"]
    actions = [e for e in graph.values() if e.get("@type") == "CreateAction"]
    assert len(actions) == len(json.loads((sweep / "manifest.json").read_text())["sessions"]) >= 1
    assert actions[0]["instrument"]["@id"] == workflow["@id"]
    assert {"@id": "runs.parquet"} in actions[0]["result"]
    assert {"@id": "inputs/scenarios/a.yaml"} in actions[0]["object"]


def test_crate_refuses_changed_inputs_and_non_engine_folders(sweep: Path, tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="cannot read it"):
        export_crate(tmp_path, tmp_path / "x.zip")
    scen = sweep.parent / "a.yaml"
    original = scen.read_text()
    try:
        scen.write_text(original + "# edited\n")
        with pytest.raises(OutputError, match="changed since the runs"):
            export_crate(sweep, tmp_path / "y.zip")
    finally:
        scen.write_text(original)


def test_crate_command_is_one_line(sweep: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["crate", str(tmp_path)]) == 2
    assert capsys.readouterr().err.count("\n") == 1
    assert cli.main(["crate", str(sweep), "--out", str(tmp_path / "ok.zip")]) == 0
    assert (tmp_path / "ok.zip").is_file()


def test_the_command_line_is_recorded_without_the_machines_paths(monkeypatch) -> None:
    import sys

    from sim.output.provenance import command_line

    monkeypatch.setattr(sys, "argv", ["/home/someone/repo/sim/__main__.py", "calibrate", "experiments/targets.yaml"])
    assert command_line() == "govsim calibrate experiments/targets.yaml"
    monkeypatch.setattr(sys, "argv", ["/opt/venv/bin/govsim", "run", "x.yaml"])
    assert command_line() == "govsim run x.yaml"
    monkeypatch.setattr(sys, "argv", ["/srv/repo/experiments/validate.py", "--run"])
    assert command_line() == "validate.py --run"


def test_publishing_asks_git_again_after_files_changed(monkeypatch: pytest.MonkeyPatch) -> None:
    status = {"porcelain": ""}

    def git(*args: str) -> str | None:
        return "a" * 40 if args[0] == "rev-parse" else status["porcelain"]

    monkeypatch.setattr(provenance, "_git", git)
    provenance.code_version.cache_clear()
    assert provenance.require_clean("x") == "a" * 40
    status["porcelain"] = " M experiments/validate.py"  # an edit between two curated jobs of one process
    with pytest.raises(provenance.DirtyCheckout, match="uncommitted changes"):
        provenance.require_clean("x")
    provenance.code_version.cache_clear()
