"""The page's components, rendered without a browser (solara's test rendering): stepping,
playing, switching mechanisms and language, loading and exporting scenarios, the views."""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Iterator

import pytest

pytest.importorskip("solara")

import solara  # noqa: E402
from ipywidgets import Widget  # noqa: E402

from sim.app.page import LanguageSwitch, Main, SidebarCards, play  # noqa: E402
from sim.app.scenario_io import export_yaml, load_named  # noqa: E402
from sim.app.ui_common import TABS, AppState, use_app_state  # noqa: E402
from sim.app.ui_file import receive_upload  # noqa: E402


def walk(widget: object, seen: set[int] | None = None) -> Iterator[Widget]:
    seen = set() if seen is None else seen
    if id(widget) in seen:
        return
    seen.add(id(widget))
    if isinstance(widget, Widget):
        yield widget
        for name in widget.keys:
            value = getattr(widget, name, None)
            for child in value if isinstance(value, (list, tuple)) else [value]:
                if isinstance(child, dict):  # a slot (a tooltip's activator ...): its children
                    child = child.get("children")
                for c in child if isinstance(child, (list, tuple)) else [child]:
                    if isinstance(c, Widget):
                        yield from walk(c, seen)


class Page:
    """The page's parts rendered flat (the app bar and sidebar need a browser layout)."""

    def __init__(self) -> None:
        holder: list[AppState] = []

        @solara.component
        def Flat() -> None:
            state = use_app_state()
            holder.append(state)
            LanguageSwitch(state)
            SidebarCards(state)
            Main(state)

        self.box, self.rc = solara.render(Flat(), handle_error=False)
        self.state = holder[0]

    def all(self, css: str) -> list[Widget]:
        def classes(w: Widget) -> list[str]:
            own = getattr(w, "class_", "") or (getattr(w, "attributes", None) or {}).get("class", "")
            return own.split()
        return [w for w in walk(self.box) if css in classes(w)]

    def one(self, css: str) -> Widget:
        found = self.all(css)
        assert len(found) == 1, f"{len(found)} widgets with class {css}"
        return found[0]

    def text(self, css: str) -> str:
        def flat(w: object) -> str:
            if isinstance(w, str):
                return w
            return "".join(flat(c) for c in getattr(w, "children", []) or [])
        return flat(self.one(css))

    def html(self, css: str) -> str:
        return self.one(css).unsafe_innerHTML

    def open(self, tab: str) -> None:
        self.state.tab.set(TABS.index(tab))

    def settle(self, timeout: float = 180.0) -> None:
        """Wait for the page's background builds (a population not in the cache) to finish."""
        deadline = time.monotonic() + timeout
        while self.state.building.value or self.state.jobs or self.all("govsim-building"):  # and the page redrawn
            assert time.monotonic() < deadline, "the build did not finish"
            time.sleep(0.05)


@pytest.fixture()
def page() -> Page:
    return Page()


def test_step_advances_the_day_and_the_charts(page: Page) -> None:
    assert page.text("govsim-day") == "Day 0 of 365"
    before = page.html("govsim-chart-trust")
    assert "Press Play or Step" in before and "<path" not in before
    for _ in range(3):
        page.one("govsim-step").click()
    assert page.text("govsim-day") == "Day 3 of 365"
    after = page.html("govsim-chart-trust")
    assert after.count("<path ") == 5  # all residents and four groups


def test_play_runs_to_the_end_and_stops(page: Page) -> None:
    s = page.state
    s.act(lambda: s.explorer.configure(s.explorer.config.model_copy(update={"days": 15})))
    s.speed.set(0)
    s.playing.set(True)
    play(s, threading.Event())
    assert not s.playing.value and s.explorer.day == 15 and s.explorer.finished
    assert page.text("govsim-day") == "Day 15 of 15" and page.all("govsim-finished")


def test_switching_a_mechanism_restarts_with_it_and_shows_its_parameters(page: Page) -> None:
    page.one("govsim-step").click()
    assert not page.all("govsim-ctl-mechanisms-supervision-audit_rate")
    page.one("govsim-switch-supervision").v_model = True
    assert page.state.explorer.config.mechanisms.supervision.enabled and page.state.explorer.day == 0
    assert not page.all("govsim-ctl-mechanisms-supervision-audit_rate")  # drawn when opened
    page.one("govsim-params-supervision").click()
    slider = page.one("govsim-ctl-mechanisms-supervision-audit_rate")
    slider.vue_commit(0.35)
    assert page.state.explorer.config.mechanisms.supervision.audit_rate == 0.35
    assert "audit_rate: 0.35" in export_yaml(page.state.explorer.config)


def test_a_refused_value_shows_one_line_and_changes_nothing(page: Page) -> None:
    field = page.one("govsim-ctl-population-residents")
    before = page.state.explorer.config
    field.v_model = "5"  # below the schema's minimum of 10
    field.fire_event("focusout", None)
    assert page.text("govsim-error") == ("Not applied: population.residents = 5: outside the app's allowed range [10, 100,000] "
                                         "(use 'govsim run' for bigger streets)")
    assert page.state.explorer.config is before
    field.v_model = "2000"
    field.fire_event("focusout", None)
    page.settle()  # a new population (sim.app.session.needs_build): built in the background
    assert page.state.explorer.config.population.residents == 2000 and not page.all("govsim-error")


def test_an_unexpected_failure_is_one_line_in_the_page_and_the_page_lives(page: Page, caplog: pytest.LogCaptureFixture) -> None:
    def broken() -> None:
        raise RuntimeError("model exploded\nsecond line")

    assert not page.state.act(broken)
    assert page.text("govsim-error") == "Not applied: RuntimeError: model exploded second line"
    assert "model exploded" in caplog.text  # the traceback goes to the server's log
    page.one("govsim-step").click()
    assert page.text("govsim-day") == "Day 1 of 365"


def test_language_switch_translates_the_page(page: Page) -> None:
    page.one("govsim-lang-zh").click()
    assert page.text("govsim-day") == "第 0 天 / 共 365 天"
    assert page.text("govsim-step") == "单步"
    assert "结果" in str(page.one("govsim-tab-outcomes").children)
    page.one("govsim-lang-en").click()
    assert page.text("govsim-step") == "Step"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_tab_renders_in_both_languages(page: Page, lang: str) -> None:
    page.state.lang.set(lang)
    page.one("govsim-step").click()
    for tab in TABS:
        page.open(tab)
    page.open("issues")
    assert "govsim-lifecycle" in page.html("govsim-issues-lifecycle")
    page.open("mechanisms")
    assert page.all("govsim-mech-rule") and page.all("govsim-mech-part")


def test_a_bad_upload_shows_the_loaders_line_and_keeps_the_session(page: Page) -> None:
    before = page.state.explorer.config
    bad = b"name: x\nmechanisms:\n  whistel_summon:\n    enabled: true\n"
    receive_upload(page.state, {"name": "bad.yaml", "size": len(bad), "data": "data:;base64," + base64.b64encode(bad).decode()})
    assert page.text("govsim-error").startswith("Not applied: bad.yaml, line 3: unknown key 'mechanisms.whistel_summon'")
    assert page.state.explorer.config is before
    receive_upload(page.state, {"name": "huge.yaml", "size": 50 * 2**20, "data": None})
    assert "larger than the 4 MB limit" in page.text("govsim-error")


def test_a_good_upload_replaces_the_scenario(page: Page) -> None:
    good = export_yaml(load_named("party_led_full.yaml")).encode()
    receive_upload(page.state, {"name": "mine.yaml", "size": len(good), "data": "data:;base64," + base64.b64encode(good).decode()})
    assert not page.all("govsim-error") and "mine.yaml" in page.text("govsim-notice")
    assert page.state.explorer.config == load_named("party_led_full.yaml")


def test_the_export_is_the_current_settings(page: Page) -> None:
    page.one("govsim-switch-emotional_outreach").v_model = True
    assert "emotional_outreach:\n    enabled: true" in page.html("govsim-yaml")


def test_clicking_a_resident_in_the_neighbourhood_opens_them(page: Page) -> None:
    page.open("neighbourhood")
    drawings = [w for w in walk(page.box) if hasattr(w, "nodes") and hasattr(w, "colours")]
    assert len(drawings) == 1
    drawing = drawings[0]
    residents = [n for n in drawing.nodes if n["s"] != "g"]
    assert 0 < len(residents) <= 300 and len(drawing.colours) == len(drawing.nodes)
    target = residents[5]["i"]
    drawing.vue_pick(target)
    assert page.state.tab.value == TABS.index("resident") and page.state.resident.value == target


def test_side_by_side_overlays_both_runs(page: Page) -> None:
    page.open("compare")
    page.state.act(lambda: page.state.explorer.compare_with(load_named("party_led_full.yaml"), source="party_led_full.yaml"))
    page.one("govsim-step").click()
    page.one("govsim-step").click()
    charts = [w.unsafe_innerHTML for w in walk(page.box) if "govsim-compare-" in str(getattr(w, "unsafe_innerHTML", ""))]
    assert sum("govsim-compare-overlay" in c for c in charts) == 4 and sum("govsim-compare-diff" in c for c in charts) == 4
    assert all(c.count("<path ") in (1, 2) for c in charts)
    assert "Both on seed 0." in page.text("govsim-compare-seed")
