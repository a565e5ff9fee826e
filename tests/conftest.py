"""Test-session settings: on CI, hypothesis runs derandomised so a green build stays green
(locally it explores new examples every run; pin what it finds with @example)."""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import settings

# Warm-up states are cached on disk (sim.warmup); tests use a cache of their own.
os.environ.setdefault("GOVSIM_CACHE_DIR", tempfile.mkdtemp(prefix="govsim-test-cache-"))

# Speed is checked by benchmarks, never by timed tests: no deadline on a busy machine.
settings.register_profile("dev", deadline=None)
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


@contextmanager
def mounted_tmpfs(path: Path, size: str) -> Iterator[Path]:
    """A tmpfs of ``size`` (``"256k"``, ``"1m"``) mounted at a fresh folder below ``path``, for
    tests of full and read-only disks (skipped where mounting is not allowed)."""
    mnt = path / "mnt"
    mnt.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mnt)],
                                           capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)
