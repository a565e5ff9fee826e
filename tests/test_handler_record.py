"""experiments/handler_record.py: the summary of the sweep over handler settings (model v2)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import yaml

from experiments import handler_record
from sim.cli import main

ROOT = Path(__file__).resolve().parents[1]


def _tiny_sweep(tmp_path: Path) -> Path:
    """The curated experiment's factors and outcomes on a street small and short enough for a test."""
    exp = yaml.safe_load((ROOT / "experiments" / "handler_record.yaml").read_text(encoding="utf-8"))
    exp["scenarios"] = [str(ROOT / "scenarios" / "community_system.yaml")]
    exp["set"] = {"population.residents": 300, "warmup_days": 0, "days": 40,
                  "issues.rate_per_resident_day": 0.02}
    exp["design"]["samples"] = 6
    exp["replications"] = 1
    path = tmp_path / "hr.yaml"
    path.write_text(yaml.safe_dump(exp), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["sweep", str(path), "--out", str(out), "--workers", "1", "--quiet"]) == 0
    return out


def test_summary_reads_the_sweep_and_writes_table_report_and_figure(tmp_path: Path) -> None:
    out = _tiny_sweep(tmp_path)
    assert handler_record.main([str(out)]) == 0
    with (out / "handler_record.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 6
    for row in rows:
        assert float(row["capacity.resolve_quality"]) >= 0.8
        assert float(row["hotline_resolution_rate"]) >= float(row["resolution_rate_reported"]) - 1e-12
    text = (out / "handler_record.md").read_text(encoding="utf-8")
    assert "issues.outside_authority_share" in text and "Points within 0.53" in text
    assert all((out / f"handler_record.{ext}").stat().st_size > 0 for ext in ("png", "pdf", "svg"))


def test_a_folder_that_is_not_this_sweep_is_refused_in_one_line(tmp_path: Path) -> None:
    out = tmp_path / "run"
    assert main(["run", str(ROOT / "scenarios" / "community_system.yaml"), "--set", "population.residents=200",
                 "--set", "warmup_days=0", "--set", "days=5", "--out", str(out), "--quiet"]) == 0
    with pytest.raises(SystemExit) as exc:
        handler_record.main([str(out)])
    assert "error:" in str(exc.value) and "\n" not in str(exc.value)
