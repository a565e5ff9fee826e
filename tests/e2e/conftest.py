"""End-to-end fixtures: ``govsim app`` in a subprocess and Debian's Chromium driven by
Playwright (``sim.app.harness``). Without Chromium the tests skip, unless
GOVSIM_REQUIRE_BROWSER is set (``.ci/run`` sets it), when they fail."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

pytest.importorskip("solara")

from sim.app.harness import chromium_path, free_port, launch_chromium, start_app, stop_app  # noqa: E402


def _unavailable(reason: str) -> None:
    if os.environ.get("GOVSIM_REQUIRE_BROWSER"):
        pytest.fail(f"browser tests required but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    port = free_port()
    proc = start_app(port)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        stop_app(proc)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if chromium_path() is None:
        _unavailable("Chromium is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (pip install -e '.[app]')")
    with sync_playwright() as p:
        chromium = launch_chromium(p)
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser: object, app_url: str) -> Iterator[object]:
    """A new browser context (its own cookies: its own session) on the app, loaded and usable.
    Records every failed request and every request that leaves this machine."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)
    pg = context.new_page()
    pg.problems = []
    pg.on("requestfailed", lambda r: pg.problems.append(f"failed: {r.url} {r.failure}"))
    pg.on("response", lambda r: pg.problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    pg.on("request", lambda r: pg.problems.append(f"left the machine: {r.url}")
          if not r.url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")) else None)
    pg.goto(app_url)
    pg.wait_for_selector(".govsim-day", timeout=60_000)
    yield pg
    context.close()
