"""The article's seven expectations (spec §6) as paired experiments.

Each expectation names two (or more) scenario variants built from the same base, a
measure taken from a run's tables, and the direction the article expects. Variants run
with the same seeds (common random numbers), so the comparison is paired. The model is
untouched here: the experiment lives outside it (EMA Workbench style).

    python experiments/expectations.py [--seeds 10] [--residents 3000] [--days 365]

prints, per expectation, the mean paired difference with its 95% CI, the paired t-test p
and Cohen's d_z. ``tests/test_expectations.py`` runs the same experiments at test scale.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sim.run import RunResult, run  # noqa: E402
from sim.schema import ScenarioConfig  # noqa: E402
from sim.stats import PairedDiff, paired_difference  # noqa: E402

Measure = Callable[[RunResult], float]


def _cols(result: RunResult) -> dict[str, np.ndarray]:
    return {c: np.asarray(result.issues.column(c)) for c in result.issues.column_names}


def _days(t: dict[str, np.ndarray]) -> np.ndarray:
    return (t["day_closed"] - t["day_arisen"]).astype(float)


def cross_department_days(result: RunResult) -> float:
    """Mean days to real resolution of issues needing two departments."""
    t = _cols(result)
    ok = (t["status"] == "resolved") & (t["second_department"] != "")
    return float(np.mean(_days(t)[ok])) if ok.any() else np.nan


def self_report_days(result: RunResult) -> float:
    """Mean days from arising to the resident's own report."""
    t = _cols(result)
    ok = t["channel"] == "self_report"
    return float(np.mean((t["day_detected"] - t["day_arisen"])[ok])) if ok.any() else np.nan


def _ended(t: dict[str, np.ndarray]) -> np.ndarray:
    return np.isin(t["status"], ["resolved", "false_closed", "abandoned"])


def lift_resolution_rate(result: RunResult) -> float:
    """Share of ended lift/renovation (resource-heavy) issues really resolved."""
    t = _cols(result)
    ok = _ended(t) & (t["category"] == "lift_renovation")
    return float((t["status"][ok] == "resolved").mean()) if ok.any() else np.nan


def resolution_rate(result: RunResult) -> float:
    """Share of all ended issues really resolved."""
    t = _cols(result)
    ended = _ended(t)
    return float((t["status"][ended] == "resolved").mean())


def reassignments(result: RunResult) -> float:
    """Mean reassignments of ended issues that a handler dealt with."""
    t = _cols(result)
    ok = _ended(t) & ~t["self_resolved"] & (t["handler_path"] != "")
    return float(t["reassignments"][ok].mean())


def false_closure_rate(result: RunResult) -> float:
    """Paper closures / all closures."""
    t = _cols(result)
    closed = np.isin(t["status"], ["resolved", "false_closed"])
    return float((t["status"][closed] == "false_closed").mean())


def betrayal_minus_slowness(result: RunResult) -> float:
    """Mean satisfaction of discovered paper closures minus that of the slowest tenth of
    honest resolutions (negative: discovered false closures cost more trust).

    Unlike the other checks this one follows directly from the experience rule (a discovered
    paper closure is perceived as no outcome minus ``behaviour.betrayal_penalty``; a slow honest
    resolution keeps a positive, if decayed, outcome): it checks that the rule is wired as
    documented, not that something emerges."""
    t = _cols(result)
    honest = (t["status"] == "resolved") & ~t["self_resolved"]
    slow = honest & (_days(t) > np.percentile(_days(t)[honest], 90))
    found = t["discovered_false_closure"]
    if not found.any() or not slow.any():
        return np.nan
    return float(np.nanmean(t["satisfaction"][found]) - np.nanmean(t["satisfaction"][slow]))


def median_resolution_days(result: RunResult) -> float:
    """Median days to real resolution, all issues."""
    t = _cols(result)
    ok = t["status"] == "resolved"
    return float(np.median(_days(t)[ok]))


@dataclass(frozen=True)
class daily_final:  # noqa: N801 - reads like the other measures
    """Mean of a daily column over the last ``window`` days (picklable for worker processes)."""

    column: str
    window: int = 1

    @property
    def __name__(self) -> str:  # noqa: PLE0307
        return f"{self.column} (last {self.window} d)" if self.window > 1 else self.column

    def __call__(self, result: RunResult) -> float:
        return float(np.asarray(result.daily.column(self.column))[-self.window:].mean())


@dataclass(frozen=True)
class Check:
    """One measured comparison: variant ``b`` against variant ``a``, expected sign of b − a."""

    measure: Measure
    a: str
    b: str
    sign: int  #: +1: b higher; -1: b lower; 0: no difference (equivalence within ``margin``)
    margin: float = 0.0


@dataclass(frozen=True)
class Expectation:
    """An expectation of spec §6: scenario variants (mechanism settings) and checks."""

    number: str
    claim: str
    variants: dict[str, dict[str, Any]]
    checks: tuple[Check, ...]
    base: dict[str, Any] = field(default_factory=dict)


def _on(key: str, **params: Any) -> dict[str, Any]:
    return {key: {"enabled": True, **params}}


LEVELS = (0.0, 0.25, 0.5, 0.75, 1.0)

EXPECTATIONS: tuple[Expectation, ...] = (
    Expectation("1", "Whistle-summoning shortens resolution of cross-department issues",
                {"base": {}, "whistle": _on("whistle_summon")},
                (Check(cross_department_days, "base", "whistle", -1),)),
    Expectation("2a", "Digital platforms cut reporting friction and time",
                {"base": {}, "digital": _on("digital_platform")},
                (Check(self_report_days, "base", "digital", -1),)),
    Expectation("2b", "The gig-worker platform narrows the participation gap of gig workers",
                {"base": {}, "gig": _on("gig_worker_platform")},
                (Check(daily_final("participation_gap_gig", 90), "base", "gig", -1),)),
    Expectation("3", "Regional resource sharing raises resolution of resource-heavy issues",
                {"base": {}, "regional": _on("regional_party_building")},
                (Check(lift_resolution_rate, "base", "regional", +1),)),
    Expectation("4", "Emotional outreach raises trust, acquaintance ties and participation",
                {"base": {}, "outreach": _on("emotional_outreach")},
                (Check(daily_final("trust_mean"), "base", "outreach", +1),
                 Check(daily_final("acquaintance_share"), "base", "outreach", +1),
                 Check(daily_final("participation_rate", 90), "base", "outreach", +1))),
    Expectation("5", "Leadership intensity has an inverted-U effect (interior optimum)",
                {f"level_{lvl:g}": _on("leadership_intensity", level=lvl) for lvl in LEVELS},
                (Check(resolution_rate, "level_0", "level_0.5", +1),
                 Check(resolution_rate, "level_1", "level_0.5", +1),
                 Check(daily_final("participation_rate", 90), "level_0", "level_0.25", +1),
                 Check(daily_final("participation_rate", 90), "level_1", "level_0.25", +1),
                 Check(daily_final("efficacy_mean", 90), "level_0", "level_0.25", +1),
                 Check(daily_final("efficacy_mean", 90), "level_1", "level_0.25", +1))),
    Expectation("6a", "Responsibility lists cut reassignments",
                {"base": {}, "lists": _on("responsibility_lists")},
                (Check(reassignments, "base", "lists", -1),)),
    Expectation("6b", "Supervision cuts false closures",
                {"base": {}, "supervision": _on("supervision")},
                (Check(false_closure_rate, "base", "supervision", -1),)),
    Expectation("6c", "Discovered false closures cost more trust than slow honest resolution",
                {"base": {}},
                (Check(betrayal_minus_slowness, "base", "base", -1),)),
    Expectation("7", "Closed-loop feedback raises trust even when resolution time is unchanged",
                {"base": {}, "closed_loop": _on("service_closed_loop")},
                (Check(daily_final("trust_mean"), "base", "closed_loop", +1),
                 Check(median_resolution_days, "base", "closed_loop", 0, margin=1.0))),
)


@dataclass(frozen=True)
class Outcome:
    """The result of one check."""

    expectation: Expectation
    check: Check
    a: np.ndarray
    b: np.ndarray
    diff: PairedDiff

    @property
    def holds(self) -> bool:
        """Direction as expected at the 1% level (paired t; one-sample when a == b), or, for
        sign 0, the 95% CI of the difference inside ±margin (equivalence)."""
        d = self.diff
        if self.check.sign == 0:
            return bool(-self.check.margin <= d.low and d.high <= self.check.margin)
        return bool(np.sign(d.mean) == self.check.sign and d.p_t < 0.01)


def measures() -> tuple[Measure, ...]:
    """Every measure any expectation uses, once."""
    return tuple(dict.fromkeys(c.measure for e in EXPECTATIONS for c in e.checks))


def variant_key(mechanisms: dict[str, Any], seed: int) -> str:
    """Identifies a variant × seed run (the same variant in two expectations runs once)."""
    return json.dumps({"mechanisms": mechanisms, "seed": seed}, sort_keys=True)


def _measure_run(args: tuple[dict[str, Any], tuple[Measure, ...]]) -> list[float]:
    cfg, wanted = args
    result = run(ScenarioConfig(**cfg))
    return [m(result) for m in wanted]


def run_all(expectations: Sequence[Expectation], *, seeds: Sequence[int], residents: int, days: int,
            workers: int = 1, progress: bool = False) -> dict[str, dict[Measure, float]]:
    """Run every distinct variant × seed once (variants shared by expectations, such as the
    baseline, run once) and take every measure of each run."""
    wanted = measures()
    jobs = {variant_key(mech, s): {"seed": s, "days": days, "population": {"residents": residents}, "mechanisms": mech}
            for e in expectations for mech in e.variants.values() for s in seeds}
    keys = sorted(jobs)
    args = [(jobs[k], wanted) for k in keys]
    values: list[list[float]] = []
    with tqdm(total=len(args), desc="runs", unit="run", file=sys.stderr, disable=not progress) as bar:
        if workers > 1:
            with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("forkserver")) as ex:
                for v in ex.map(_measure_run, args):
                    values.append(v)
                    bar.update(1)
        else:
            for a in args:
                values.append(_measure_run(a))
                bar.update(1)
    return {k: dict(zip(wanted, v)) for k, v in zip(keys, values)}


def evaluate(exp: Expectation, table: dict[str, dict[Measure, float]], *, seeds: Sequence[int]) -> list[Outcome]:
    """The checks of ``exp`` on measured runs (``run_all``)."""
    out = []
    for check in exp.checks:
        a = np.array([table[variant_key(exp.variants[check.a], s)][check.measure] for s in seeds])
        b = np.array([table[variant_key(exp.variants[check.b], s)][check.measure] for s in seeds])
        diff = paired_difference(np.zeros_like(b), b) if check.a == check.b else paired_difference(a, b)
        out.append(Outcome(exp, check, a, b, diff))
    return out


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seeds", type=int, default=10)
    p.add_argument("--residents", type=int, default=3000)
    p.add_argument("--days", type=int, default=365)
    p.add_argument("--workers", type=int, default=2)
    args = p.parse_args(argv)
    seeds = range(args.seeds)
    print(f"{args.seeds} paired seeds, {args.residents:,} residents, {args.days} days\n")
    print(f"{'#':<4}{'measure':<34}{'A':<12}{'B':<14}{'mean A':>9}{'mean B':>9}{'Δ':>9}  {'95% CI of Δ':<20}{'p':>8}{'d_z':>8}  holds")
    table = run_all(EXPECTATIONS, seeds=seeds, residents=args.residents, days=args.days, workers=args.workers,
                    progress=True)
    for exp in EXPECTATIONS:
        for o in evaluate(exp, table, seeds=seeds):
            d = o.diff
            print(f"{exp.number:<4}{o.check.measure.__name__:<34}{o.check.a:<12}{o.check.b:<14}"
                  f"{np.nanmean(o.a):>9.4g}{np.nanmean(o.b):>9.4g}{d.mean:>+9.3g}  [{d.low:+.3g}, {d.high:+.3g}]".ljust(118)
                  + f"{d.p_t:>8.2g}{d.d_z:>+8.2f}  {'yes' if o.holds else 'NO'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
