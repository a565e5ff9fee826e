"""``govsim report`` (placeholder until the report module lands)."""

from __future__ import annotations

from typing import Any


def report_cli(args: Any) -> int:
    raise NotImplementedError
