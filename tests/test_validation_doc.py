"""``docs/validation.md`` is current, like the ODD: rendered again from the curated result files
it equals the committed document (cheap: no simulation), the curated results were made by this
checkout's model code (``sim.warmup.code_fingerprint()``), and the check really fails when a
curated file changes. Also: the patterns' verdicts follow their stated rules."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from experiments.patterns import CS, OUTCOMES, PATTERNS, PLF, evaluate
from experiments.validate import CURATED, DOC, STAMPED, stale_results
from experiments.validation_report import render
from sim.analysis.stats import mean_ci

ROOT = Path(__file__).resolve().parents[1]
FIX = "python experiments/validate.py"


def _copy(tmp: Path) -> Path:
    dest = tmp / "curated"
    for sub in ("screening", "calibration", "validation", "history_matching", "history_pre_reform", "validation_history",
                "history_discrepancy", "history_ranking"):
        if (CURATED / sub).is_dir():  # history_ranking: shown when curated
            shutil.copytree(CURATED / sub, dest / sub)
    shutil.copy(CURATED / "convergence.csv", dest / "convergence.csv")
    return dest


def test_the_document_is_current() -> None:
    assert render(CURATED) == DOC.read_text(encoding="utf-8"), f"docs/validation.md is stale: run {FIX}"


def test_the_curated_results_come_from_this_model_code() -> None:
    problems = stale_results()
    assert not problems, ("; ".join(problems) + ": re-run the commands of docs/validation.md, section 1 "
                          "(screening, govsim calibrate --publish, validate.py --run)")


@pytest.mark.parametrize(("name", "edit"), [
    ("validation/patterns.csv", lambda t: t.replace(",holds", ",does not hold", 1)),
    ("calibration/calibration.json", lambda t: t.replace('"accepted": ', '"accepted": 1', 1)),
    ("history_pre_reform/history.json", lambda t: t.replace('"max_rhat": ', '"max_rhat": 9', 1)),
    ("history_matching/emulators.csv", lambda t: re.sub(r"\n(1,[^,\n]*,[^,\n]*,)([0-9]+)", r"\n\g<1>9\2", t, count=1)),
    ("screening/morris.csv", lambda t: re.sub(r"\n([^,\n]*,[^,\n]*,[^,\n]*),([0-9.e-]+)", r"\n\1,9\2", t, count=1)),
])
def test_a_changed_curated_file_makes_the_document_stale(tmp_path: Path, name: str, edit) -> None:
    curated = _copy(tmp_path)
    assert render(curated) == DOC.read_text(encoding="utf-8")
    path = curated / name
    changed = edit(path.read_text(encoding="utf-8"))
    assert changed != path.read_text(encoding="utf-8")
    path.write_text(changed, encoding="utf-8")
    assert render(curated) != DOC.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", STAMPED)
def test_results_of_other_model_code_are_reported(tmp_path: Path, name: str) -> None:
    curated = _copy(tmp_path)
    assert stale_results(curated) == stale_results()
    path = curated / name
    data = json.loads(path.read_text(encoding="utf-8"))
    data["code_fingerprint"] = "0" * 64
    path.write_text(json.dumps(data), encoding="utf-8")
    assert f"{name} was made by other model code" in stale_results(curated)


def test_every_figure_the_document_shows_exists_and_is_small() -> None:
    shown = re.findall(r"!\[[^\]]*\]\(([^)]+\.png)\)", DOC.read_text(encoding="utf-8"))
    assert len(shown) >= 5
    for rel in shown:
        path = (DOC.parent / rel).resolve()
        assert path.is_file(), rel
        assert path.stat().st_size < 250_000, f"{rel} is {path.stat().st_size:,} bytes"


def test_the_readme_links_the_report() -> None:
    assert "docs/validation.md" in (ROOT / "README.md").read_text(encoding="utf-8")


_values = st.floats(-1, 3, allow_nan=False)


@given(st.data())
def test_pattern_verdicts_follow_their_rules(data: st.DataObject) -> None:
    seeds = data.draw(st.integers(2, 8))
    arr = st.lists(_values, min_size=seeds, max_size=seeds).map(np.asarray)
    values = {CS: {o: data.draw(arr) for o in OUTCOMES[CS]}, PLF: {}}
    ids = ("beijing_12345_resolution_2019_01", "beijing_12345_resolution_2019", "beijing_12345_resolution_2021_11")
    readings = {CS: {ids[0]: data.draw(arr)}, PLF: {i: data.draw(arr) for i in ids[1:]}}
    for p, row in zip(PATTERNS, evaluate(values, readings)):
        ci = mean_ci(p.compute(values, readings))
        assert row["id"] == p.id and row["n"] == ci.n
        if p.id == "participation_by_group":
            continue
        threshold = 2.0 if p.id == "resolution_times_right_skewed" else 0.0
        assert (row["verdict"] == "holds") == bool(np.isfinite(ci.low) and ci.low > threshold), p.id
