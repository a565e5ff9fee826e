"""Generated blocks in a hand-written Markdown document: the machinery behind ``sim.odd.generate``.

A document is prose with generated blocks between markers::

    <!-- BEGIN GENERATED: params-behaviour -->
    ...generated Markdown, never edited by hand...
    <!-- END GENERATED: params-behaviour -->

This module knows nothing of the model. It formats numbers and tables the same way on every
machine, finds and checks the markers, replaces the content of every block with what a
*generator* (a function from block name to Markdown) produces (:func:`render`), lists the
blocks that are stale or missing (:func:`stale_blocks`), and runs the command line of a
document (:func:`cli`). Which blocks exist and what they say is ``sim.odd.generate``'s business.
"""

from __future__ import annotations

import argparse
import inspect
import math
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel

__all__ = ["blocks_in", "cell", "check_markers", "cli", "first_paragraph", "num", "render", "stale_blocks", "table",
           "value"]

Generator = Callable[[str], str]

_NAME = r"[A-Za-z0-9_.:-]+"
_BLOCK_RE = re.compile(
    r"(?P<begin><!-- BEGIN GENERATED: (?P<name>" + _NAME + r") -->)\n(?P<body>.*?)(?P<end><!-- END GENERATED: (?P=name) -->)",
    re.DOTALL,
)
_MARKER_RE = re.compile(r"<!-- (BEGIN|END) GENERATED: (" + _NAME + r") -->")


# =========================================================================== formatting


def num(v: float) -> str:
    """A number, formatted the same way on every machine."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, np.integer)):
        v = int(v)
        if v == 2**63 - 1:
            return "2^63 − 1"
        return f"{v:,}" if abs(v) >= 10_000 else str(v)
    v = float(v)
    if math.isinf(v):
        return "∞" if v > 0 else "−∞"
    if math.isnan(v):
        return "NaN"
    if v == int(v) and abs(v) < 1e15:
        iv = int(v)
        if abs(iv) >= 1_000_000 and str(abs(iv)).rstrip("0") == "1":
            return f"{'-' if iv < 0 else ''}1e{len(str(abs(iv))) - 1}"
        return f"{iv:,}" if abs(iv) >= 10_000 else str(iv)
    s = f"{v:.6g}"
    if "e" in s:
        mant, exp = s.split("e")
        s = f"{mant}e{int(exp)}"
    return s


def value(v: Any) -> str:
    """A value in YAML flow style (what a scenario file would say)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float, np.integer, np.floating)):
        return num(v)
    if isinstance(v, str):
        return f'"{v}"'
    if isinstance(v, BaseModel):
        return "{" + ", ".join(f"{k}: {value(getattr(v, k))}" for k in type(v).model_fields) + "}"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}: {value(x)}" for k, x in v.items()) + "}"
    if isinstance(v, (tuple, list)):
        return "[" + ", ".join(value(x) for x in v) + "]"
    if v is None:
        return "null"
    return str(v)


def cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return " ".join(str(text).split()).replace("|", "\\|")


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def first_paragraph(doc: str | None) -> str:
    """The first paragraph of a docstring, on one line."""
    if not doc:
        return ""
    para = inspect.cleandoc(doc).split("\n\n")[0]
    return " ".join(para.split())


# =========================================================================== blocks


def check_markers(text: str) -> None:
    """Every BEGIN has its END, in order, unnested, and no name appears twice."""
    open_name: str | None = None
    seen: set[str] = set()
    for m in _MARKER_RE.finditer(text):
        kind, name = m.group(1), m.group(2)
        if kind == "BEGIN":
            if open_name is not None:
                raise ValueError(f"generated block '{open_name}' is not closed before '{name}' begins")
            if name in seen:
                raise ValueError(f"generated block '{name}' appears twice")
            open_name = name
            seen.add(name)
        else:
            if open_name != name:
                raise ValueError(f"END marker of '{name}' without its BEGIN")
            open_name = None
    if open_name is not None:
        raise ValueError(f"generated block '{open_name}' has no END marker")


def blocks_in(text: str) -> dict[str, str]:
    """Block name -> current content, for every block in ``text``."""
    check_markers(text)
    return {m.group("name"): m.group("body") for m in _BLOCK_RE.finditer(text)}


def _body(content: str) -> str:
    """What stands between a block's markers: the content set off by blank lines, so that
    Markdown renderers never read a marker as part of a table or paragraph."""
    return f"\n{content.rstrip(chr(10))}\n\n"


def render(text: str, generate: Generator) -> str:
    """``text`` with the content of every generated block replaced by ``generate(name)``."""
    check_markers(text)
    cache: dict[str, str] = {}

    def sub(m: re.Match[str]) -> str:
        name = m.group("name")
        if name not in cache:
            cache[name] = generate(name)
        return f"{m.group('begin')}\n{_body(cache[name])}{m.group('end')}"

    return _BLOCK_RE.sub(sub, text)


def stale_blocks(text: str, names: Sequence[str], generate: Generator) -> tuple[list[str], list[str]]:
    """(blocks of ``text`` whose content differs from ``generate(name)``, blocks of ``names``
    missing from ``text``)."""
    present = blocks_in(text)
    stale = [name for name, body in present.items() if body != _body(generate(name))]
    missing = [name for name in names if name not in present]
    return stale, missing


# =========================================================================== command line


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def cli(argv: Sequence[str] | None, *, prog: str, doc: Path, names: Sequence[str], generate: Generator,
        description: str = "") -> int:
    """Regenerate the blocks of ``doc`` in place; with ``--check``, write nothing and exit 1,
    with a one-line message naming the stale or missing blocks, if it is out of date."""
    p = argparse.ArgumentParser(prog=prog, description=description)
    p.add_argument("--check", action="store_true", help="do not write; exit 1 if any generated block is stale or missing")
    p.add_argument("--file", type=Path, default=doc, help=f"the document (default: {_display(doc)})")
    args = p.parse_args(argv)
    shown = _display(args.file)
    try:
        text = args.file.read_text(encoding="utf-8")
    except OSError as exc:
        print(f"error: cannot read {shown}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    try:
        if args.check:
            stale, missing = stale_blocks(text, names, generate)
            if stale or missing:
                parts = []
                if stale:
                    parts.append(f"stale generated blocks: {', '.join(stale)}")
                if missing:
                    parts.append(f"missing generated blocks: {', '.join(missing)}")
                print(f"{shown} is out of date ({'; '.join(parts)}); run: python -m {prog.split()[-1]}", file=sys.stderr)
                return 1
            print(f"{shown} is up to date ({len(blocks_in(text))} generated blocks)")
            return 0
        new = render(text, generate)
        _, missing = stale_blocks(new, names, generate)
    except ValueError as exc:
        print(f"error: {shown}: {exc}", file=sys.stderr)
        return 1
    if new != text:
        args.file.write_text(new, encoding="utf-8")
    print(f"{'wrote' if new != text else 'unchanged'} {shown} ({len(blocks_in(new))} generated blocks)")
    if missing:
        print(f"{shown} lacks generated blocks: {', '.join(missing)}", file=sys.stderr)
        return 1
    return 0
