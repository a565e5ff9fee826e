"""Reading the tables a report, comparison or optimisation writes, shared by the test modules."""

from __future__ import annotations

import csv
from pathlib import Path


def rows(path: Path) -> list[dict[str, str]]:
    """The rows of a CSV file written by ``sim.output.tables.write_csv`` (UTF-8, a header line),
    each a dict of the cells as text (an empty cell: None or NaN)."""
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))
