"""Issues (诉求) and their lifecycle (spec §3): status enum, legal transitions, storage.

Issues live in a struct-of-arrays table that grows by doubling, so a day's phases update
thousands of issues in vectorised form. Every status change goes through
:meth:`IssueTable.move`, which refuses transitions not in :data:`TRANSITIONS`.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np


class Status(IntEnum):
    """Where an issue is in its lifecycle."""

    LATENT = 0  #: arisen, unknown to any handler
    REPORTED = 1  #: detected (reported or found), awaiting routing
    QUEUED = 2  #: routed to a handler, waiting or being handled
    RESOLVED = 3  #: really resolved
    FALSE_CLOSED = 4  #: closed on paper only
    ABANDONED = 5  #: the resident gave up (or lives with an unreported issue)


S = Status
#: Legal transitions (from, to). QUEUED→QUEUED is a reassignment (escalation or referral);
#: LATENT→RESOLVED is residents' self-governance; FALSE_CLOSED→QUEUED is an audit reopening.
TRANSITIONS: frozenset[tuple[Status, Status]] = frozenset(
    {
        (S.LATENT, S.REPORTED),
        (S.LATENT, S.RESOLVED),
        (S.LATENT, S.ABANDONED),
        (S.REPORTED, S.QUEUED),
        (S.QUEUED, S.QUEUED),
        (S.QUEUED, S.RESOLVED),
        (S.QUEUED, S.FALSE_CLOSED),
        (S.QUEUED, S.ABANDONED),
        (S.FALSE_CLOSED, S.QUEUED),
    }
)
_LEGAL = np.zeros((len(Status), len(Status)), dtype=bool)
for _a, _b in TRANSITIONS:
    _LEGAL[_a, _b] = True



class Channel(IntEnum):
    """Who detected an issue."""

    NONE = 0
    SELF_REPORT = 1
    GRID_PATROL = 2
    PARTY_MEMBER = 3
    PROACTIVE = 4


class IllegalTransition(RuntimeError):
    """A status change not in the transition table was attempted."""


#: Column name -> (dtype, fill value for new rows).
COLUMNS: dict[str, tuple[type, float]] = {
    "reporter": (np.int32, -1),
    "category": (np.int8, -1),
    "scope": (np.int8, -1),
    "dept2": (np.int8, -1),
    "cost": (np.float32, 0.0),
    "severity": (np.float32, 0.0),
    "status": (np.int8, S.LATENT),
    "channel": (np.int8, Channel.NONE),
    "day_arisen": (np.int32, -1),
    "day_detected": (np.int32, -1),
    "day_routed": (np.int32, -1),
    "day_closed": (np.int32, -1),
    "day_feedback": (np.int32, -1),
    "handler": (np.int32, -1),
    "reassignments": (np.int16, 0),
    "ready_day": (np.int32, 0),
    "queue_day": (np.int32, 0),
    "parts_done": (np.int8, 0),
    "summoned": (np.bool_, False),
    "consent": (np.bool_, False),
    "batched": (np.bool_, False),
    "taken_over": (np.bool_, False),
    "self_resolved": (np.bool_, False),
    "feedback": (np.bool_, False),
    "heard": (np.float32, 0.0),
    "discovered": (np.bool_, False),
    "reopened": (np.int8, 0),
    "satisfaction": (np.float32, np.nan),
    "exogenous": (np.bool_, False),
}


class IssueTable:
    """All issues that have arisen, as growable numpy columns (attribute per column)."""

    def __init__(self, capacity: int = 1024) -> None:
        self.n = 0
        self._cap = max(16, capacity)
        for name, (dtype, fill) in COLUMNS.items():
            setattr(self, name, np.full(self._cap, fill, dtype=dtype))
        # Handler path: (issue, day, handler) per routing event, appended in order.
        self._path: list[np.ndarray] = []

    def _grow(self, need: int) -> None:
        cap = self._cap
        while cap < need:
            cap *= 2
        for name, (dtype, fill) in COLUMNS.items():
            old = getattr(self, name)
            new = np.full(cap, fill, dtype=dtype)
            new[: self.n] = old[: self.n]
            setattr(self, name, new)
        self._cap = cap

    def add(self, *, day: int, **cols: np.ndarray) -> np.ndarray:
        """Append new LATENT issues; returns their ids."""
        k = len(next(iter(cols.values())))
        if self.n + k > self._cap:
            self._grow(self.n + k)
        ids = np.arange(self.n, self.n + k)
        for name, values in cols.items():
            getattr(self, name)[ids] = values
        self.day_arisen[ids] = day
        self.n += k
        return ids

    def col(self, name: str) -> np.ndarray:
        """The live part of a column (a view)."""
        return getattr(self, name)[: self.n]

    def ids_with(self, *statuses: Status) -> np.ndarray:
        """Ids of issues currently in any of ``statuses``."""
        st = self.status[: self.n]
        mask = st == statuses[0]
        for s in statuses[1:]:
            mask |= st == s
        return np.flatnonzero(mask)

    def move(self, ids: np.ndarray, to: Status) -> None:
        """Change the status of ``ids`` to ``to``; raises on any illegal transition."""
        if len(ids) == 0:
            return
        frm = self.status[ids]
        ok = _LEGAL[frm, int(to)]
        if not ok.all():
            bad = int(ids[~ok][0])
            raise IllegalTransition(f"issue {bad}: {Status(int(self.status[bad])).name} -> {to.name} is not a legal transition")
        self.status[ids] = int(to)

    def log_route(self, ids: np.ndarray, day: int, handlers: np.ndarray) -> None:
        """Record that ``ids`` were sent to ``handlers`` on ``day`` (the handler path)."""
        if len(ids):
            self._path.append(np.stack([ids, np.full(len(ids), day), handlers]).astype(np.int32))

    def path_log(self) -> np.ndarray:
        """All routing events as an (n, 3) array of issue, day, handler."""
        if not self._path:
            return np.zeros((0, 3), dtype=np.int32)
        return np.concatenate(self._path, axis=1).T

    def counts(self) -> dict[str, int]:
        """Issues by status (conservation: the values sum to ``n``)."""
        bc = np.bincount(self.status[: self.n], minlength=len(Status))
        return {s.name.lower(): int(bc[s]) for s in Status}
