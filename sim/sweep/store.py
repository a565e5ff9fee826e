"""The output folder of a sweep or comparison: lock, journal, verification, tables, manifest.

Layout of ``OUT``::

    .lock              held (flock) by the one process writing here; released at its exit, even a SIGKILL
    experiment.json    what the folder holds (the experiment's identity); a different one is refused
    journal.jsonl      one line per finished run, appended as runs finish (checksummed; the source of truth)
    daily/<key>.parquet  daily series of a run, when the experiment keeps them (hash in its journal line)
    issues/<key>.parquet  kept per-issue columns of a run, when the experiment keeps them (likewise)
    runs.parquet       one row per run, sorted by point, scenario, seed (rebuilt from the journal)
    timings.parquet    wall time, CPU time and memory of each run (not byte-stable, so apart)
    daily.parquet      every kept daily series in one long table (point, scenario, seed, day, ...)
    manifest.json      provenance: commit, versions, command lines, times of every session

Resuming verifies every stored run: its journal line must parse and match its checksum, its
configuration hash must equal the job's and its daily and issue files (if any) must hash to
what the journal says; a run failing any check is run again. A torn last line (a kill while writing)
is ignored. Tables are written in job order from the journal, streaming (memory stays flat
in the number of runs), so they are byte-identical whatever the order runs finished in.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import os
import time
from collections.abc import Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import pyarrow as pa
import pyarrow.parquet as pq

from sim.errors import ScenarioError
from sim.output.datadict import RUN_COLUMNS, TIMING_COLUMNS, column_metadata, outcome_metadata
from sim.output.provenance import canonical_json, code_version, environment, file_sha256, sha256_text, stable_metadata
from sim.output.results import OutputError, atomic_write, check_output_dir, folder_kind, lock_folder, write_json

Key = tuple[int, int, int]  #: (point, scenario, seed)
ROW_GROUP = 4096
_SUM = "sum"


@dataclass
class RunRecord:
    """A finished run as the store keeps it: key, config hash, every outcome, timings and,
    when kept, the daily series."""

    key: Key
    config_hash: str
    outcomes: dict[str, float]
    timings: dict[str, Any] = field(default_factory=dict)
    daily: pa.Table | None = None
    code: dict[str, Any] = field(default_factory=dict)
    issues: pa.Table | None = None


def _line(record: RunRecord, daily_sha: str | None, issues_sha: str | None = None) -> str:
    body = {"key": list(record.key), "config_hash": record.config_hash, "code": record.code, "daily_sha256": daily_sha,
            "outcomes": {k: (v if v == v and abs(v) != float("inf") else None) for k, v in record.outcomes.items()},
            "timings": record.timings}
    if issues_sha is not None:
        body["issues_sha256"] = issues_sha
    text = canonical_json(body)
    return canonical_json({**body, _SUM: sha256_text(text)}) + "\n"


def _key_of(raw: bytes) -> Key | None:
    """The key a damaged journal line names, if it can still be read."""
    try:
        key = json.loads(raw).get("key")
        return (int(key[0]), int(key[1]), int(key[2]))
    except (ValueError, TypeError, AttributeError, IndexError):
        return None


def _parse(line: str) -> dict[str, Any] | None:
    """A journal line's data if it is complete and its checksum matches, else None."""
    try:
        data = json.loads(line)
        body = {k: v for k, v in data.items() if k != _SUM}
        ok = isinstance(data, dict) and data.get(_SUM) == sha256_text(canonical_json(body))
    except (ValueError, TypeError, AttributeError):
        return None
    return data if ok and len(data.get("key", ())) == 3 else None


class Store:
    """One output folder, open for one experiment (use as a context manager)."""

    def __init__(self, out: str | Path, *, identity: dict[str, Any], describe: dict[str, Any], log: TextIO | None = None) -> None:
        self.out = Path(out)
        self.identity, self.describe, self.log = identity, describe, log
        self.index: dict[Key, tuple[int, int]] = {}  #: key -> (offset, length) of its last valid journal line
        self._lock_fd: int | None = None
        self._journal: io.BufferedWriter | None = None
        self.session: dict[str, Any] = {}
        self.dropped = 0
        self.damaged: set[Key | None] = set()  #: keys of damaged journal lines (where still readable)

    # ------------------------------------------------------------------ open / close

    def __enter__(self) -> Store:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def open(self) -> None:
        check_output_dir(self.out, need_bytes=self.describe.get("need_bytes", 0))
        self._lock()
        ident_path = self.out / "experiment.json"
        if ident_path.exists():
            try:
                held = json.loads(ident_path.read_text(encoding="utf-8")).get("identity")
            except (OSError, ValueError, AttributeError):
                held = None
            if held != self.identity:
                self.close()
                raise OutputError(f"--out {self.out}: holds a different experiment ({_difference(held, self.identity)}); "
                                  "choose another --out, or delete the folder to start again")
        write_json({"identity": self.identity, **self.describe.get("experiment", {})}, ident_path)
        self._scan()
        self._journal = open(self.out / "journal.jsonl", "ab")  # noqa: SIM115 - closed in close()
        self.session = {"start": _now(), "end": None, "status": "running", **environment()}
        self._write_manifest()

    def close(self) -> None:
        if self._journal is not None:
            self._journal.close()
            self._journal = None
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # releases the flock
            self._lock_fd = None

    def _lock(self) -> None:
        self._lock_fd = lock_folder(self.out, holder="govsim")
        if folder_kind(self.out) == "run":
            self.close()
            raise OutputError(f"--out {self.out}: holds a single run (govsim run: summary.json, scenario.json); a sweep "
                              "would mix its tables with it: choose another --out")

    # ------------------------------------------------------------------ journal

    def _scan(self) -> None:
        """Index the journal's valid lines (the last one per key wins); count the rest."""
        path = self.out / "journal.jsonl"
        if not path.exists():
            return
        offset = 0
        size = path.stat().st_size
        with open(path, "rb") as fh:
            for raw in fh:
                data = _parse(raw.decode("utf-8", "replace")) if raw.endswith(b"\n") else None
                if data is None:
                    self.dropped += 1
                    self.damaged.add(_key_of(raw))
                else:
                    self.index[tuple(data["key"])] = (offset, len(raw))  # type: ignore[index]
                offset += len(raw)
        if size and not _ends_with_newline(path):
            with open(path, "ab") as fh:  # a torn last line: end it so that new lines start clean
                fh.write(b"\n")

    def entry(self, key: Key) -> dict[str, Any] | None:
        """The stored journal data of ``key`` (None if never stored)."""
        where = self.index.get(key)
        if where is None:
            return None
        with open(self.out / "journal.jsonl", "rb") as fh:
            fh.seek(where[0])
            return _parse(fh.read(where[1]).decode("utf-8", "replace"))

    def daily_path(self, key: Key) -> Path:
        return self.out / "daily" / f"p{key[0]}-s{key[1]}-seed{key[2]}.parquet"

    def issues_path(self, key: Key) -> Path:
        return self.out / "issues" / f"p{key[0]}-s{key[1]}-seed{key[2]}.parquet"

    def verified(self, key: Key, config_hash: str, *, issues: bool = False) -> bool:
        """Whether ``key`` is stored intact and made from the same resolved scenario (with its
        issue columns, when ``issues``)."""
        data = self.entry(key)
        if data is None or data.get("config_hash") != config_hash:
            return False
        if issues and data.get("issues_sha256") is None:
            return False
        for field_, path in (("daily_sha256", self.daily_path(key)), ("issues_sha256", self.issues_path(key))):
            sha = data.get(field_)
            if sha is None:
                continue
            try:
                if file_sha256(path) != sha:
                    return False
            except OSError:
                return False
        return True

    def add(self, record: RunRecord) -> None:
        """Store a finished run: its daily and issue files first (atomically), then its journal line."""
        shas: list[str | None] = []
        for table, path in ((record.daily, self.daily_path(record.key)), (record.issues, self.issues_path(record.key))):
            if table is None:
                shas.append(None)
                continue
            buf = io.BytesIO()
            pq.write_table(table, buf, compression="zstd")
            data = buf.getvalue()
            atomic_write(path, lambda p, data=data: p.write_bytes(data))
            shas.append(hashlib.sha256(data).hexdigest())
        line = _line(record, *shas).encode("utf-8")
        assert self._journal is not None, "store not open"
        offset = self._journal.tell()
        self._journal.write(line)
        self._journal.flush()
        self.index[record.key] = (offset, len(line))

    # ------------------------------------------------------------------ tables

    def write_tables(self, rows: Iterable[tuple[Key, dict[str, Any]]], *, outcomes: tuple[str, ...],
                     factor_types: dict[str, pa.DataType], daily: tuple[str, ...], meta: dict[str, Any]) -> list[Path]:
        """``runs.parquet``, ``timings.parquet`` and (with daily series) ``daily.parquet`` for
        the keys of ``rows`` (in order; each with its scenario name and factor values) that are stored."""
        schema = _runs_schema(outcomes, factor_types, meta)
        tschema = _timings_schema()
        files = [self.out / "runs.parquet", self.out / "timings.parquet"]
        writers = [_Writer(files[0], schema), _Writer(files[1], tschema)]
        dwriter = None
        if daily:
            files.append(self.out / "daily.parquet")
        try:
            for key, info in rows:
                data = self.entry(key)
                if data is None:
                    continue
                base = {"point": key[0], "scenario": info["scenario"], "seed": key[2]}
                writers[0].add({**base, **info["factors"], "config_hash": data["config_hash"],
                                **{o: data["outcomes"].get(o) for o in outcomes}})
                t = data.get("timings") or {}
                writers[1].add({**base, **{c: t.get(c) for c in TIMING_COLUMNS}})
                if daily and data.get("daily_sha256"):
                    table = pq.read_table(self.daily_path(key))
                    if dwriter is None:
                        dwriter = _Writer(files[2], _daily_schema(table.schema, meta))
                    n = table.num_rows
                    keys = {"point": pa.array([key[0]] * n, pa.int64()), "scenario": pa.array([info["scenario"]] * n),
                            "seed": pa.array([key[2]] * n, pa.int64())}
                    dwriter.add_table(pa.table({**keys, **{c: table.column(c) for c in table.column_names}}))
            for w in (*writers, dwriter):
                if w is not None:
                    w.close()
        except BaseException:
            for w in (*writers, dwriter):
                if w is not None:
                    w.abort()
            raise
        return [f for f in files if f.exists()]

    # ------------------------------------------------------------------ manifest

    def finish(self, status: str, **counts: Any) -> None:
        self.session.update(end=_now(), status=status, **counts)
        self._write_manifest()

    def _write_manifest(self) -> None:
        path = self.out / "manifest.json"
        sessions: list[dict[str, Any]] = []
        with suppress(OSError, ValueError, AttributeError):
            sessions = json.loads(path.read_text(encoding="utf-8")).get("sessions", [])
        if sessions and sessions[-1].get("start") == self.session.get("start"):
            sessions[-1] = self.session
        else:
            sessions.append(self.session)
        commits = sorted({str(s.get("commit")) + ("+dirty" if s.get("dirty") else "") for s in sessions})
        write_json({**self.describe.get("manifest", {}), "identity_sha256": sha256_text(canonical_json(self.identity)),
                    "commits": commits, "complete": self.session.get("status") == "complete", "sessions": sessions}, path)


def wall_seconds(folder: Path) -> float:
    """Wall time of every engine output folder at or under ``folder``, over all the sessions
    their manifests record: a resumed sweep reports what the whole took, not its last session."""
    total = 0.0
    for manifest in sorted(Path(folder).rglob("manifest.json")):
        for s in json.loads(manifest.read_text(encoding="utf-8")).get("sessions", []):
            if s.get("start") and s.get("end"):
                a, b = (datetime.datetime.fromisoformat(s[k]) for k in ("start", "end"))
                total += (b - a).total_seconds()
    return total


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")


def _ends_with_newline(path: Path) -> bool:
    with open(path, "rb") as fh:
        fh.seek(-1, os.SEEK_END)
        return fh.read(1) == b"\n"


def _difference(held: Any, want: dict[str, Any]) -> str:
    if not isinstance(held, dict):
        return "unreadable experiment.json"
    diff = [k for k in want if held.get(k) != want.get(k)]
    if "scenarios" in diff and isinstance(held.get("scenarios"), list):
        a = [s.get("name") for s in held["scenarios"] if isinstance(s, dict)]
        b = [s["name"] for s in want["scenarios"]]
        if a != b:
            return f"scenarios {a} there, {b} here"
        return "the scenarios resolve differently (a file, an override or a default changed)"
    return ", ".join(f"{k} differ" for k in diff) or "different experiment"


# --------------------------------------------------------------------------- table writing


def _meta(extra: dict[str, Any]) -> dict[bytes, bytes]:
    return stable_metadata(**extra)


def _runs_schema(outcomes: tuple[str, ...], factor_types: dict[str, pa.DataType], meta: dict[str, Any]) -> pa.Schema:
    fields = [pa.field("point", pa.int64(), metadata=column_metadata(RUN_COLUMNS["point"])),
              pa.field("scenario", pa.string(), metadata=column_metadata(RUN_COLUMNS["scenario"])),
              pa.field("seed", pa.int64(), metadata=column_metadata(RUN_COLUMNS["seed"]))]
    fields += [pa.field(k, t, metadata={b"unit": b"factor", b"definition": f"Value of scenario key {k} (a factor).".encode()})
               for k, t in factor_types.items()]
    fields.append(pa.field("config_hash", pa.string(), metadata=column_metadata(RUN_COLUMNS["config_hash"])))
    fields += [pa.field(o, pa.float64(), metadata=outcome_metadata(o, summary=True)) for o in outcomes]
    return pa.schema(fields, metadata=_meta(meta))


def _timings_schema() -> pa.Schema:
    types = {"worker": pa.string()}
    fields = [pa.field("point", pa.int64()), pa.field("scenario", pa.string()), pa.field("seed", pa.int64())]
    fields += [pa.field(c, types.get(c, pa.float64()), metadata=column_metadata(col)) for c, col in TIMING_COLUMNS.items()]
    return pa.schema(fields)


def _daily_schema(part: pa.Schema, meta: dict[str, Any]) -> pa.Schema:
    fields = [pa.field("point", pa.int64()), pa.field("scenario", pa.string()), pa.field("seed", pa.int64()), *part]
    return pa.schema(fields, metadata=_meta(meta))


class _Writer:
    """Rows in, Parquet row groups of :data:`ROW_GROUP` rows out; written to a temporary
    file renamed into place on close (atomic)."""

    def __init__(self, path: Path, schema: pa.Schema) -> None:
        self.path, self.schema = path, schema
        self.tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        self.writer = pq.ParquetWriter(self.tmp, schema, compression="zstd")
        self.rows: list[dict[str, Any]] = []
        self.tables: list[pa.Table] = []
        self.pending = 0

    def add(self, row: dict[str, Any]) -> None:
        self.rows.append(row)
        if len(self.rows) >= ROW_GROUP:
            self._flush_rows()

    def add_table(self, table: pa.Table) -> None:
        self.tables.append(table.cast(self.schema))
        self.pending += table.num_rows
        if self.pending >= 16 * ROW_GROUP:
            self._flush_tables()

    def _flush_rows(self) -> None:
        if self.rows:
            self.writer.write_table(pa.Table.from_pylist(self.rows, schema=self.schema))
            self.rows = []

    def _flush_tables(self) -> None:
        if self.tables:
            self.writer.write_table(pa.concat_tables(self.tables))
            self.tables, self.pending = [], 0

    def close(self) -> None:
        self._flush_rows()
        self._flush_tables()
        self.writer.close()
        os.replace(self.tmp, self.path)

    def abort(self) -> None:
        with suppress(Exception):
            self.writer.close()
        with suppress(OSError):
            self.tmp.unlink()


#: Columns every runs table has (besides its factors and outcomes).
RUNS_KEYS = ("point", "scenario", "seed", "config_hash")


def read_runs(out: str | Path, *, factors: Iterable[str] = (), outcomes: Iterable[str] = ()) -> pa.Table:
    """``OUT/runs.parquet`` (ScenarioError when missing, unreadable, or another table: without
    the key columns, the ``factors`` named, or any of the ``outcomes`` named)."""
    path = Path(out) / "runs.parquet"
    try:
        table = pq.read_table(path)
    except (OSError, pa.ArrowInvalid) as exc:
        raise ScenarioError(f"{path}: cannot read the runs table ({exc}); run the sweep (again) first") from None
    names = set(table.column_names)
    missing = [c for c in (*RUNS_KEYS, *factors) if c not in names]
    outcomes = list(outcomes)
    if missing or (outcomes and not names & set(outcomes)):
        what = f"no column {', '.join(missing[:4])}{' ...' if len(missing) > 4 else ''}" if missing else \
            "none of the experiment's outcomes"
        shown = ", ".join(table.column_names[:5]) + (" ..." if table.num_columns > 5 else "")
        raise ScenarioError(f"{path}: not the runs table of this folder's sweep ({what}; its columns: {shown or 'none'}); "
                            "run the sweep again with the same --out to rebuild it from the journal")
    return table


def read_issues(out: str | Path, key: Key) -> pa.Table | None:
    """The kept issue columns of run ``key`` in ``OUT`` (None when the run kept none)."""
    path = Path(out) / "issues" / f"p{key[0]}-s{key[1]}-seed{key[2]}.parquet"
    try:
        return pq.read_table(path)
    except FileNotFoundError:
        return None
    except (OSError, pa.ArrowInvalid) as exc:
        raise ScenarioError(f"{path}: cannot read the run's issue table ({exc}); run the experiment again to redo it") from None


def iter_stored(store: Store, keys: Iterable[Key]) -> Iterator[tuple[Key, dict[str, Any]]]:
    """The journal data of each stored key, in the order given."""
    for key in keys:
        data = store.entry(key)
        if data is not None:
            yield key, data


def code_stamp() -> dict[str, Any]:
    """What a journal line records about the code that made it."""
    return dict(code_version())
