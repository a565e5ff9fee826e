"""The Neighbourhood tab: one building (or compound) and the ties around it, drawn large,
zoomable and pannable (``network.vue``), coloured by today's trust (on a scale stretched over
the values present, with a colour bar stating its range) or participation, with a legend of
every mark and line; hovering a resident shows their group and today's trust."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import TYPE_CHECKING

import numpy as np
import solara

from sim.app import i18n
from sim.app.neighbourhood import (
    HEIGHT,
    MEMBER_COLOUR,
    NOT_PARTICIPATING_COLOUR,
    PARTICIPATING_COLOUR,
    WIDTH,
    WORKER_COLOUR,
    Neighbourhood,
    build,
    colour_range,
    node_colours,
    scale_colour,
)
from sim.app.ui_common import TABS, AppState, Help
from sim.vocab import GROUPS

if TYPE_CHECKING:
    from sim.graph import Population

__all__ = ["NeighbourhoodView", "colour_bar", "legend_svg", "node_tips"]

FONT = "font-family='system-ui,sans-serif'"


@solara.component_vue("network.vue")
def NetworkSvg(nodes: list, colours: list, tips: list, edges: list, service: list, width: float, height: float, labels: dict,
               event_pick: Callable[[int], None] | None = None) -> None:
    """The neighbourhood drawing: fixed geometry, colours and hover texts that change,
    clickable nodes, zoom (wheel, buttons) and pan (drag)."""


def _geometry(nb: Neighbourhood, pop: Population, lang: str, t: Callable[..., str]) -> tuple[list, list, list]:
    """Nodes (position, shape, tooltip), ties and grid workers' service lines: drawn once."""
    nodes = []
    for k, (i, (x, y)) in enumerate(zip(nb.residents.tolist(), nb.xy.round(1).tolist())):
        title = t("nb.node", id=i, group=i18n.group(GROUPS[int(pop.group[i])], lang))
        if pop.party_member[i]:
            title += t("nb.node_member")
        nodes.append({"i": i, "x": x, "y": y, "o": 1.0 if nb.inside[k] else 0.55, "s": "p" if pop.party_member[i] else "r", "t": title})
    service = []
    for cell, x, y, served in nb.workers:
        nodes.append({"i": -1 - cell, "x": round(x, 1), "y": round(y, 1), "o": 1.0, "s": "g", "t": t("nb.worker", cell=cell)})
        service += [[x, y, *nb.xy[k].round(1).tolist()] for k in served]
    xy = nb.xy.round(1)
    edges = [[*xy[a].tolist(), *xy[b].tolist(), round(float(s), 2)] for (a, b), s in zip(nb.edges, nb.strength)]
    return nodes, edges, service


def node_tips(trust: np.ndarray, participating: np.ndarray, t: Callable[..., str]) -> list[str]:
    """Each resident's hover text for today: trust and whether they take part."""
    yes, no = t("nb.tip_part"), t("nb.tip_no_part")
    return [t("nb.tip", trust=f"{v:.3f}", part=yes if p else no) for v, p in zip(trust.tolist(), participating.tolist())]


def colour_bar(lo: float, hi: float, *, title: str, width: int = 420) -> str:
    """The trust scale from ``lo`` to ``hi`` as a bar with its ends and middle labelled."""
    stops = scale_colour(np.linspace(0, 1, 11))
    grad = "".join(f"<stop offset='{k / 10:.1f}' stop-color='{c}'/>" for k, c in enumerate(stops))
    x0, bw = 24, width - 48
    labels = "".join(f"<text x='{x0 + f * bw:.1f}' y='44' text-anchor='middle' {FONT} font-size='11' fill='#333'>{v:.2f}</text>"
                     for f, v in ((0, lo), (0.5, (lo + hi) / 2), (1, hi)))
    return (f"<svg class='govsim-colour-bar' viewBox='0 0 {width} 50' width='100%' style='max-width:{width}px' "
            f"xmlns='http://www.w3.org/2000/svg' data-lo='{lo:g}' data-hi='{hi:g}'>"
            f"<defs><linearGradient id='govsim-trust-grad'>{grad}</linearGradient></defs>"
            f"<text x='{x0}' y='12' {FONT} font-size='12' font-weight='600'>{escape(title)}</text>"
            f"<rect x='{x0}' y='18' width='{bw}' height='12' fill='url(#govsim-trust-grad)' stroke='#999'/>{labels}</svg>")


def legend_svg(items: list[tuple[str, str]], *, width: int = 900) -> str:
    """The drawing's legend: (mark, text) rows, marks drawn as in the drawing."""
    marks = {
        "resident": f"<circle cx='8' cy='0' r='5.5' fill='{scale_colour(np.array([0.5]))[0]}' stroke='#333' stroke-width='0.6'/>",
        "outside": f"<circle cx='8' cy='0' r='5.5' fill='{scale_colour(np.array([0.5]))[0]}' fill-opacity='0.55' stroke='#333' "
                   "stroke-width='0.6' stroke-opacity='0.55'/>",
        "member": f"<polygon points='8,-7 15,0 8,7 1,0' fill='#fff' stroke='{MEMBER_COLOUR}' stroke-width='2.4'/>",
        "worker": f"<rect x='0' y='-8' width='16' height='16' fill='{WORKER_COLOUR}' stroke='#222'/>",
        "tie": "<line x1='0' y1='0' x2='16' y2='0' stroke='#777' stroke-opacity='0.75' stroke-width='1.5'/>",
        "weak": "<line x1='0' y1='0' x2='16' y2='0' stroke='#777' stroke-opacity='0.2' stroke-width='1.5'/>",
        "service": f"<line x1='0' y1='0' x2='16' y2='0' stroke='{WORKER_COLOUR}' stroke-dasharray='3,3' stroke-width='1.5'/>",
        "part": f"<circle cx='8' cy='0' r='5.5' fill='{PARTICIPATING_COLOUR}' stroke='#333' stroke-width='0.6'/>",
        "no_part": f"<circle cx='8' cy='0' r='5.5' fill='{NOT_PARTICIPATING_COLOUR}' stroke='#333' stroke-width='0.6'/>",
    }
    cols, row_h = 2, 22
    col_w = width / cols
    out = []
    for k, (mark, text) in enumerate(items):
        x, y = 6 + (k % cols) * col_w, 14 + (k // cols) * row_h
        out.append(f"<g transform='translate({x:.0f},{y})' class='govsim-legend-{mark}'>{marks[mark]}"
                   f"<text x='24' y='4' {FONT} font-size='12' fill='#333'>{escape(text)}</text></g>")
    height = 14 + row_h * ((len(items) + cols - 1) // cols)
    return (f"<svg class='govsim-nb-legend' viewBox='0 0 {width} {height}' width='100%' style='max-width:{width}px' "
            f"xmlns='http://www.w3.org/2000/svg'>{''.join(out)}</svg>")


@solara.component
def NeighbourhoodView(state: AppState) -> None:
    """A building (or compound) and the ties around it, coloured by trust or participation."""
    state.revision.value  # noqa: B018 - a new population needs a new layout
    unit, set_unit = solara.use_state("building")
    index, set_index = solara.use_state(0)
    colour_by, set_colour_by = solara.use_state("trust")
    ex = state.explorer
    pop = ex.a.model.pop
    count = int((pop.building if unit == "building" else pop.compound).max()) + 1
    asked, index = index, max(0, min(index, count - 1))
    key = (ex.config.seed, ex.config.population.model_dump_json(), unit, index)
    nb = solara.use_memo(lambda: build(pop, [w.cell for w in ex.a.model.grid_workers], unit=unit, index=index), [key])
    geometry = solara.use_memo(lambda: _geometry(nb, pop, state.lang.value, state.t), [nb, state.lang.value])
    units = {state.t("nb.building"): "building", state.t("nb.compound"): "compound"}
    colours = {state.t("nb.trust"): "trust", state.t("nb.participation"): "participation"}
    with solara.Row(gap="12px", style={"align-items": "center", "flex-wrap": "wrap"}):
        solara.ToggleButtonsSingle(value=next(k for k, v in units.items() if v == unit), values=list(units),
                                   on_value=lambda label: set_unit(units[label]), classes=["govsim-nb-unit"])
        solara.InputInt(state.t("nb.index", max=count - 1), value=index, on_value=lambda v: set_index(int(v)),
                        classes=["govsim-nb-index"], style={"max-width": "140px"})
        solara.ToggleButtonsSingle(value=next(k for k, v in colours.items() if v == colour_by), values=list(colours),
                                   on_value=lambda label: set_colour_by(colours[label]), classes=["govsim-nb-colour"])
    if asked != index:
        Help(state.t("nb.clamped", asked=asked, shown=index, max=count - 1), classes=["govsim-help", "govsim-clamped"])
    NetworkPanel(state, nb, geometry, colour_by)
    Help(state.t("nb.summary", inside=int(nb.inside.sum()), outside=int((~nb.inside).sum()), workers=len(nb.workers)))
    marks = ["part", "no_part"] if colour_by == "participation" else ["resident"]
    items = [(m, state.t(f"nb.legend.{m}")) for m in (*marks, "outside", "member", "worker", "tie", "weak", "service")]
    solara.HTML(unsafe_innerHTML=legend_svg(items), classes=["govsim-nb-legend-box"])


@solara.component
def NetworkPanel(state: AppState, nb: Neighbourhood, geometry: tuple[list, list, list], colour_by: str) -> None:
    """The drawing, recoloured every step by today's trust or participation, and the trust scale."""
    state.tick.value  # noqa: B018
    nodes, edges, service = geometry
    with state.explorer.lock:
        st = state.explorer.a.model.state
        trust, part = st.trust[nb.residents].copy(), st.participating[nb.residents].copy()
    scale = colour_range(trust)
    if colour_by == "participation":
        colours = node_colours(part, binary=True)
    else:
        colours = node_colours(trust, binary=False, scale=scale)
    colours += [WORKER_COLOUR] * len(nb.workers)
    tips = node_tips(trust, part, state.t) + [""] * len(nb.workers)
    labels = {k: state.t(f"nb.{k}") for k in ("zoom_in", "zoom_out", "reset", "hint")}

    def pick(i: int) -> None:
        if i >= 0:
            state.resident.set(int(i))
            state.tab.set(TABS.index("resident"))

    NetworkSvg(nodes=nodes, colours=colours, tips=tips, edges=edges, service=service, width=WIDTH, height=HEIGHT, labels=labels,
               event_pick=pick)
    if colour_by == "trust":
        present = (float(trust.min()), float(trust.max())) if len(trust) else (0.0, 1.0)
        solara.HTML(unsafe_innerHTML=colour_bar(*scale, title=state.t("nb.scale_title")), classes=["govsim-nb-scale"])
        Help(state.t("nb.scale", lo=f"{scale[0]:.2f}", hi=f"{scale[1]:.2f}", min=f"{present[0]:.3f}", max=f"{present[1]:.3f}"),
             classes=["govsim-help", "govsim-nb-scale-text"])
