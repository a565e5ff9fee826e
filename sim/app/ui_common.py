"""A page's state (one per browser session) and the small pieces every view uses."""

from __future__ import annotations

import html
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import markdown
import solara

from sim.app.i18n import tr
from sim.app.scenario_io import load_named
from sim.app.session import Explorer, needs_build
from sim.schema import ScenarioConfig

__all__ = ["DEFAULT_SCENARIO", "SPEEDS", "TABS", "AppState", "Help", "Md", "use_app_state"]

log = logging.getLogger("govsim.app")
#: The scenario a new session starts with.
DEFAULT_SCENARIO = "community_system.yaml"
#: The main tabs, in order.
TABS: tuple[str, ...] = ("outcomes", "distribution", "issues", "neighbourhood", "resident", "mechanisms", "compare", "about")
#: Play speeds offered, in simulated days per second (0: as fast as the machine goes).
SPEEDS: tuple[int, ...] = (1, 2, 5, 10, 30, 0)


@dataclass(frozen=True)
class AppState:
    """Everything a session's components share: its simulation and its page state."""

    explorer: Explorer
    lang: solara.Reactive[str]
    tick: solara.Reactive[int]  #: bumped whenever the simulation advanced or changed (views redraw)
    revision: solara.Reactive[int]  #: bumped whenever the settings changed (settings and export redraw)
    playing: solara.Reactive[bool]
    speed: solara.Reactive[int]  #: days per second, 0 = as fast as possible
    error: solara.Reactive[str]  #: one-line message about the last failed action ("": none)
    notice: solara.Reactive[str]  #: one-line message about the last successful load ("": none)
    tab: solara.Reactive[int]
    resident: solara.Reactive[int]  #: the resident being inspected
    building: solara.Reactive[str]  #: what is being built in the background ("": nothing)
    pending: solara.Reactive[int]  #: bumped when a slow action is queued (the builder thread starts)
    jobs: list[tuple[Callable[[], object], Callable[[], object] | None]] = field(default_factory=list)  #: slow actions waiting
    builder: threading.Lock = field(default_factory=threading.Lock)  #: one builder thread at a time

    def t(self, key: str, **values: object) -> str:
        """Page text ``key`` in the session's language."""
        return tr(key, self.lang.value, **values)

    def advanced(self) -> None:
        """Tell the views the simulation advanced."""
        self.tick.set(self.tick.value + 1)

    def fail(self, exc: BaseException) -> None:
        """Show ``exc`` as the page's one-line error; anything but a refused input is also
        logged with its traceback (on the server, never in the page)."""
        from sim.app.settings import SettingError
        from sim.errors import ScenarioError, one_line

        if not isinstance(exc, (ScenarioError, SettingError)):
            log.error("browser app action failed", exc_info=exc)
        self.error.set(str(exc) if isinstance(exc, (ScenarioError, SettingError)) else one_line(f"{type(exc).__name__}: {exc}"))

    def act(self, action: Callable[[], object], *, builds: ScenarioConfig | None = None,
            then: Callable[[], object] | None = None) -> bool:
        """Run a user action that changes settings or restarts the run (play pauses first),
        then ``then`` if it succeeded; a refused input becomes the page's one-line error,
        never a traceback. An action that ``builds`` a model whose warm state is not cached
        (``needs_build``) runs in the background while the page says what is being built
        (:func:`run_jobs`); it returns True at once."""
        self.playing.set(False)
        if builds is not None and needs_build(builds):
            self.error.set("")
            self.jobs.append((action, then))
            self.building.set(self.t("build.busy", residents=f"{builds.population.residents:,}", days=f"{builds.warmup_days:,}"))
            self.pending.set(self.pending.value + 1)
            return True
        return self._apply(action, then, hold_lock=True)

    def _apply(self, action: Callable[[], object], then: Callable[[], object] | None, *, hold_lock: bool) -> bool:
        """Run ``action`` (under the explorer's lock, or not: a background build takes it only to
        swap its models in), then the page's bookkeeping and ``then``."""
        try:
            if hold_lock:
                with self.explorer.lock:
                    action()
            else:
                action()
        except Exception as exc:  # noqa: BLE001 - the page must stay alive; fail() logs the unexpected
            self.fail(exc)
            return False
        self.error.set("")
        self.revision.set(self.revision.value + 1)
        self.advanced()
        if then is not None:
            then()
        return True


def run_jobs(state: AppState) -> None:
    """The builder thread: run the queued slow actions in turn, then clear the message (a
    second thread started meanwhile waits, and finds the queue empty)."""
    with state.builder:
        while state.jobs:
            action, then = state.jobs.pop(0)
            state._apply(action, then, hold_lock=False)
        state.building.set("")


_READY: list[Explorer] = []


def warm_up() -> None:
    """Build one session's simulation ahead of the first visitor (at server start-up)."""
    _READY.append(_default_explorer())


def _default_explorer() -> Explorer:
    return Explorer(load_named(DEFAULT_SCENARIO), source=DEFAULT_SCENARIO)


def _take_explorer() -> Explorer:
    """The one built at start-up if no session has taken it yet (each goes to one session), else a new one."""
    try:
        return _READY.pop()
    except IndexError:
        return _default_explorer()


def use_app_state() -> AppState:
    """Create this session's state (once per page)."""
    explorer = solara.use_memo(_take_explorer, [])
    return AppState(
        explorer=explorer,
        lang=solara.use_reactive("en"),
        tick=solara.use_reactive(0),
        revision=solara.use_reactive(0),
        playing=solara.use_reactive(False),
        speed=solara.use_reactive(10),
        error=solara.use_reactive(""),
        notice=solara.use_reactive(""),
        tab=solara.use_reactive(0),
        resident=solara.use_reactive(0),
        building=solara.use_reactive(""),
        pending=solara.use_reactive(0),
        jobs=solara.use_memo(list, []),
        builder=solara.use_memo(threading.Lock, []),
    )


@solara.component
def Md(text: str, *, classes: list[str] | None = None, size: str = "14px", trusted: bool = False) -> None:
    """Markdown drawn as HTML on the server (solara's Markdown widget fetches mermaid and KaTeX
    from a CDN). Text that is not ``trusted`` (e.g. an uploaded scenario's description) has
    its HTML escaped first."""
    body = text if trusted else html.escape(text, quote=False)
    solara.HTML(unsafe_innerHTML=markdown.markdown(body, extensions=["tables"]), classes=["govsim-md", *(classes or [])],
                style=f"font-size: {size}")


@solara.component
def Help(text: str, *, classes: list[str] | None = None) -> None:
    """A line of small grey help text."""
    solara.Div(children=[text], style={"font-size": "12px", "color": "#666", "line-height": "1.35", "margin": "2px 0 6px"},
               classes=classes or ["govsim-help"])
