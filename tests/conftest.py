"""Test-session settings: on CI, hypothesis runs derandomised so a green build stays green
(locally it explores new examples every run; pin what it finds with @example)."""

from __future__ import annotations

import os
import tempfile

from hypothesis import settings

# Warm-up states are cached on disk (sim.warmup); tests use a cache of their own.
os.environ.setdefault("GOVSIM_CACHE_DIR", tempfile.mkdtemp(prefix="govsim-test-cache-"))

# Speed is checked by benchmarks, never by timed tests: no deadline on a busy machine.
settings.register_profile("dev", deadline=None)
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "dev")
