"""The govsim command end to end, and every bad-input case of issue #2 through it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

ROOT = Path(__file__).resolve().parents[1]


def govsim(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sim", *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def test_run_writes_tables_plot_and_summary(tmp_path: Path) -> None:
    out = tmp_path / "out"
    p = govsim("run", "scenarios/community_system.yaml", "--days", "40", "--seed", "3", "--out", str(out), "--csv")
    assert p.returncode == 0, p.stderr
    for name in ("daily.parquet", "issues.parquet", "daily.csv", "issues.csv", "categories.csv", "run.png",
                 "scenario.json", "summary.json"):
        assert (out / name).stat().st_size > 0, name
    daily = pq.read_table(out / "daily.parquet")
    assert daily.num_rows == 40
    issues = pq.read_table(out / "issues.parquet")
    assert {"day_arisen", "day_detected", "day_routed", "day_closed", "day_feedback", "handler_path",
            "reassignments", "status", "category"} <= set(issues.column_names)
    assert json.loads((out / "scenario.json").read_text())["seed"] == 3
    summary = json.loads((out / "summary.json").read_text())
    assert 0 <= summary["resolution_rate"] <= 1 and summary["trust_mean"] > 0
    assert "Mean trust" in p.stdout and "wrote:" in p.stdout
    assert (out / "run.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_validate_every_shipped_scenario() -> None:
    files = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "scenarios").rglob("*.yaml"))
    p = govsim("validate", *files)
    assert p.returncode == 0, p.stderr
    assert p.stdout.count("ok: ") == len(files)


def test_schema_export(tmp_path: Path) -> None:
    p = govsim("schema", "--out", str(tmp_path / "s.json"))
    assert p.returncode == 0
    schema = json.loads((tmp_path / "s.json").read_text())
    assert "whistle_summon" in json.dumps(schema) and "extends" in schema["properties"]


BAD = {
    "malformed": ("days: [1, 2\n", "line"),
    "unknown_key": ("mechanisms:\n  whistel_summon: {enabled: true}\n", "did you mean 'whistle_summon'"),
    "wrong_type": ("days: many\n", "days"),
    "probability_out_of_range": ("mechanisms:\n  supervision: {audit_rate: 1.3}\n", "audit_rate"),
    "negative_population": ("population:\n  residents: -5\n", "population.residents"),
    "empty": ("", "empty"),
    "alias_bomb": ("a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n"
                   "c: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c]\n", "alias"),
    "too_big": ("population:\n  residents: 5000000\ndays: 36500\n", "memory"),
}


@pytest.mark.parametrize("command", ["validate", "run"])
@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_one_line_exit_2(tmp_path: Path, case: str, command: str) -> None:
    text, needle = BAD[case]
    f = tmp_path / f"{case}.yaml"
    f.write_text(text)
    p = govsim(command, str(f), cwd=tmp_path)
    assert p.returncode == 2, (p.stdout, p.stderr)
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), p.stderr
    assert "Traceback" not in p.stderr
    assert f.name in lines[0] and needle in lines[0], lines[0]


def test_missing_file_and_cyclic_extends(tmp_path: Path) -> None:
    p = govsim("validate", str(tmp_path / "nope.yaml"))
    assert p.returncode == 2 and "nope.yaml" in p.stderr and len(p.stderr.strip().splitlines()) == 1
    (tmp_path / "a.yaml").write_text("extends: b.yaml\n")
    (tmp_path / "b.yaml").write_text("extends: a.yaml\n")
    p = govsim("validate", str(tmp_path / "a.yaml"))
    assert p.returncode == 2 and "cycle" in p.stderr and "Traceback" not in p.stderr


def test_bad_cli_arguments_one_line(tmp_path: Path) -> None:
    p = govsim("run", "scenarios/community_system.yaml", "--days", "-3")
    assert p.returncode == 2 and len(p.stderr.strip().splitlines()) == 1 and "Traceback" not in p.stderr


def test_event_on_categories_that_never_arise_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "crisis.yaml"
    f.write_text("issues:\n  categories:\n    public_safety: {share: 0.0, resource_cost: 0.6, cross_department: 0.5,"
                 " scope: [0.1, 0.2, 0.4, 0.3]}\n    care: {share: 0.0, resource_cost: 0.5, cross_department: 0.2,"
                 " scope: [0.9, 0.1, 0.0, 0.0]}\n    sanitation: {share: 0.38, resource_cost: 0.3, cross_department: 0.15,"
                 " scope: [0.3, 0.4, 0.3, 0.0]}\n"
                 "mechanisms:\n  events:\n    enabled: true\n    timeline:\n      - {day: 1, kind: crisis, magnitude: 1}\n")
    p = govsim("validate", str(f))
    assert p.returncode == 2 and "Traceback" not in p.stderr, p.stderr
    assert "timeline[0]" in p.stderr and "public_safety and care" in p.stderr, p.stderr


def test_run_tables_are_byte_identical_and_carry_provenance(tmp_path: Path) -> None:
    """Same file and seed: the same bytes, with commit, versions and config hash inside (times are not)."""
    outs = [tmp_path / "a", tmp_path / "b"]
    for out in outs:
        p = govsim("run", "scenarios/community_system.yaml", "--days", "15", "--set", "population.residents=400",
                   "--out", str(out), "--quiet")
        assert p.returncode == 0, p.stderr
    for name in ("daily.parquet", "issues.parquet", "categories.csv", "summary.json", "scenario.json"):
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name
    meta = pq.read_schema(outs[0] / "issues.parquet").metadata
    assert {b"govsim.commit", b"govsim.dirty", b"govsim.versions", b"govsim.config_hash"} <= set(meta)
    assert b"numpy" in meta[b"govsim.versions"]
    assert json.loads((outs[0] / "scenario.json").read_text())["population"]["residents"] == 400
    issues = pq.read_table(outs[0] / "issues.parquet")
    assert issues.column("day_closed").null_count > 0 and issues.schema.field("day_closed").metadata[b"unit"] == b"day"


@pytest.mark.parametrize(("value", "needle"), [("population.residents=-3", "population.residents"),
                                               ("population.residnts=3", "did you mean 'residents'"),
                                               ("days=030", "octal"), ("days", "expected KEY=VALUE")])
def test_bad_set_one_line(value: str, needle: str) -> None:
    p = govsim("run", "scenarios/community_system.yaml", "--set", value, "--quiet")
    assert p.returncode == 2 and len(p.stderr.strip().splitlines()) == 1 and needle in p.stderr, p.stderr
