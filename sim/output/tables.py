"""Tables for papers: tidy rows to CSV (full precision, empty cells for missing values) and
to LaTeX that goes into a paper as it is, written atomically.

A LaTeX table is a ``table`` environment (a ``longtable`` when it has more than
:data:`LONG_ROWS` rows) with a caption and a label, booktabs rules, headers in words from the
outcome registry and the schema (``sim.output.labels``, units in the header), numbers in
``siunitx`` ``S`` columns aligned on the decimal point, p values in scientific notation
(``5.9e-6``, typeset by siunitx as 5.9 × 10⁻⁶) and ``--`` for missing values. It needs::

    \\usepackage{siunitx,booktabs,longtable}

:func:`write_latex` writes rows as they are (long format); :func:`write_latex_wide` reshapes
long rows (one per scenario and outcome) to one row per scenario with the outcomes as columns,
``mean ± half-width`` of the 95% interval in each cell, in blocks of :data:`WIDE_COLUMNS`
outcomes so that a block fits a page's width.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from sim.output.labels import contrast_label, factor_label, outcome_label, statistic_label
from sim.output.results import atomic_write

__all__ = ["LONG_ROWS", "P_COLUMNS", "WIDE_COLUMNS", "latex_escape", "latex_table", "latex_wide", "write_csv",
           "write_latex", "write_latex_wide"]

#: Rows from which a table becomes a ``longtable`` (broken across pages, header repeated).
LONG_ROWS = 30
#: Outcome columns per block of a wide table.
WIDE_COLUMNS = 5
#: Columns holding p values (two significant digits, scientific notation below 0.001).
P_COLUMNS = frozenset({"p", "p_t", "p_wilcoxon", "p_holm"})
#: Characters of a text column from which it wraps in a paragraph column.
_WRAP_AT = 14


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


# --------------------------------------------------------------------------- text

_LATEX = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "{": r"\{", "}": r"\}",
          "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "Δ": r"$\Delta$", "–": "--", "—": "---", "−": "-",
          "×": r"$\times$", "±": r"$\pm$", "≥": r"$\geq$", "≤": r"$\leq$", "→": r"$\rightarrow$", "←": r"$\leftarrow$",
          "μ": r"$\mu$", "…": r"\dots{}", "’": "'", "‘": "`", "“": "``", "”": "''", "·": r"$\cdot$", "▲": r"$\blacktriangle$"}


def latex_escape(text: str) -> str:
    """Text safe inside a LaTeX table cell (pdflatex: characters beyond Latin-1 that LaTeX has no
    name for, such as Chinese, are left out)."""
    return "".join(_LATEX.get(c, c if ord(c) < 0x250 else "") for c in text)


def _tex_text(text: str) -> str:
    """``text`` escaped, its ``$...$`` segments kept as mathematics."""
    parts = text.split("$")
    if len(parts) % 2 == 0:  # an odd number of $: no mathematics
        return latex_escape(text)
    return "".join(latex_escape(p) if i % 2 == 0 else f"${p}$" for i, p in enumerate(parts))


def _head(text: str, width: int = 12) -> str:
    """A header cell: escaped, broken into lines of about ``width`` characters (a nested tabular)."""
    words, lines, line = text.replace("95% CI", "95%\x00CI").split(), [], ""  # \x00: a space never broken
    for w in words:
        if line and len(line) + 1 + len(w) > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    lines.append(line)
    lines = [_tex_text(x).replace("\x00", "~") for x in lines]
    return lines[0] if len(lines) == 1 else r"\begin{tabular}[b]{@{}c@{}}" + r"\\".join(lines) + r"\end{tabular}"


def _label_key(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9:-]+", "-", name).strip("-").lower() or "table"


# --------------------------------------------------------------------------- numbers


def _sig(v: float, digits: int) -> str:
    """``v`` with ``digits`` significant digits, exponents written as siunitx reads them (``5.9e-6``)."""
    text = f"{v:.{digits}g}"
    if "e" in text:
        mant, exp = text.split("e")
        text = f"{mant}e{int(exp)}"
    return text


def _number(v: Any, *, p: bool = False) -> str | None:
    """A number as siunitx input, or None when ``v`` is no finite number."""
    if v is None or isinstance(v, bool | np.bool_) or not isinstance(v, int | float | np.number):
        return None
    if isinstance(v, int | np.integer):
        return str(int(v))
    v = float(v)
    if not math.isfinite(v):
        return None
    if p:
        return _sig(v, 2) if v >= 1e-3 or v == 0 else f"{v:.1e}".replace("e-0", "e-")
    if v != 0 and (abs(v) < 1e-3 or abs(v) >= 1e6):
        mant, exp = f"{v:.3e}".split("e")
        return f"{mant.rstrip('0').rstrip('.')}e{int(exp)}"
    return _sig(v, 4)


def _with_uncertainty(mean: float, half: float | None) -> str | None:
    """``mean +- half`` with the half-width to two significant digits and the mean to the same
    decimal place (siunitx prints ``mean ± half``); the mean alone when there is no half-width."""
    m = _number(mean)
    if m is None:
        return None
    if half is None or not math.isfinite(half) or half <= 1e-9 * abs(mean) or half <= 0 or abs(mean) >= 1e6:
        return m  # no interval, or one of zero width up to rounding
    if half < 1e-4:  # tiny: both in the half-width's power of ten (siunitx: "1.2 +- 0.3e-5")
        exp = math.floor(math.log10(half))
        return f"{mean / 10 ** exp:.1f} +- {half / 10 ** exp:.1f}e{exp}"
    decimals = min(6, max(0, 1 - math.floor(math.log10(half))))
    return f"{mean:.{decimals}f} +- {half:.{decimals}f}"


_NUM = re.compile(r"^(-?)(\d*)(?:\.(\d*))?(?:e(-?)(\d+))?(?: \+- (\d*)(?:\.(\d*))?(?:e(-?)(\d+))?)?$")


def _table_format(cells: Sequence[str]) -> str:
    """siunitx's ``table-format`` that holds every number of a column."""
    sign = ints = decs = exp_sign = exps = unc = 0
    for c in cells:
        m = _NUM.match(c)
        if not m:
            continue
        sign |= bool(m.group(1))
        ints = max(ints, len(m.group(2) or "0"))
        decs = max(decs, len(m.group(3) or ""))
        for es, ed in ((4, 5), (8, 9)):
            if m.group(ed):
                exp_sign |= bool(m.group(es))
                exps = max(exps, len(m.group(ed)))
        if m.group(6) is not None:
            unc = max(unc, len(((m.group(6) or "") + (m.group(7) or "")).lstrip("0")) or 1)
    spec = f"{'-' if sign else ''}{ints}.{decs}"
    if exps:
        spec += f"e{'-' if exp_sign else ''}{exps}"
    if unc:
        spec += f"({unc})"
    return spec


def _cell_text(column: str, v: Any) -> str:
    """A text cell in words: outcomes, factors and contrasts by their labels."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "--"
    if isinstance(v, bool | np.bool_):
        return "yes" if v else "no"
    text = str(v)
    if column == "outcome":
        text = outcome_label(text)
    elif column in ("factor", "by"):
        text = factor_label(text)
    elif column == "contrast":
        text = contrast_label(text)
    return latex_escape(text)


# --------------------------------------------------------------------------- tables


def _environment(spec: str, head: list[str], body: list[str], *, caption: str, label: str, long: bool) -> list[str]:
    """A booktabs table in a ``table`` (or ``longtable``) environment, small type, tight columns."""
    header = " & ".join(head) + r" \\"
    if long:
        ncol = len(head)
        return [r"{\small\setlength{\tabcolsep}{3pt}\sisetup{separate-uncertainty}", rf"\begin{{longtable}}{{{spec}}}",
                rf"\caption{{{caption}}}\label{{{label}}}\\", r"\toprule", header, r"\midrule", r"\endfirsthead",
                rf"\multicolumn{{{ncol}}}{{l}}{{\emph{{Table \thetable, continued}}}}\\", r"\toprule", header, r"\midrule",
                r"\endhead", r"\bottomrule", r"\endlastfoot", *body, r"\end{longtable}}"]
    return [r"\begin{table}[htbp]", r"\centering", r"\small", r"\setlength{\tabcolsep}{3pt}", r"\sisetup{separate-uncertainty}",
            rf"\caption{{{caption}}}",
            rf"\label{{{label}}}", rf"\begin{{tabular}}{{{spec}}}", r"\toprule", header, r"\midrule", *body,
            r"\bottomrule", r"\end{tabular}", r"\end{table}"]


def _columns(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> tuple[list[str], list[list[str]]]:
    """Column specs and cells: numbers in S columns (braced words where a number is missing),
    text in left-aligned columns (paragraph columns for long text)."""
    specs, cells = [], []
    for c in columns:
        values = [r.get(c) for r in rows]
        if any(isinstance(v, _Uncertain) for v in values):
            nums = [_with_uncertainty(v.value, v.half) if isinstance(v, _Uncertain) and _number(v.value) else None for v in values]
            specs.append(f"S[table-format={_table_format([n for n in nums if n])}]")
            cells.append([n if n is not None else "{--}" for n in nums])
            continue
        numeric = all(v is None or (isinstance(v, int | float | np.number) and not isinstance(v, bool | np.bool_))
                      for v in values) and any(v is not None for v in values)
        if numeric:
            nums = [_number(v, p=c in P_COLUMNS) for v in values]
            col = [n if n is not None else ("{--}" if v is None or math.isnan(float(v)) else
                                            "{$\\infty$}" if float(v) > 0 else "{$-\\infty$}") for n, v in zip(nums, values)]
            specs.append(f"S[table-format={_table_format([n for n in nums if n])}]")
        else:
            col = [_cell_text(c, v) for v in values]
            longest = max((len(x) for x in col), default=0)
            width = "" if longest <= _WRAP_AT else "2cm" if longest <= 24 else "2.8cm"
            specs.append(rf">{{\raggedright\arraybackslash}}p{{{width}}}" if width else "l")
        cells.append(col)
    return specs, cells


#: (value, low, high) columns shown as one ``value ± half-width`` column when the interval is symmetric.
INTERVALS = (("mean", "ci_low", "ci_high"), ("diff", "diff_ci_low", "diff_ci_high"), ("diff", "ci_low", "ci_high"),
             ("S1", "S1_low", "S1_high"), ("ST", "ST_low", "ST_high"), ("mu_star", "mu_star_low", "mu_star_high"))


def _symmetric(rows: Sequence[Mapping[str, Any]], v: str, lo: str, hi: str) -> bool:
    for r in rows:
        m, a, b = r.get(v), r.get(lo), r.get(hi)
        if any(x is None or not isinstance(x, int | float | np.number) for x in (m, a, b)):
            continue
        m, a, b = float(m), float(a), float(b)
        if all(math.isfinite(x) for x in (m, a, b)) and abs((b - m) - (m - a)) > 1e-9 * max(1.0, abs(m), abs(b - a)):
            return False
    return True


def _merge_intervals(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> tuple[list[dict[str, Any]], list[str]]:
    """Rows and columns with each symmetric interval of :data:`INTERVALS` folded into its value
    column (``value ± half-width``; the column renamed ``<value>±``)."""
    cols, out = list(columns), [dict(r) for r in rows]
    for v, lo, hi in INTERVALS:
        if {v, lo, hi} <= set(cols) and _symmetric(rows, v, lo, hi):
            for r in out:
                m, a, b = r.get(v), r.get(lo), r.get(hi)
                ok = all(isinstance(x, int | float | np.number) and math.isfinite(float(x)) for x in (m, a, b) if x is not None)
                half = (float(b) - float(a)) / 2 if ok and a is not None and b is not None else None
                r[v + "±"] = _Uncertain(m, half)
            cols = [v + "±" if c == v else c for c in cols if c not in (lo, hi)]
    return out, cols


class _Uncertain:
    """A value with the half-width of its symmetric 95% interval (a cell ``value ± half``)."""

    def __init__(self, value: Any, half: float | None) -> None:
        self.value, self.half = value, half


def latex_table(rows: Sequence[Mapping[str, Any]], columns: Sequence[str], *, caption: str, label: str) -> str:
    """Rows as one LaTeX table (see the module docstring); headers from :func:`statistic_label`,
    symmetric intervals folded into their value (``Δ ± 95% CI``)."""
    rows, columns = _merge_intervals(rows, columns)
    specs, cells = _columns(rows, columns)
    head = [("{" + _head(_header(c)) + "}") if s.startswith("S") else _head(_header(c)) for c, s in zip(columns, specs)]
    body = [" & ".join(col[i] for col in cells) + r" \\" for i in range(len(rows))]
    lines = _environment("".join(specs), head, body, caption=_tex_text(caption), label=label, long=len(rows) > LONG_ROWS)
    return "\n".join(lines) + "\n"


def _header(column: str) -> str:
    if column.endswith("±"):
        return f"{statistic_label(column[:-1])} ± 95% CI"
    return statistic_label(column)


def write_latex(rows: Sequence[Mapping[str, Any]], columns: Sequence[str], path: Path, *, caption: str = "",
                label: str = "") -> Path:
    """Rows as a LaTeX table (see the module docstring) in ``path``; the label defaults to
    ``tab:<file name>`` and the caption to the file's name in words."""
    path = Path(path)
    text = _preamble() + latex_table(rows, columns, caption=caption or path.stem.replace("_", " ").capitalize(),
                                     label=label or f"tab:{_label_key(path.stem)}")
    return atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))


def _preamble() -> str:
    return "% Generated by govsim. Needs \\usepackage{siunitx,booktabs,longtable}.\n"


def latex_wide(rows: Sequence[Mapping[str, Any]], *, index: Sequence[str], over: str = "outcome", value: str = "mean",
               low: str | None = "ci_low", high: str | None = "ci_high", caption: str, label: str,
               per_block: int = WIDE_COLUMNS) -> str:
    """Long rows reshaped: one row per distinct ``index`` combination (e.g. scenario), one
    column per value of ``over`` (e.g. outcome, headed by its label and unit), each cell
    ``value ± half-width`` of [``low``, ``high``]; blocks of ``per_block`` columns, each a
    table (the first with ``caption`` and ``label``, the others continuing it)."""
    shown = [r for r in rows if r.get(value) is not None]
    keys = list(dict.fromkeys(tuple(r.get(k) for k in index) for r in shown))
    cols = list(dict.fromkeys(r[over] for r in shown))
    by = {(tuple(r.get(k) for k in index), r[over]): r for r in rows}
    blocks = [cols[i:i + per_block] for i in range(0, len(cols), per_block)] or [[]]
    out = []
    for b, block in enumerate(blocks):
        specs, cells = _columns([dict(zip(index, k)) for k in keys], index)
        head = [("{" + _head(statistic_label(k)) + "}") if sp.startswith("S") else _head(statistic_label(k))
                for k, sp in zip(index, specs)]
        for c in block:
            values = []
            for k in keys:
                r = by.get((k, c), {})
                v, lo, hi = r.get(value), r.get(low) if low else None, r.get(high) if high else None
                half = (hi - lo) / 2 if lo is not None and hi is not None else None
                values.append(None if not isinstance(v, int | float | np.number) else
                              _number(v, p=True) if value in P_COLUMNS else _with_uncertainty(v, half))
            specs.append(f"S[table-format={_table_format([v for v in values if v])}]")
            cells.append([v if v is not None else "{--}" for v in values])
            head.append("{" + _head(outcome_label(c) if over == "outcome" else statistic_label(str(c))) + "}")
        body = [" & ".join(col[i] for col in cells) + r" \\" for i in range(len(keys))]
        cap = _tex_text(caption) if b == 0 else rf"{_tex_text(caption.split('.')[0])} (continued: part {b + 1} of {len(blocks)})."
        lab = label if b == 0 else f"{label}-{b + 1}"
        out += _environment("".join(specs), head, body, caption=cap, label=lab, long=len(keys) > LONG_ROWS)
    return "\n".join(out) + "\n"


def write_latex_wide(rows: Sequence[Mapping[str, Any]], path: Path, *, tables: Sequence[Mapping[str, Any]]) -> Path:
    """Several wide tables (:func:`latex_wide`, keyword arguments in each of ``tables``) in one file."""
    text = _preamble() + "\n".join(latex_wide(rows, **t) for t in tables)
    return atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))
