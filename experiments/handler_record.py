"""Can the baseline express the pre-reform record with handlers who mostly do good work?

Reads the sweep of ``experiments/handler_record.yaml`` (``govsim sweep ... --out DIR``) and
writes into ``DIR``: ``handler_record.csv`` (each design point's factor values and its mean over
seeds of the hotline-measured and the real resolution rate), ``handler_record.md`` (how many
points reach the target band, the points nearest the target, each factor's Spearman rank
correlation with the hotline-measured rate) and ``handler_record.{png,pdf,svg}`` (the measured
rate against each factor, the target band shaded).

The target is Beijing 12345's resolution rate by its own callbacks in January 2019, 53%
(``docs/calibration-targets.md``); the band is ±0.05 around it. Per-attempt success
(``capacity.resolve_quality``) is swept from 0.8 up, so every point has handlers who mostly
do good work when they work.

    python experiments/handler_record.py results/handler_record
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import numpy as np
from scipy import stats

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sim.analysis.plotting import grid, save_figure, suptitle  # noqa: E402
from sim.output.labels import outcome_label  # noqa: E402
from sim.output.results import OutputError, atomic_write, read  # noqa: E402

TARGET, BAND = 0.53, 0.05
MEASURED, REAL = "hotline_resolution_rate", "resolution_rate_reported"


def summarise(folder: Path) -> tuple[list[str], list[dict[str, float]]]:
    """Factor names and one row per design point: factors, then the seed means of the outcomes."""
    try:
        runs = read(folder, set_columns=False)
    except OutputError as exc:
        raise SystemExit(f"error: {exc}") from None
    factors = [c for c in runs.columns if "." in c]
    if not factors or MEASURED not in runs.columns:
        raise SystemExit(f"error: {folder} is not a sweep of experiments/handler_record.yaml "
                         f"(no factor columns or no {MEASURED})")
    means = runs.groupby("point")[[*factors, MEASURED, REAL, "reply_closure_rate", "false_closure_rate",
                                   "trust_mean", "participation_rate"]].mean()
    rows = [{"point": int(p), **{k: float(v) for k, v in row.items()}} for p, row in means.iterrows()]
    return factors, rows


def report(factors: list[str], rows: list[dict[str, float]]) -> str:
    """The Markdown summary."""
    measured = np.array([r[MEASURED] for r in rows])
    real = np.array([r[REAL] for r in rows])
    inside = np.abs(measured - TARGET) <= BAND
    lines = [
        "# Handlers who choose: can the baseline resolve about half of what is reported?",
        "",
        f"{len(rows)} design points (seed means), every one with per-attempt success of at least "
        f"{min(r['capacity.resolve_quality'] for r in rows):.2f}.",
        "",
        f"- Hotline-measured resolution rate over the points: {measured.min():.3f} to {measured.max():.3f} "
        f"(median {np.median(measured):.3f}); really resolved: {real.min():.3f} to {real.max():.3f}.",
        f"- Points within {TARGET:.2f} ± {BAND:.2f} (Beijing 12345, January 2019): **{int(inside.sum())}**"
        + (f"; their really-resolved rate {real[inside].mean():.3f} ± {real[inside].std(ddof=0):.3f}." if inside.any() else "."),
        f"- The hotline's figure exceeds the real one by {np.mean(measured - real):+.3f} on average "
        "(undiscovered paper closures and accepted replies).",
        "",
        "## What moves the measured rate (Spearman rank correlation over the points)",
        "",
        "| factor | ρ | p |",
        "|---|---|---|",
    ]
    for f in sorted(factors, key=lambda f: -abs(stats.spearmanr([r[f] for r in rows], measured).statistic)):
        rho = stats.spearmanr([r[f] for r in rows], measured)
        lines.append(f"| `{f}` | {rho.statistic:+.2f} | {rho.pvalue:.2g} |")
    near = sorted(rows, key=lambda r: abs(r[MEASURED] - TARGET))[:5]
    lines += ["", "## The five points nearest the target", "",
              "| point | " + " | ".join(f"`{f.split('.')[-1]}`" for f in factors) + " | measured | real |",
              "|" + "---|" * (len(factors) + 3)]
    for r in near:
        lines.append(f"| {r['point']} | " + " | ".join(f"{r[f]:.2f}" for f in factors)
                     + f" | {r[MEASURED]:.3f} | {r[REAL]:.3f} |")
    return "\n".join(lines) + "\n"


def plot(factors: list[str], rows: list[dict[str, float]], path: Path) -> list[Path]:
    """The measured rate against each factor, the target band shaded."""
    fig, axes = grid(len(factors), ncols=4, panel_height=1.7)
    measured = [r[MEASURED] for r in rows]
    for ax, f in zip(axes.flat, factors):
        ax.axhspan(TARGET - BAND, TARGET + BAND, color="0.88", lw=0)
        ax.scatter([r[f] for r in rows], measured, s=8, color="#0072B2")
        ax.set_xlabel(f.split(".")[-1].replace("_", " "))
        ax.set_ylabel(outcome_label(MEASURED) if ax.get_subplotspec().is_first_col() else "")
        ax.set_ylim(0, 1)
    suptitle(fig, "Hotline-measured resolution rate over handler settings (band: Beijing 12345, Jan 2019, ±0.05)")
    return save_figure(fig, path, formats=("png", "pdf", "svg"))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("folder", type=Path, help="the sweep's output folder")
    args = p.parse_args(argv)
    factors, rows = summarise(args.folder)
    def write_csv(path: Path) -> None:
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)

    atomic_write(args.folder / "handler_record.csv", write_csv)
    text = report(factors, rows)
    atomic_write(args.folder / "handler_record.md", lambda path: path.write_text(text, encoding="utf-8"))
    plot(factors, rows, args.folder / "handler_record.png")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
