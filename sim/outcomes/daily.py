"""The daily table and the per-issue table, computed from the model's state (never
accumulated by agents).

:func:`daily_row` evaluates every outcome of the registry (``sim.outcomes.registry``) for one day;
:func:`issue_table` turns the issue store into the per-issue table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from sim.issues import Channel, Status
from sim.outcomes.registry import REGISTRY, WINDOW, Event, Sample, event_day
from sim.vocab import CATEGORIES, GROUPS, KIND_NAMES, SCOPES

if TYPE_CHECKING:
    from sim.model import GovernanceModel



def _window_sample(model: GovernanceModel, event: Event) -> Sample:
    """Issues that passed ``event`` in the last :data:`WINDOW` days (from the issue store's
    per-day logs, so the cost does not grow with the run's length)."""
    iss, day = model.issues, model.day
    since = day - WINDOW + 1
    if event == "arisen":
        ids = iss.arisen_since(since)
    else:
        ids = np.unique(iss.logged(event, since)) if iss.reopened_any else iss.logged(event, since)
        ids = ids[event_day(iss, event, ids) >= since]
    return Sample(iss, ids, days=min(WINDOW, day + 1), residents=model.pop.n)


def daily_row(model: GovernanceModel) -> dict[str, float]:
    """Today's value of every registered outcome (``sim.outcomes.registry.REGISTRY``): states as of
    today, flows over the last :data:`WINDOW` days, resources used and available today."""
    row: dict[str, float] = {"day": model.day - model.start_day}
    samples: dict[str, Sample] = {}
    used, available = model.pools.used_today(), model.pools.available_today()
    for o in REGISTRY.values():
        if o.kind == "state":
            row[o.name] = o.compute(model)
        elif o.kind == "flow":
            if o.event not in samples:
                samples[o.event] = _window_sample(model, o.event)
            row[o.name] = o.compute(samples[o.event])
        else:
            row[o.name] = (used if o.name.startswith("used_") else available)[o.pool]
    return row


def _days(model: GovernanceModel, values: np.ndarray) -> pa.Array:
    """Day stamps relative to day 0 (negative: the warm-up); null where the event has not happened."""
    return pa.array(values - model.start_day, type=pa.int32(), mask=values < 0)


def issue_table(model: GovernanceModel) -> dict[str, np.ndarray | pa.Array]:
    """One row per issue of the reported period (those that ended during the warm-up are left
    out): attributes, every timestamp, channel, handler path, reassignments. Missing values
    (an event that has not happened, no second department, no experience) are nulls."""
    iss = model.issues
    n = iss.n
    path = iss.path_log()
    order = np.lexsort((np.arange(len(path)), path[:, 0])) if len(path) else np.zeros(0, dtype=np.int64)
    path = path[order]
    names = np.array([f"{KIND_NAMES[k]}:{u}" for k, u in zip(model.handlers.kind, model.handlers.unit)], dtype=object)
    paths = np.full(n, None, dtype=object)
    if len(path):
        starts = np.flatnonzero(np.r_[True, path[1:, 0] != path[:-1, 0]])
        ends = np.r_[starts[1:], len(path)]
        for s, e in zip(starts, ends):
            paths[path[s, 0]] = ">".join(names[path[s:e, 2]])
    ended = event_day(iss, "ended")
    keep = np.flatnonzero((ended < 0) | (ended >= model.start_day))
    status_names = np.array([s.name.lower() for s in Status], dtype=object)
    channel_names = np.array([c.name.lower() for c in Channel], dtype=object)
    dept2 = iss.col("dept2")[keep]
    sat = iss.col("satisfaction")[keep]
    detected = iss.col("day_detected")[keep] >= 0

    def col(name: str) -> np.ndarray:
        return iss.col(name)[keep]

    return {
        "issue": keep.astype(np.int64),
        "reporter": col("reporter"),
        "group": np.array(GROUPS, dtype=object)[model.pop.group[col("reporter")]],
        "category": np.array(CATEGORIES, dtype=object)[col("category")],
        "scope": np.array(SCOPES, dtype=object)[col("scope")],
        "second_department": pa.array(np.array(CATEGORIES, dtype=object)[np.maximum(dept2, 0)], type=pa.string(),
                                      mask=dept2 < 0),
        "cost": col("cost"),
        "status": status_names[col("status")],
        "channel": pa.array(channel_names[col("channel")], type=pa.string(), mask=~detected),
        **{name: _days(model, col(name)) for name in ("day_arisen", "day_detected", "day_routed", "day_closed",
                                                      "day_feedback")},
        "reassignments": col("reassignments"),
        "handler_path": pa.array(paths[keep], type=pa.string()),
        "summoned": col("summoned"),
        "coordinated": col("coordinated"),
        "via_platform": col("via_platform"),
        "batched": col("batched"),
        "taken_over": col("taken_over"),
        "self_resolved": col("self_resolved"),
        "feedback": col("feedback"),
        "discovered_false_closure": col("discovered"),
        "reopened": col("reopened"),
        "satisfaction": pa.array(sat, type=pa.float32(), mask=~np.isfinite(sat)),
        "exogenous": col("exogenous"),
        "outside_authority": col("outside"),
        "by_reply": col("by_reply"),
        "callback_resolved": col("callback_resolved"),
    }
