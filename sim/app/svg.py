"""Charts drawn as SVG text on the server: line charts and horizontal bars.

No chart library runs in the browser and nothing is fetched: an update is a few kB of
SVG that the page swaps in, which keeps ten or more redraws a second cheap on both sides.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

import numpy as np

__all__ = ["MAX_POINTS", "Bar", "Line", "hbars", "line_chart", "nice_ticks"]

#: Most points drawn per line (longer series are thinned evenly, keeping the last day).
MAX_POINTS = 400
FONT = "font-family='system-ui,sans-serif'"


@dataclass(frozen=True)
class Line:
    """One series: legend label, values (NaN: gap), colour, stroke width and dash pattern."""

    label: str
    values: np.ndarray
    colour: str
    width: float = 1.5
    dash: str = ""


@dataclass(frozen=True)
class Bar:
    """One bar: label, value and colour."""

    label: str
    value: float
    colour: str


def nice_ticks(lo: float, hi: float, *, count: int = 4) -> list[float]:
    """Round tick values covering [lo, hi]."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return [lo] if math.isfinite(lo) else [0.0]
    raw = (hi - lo) / count
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw * (1 - 1e-9))
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
               empty: str = "", width: int = 460, height: int = 230, css: str = "govsim-chart") -> str:
    """A line chart of ``lines`` over ``days`` with axes, ticks and a legend; ``zero`` draws
    the y = 0 line and includes it in the range; ``empty`` is shown when there is no data."""
    left, right, top, bottom = 52, 10, 26, 44
    pw, ph = width - left - right, height - top - bottom
    head = (f"<svg class='{css}' viewBox='0 0 {width} {height}' width='100%' style='max-width:{width}px' "
            f"xmlns='http://www.w3.org/2000/svg' role='img' aria-label='{escape(title)}'>"
            f"<text x='{left}' y='16' {FONT} font-size='13' font-weight='600'>{escape(title)}"
            f"<tspan font-weight='400' fill='#666'>{'  (' + escape(unit) + ')' if unit else ''}</tspan></text>")
    finite = [v[np.isfinite(v)] for v in (ln.values for ln in lines)]
    finite = [f for f in finite if len(f)]
    if len(days) == 0 or not finite:
        return (head + f"<text x='{width / 2}' y='{height / 2}' text-anchor='middle' {FONT} font-size='12' fill='#888'>"
                f"{escape(empty)}</text></svg>")
    lo = min(float(f.min()) for f in finite)
    hi = max(float(f.max()) for f in finite)
    if zero:
        lo, hi = min(lo, 0.0), max(hi, 0.0)
    if hi - lo < 1e-12:
        pad = abs(hi) * 0.05 or 0.5
        lo, hi = lo - pad, hi + pad
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
    for t in nice_ticks(d0, d1, count=5):
        x = float(sx(np.array(t)))
        out.append(f"<text x='{x:.1f}' y='{top + ph + 13}' text-anchor='middle' {FONT} font-size='10' fill='#555'>{_fmt(t)}</text>")
    for ln in lines:
        xs, ys = _thin(np.asarray(days, dtype=np.float64), np.asarray(ln.values, dtype=np.float64))
        dash = f" stroke-dasharray='{ln.dash}'" if ln.dash else ""
        out.append(f"<path d='{_path(sx(xs), sy(ys))}' fill='none' stroke='{ln.colour}' stroke-width='{ln.width}'{dash}>"
                   f"<title>{escape(ln.label)}</title></path>")
    x = left
    for ln in lines:
        out.append(f"<rect x='{x}' y='{height - 14}' width='12' height='3' fill='{ln.colour}'/>"
                   f"<text x='{x + 15}' y='{height - 10}' {FONT} font-size='10' fill='#333'>{escape(ln.label)}</text>")
        x += 24 + _text_width(ln.label)
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
