"""The module solara's server imports at start-up: a light ``Page`` that draws the real one,
and the ``Layout`` around it.

The real page imports the model (and Mesa), which takes seconds; ``sim.app.server`` starts
that import in the background as soon as the server listens, so it runs while the browser
loads the page's JavaScript instead of before the server answers at all.

The layout is solara's app layout with the sidebar closed on a narrow screen (a phone or a
tablet, below :data:`NARROW` pixels, where the sidebar would cover the page): the browser
reports which it is when the page mounts and whenever a resize crosses the line.
"""

from __future__ import annotations

from collections.abc import Callable

import solara

__all__ = ["NARROW", "Layout", "Page"]

#: The route's title (solara would derive "Entry" from the module's name; the page sets its own).
title = "govsim"
#: Below this width (CSS pixels) the sidebar starts closed (vuetify's drawer overlays the page there).
NARROW = 960


@solara.component_vue("viewport.vue")
def Viewport(breakpoint: int, event_measured: Callable[[int], None] | None = None) -> None:
    """Reports the window's width when mounted and when a resize crosses ``breakpoint``."""


@solara.component
def Layout(children: list | None = None) -> None:
    narrow = solara.use_reactive(False)
    with solara.AppLayout(sidebar_open=not narrow.value):
        # one child: AppLayout would take a first child of several as its sidebar
        solara.Column(children=[Viewport(breakpoint=NARROW, event_measured=lambda w: narrow.set(int(w) < NARROW)), *(children or [])],
                      gap="0px", style={"padding": "0"})


@solara.component
def Page() -> None:
    from sim.app.page import Page as RealPage  # waits for the background import if it is still running

    RealPage()
