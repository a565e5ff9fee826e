"""Run ``govsim app`` in a subprocess and drive it with Debian's Chromium (for the browser
tests and ``experiments/benchmark_app.py``).

Playwright cannot download its own browser here; Debian's ``chromium`` works with
``--no-sandbox``, and the background-networking flags keep it from trying connections a
closed network refuses. ``launch()`` gives it a fresh temporary profile each time.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Playwright

__all__ = ["CHROMIUM_ARGS", "DAY_JS", "ROOT", "choose", "chromium_path", "free_port", "launch_chromium", "rss_bytes", "shown_day",
           "start_app", "stop_app"]

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic", "--disable-dev-shm-usage"]
#: JavaScript giving the day the page shows.
DAY_JS = "parseInt(document.querySelector('.govsim-day').innerText.match(/\\d+/)[0])"


def chromium_path() -> str | None:
    """Debian's Chromium (or ``$GOVSIM_CHROMIUM``), if installed."""
    return os.environ.get("GOVSIM_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


def launch_chromium(playwright: Playwright) -> Browser:
    """A headless Chromium browser from a running ``sync_playwright()``."""
    exe = chromium_path()
    if exe is None:
        raise RuntimeError("Chromium is not installed (apt-get install chromium)")
    return playwright.chromium.launch(executable_path=exe, headless=True, args=CHROMIUM_ARGS)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(port: int, *, timeout: float = 90.0) -> subprocess.Popen[bytes]:
    """``govsim app --port PORT``; returns once it accepts connections."""
    proc = subprocess.Popen([sys.executable, "-m", "sim", "app", "--port", str(port)], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            err = proc.stderr.read().decode(errors="replace")[-2000:] if proc.stderr else ""
            raise RuntimeError(f"govsim app exited: {err}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError(f"govsim app did not start within {timeout:.0f} s")


def stop_app(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def rss_bytes(pid: int) -> int:
    """Resident memory of a process (Linux)."""
    with open(f"/proc/{pid}/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def shown_day(page: Page) -> int:
    """The day the page's day counter shows."""
    return int(page.evaluate(DAY_JS))


def choose(page: Page, select_css: str, option: str) -> None:
    """Choose ``option`` in the (vuetify) select with class ``select_css``."""
    page.click(f"{select_css} .v-select__slot")
    page.locator(".menuable__content__active .v-list-item", has_text=option).first.click()
