"""Writing results: tables with nulls for missing values, units and definitions as field
metadata and provenance as schema metadata; every file written atomically (a crash, a kill
or a full disk never leaves a half-written or empty file); output folders checked before
anything is simulated.
"""

from __future__ import annotations

import errno
import json
import math
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from sim.errors import ScenarioError
from sim.outcomes.registry import REGISTRY
from sim.output.datadict import ISSUE_COLUMNS, Column, column_metadata, outcome_metadata
from sim.output.provenance import check_publishable, config_hash, stable_metadata

if TYPE_CHECKING:
    from sim.run import RunResult

__all__ = ["RUN_FILES", "OutputError", "atomic_write", "check_output_dir", "daily_table", "folder_kind", "issues_table",
           "lock_folder", "read", "replacing_run", "safe_name", "with_nulls", "write_json", "write_parquet", "write_run",
           "write_table"]


class OutputError(ScenarioError):
    """An output folder or file that cannot be written, explained on one line."""


def atomic_write(path: Path, write: Callable[[Path], Any]) -> Path:
    """Call ``write(tmp_path)`` then rename onto ``path`` (atomic on one file system)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path


def write_json(data: Any, path: Path) -> Path:
    """Indented, key-sorted JSON (NaN and infinities as null), written atomically."""
    text = json.dumps(_json_safe(data), indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    return atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))


def _json_safe(x: Any) -> Any:
    if isinstance(x, float) and not math.isfinite(x):
        return None
    if isinstance(x, Mapping):
        return {k: _json_safe(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_json_safe(v) for v in x]
    return x


def write_parquet(table: pa.Table, path: Path) -> Path:
    """Parquet (zstd), deterministic bytes for equal tables, written atomically."""
    return atomic_write(path, lambda p: pq.write_table(table, p, compression="zstd"))


def write_table(table: pa.Table, path: Path) -> Path:
    """Parquet or CSV by suffix (nulls as empty CSV cells)."""
    if path.suffix == ".csv":
        return atomic_write(path, lambda p: pacsv.write_csv(table, p))
    return write_parquet(table, path)


# --------------------------------------------------------------------------- hygiene


def with_nulls(table: pa.Table, columns: Mapping[str, Column] | None = None) -> pa.Table:
    """NaN in every float column and each declared sentinel (``Column.missing``: -1, "") as null."""
    columns = columns or {}
    arrays = []
    for name, col in zip(table.column_names, table.columns):
        spec = columns.get(name)
        mask = None
        if pa.types.is_floating(col.type):
            mask = pc.is_nan(col)
        elif spec is not None and isinstance(spec.missing, str) and pa.types.is_string(col.type):
            mask = pc.equal(col, spec.missing)
        elif spec is not None and isinstance(spec.missing, int | float) and pa.types.is_integer(col.type):
            mask = pc.equal(col, spec.missing)
        arrays.append(col if mask is None else pc.if_else(mask, pa.scalar(None, col.type), col))
    return pa.table(arrays, names=table.column_names)


def _described(table: pa.Table, meta: Callable[[str], dict[bytes, bytes] | None], schema_meta: dict[bytes, bytes]) -> pa.Table:
    fields = [f.with_metadata(meta(f.name)) if meta(f.name) else f for f in table.schema]
    return table.cast(pa.schema(fields, metadata=schema_meta))


def daily_table(daily: pa.Table, *, config_hash: str) -> pa.Table:
    """A run's daily table as written: nulls, units and definitions, provenance."""
    def meta(name: str) -> dict[bytes, bytes] | None:
        if name == "day":
            return {b"unit": b"day", b"definition": b"Simulated day (0 is the first)."}
        return outcome_metadata(name, summary=False) if name in REGISTRY else None

    return _described(with_nulls(daily), meta, stable_metadata(config_hash=config_hash))


def issues_table(issues: pa.Table, *, config_hash: str) -> pa.Table:
    """A run's issue table as written: sentinels as nulls, the group of an issue without a
    reporter null, units and definitions, provenance."""
    table = with_nulls(issues, ISSUE_COLUMNS)
    if "reporter" in table.column_names and "group" in table.column_names:
        i = table.column_names.index("group")
        group = pc.if_else(pc.is_null(table.column("reporter")), pa.scalar(None, pa.string()), table.column("group"))
        table = table.set_column(i, "group", group)

    def meta(name: str) -> dict[bytes, bytes] | None:
        return column_metadata(ISSUE_COLUMNS[name]) if name in ISSUE_COLUMNS else None

    return _described(table, meta, stable_metadata(config_hash=config_hash))


def write_run(result: RunResult, out: Path, *, csv: bool = False) -> list[Path]:
    """The daily, per-issue and per-category tables, the run's outcomes and the resolved
    scenario of one run."""
    h = config_hash(result.config)
    daily, issues = daily_table(result.daily, config_hash=h), issues_table(result.issues, config_hash=h)
    files = [write_table(daily, out / "daily.parquet"), write_table(issues, out / "issues.parquet"),
             write_table(with_nulls(result.categories), out / "categories.csv"),
             write_table(result.resources, out / "resources.csv"), write_table(with_nulls(result.convergence), out / "convergence.csv")]
    if csv:
        files += [write_table(daily, out / "daily.csv"), write_table(issues, out / "issues.csv")]
    files.append(write_json(result.config.model_dump(mode="json"), out / "scenario.json"))
    files.append(write_json(dict(result.outcomes), out / "summary.json"))
    return files


# --------------------------------------------------------------------------- folders


def safe_name(text: str, *, limit: int = 80) -> str:
    """A name usable as one folder name: letters, digits and ``-_.``, other characters ``_``,
    no leading dot (so never ``..`` or a hidden folder), never empty."""
    out = "".join(c if (c.isalnum() or c in "-_.") else "_" for c in text.strip()).lstrip(".")
    return out[:limit] or "scenario"


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def check_output_dir(path: Path, *, need_bytes: int = 0, option: str = "--out") -> Path:
    """Create ``path`` (and parents) and prove it writable with room for ``need_bytes``;
    an :class:`OutputError` line otherwise; refused from a dirty checkout if ``path`` is in the
    curated results. Called before anything is simulated."""
    path = Path(path)
    check_publishable(path)
    for parent in (path, *path.parents):
        if parent.exists() and not parent.is_dir():
            what = "" if parent == path else f" (its parent {parent} is a file)"
            raise OutputError(f"{option} {path}: is a file, not a folder{what}; give a folder path")
    try:
        path.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".write-test-", dir=path)
        try:
            os.write(fd, b"x" * 4096)
            os.fsync(fd)
        finally:
            os.close(fd)
            os.unlink(probe)
    except OSError as exc:
        hint = "free some space or choose another folder" if exc.errno == errno.ENOSPC else "choose a writable folder"
        raise OutputError(f"{option} {path}: cannot write there ({_reason(exc)}); {hint}") from None
    free = shutil.disk_usage(path).free
    if need_bytes and free < need_bytes:
        raise OutputError(f"{option} {path}: {free / 1e6:.1f} MB free, the results need about {need_bytes / 1e6:.1f} MB; "
                          "free some space or choose another folder")
    return path


def describe_write_error(exc: OSError, path: Path | str) -> OutputError:
    """One line for a failed write (disk full while writing, folder removed, ...)."""
    hint = "free some space and run the same command again (finished work is kept)" if exc.errno == errno.ENOSPC \
        else "check the folder and run the same command again"
    return OutputError(f"cannot write {exc.filename or path}: {_reason(exc)}; {hint}")


#: Tables :func:`read` knows, by the name it takes.
TABLES = ("runs", "daily", "issues", "summary", "timings")


def read(folder: str | Path, table: str = "runs", *, set_columns: bool = True) -> Any:
    """A results table of ``folder`` (a run's, a comparison's or a sweep's) as a pandas
    DataFrame that keeps what the Parquet file says about it: ``df.attrs["units"]`` and
    ``df.attrs["definitions"]`` by column, ``df.attrs["provenance"]`` (commit, versions,
    experiment hash, ...) and ``df.attrs["set"]``, the experiment's fixed ``set`` values, which
    are also added as constant columns unless ``set_columns=False`` (a column the table already
    has is never replaced). An OutputError line when the table is missing or unreadable."""
    if table not in TABLES:
        raise OutputError(f"unknown table '{table}': choose one of {', '.join(TABLES)}")
    path = Path(folder) / f"{table}.parquet"
    try:
        arrow = pq.read_table(path)
    except (OSError, pa.ArrowInvalid) as exc:
        raise OutputError(f"{path}: cannot read the {table} table ({_reason(exc) if isinstance(exc, OSError) else exc}); "
                          "give a folder that govsim run, compare or sweep wrote") from None
    meta = {k.decode(): v.decode() for k, v in (arrow.schema.metadata or {}).items() if k.startswith(b"govsim.")}
    provenance = {k.removeprefix("govsim."): _json_or_text(v) for k, v in meta.items()}
    fixed = provenance.get("set") if isinstance(provenance.get("set"), dict) else {}
    frame = arrow.to_pandas()
    units, definitions = {}, {}
    for field in arrow.schema:
        fm = field.metadata or {}
        if b"unit" in fm:
            units[field.name] = fm[b"unit"].decode()
        if b"definition" in fm:
            definitions[field.name] = fm[b"definition"].decode()
    if set_columns:
        for key, value in fixed.items():
            if key not in frame.columns:
                frame[key] = [value] * len(frame)
                units[key] = "fixed (experiment's set)"
                definitions[key] = f"Value of scenario key {key}, fixed for every run by the experiment's set."
    frame.attrs.update(units=units, definitions=definitions, provenance=provenance, set=dict(fixed))
    return frame


def _json_or_text(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


# --------------------------------------------------------------------------- one kind of folder each

#: What ``govsim run`` writes into its folder (and replaces as a whole).
RUN_FILES = ("daily.parquet", "issues.parquet", "categories.csv", "resources.csv", "convergence.csv", "daily.csv",
             "issues.csv", "scenario.json", "summary.json", "run.png")
#: Files only an engine folder (a sweep or comparison) holds.
SWEEP_FILES = ("experiment.json", "journal.jsonl", "runs.parquet")


def folder_kind(path: Path) -> str | None:
    """``'sweep'`` (a sweep's or comparison's folder), ``'run'`` (a ``govsim run`` folder) or None."""
    path = Path(path)
    if any((path / f).exists() for f in SWEEP_FILES):
        return "sweep"
    if (path / "summary.json").exists() and (path / "scenario.json").exists():
        return "run"
    return None


def lock_folder(path: Path, *, holder: str, option: str = "--out") -> int:
    """Take the folder's lock (``PATH/.lock``, an flock released when the process ends, even
    by SIGKILL) and return its descriptor; an :class:`OutputError` line if another process holds it."""
    import fcntl

    fd = os.open(Path(path) / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        held = os.read(fd, 200).decode("utf-8", "replace").strip() or "another process"
        os.close(fd)
        raise OutputError(f"{option} {path}: in use by {held}; wait for it to finish or choose another {option}") from None
    os.ftruncate(fd, 0)
    os.write(fd, f"{holder} pid {os.getpid()}".encode())
    return fd


@contextmanager
def replacing_run(out: Path) -> Iterator[Path]:
    """A temporary folder beside ``out`` to write a run's files into; on success the run's
    files in ``out`` are replaced by them at once (the folder renamed into place when ``out``
    holds nothing else, else file by file, by renames that need no space), files of an
    earlier run that this one does not write are removed; on failure (a full disk, a kill)
    ``out`` keeps the earlier run whole and the temporary folder is removed."""
    out = Path(out).absolute()
    tmp = out.parent / f".{out.name}.new-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        yield tmp
        others = [f for f in out.iterdir() if f.name not in (*RUN_FILES, ".lock")] if out.is_dir() else []
        here = Path.cwd().resolve()
        if not others and here != out.resolve() and out.resolve() not in here.parents:  # never rename the working folder
            old = out.parent / f".{out.name}.old-{os.getpid()}"
            if (out / ".lock").exists():
                os.replace(out / ".lock", tmp / ".lock")  # the held lock moves with the folder (same inode)
            if out.exists():
                os.replace(out, old)
            os.replace(tmp, out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            for name in RUN_FILES:
                if (tmp / name).exists():
                    os.replace(tmp / name, out / name)
                elif (out / name).exists():
                    (out / name).unlink()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@contextmanager
def run_folder(out: Path, *, need_bytes: int) -> Iterator[None]:
    """Check and lock ``out`` for ``govsim run`` before anything is simulated: refused when it
    holds a sweep or comparison, or another process holds its lock."""
    if folder_kind(out) == "sweep":
        raise OutputError(f"--out {out}: holds a sweep or comparison (experiment.json, journal.jsonl); a run would "
                          "overwrite its tables: choose another --out")
    check_output_dir(out, need_bytes=need_bytes)
    fd = lock_folder(out, holder="govsim run")
    try:
        if folder_kind(out) == "sweep":  # became one before the lock was ours
            raise OutputError(f"--out {out}: holds a sweep or comparison; choose another --out")
        yield
    finally:
        with suppress(OSError):
            os.close(fd)
