"""Figures (matplotlib, Agg backend) and the style every figure of the project shares. The
simulation core never imports this module.

The style is fit for a journal: sizes of one column (:data:`SINGLE`, 3.5 in) or two
(:data:`DOUBLE`, 7.2 in), 7–9 pt text, TrueType fonts embedded in PDF (``pdf.fonttype`` 42,
never Type 3) and text kept as text in SVG (``svg.fonttype`` 'none'); one colour, line style
and marker per scenario (:func:`scenario_styles`, the same in every figure of a report) from
the Okabe–Ito colour-blind-safe palette; axis labels in words with units (``sim.output.labels``);
legends below the panels with as many columns as fit (:func:`legend_below`); titles wrapped to
the figure's width (:func:`suptitle`). :func:`layout_problems` lists any title or legend that
does not lie inside the canvas; the tests call it on every figure through :data:`FIGURE_HOOKS`.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pyarrow as pa  # noqa: E402
from cycler import cycler  # noqa: E402

from sim.output.labels import lower_first, outcome_label, panel_title, unit_label  # noqa: E402
from sim.output.results import atomic_write  # noqa: E402

#: Figure widths (inches) of one and two journal columns, and the tallest figure drawn.
SINGLE, DOUBLE, MAX_HEIGHT = 3.5, 7.2, 9.0
#: Okabe & Ito's colour-blind-safe palette (2008), yellow left out (too pale for lines on white).
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
#: Line styles and markers cycled with the colours (series that coincide, more series than colours).
LINE_STYLES = ("-", "--", "-.", ":")
MARKERS = ("o", "s", "^", "D")
#: Formats written beside the first one unless a caller chooses.
FORMATS = ("pdf", "svg")

STYLE: dict[str, Any] = {
    "pdf.fonttype": 42, "ps.fonttype": 42, "svg.fonttype": "none", "svg.hashsalt": "govsim",  # stable SVG ids
    "font.family": "DejaVu Sans", "font.size": 8, "axes.titlesize": 8, "axes.labelsize": 8, "xtick.labelsize": 7,
    "ytick.labelsize": 7, "legend.fontsize": 7, "legend.title_fontsize": 7, "figure.titlesize": 9,
    "axes.linewidth": 0.6, "lines.linewidth": 1.3, "grid.linewidth": 0.5, "xtick.major.width": 0.6,
    "ytick.major.width": 0.6, "axes.prop_cycle": cycler(color=PALETTE), "legend.frameon": False,
    "figure.constrained_layout.h_pad": 0.04, "figure.constrained_layout.w_pad": 0.04,
}
matplotlib.rcParams.update(STYLE)
#: Metadata that would change from run to run (creation dates), left out of every figure.
_NO_DATES = {"pdf": {"CreationDate": None, "ModDate": None}, "svg": {"Date": None}, "png": {}}
#: Called with each figure and its path just before it is saved (the tests check layouts here).
FIGURE_HOOKS: list[Callable[[matplotlib.figure.Figure, Path], None]] = []


def save_figure(fig: matplotlib.figure.Figure, path: Path, *, formats: tuple[str, ...] = (), dpi: int = 300) -> list[Path]:
    """Save ``fig`` to ``path`` and to the same name in each other format of ``formats``
    (e.g. ``("pdf", "svg")``), each written atomically and without creation dates; closes
    the figure. Returns the files written."""
    path = Path(path)
    out = []
    try:
        for hook in FIGURE_HOOKS:
            hook(fig, path)
        for fmt in dict.fromkeys((path.suffix.lstrip("."), *formats)):
            target = path.with_suffix("." + fmt)
            out.append(atomic_write(target, lambda p, fmt=fmt: fig.savefig(p, format=fmt, dpi=dpi, metadata=_NO_DATES.get(fmt))))
    finally:
        plt.close(fig)
    return out


# --------------------------------------------------------------------------- style helpers


@dataclass(frozen=True)
class SeriesStyle:
    """How one scenario (or series) is drawn: colour, line style, marker."""

    color: str
    ls: str = "-"
    marker: str = "o"

    def line(self, **kw: Any) -> dict[str, Any]:
        return {"color": self.color, "ls": self.ls, **kw}


def series_style(k: int) -> SeriesStyle:
    """The ``k``-th style: colour, line style and marker cycled together (7 colours × 4 line
    styles: 28 distinct series, and curves that coincide stay visible)."""
    return SeriesStyle(PALETTE[k % len(PALETTE)], LINE_STYLES[k % len(LINE_STYLES)], MARKERS[k % len(MARKERS)])


def scenario_styles(names: Sequence[str]) -> dict[str, SeriesStyle]:
    """One style per scenario, by the scenario's place in the experiment's list (``names``, the
    same list for every figure of a report or comparison): the first scenario is always blue,
    the second vermilion, ... A figure that shows only some scenarios still draws each in its own."""
    return {name: series_style(k) for k, name in enumerate(dict.fromkeys(names))}


def scenario_colors(n: int) -> list[str]:
    """The colours of :func:`scenario_styles` for ``n`` scenarios in order."""
    return [series_style(k).color for k in range(n)]


def wrap(text: str, width_in: float, fontsize: float = 8.0, *, max_lines: int = 0) -> str:
    """``text`` wrapped to lines that fit ``width_in`` inches at ``fontsize`` points (keeps its
    own line breaks); ``max_lines``: at most so many, the last ending in "…" if cut."""
    chars = max(12, int(width_in * 72 / (0.62 * fontsize)))
    lines = [line for part in text.split("\n") for line in (textwrap.wrap(part, chars) or [""])]
    if max_lines and len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], textwrap.shorten(" ".join(lines[max_lines - 1:]), chars, placeholder=" …")]
    return "\n".join(lines)


def suptitle(fig: matplotlib.figure.Figure, text: str) -> None:
    """The figure's title, wrapped to its width."""
    size = matplotlib.rcParams["figure.titlesize"]
    size = float(size) if not isinstance(size, str) else 9.0
    fig.suptitle(wrap(text, fig.get_figwidth() * 0.96, size))


def legend_below(fig: matplotlib.figure.Figure, handles: Sequence[Any], labels: Sequence[str], *, title: str = "",
                 max_cols: int = 6) -> matplotlib.legend.Legend | None:
    """A legend under the panels with as many columns as fit the figure's width (labels and
    title wrapped), the figure made taller by the legend's height (up to :data:`MAX_HEIGHT`) so
    that the panels keep theirs; None without entries."""
    if not handles:
        return None
    width = fig.get_figwidth()
    labels = [wrap(lab, width * 0.45) for lab in labels]
    title = wrap(title, width * 0.95, 7) if title else ""
    legend = None
    renderer = fig.canvas.get_renderer()  # a legend's size needs no layout: measure without drawing
    for ncol in range(min(max_cols, len(handles)), 0, -1):
        if legend is not None:
            legend.remove()
        legend = fig.legend(handles, labels, loc="outside lower center", ncol=ncol, title=title or None)
        if legend.get_window_extent(renderer).width <= fig.bbox.width * 0.98:
            break
    assert legend is not None
    grow = legend.get_window_extent(renderer).height / fig.dpi + 0.05
    fig.set_figheight(min(MAX_HEIGHT, fig.get_figheight() + grow))
    return legend


def layout_problems(fig: matplotlib.figure.Figure) -> list[str]:
    """Titles (the figure's and each visible axes') and legends whose box does not lie inside
    the canvas, each as ``'<what> <text>: <box> outside <canvas>'``; [] when all fit."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    canvas = fig.bbox
    items: list[tuple[str, Any]] = []
    if fig._suptitle is not None and fig._suptitle.get_text():  # noqa: SLF001 (matplotlib has no public getter)
        items.append(("title", fig._suptitle))  # noqa: SLF001
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        items += [("axes title", t) for t in (ax.title, ax._left_title, ax._right_title) if t.get_text()]  # noqa: SLF001
        items += [("axis label", t) for t in (ax.xaxis.label, ax.yaxis.label) if t.get_text() and t.get_visible()]
        if ax.get_legend() is not None:
            items.append(("legend", ax.get_legend()))
    items += [("legend", leg) for leg in fig.legends]
    problems = []
    for what, artist in items:
        box = artist.get_window_extent(renderer)
        if box.x0 < canvas.x0 - 1 or box.y0 < canvas.y0 - 1 or box.x1 > canvas.x1 + 1 or box.y1 > canvas.y1 + 1:
            name = artist.get_text() if hasattr(artist, "get_text") else ", ".join(t.get_text() for t in artist.get_texts())
            problems.append(f"{what} {name[:60]!r}: {box.bounds} outside {canvas.bounds}")
    return problems


def grid(n: int, *, width: float = DOUBLE, panel_height: float = 1.9, ncols: int = 3, extra: float = 0.9,
         **kw: Any) -> tuple[matplotlib.figure.Figure, np.ndarray]:
    """``n`` panels in rows of ``ncols`` (unused panels hidden), ``extra`` inches for title and legend."""
    ncols = max(1, min(ncols, n))
    nrows = -(-n // ncols)
    height = min(MAX_HEIGHT, panel_height * nrows + extra)
    fig, axes = plt.subplots(nrows, ncols, figsize=(width, height), layout="constrained", squeeze=False, **kw)
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    return fig, axes


RUN_PANELS = ("trust_mean", "participation_rate", "resolution_days_median", "backlog")


def plot_run(daily: pa.Table, path: Path, *, title: str, formats: tuple[str, ...] = FORMATS) -> Path:
    """Trust, participation, resolution time and backlog over time for one run (``path`` and
    each of ``formats``); returns ``path``."""
    fig, axes = grid(len(RUN_PANELS), ncols=2, panel_height=2.0, extra=0.5, sharex=True)
    day = np.asarray(daily.column("day"))
    for ax, col in zip(axes.flat, RUN_PANELS):
        ax.plot(day, np.asarray(daily.column(col), dtype=float), color=PALETTE[0])
        ax.set_title(panel_title(col, window=True))
        ax.set_ylabel(unit_label(col))
        ax.grid(alpha=0.3)
    for ax in axes[-1]:
        ax.set_xlabel("Day")
    suptitle(fig, title)
    return save_figure(fig, path, formats=formats)[0]


# --------------------------------------------------------------------------- compare

#: One band series of a scenario: day -> (mean, low, high) arrays per daily column.
Bands = dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]


def plot_compare(series: list[tuple[str, np.ndarray, Bands]], path: Path, *,
                 panels: Mapping[str, tuple[str, str]], title: str, n_seeds: int, formats: tuple[str, ...] = FORMATS,
                 styles: Mapping[str, SeriesStyle] | None = None) -> list[Path]:
    """Daily outcomes of several scenarios: across-seed mean (line) with 95% t-interval
    (band), one style per scenario (``styles``, default :func:`scenario_styles` of the series'
    names), one panel per daily column in ``panels`` (column -> (panel title, y-axis label))."""
    styles = styles or scenario_styles([name for name, _, _ in series])
    fig, axes = grid(len(panels), ncols=3 if len(panels) > 4 else 2, panel_height=1.8,
                     extra=0.5, sharex=True)
    for ax, (col, (label, ylabel)) in zip(axes.flat, panels.items()):
        for name, day, bands in series:
            mean, low, high = bands[col]
            st = styles[name]
            ax.fill_between(day, low, high, color=st.color, alpha=0.18, lw=0)
            ax.plot(day, mean, **st.line(lw=1.3), label=name)
        ax.set_title(wrap(label, 2.0))
        ax.set_ylabel(ylabel)
        ax.grid(alpha=0.3)
        ax.margins(x=0)
    for ax in axes[-1]:
        ax.set_xlabel("Day")
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    for ax in axes.flat[len(panels):]:
        ax.set_visible(False)
    suptitle(fig, title)
    handles = [matplotlib.lines.Line2D([], [], **styles[name].line(lw=1.8)) for name, _, _ in series]
    legend_below(fig, handles, [name for name, _, _ in series],
                 title=f"line: mean over {n_seeds} seeds; band: 95% t-interval")
    return save_figure(fig, path, formats=formats)


def plot_compare_summary(diffs: list[tuple[str, str, bool, list[tuple[str, float, float, float, float]]]],
                         path: Path, *, scenarios: list[str], title: str, formats: tuple[str, ...] = FORMATS,
                         styles: Mapping[str, SeriesStyle] | None = None) -> list[Path]:
    """Forest plot of paired differences to the first scenario: one panel per outcome
    (``(key, label, higher_is_better, [(scenario, diff, ci_low, ci_high, p), ...])``), one
    marker with 95% CI per later scenario, filled when the CI excludes 0; the better side of 0
    is shaded (and marked in the axis label, with the outcome's unit). Styles as
    :func:`plot_compare` (``scenarios`` in order)."""
    styles = styles or scenario_styles(scenarios)
    others = scenarios[1:]
    fig, axes = grid(len(diffs), panel_height=0.2 * len(others) + 1.15, extra=0.5)
    for ax, (key, label, higher, entries) in zip(axes.flat, diffs):
        ys = {name: len(others) - 1 - k for k, name in enumerate(others)}
        finite = []
        missing = []
        for name, diff, low, high, _p in entries:
            y = ys[name]
            color = styles[name].color
            if diff is None or not np.isfinite(diff):
                missing.append((name, y))
                continue
            has_ci = low is not None and high is not None and np.isfinite(low) and np.isfinite(high)
            sig = has_ci and (low > 0 or high < 0)
            if has_ci:
                ax.errorbar(diff, y, xerr=[[diff - low], [high - diff]], fmt="none", ecolor=color, elinewidth=1.3, capsize=2.5)
                finite += [low, high]
            ax.plot(diff, y, styles[name].marker, ms=5, color=color, mfc=color if sig else "white", mew=1.3)
            finite.append(diff)
        lo, hi = (min(finite), max(finite)) if finite else (-1.0, 1.0)
        lo, hi = min(lo, 0.0), max(hi, 0.0)
        span = hi - lo if hi > lo else max(abs(hi), 1.0)
        lo, hi = lo - 0.12 * span, hi + 0.12 * span
        ax.set_xlim(lo, hi)
        ax.set_ylim(-0.7, len(others) - 0.3)
        ax.axvspan(0, hi, color="#009E73", alpha=0.08, lw=0) if higher else ax.axvspan(lo, 0, color="#009E73", alpha=0.08, lw=0)
        ax.axvline(0, color="0.3", lw=0.8, ls="--")
        ax.set_yticks([])
        ax.grid(axis="x", alpha=0.3)
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(nbins=4))
        ax.ticklabel_format(axis="x", style="sci", scilimits=(-3, 4), useMathText=True)
        ax.xaxis.get_offset_text().set_fontsize(6)
        ax.set_title(wrap(label, 2.2))
        unit = unit_label(key, delta=True)
        ax.set_xlabel(f"{unit}   (better →)" if higher else f"(← better)   {unit}")
        for name, y in missing:
            ax.text(0.5, y, "n/a", transform=matplotlib.transforms.blended_transform_factory(ax.transAxes, ax.transData),
                    ha="center", va="center", fontsize=7, color=styles[name].color)
    suptitle(fig, title)
    handles = [matplotlib.lines.Line2D([], [], color=styles[n].color, marker=styles[n].marker, lw=1.3) for n in others]
    legend_below(fig, handles, [f"{n} − {scenarios[0]}" for n in others], max_cols=4,
                 title="marker: mean paired difference (per seed); bar: 95% t-interval; filled: interval excludes 0")
    return save_figure(fig, path, formats=formats)


def plot_convergence(series: list[dict[str, np.ndarray]], rows: list[dict[str, float]], path: Path, *,
                     warmup: int, formats: tuple[str, ...] = FORMATS) -> Path:
    """Each outcome's daily value per seed from a cold start, its equilibrium ± the noise of
    a window's mean at rest, and the warm-up chosen (``path`` and each of ``formats``)."""
    fig, axes = grid(len(rows), panel_height=1.7, extra=0.6)
    for ax, r in zip(axes.flat, rows):
        for s in series:
            ax.plot(s[r["outcome"]], lw=0.6, alpha=0.6, color=PALETTE[0])
        ax.axhspan(r["equilibrium"] - r["noise"], r["equilibrium"] + r["noise"], color="0.8", alpha=0.6)
        ax.axvline(warmup, color="k", ls="--", lw=0.8)
        ax.set_title(wrap(panel_title(r["outcome"], window=True), 2.2))
        ax.set_ylabel(unit_label(r["outcome"]))
        ax.set_xlabel("Day from a cold start")
    suptitle(fig, f"Baseline from a cold start (one line per seed); dashed: warm-up of {warmup} days; "
             "band: equilibrium ± noise at rest")
    return save_figure(fig, path, formats=formats)[0]


def plot_expectations(rows: list[dict] | tuple, path: Path, *, formats: tuple[str, ...] = FORMATS) -> Path:
    """Forest plot of the expectation experiments: per check, the paired difference of the
    mechanism and of its null variant to the baseline with 95% CIs, as a share of the
    baseline's mean (leadership: the peak against each end, rule and null)."""
    rows = [r for r in rows if r["comparison"] in ("mechanism − baseline", "null − baseline") or "peak −" in r["comparison"]]

    def name(r: Mapping[str, Any]) -> str:
        return f"{r['expectation']}: {lower_first(outcome_label(r['outcome'], unit=False))}"

    labels = list(dict.fromkeys(name(r) for r in rows))
    fig, ax = plt.subplots(figsize=(DOUBLE, min(MAX_HEIGHT, 0.2 * len(labels) + 1.5)), layout="constrained")
    kinds = {"mechanism − baseline": ("Mechanism − baseline", PALETTE[0], "o", -0.15),
             "null − baseline": ("Null variant − baseline", "#999999", "s", 0.15),
             "rule level 0": ("Leadership rule: peak − level 0", PALETTE[2], "^", -0.15),
             "rule level 1": ("Leadership rule: peak − level 1", PALETTE[2], "v", -0.15),
             "null level 0": ("Leadership null: peak − level 0", "#999999", "^", 0.15),
             "null level 1": ("Leadership null: peak − level 1", "#999999", "v", 0.15)}
    seen: dict[str, Any] = {}
    for r in rows:
        y = labels.index(name(r))
        kind = r["comparison"]
        if "peak −" in kind:
            kind = f"{'rule' if kind.startswith('rule') else 'null'} level {0 if 'level 0' in kind else 1}"
        legend, colour, marker, dy = kinds[kind]
        scale = abs(r["mean_a"]) or 1.0
        seen[legend] = ax.errorbar(100 * r["diff"] / scale, y + dy,
                                   xerr=[[100 * (r["diff"] - r["ci_low"]) / scale], [100 * (r["ci_high"] - r["diff"]) / scale]],
                                   fmt=marker, color=colour, ms=4, capsize=2, lw=1)
    ax.axvline(0, color="k", lw=0.8)
    ax.set_yticks(range(len(labels)), [wrap(lab, 3.2, 7) for lab in labels], fontsize=6)
    ax.invert_yaxis()
    ax.grid(axis="x", alpha=0.3)
    ax.set_xlabel("Paired difference, % of the baseline's (or the end level's) mean, with 95% CI")
    suptitle(fig, "Expectations: each mechanism and its null variant against the baseline")
    legend_below(fig, list(seen.values()), list(seen), max_cols=3)
    return save_figure(fig, path, formats=formats)[0]

