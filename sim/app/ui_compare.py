"""Side by side: a second scenario, or these settings plus one change, on the same seed
(common random numbers), stepped with the first, each outcome overlaid with the difference
B − A drawn below (its y-axis at least the outcome's minimum span, ``sim.app.series.axis``)."""

from __future__ import annotations

import numpy as np
import solara

from sim.app import i18n, svg
from sim.app.changes import describe, one_change_options
from sim.app.scenario_io import catalogue, load_named
from sim.app.series import CHARTS, Chart, axis
from sim.app.session import Explorer
from sim.app.ui_common import AppState, Help

__all__ = ["CompareView", "compare_svgs"]

A_COLOUR, B_COLOUR, DIFF_COLOUR = "#1f77b4", "#d62728", "#444444"


def compare_svgs(chart: Chart, ex: Explorer, lang: str, *, labels: tuple[str, str, str], empty: str,
                 hover: bool = True) -> tuple[str, str]:
    """The overlay of A and B and the chart of B − A, for one outcome (``hover``: with readouts)."""
    assert ex.b is not None
    title = i18n.outcome_label(chart.outcome, lang)
    if not chart.available:
        return svg.line_chart(days=np.zeros(0), lines=[], title=title, empty=chart.outcome), ""
    a, b = ex.a.history, ex.b.history
    n = min(a.n, b.n)
    days = a.days[:n]
    va, vb = a.overall(chart.key)[:n], b.overall(chart.key)[:n]
    unit = i18n.unit(chart.outcome, lang)
    ax, day = axis(chart.outcome), i18n.tr("chart.day", lang)
    top = svg.line_chart(days=days, title=title, unit=unit, empty=empty, css="govsim-chart govsim-compare-overlay",
                         lines=[svg.Line(labels[0], va, A_COLOUR, 2), svg.Line(labels[1], vb, B_COLOUR, 2)],
                         min_span=ax.min_span, floor=ax.floor, ceiling=ax.ceiling, xlabel=day, hover=hover)
    diff = svg.line_chart(days=days, title=f"{title}: {labels[2]}", unit=unit, empty=empty, zero=True, height=170,
                          css="govsim-chart govsim-compare-diff", lines=[svg.Line(labels[2], vb - va, DIFF_COLOUR, 1.6)],
                          min_span=ax.min_span, xlabel=day, hover=hover)
    return top, diff


@solara.component
def CompareView(state: AppState) -> None:
    """Pick scenario B; then both runs' charts, overlaid, with their difference."""
    state.revision.value  # noqa: B018
    ex = state.explorer
    names = solara.use_memo(catalogue, [])
    none = state.t("cmp.none")

    def pick(name: str) -> None:
        if name == none:
            state.act(lambda: ex.compare_with(None))
        else:
            state.act(lambda: ex.compare_with(load_named(name), source=name), builds=ex.paired(load_named(name)))

    lang = state.lang.value
    options = {describe(path, value, lang): (path, value) for path, value in one_change_options(ex.config)}
    no_change = state.t("cmp.change_none")

    def pick_change(label: str) -> None:
        if label in options:
            state.act(lambda: ex.compare_change(*options[label]))
        elif ex.b_change is not None:
            state.act(lambda: ex.compare_with(None))

    Help(state.t("cmp.intro"))
    current = ex.b_source if ex.b is not None and ex.b_change is None else none
    solara.Select(state.t("cmp.with"), values=[none, *names], value=current, on_value=pick, classes=["govsim-compare-select"])
    shown = describe(*ex.b_change, lang) if ex.b_change else no_change
    solara.Select(state.t("cmp.change"), values=[no_change, *options], value=shown if shown in options else no_change,
                  on_value=pick_change, classes=["govsim-compare-change"])
    if ex.b is None:
        Help(state.t("cmp.off"))
        return
    Help(state.t("cmp.seed", seed=ex.a.config.seed), classes=["govsim-help", "govsim-compare-seed"])
    Help(state.t("cmp.diff_note"))
    CompareCharts(state)


@solara.component
def CompareCharts(state: AppState) -> None:
    """Each outcome of A and B overlaid, with B − A below (redraws every step)."""
    state.tick.value  # noqa: B018
    ex, lang = state.explorer, state.lang.value
    if ex.b is None:
        return
    if ex.b_change is not None:
        names = (state.t("cmp.now"), state.t("cmp.plus", change=describe(*ex.b_change, lang)))
    else:
        names = (ex.a.config.name, ex.b.config.name)
    labels = (state.t("cmp.a", name=names[0]), state.t("cmp.b", name=names[1]), state.t("cmp.diff"))
    with ex.lock:
        pairs = [compare_svgs(c, ex, lang, labels=labels, empty=state.t("chart.empty"), hover=not state.playing.value)
                 for c in CHARTS]
    with solara.ColumnsResponsive(12, large=6):
        for c, (top, diff) in zip(CHARTS, pairs):
            with solara.Column(gap="0px", classes=[f"govsim-compare-{c.key}"]):
                solara.HTML(unsafe_innerHTML=top)
                solara.HTML(unsafe_innerHTML=diff)
