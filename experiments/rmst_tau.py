"""How the headline's restricted mean days to resolution depends on its horizon τ.

The headline comparison (README; ``results/curated/comparison``: party-led governance against
the community system) reports the restricted mean days to real resolution of every issue that
arose in the run, paper closures, abandonments and open issues censored, within τ = 90 days
(``survival.csv``); the registry's ``resolution_days_rmst`` outcome uses τ = 28 days. This
script runs the same two scenarios on ``--seeds`` seeds (common random numbers, the package's
engine: :func:`sim.sweep.engine.run_experiment`, keeping the issue columns survival needs) and
reports, for each τ, the paired RMST difference party-led − baseline with its 95% t-interval
over seeds (:func:`sim.analysis.survival.paired_rmst`), and whether its sign is the same at
every τ (a seed whose longest observed time is shorter than τ has no RMST there: NaN, left
out of the pairs, as :meth:`~sim.analysis.survival.KaplanMeier.rmst` says). Each run's stored
``resolution_days_rmst`` (the registry's τ = 28 over the same cohort) is reported beside them
as a cross-check of the τ = 28 row.

    python experiments/rmst_tau.py [--seeds 10] [--residents 10000] [--taus 14,28,60,90] [--out DIR]

prints the table and writes ``OUT/rmst_tau.csv`` and ``OUT/rmst_tau.md`` (default OUT:
``results/rmst-tau``; curated through ``experiments/curate.py rmst-tau``).
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sim.analysis.stats import PairedDiff, paired_difference  # noqa: E402
from sim.analysis.survival import COLUMNS, Durations, durations, paired_rmst, rmst_values  # noqa: E402
from sim.output.tables import write_csv  # noqa: E402
from sim.sweep.engine import run_experiment  # noqa: E402
from sim.sweep.experiment import Experiment  # noqa: E402
from sim.sweep.store import read_issues, read_runs  # noqa: E402

BASELINE = ROOT / "scenarios" / "community_system.yaml"
PARTY = ROOT / "scenarios" / "party_led_full.yaml"
TAUS = (14.0, 28.0, 60.0, 90.0)
REGISTRY_OUTCOME = "resolution_days_rmst"
COHORT = "every issue arisen in the run (survival.csv)"
FIELDS = ("tau", "source", "n_seeds", "baseline_rmst", "party_rmst", "diff", "ci_low", "ci_high", "p_t", "sign")


def experiment(seeds: int, residents: int) -> Experiment:
    """The headline pair at ``residents``, the scenarios' own days and warm-up, issue columns kept."""
    return Experiment.build([str(BASELINE), str(PARTY)], name="rmst-tau", set={"population.residents": residents},
                            replications=seeds, outcomes=[REGISTRY_OUTCOME], issues=COLUMNS)


def _sign(d: PairedDiff) -> str:
    """The point estimate's sign (``+`` slower, ``−`` faster) and whether the 95% CI excludes 0."""
    if not math.isfinite(d.mean):
        return "n/a"
    sign = "+" if d.mean > 0 else "−" if d.mean < 0 else "0"
    shown = math.isfinite(d.low) and math.isfinite(d.high) and (d.low > 0 or d.high < 0)
    return f"{sign} ({'CI excludes 0' if shown else 'CI contains 0'})"


def _row(tau: float, source: str, a: np.ndarray, b: np.ndarray, d: PairedDiff) -> dict[str, Any]:
    """One table row: the means of ``a`` and ``b`` over seeds and their paired difference ``d``."""
    return {"tau": tau, "source": source, "n_seeds": d.n, "baseline_rmst": float(np.nanmean(a)), "party_rmst": float(np.nanmean(b)),
            "diff": d.mean, "ci_low": d.low, "ci_high": d.high, "p_t": d.p_t, "sign": _sign(d)}


def tau_rows(base: Sequence[Durations], party: Sequence[Durations], taus: Sequence[float]) -> list[dict[str, Any]]:
    """Per τ: the paired RMST difference party − base over the seeds (same order in both)."""
    return [_row(tau, COHORT, rmst_values(base, tau), rmst_values(party, tau), paired_rmst(base, party, tau)) for tau in taus]


def markdown(rows: Sequence[dict[str, Any]], *, seeds: int, residents: int, wall: float) -> str:
    """The table in Markdown, with the command and what the signs say."""
    lines = [f"# RMST horizon sensitivity: party-led − community system ({seeds} seeds, {residents:,} residents)", "",
             "Paired difference of the restricted mean days to real resolution (every issue arisen in the run; paper "
             "closures, abandonments and open issues censored; Kaplan–Meier), party-led governance − community system, "
             "seed by seed, with the 95% t-interval over seeds. Sign: of the point estimate, + slower, − faster. "
             "Each run's stored `resolution_days_rmst` (τ = 28) is a cross-check of the τ = 28 row.", "",
             "| τ (days) | cohort | seeds | baseline RMST | party-led RMST | Δ [95% CI] | p (paired t) | sign |",
             "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['tau']:g} | {r['source']} | {r['n_seeds']} | {r['baseline_rmst']:.3f} | {r['party_rmst']:.3f} | "
                     f"{r['diff']:+.3f} [{r['ci_low']:+.3f}, {r['ci_high']:+.3f}] | {r['p_t']:.2g} | {r['sign']} |")
    mine = [r for r in rows if r["source"] == COHORT and r["sign"] != "n/a"]
    signs = {r["sign"][0] for r in mine}
    shown = [f"{r['tau']:g}" for r in mine if "excludes" in r["sign"]]
    verdict = (f"The point estimate's sign is the same at every τ ({signs.pop()})" if len(signs) == 1 else
               "The point estimate's sign is not stable across τ: " + ", ".join(f"{r['tau']:g}: {r['sign'][0]}" for r in mine))
    verdict += f"; the 95% CI excludes 0 at τ = {', '.join(shown)}." if shown else "; the 95% CI contains 0 at every τ."
    lines += ["", verdict, "", f"Command: `python experiments/rmst_tau.py --seeds {seeds} --residents {residents}`; "
              f"wall time {wall:,.0f} s."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--seeds", type=int, default=10, help="seeds 0..N-1 per scenario (default 10; the headline has 20)")
    p.add_argument("--residents", type=int, default=10_000, help="population (default 10,000, the headline's)")
    p.add_argument("--taus", default=",".join(f"{t:g}" for t in TAUS), help="horizons in days (default 14,28,60,90)")
    p.add_argument("--workers", type=int, default=None, help="worker processes (default: the engine's choice)")
    p.add_argument("--out", type=Path, default=ROOT / "results" / "rmst-tau", help="output folder (default results/rmst-tau)")
    args = p.parse_args(argv)
    try:
        taus = [float(t) for t in args.taus.split(",") if t.strip()]
    except ValueError:
        p.error(f"--taus {args.taus!r}: give days separated by commas, e.g. 14,28,60,90")
    if args.seeds < 2 or not taus or min(taus) <= 0:
        p.error("need at least 2 seeds and positive horizons")
    t0 = time.perf_counter()
    exp = experiment(args.seeds, args.residents)
    run_experiment(exp, args.out, workers=args.workers, quiet=True)
    seeds = range(args.seeds)
    tables = {s: [read_issues(args.out, (0, s, seed)) for seed in seeds] for s in (0, 1)}
    if any(t is None for ts in tables.values() for t in ts):
        raise SystemExit(f"{args.out}: some runs kept no issue table; run the same command again")
    base, party = ([durations(t) for t in tables[s]] for s in (0, 1))
    rows = tau_rows(base, party, taus)
    runs = read_runs(args.out, outcomes=[REGISTRY_OUTCOME]).to_pydict()
    by = {(s, seed): v for s, seed, v in zip(runs["scenario"], runs["seed"], runs[REGISTRY_OUTCOME])}
    names = [s.name for s in exp.scenarios]
    a = np.array([by[(names[0], seed)] for seed in seeds], dtype=np.float64)
    b = np.array([by[(names[1], seed)] for seed in seeds], dtype=np.float64)
    rows.append(_row(28.0, f"{REGISTRY_OUTCOME} (the registry's outcome, τ = 28)", a, b, paired_difference(a, b)))
    wall = time.perf_counter() - t0
    write_csv(rows, FIELDS, args.out / "rmst_tau.csv")
    text = markdown(rows, seeds=args.seeds, residents=args.residents, wall=wall)
    (args.out / "rmst_tau.md").write_text(text, encoding="utf-8")
    print(text, end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
