"""Hash every output of a fixed set of runs, comparisons and a small sweep.

A refactoring that must leave results unchanged is checked by running this before and after
and comparing the two lists (``--check FILE`` does it and fails on any difference). Outputs are
made through the ``govsim`` command line only, so the script works whatever the package layout.
Tables are hashed by their content (columns, types, values, field metadata with units), not by
their file bytes, because their schema metadata records the commit that made them.

    python experiments/output_hashes.py --out /tmp/before.json
    python experiments/output_hashes.py --check /tmp/before.json
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ("scenarios/community_system.yaml", "scenarios/party_led_full.yaml", "scenarios/packages/integration.yaml")
SMALL = ("--set", "population.residents=1500", "--set", "warmup_days=200")
SWEEP = """name: hash-sweep
scenarios: [{root}/scenarios/community_system.yaml]
set: {{population.residents: 800, warmup_days: 100, days: 90}}
factors:
  mechanisms.supervision.enabled: [false, true]
  mechanisms.leadership_intensity.enabled: [false, true]
replications: 2
daily: [trust_mean]
"""
#: Keys of JSON outputs that say when, where or by which commit a file was made.
VOLATILE = {"commit", "dirty", "versions", "started", "finished", "sessions", "wall_s", "host", "platform",
            "command", "cpus", "machine", "environment", "python"}


#: Columns left out of every table's hash (``--ignore-column``: an outcome added since the hashes were made).
IGNORED: set[str] = set()


def _table_digest(table: pa.Table) -> str:
    table = table.replace_schema_metadata(None)
    table = table.drop_columns([c for c in table.column_names if c in IGNORED])
    if IGNORED and "outcome" in table.column_names:  # a table with one row per outcome
        import pyarrow.compute as pc

        table = table.filter(pc.invert(pc.is_in(table["outcome"], value_set=pa.array(sorted(IGNORED)))))
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table.combine_chunks())
    return hashlib.sha256(sink.getvalue().to_pybytes()).hexdigest()


def _strip(data: object) -> object:
    if isinstance(data, dict):
        return {k: _strip(v) for k, v in data.items() if k not in VOLATILE and k not in IGNORED}
    if isinstance(data, list):
        return [_strip(v) for v in data if not (isinstance(v, str) and v in IGNORED)]
    return data


def digest(path: Path, tmp: Path) -> str:
    """Content hash of one output file (the temporary folder's name replaced by ``<tmp>``, the
    checkout's by ``<root>``)."""
    if path.suffix == ".parquet":
        return _table_digest(pq.read_table(path))
    if path.suffix == ".csv" and IGNORED:
        import pyarrow.csv as pacsv

        return _table_digest(pacsv.read_csv(path))
    if path.suffix == ".json":
        text = json.dumps(_strip(json.loads(path.read_text(encoding="utf-8"))), sort_keys=True)
        text = text.replace(str(tmp), "<tmp>").replace(str(ROOT), "<root>")  # the same wherever the checkout lies
        return hashlib.sha256(text.encode()).hexdigest()
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _govsim(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "sim", *args], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


def collect(tmp: Path) -> dict[str, str]:
    """Make every output and return {relative path: content hash}."""
    for scenario in SCENARIOS:
        for seed in (0, 1):
            _govsim("run", scenario, "--seed", str(seed), "--days", "120", *SMALL, "--quiet", "--csv",
                    "--out", str(tmp / "run" / f"{Path(scenario).stem}-{seed}"))
    _govsim("compare", *SCENARIOS, "--seeds", "2", "--days", "120", *SMALL, "--workers", "1", "--quiet",
            "--out", str(tmp / "compare"))
    exp = tmp / "sweep.yaml"
    exp.write_text(SWEEP.format(root=ROOT), encoding="utf-8")
    _govsim("sweep", str(exp), "--workers", "2", "--quiet", "--out", str(tmp / "sweep"))
    keep = {".parquet", ".csv", ".json", ".tex", ".txt"}
    skip = {"manifest.json", "timings.parquet", "journal.jsonl"}
    return {str(p.relative_to(tmp)): digest(p, tmp) for p in sorted(tmp.rglob("*"))
            if p.is_file() and p.suffix in keep and p.name not in skip}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--out", type=Path, help="write the hashes here")
    g.add_argument("--check", type=Path, help="compare with hashes written earlier; exit 1 on a difference")
    ap.add_argument("--ignore-column", action="append", default=[], metavar="NAME",
                    help="leave this column (JSON key, row of a per-outcome table) out of every output: "
                         "an outcome added since the hashes were made "
                         "(CSV files are then hashed as tables; make both lists with the same options)")
    args = ap.parse_args(argv)
    IGNORED.update(args.ignore_column)
    with tempfile.TemporaryDirectory(prefix="govsim-hashes-") as tmp:
        hashes = collect(Path(tmp))
    if args.out:
        args.out.write_text(json.dumps(hashes, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"{len(hashes)} outputs hashed into {args.out}")
        return 0
    before = json.loads(args.check.read_text(encoding="utf-8"))
    diff = sorted(k for k in before.keys() | hashes.keys() if before.get(k) != hashes.get(k))
    for k in diff:
        print(f"differs: {k}")
    print(f"{len(hashes)} outputs, {len(diff)} differ from {args.check}")
    return 1 if diff else 0


if __name__ == "__main__":
    raise SystemExit(main())
