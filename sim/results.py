"""Writing run results: Parquet (CSV on request), written atomically so that a crash or a
kill never leaves a half-written file behind."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from sim.run import RunResult


def atomic_write(path: Path, write) -> Path:  # noqa: ANN001
    """Call ``write(tmp_path)`` then rename onto ``path`` (atomic on one file system)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path


def write_table(table: pa.Table, path: Path) -> Path:
    """Parquet or CSV by suffix; deterministic bytes for equal tables."""
    if path.suffix == ".csv":
        return atomic_write(path, lambda p: pacsv.write_csv(table, p))
    return atomic_write(path, lambda p: pq.write_table(table, p, compression="zstd"))


def write_run(result: RunResult, out: Path, *, csv: bool = False) -> list[Path]:
    """The daily, per-issue and per-category tables, the headline outcomes and the resolved
    scenario of one run."""
    files = [write_table(result.daily, out / "daily.parquet"), write_table(result.issues, out / "issues.parquet"),
             write_table(result.categories, out / "categories.csv"), write_table(result.resources, out / "resources.csv"),
             write_table(result.convergence, out / "convergence.csv")]
    if csv:
        files += [write_table(result.daily, out / "daily.csv"), write_table(result.issues, out / "issues.csv")]
    cfg = json.dumps(result.config.model_dump(mode="json"), indent=1, sort_keys=True)
    files.append(atomic_write(out / "scenario.json", lambda p: p.write_text(cfg + "\n", encoding="utf-8")))
    head = {k: (v if math.isfinite(v) else None) for k, v in result.outcomes.items()}
    text = json.dumps(head, indent=1)
    files.append(atomic_write(out / "summary.json", lambda p: p.write_text(text + "\n", encoding="utf-8")))
    return files
