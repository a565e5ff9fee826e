"""Random streams split by purpose from one master seed (numpy SeedSequence).

Each purpose gets its own generator, so switching a mechanism on (which draws from the
``social`` or ``handling`` streams) never shifts the ``arrivals`` stream: two scenarios run
with the same seed face the same arriving issues (common random numbers).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Purposes, in a fixed order: the index is the spawn key, so never reorder, only append.
PURPOSES: tuple[str, ...] = ("graph", "arrivals", "detection", "handling", "social", "events", "mesa")


@dataclass(frozen=True, slots=True)
class Streams:
    """One numpy Generator per purpose."""

    graph: np.random.Generator
    arrivals: np.random.Generator
    detection: np.random.Generator
    handling: np.random.Generator
    social: np.random.Generator
    events: np.random.Generator
    mesa: np.random.Generator


def make_streams(seed: int) -> Streams:
    """Independent generators for each purpose, reproducible from ``seed``."""
    gens = {
        name: np.random.Generator(np.random.PCG64(np.random.SeedSequence(entropy=seed, spawn_key=(i,))))
        for i, name in enumerate(PURPOSES)
    }
    return Streams(**gens)
