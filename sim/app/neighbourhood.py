"""A neighbourhood to look at: one building (or part of one compound) and the ties around
it, at most :data:`MAX_NODES` residents, laid out once.

The layout is a spring layout of the tie subgraph (``sim.graph.to_networkx``) started from
a structured one (households of the unit on an inner ring, outside contacts on an outer
ring); it depends only on the population, so a session computes it once per unit and
recolours the nodes by today's trust or participation. Grid workers serving the unit's
households are drawn as their own nodes.

Trust is coloured on a colour-blind-safe sequential scale (cividis) stretched over the values
present (:func:`colour_range`, stated under the drawing); party members and grid workers are
marked in Okabe–Ito colours that are not on that scale, so no mark reads as "low".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import networkx as nx
import numpy as np

from sim.graph import Population, to_networkx

__all__ = ["MAX_NODES", "MEMBER_COLOUR", "NOT_PARTICIPATING_COLOUR", "PARTICIPATING_COLOUR", "WORKER_COLOUR", "Neighbourhood",
           "build", "colour_range", "node_colours", "scale_colour"]

#: Most residents drawn.
MAX_NODES = 300
Unit = Literal["building", "compound"]
#: Drawing area (SVG user units).
WIDTH, HEIGHT, PAD = 900.0, 640.0, 20.0
#: Okabe–Ito colours of the marks (none of them on the trust scale).
MEMBER_COLOUR, WORKER_COLOUR, PARTICIPATING_COLOUR, NOT_PARTICIPATING_COLOUR = "#CC79A7", "#E69F00", "#0072B2", "#d9d9d9"
#: Cividis, low to high (colour-blind safe, light for high).
TRUST_STOPS = ((0, 32, 77), (49, 68, 107), (102, 105, 112), (149, 143, 120), (203, 186, 105), (255, 234, 70))
#: Narrowest trust range the colours stretch over (a spread smaller than this is not shown as large).
MIN_COLOUR_SPAN = 0.05


@dataclass(frozen=True, eq=False)
class Neighbourhood:
    """Residents (ids), whether each belongs to the unit, positions, ties and grid workers."""

    unit: Unit
    index: int
    residents: np.ndarray  #: resident ids, one per node
    inside: np.ndarray  #: bool: the resident lives in the unit
    xy: np.ndarray  #: (n, 2) positions in the drawing area
    edges: np.ndarray  #: (m, 2) node indices of drawn ties
    strength: np.ndarray  #: (m,) tie strengths
    workers: tuple[tuple[int, float, float, np.ndarray], ...]  #: (grid cell, x, y, node indices served)


def _unit_members(pop: Population, unit: Unit, index: int) -> np.ndarray:
    """Residents of the unit; of a unit too large to draw, whole households spread evenly
    over it, up to :data:`MAX_NODES`."""
    ids = np.flatnonzero((pop.building if unit == "building" else pop.compound) == index)
    if len(ids) <= MAX_NODES:
        return ids
    households = np.unique(pop.household[ids])
    share = int(len(households) * MAX_NODES / len(ids))  # about as many households as fill the cap
    picked = households[np.unique(np.linspace(0, len(households) - 1, max(share, 1)).round().astype(int))]
    members = ids[np.isin(pop.household[ids], picked)]
    # drop whole households from the end until the cap holds
    while len(members) > MAX_NODES:
        members = members[pop.household[members] != pop.household[members[-1]]]
    return members


def _outside_contacts(pop: Population, inside: np.ndarray, room: int) -> np.ndarray:
    """The strongest ties leaving the unit, up to ``room`` outside residents."""
    t = pop.ties
    rows = np.repeat(inside, np.diff(t.indptr)[inside])
    starts = t.indptr[inside]
    pos = np.concatenate([np.arange(s, e) for s, e in zip(starts, t.indptr[inside + 1])]) if len(inside) else np.zeros(0, int)
    partners, strength = t.indices[pos], t.data[pos]
    out = ~np.isin(partners, inside)
    partners, strength, rows = partners[out], strength[out], rows[out]
    order = np.argsort(-strength, kind="stable")
    _, first = np.unique(partners[order], return_index=True)
    best = order[np.sort(first)]
    best = best[np.argsort(-strength[best], kind="stable")]
    return np.sort(partners[best[:room]])


def _initial_layout(pop: Population, nodes: np.ndarray, inside: np.ndarray) -> dict[int, tuple[float, float]]:
    """Households of the unit on an inner ring, outside contacts by building on an outer ring."""
    pos: dict[int, tuple[float, float]] = {}
    for ring, radius, key in ((inside, 0.45, pop.household), (~inside, 1.0, pop.building)):
        ids = nodes[ring]
        groups = key[ids]
        labels = np.unique(groups)
        for k, lab in enumerate(labels):
            members = ids[groups == lab]
            angle = 2 * np.pi * k / max(len(labels), 1)
            for j, i in enumerate(members):
                jitter = 0.05 * (j - (len(members) - 1) / 2)
                pos[int(i)] = (radius * np.cos(angle + jitter), radius * np.sin(angle + jitter))
    return pos


def build(pop: Population, grid_cells: list[int], *, unit: Unit, index: int) -> Neighbourhood:
    """Lay out unit ``index`` and its surroundings (``grid_cells``: the grid workers' cells)."""
    core = _unit_members(pop, unit, index)
    outside = _outside_contacts(pop, core, MAX_NODES - len(core)) if unit == "building" else np.zeros(0, np.int64)
    nodes = np.union1d(core, outside)
    inside = np.isin(nodes, core)
    g = to_networkx(pop, nodes)
    start = _initial_layout(pop, nodes, inside)
    spread = 2.0 / np.sqrt(max(len(nodes), 1))  # twice networkx's default spacing: fewer overlaps
    raw = nx.spring_layout(g, pos=start, k=spread, iterations=40, seed=1, weight="strength") if len(nodes) else {}
    xy = np.array([raw[int(i)] for i in nodes], dtype=np.float64).reshape(-1, 2)
    xy = _fit(xy)
    index_of = {int(r): k for k, r in enumerate(nodes)}
    pairs = [(index_of[u], index_of[v], d.get("strength", 0.0)) for u, v, d in g.edges(data=True)]
    edges = np.array([(a, b) for a, b, _ in pairs], dtype=np.int64).reshape(-1, 2)
    strength = np.array([s for _, _, s in pairs], dtype=np.float64)
    cells = pop.grid_cell[nodes]
    workers = []
    for cell in sorted(set(cells[inside].tolist()) & set(grid_cells)):
        served = np.flatnonzero(inside & (cells == cell))
        cx, cy = xy[served].mean(axis=0)
        workers.append((int(cell), float(cx), float(min(cy + 26.0, HEIGHT - PAD)), served))
    return Neighbourhood(unit, index, nodes, inside, xy, edges, strength, tuple(workers))


def _fit(xy: np.ndarray) -> np.ndarray:
    """Scale positions into the drawing area, keeping the aspect ratio; the few outermost
    residents (beyond the 3rd and 97th percentiles) are pulled in to its edge, so that they
    do not squeeze everyone else into the middle."""
    if len(xy) == 0:
        return xy
    if len(xy) >= 20:
        lo, hi = np.percentile(xy, 3, axis=0), np.percentile(xy, 97, axis=0)
        pad = 0.08 * (hi - lo)
        xy = np.clip(xy, lo - pad, hi + pad)
    lo, hi = xy.min(axis=0), xy.max(axis=0)
    span = np.maximum(hi - lo, 1e-9)
    scale = min((WIDTH - 2 * PAD) / span[0], (HEIGHT - 2 * PAD - 30) / span[1])
    centre = np.array([WIDTH / 2, (HEIGHT - 30) / 2])
    return (xy - (lo + hi) / 2) * scale + centre


def colour_range(values: np.ndarray) -> tuple[float, float]:
    """The trust range the colours run over: the values present, rounded out to 0.01, at
    least :data:`MIN_COLOUR_SPAN` wide, inside [0, 1]."""
    v = np.asarray(values, dtype=np.float64)
    v = v[np.isfinite(v)]
    if len(v) == 0:
        return 0.0, 1.0
    lo, hi = float(np.floor(v.min() * 100) / 100), float(np.ceil(v.max() * 100) / 100)
    if hi - lo < MIN_COLOUR_SPAN:
        mid = (lo + hi) / 2
        lo = min(max(0.0, mid - MIN_COLOUR_SPAN / 2), 1.0 - MIN_COLOUR_SPAN)
        hi = lo + MIN_COLOUR_SPAN
    return round(lo, 3), round(hi, 3)


def scale_colour(t: np.ndarray) -> list[str]:
    """Colours of positions ``t`` in [0, 1] on the trust scale."""
    stops = np.array(TRUST_STOPS, dtype=np.float64)
    v = np.clip(np.asarray(t, dtype=np.float64), 0, 1) * (len(stops) - 1)
    k = np.minimum(v.astype(int), len(stops) - 2)
    frac = (v - k)[:, None]
    rgb = stops[k] * (1 - frac) + stops[k + 1] * frac
    return [f"#{int(round(r)):02x}{int(round(g)):02x}{int(round(b)):02x}" for r, g, b in rgb]


def node_colours(values: np.ndarray, *, binary: bool, scale: tuple[float, float] = (0.0, 1.0)) -> list[str]:
    """Fill colours: participation as two colours, trust on the cividis scale over ``scale``."""
    if binary:
        return [PARTICIPATING_COLOUR if v else NOT_PARTICIPATING_COLOUR for v in values]
    lo, hi = scale
    return scale_colour((np.asarray(values, dtype=np.float64) - lo) / max(hi - lo, 1e-9))
