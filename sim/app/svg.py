"""Charts drawn as SVG text on the server: line charts and horizontal bars.

No chart library runs in the browser and nothing is fetched: an update is a few kB of
SVG that the page swaps in, which keeps ten or more redraws a second cheap on both sides.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

import numpy as np

__all__ = ["HOVER_COLUMNS", "MAX_POINTS", "Band", "Bar", "Line", "hbars", "histogram", "line_chart", "nice_ticks", "y_range"]

#: Most points drawn per line (longer series are thinned evenly, keeping the last day).
MAX_POINTS = 400
#: Most hover columns per chart (each reads out every line's value on one day).
HOVER_COLUMNS = 60
FONT = "font-family='system-ui,sans-serif'"


@dataclass(frozen=True)
class Line:
    """One series: legend label, values (NaN: gap), colour, stroke width, dash pattern and
    opacity (a faint reference line: low)."""

    label: str
    values: np.ndarray
    colour: str
    width: float = 1.5
    dash: str = ""
    opacity: float = 1.0


@dataclass(frozen=True)
class Band:
    """A shaded range between ``lo`` and ``hi`` day by day (a spread over seeds), with its legend label."""

    label: str
    lo: np.ndarray
    hi: np.ndarray
    colour: str
    opacity: float = 0.18


@dataclass(frozen=True)
class Bar:
    """One bar: label, value and colour."""

    label: str
    value: float
    colour: str


def nice_ticks(lo: float, hi: float, *, count: int = 4, whole: bool = False) -> list[float]:
    """Round tick values covering [lo, hi]; ``whole``: whole numbers only (days)."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return [lo] if math.isfinite(lo) else [0.0]
    raw = max((hi - lo) / count, 1.0) if whole else (hi - lo) / count
    mag = 10 ** math.floor(math.log10(raw))
    steps = (1, 2, 5, 10) if whole else (1, 2, 2.5, 5, 10)
    step = next(m * mag for m in steps if m * mag >= raw * (1 - 1e-9))
    first = math.ceil(lo / step - 1e-9) * step
    return [round(first + k * step, 10) for k in range(int((hi - first) / step + 1e-9) + 1)]


def _text_width(text: str) -> float:
    """Rough width of ``text`` at font size 10 (CJK characters are about twice as wide)."""
    return sum(10.5 if ord(c) >= 0x2E80 else 6.0 for c in text)


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.4g}"


def _thin(days: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if len(days) <= MAX_POINTS:
        return days, values
    keep = np.unique(np.r_[np.linspace(0, len(days) - 1, MAX_POINTS).astype(int), len(days) - 1])
    return days[keep], values[keep]


def y_range(lo: float, hi: float, *, min_span: float = 0.0, floor: float | None = None,
            ceiling: float | None = None) -> tuple[float, float]:
    """The y-axis range for data in [lo, hi]: at least ``min_span`` wide (centred on the data,
    so a tiny change stays small on screen), kept inside [``floor``, ``ceiling``] where given."""
    if hi - lo < min_span:
        mid = (lo + hi) / 2
        lo, hi = mid - min_span / 2, mid + min_span / 2
        if floor is not None and lo < floor:
            lo, hi = floor, floor + min_span
        if ceiling is not None and hi > ceiling:
            lo, hi = max(ceiling - min_span, floor if floor is not None else -math.inf), ceiling
    if hi - lo < 1e-12:
        pad = abs(hi) * 0.05 or 0.5
        lo, hi = lo - pad, hi + pad
    return lo, hi


def _path(xs: np.ndarray, ys: np.ndarray) -> str:
    """SVG path data with a break at every NaN."""
    parts, pen = [], "M"
    for x, y in zip(xs, ys):
        if not math.isfinite(y):
            pen = "M"
            continue
        parts.append(f"{pen}{x:.1f},{y:.1f}")
        pen = "L"
    return "".join(parts)


def line_chart(*, days: np.ndarray, lines: Sequence[Line], title: str, unit: str = "", zero: bool = False,
               empty: str = "", width: int = 460, height: int = 240, css: str = "govsim-chart", min_span: float = 0.0,
               floor: float | None = None, ceiling: float | None = None, xlabel: str = "day", band: Band | None = None,
               hover: bool = True) -> str:
    """A line chart of ``lines`` over ``days`` with axes, whole-day ticks labelled ``xlabel``, a
    legend and hover columns reading out every line's value on a day; ``zero`` draws the
    y = 0 line and includes it in the range; the y-axis spans at least ``min_span`` (inside
    ``floor`` and ``ceiling``); ``band`` is shaded under the lines; ``hover``: with the hover
    columns (left out while playing: they are most of a frame's bytes); ``empty`` is shown
    when there is no data."""
    left, right, top, bottom = 52, 10, 26, 54
    keyed = [*lines, Line(band.label, np.zeros(0), band.colour, 6.0, opacity=0.35)] if band is not None else list(lines)
    bottom += 14 * (len(_legend_rows(keyed, left, width)) - 1)
    pw, ph = width - left - right, height - top - bottom
    head = (f"<svg class='{css}' viewBox='0 0 {width} {height}' width='100%' style='max-width:{width}px' "
            f"xmlns='http://www.w3.org/2000/svg' role='img' aria-label='{escape(title)}'>"
            f"<text x='{left}' y='16' {FONT} font-size='13' font-weight='600'>{escape(title)}"
            f"<tspan font-weight='400' fill='#666'>{'  (' + escape(unit) + ')' if unit else ''}</tspan></text>")
    finite = [v[np.isfinite(v)] for v in (ln.values for ln in lines)]
    if band is not None:
        finite += [band.lo[np.isfinite(band.lo)], band.hi[np.isfinite(band.hi)]]
    finite = [f for f in finite if len(f)]
    if len(days) == 0 or not finite:
        return (head + f"<text x='{width / 2}' y='{height / 2}' text-anchor='middle' {FONT} font-size='12' fill='#888'>"
                f"{escape(empty)}</text></svg>")
    lo = min(float(f.min()) for f in finite)
    hi = max(float(f.max()) for f in finite)
    if zero:
        lo, hi = min(lo, 0.0), max(hi, 0.0)
    lo, hi = y_range(lo, hi, min_span=min_span, floor=floor, ceiling=ceiling)
    ticks = nice_ticks(lo, hi)
    lo, hi = min(lo, ticks[0]), max(hi, ticks[-1])
    d0, d1 = float(days[0]), float(max(days[-1], days[0] + 1))

    def sx(d: np.ndarray) -> np.ndarray:
        return left + (d - d0) / (d1 - d0) * pw

    def sy(v: np.ndarray) -> np.ndarray:
        return top + (1 - (v - lo) / (hi - lo)) * ph

    out = [head, f"<rect x='{left}' y='{top}' width='{pw}' height='{ph}' fill='#fafafa' stroke='#ddd'/>"]
    for t in ticks:
        y = float(sy(np.array(t)))
        out.append(f"<line x1='{left}' x2='{left + pw}' y1='{y:.1f}' y2='{y:.1f}' stroke='#e5e5e5'/>"
                   f"<text x='{left - 4}' y='{y + 4:.1f}' text-anchor='end' {FONT} font-size='10' fill='#555'>{_fmt(t)}</text>")
    if zero:
        y = float(sy(np.array(0.0)))
        out.append(f"<line x1='{left}' x2='{left + pw}' y1='{y:.1f}' y2='{y:.1f}' stroke='#888' stroke-dasharray='3,3'/>")
    for t in nice_ticks(d0, d1, count=5, whole=True):
        x = float(sx(np.array(t)))
        out.append(f"<text x='{x:.1f}' y='{top + ph + 13}' text-anchor='middle' {FONT} font-size='10' fill='#555' "
                   f"class='govsim-xtick'>{_fmt(t)}</text>")
    out.append(f"<text x='{left + pw / 2:.1f}' y='{top + ph + 26}' text-anchor='middle' {FONT} font-size='10' fill='#555' "
               f"class='govsim-xlabel'>{escape(xlabel)}</text>")
    if band is not None:
        out.append(_band(days, band, sx, sy))
    for ln in lines:
        xs, ys = _thin(np.asarray(days, dtype=np.float64), np.asarray(ln.values, dtype=np.float64))
        dash = f" stroke-dasharray='{ln.dash}'" if ln.dash else ""
        fade = f" stroke-opacity='{ln.opacity:g}'" if ln.opacity < 1 else ""
        out.append(f"<path d='{_path(sx(xs), sy(ys))}' fill='none' stroke='{ln.colour}' stroke-width='{ln.width}'{dash}{fade}>"
                   f"<title>{escape(ln.label)}</title></path>")
    if hover:
        out.append(_hover(days, lines, sx, top, ph, xlabel))
    out.append(_legend(keyed, left, width, height))
    out.append("</svg>")
    return "".join(out)


def _band(days: np.ndarray, band: Band, sx: Callable[[np.ndarray], np.ndarray], sy: Callable[[np.ndarray], np.ndarray]) -> str:
    """The band as one polygon over the days where both ends are known."""
    d = np.asarray(days, dtype=np.float64)
    n = min(len(d), len(band.lo), len(band.hi))
    ok = np.isfinite(band.lo[:n]) & np.isfinite(band.hi[:n])
    xs, lo, hi = _thin(d[:n][ok], band.lo[:n][ok])[0], _thin(d[:n][ok], band.lo[:n][ok])[1], _thin(d[:n][ok], band.hi[:n][ok])[1]
    if len(xs) == 0:
        return ""
    pts = [f"{x:.1f},{y:.1f}" for x, y in zip(sx(xs), sy(lo))] + [f"{x:.1f},{y:.1f}" for x, y in zip(sx(xs[::-1]), sy(hi[::-1]))]
    return (f"<polygon class='govsim-band' points='{' '.join(pts)}' fill='{band.colour}' fill-opacity='{band.opacity:g}' "
            f"stroke='none'><title>{escape(band.label)}</title></polygon>")


def _legend_rows(lines: Sequence[Line], left: float, width: float) -> list[list[tuple[float, Line]]]:
    """The legend's entries (x, line), in rows that fit the chart's width."""
    rows: list[list[tuple[float, Line]]] = [[]]
    x = left
    for ln in lines:
        w = 24 + _text_width(ln.label)
        if rows[-1] and x + w - 10 > width:
            rows.append([])
            x = left
        rows[-1].append((x, ln))
        x += w
    return rows


def _legend(lines: Sequence[Line], left: float, width: float, height: float) -> str:
    """The legend under the plot, wrapped onto as many rows as it needs (the last at the bottom)."""
    rows = _legend_rows(lines, left, width)
    out = []
    for r, row in enumerate(rows):
        y = height - 14 - 14 * (len(rows) - 1 - r)
        for x, ln in row:
            fade = f" fill-opacity='{ln.opacity:g}'" if ln.opacity < 1 else ""
            out.append(f"<rect x='{x:.0f}' y='{y}' width='12' height='3' fill='{ln.colour}'{fade}/>"
                       f"<text x='{x + 15:.0f}' y='{y + 4}' {FONT} font-size='10' fill='#333'>{escape(ln.label)}</text>")
    return "".join(out)


def _hover(days: np.ndarray, lines: Sequence[Line], sx: Callable[[np.ndarray], np.ndarray], top: float, ph: float,
           xlabel: str) -> str:
    """Transparent columns over the plot, each titled with every line's value on one day
    (the browser shows the title on hover; CSS shades the column)."""
    n = len(days)
    picks = np.unique(np.linspace(0, n - 1, min(n, HOVER_COLUMNS)).round().astype(int))
    xs = sx(np.asarray(days, dtype=np.float64)[picks])
    edges = np.r_[xs[0], (xs[1:] + xs[:-1]) / 2, xs[-1]]
    out = ["<g class='govsim-hover'>"]
    for k, i in enumerate(picks):
        readout = "; ".join(f"{ln.label} {_fmt(float(ln.values[i]))}" for ln in lines
                            if i < len(ln.values) and math.isfinite(float(ln.values[i])))
        w = max(edges[k + 1] - edges[k], 2.0)
        out.append(f"<rect x='{edges[k] - (1 if k == 0 else 0):.1f}' y='{top}' width='{w + (1 if k == 0 else 0):.1f}' "
                   f"height='{ph}' fill='#000' fill-opacity='0' data-day='{int(days[i])}'>"
                   f"<title>{escape(xlabel)} {int(days[i])}: {escape(readout)}</title></rect>")
    out.append("</g>")
    return "".join(out)


def histogram(*, edges: np.ndarray, series: Sequence[Line], title: str, xlabel: str, ylabel: str, empty: str = "",
              width: int = 460, height: int = 240, css: str = "govsim-hist") -> str:
    """Distributions over the bins ``edges`` as step outlines, one per series (its ``values``:
    the share of that series in each bin), with hover columns per bin."""
    finite = [ln for ln in series if len(ln.values) and np.isfinite(ln.values).any()]
    if not finite:
        return line_chart(days=np.zeros(0), lines=[], title=title, empty=empty, width=width, height=height, css=css)
    left, right, top, bottom = 52, 10, 26, 54
    bottom += 14 * (len(_legend_rows(finite, left, width)) - 1)
    pw, ph = width - left - right, height - top - bottom
    hi = max(float(np.nanmax(ln.values)) for ln in finite) or 1.0
    ticks = nice_ticks(0.0, hi)
    hi = max(hi, ticks[-1])
    x0, x1 = float(edges[0]), float(edges[-1])

    def sx(v: np.ndarray) -> np.ndarray:
        return left + (np.asarray(v, dtype=np.float64) - x0) / (x1 - x0) * pw

    def sy(v: np.ndarray) -> np.ndarray:
        return top + (1 - np.asarray(v, dtype=np.float64) / hi) * ph

    out = [f"<svg class='{css}' viewBox='0 0 {width} {height}' width='100%' style='max-width:{width}px' "
           f"xmlns='http://www.w3.org/2000/svg' role='img' aria-label='{escape(title)}'>"
           f"<text x='{left}' y='16' {FONT} font-size='13' font-weight='600'>{escape(title)}"
           f"<tspan font-weight='400' fill='#666'>  ({escape(ylabel)})</tspan></text>"
           f"<rect x='{left}' y='{top}' width='{pw}' height='{ph}' fill='#fafafa' stroke='#ddd'/>"]
    for t in ticks:
        y = float(sy(np.array(t)))
        out.append(f"<line x1='{left}' x2='{left + pw}' y1='{y:.1f}' y2='{y:.1f}' stroke='#e5e5e5'/>"
                   f"<text x='{left - 4}' y='{y + 4:.1f}' text-anchor='end' {FONT} font-size='10' fill='#555'>{_fmt(t)}</text>")
    for t in nice_ticks(x0, x1, count=5):
        out.append(f"<text x='{float(sx(np.array(t))):.1f}' y='{top + ph + 13}' text-anchor='middle' {FONT} font-size='10' "
                   f"fill='#555'>{_fmt(t)}</text>")
    out.append(f"<text x='{left + pw / 2:.1f}' y='{top + ph + 26}' text-anchor='middle' {FONT} font-size='10' fill='#555'>"
               f"{escape(xlabel)}</text>")
    for ln in finite:
        ys = np.nan_to_num(np.asarray(ln.values, dtype=np.float64))
        pts = [f"{float(sx(edges[0])):.1f},{float(sy(0.0)):.1f}"]
        for k, v in enumerate(ys):
            pts += [f"{float(sx(edges[k])):.1f},{float(sy(v)):.1f}", f"{float(sx(edges[k + 1])):.1f},{float(sy(v)):.1f}"]
        pts.append(f"{float(sx(edges[-1])):.1f},{float(sy(0.0)):.1f}")
        out.append(f"<polyline points='{' '.join(pts)}' fill='none' stroke='{ln.colour}' stroke-width='{ln.width}' "
                   f"class='govsim-hist-line'><title>{escape(ln.label)}</title></polyline>")
    out.append("<g class='govsim-hover'>")
    for k in range(len(edges) - 1):
        readout = "; ".join(f"{ln.label} {_fmt(float(ln.values[k]))}" for ln in finite if math.isfinite(float(ln.values[k])))
        x = float(sx(edges[k]))
        out.append(f"<rect x='{x:.1f}' y='{top}' width='{float(sx(edges[k + 1])) - x:.1f}' height='{ph}' fill='#000' "
                   f"fill-opacity='0'><title>{escape(xlabel)} {_fmt(float(edges[k]))}–{_fmt(float(edges[k + 1]))}: "
                   f"{escape(readout)}</title></rect>")
    out.append("</g>")
    out.append(_legend(finite, left, width, height))
    out.append("</svg>")
    return "".join(out)


def hbars(*, bars: Sequence[Bar], title: str, width: int = 460, css: str = "govsim-bars") -> str:
    """Horizontal bars with their values, one per row, scaled to the largest."""
    label_w, row, top = 150, 20, 26
    height = top + row * len(bars) + 8
    top_value = max((b.value for b in bars), default=0.0) or 1.0
    span = width - label_w - 70
    out = [f"<svg class='{css}' viewBox='0 0 {width} {height}' width='100%' style='max-width:{width}px' "
           f"xmlns='http://www.w3.org/2000/svg' role='img' aria-label='{escape(title)}'>"
           f"<text x='4' y='16' {FONT} font-size='13' font-weight='600'>{escape(title)}</text>"]
    for k, b in enumerate(bars):
        y = top + k * row
        w = max(0.0, b.value / top_value * span)
        out.append(f"<text x='{label_w - 6}' y='{y + 13}' text-anchor='end' {FONT} font-size='11'>{escape(b.label)}</text>"
                   f"<rect x='{label_w}' y='{y + 3}' width='{w:.1f}' height='{row - 6}' fill='{b.colour}'/>"
                   f"<text x='{label_w + w + 4:.1f}' y='{y + 13}' {FONT} font-size='11' fill='#333'>{_fmt(b.value)}</text>")
    out.append("</svg>")
    return "".join(out)
