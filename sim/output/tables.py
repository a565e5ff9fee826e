"""Tables for papers: tidy rows to CSV (full precision, empty cells for missing values) and
to LaTeX (booktabs, four significant digits, ``--`` for missing values), written atomically."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from sim.output.results import atomic_write

__all__ = ["latex_escape", "write_csv", "write_latex"]


def _csv_cell(v: Any, digits: int | None = None) -> str:
    if v is None:
        return ""
    if isinstance(v, bool | np.bool_):
        return "true" if v else "false"
    if isinstance(v, float | np.floating):
        v = float(v)
        return "" if math.isnan(v) else repr(v) if digits is None else f"{v:.{digits}g}"
    text = str(v)
    if any(c in text for c in ',"\n\r'):
        text = '"' + text.replace('"', '""') + '"'
    return text


def write_csv(rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None, path: Path, *,
              digits: int | None = None) -> Path:
    """Rows as CSV with a header: ``columns`` (default: the first row's keys); floats with full
    precision or ``digits`` significant digits; booleans as true/false; None and NaN as empty cells."""
    columns = list(rows[0]) if columns is None else columns
    lines = [",".join(columns)] + [",".join(_csv_cell(r.get(c), digits) for c in columns) for r in rows]
    text = "\n".join(lines) + "\n"
    return atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))


_LATEX = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "{": r"\{", "}": r"\}",
          "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "Δ": r"$\Delta$", "–": "--", "−": "-"}


def latex_escape(text: str) -> str:
    """Text safe inside a LaTeX table cell."""
    return "".join(_LATEX.get(c, c) for c in text)


def _tex_cell(v: Any) -> str:
    if v is None:
        return "--"
    if isinstance(v, bool | np.bool_):
        return "yes" if v else "no"
    if isinstance(v, int | np.integer):
        return str(int(v))
    if isinstance(v, float | np.floating):
        v = float(v)
        if math.isnan(v):
            return "--"
        if math.isinf(v):
            return r"$\infty$" if v > 0 else r"$-\infty$"
        return f"{v:.4g}".replace("e", r"\,e")
    return latex_escape(str(v))


def write_latex(rows: Sequence[Mapping[str, Any]], columns: Sequence[str], path: Path, *, caption: str = "") -> Path:
    """Rows as a booktabs ``tabular`` (numbers right-aligned, text left-aligned); ``\\usepackage{booktabs}``."""
    numeric = [all(isinstance(r.get(c), int | float | np.number) or r.get(c) is None for r in rows) for c in columns]
    spec = "".join("r" if n else "l" for n in numeric)
    lines = []
    if caption:
        lines.append(f"% {caption}")
    lines += [rf"\begin{{tabular}}{{{spec}}}", r"\toprule", " & ".join(latex_escape(c) for c in columns) + r" \\", r"\midrule"]
    lines += [" & ".join(_tex_cell(r.get(c)) for c in columns) + r" \\" for r in rows]
    lines += [r"\bottomrule", r"\end{tabular}"]
    text = "\n".join(lines) + "\n"
    return atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))
