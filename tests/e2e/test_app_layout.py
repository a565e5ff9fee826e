"""The page on a phone, a tablet and a desktop (issue 18, item 6): from 360 px up nothing
is covered or out of reach. Narrow screens start with the sidebar closed; opened, it leaves
the app bar (hamburger, language switch) usable and closes again."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from sim.app.ui_common import TABS

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

DRAWER = ".v-navigation-drawer"
HAMBURGER = ".v-app-bar__nav-icon"
#: True if the middle of the element is the element (not covered by something else).
HIT_JS = """(sel) => { const e = document.querySelector(sel); if (!e) return false; const b = e.getBoundingClientRect();
  if (b.width === 0 || b.right <= 0 || b.left >= innerWidth) return false;
  const t = document.elementFromPoint(b.x + b.width / 2, b.y + b.height / 2); return !!t && e.contains(t); }"""


@pytest.fixture(params=[360, 390, 768, 1400])
def sized(request: pytest.FixtureRequest, browser: Browser, app_url: str) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": request.param, "height": 800})
    page = context.new_page()
    page.goto(app_url)
    page.wait_for_selector(".govsim-day", state="attached", timeout=60_000)
    yield page
    context.close()


def reachable(page: Page, css: str) -> bool:
    return bool(page.evaluate(HIT_JS, css))


def drawer_open(page: Page) -> bool:
    return "v-navigation-drawer--open" in (page.get_attribute(DRAWER, "class") or "")


def wait_drawer(page: Page, is_open: bool) -> None:
    page.wait_for_function(f"document.querySelector('{DRAWER}').className.includes('--open') === {str(is_open).lower()}",
                           timeout=10_000)
    page.wait_for_timeout(400)  # the slide transition


def open_tab(page: Page, name: str) -> None:
    """Click a tab: it must be in sight and not covered, no sideways scrolling of the tab bar."""
    css = f".govsim-tab-{name}"
    assert reachable(page, css), f"tab {name} cannot be reached"
    page.click(css)
    page.wait_for_selector(f"{css}.v-tab--active")


def test_the_page_fits_the_screen(sized: Page) -> None:
    page = sized
    width = page.viewport_size["width"]
    narrow = width < 960
    if narrow:
        wait_drawer(page, False)
    else:
        page.wait_for_timeout(500)
        assert drawer_open(page) and page.locator(DRAWER).bounding_box()["x"] == 0
    for css in (HAMBURGER, ".govsim-lang-en", ".govsim-lang-zh"):
        assert reachable(page, css), css
    for name in TABS:
        open_tab(page, name)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, f"tab {name} is wider than the screen"
    open_tab(page, TABS[0])
    page.wait_for_selector(".govsim-chart-trust svg")
    assert page.locator(".govsim-chart-trust svg").bounding_box()["width"] <= width


def test_on_a_narrow_screen_the_sidebar_opens_without_covering_the_app_bar(sized: Page) -> None:
    page = sized
    width = page.viewport_size["width"]
    if width >= 960:
        pytest.skip("the sidebar is beside the page on a wide screen")
    wait_drawer(page, False)
    page.click(HAMBURGER)
    wait_drawer(page, True)
    box = page.locator(DRAWER).bounding_box()
    assert box["x"] == 0 and box["width"] <= width - 40
    assert reachable(page, ".govsim-step") and reachable(page, HAMBURGER) and reachable(page, ".govsim-lang-zh")
    page.click(".govsim-lang-zh")  # the language switch works with the sidebar open (a tap outside it closes it)
    page.wait_for_selector(".govsim-tab-outcomes:has-text('结果')")
    if not drawer_open(page):
        page.click(HAMBURGER)
        wait_drawer(page, True)
    page.wait_for_selector(".govsim-step:has-text('单步')")
    page.click(".govsim-step")
    page.wait_for_selector(".govsim-day:has-text('第 1 天')")
    page.click(HAMBURGER)
    wait_drawer(page, False)
    assert reachable(page, ".govsim-tab-outcomes")
    page.click(HAMBURGER)
    wait_drawer(page, True)
    page.mouse.click(width - 15, 400)  # a tap beside the sidebar closes it
    wait_drawer(page, False)
