"""One run of a sweep: a :class:`Job` (design point, scenario, seed and the resolved scenario)
and :func:`run_job`, which a worker calls. It sits below the executors and the engine, which
import it; it imports only the run function, the issue table and the result writers."""

from __future__ import annotations

import os
import resource
import socket
import sys
import time
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from sim.outcomes.daily import issue_table
from sim.output.provenance import config_hash
from sim.output.results import daily_table, issues_table
from sim.run import run
from sim.schema import ScenarioConfig
from sim.sweep.store import Key, RunRecord, code_stamp

__all__ = ["Job", "run_job"]


@dataclass(frozen=True)
class Job:
    """One run: its key (design point, scenario, seed), the scenario's name, the point's
    factor values, the fully resolved scenario (JSON) and its hash, and which daily series
    and per-issue columns to send back."""

    point: int
    scenario: int
    seed: int
    name: str
    config: dict[str, Any] = field(repr=False)
    config_hash: str
    daily: tuple[str, ...] = ()
    issues: tuple[str, ...] = ()

    @property
    def key(self) -> Key:
        return (self.point, self.scenario, self.seed)


def run_job(job: Job) -> RunRecord:
    """Run one job (in a worker): every registered outcome, the kept daily series and issue
    columns, timings. The issue table's schema metadata ``govsim.end_day`` is the run's last day
    (``days − 1``), where still-open issues are censored."""
    t0, c0 = time.perf_counter(), time.process_time()
    cfg = ScenarioConfig.model_validate(job.config)
    if config_hash(cfg) != job.config_hash:
        raise RuntimeError("this worker resolves the scenario differently from the coordinator: "
                           "install the same govsim version on every worker")
    lean = bool(job.issues) and not job.daily  # the issue table is read from the final state: no daily detail
    result = run(cfg, detail=bool(job.daily), keep_model=lean)
    kept_issues = pa.table(issue_table(result.model)) if lean else result.issues
    daily = issues = None
    if job.daily:
        daily = daily_table(result.daily.select(["day", *job.daily]), config_hash=job.config_hash)
    if job.issues:
        issues = issues_table(kept_issues.select(list(job.issues)), config_hash=job.config_hash)
        issues = issues.replace_schema_metadata({**issues.schema.metadata, b"govsim.end_day": str(cfg.days - 1).encode()})
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / (2**20 if sys.platform == "darwin" else 2**10)
    timings = {"wall_s": time.perf_counter() - t0, "simulate_s": result.timings.get("simulate_s"),
               "cpu_s": time.process_time() - c0, "max_rss_mb": rss, "worker": f"{socket.gethostname()}:{os.getpid()}"}
    return RunRecord(key=job.key, config_hash=job.config_hash, outcomes=dict(result.outcomes), timings=timings,
                     daily=daily, issues=issues, code=code_stamp())
