"""Figures of ``docs/validation.md`` (small PNGs), drawn from the curated result files."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from experiments.validation_report import HEADLINE, load, read_csv
from sim.analysis.plotting import plt, save_figure

DPI = 90


def _short(name: str) -> str:
    return name.split(".", 1)[1] if "." in name else name


def posterior(d: dict[str, Any], path: Path) -> Path:
    cal = d["calibration"]
    names = list(cal["posterior"])
    fig, axes = plt.subplots(1, len(names), figsize=(2.0 * len(names), 2.2), squeeze=False)
    acc = np.array([bool(r["accepted"]) for r in d["draws"]])
    for ax, k in zip(axes[0], names):
        x = np.array([r[k] for r in d["draws"]], dtype=float)
        p = cal["posterior"][k]
        bins = np.linspace(p["low"], p["high"], 13)
        ax.hist(x, bins=bins, color="0.8", label="prior draws")
        ax.hist(x[acc], bins=bins, color="tab:blue", label="accepted")
        for q, style in (("median", "-"), ("q025", ":"), ("q975", ":")):
            ax.axvline(p[q], color="k", ls=style, lw=1)
        ax.set_title(_short(k), fontsize=8)
        ax.tick_params(labelsize=6)
    axes[0][0].legend(fontsize=6, frameon=False)
    fig.tight_layout()
    return save_figure(fig, path, dpi=DPI)[0]


def abc_convergence(d: dict[str, Any], path: Path) -> Path:
    cal = d["calibration"]
    names = list(cal["posterior"])
    dist = np.array([r["distance"] for r in d["draws"]], dtype=float)
    n_all = len(dist)
    sizes = np.unique(np.linspace(min(n_all, max(10, n_all // 10)), n_all, 10).astype(int))
    fig, axes = plt.subplots(1, len(names), figsize=(2.0 * len(names), 2.0), squeeze=False)
    for ax, k in zip(axes[0], names):
        x = np.array([r[k] for r in d["draws"]], dtype=float)
        stats = []
        for n in sizes:
            keep = np.argsort(dist[:n], kind="stable")[: max(2, math.ceil(cal["accepted_share"] * n))]
            stats.append(np.quantile(x[keep], [0.025, 0.5, 0.975]))
        s = np.array(stats)
        ax.fill_between(sizes, s[:, 0], s[:, 2], color="tab:blue", alpha=0.25)
        ax.plot(sizes, s[:, 1], color="tab:blue", lw=1.2)
        ax.set_ylim(cal["posterior"][k]["low"], cal["posterior"][k]["high"])
        ax.set_title(_short(k), fontsize=8)
        ax.set_xlabel("draws used", fontsize=7)
        ax.tick_params(labelsize=6)
    fig.tight_layout()
    return save_figure(fig, path, dpi=DPI)[0]


def fit(d: dict[str, Any], path: Path) -> Path:
    rows = [r for r in d["calibration"]["fit"] if r["within"] is not None]
    big = {r["id"]: r for r in d["fit_scenarios"]}
    colors = {"fitted": "tab:blue", "held out": "tab:orange", "input check": "tab:purple"}
    fig, ax = plt.subplots(figsize=(8.0, 0.26 * len(rows) + 1.2), layout="constrained")
    for i, r in enumerate(rows):
        lo, hi = r["value"] - r["tolerance"], r["value"] + r["tolerance"]
        ax.plot([lo, hi], [i, i], color="0.8", lw=6, solid_capstyle="butt")
        ax.plot(r["value"], i, "k|", ms=9)
        ax.errorbar(r["mean"], i - 0.12, xerr=[[r["mean"] - r["low"]], [r["high"] - r["mean"]]], fmt="o", ms=3,
                    color=colors.get(r["status"], "0.3"), lw=1)
        b = big.get(r["id"])
        if b and b.get("mean") is not None:
            ax.plot(b["mean"], i + 0.15, "x", ms=4, color="0.3")
    for status, c in colors.items():
        ax.plot([], [], "o", ms=3, color=c, label=status)
    ax.plot([], [], "x", ms=4, color="0.3", label="scenario scale")
    ax.legend(fontsize=6, frameon=False, loc="lower left", ncol=4, bbox_to_anchor=(0, 1.0))
    ax.set_yticks(range(len(rows)), [r["id"] for r in rows], fontsize=6)
    ax.set_xlim(-0.02, 1.02)
    ax.invert_yaxis()
    ax.set_xlabel("share (grey: figure ± tolerance; dot: model, 95% CI over seeds)", fontsize=7)
    ax.tick_params(axis="x", labelsize=7)
    ax.grid(axis="x", alpha=0.3)
    return save_figure(fig, path, dpi=DPI)[0]


def patterns(d: dict[str, Any], path: Path) -> Path:
    rows = d["patterns"]
    thresholds = {"resolution_times_right_skewed": 2.0}
    fig, axes = plt.subplots(1, len(rows), figsize=(1.6 * len(rows), 2.2), squeeze=False)
    for ax, r in zip(axes[0], rows):
        ok = r["verdict"] == "holds"
        ax.errorbar([0], [r["mean"]], yerr=[[r["mean"] - r["low"]], [r["high"] - r["mean"]]], fmt="o",
                    color="tab:green" if ok else "tab:red", capsize=3)
        ax.axhline(thresholds.get(r["id"], 0.0), color="0.4", lw=0.8, ls="--")
        ax.set_xticks([])
        ax.set_title(r["id"].replace("_", " "), fontsize=6, wrap=True)
        ax.tick_params(labelsize=6)
    fig.tight_layout()
    return save_figure(fig, path, dpi=DPI)[0]


def sensitivity(d: dict[str, Any], path: Path) -> Path:
    morris = d["morris"]
    factors = list(dict.fromkeys(r["factor"] for r in morris))
    fig, axes = plt.subplots(1, 2, figsize=(8.0, 0.17 * len(factors) + 1.6), sharey=True)
    for ax, regime in zip(axes, ("community_system", "party_led_full")):
        m = np.full((len(factors), len(HEADLINE)), np.nan)
        for j, o in enumerate(HEADLINE):
            sub = {r["factor"]: r["mu_star"] for r in morris if r["scenario"] == regime and r["outcome"] == o}
            top = max(sub.values(), default=0.0)
            for i, f in enumerate(factors):
                if top > 0 and f in sub:
                    m[i, j] = sub[f] / top
        ax.imshow(m, aspect="auto", cmap="viridis", vmin=0, vmax=1, interpolation="nearest")
        ax.set_xticks(range(len(HEADLINE)), HEADLINE, rotation=90, fontsize=6)
        ax.set_title(regime, fontsize=8)
    axes[0].set_yticks(range(len(factors)), [_short(f) for f in factors], fontsize=6)
    fig.tight_layout()
    return save_figure(fig, path, dpi=DPI)[0]


def draw_all(curated: Path, out: Path) -> list[Path]:
    """Every figure of the document into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    d = load(curated)
    d["draws"] = read_csv(curated / "calibration" / "draws.csv")
    return [f(d, out / f"{f.__name__}.png") for f in (posterior, abc_convergence, fit, patterns, sensitivity)]
