"""Random streams split by purpose from one master seed (numpy SeedSequence).

Each purpose of the core gets its own generator, and each mechanism its own stream keyed by
its name (:func:`mechanism_stream`), so switching a mechanism on never shifts a draw of the
core: two scenarios run with the same seed face the same arriving issues, and the core's
draws differ only where the mechanism changed the state they are drawn for (common random
numbers).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np

#: Purposes, in a fixed order: the index is the spawn key, so never reorder, only append.
PURPOSES: tuple[str, ...] = ("graph", "arrivals", "detection", "handling", "social", "events", "mesa", "requests",
                             "choices", "crews", "elections")


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
    requests: np.random.Generator  #: what a request is beyond the arrival draws (outside the street's authority)
    choices: np.random.Generator  #: handlers' choices and callbacks added by model v2 (reply closures)
    crews: np.random.Generator  #: who works on a self-governed fix (model v2, without the unit-wide broadcast)
    elections: np.random.Generator  #: who votes at a residents' committee election (model v2)


def make_streams(seed: int) -> Streams:
    """Independent generators for each purpose, reproducible from ``seed``."""
    gens = {
        name: np.random.Generator(np.random.PCG64(np.random.SeedSequence(entropy=seed, spawn_key=(i,))))
        for i, name in enumerate(PURPOSES)
    }
    return Streams(**gens)


#: First spawn-key component of mechanism streams (apart from the purposes' keys).
_MECHANISM_KEY = 1000


def mechanism_stream(seed: int, key: str) -> np.random.Generator:
    """The stream of mechanism ``key``: independent of the core's streams and of other
    mechanisms', and the same whatever else is switched on (keyed by name, not position)."""
    ss = np.random.SeedSequence(entropy=seed, spawn_key=(_MECHANISM_KEY, zlib.crc32(key.encode("utf-8"))))
    return np.random.Generator(np.random.PCG64(ss))
