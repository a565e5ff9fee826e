"""The model as a plain run function (EMA Workbench style): config in, tables out.

Experiments (``govsim compare``, sweeps, calibration) live outside and call :func:`run`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from sim.model import GovernanceModel
from sim.outcomes.daily import daily_row, issue_table
from sim.outcomes.registry import HEADLINE, RESOURCE_USE, WINDOW
from sim.outcomes.summary import by_category, convergence, run_outcomes
from sim.resources import POOLS
from sim.schema import ScenarioConfig
from sim.warmup import warm_model


@dataclass
class RunResult:
    """Daily outcomes, per-issue records, per-category table and the run's value of every
    registered outcome (``sim.outcomes.registry.REGISTRY``)."""

    config: ScenarioConfig
    daily: pa.Table
    issues: pa.Table
    categories: pa.Table
    outcomes: dict[str, float]
    resources: pa.Table  #: hours and budget spent since day 0, by pool and use
    convergence: pa.Table  #: per state outcome: day 0, after the run, at equilibrium, half-life
    timings: dict[str, float] = field(default_factory=dict)
    model: GovernanceModel | None = None  #: the model at the end, when ``run(..., keep_model=True)``

    @property
    def headline(self) -> dict[str, float]:
        """The headline outcomes and resource use per pool (``HEADLINE`` + ``RESOURCE_USE``)."""
        return {k: self.outcomes[k] for k in (*HEADLINE, *RESOURCE_USE)}


def run(config: ScenarioConfig, *, progress: Callable[[int], None] | None = None, keep_model: bool = False,
        detail: bool = True) -> RunResult:
    """Simulate ``config.days`` days of ``config`` after its warm-up (``sim.warmup``; cached),
    recording each day; ``progress(day)`` is called after each recorded day.

    ``detail=False`` (batches that keep only the run's outcomes): the daily table holds only
    the last ``WINDOW`` days (all a run's outcomes need; resource use is summed every day),
    and the per-issue, per-category and convergence tables are left empty. The outcomes are
    the same either way."""
    t0 = time.perf_counter()
    model = warm_model(config)
    t1 = time.perf_counter()
    columns: dict[str, list[float]] = {}
    pools = {k: 0.0 for k in (*RESOURCE_USE, *(f"available_{p.name}" for p in POOLS))}
    for _ in range(config.days):
        model.step()
        if detail or model.day - model.start_day >= config.days - WINDOW:
            row = daily_row(model)
            for k, v in row.items():
                columns.setdefault(k, []).append(v)
        else:
            row = {f"used_{k}": v for k, v in model.pools.used_today().items()}
            row |= {f"available_{k}": v for k, v in model.pools.available_today().items()}
        for k in pools:
            pools[k] += row[k]
        if progress:
            progress(model.day - model.start_day)
    t2 = time.perf_counter()
    arrays = {k: np.asarray(v, dtype=np.int64 if k == "day" else np.float64) for k, v in columns.items()}
    outcomes = run_outcomes(arrays, model, resources={k: v / config.days for k, v in pools.items()})
    uses = model.pools.use_table()
    resources = pa.table({"pool": [u[0] for u in uses], "use": [u[1] for u in uses],
                          "total": pa.array([u[2] for u in uses], pa.float64()),
                          "per_day": pa.array([u[2] / config.days for u in uses], pa.float64())})
    empty = pa.table({})
    return RunResult(config=config, daily=pa.table(arrays), outcomes=outcomes, resources=resources,
                     issues=pa.table(issue_table(model)) if detail else empty,
                     categories=by_category(model) if detail else empty,
                     convergence=convergence(arrays) if detail else empty, model=model if keep_model else None,
                     timings={"build_s": t1 - t0, "simulate_s": t2 - t1, "tables_s": time.perf_counter() - t2})
