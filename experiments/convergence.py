"""How long the baseline takes to reach its steady state from the initial values, which sets
the warm-up (``warmup_days``) of the scenario library.

The community system runs cold (no warm-up) for ``--years`` years on ``--seeds`` seeds. Its
equilibrium is the mean of the last two years over all seeds; the noise of an outcome is the
standard deviation, across seeds and ``--step``-day windows of those last two years, of a
window's mean around the equilibrium (what one seed's window mean scatters by at rest). The
warm-up is the first multiple of ``--step`` days from which, for every headline outcome, the
across-seed mean of every following window stays within that noise of the equilibrium for
the rest of the run. Per outcome, the half-life is the first day the
across-seed mean (30-day moving average) has covered half the way from its day-0 value to
the equilibrium.

    python experiments/convergence.py [--seeds 6] [--years 6] [--residents 5000] [--out DIR]

prints the table and writes ``OUT/convergence.csv`` and ``OUT/convergence.png``.
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing
import sys
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sim.outcomes.registry import HEADLINE, REGISTRY  # noqa: E402
from sim.outcomes.summary import half_life, moving_mean  # noqa: E402
from sim.run import run  # noqa: E402
from sim.scenario.loading import load_scenario  # noqa: E402

BASELINE = ROOT / "scenarios" / "community_system.yaml"
#: State outcomes of the headline (flows over a 30-day window are noisier; they follow the states).
OUTCOMES: tuple[str, ...] = tuple(o for o in HEADLINE if REGISTRY[o].kind == "state")


def daily_series(seed: int, years: int, residents: int) -> dict[str, np.ndarray]:
    cfg = load_scenario(BASELINE, overrides={"seed": seed, "days": 365 * years, "warmup_days": 0,
                                             "population.residents": residents})
    r = run(cfg)
    return {o: np.asarray(r.daily.column(o), dtype=np.float64) for o in OUTCOMES}


def analyse(series: Sequence[dict[str, np.ndarray]], *, step: int) -> tuple[int, list[dict[str, float]]]:
    """The warm-up and, per outcome, equilibrium, noise, half-life and the day it settles."""
    days = len(series[0][OUTCOMES[0]])
    tail = slice(days - 730, days)
    rows = []
    for o in OUTCOMES:
        mat = np.vstack([s[o] for s in series])
        eq = float(mat[:, tail].mean())
        rest = mat[:, tail][:, : (730 // step) * step].reshape(len(series), -1, step).mean(axis=2)
        noise = float(np.sqrt(np.mean((rest - eq) ** 2)))
        mean = mat.mean(axis=0)
        settled = days
        for start in range(0, days - 730, step):
            windows = [mean[d:d + step].mean() for d in range(start, days - 730 + 1, step)]
            if all(abs(w - eq) <= noise for w in windows):
                settled = start
                break
        rows.append({"outcome": o, "day0": float(moving_mean(mean)[0]), "equilibrium": eq, "noise": noise,
                     "half_life_days": half_life(mean, eq), "settled_day": float(settled)})
    warmup = int(max(r["settled_day"] for r in rows))
    return warmup, rows


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seeds", type=int, default=6)
    p.add_argument("--years", type=int, default=6)
    p.add_argument("--residents", type=int, default=5000)
    p.add_argument("--step", type=int, default=90)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--out", type=Path, default=Path("results/convergence"))
    args = p.parse_args(argv)
    seeds = list(range(args.seeds))
    with ProcessPoolExecutor(args.workers, mp_context=multiprocessing.get_context("forkserver")) as ex:
        series = list(ex.map(daily_series, seeds, [args.years] * len(seeds), [args.residents] * len(seeds)))
    warmup, rows = analyse(series, step=args.step)
    print(f"community_system from cold, {args.seeds} seeds × {args.years} years, {args.residents:,} residents")
    print(f"{'outcome':<30}{'day 0':>9}{'equilibrium':>13}{'noise':>9}{'half-life (d)':>15}{'settled (d)':>13}")
    for r in rows:
        print(f"{r['outcome']:<30}{r['day0']:>9.4g}{r['equilibrium']:>13.4g}{r['noise']:>9.3g}"
              f"{r['half_life_days']:>15.0f}{r['settled_day']:>13.0f}")
    print(f"\nwarm-up: every headline state settles within the noise of its equilibrium by day {warmup}")
    args.out.mkdir(parents=True, exist_ok=True)
    with (args.out / "convergence.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    from sim.analysis.plotting import plot_convergence

    plot_convergence(series, rows, args.out / "convergence.png", warmup=warmup)
    print(f"wrote {args.out / 'convergence.csv'}, {args.out / 'convergence.png'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
