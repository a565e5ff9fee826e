"""Figures of ``govsim report`` (matplotlib; the simulation core never imports this module).

Each function takes tidy rows from ``sim.analysis.methods`` and writes one figure in every format
asked for (``save_figure``: PDF, SVG, PNG, no creation dates), in the shared style of
``sim.analysis.plotting``: labels in words with units, one style per scenario across the report
(``styles``, from ``scenario_styles`` of the experiment's scenario list), journal widths."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np

from sim.analysis.plotting import (
    DOUBLE,
    MAX_HEIGHT,
    SINGLE,
    SeriesStyle,
    grid,
    legend_below,
    plt,
    save_figure,
    scenario_styles,
    series_style,
    suptitle,
    wrap,
)
from sim.output.labels import contrast_label, factor_label, outcome_label

__all__ = ["MAX_FACTORS_SHOWN", "plot_adequacy", "plot_factor", "plot_heatmap", "plot_indices", "plot_prim"]

#: Most factors drawn in an index figure (the most influential, fewer when many outcomes share the
#: page; the table has them all).
MAX_FACTORS_SHOWN = 20


def _label(outcome: str, width: float = 2.2) -> str:
    return wrap(outcome_label(outcome), width)


def plot_factor(rows: Sequence[Mapping[str, Any]], factor: str, outcomes: Sequence[str], path: Path, *,
                formats: tuple[str, ...], title: str, styles: Mapping[str, SeriesStyle] | None = None) -> list[Path]:
    """Outcome against one factor: mean per value (or bin) with a 95% CI band, one line per scenario."""
    scenarios = list(dict.fromkeys(r["scenario"] for r in rows))
    styles = styles or scenario_styles(scenarios)
    fig, axes = grid(len(outcomes), extra=0.8)
    for ax, o in zip(axes.flat, outcomes):
        for s in scenarios:
            pts = sorted((r["value"], r["mean"], r["ci_low"], r["ci_high"]) for r in rows if r["outcome"] == o and r["scenario"] == s)
            if not pts:
                continue
            x, m, lo, hi = (np.asarray(v, dtype=float) for v in zip(*pts))
            st = styles[s]
            ax.fill_between(x, lo, hi, color=st.color, alpha=0.2, lw=0)
            ax.plot(x, m, marker=st.marker, ms=3, **st.line(lw=1.3), label=s)
        ax.set_title(_label(o))
        ax.set_xlabel(wrap(factor_label(factor), 2.1, 7), fontsize=7)
        ax.ticklabel_format(axis="y", style="sci", scilimits=(-3, 4), useMathText=True)
        ax.grid(alpha=0.3)
    suptitle(fig, f"{title}\nline: mean over runs; band: 95% t-interval")
    if len(scenarios) > 1:
        legend_below(fig, [matplotlib.lines.Line2D([], [], marker=styles[s].marker, **styles[s].line()) for s in scenarios],
                     scenarios, max_cols=4)
    return save_figure(fig, path, formats=formats)


def plot_heatmap(grid_: Mapping[str, tuple[np.ndarray, np.ndarray, np.ndarray]], fx: str, fy: str, path: Path, *,
                 formats: tuple[str, ...], title: str) -> list[Path]:
    """Mean outcome over two factors of a full factorial design: ``grid_[outcome] = (x values,
    y values, means[y, x])``, each cell averaged over the other factors' levels (balanced)."""
    fig, axes = grid(len(grid_), panel_height=2.2, extra=1.0)
    for ax, (o, (xs, ys, z)) in zip(axes.flat, grid_.items()):
        im = ax.imshow(z, origin="lower", aspect="auto", cmap="viridis")
        ax.set_xticks(range(len(xs)), [f"{v:.3g}" for v in xs], rotation=45)
        ax.set_yticks(range(len(ys)), [f"{v:.3g}" for v in ys])
        ax.set_xlabel(wrap(factor_label(fx), 1.8, 7), fontsize=7)
        ax.set_ylabel(wrap(factor_label(fy), 1.5, 7), fontsize=7)
        ax.set_title(_label(o, 1.9))
        fig.colorbar(im, ax=ax, shrink=0.8).ax.tick_params(labelsize=6)
    suptitle(fig, f"{title}\ncell: mean over runs and over the other factors' levels")
    return save_figure(fig, path, formats=formats)


def plot_indices(rows: Sequence[Mapping[str, Any]], keys: Sequence[tuple[str, str, str]], path: Path, *,
                 formats: tuple[str, ...], title: str, names: Mapping[str, str] | None = None) -> list[Path]:
    """Sensitivity indices per factor with bootstrap 95% CIs; ``keys``: (value, low, high)
    column triples drawn side by side (e.g. S1 and ST, or mu*), named in the legend by
    ``names``. At most :data:`MAX_FACTORS_SHOWN` factors, the most influential (each outcome's
    largest index scaled to 1, averaged)."""
    outcomes = list(dict.fromkeys(r["outcome"] for r in rows))
    factors = list(dict.fromkeys(r["factor"] for r in rows))
    score = dict.fromkeys(factors, 0.0)
    for o in outcomes:
        sub = {r["factor"]: abs(r[keys[-1][0]]) for r in rows if r["outcome"] == o}
        top = max(sub.values(), default=0.0) or 1.0
        for f, v in sub.items():
            score[f] += v / top
    ncols = 3 if len(outcomes) > 4 else 2
    rows_of_panels = -(-len(outcomes) // ncols)
    fit = int(((MAX_HEIGHT - 1.2) / rows_of_panels - 0.8) / 0.24)  # factors that fit the page's height
    limit = max(6, min(MAX_FACTORS_SHOWN, fit))
    shown = sorted(factors, key=lambda f: -score[f])[:limit] if len(factors) > limit else factors
    fig, axes = grid(len(outcomes), ncols=ncols, panel_height=0.24 * len(shown) + 0.8, extra=1.0, sharey=True)
    y = np.arange(len(shown))
    for ax, o in zip(axes.flat, outcomes):
        sub = {r["factor"]: r for r in rows if r["outcome"] == o}
        for k, (v, lo, hi) in enumerate(keys):
            vals = np.array([sub[f][v] if f in sub else np.nan for f in shown], dtype=float)
            low = np.array([sub[f][lo] if f in sub else np.nan for f in shown], dtype=float)
            high = np.array([sub[f][hi] if f in sub else np.nan for f in shown], dtype=float)
            off = (k - (len(keys) - 1) / 2) * 0.35
            ax.barh(y + off, vals, height=0.33, color=series_style(k).color, label=(names or {}).get(v, v))
            ax.errorbar(vals, y + off, xerr=[vals - low, high - vals], fmt="none", ecolor="0.2", elinewidth=0.8, capsize=1.5)
        ax.set_yticks(y, [wrap(factor_label(f), 2.1, 6, max_lines=2) for f in shown], fontsize=6)
        ax.ticklabel_format(axis="x", style="sci", scilimits=(-3, 4), useMathText=True)
        ax.axvline(0, color="0.4", lw=0.7)
        ax.set_title(_label(o, 2.6))
        ax.grid(axis="x", alpha=0.3)
    axes.flat[0].invert_yaxis()
    note = f"; the {len(shown)} most influential of {len(factors)} factors" if len(shown) < len(factors) else ""
    suptitle(fig, f"{title}\nbar: index; whisker: bootstrap 95% CI{note}")
    legend_below(fig, *axes.flat[0].get_legend_handles_labels())
    return save_figure(fig, path, formats=formats)


def plot_adequacy(curves: Mapping[tuple[str, str], tuple[np.ndarray, np.ndarray]], path: Path, *, formats: tuple[str, ...],
                  title: str) -> list[Path]:
    """CI half-width of paired effects against the number of seeds used (first n seeds);
    ``curves[(contrast, outcome)] = (seeds, half-widths)``."""
    labels = [f"{outcome_label(o)} — {contrast_label(c)}" for c, o in curves]
    fig, ax = plt.subplots(figsize=(DOUBLE, 3.0), layout="constrained")
    handles = []
    for k, (n, hw) in enumerate(curves.values()):
        handles += ax.plot(n, hw, **series_style(k).line(lw=1.2))
    ax.set_xlabel("Seeds used")
    ax.set_ylabel("95% CI half-width of Δ\n(the outcome's unit)")
    ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    ax.set_yscale("log")
    ax.grid(alpha=0.3, which="both")
    suptitle(fig, title)
    legend_below(fig, handles, labels, max_cols=2)
    return save_figure(fig, path, formats=formats)


def plot_prim(trajectory: Sequence[Mapping[str, Any]], path: Path, *, formats: tuple[str, ...], title: str) -> list[Path]:
    """PRIM's peeling trajectory: density against coverage, the chosen box marked."""
    fig, ax = plt.subplots(figsize=(SINGLE, 3.2), layout="constrained")
    cov = [r["coverage"] for r in trajectory]
    den = [r["density"] for r in trajectory]
    sc = ax.scatter(cov, den, c=[r["res_dim"] for r in trajectory], cmap="viridis", s=14)
    for r in trajectory:
        if r["chosen"]:
            ax.scatter([r["coverage"]], [r["density"]], s=90, facecolors="none", edgecolors=series_style(1).color, lw=1.3,
                       label="chosen box")
    fig.colorbar(sc, ax=ax, label="Factors restricted")
    ax.set_xlabel("Coverage (share of the points of interest in the box)")
    ax.set_ylabel("Density (share of the box's points\nthat are of interest)")
    ax.grid(alpha=0.3)
    ax.legend(loc="lower left")
    suptitle(fig, title)
    return save_figure(fig, path, formats=formats)
