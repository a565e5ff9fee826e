"""The browser app's page: app bar with the language switch, the sidebar of scenario, run
and settings controls, and the main tabs. One page is one session with its own models.

Built like Mesa's SolaraViz (a sidebar controller driving a model, components that redraw
as it steps) on the same ``GovernanceModel``, with its own controller because SolaraViz's
labels are English only, it re-creates models from keyword arguments, and its network
view lays out the whole graph on every reset.
"""

from __future__ import annotations

import threading
import time

import solara
import solara.lab

from sim.app.i18n import LANGS, tr
from sim.app.ui_about import AboutView
from sim.app.ui_common import TABS, AppState, run_jobs, use_app_state
from sim.app.ui_compare import CompareView
from sim.app.ui_distribution import DistributionView
from sim.app.ui_file import FileCard
from sim.app.ui_mechanisms import MechanismsView
from sim.app.ui_neighbourhood import NeighbourhoodView
from sim.app.ui_sidebar import RunCard, ScenarioCard, SettingsCard
from sim.app.ui_views import IssuesView, OutcomesView, ResidentView

__all__ = ["FRAME_SECONDS", "Builder", "LanguageSwitch", "Main", "Page", "SidebarCards", "play"]

#: Time between redraws while playing (the model steps in between).
FRAME_SECONDS = 0.12
CSS = """
.govsim-md table { border-collapse: collapse; margin: 4px 0 8px; }
.govsim-md th, .govsim-md td { border-bottom: 1px solid #e0e0e0; padding: 2px 10px 2px 0; text-align: left; }
.govsim-md p { margin-bottom: 6px; }
/* The tabs wrap onto two rows when they do not fit, instead of scrolling sideways behind arrows. */
.v-tabs > .v-tabs-bar { height: auto !important; }
.v-tabs-bar .v-slide-group__wrapper { width: 100%; min-width: 0; }
.v-tabs-bar .v-slide-group__content { flex-wrap: wrap; flex: 1 1 auto; width: 100%; min-width: 0; transform: none !important; }
.v-tabs-bar .v-slide-group__prev, .v-tabs-bar .v-slide-group__next { display: none !important; }
.v-tabs-bar .v-tab { min-width: 0 !important; padding: 0 12px; height: 42px; text-transform: none; letter-spacing: 0; font-size: 15px; }
.v-tabs-bar .v-tabs-slider-wrapper { display: none; }
.v-tabs-bar .v-tab--active { border-bottom: 2px solid currentColor; }
/* Phones and tablets: the sidebar opens below the app bar (hamburger and language switch stay
   reachable), never wider than the screen less a margin to tap it closed. */
@media (max-width: 959px) {
  .v-navigation-drawer--is-mobile { top: 56px !important; max-height: calc(100% - 56px) !important;
    min-width: 0 !important; width: min(400px, calc(100vw - 48px)) !important; }
  .v-app-bar.v-app-bar--fixed { z-index: 7 !important; }
  .v-app-bar .v-toolbar__title { font-size: 16px; }
  .v-navigation-drawer .v-btn { max-width: 100%; }
  .v-navigation-drawer .v-btn__content { white-space: normal; flex-shrink: 1; }
  .v-tabs-bar .v-tab { padding: 0 10px; height: 40px; flex: 1 1 auto; }
}
.govsim-hover rect:hover { fill-opacity: 0.07; }
@media (max-width: 599px) { .v-app-bar .v-toolbar__title { font-size: 14px; min-width: 0; } }
"""
VIEWS = {"outcomes": OutcomesView, "distribution": DistributionView, "issues": IssuesView, "neighbourhood": NeighbourhoodView,
         "resident": ResidentView, "mechanisms": MechanismsView, "compare": CompareView, "about": AboutView}


def play(state: AppState, cancel: threading.Event) -> None:
    """Step while playing, at the chosen speed, redrawing every frame; stops at the end."""
    ex = state.explorer
    while state.playing.value and not cancel.is_set():
        start = time.perf_counter()
        speed = state.speed.value
        try:
            done = ex.advance(seconds=FRAME_SECONDS, max_days=10**9) if speed == 0 else ex.step(max(1, round(speed * FRAME_SECONDS)))
        except Exception as exc:  # noqa: BLE001 - stop playing and say why, keep the page alive
            state.fail(exc)
            done = 0
        if done == 0:
            state.playing.set(False)
            break
        state.advanced()
        if speed:
            time.sleep(max(0.0, done / speed - (time.perf_counter() - start)))


@solara.component
def Page() -> None:
    """The app: one session's state, the play loop, and the layout."""
    state = use_app_state()
    solara.use_thread(lambda cancel: play(state, cancel), dependencies=[state.playing.value], intrusive_cancel=False)
    solara.Title(state.t("app.title"))
    solara.Style(CSS)
    with solara.AppBar():
        solara.AppBarTitle(state.t("app.title"))
        LanguageSwitch(state)
    with solara.Sidebar():
        SidebarCards(state)
    Main(state)


@solara.component
def LanguageSwitch(state: AppState) -> None:
    """English / 中文 (each named in its own language)."""
    lang = state.lang.value
    with solara.Row(gap="4px"):
        for code in LANGS:
            solara.Button(tr(f"lang.{code}", code), on_click=lambda code=code: state.lang.set(code), text=True,
                          outlined=code == lang, style={"color": "white", "text-transform": "none"},
                          classes=["govsim-lang", f"govsim-lang-{code}"])


@solara.component
def SidebarCards(state: AppState) -> None:
    ScenarioCard(state)
    RunCard(state)
    FileCard(state)
    SettingsCard(state)


@solara.component
def Main(state: AppState) -> None:
    """The message line, the builder's progress and the tabs (only the open tab's view is drawn)."""
    Messages(state)
    Builder(state)
    with solara.lab.Tabs(value=state.tab):
        for name in TABS:
            with solara.lab.Tab(state.t(f"tab.{name}"), classes=[f"govsim-tab-{name}"]):
                if TABS[state.tab.value] == name:
                    VIEWS[name](state)


@solara.component
def Builder(state: AppState) -> None:
    """Runs slow actions (a population to build) in a thread, with a progress bar and what is
    being built meanwhile; the rest of the page stays usable."""
    solara.use_thread(lambda cancel: run_jobs(state) if state.pending.value else None, dependencies=[state.pending.value],
                      intrusive_cancel=False)
    if state.building.value:
        with solara.Column(gap="2px", classes=["govsim-building"]):
            solara.ProgressLinear(True)
            solara.Info(state.building.value, dense=True, classes=["govsim-building-text"])


@solara.component
def Messages(state: AppState) -> None:
    """The one-line result of the last action: an error, or what was loaded."""
    if state.error.value:
        solara.Error(state.t("error", message=state.error.value), classes=["govsim-error"], dense=True)
    elif state.notice.value:
        solara.Success(state.notice.value, classes=["govsim-notice"], dense=True)
