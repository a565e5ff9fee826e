"""A run's summary: every registered outcome read once for the whole run, and the
per-category table. Definitions live in :mod:`sim.outcomes.registry`; this module only says how a
run is read:

* state outcomes: the mean of the daily value over the last ``WINDOW`` days (smooths the
  calendar of meetings and sessions and day-to-day noise);
* flow outcomes: over all issues that passed the outcome's event in the measured period;
* resource outcomes: the mean per day over the measured period.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from sim.outcomes.registry import BY_CATEGORY, HEADLINE, REGISTRY, RESOURCE_USE, WINDOW, Sample, event_day
from sim.vocab import CATEGORIES

if TYPE_CHECKING:
    from sim.model import GovernanceModel

__all__ = ["HEADLINE", "RESOURCE_USE", "by_category", "convergence", "half_life", "moving_mean", "run_outcomes"]


def _nanmean(x: np.ndarray) -> float:
    x = np.asarray(x, dtype=np.float64)
    x = x[np.isfinite(x)]
    return float(x.mean()) if len(x) else float("nan")


def _period_sample(model: GovernanceModel, event: str) -> Sample:
    """Issues that passed ``event`` from the model's start day (after the warm-up) on."""
    iss = model.issues
    day = event_day(iss, event)  # type: ignore[arg-type]
    ids = np.flatnonzero(day >= model.start_day)
    return Sample(iss, ids, days=model.day - model.start_day + 1, residents=model.pop.n)


def run_outcomes(daily: Mapping[str, np.ndarray], model: GovernanceModel, *,
                 resources: Mapping[str, float] | None = None) -> dict[str, float]:
    """Every registered outcome for the run (its daily table, and the issues of the days it
    covers); ``resources``: the resource outcomes' means over the run, when the daily table
    holds only the last days."""
    day = np.asarray(daily["day"])
    last = day > day[-1] - WINDOW
    samples: dict[str, Sample] = {}
    out: dict[str, float] = {}
    for o in REGISTRY.values():
        if o.kind == "state":
            out[o.name] = _nanmean(np.asarray(daily[o.name])[last])
        elif o.kind == "resource":
            out[o.name] = resources[o.name] if resources is not None else _nanmean(np.asarray(daily[o.name]))
        else:
            if o.event not in samples:
                samples[o.event] = _period_sample(model, o.event)
            out[o.name] = o.compute(samples[o.event])
    return out


def by_category(model: GovernanceModel) -> pa.Table:
    """Per issue category: issues arisen, and the flow outcomes of :data:`BY_CATEGORY` over
    the category's issues that ended in the measured period (resolution time per category)."""
    ended = _period_sample(model, "ended")
    arisen = _period_sample(model, "arisen")
    rows: dict[str, list] = {"category": [], "arisen": [], **{k: [] for k in BY_CATEGORY}}
    for c, name in enumerate(CATEGORIES):
        rows["category"].append(name)
        rows["arisen"].append(int(np.sum(arisen.category == c)))
        sub = ended.where(ended.category == c)
        for k in BY_CATEGORY:
            rows[k].append(REGISTRY[k].compute(sub))
    return pa.table(rows)


def moving_mean(x: np.ndarray, k: int = WINDOW) -> np.ndarray:
    """Trailing ``k``-day mean (the first days: the mean so far)."""
    x = np.asarray(x, dtype=np.float64)
    c = np.cumsum(np.r_[0.0, x])
    n = np.minimum(np.arange(1, len(x) + 1), k)
    return (c[1:] - c[np.arange(1, len(x) + 1) - n]) / n


def half_life(series: np.ndarray, equilibrium: float) -> float:
    """Days until the 30-day moving mean has covered half the way from its day-0 value to
    ``equilibrium`` (NaN if it never does)."""
    smooth = moving_mean(series)
    start = smooth[0]
    if not np.isfinite(start) or not np.isfinite(equilibrium) or start == equilibrium:
        return float("nan")
    done = np.flatnonzero(np.abs(smooth - equilibrium) <= abs(start - equilibrium) / 2)
    return float(done[0]) if len(done) else float("nan")


def convergence(daily: Mapping[str, np.ndarray]) -> pa.Table:
    """Per state outcome: its value on day 0, after the run (the summary's reading), at
    equilibrium (the mean over the run's last quarter, when the run is long enough for the
    outcome to settle there) and the half-life of the approach (:func:`half_life`)."""
    rows: dict[str, list] = {"outcome": [], "day_0": [], "after_run": [], "equilibrium": [], "half_life_days": []}
    n = len(np.asarray(daily["day"]))
    for o in REGISTRY.values():
        if o.kind != "state":
            continue
        x = np.asarray(daily[o.name], dtype=np.float64)
        eq = _nanmean(x[n - max(n // 4, 1):])
        rows["outcome"].append(o.name)
        rows["day_0"].append(float(x[0]))
        rows["after_run"].append(_nanmean(x[n - min(WINDOW, n):]))
        rows["equilibrium"].append(eq)
        rows["half_life_days"].append(half_life(x, eq))
    return pa.table(rows)
