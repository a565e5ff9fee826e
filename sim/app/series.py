"""What the page plots: the outcome charts (overall and by resident group), their daily
history, and snapshots of the issue lifecycle and of detection channels.

Overall series are the outcome registry's values (``sim.outcomes.daily.daily_row``), looked up by
name; a chart whose outcome is not registered says so instead of plotting. By-group series
are registry outcomes too where they exist (``trust_local`` ...); resolution time and
backlog have none, so they are split here from the issue table by the reporter's group,
with the registry's definitions (tests check that the groups pooled give the registry's
value).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.issues import Channel, Status
from sim.outcomes.registry import REGISTRY, WINDOW
from sim.vocab import GROUPS

if TYPE_CHECKING:
    from sim.model import GovernanceModel

__all__ = ["CHARTS", "MIN_SPAN", "STAGES", "Axis", "Chart", "History", "axis", "channel_counts", "issues_since", "lifecycle_counts",
           "series_csv"]

Split = Callable[..., np.ndarray]


def backlog_by_group(model: GovernanceModel) -> np.ndarray:
    """Issues detected and not yet closed, by the reporter's group (sums to ``backlog``)."""
    iss = model.issues
    status = iss.col("status")
    open_ = (status == Status.REPORTED) | (status == Status.QUEUED)
    groups = model.pop.group[iss.col("reporter")[open_]]
    return np.bincount(groups, minlength=len(GROUPS)).astype(np.float64)


def resolution_days_by_group(model: GovernanceModel) -> np.ndarray:
    """Median days from arising to real resolution of issues resolved in the last
    ``WINDOW`` days, by the reporter's group (NaN: none resolved)."""
    iss = model.issues
    closed = iss.col("day_closed")
    done = (iss.col("status") == Status.RESOLVED) & (closed >= model.day - WINDOW + 1)
    days = (closed - iss.col("day_arisen"))[done].astype(np.float64)
    groups = model.pop.group[iss.col("reporter")[done]]
    return np.array([np.median(days[groups == g]) if np.any(groups == g) else np.nan for g in range(len(GROUPS))])


@dataclass(frozen=True)
class Chart:
    """One outcome chart: the registry outcome plotted overall, and how to get it by group
    (a registry name pattern with ``{group}``, else a split of the model's state)."""

    key: str
    outcome: str
    group_outcome: str = ""
    split: Split | None = None

    @property
    def available(self) -> bool:
        """Whether the model's outcome registry has the overall outcome."""
        return self.outcome in REGISTRY

    def group_names(self) -> list[str] | None:
        """Registry names of the by-group outcomes, if all are registered."""
        names = [self.group_outcome.format(group=g) for g in GROUPS] if self.group_outcome else []
        return names if names and all(n in REGISTRY for n in names) else None

    def by_group(self, model: GovernanceModel, row: dict[str, float]) -> np.ndarray | None:
        """Today's value per group (None: no split available)."""
        names = self.group_names()
        if names is not None:
            return np.array([row[n] for n in names], dtype=np.float64)
        return self.split(model) if self.split else None


CHARTS: tuple[Chart, ...] = (
    Chart("trust", "trust_mean", group_outcome="trust_{group}"),
    Chart("participation", "participation_rate", group_outcome="participation_{group}"),
    Chart("resolution", "resolution_days_median", split=resolution_days_by_group),
    Chart("backlog", "backlog", split=backlog_by_group),
)


@dataclass(frozen=True)
class Axis:
    """How a chart's y-axis may zoom: at least ``min_span`` wide, inside [floor, ceiling]."""

    min_span: float
    floor: float | None = None
    ceiling: float | None = None


#: Narrowest y-axis per registry unit: a change smaller than a tenth of a 0–1 scale (or a few
#: days, or a few issues) stays small on screen instead of filling the chart.
MIN_SPAN: dict[str, Axis] = {
    "0–1 scale": Axis(0.1, 0.0, 1.0),
    "share": Axis(0.1, 0.0, 1.0),
    "days": Axis(5.0, 0.0),
    "issues": Axis(20.0, 0.0),
}


def axis(outcome: str) -> Axis:
    """The y-axis limits of a chart of registry outcome ``outcome`` (by its unit; none if unknown)."""
    unit = REGISTRY[outcome].unit if outcome in REGISTRY else ""
    return MIN_SPAN.get(unit, Axis(0.0))


class History:
    """Each chart's values day by day (overall and by group), in growable arrays."""

    def __init__(self) -> None:
        self.n = 0
        self._days = np.zeros(64, dtype=np.int64)
        self._values = {c.key: np.full((64, 1 + len(GROUPS)), np.nan) for c in CHARTS}

    def record(self, model: GovernanceModel, row: dict[str, float]) -> None:
        """Append today's values (``row`` is today's ``daily_row``)."""
        if self.n == len(self._days):
            self._days = np.resize(self._days, 2 * self.n)
            for key, v in self._values.items():
                grown = np.full((2 * self.n, v.shape[1]), np.nan)
                grown[: self.n] = v
                self._values[key] = grown
        self._days[self.n] = int(row.get("day", model.day))
        for c in CHARTS:
            if not c.available:
                continue
            self._values[c.key][self.n, 0] = row[c.outcome]
            groups = c.by_group(model, row)
            if groups is not None:
                self._values[c.key][self.n, 1:] = groups
        self.n += 1

    @property
    def days(self) -> np.ndarray:
        return self._days[: self.n]

    def overall(self, key: str) -> np.ndarray:
        """The overall series of chart ``key``."""
        return self._values[key][: self.n, 0]

    def group(self, key: str, g: int) -> np.ndarray:
        """The series of chart ``key`` for group index ``g`` (all NaN: no split)."""
        return self._values[key][: self.n, 1 + g]


def series_csv(history: History) -> str:
    """The charts' series as CSV: a ``day`` column, then each chart's outcome overall and by
    group, headed with registry names (``trust_mean``, ``trust_local`` ...; a split with no
    registry name: ``backlog_local``); empty cells for days with no value."""
    cols: list[tuple[str, np.ndarray]] = []
    for c in CHARTS:
        if not c.available:
            continue
        cols.append((c.outcome, history.overall(c.key)))
        names = c.group_names() or [f"{c.outcome}_{g}" for g in GROUPS]
        for g, name in enumerate(names):
            values = history.group(c.key, g)
            if np.isfinite(values).any():
                cols.append((name, values))
    lines = [",".join(["day", *(name for name, _ in cols)])]
    for k, d in enumerate(history.days.tolist()):
        lines.append(",".join([str(d), *(f"{v[k]:.6g}" if np.isfinite(v[k]) else "" for _, v in cols)]))
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- snapshots


def stages() -> tuple[str, ...]:
    """Lifecycle stages: the issue statuses in order, with QUEUED split into waiting
    ("queued") and being worked on or taken over ("handled")."""
    out: list[str] = []
    for s in Status:
        out.extend(("queued", "handled") if s == Status.QUEUED else (s.name.lower(),))
    return tuple(out)


STAGES: tuple[str, ...] = stages()


def lifecycle_counts(model: GovernanceModel, *, since: int | None = None) -> dict[str, int]:
    """Issues now in each stage of :data:`STAGES` (the values sum to all issues, or to those
    that arose on model day ``since`` or later, e.g. ``model.start_day``: not the warm-up's)."""
    iss = model.issues
    status = iss.col("status")
    keep = np.ones(len(status), bool) if since is None else iss.col("day_arisen") >= since
    counts = np.bincount(status[keep].astype(np.int64), minlength=max(Status) + 1)
    queued = keep & (status == Status.QUEUED)
    handled = int(np.count_nonzero(queued & ((iss.col("work_done") > 0) | iss.col("taken_over"))))
    out = {name: int(counts[Status[name.upper()]]) for name in STAGES if name != "handled"}
    out["handled"] = handled
    out["queued"] -= handled
    return {name: out[name] for name in STAGES}


def issues_since(model: GovernanceModel, since: int) -> int:
    """Issues that arose on model day ``since`` or later."""
    return int(np.count_nonzero(model.issues.col("day_arisen") >= since))


def channel_counts(model: GovernanceModel, *, since: int | None = None) -> dict[str, int]:
    """Detected issues by the channel that found them (all time, or detected on day
    ``since`` or later); every channel of ``sim.issues.Channel`` but NONE."""
    iss = model.issues
    detected = iss.col("day_detected")
    mask = detected >= (0 if since is None else since)
    counts = np.bincount(iss.col("channel")[mask].astype(np.int64), minlength=max(Channel) + 1)
    return {c.name.lower(): int(counts[c]) for c in Channel if c != Channel.NONE}
