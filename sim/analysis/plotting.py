"""Figures (matplotlib, Agg backend). The simulation core never imports this module."""

from __future__ import annotations

import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pyarrow as pa  # noqa: E402

from sim.output.results import atomic_write  # noqa: E402

matplotlib.rcParams["svg.hashsalt"] = "govsim"  # stable SVG element ids
#: Metadata that would change from run to run (creation dates), left out of every figure.
_NO_DATES = {"pdf": {"CreationDate": None, "ModDate": None}, "svg": {"Date": None}, "png": {}}


def save_figure(fig: matplotlib.figure.Figure, path: Path, *, formats: tuple[str, ...] = (), dpi: int = 160) -> list[Path]:
    """Save ``fig`` to ``path`` and to the same name in each other format of ``formats``
    (e.g. ``("pdf", "svg")``), each written atomically and without creation dates; closes
    the figure. Returns the files written."""
    path = Path(path)
    out = []
    try:
        for fmt in dict.fromkeys((path.suffix.lstrip("."), *formats)):
            target = path.with_suffix("." + fmt)
            out.append(atomic_write(target, lambda p, fmt=fmt: fig.savefig(p, format=fmt, dpi=dpi, metadata=_NO_DATES.get(fmt))))
    finally:
        plt.close(fig)
    return out

RUN_PANELS = (
    ("trust_mean", "Mean trust"),
    ("participation_rate", "Participation share"),
    ("resolution_days_median", "Median days to resolution (30-day window)"),
    ("backlog", "Backlog (open issues)"),
)


def plot_run(daily: pa.Table, path: Path, *, title: str) -> Path:
    """Trust, participation, resolution time and backlog over time for one run."""
    fig, axes = plt.subplots(2, 2, figsize=(10, 6.5), sharex=True, constrained_layout=True)
    day = np.asarray(daily.column("day"))
    for ax, (col, label) in zip(axes.flat, RUN_PANELS):
        ax.plot(day, np.asarray(daily.column(col), dtype=float), color="#1f77b4", lw=1.5)
        ax.set_title(label, fontsize=10)
        ax.grid(alpha=0.3)
    for ax in axes[1]:
        ax.set_xlabel("day")
    fig.suptitle(title)
    return save_figure(fig, path, dpi=130)[0]


# --------------------------------------------------------------------------- compare

#: One band series of a scenario: day -> (mean, low, high) arrays per daily column.
Bands = dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]


def scenario_colors(n: int) -> list[str]:
    """``n`` distinct colours, the same scenario getting the same colour in every figure."""
    cmap = plt.get_cmap("tab10" if n <= 10 else "tab20")
    return [matplotlib.colors.to_hex(cmap(i % cmap.N)) for i in range(n)]


#: Line styles cycled over scenarios so that coinciding curves stay distinguishable.
LINE_STYLES = ("-", "--", "-.", ":")


def plot_compare(series: list[tuple[str, np.ndarray, Bands]], path: Path, *,
                 panels: dict[str, tuple[str, str]], title: str, n_seeds: int, formats: tuple[str, ...] = ()) -> list[Path]:
    """Daily outcomes of several scenarios: across-seed mean (line) with 95% t-interval
    (band), one colour per scenario, one panel per daily column in ``panels``
    (column -> (panel title, y-axis label))."""
    colors = scenario_colors(len(series))
    ncols = 3 if len(panels) > 4 else 2
    nrows = -(-len(panels) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.3 * ncols, 3.1 * nrows + 0.9), sharex=True,
                             layout="constrained", squeeze=False)
    for ax, (col, (label, ylabel)) in zip(axes.flat, panels.items()):
        for k, ((name, day, bands), color) in enumerate(zip(series, colors)):
            mean, low, high = bands[col]
            ax.fill_between(day, low, high, color=color, alpha=0.18, lw=0)
            ax.plot(day, mean, color=color, lw=1.6, ls=LINE_STYLES[k % len(LINE_STYLES)], label=name)
        ax.set_title(label, fontsize=10)
        ax.set_ylabel(ylabel, fontsize=9)
        ax.tick_params(labelsize=8)
        ax.grid(alpha=0.3)
        ax.margins(x=0)
    for ax in axes.flat[len(panels):]:
        ax.set_visible(False)
    for ax in axes[-1]:
        ax.set_xlabel("day", fontsize=9)
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    handles = [matplotlib.lines.Line2D([], [], color=c, lw=2.0, ls=LINE_STYLES[k % len(LINE_STYLES)])
               for k, c in enumerate(colors)]
    fig.suptitle("\n".join(textwrap.wrap(title, 110)), fontsize=12)
    fig.legend(handles, [name for name, _, _ in series], loc="outside lower center",
               ncol=min(len(series), 6), frameon=False, fontsize=9,
               title=f"lines: mean over {n_seeds} seeds; bands: 95% t-interval", title_fontsize=8)
    return save_figure(fig, path, formats=formats)


def plot_compare_summary(diffs: list[tuple[str, str, bool, list[tuple[str, float, float, float, float]]]],
                         path: Path, *, scenarios: list[str], title: str, formats: tuple[str, ...] = ()) -> list[Path]:
    """Forest plot of paired differences to the first scenario: one panel per headline
    outcome (``(key, label, higher_is_better, [(scenario, diff, ci_low, ci_high, p), ...])``),
    one marker with 95% CI per later scenario, filled when the CI excludes 0; the better
    side of 0 is shaded green (and marked in the axis label). Colours match :func:`plot_compare` (``scenarios`` in order)."""
    colors = dict(zip(scenarios, scenario_colors(len(scenarios))))
    others = scenarios[1:]
    ncols = 3
    nrows = -(-len(diffs) // ncols)
    row_h = 0.32 * len(others) + 1.05
    fig, axes = plt.subplots(nrows, ncols, figsize=(13, row_h * nrows + 1.0), layout="constrained",
                             squeeze=False)
    for ax, (key, label, higher, entries) in zip(axes.flat, diffs):
        ys = {name: len(others) - 1 - k for k, name in enumerate(others)}
        finite = []
        missing = []
        for name, diff, low, high, _p in entries:
            y = ys[name]
            if diff is None or not np.isfinite(diff):
                missing.append((name, y))
                continue
            has_ci = low is not None and high is not None and np.isfinite(low) and np.isfinite(high)
            sig = has_ci and (low > 0 or high < 0)
            if has_ci:
                ax.errorbar(diff, y, xerr=[[diff - low], [high - diff]], fmt="none", ecolor=colors[name],
                            elinewidth=1.6, capsize=3)
                finite += [low, high]
            ax.plot(diff, y, "o", ms=6, color=colors[name], mfc=colors[name] if sig else "white", mew=1.6)
            finite.append(diff)
        lo, hi = (min(finite), max(finite)) if finite else (-1.0, 1.0)
        lo, hi = min(lo, 0.0), max(hi, 0.0)
        span = hi - lo if hi > lo else max(abs(hi), 1.0)
        lo, hi = lo - 0.12 * span, hi + 0.12 * span
        ax.set_xlim(lo, hi)
        ax.set_ylim(-0.7, len(others) - 0.3)
        if higher:
            ax.axvspan(0, hi, color="#2ca02c", alpha=0.07, lw=0)
        else:
            ax.axvspan(lo, 0, color="#2ca02c", alpha=0.07, lw=0)
        ax.axvline(0, color="0.3", lw=0.9, ls="--")
        ax.set_yticks([])
        ax.grid(axis="x", alpha=0.3)
        ax.tick_params(labelsize=8)
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(nbins=5))
        ax.ticklabel_format(axis="x", style="sci", scilimits=(-3, 4), useMathText=True)
        ax.xaxis.get_offset_text().set_fontsize(7)
        ax.set_title("\n".join(textwrap.wrap(label, 44)), fontsize=9)
        ax.set_xlabel(f"Δ {key}   (better →)" if higher else f"(← better)   Δ {key}", fontsize=8)
        for name, y in missing:
            ax.text(0.5, y, "n/a", transform=matplotlib.transforms.blended_transform_factory(ax.transAxes, ax.transData),
                    ha="center", va="center", fontsize=8, color=colors[name])
    for ax in axes.flat[len(diffs):]:
        ax.set_visible(False)
    handles = [matplotlib.lines.Line2D([], [], color=colors[n], marker="o", lw=1.6) for n in others]
    fig.suptitle("\n".join(textwrap.wrap(title, 110)), fontsize=12)
    fig.legend(handles, [f"{n} − {scenarios[0]}" for n in others], loc="outside lower center",
               ncol=min(len(others), 4), frameon=False, fontsize=9,
               title="marker: mean paired difference (per seed); bar: 95% t-interval; filled: interval excludes 0",
               title_fontsize=8)
    return save_figure(fig, path, formats=formats)


def plot_convergence(series: list[dict[str, np.ndarray]], rows: list[dict[str, float]], path: Path, *,
                     warmup: int) -> Path:
    """Each outcome's daily value per seed from a cold start, its equilibrium ± the noise of
    a window's mean at rest, and the warm-up chosen."""
    n = len(rows)
    cols = 3
    fig, axes = plt.subplots((n + cols - 1) // cols, cols, figsize=(4.2 * cols, 2.8 * ((n + cols - 1) // cols)),
                             constrained_layout=True, squeeze=False)
    for ax, r in zip(axes.flat, rows):
        for s in series:
            ax.plot(s[r["outcome"]], lw=0.6, alpha=0.6)
        ax.axhspan(r["equilibrium"] - r["noise"], r["equilibrium"] + r["noise"], color="0.8", alpha=0.6)
        ax.axvline(warmup, color="k", ls="--", lw=0.8)
        ax.set_title(r["outcome"], fontsize=9)
        ax.set_xlabel("day from cold start", fontsize=8)
    for ax in list(axes.flat)[n:]:
        ax.set_visible(False)
    fig.suptitle(f"Baseline from a cold start; dashed: warm-up of {warmup} days; band: equilibrium ± noise at rest")
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plot_expectations(rows: list[dict] | tuple, path: Path) -> Path:
    """Forest plot of the expectation experiments: per check, the paired difference of the
    mechanism and of its null variant to the baseline with 95% CIs, as a share of the
    baseline's mean (leadership: the peak against each end, rule and null)."""
    rows = [r for r in rows if r["comparison"] in ("mechanism − baseline", "null − baseline") or "peak −" in r["comparison"]]
    labels = list(dict.fromkeys(f"{r['expectation']} {r['outcome']}" for r in rows))
    fig, ax = plt.subplots(figsize=(9, 0.42 * len(labels) + 1.6), constrained_layout=True)
    styles = {"mechanism − baseline": ("#1f77b4", "o", -0.15), "null − baseline": ("#999999", "s", 0.15)}
    for r in rows:
        y = labels.index(f"{r['expectation']} {r['outcome']}")
        kind = r["comparison"]
        if "peak −" in kind:
            colour, marker, dy = ("#2ca02c" if kind.startswith("rule") else "#999999", "^" if "level 0" in kind else "v",
                                  -0.15 if kind.startswith("rule") else 0.15)
        else:
            colour, marker, dy = styles[kind]
        scale = abs(r["mean_a"]) or 1.0
        ax.errorbar(100 * r["diff"] / scale, y + dy, xerr=[[100 * (r["diff"] - r["ci_low"]) / scale],
                                                           [100 * (r["ci_high"] - r["diff"]) / scale]],
                    fmt=marker, color=colour, ms=5, capsize=2, lw=1)
    ax.axvline(0, color="k", lw=0.8)
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("paired difference, % of the baseline's (or the end level's) mean, with 95% CI")
    ax.set_title("Expectations: mechanism (blue) and null variant (grey) against the baseline; "
                 "leadership: peak against level 0 (▲) and 1 (▼)", fontsize=9)
    fig.savefig(path, dpi=140)
    plt.close(fig)
    return path
