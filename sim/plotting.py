"""Figures (matplotlib, Agg backend). The simulation core never imports this module."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pyarrow as pa  # noqa: E402

RUN_PANELS = (
    ("trust_mean", "Mean trust"),
    ("participation", "Participation share"),
    ("resolution_days_median", "Median days to resolution (30-day window)"),
    ("open", "Backlog (open issues)"),
)


def plot_run(daily: pa.Table, path: Path, *, title: str) -> Path:
    """Trust, participation, resolution time and backlog over time for one run."""
    fig, axes = plt.subplots(2, 2, figsize=(10, 6.5), sharex=True, constrained_layout=True)
    day = np.asarray(daily.column("day"))
    for ax, (col, label) in zip(axes.flat, RUN_PANELS):
        ax.plot(day, np.asarray(daily.column(col), dtype=float), color="#1f77b4", lw=1.5)
        ax.set_title(label, fontsize=10)
        ax.grid(alpha=0.3)
    for ax in axes[1]:
        ax.set_xlabel("day")
    fig.suptitle(title)
    fig.savefig(path, dpi=130)
    plt.close(fig)
    return path
