"""What each mechanism does and where the article describes it.

The rule is the ``Rule:`` paragraph of the mechanism module's docstring (the code's own
statement of what it changes); the article parts are the mechanism's anchors into
``docs/article.md``, with the part's English heading, the source's Chinese heading (from
the digest's anchor table) and the digest's text of that part.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from sim.mechanisms import Mechanism

__all__ = ["ARTICLE", "Part", "part", "rule_text"]

ARTICLE = Path(__file__).resolve().parents[2] / "docs" / "article.md"
_ANCHOR = re.compile(r'^<a id="([\w-]+)"></a>\s*$')
_TABLE_ROW = re.compile(r"^\|\s*([^|]+?)\s*\|\s*\[`#([\w-]+)`\]\(#[\w-]+\)\s*\|\s*([^|]+?)\s*\|\s*$")


@dataclass(frozen=True)
class Part:
    """A part of the article: anchor, number as cited ("2(3)"), headings and digest text."""

    anchor: str
    number: str
    heading_en: str
    heading_zh: str
    text: str


@lru_cache(maxsize=1)
def _parts() -> dict[str, Part]:
    try:
        lines = ARTICLE.read_text(encoding="utf-8").splitlines()
    except OSError:
        return {}
    numbers: dict[str, tuple[str, str]] = {}
    for line in lines:
        m = _TABLE_ROW.match(line)
        if m:
            numbers[m.group(2)] = (m.group(1), m.group(3))
    parts: dict[str, Part] = {}
    starts = [(k, m.group(1)) for k, line in enumerate(lines) if (m := _ANCHOR.match(line))]
    for (k, anchor), nxt in zip(starts, [*starts[1:], (len(lines), "")]):
        body = lines[k + 1: nxt[0]]
        heading = next((b.lstrip("#").strip() for b in body if b.startswith("#")), anchor)
        text = "\n".join(b for b in body if not b.startswith("#")).strip()
        number, zh = numbers.get(anchor, ("", ""))
        parts[anchor] = Part(anchor, number, heading, zh, text)
    return parts


def part(anchor: str) -> Part:
    """The article part at ``anchor`` (a placeholder naming the anchor if the digest lacks it)."""
    return _parts().get(anchor) or Part(anchor, "", anchor, "", "")


def rule_text(mech: Mechanism) -> str:
    """The mechanism's "Rule" paragraph (its module docstring, ``Mechanism.paragraph``), its
    summary if it has none."""
    rule = mech.paragraph("Rule")
    return rule[:1].upper() + rule[1:] if rule else mech.summary
