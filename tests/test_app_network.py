"""The neighbourhood drawing, in the page's components (no browser): large, a trust scale over
the values present with its range stated, hover texts with trust and group, marks in colours
that are not on the trust scale, a legend of every mark and line."""

from __future__ import annotations

import re

import numpy as np
import pytest

pytest.importorskip("solara")

from sim.app.neighbourhood import HEIGHT, MEMBER_COLOUR, WIDTH, WORKER_COLOUR, colour_range, scale_colour  # noqa: E402
from sim.app.ui_text import TEXT  # noqa: E402
from sim.vocab import GROUPS  # noqa: E402
from tests.test_app_page import Page, walk  # noqa: E402


@pytest.fixture()
def page() -> Page:
    pg = Page()
    pg.one("govsim-step").click()
    pg.open("neighbourhood")
    return pg


def drawing(page: Page) -> object:
    found = [w for w in walk(page.box) if hasattr(w, "nodes") and hasattr(w, "tips")]
    assert len(found) == 1
    return found[0]


def rgb(colour: str) -> np.ndarray:
    return np.array([int(colour[k: k + 2], 16) for k in (1, 3, 5)], dtype=float)


def test_the_drawing_is_large_and_states_its_trust_scale(page: Page) -> None:
    d = drawing(page)
    assert (d.width, d.height) == (WIDTH, HEIGHT) and WIDTH >= 900
    residents = [n["i"] for n in d.nodes if n["s"] != "g"]
    trust = page.state.explorer.a.model.state.trust[residents]
    lo, hi = colour_range(trust)
    assert lo <= trust.min() and hi >= trust.max() and hi - lo < 0.5  # not the whole 0–1 scale
    bar = page.html("govsim-nb-scale")
    assert f"data-lo='{lo:g}'" in bar and f"data-hi='{hi:g}'" in bar and f">{lo:.2f}</text>" in bar
    text = page.text("govsim-nb-scale-text")
    assert f"{lo:.2f}–{hi:.2f}" in text and f"{trust.min():.3f}" in text and "0–1" in text
    # the lowest and highest resident get the scale's ends' colours
    k_lo, k_hi = int(np.argmin(trust)), int(np.argmax(trust))
    assert np.abs(rgb(d.colours[k_lo]) - rgb(scale_colour(np.array([(trust[k_lo] - lo) / (hi - lo)]))[0])).max() <= 1
    assert d.colours[k_lo] != d.colours[k_hi]


def test_hovering_a_resident_shows_their_group_and_todays_trust(page: Page) -> None:
    d = drawing(page)
    st, pop = page.state.explorer.a.model.state, page.state.explorer.a.model.pop
    for k, n in enumerate(d.nodes):
        if n["s"] == "g":
            continue
        i = n["i"]
        assert n["t"].startswith(f"Resident {i} (") and GROUPS[int(pop.group[i])] in n["t"]
        assert re.search(rf"trust {st.trust[i]:.3f} · (takes|does not take) part today", d.tips[k])
    assert len(d.tips) == len(d.nodes) == len(d.colours)


def test_members_and_grid_workers_are_not_marked_in_scale_colours() -> None:
    scale = np.array([rgb(c) for c in scale_colour(np.linspace(0, 1, 101))])
    for mark in (MEMBER_COLOUR, WORKER_COLOUR):
        assert np.linalg.norm(scale - rgb(mark), axis=1).min() > 60, mark
    assert MEMBER_COLOUR.upper() == "#CC79A7" and WORKER_COLOUR.upper() == "#E69F00"  # Okabe–Ito


def test_the_legend_explains_every_mark_and_line(page: Page) -> None:
    legend = page.html("govsim-nb-legend-box")
    for mark in ("resident", "outside", "member", "worker", "tie", "weak", "service"):
        assert f"govsim-legend-{mark}" in legend and TEXT[f"nb.legend.{mark}"][0] in legend.replace("&#x27;", "'")
    page.one("govsim-nb-colour").v_model = 1  # the second button: participation
    legend = page.html("govsim-nb-legend-box")
    assert "govsim-legend-part" in legend and "govsim-legend-no_part" in legend and not page.all("govsim-nb-scale")
