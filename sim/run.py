"""The model as a plain run function (EMA Workbench style): config in, tables out.

Experiments (``govsim compare``, sweeps, calibration) live outside and call :func:`run`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pyarrow as pa

from sim.metrics import DAILY, daily_row, issue_table
from sim.model import GovernanceModel
from sim.schema import ScenarioConfig
from sim.summary import headline


@dataclass
class RunResult:
    """Daily outcomes and per-issue records of one run."""

    config: ScenarioConfig
    daily: pa.Table
    issues: pa.Table
    timings: dict[str, float] = field(default_factory=dict)
    model: GovernanceModel | None = None  #: the model at the end, when ``run(..., keep_model=True)``

    @cached_property
    def headline(self) -> dict[str, float]:
        """Headline outcomes (``sim.summary.HEADLINE``), computed once."""
        return headline(self.daily, self.issues)


def run(config: ScenarioConfig, *, progress: Callable[[int], None] | None = None,
        keep_model: bool = False) -> RunResult:
    """Simulate ``config.days`` days of ``config``; ``progress(day)`` is called after each day."""
    t0 = time.perf_counter()
    model = GovernanceModel(config)
    t1 = time.perf_counter()
    columns: dict[str, list[float]] = {k: [] for k in DAILY}
    for _ in range(config.days):
        model.step()
        for k, v in daily_row(model).items():
            columns[k].append(v)
        if progress:
            progress(model.day)
    t2 = time.perf_counter()
    daily = pa.table({k: pa.array(np.asarray(v, dtype=np.int64 if k in _INT_COLS else np.float64))
                      for k, v in columns.items()})
    issues = pa.table(issue_table(model))
    return RunResult(config=config, daily=daily, issues=issues, model=model if keep_model else None,
                     timings={"build_s": t1 - t0, "simulate_s": t2 - t1, "tables_s": time.perf_counter() - t2})


_INT_COLS = {"day", "arisen", "latent", "open", "resolved", "false_closed", "abandoned", "new_issues"}
