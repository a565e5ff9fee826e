"""The module solara's server imports at start-up: a light ``Page`` that draws the real one.

The real page imports the model (and Mesa), which takes seconds; ``sim.app.server`` starts
that import in the background as soon as the server listens, so it runs while the browser
loads the page's JavaScript instead of before the server answers at all.
"""

from __future__ import annotations

import solara

__all__ = ["Page"]


@solara.component
def Page() -> None:
    from sim.app.page import Page as RealPage  # waits for the background import if it is still running

    RealPage()
