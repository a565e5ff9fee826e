"""The warm-state cache (sim.cache, used by sim.warmup): a hit gives the computed result, a
broken entry is recomputed, and the folder stays under its cap, evicting least recently used."""

from __future__ import annotations

import os
import time

import numpy as np
import pytest

from sim import cache
from sim.run import run
from tests.invariants import same_outcomes
from tests.strategies import tiny


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("GOVSIM_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("GOVSIM_CACHE_MAX_MB", raising=False)
    return tmp_path / "warmup"


def _outcomes(**kw):
    return run(tiny(days=20, warmup_days=40, **kw), detail=False).outcomes


def test_a_cached_or_broken_warm_state_gives_the_computed_result(folder, monkeypatch) -> None:
    monkeypatch.setenv("GOVSIM_CACHE_MAX_MB", "0")  # cache off: computed every time
    computed = _outcomes()
    assert not folder.exists()
    monkeypatch.delenv("GOVSIM_CACHE_MAX_MB")
    assert same_outcomes(_outcomes(), computed)  # computed, then stored
    (entry,) = folder.glob("*.pkl")
    assert same_outcomes(_outcomes(), computed)  # read from the cache
    entry.write_bytes(b"not a pickle")
    assert same_outcomes(_outcomes(), computed)  # unreadable: computed again and rewritten
    assert entry.read_bytes() != b"not a pickle"


def test_the_folder_keeps_under_its_cap_evicting_least_recently_used(folder, monkeypatch) -> None:
    blob = np.zeros(100_000, dtype=np.uint8)  # ~0.1 MB a pickle
    monkeypatch.setenv("GOVSIM_CACHE_MAX_MB", "0.25")  # room for two
    cache.store("a", blob)
    cache.store("b", blob)
    past = time.time() - 60
    os.utime(folder / "a.pkl", (past, past))
    os.utime(folder / "b.pkl", (past - 10, past - 10))
    assert cache.load("b") is not None  # b used now: a is the least recently used
    cache.store("c", blob)
    assert sorted(p.stem for p in folder.glob("*.pkl")) == ["b", "c"]
    assert sum(p.stat().st_size for p in folder.glob("*.pkl")) <= 0.25 * 2**20


def test_an_entry_larger_than_the_cap_is_not_kept(folder, monkeypatch) -> None:
    monkeypatch.setenv("GOVSIM_CACHE_MAX_MB", "0.05")
    cache.store("big", np.zeros(100_000, dtype=np.uint8))
    assert list(folder.glob("*.pkl")) == []
    assert cache.load("big") is None


def test_a_cap_that_is_not_a_number_warns_and_uses_the_default(monkeypatch) -> None:
    monkeypatch.setenv("GOVSIM_CACHE_MAX_MB", "lots")
    with pytest.warns(UserWarning, match="GOVSIM_CACHE_MAX_MB='lots' is not a number"):
        assert cache.max_bytes() == cache.DEFAULT_MAX_MB * 2**20
