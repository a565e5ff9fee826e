"""Issues (诉求) and their lifecycle (ODD section 2.6): status enum, legal transitions, storage.

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
    OUTREACH = 5  #: found on a home visit


class IllegalTransition(RuntimeError):
    """A status change not in the transition table was attempted."""


#: Column name -> (dtype, fill value for new rows). What a column means is written once: in the
#: data dictionary (``sim.output.datadict.ISSUE_COLUMNS``) if it is written to ``issues.parquet``,
#: otherwise in its ``#:`` comment here; the ODD's table of issue attributes reads both.
COLUMNS: dict[str, tuple[type, float]] = {
    "reporter": (np.int32, -1),
    "category": (np.int8, -1),
    "scope": (np.int8, -1),
    "dept2": (np.int8, -1),
    "cost": (np.float32, 0.0),
    "severity": (np.float32, 0.0),  #: uniform(0, 1); raises the resident's reporting log-odds
    "status": (np.int8, S.LATENT),
    "channel": (np.int8, Channel.NONE),
    "day_arisen": (np.int32, -1),
    "day_detected": (np.int32, -1),
    "day_routed": (np.int32, -1),
    "day_closed": (np.int32, -1),
    "day_feedback": (np.int32, -1),
    "handler": (np.int32, -1),  #: handler currently holding it
    "reassignments": (np.int16, 0),
    "ready_day": (np.int32, 0),  #: first day a handler may take it up again (hand-off delay, waiting)
    "queue_day": (np.int32, 0),  #: day it joined its current queue (first come, first served)
    "parts_done": (np.int8, 0),  #: departments that have done their part (bit 0: first department, bit 1: second)
    "work_done": (np.float32, 0.0),  #: hours put into the current attempt so far (a summoned issue: the first department's part)
    "work_done2": (np.float32, 0.0),  #: hours the second department has put into its part of a summoned issue
    "coordinated": (np.bool_, False),
    "via_platform": (np.bool_, False),
    "summoned": (np.bool_, False),
    "consent": (np.bool_, False),  #: residents have consented (collective lift issues)
    "batched": (np.bool_, False),
    "taken_over": (np.bool_, False),
    "self_resolved": (np.bool_, False),
    "feedback": (np.bool_, False),
    "heard": (np.float32, 0.0),  #: voice: 1 suggestion adopted, 0.5 told only, 0 not told
    "discovered": (np.bool_, False),
    "reopened": (np.int8, 0),
    "satisfaction": (np.float32, np.nan),
    "exogenous": (np.bool_, False),
    "outside": (np.bool_, False),
    "by_reply": (np.bool_, False),
    "callback_resolved": (np.bool_, False),
}


#: Statuses after which an issue leaves the open index (only an audit reopens a paper closure).
TERMINAL: frozenset[Status] = frozenset({S.RESOLVED, S.FALSE_CLOSED, S.ABANDONED})
_TERMINAL = np.zeros(len(Status), dtype=bool)
_TERMINAL[list(TERMINAL)] = True


class IssueTable:
    """All issues that have arisen, as growable numpy columns (attribute per column).

    Besides the columns it keeps indexes, so that a day's phases cost the same in year ten
    as in year one: counts by status, the ids of issues not yet ended (the *open index*), and
    per day the ids that were detected and that ended that day. ``today`` is set by the model
    at the start of each day.
    """

    def __init__(self, capacity: int = 1024) -> None:
        self.n = 0
        self.today = 0
        self._cap = max(16, capacity)
        for name, (dtype, fill) in COLUMNS.items():
            setattr(self, name, np.full(self._cap, fill, dtype=dtype))
        # Handler path: (issue, day, handler) per routing event, appended in order.
        self._path: list[np.ndarray] = []
        self._counts = np.zeros(len(Status), dtype=np.int64)
        self._open = np.zeros(0, dtype=np.int64)  #: ids not in a terminal status (sorted; may hold stale ids)
        self._log: dict[str, list[list[np.ndarray]]] = {"detected": [], "ended": []}
        self.reopened_any = False  #: an ended issue was ever reopened (its id may be logged twice)

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
        self._counts[S.LATENT] += k
        self._open = np.concatenate([self._open, ids])
        return ids

    def col(self, name: str) -> np.ndarray:
        """The live part of a column (a view)."""
        return getattr(self, name)[: self.n]

    def ids_with(self, *statuses: Status) -> np.ndarray:
        """Ids of issues currently in any of ``statuses``, in id order. Non-terminal statuses
        are read from the open index (cost proportional to open issues, not to all issues)."""
        if any(s in TERMINAL for s in statuses):
            pool = np.arange(self.n)
        else:
            self._open = self._open[~_TERMINAL[self.status[self._open]]]
            pool = self._open
        st = self.status[pool]
        mask = st == statuses[0]
        for s in statuses[1:]:
            mask |= st == s
        return pool[mask]

    def count(self, status: Status) -> int:
        """Issues currently in ``status``."""
        return int(self._counts[status])

    def move(self, ids: np.ndarray, to: Status) -> None:
        """Change the status of ``ids`` to ``to``; raises on any illegal transition."""
        if len(ids) == 0:
            return
        frm = self.status[ids]
        ok = _LEGAL[frm, int(to)]
        if not ok.all():
            bad = int(ids[~ok][0])
            raise IllegalTransition(f"issue {bad}: {Status(int(self.status[bad])).name} -> {to.name} is not a legal transition")
        np.subtract.at(self._counts, frm, 1)
        self._counts[to] += len(ids)
        self.status[ids] = int(to)
        if to == S.REPORTED:
            self._record("detected", ids)
        elif to in TERMINAL:
            self._record("ended", ids)
        elif _TERMINAL[frm].any():  # reopened: back into the open index
            self._open = np.union1d(self._open, ids[_TERMINAL[frm]])
            self.reopened_any = True

    def _record(self, event: str, ids: np.ndarray) -> None:
        log = self._log[event]
        while len(log) <= self.today:
            log.append([])
        log[self.today].append(np.asarray(ids, dtype=np.int64))

    def logged(self, event: str, since: int) -> np.ndarray:
        """Ids that passed ``event`` ("detected" or "ended") on day ``since`` or later (as
        logged: a reopened issue that ended again is listed once per ending, so callers
        keep the ids whose current event day is the one they want)."""
        parts = [a for day in self._log[event][max(since, 0):] for a in day]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)

    def arisen_since(self, day: int) -> np.ndarray:
        """Ids of issues that arose on ``day`` or later (ids grow with time)."""
        first = int(np.searchsorted(self.day_arisen[: self.n], day, side="left"))
        return np.arange(first, self.n)

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
        return {s.name.lower(): int(self._counts[s]) for s in Status}
