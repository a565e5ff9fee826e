"""The Distribution tab: how today's trust and efficacy spread over each resident group
(histograms as shares of the group) and which share of each group takes part today."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import solara

from sim.app import i18n, svg
from sim.app.ui_common import AppState, Help
from sim.app.ui_views import GROUP_COLOURS
from sim.vocab import GROUPS

__all__ = ["BINS", "Distribution", "DistributionView", "distribution", "group_colour"]

#: Bins of a histogram (over the range the values take, rounded out to 0.05, at least 0.1 wide).
BINS = 20


def group_colour(g: int) -> str:
    """Group ``g``'s colour, as on the outcome charts."""
    return GROUP_COLOURS[g % len(GROUP_COLOURS)]


@dataclass(frozen=True)
class Distribution:
    """One attribute's histogram by group: bin edges and, per group, the share of its residents per bin."""

    edges: np.ndarray
    shares: np.ndarray  #: (groups, bins); each row sums to 1 (NaN: an empty group)
    means: np.ndarray  #: (groups,)


def _edges(values: np.ndarray) -> np.ndarray:
    lo = math.floor(float(values.min()) * 20) / 20 if len(values) else 0.0
    hi = math.ceil(float(values.max()) * 20) / 20 if len(values) else 1.0
    if hi - lo < 0.1:
        mid = (lo + hi) / 2
        lo, hi = max(0.0, mid - 0.05), min(1.0, max(0.0, mid - 0.05) + 0.1)
    return np.linspace(lo, hi, BINS + 1)


def distribution(values: np.ndarray, groups: np.ndarray) -> Distribution:
    """Histogram of ``values`` (in [0, 1]) by group index ``groups``."""
    values = np.asarray(values, dtype=np.float64)
    edges = _edges(values)
    k = np.clip(np.searchsorted(edges, values, side="right") - 1, 0, BINS - 1)
    counts = np.zeros((len(GROUPS), BINS))
    np.add.at(counts, (groups, k), 1.0)
    sizes = counts.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = counts / sizes
        means = np.array([values[groups == g].mean() if np.any(groups == g) else np.nan for g in range(len(GROUPS))])
    return Distribution(edges, shares, means)


@solara.component
def DistributionView(state: AppState) -> None:
    """Trust and efficacy histograms by group, and today's participation by group (redraws every step)."""
    state.tick.value  # noqa: B018
    lang = state.lang.value
    with state.explorer.lock:
        model = state.explorer.a.model
        groups = model.pop.group.astype(np.int64)
        dists = {name: distribution(getattr(model.state, name), groups) for name in ("trust", "efficacy")}
        taking_part = np.bincount(groups, weights=model.state.participating.astype(np.float64), minlength=len(GROUPS))
        sizes = np.bincount(groups, minlength=len(GROUPS))
        day = state.explorer.day
    share = state.t("dist.share")
    charts = []
    for name, d in dists.items():
        series = [svg.Line(state.t("dist.legend", group=i18n.group(g, lang), mean=f"{d.means[k]:.3f}"), d.shares[k], group_colour(k), 1.8)
                  for k, g in enumerate(GROUPS) if sizes[k]]
        charts.append((name, svg.histogram(edges=d.edges, series=series, title=state.t(f"dist.{name}", day=day),
                                           xlabel=state.t(f"dist.{name}_axis"), ylabel=share, css=f"govsim-hist govsim-hist-{name}")))
    bars = [svg.Bar(i18n.group(g, lang), float(taking_part[k] / sizes[k]) if sizes[k] else 0.0, group_colour(k))
            for k, g in enumerate(GROUPS)]
    with solara.ColumnsResponsive(12, large=6):
        for name, text in charts:
            solara.HTML(unsafe_innerHTML=text, classes=[f"govsim-dist-{name}"])
        solara.HTML(unsafe_innerHTML=svg.hbars(bars=bars, title=state.t("dist.participation", day=day), css="govsim-bars govsim-dist-part"),
                    classes=["govsim-dist-participation"])
    Help(state.t("dist.note"))
