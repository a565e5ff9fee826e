"""Figures of ``govsim report`` (matplotlib; the simulation core never imports this module).

Each function takes tidy rows from ``sim.analysis.methods`` and writes one figure in every format
asked for (``save_figure``: PDF, SVG, PNG, no creation dates)."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from sim.analysis.plotting import plt, save_figure, scenario_colors
from sim.outcomes.registry import REGISTRY

__all__ = ["plot_adequacy", "plot_factor", "plot_heatmap", "plot_indices", "plot_prim"]


def _label(outcome: str) -> str:
    o = REGISTRY.get(outcome)
    return "\n".join(textwrap.wrap(f"{o.label} ({o.unit})" if o else outcome, 34))


def _grid(n: int, *, width: float = 3.6, height: float = 2.8) -> tuple[Any, np.ndarray]:
    ncols = min(3, n)
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(width * ncols + 0.6, height * nrows + 1.0), layout="constrained", squeeze=False)
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    return fig, axes


def plot_factor(rows: Sequence[Mapping[str, Any]], factor: str, outcomes: Sequence[str], path: Path, *,
                formats: tuple[str, ...], title: str) -> list[Path]:
    """Outcome against one factor: mean per value (or bin) with a 95% CI band, one line per scenario."""
    scenarios = list(dict.fromkeys(r["scenario"] for r in rows))
    colors = dict(zip(scenarios, scenario_colors(len(scenarios))))
    fig, axes = _grid(len(outcomes))
    for ax, o in zip(axes.flat, outcomes):
        for s in scenarios:
            pts = sorted((r["value"], r["mean"], r["ci_low"], r["ci_high"]) for r in rows if r["outcome"] == o and r["scenario"] == s)
            if not pts:
                continue
            x, m, lo, hi = (np.asarray(v, dtype=float) for v in zip(*pts))
            ax.fill_between(x, lo, hi, color=colors[s], alpha=0.2, lw=0)
            ax.plot(x, m, "o-", color=colors[s], ms=3, lw=1.4, label=s)
        ax.set_title(_label(o), fontsize=8)
        ax.set_xlabel(factor, fontsize=8)
        ax.ticklabel_format(axis="y", style="sci", scilimits=(-3, 4), useMathText=True)
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3)
    if len(scenarios) > 1:
        fig.legend(*axes.flat[0].get_legend_handles_labels(), loc="outside lower center", ncol=min(4, len(scenarios)),
                   frameon=False, fontsize=8)
    fig.suptitle(title + "\nline: mean over runs; band: 95% t-interval", fontsize=10)
    return save_figure(fig, path, formats=formats)


def plot_heatmap(grid: Mapping[str, tuple[np.ndarray, np.ndarray, np.ndarray]], fx: str, fy: str, path: Path, *,
                 formats: tuple[str, ...], title: str) -> list[Path]:
    """Mean outcome over two factors: ``grid[outcome] = (x values, y values, means[y, x])``."""
    fig, axes = _grid(len(grid), width=3.8, height=3.2)
    for ax, (o, (xs, ys, z)) in zip(axes.flat, grid.items()):
        im = ax.imshow(z, origin="lower", aspect="auto", cmap="viridis")
        ax.set_xticks(range(len(xs)), [f"{v:.3g}" for v in xs], fontsize=7, rotation=45)
        ax.set_yticks(range(len(ys)), [f"{v:.3g}" for v in ys], fontsize=7)
        ax.set_xlabel(fx, fontsize=8)
        ax.set_ylabel(fy, fontsize=8)
        ax.set_title(_label(o), fontsize=8)
        fig.colorbar(im, ax=ax, shrink=0.8).ax.tick_params(labelsize=7)
    fig.suptitle(title + "\ncell: mean over runs", fontsize=10)
    return save_figure(fig, path, formats=formats)


def plot_indices(rows: Sequence[Mapping[str, Any]], keys: Sequence[tuple[str, str, str]], path: Path, *,
                 formats: tuple[str, ...], title: str) -> list[Path]:
    """Sensitivity indices per factor with bootstrap 95% CIs; ``keys``: (value, low, high)
    column triples drawn side by side (e.g. S1 and ST, or mu*)."""
    outcomes = list(dict.fromkeys(r["outcome"] for r in rows))
    fig, axes = _grid(len(outcomes), width=4.0, height=0.3 * len({r["factor"] for r in rows}) + 1.6)
    colors = scenario_colors(len(keys))
    for ax, o in zip(axes.flat, outcomes):
        sub = [r for r in rows if r["outcome"] == o]
        factors = list(dict.fromkeys(r["factor"] for r in sub))
        y = np.arange(len(factors))
        for k, (v, lo, hi) in enumerate(keys):
            vals = np.array([next(r[v] for r in sub if r["factor"] == f) for f in factors])
            low = np.array([next(r[lo] for r in sub if r["factor"] == f) for f in factors])
            high = np.array([next(r[hi] for r in sub if r["factor"] == f) for f in factors])
            off = (k - (len(keys) - 1) / 2) * 0.35
            ax.barh(y + off, vals, height=0.33, color=colors[k], label=v)
            ax.errorbar(vals, y + off, xerr=[vals - low, high - vals], fmt="none", ecolor="0.2", elinewidth=0.9, capsize=2)
        ax.set_yticks(y, factors, fontsize=7)
        ax.ticklabel_format(axis="x", style="sci", scilimits=(-3, 4), useMathText=True)
        ax.invert_yaxis()
        ax.axvline(0, color="0.4", lw=0.8)
        ax.set_title(_label(o), fontsize=8)
        ax.tick_params(labelsize=7)
        ax.grid(axis="x", alpha=0.3)
    fig.legend(*axes.flat[0].get_legend_handles_labels(), loc="outside lower center", ncol=len(keys), frameon=False, fontsize=8)
    fig.suptitle(title + "\nbar: index; whisker: bootstrap 95% CI", fontsize=10)
    return save_figure(fig, path, formats=formats)


def plot_adequacy(curves: Mapping[str, tuple[np.ndarray, np.ndarray]], path: Path, *, formats: tuple[str, ...],
                  title: str) -> list[Path]:
    """CI half-width of paired effects against the number of seeds used (first n seeds)."""
    fig, ax = plt.subplots(figsize=(7, 4.2), layout="constrained")
    for name, (n, hw) in curves.items():
        ax.plot(n, hw, lw=1.2, label=name)
    ax.set_xlabel("seeds used", fontsize=9)
    ax.set_ylabel("95% CI half-width of Δ (outcome units)", fontsize=9)
    ax.set_yscale("log")
    ax.grid(alpha=0.3, which="both")
    if len(curves) <= 12:
        ax.legend(fontsize=7, frameon=False)
    ax.set_title(title, fontsize=10)
    return save_figure(fig, path, formats=formats)


def plot_prim(trajectory: Sequence[Mapping[str, Any]], path: Path, *, formats: tuple[str, ...], title: str) -> list[Path]:
    """PRIM's peeling trajectory: density against coverage, the chosen box marked."""
    fig, ax = plt.subplots(figsize=(5.5, 4.2), layout="constrained")
    cov = [r["coverage"] for r in trajectory]
    den = [r["density"] for r in trajectory]
    sc = ax.scatter(cov, den, c=[r["res_dim"] for r in trajectory], cmap="viridis", s=18)
    for r in trajectory:
        if r["chosen"]:
            ax.scatter([r["coverage"]], [r["density"]], s=120, facecolors="none", edgecolors="red", lw=1.5, label="chosen box")
    fig.colorbar(sc, ax=ax, label="restricted factors")
    ax.set_xlabel("coverage", fontsize=9)
    ax.set_ylabel("density", fontsize=9)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, frameon=False)
    ax.set_title(title, fontsize=9)
    return save_figure(fig, path, formats=formats)
