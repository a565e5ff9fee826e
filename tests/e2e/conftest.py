"""End-to-end fixtures: ``govsim app`` in a subprocess and Debian's Chromium driven by
Playwright (it cannot download its own browser here). Without Chromium the tests skip,
unless GOVSIM_REQUIRE_BROWSER is set (``.ci/run`` sets it), when they fail."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic", "--disable-dev-shm-usage"]


def chromium_path() -> str | None:
    return os.environ.get("GOVSIM_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


def _unavailable(reason: str) -> None:
    if os.environ.get("GOVSIM_REQUIRE_BROWSER"):
        pytest.fail(f"browser tests required but {reason}")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(port: int) -> subprocess.Popen[bytes]:
    """``govsim app`` on ``port``; returns once it accepts connections."""
    proc = subprocess.Popen([sys.executable, "-m", "sim", "app", "--port", str(port)], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"govsim app exited: {proc.stderr.read().decode()[-2000:] if proc.stderr else ''}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("govsim app did not start within 90 s")


def stop_app(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    pytest.importorskip("solara")
    port = free_port()
    proc = start_app(port)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        stop_app(proc)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    exe = chromium_path()
    if exe is None:
        _unavailable("Chromium is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (pip install -e '.[app]')")
    with sync_playwright() as p:
        # launch() gives Chromium a fresh temporary profile (a fresh --user-data-dir) each time
        chromium = p.chromium.launch(executable_path=exe, headless=True, args=CHROMIUM_ARGS)
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
