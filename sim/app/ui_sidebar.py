"""The sidebar: which scenario, play/pause/step/reset and speed, and every setting as a
control generated from the schema (``sim.app.settings``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import solara
import solara.lab

from sim.app import i18n, texts_zh
from sim.app.scenario_io import catalogue, load_named
from sim.app.settings import Control, SettingError, apply_value, get_value, mechanism_controls, run_controls, with_value
from sim.app.ui_common import SPEEDS, AppState, Help, Md
from sim.mechanisms import REGISTRY

__all__ = ["RunCard", "ScenarioCard", "SettingsCard"]


@solara.component
def ScenarioCard(state: AppState) -> None:
    """Pick a scenario of ``scenarios/``; shows what is being explored."""
    names = solara.use_memo(catalogue, [])
    ex = state.explorer
    state.revision.value  # noqa: B018 - redraw when the scenario changes

    def pick(name: str) -> None:
        cfg = load_named(name)
        if state.act(lambda: ex.configure(cfg, source=name), builds=cfg):
            state.notice.set("")

    with solara.Card(state.t("scenario.title"), classes=["govsim-scenario"]):
        current = ex.source if ex.source in names else None
        solara.Select(state.t("scenario.pick"), values=names, value=current, on_value=pick, classes=["govsim-scenario-select"])
        Help(state.t("scenario.now", name=ex.config.name, source=ex.source or "-"), classes=["govsim-help", "govsim-now"])
        if ex.config.description:
            with solara.Details(state.t("scenario.about")):
                Md(ex.config.description, size="13px", classes=["govsim-scenario-description"])


@solara.component
def RunCard(state: AppState) -> None:
    """Play, pause, step, reset, speed, and the day counter."""
    ex = state.explorer

    def step() -> None:
        if ex.step(1):
            state.advanced()

    def reset() -> None:
        state.act(ex.reset)

    def toggle() -> None:
        state.playing.set(not state.playing.value)

    speed_labels = [state.t("run.max") if s == 0 else str(s) for s in SPEEDS]
    with solara.Card(state.t("run.title"), classes=["govsim-run"]):
        with solara.Row(gap="6px"):
            solara.Button(state.t("run.pause") if state.playing.value else state.t("run.play"), on_click=toggle,
                          color="primary", classes=["govsim-play"])
            solara.Button(state.t("run.step"), on_click=step, disabled=state.playing.value, classes=["govsim-step"])
            solara.Button(state.t("run.reset"), on_click=reset, classes=["govsim-reset"])
        solara.Select(state.t("run.speed"), values=speed_labels, value=speed_labels[SPEEDS.index(state.speed.value)],
                      on_value=lambda label: state.speed.set(SPEEDS[speed_labels.index(label)]), classes=["govsim-speed"])
        DayCounter(state)
        Help(state.t("run.restart_note"))


@solara.component
def DayCounter(state: AppState) -> None:
    """Today's day; says so when the run has reached its end (redraws every step)."""
    state.tick.value  # noqa: B018
    ex = state.explorer
    solara.Div(children=[state.t("run.day", day=ex.day, days=ex.config.days)], classes=["govsim-day"],
               style={"font-size": "15px", "font-weight": "600", "margin": "6px 0"})
    if ex.finished:
        Help(state.t("run.finished"), classes=["govsim-help", "govsim-finished"])


#: How long arrow keys must rest on a slider before the value counts (one restart, not one a press).
SLIDER_REST_MS = 600


@solara.component_vue("slider.vue")
def CommitSlider(value: float, label: str, min: float, max: float, step: float, class_: str, delay: int,  # noqa: A002
                 event_commit: Callable[[float], None] | None = None) -> None:
    """A slider that reports its value once it is committed (released, or keys at rest)."""


@solara.component
def ControlField(state: AppState, control: Control, value: Any) -> None:
    """One generated control showing ``value``: its widget, and its range and description as help."""
    lang = state.lang.value
    label = i18n.param_name(control, lang)
    css = ["govsim-control", "govsim-ctl-" + control.key.replace(".", "-")]

    def apply(new: Any) -> None:
        if new is None:
            return
        if new == value:  # a valid entry (back to the value in force): an old refusal no longer applies
            state.error.set("")
            return
        try:
            cfg = apply_value(state.explorer.config, control, new)
        except SettingError as exc:
            state.fail(exc)
            return
        state.act(lambda: state.explorer.configure(cfg), builds=cfg)

    if control.kind == "switch":
        solara.Switch(label=label, value=bool(value), on_value=apply, classes=css)
    elif control.kind == "choice":
        solara.Select(label, values=list(control.choices), value=value, on_value=apply, classes=css)
    elif control.slider_for(value):
        CommitSlider(value=value, label=label, min=control.bounds.lo, max=control.bounds.hi, step=control.step, class_=" ".join(css),
                     delay=SLIDER_REST_MS, event_commit=lambda v: apply(int(v) if control.kind == "int" else float(v)))
        solara.Text(f"{value:g}", style={"font-size": "12px"})
    elif control.kind == "int":
        solara.InputInt(label, value=int(value), on_value=apply, classes=css)
    elif control.kind == "float":
        solara.InputFloat(label, value=float(value), on_value=apply, classes=css)
    else:
        solara.Text(state.t("settings.fixed_value", name=label, value=_plain(value, lang)), style={"font-size": "13px"}, classes=css)
        Help(state.t("settings.fixed"))
    bits = [i18n.param_help(control, lang)]
    if control.range_text():
        bits.append(state.t("settings.range", range=control.range_text()))
    if control.kind != "fixed":
        bits.append(state.t("settings.default", value=_plain(control.default, lang)))
    Help(" ".join(bits))


def _plain(value: Any, lang: str = "en") -> str:
    """A setting's value as the page shows it: in Chinese, yes/no as 是/否 and a list's
    items (issue categories ...) translated, joined with 、."""
    if isinstance(value, bool):
        return ("是" if value else "否") if lang == "zh" else ("true" if value else "false")
    if isinstance(value, tuple):
        if lang == "zh":
            return "、".join(_plain(v, lang) for v in value) or "（无）"
        return "[" + ", ".join(_plain(v, lang) for v in value) + "]"
    if isinstance(value, str) and lang == "zh":
        return texts_zh.CATEGORIES.get(value, value)
    return f"{value:g}" if isinstance(value, float) else str(value)


@solara.component
def MechanismPanel(state: AppState, key: str, params: Any) -> None:
    """A mechanism's switch and, when it is on (``params``: its current parameters), the rest."""
    controls = solara.use_memo(lambda: mechanism_controls(key), [key])
    shown, set_shown = solara.use_state(False)
    enabled = bool(params.enabled)
    with solara.Column(gap="2px", classes=["govsim-mech", f"govsim-mech-{key}"]):
        switch = next(c for c in controls if c.path[-1] == "enabled")
        ControlSwitch(state, switch, enabled, label=i18n.mechanism_name(key, state.lang.value))
        if enabled:
            # drawn only when opened: the page stays small, so every redraw stays quick
            solara.Button(state.t("settings.params") + (" ▾" if shown else " ▸"), on_click=lambda: set_shown(not shown),
                          text=True, small=True, classes=["govsim-params", f"govsim-params-{key}"],
                          style={"text-transform": "none", "justify-content": "flex-start"})
            if shown:
                for c in controls:
                    if c is not switch:
                        ControlField(state, c, getattr(params, c.path[-1]))


@solara.component
def ControlSwitch(state: AppState, control: Control, value: bool, *, label: str) -> None:
    """A mechanism's on/off switch, labelled with the mechanism's name, its rule in one line
    as a tooltip."""

    def apply(new: bool) -> None:
        if new != value:
            state.act(lambda: state.explorer.configure(with_value(state.explorer.config, control.path, new)))

    with solara.Tooltip(i18n.mechanism_tip(control.path[1], state.lang.value)):
        with solara.Div(classes=["govsim-tip"]):
            solara.Switch(label=label, value=value, on_value=apply, classes=["govsim-switch", f"govsim-switch-{control.path[1]}"])


@solara.component
def SettingsCard(state: AppState) -> None:
    """Population, horizon and seed; then every mechanism with its parameters."""
    state.revision.value  # noqa: B018 - settings follow loads and changes
    runs = solara.use_memo(run_controls, [])
    cfg = state.explorer.config
    with solara.Card(state.t("settings.title"), classes=["govsim-settings"]):
        solara.Button(state.t("settings.defaults"), on_click=lambda: state.act(state.explorer.restore_defaults),
                      disabled=not state.explorer.changed, small=True, outlined=True, classes=["govsim-defaults"],
                      style={"text-transform": "none", "margin-bottom": "6px"})
        Help(state.t("settings.defaults_help", name=state.explorer.origin.name))
        solara.Text(state.t("settings.run"), style={"font-weight": "600"})
        for c in runs:
            ControlField(state, c, get_value(cfg, c.path))
        solara.Text(state.t("settings.mechanisms"), style={"font-weight": "600", "margin-top": "10px"})
        for key in REGISTRY:
            MechanismPanel(state, key, get_value(cfg, ("mechanisms", key)))
