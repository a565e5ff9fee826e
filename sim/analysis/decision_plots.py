"""Figures of the decision views (``sim.analysis.decisions``): the cost-effectiveness plane and
the interaction of each option's effect with the context (matplotlib; outside the core)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from sim.analysis.plotting import SeriesStyle, plt, save_figure, series_style, wrap
from sim.output.labels import factor_label, outcome_label

__all__ = ["plot_cost_effect", "plot_interaction"]


def _label(outcome: str) -> str:
    return outcome_label(outcome, delta=True)


def _colors(options: Sequence[str], styles: Mapping[str, SeriesStyle]) -> list[str]:
    """A scenario's own colour where the option is a scenario; the next free styles otherwise."""
    free = iter(range(len(styles), len(styles) + len(options)))
    return [styles[o].color if o in styles else series_style(next(free)).color for o in options]


def _err(mean: float, low: float, high: float) -> list[list[float]]:
    return [[max(mean - low, 0.0) if math.isfinite(low) else 0.0], [max(high - mean, 0.0) if math.isfinite(high) else 0.0]]


def plot_cost_effect(ranking: Sequence[Mapping[str, Any]], path: Path, *, cost_label: str, cost_unit: str,
                     reference: str, formats: tuple[str, ...], styles: Mapping[str, SeriesStyle],
                     limit: int = 12) -> list[Path]:
    """Each option's extra cost (x) against its effect (y), both with paired 95% CIs, labelled."""
    rows = list(ranking)[:limit]
    if not rows:
        return []
    outcome = rows[0]["outcome"]
    fig, ax = plt.subplots(figsize=(7.2, 4.6), layout="constrained")
    colors = _colors([str(r["option"]) for r in rows], styles)
    for r, c in zip(rows, colors):
        ax.errorbar([r["cost_diff"]], [r["diff"]], xerr=_err(r["cost_diff"], r["cost_low"], r["cost_high"]),
                    yerr=_err(r["diff"], r["ci_low"], r["ci_high"]), fmt="o", color=c, ms=5, capsize=2, lw=1)
        ax.annotate(str(r["option"]), (r["cost_diff"], r["diff"]), textcoords="offset points", xytext=(5, 4), fontsize=7,
                    color=c)
    ax.axhline(0, color="0.5", lw=0.8)
    ax.axvline(0, color="0.5", lw=0.8)
    ax.set_xlabel(f"Δ {cost_label} ({cost_unit})", fontsize=9)
    ax.set_ylabel(_label(outcome), fontsize=9)
    ax.tick_params(labelsize=8)
    ax.grid(alpha=0.3)
    ax.set_title(wrap(f"Cost and effect of each option against '{reference}' (paired by seed; bars: 95% CI)", 6.8, 9),
                 fontsize=9)
    return save_figure(fig, path, formats=formats)


def plot_interaction(effects: Sequence[Mapping[str, Any]], factor: str, outcome: str, options: Sequence[str], path: Path, *,
                     formats: tuple[str, ...], styles: Mapping[str, SeriesStyle]) -> list[Path]:
    """An option's effect on ``outcome`` at each level of context ``factor`` (one line per option)."""
    prefix = f"{factor}="
    fig, ax = plt.subplots(figsize=(7.2, 4.2), layout="constrained")
    drawn = False
    for name, c in zip(options, _colors(list(options), styles)):
        pts = []
        for e in effects:
            if e["option"] != name or e["outcome"] != outcome or e["context"] == "all":
                continue
            part = next((p for p in e["context"].split(", ") if p.startswith(prefix)), None)
            if part is None:
                continue
            try:
                x = float(part[len(prefix):])
            except ValueError:
                continue
            pts.append((x, e["diff"], e["ci_low"], e["ci_high"]))
        if not pts:
            continue
        x, m, lo, hi = (np.asarray(v, dtype=float) for v in zip(*sorted(pts)))
        ax.errorbar(x, m, yerr=[np.maximum(m - lo, 0), np.maximum(hi - m, 0)], fmt="o-", color=c, ms=4, capsize=2, lw=1.2,
                    label=str(name))
        drawn = True
    if not drawn:
        plt.close(fig)
        return []
    ax.axhline(0, color="0.5", lw=0.8)
    ax.set_xlabel(factor_label(factor), fontsize=9)
    ax.set_ylabel(_label(outcome), fontsize=9)
    ax.tick_params(labelsize=8)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, frameon=False, loc="best")
    ax.set_title(wrap(f"Effect by {factor_label(factor).lower()} (paired by seed at each level; bars: 95% CI)", 6.8, 9),
                 fontsize=9)
    return save_figure(fig, path, formats=formats)
