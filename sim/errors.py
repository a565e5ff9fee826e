"""The one error a user sees for a bad scenario: a single human-readable line.

``str(error)`` names the file, where possible the line, the key path and the fix, e.g.
``scenarios/x.yaml, line 12: unknown key 'mechanisms.whistel_summon': did you mean 'whistle_summon'?``
"""

from __future__ import annotations


def one_line(text: str) -> str:
    """Collapse ``text`` onto a single line (newlines and other line breaks become spaces)."""
    return " ".join(part for part in (line.strip() for line in text.splitlines()) if part)


class ScenarioError(Exception):
    """A scenario file or override that cannot be used, explained on one line.

    Attributes keep the parts of the message for programs: ``source`` (file name or
    ``<string>``), ``line`` (1-based, or None), ``key`` (dotted key path, or None) and
    ``detail`` (the message without the location prefix).
    """

    def __init__(
        self,
        detail: str,
        *,
        source: str | None = None,
        line: int | None = None,
        key: str | None = None,
    ) -> None:
        self.detail = one_line(detail)
        self.source = one_line(source) if source is not None else None
        self.line = line
        self.key = key
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """The full single-line message: ``source, line N: detail``."""
        where = self.source or ""
        if self.line is not None:
            where = f"{where}, line {self.line}" if where else f"line {self.line}"
        return f"{where}: {self.detail}" if where else self.detail

    def __str__(self) -> str:
        return self.message
