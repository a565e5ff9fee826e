"""The main views: outcome charts, the issue lifecycle and channels, one resident (the
neighbourhood is ``ui_neighbourhood``). Each redraws when the simulation changes (``state.tick``)."""

from __future__ import annotations

import numpy as np
import solara

from sim.app import i18n, svg
from sim.app.changes import describe_all
from sim.app.resident import profile
from sim.app.scenario_io import export_filename, named_after_changes
from sim.app.series import CHARTS, STAGES, Chart, History, axis, channel_counts, issues_since, lifecycle_counts, series_csv
from sim.app.session import SPREAD_SEEDS, Explorer, spread_configs
from sim.app.ui_common import AppState, Help, Md
from sim.outcomes.registry import WINDOW
from sim.vocab import GROUPS

__all__ = ["IssuesView", "OutcomesView", "ResidentView", "chart_svg"]

ALL_COLOUR = "#222222"
GROUP_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2")
STAGE_COLOURS = {"latent": "#bdbdbd", "reported": "#fdd0a2", "queued": "#fd8d3c", "handled": "#e6550d",
                 "resolved": "#31a354", "false_closed": "#756bb1", "abandoned": "#636363"}
CHANNEL_COLOUR = "#3182bd"
REFERENCE_COLOUR = "#555555"


def chart_svg(chart: Chart, history: History, lang: str, *, empty: str, missing: str,
              reference: History | None = None, spread: list[History] | None = None, hover: bool = True) -> str:
    """One outcome chart: overall (thick) and by resident group; ``reference``: the run before
    the last change, drawn faintly (overall only); ``spread``: the same settings on more seeds,
    shaded from the lowest to the highest overall value of all the seeds day by day."""
    title = i18n.outcome_label(chart.outcome, lang)
    if not chart.available:
        return svg.line_chart(days=np.zeros(0), lines=[], title=title, empty=missing.format(name=chart.outcome))
    days = history.days
    lines = [svg.Line(i18n.tr("chart.all", lang), history.overall(chart.key), ALL_COLOUR, 2.4)]
    for g, name in enumerate(GROUPS):
        values = history.group(chart.key, g)
        if np.isfinite(values).any():
            lines.append(svg.Line(i18n.group(name, lang), values, GROUP_COLOURS[g % len(GROUP_COLOURS)], 1.3))
    if reference is not None and history.n:
        n = max(history.n, min(reference.n, history.n))
        ref = np.full(n, np.nan)
        m = min(n, reference.n)
        ref[:m] = reference.overall(chart.key)[:m]
        lines.append(svg.Line(i18n.tr("chart.reference", lang), ref, REFERENCE_COLOUR, 2.0, dash="5,3", opacity=0.45))
    band = None
    if spread:
        n = history.n
        stack = np.full((1 + len(spread), n), np.nan)
        stack[0] = history.overall(chart.key)
        for k, h in enumerate(spread, start=1):
            m = min(n, h.n)
            stack[k, :m] = h.overall(chart.key)[:m]
        with np.errstate(all="ignore"):
            lo, hi = np.nanmin(stack, axis=0), np.nanmax(stack, axis=0)
        band = svg.Band(i18n.tr("chart.spread_band", lang, n=1 + len(spread)), lo, hi, ALL_COLOUR)
    ax = axis(chart.outcome)
    return svg.line_chart(days=days, lines=lines, title=title, unit=i18n.unit(chart.outcome, lang), empty=empty,
                          min_span=ax.min_span, floor=ax.floor, ceiling=ax.ceiling, xlabel=i18n.tr("chart.day", lang), band=band,
                          hover=hover)


@solara.component
def OutcomesView(state: AppState) -> None:
    """Trust, participation, resolution time and backlog, overall and by group; the run before
    the last change faintly; optionally the spread over more seeds; the series as CSV."""
    state.tick.value  # noqa: B018
    lang = state.lang.value
    ex = state.explorer
    hover = not state.playing.value  # redrawn with the readouts on pause
    with ex.lock:
        history, reference, spread = ex.a.history, ex.reference, [r.history for r in ex.spread]
        charts = [chart_svg(c, history, lang, empty=state.t("chart.empty"), missing=state.t("chart.missing"),
                            reference=reference, spread=spread, hover=hover) for c in CHARTS]
        csv_name = export_filename(named_after_changes(ex.origin, ex.config)).removesuffix(".yaml") + "_series.csv"
    with solara.ColumnsResponsive(12, large=6):
        for c, text in zip(CHARTS, charts):
            solara.HTML(unsafe_innerHTML=text, classes=["govsim-chart-box", f"govsim-chart-{c.key}"])
    with solara.Row(gap="12px", style={"align-items": "center", "flex-wrap": "wrap"}):
        with solara.Div(classes=["govsim-csv"]):
            solara.FileDownload(lambda: _csv(ex), filename=csv_name, label=state.t("chart.csv"), mime_type="text/csv")
        solara.Switch(label=state.t("chart.spread", n=SPREAD_SEEDS), value=bool(spread), classes=["govsim-spread"],
                      on_value=lambda on: state.act(lambda: ex.set_spread(on), builds=spread_configs(ex.config)[-1] if on else None))
        if reference is not None:
            solara.Button(state.t("chart.forget"), on_click=lambda: (ex.forget_reference(), state.advanced()), text=True,
                          small=True, classes=["govsim-forget"], style={"text-transform": "none"})
    if reference is not None:
        Help(state.t("chart.reference_note", name=_reference_name(state)), classes=["govsim-help", "govsim-reference-note"])
    Help(state.t("chart.hover"))
    Help(state.t("chart.spread_note", n=SPREAD_SEEDS), classes=["govsim-help", "govsim-spread-note"])
    Help(state.t("outcomes.note", window=WINDOW))


def _csv(ex: Explorer) -> str:
    with ex.lock:
        return series_csv(ex.a.history)


def _reference_name(state: AppState) -> str:
    """What changed since the faint line's run (the settings now against its settings)."""
    ex = state.explorer
    return "" if ex.reference_config is None else describe_all(ex.reference_config, ex.config, state.lang.value)


@solara.component
def IssuesView(state: AppState) -> None:
    """Where issues are in their lifecycle, and which channels found them."""
    state.tick.value  # noqa: B018
    lang = state.lang.value
    with state.explorer.lock:  # since day 0: the warm-up's issues are not this run's
        model = state.explorer.a.model
        start = model.start_day
        stages = lifecycle_counts(model, since=start)
        found = channel_counts(model, since=start)
        recent = channel_counts(model, since=max(start, model.day - WINDOW + 1))
        total = issues_since(model, start)
    stage_bars = [svg.Bar(i18n.stage(s, lang), stages[s], STAGE_COLOURS.get(s, "#999")) for s in STAGES]
    solara.HTML(unsafe_innerHTML=svg.hbars(bars=stage_bars, title=state.t("issues.lifecycle"), css="govsim-bars govsim-lifecycle"),
                classes=["govsim-issues-lifecycle"])
    Help(state.t("issues.total", n=f"{total:,}", day=state.explorer.day), classes=["govsim-help", "govsim-issues-total"])
    if start:
        Help(state.t("issues.warmup", days=f"{start:,}"))
    with solara.ColumnsResponsive(12, large=6):
        for title, counts, css in ((state.t("issues.channels_all"), found, "govsim-channels"),
                                   (state.t("issues.channels_recent", window=WINDOW), recent, "govsim-channels-recent")):
            bars = [svg.Bar(i18n.channel(name, lang), n, CHANNEL_COLOUR) for name, n in counts.items()]
            solara.HTML(unsafe_innerHTML=svg.hbars(bars=bars, title=title, css=f"govsim-bars {css}"), classes=[f"govsim-issues-{css}"])


@solara.component
def ResidentView(state: AppState) -> None:
    """Pick a resident (or the one with most issues), then their details."""
    state.revision.value  # noqa: B018 - a new population may have fewer residents
    ex = state.explorer
    n = ex.a.model.pop.n
    asked = state.resident.value  # as typed (or kept from a larger population): shown if out of range
    i = min(max(asked, 0), n - 1)

    def someone_with_issues() -> None:
        with ex.lock:
            iss = ex.a.model.issues
            reporters = iss.col("reporter")[iss.col("day_arisen") >= ex.a.model.start_day]
            counts = np.bincount(reporters, minlength=n) if len(reporters) else np.zeros(n, int)
        state.resident.set(int(np.argmax(counts)))

    with solara.Row(gap="12px", style={"align-items": "center"}):
        solara.InputInt(state.t("res.pick", max=n - 1), value=i, on_value=lambda v: state.resident.set(int(v)),
                        classes=["govsim-res-id"], style={"max-width": "200px"})
        solara.Button(state.t("res.busiest"), on_click=someone_with_issues, classes=["govsim-res-busiest"])
    if asked != i:
        Help(state.t("res.clamped", asked=asked, shown=i, max=n - 1), classes=["govsim-help", "govsim-clamped"])
    ResidentDetails(state, i)


@solara.component
def ResidentDetails(state: AppState, i: int) -> None:
    """Group, units, trust, efficacy, ties and issues of resident ``i`` today."""
    state.tick.value  # noqa: B018
    lang = state.lang.value
    with state.explorer.lock:
        p = profile(state.explorer.a.model, i)
    yes, no = state.t("res.yes"), state.t("res.no")
    facts = [
        (state.t("res.group"), i18n.group(p.group, lang)), (state.t("res.party"), yes if p.party_member else no),
        (state.t("res.units"), state.t("res.units_value", household=p.household, building=p.building, compound=p.compound,
                                       community=p.community)),
        (state.t("res.trust"), f"{p.trust:.3f}"), (state.t("res.efficacy"), f"{p.efficacy:.3f}"),
        (state.t("res.participating"), yes if p.participating else no),
        (state.t("res.ties"), ", ".join(f"{i18n.tie_kind(k, lang)} {c}" for k, c in p.ties_by_kind.items() if c)
         + " · " + state.t("res.tie_strength", value=f"{p.tie_strength_mean:.2f}")),
    ]
    Md("\n".join(f"- **{k}**: {v}" for k, v in facts), classes=["govsim-resident"])
    solara.Text(state.t("res.issues", shown=len(p.issues), total=p.issues_total), style={"font-weight": "600"})
    if p.warmup_issues:
        Help(state.t("res.warmup", n=p.warmup_issues))
    if not p.issues:
        Help(state.t("res.none"))
        return
    head = [state.t(f"col.{c}") for c in ("issue", "category", "stage", "channel", "arisen", "detected", "closed")]
    rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in p.issues:
        cells = [str(r.issue), i18n.category(r.category, lang), i18n.stage(r.stage, lang),
                 i18n.channel(r.channel, lang) if r.detected >= 0 else "–",
                 str(r.arisen), _day(r.detected), _day(r.closed)]
        rows.append("| " + " | ".join(cells) + " |")
    Md("\n".join(rows), classes=["govsim-resident-issues"], size="13px")


def _day(d: int) -> str:
    return str(d) if d >= 0 else "–"
