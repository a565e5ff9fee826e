"""The on-disk cache of warm model states (``sim.warmup``): a folder of pickles with a size cap.

Where: ``GOVSIM_CACHE_DIR`` (default ``~/.cache/govsim``), subfolder ``warmup``. How much:
``GOVSIM_CACHE_MAX_MB`` (default 2,048 MB); once a write takes the folder past it, the
least recently used entries (a hit touches its file) are deleted until it fits again. A cache
that cannot be read or written only costs time: every failure falls back to computing.
This module is plumbing, outside the model's code fingerprint: changing it leaves cached
states and curated results valid.
"""

from __future__ import annotations

import os
import pickle
import warnings
from pathlib import Path
from typing import Any

#: Cap on the cache folder, MB, when ``GOVSIM_CACHE_MAX_MB`` is unset.
DEFAULT_MAX_MB = 2048


def cache_dir() -> Path:
    """The folder of warm states."""
    return Path(os.environ.get("GOVSIM_CACHE_DIR") or Path.home() / ".cache" / "govsim") / "warmup"


def max_bytes() -> int:
    """The folder's cap in bytes (``GOVSIM_CACHE_MAX_MB``; 0 turns the cache off)."""
    raw = os.environ.get("GOVSIM_CACHE_MAX_MB", "")
    try:
        mb = float(raw) if raw.strip() else DEFAULT_MAX_MB
    except ValueError:
        warnings.warn(f"GOVSIM_CACHE_MAX_MB={raw!r} is not a number of MB (e.g. 2048; 0 turns the cache off): "
                      f"using {DEFAULT_MAX_MB}", stacklevel=2)
        mb = DEFAULT_MAX_MB
    return max(0, int(mb * 2**20))


def load(key: str) -> Any | None:
    """The object stored under ``key``, or None (absent or unreadable); a hit marks it recently used."""
    path = cache_dir() / f"{key}.pkl"
    try:
        data = path.read_bytes()
        os.utime(path)
        return pickle.loads(data)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError, ImportError):
        return None


def store(key: str, obj: Any) -> None:
    """Store ``obj`` under ``key`` (atomically), then evict the least recently used entries
    beyond the cap."""
    cap = max_bytes()
    if cap == 0:
        return
    folder = cache_dir()
    path = folder / f"{key}.pkl"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(tmp, path)
    except OSError:
        return
    evict(cap, keep=path)


def evict(cap: int, *, keep: Path | None = None) -> None:
    """Delete the least recently used entries until the folder holds at most ``cap`` bytes
    (``keep``, the entry just written, goes last)."""
    entries = []
    for p in cache_dir().glob("*.pkl"):
        try:
            s = p.stat()
        except OSError:
            continue  # removed by another process meanwhile
        entries.append((p == keep, s.st_mtime, s.st_size, p))
    total = sum(e[2] for e in entries)
    for _, _, size, p in sorted(entries, key=lambda e: (e[0], e[1])):
        if total <= cap:
            break
        try:
            p.unlink()
        except OSError:
            continue
        total -= size
