"""The browser app's done-when measurements, in a real browser against ``govsim app``.

    .venv/bin/python experiments/benchmark_app.py [--sessions 10] [--play-seconds 10]

Prints, with the targets of the issue:

* start-up: seconds from launching ``govsim app`` to the server accepting connections, and
  to the page being usable (day counter and charts drawn), for the first and a later visit;
* speed: simulated days per second at 10,000 residents while playing as fast as possible
  with the charts on screen, and how many times a second the charts were redrawn
  (``community_system`` and ``party_led_full``, both 10,000 residents);
* the neighbourhood view: seconds from asking for another compound (drawn capped at 300
  residents) to the drawing being redrawn, and from switching its colours (trust to
  participation and back) to the drawing recoloured; medians of a few tries;
* sessions: N browser contexts each with its own session; each is stepped a different
  number of days and one switches a mechanism: every session must still show its own day
  and settings; the server's resident memory per session (growth over N sessions / N);
* binding: the address the server listens on (127.0.0.1 unless told otherwise).

Timings are noisy on a shared machine: the machine's load average is printed alongside.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from typing import TYPE_CHECKING

from sim.app.harness import DAY_JS, choose, free_port, launch_chromium, rss_bytes, shown_day, start_app, stop_app

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

MB = 2**20
COUNT_REDRAWS_JS = """() => { window.__redraws = 0; const box = document.querySelector('.govsim-chart-trust');
  if (window.__observer) window.__observer.disconnect();  // one counter: an earlier one would count again
  window.__observer = new MutationObserver(() => { window.__redraws += 1; });
  window.__observer.observe(box, {childList: true, subtree: true}); }"""


def load(context: BrowserContext, url: str) -> tuple[Page, float]:
    page = context.new_page()
    t = time.perf_counter()
    page.goto(url)
    page.wait_for_selector(".govsim-day", timeout=60_000)
    page.wait_for_selector(".govsim-chart-trust svg", timeout=60_000)
    return page, time.perf_counter() - t


def play_speed(page: Page, scenario: str, seconds: float) -> tuple[float, float]:
    """Days per second and chart redraws per second while playing as fast as possible."""
    if scenario != "community_system.yaml":
        choose(page, ".govsim-scenario-select", scenario)
        page.wait_for_function(f"{DAY_JS} == 0")
        page.wait_for_selector(f".govsim-now:has-text('{scenario}')")
    choose(page, ".govsim-speed", "as fast as possible")
    page.evaluate(COUNT_REDRAWS_JS)
    start_day, t = shown_day(page), time.perf_counter()
    page.click(".govsim-play")
    time.sleep(seconds)
    end_day, elapsed = shown_day(page), time.perf_counter() - t
    redraws = page.evaluate("window.__redraws")
    page.click(".govsim-play")
    page.click(".govsim-reset")
    return (end_day - start_day) / elapsed, redraws / elapsed


#: Starts timing: ``window.__redraw`` resolves with the milliseconds from now to the first change
#: inside the network drawing (and the frame after it, so the change is on screen).
WATCH_JS = """() => { window.__redraw = new Promise((resolve, reject) => {
  const t0 = performance.now();
  const inDrawing = (n) => n && n.nodeType === 1 && (n.closest('.govsim-network') || n.querySelector('.govsim-network'));
  const obs = new MutationObserver((records) => {
    if (!records.some(r => inDrawing(r.target) || [...r.addedNodes].some(inDrawing))) return;
    obs.disconnect(); requestAnimationFrame(() => resolve(performance.now() - t0)); });
  obs.observe(document.body, {attributes: true, subtree: true, childList: true});
  setTimeout(() => { obs.disconnect(); reject(new Error('no redraw within 30 s')); }, 30000);
}); }"""


def network_redraw(page: Page, tries: int = 5) -> tuple[int, float, float]:
    """Residents drawn, median seconds to draw another compound and to recolour the drawing."""
    page.click(".govsim-tab-neighbourhood")
    page.wait_for_selector(".govsim-network .govsim-node")
    count_js = "document.querySelectorAll('.govsim-network .govsim-node, .govsim-network .govsim-member').length"
    building = int(page.evaluate(count_js))
    page.locator(".govsim-nb-unit button").nth(1).click()  # a compound: more residents than are drawn
    page.wait_for_function(f"{count_js} >= 200 && {count_js} != {building}")
    field = page.locator(".govsim-nb-index input")
    draws, colours, drawn = [], [], []
    for k in range(tries):
        page.evaluate(WATCH_JS)
        field.fill(str(k + 1))
        field.press("Enter")
        draws.append(page.evaluate("window.__redraw"))
        page.wait_for_timeout(300)
        drawn.append(int(page.evaluate(count_js)))
        page.wait_for_timeout(300)
        page.evaluate(WATCH_JS)
        page.locator(".govsim-nb-colour button").nth((k + 1) % 2).click()
        colours.append(page.evaluate("window.__redraw"))
        page.wait_for_timeout(300)
    page.click(".govsim-tab-outcomes")
    return int(statistics.median(drawn)), statistics.median(draws) / 1000, statistics.median(colours) / 1000


def listening_address(pid: int, port: int) -> str:
    """The local address the server's socket on ``port`` is bound to (from /proc/net/tcp)."""
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table, encoding="ascii") as fh:
            for line in fh.readlines()[1:]:
                local, state = line.split()[1], line.split()[3]
                addr, hex_port = local.split(":")
                if int(hex_port, 16) == port and state == "0A":  # LISTEN
                    if len(addr) == 8:
                        return ".".join(str(int(addr[i:i + 2], 16)) for i in (6, 4, 2, 0))
                    return f"IPv6 {addr}"
    return "?"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=10)
    ap.add_argument("--play-seconds", type=float, default=10.0)
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    rows: list[tuple[str, str, str, bool]] = []
    load_before = os.getloadavg()[0]
    port = free_port()
    with sync_playwright() as p:
        browser = launch_chromium(p)
        t0 = time.perf_counter()
        server = start_app(port)
        listening = time.perf_counter() - t0
        try:
            url = f"http://127.0.0.1:{port}/"
            base_rss = rss_bytes(server.pid)
            first = browser.new_context(viewport={"width": 1400, "height": 900})
            page, first_load = load(first, url)
            usable = time.perf_counter() - t0
            rows.append(("server accepting connections after launch", f"{listening:.2f} s", "", True))
            rows.append(("page usable after the server accepts connections (first visit)", f"{first_load:.2f} s", "≤ 5 s",
                         first_load <= 5))
            rows.append(("page usable after launching govsim app (first visit)", f"{usable:.2f} s", "", True))
            _, later = load(browser.new_context(), url)
            rows.append(("page usable, a later visit", f"{later:.2f} s", "≤ 5 s", later <= 5))

            for scenario in ("community_system.yaml", "party_led_full.yaml"):
                dps, fps = play_speed(page, scenario, args.play_seconds)
                rows.append((f"days per second at 10,000 residents, {scenario}", f"{dps:.1f}", "≥ 10", dps >= 10))
                rows.append((f"chart redraws per second, {scenario}", f"{fps:.1f}", "charts update", fps >= 1))
            drawn, draw_s, colour_s = network_redraw(page)
            rows.append((f"neighbourhood view: another compound drawn ({drawn} residents)", f"{draw_s:.2f} s", "", True))
            rows.append((f"neighbourhood view: recoloured ({drawn} residents)", f"{colour_s:.2f} s", "", True))
            first.close()

            n = args.sessions
            contexts = [browser.new_context() for _ in range(n)]
            pages = [load(c, url)[0] for c in contexts]
            for k, pg in enumerate(pages):
                for _ in range(k):
                    pg.click(".govsim-step")
                pg.wait_for_function(f"{DAY_JS} == {k}", timeout=60_000)
            pages[0].click(".govsim-switch-whistle_summon")
            pages[0].wait_for_function(f"{DAY_JS} == 0")
            for pg in pages:  # every session plays a while so each holds a year-long model
                choose(pg, ".govsim-speed", "as fast as possible")
                pg.click(".govsim-play")
            time.sleep(max(8.0, 2.0 * n))
            for pg in pages:
                pg.click(".govsim-play")
            time.sleep(1.0)
            days = [shown_day(pg) for pg in pages]
            own_settings = []
            for k, pg in enumerate(pages):
                pg.click(".govsim-file .v-expansion-panel-header")
                text = pg.inner_text(".govsim-yaml")
                own_settings.append(("whistle_summon" in text) == (k == 0))
            isolated = all(own_settings) and len(set(days)) > 1
            rss = rss_bytes(server.pid)
            per_session = (rss - base_rss) / n
            rows.append((f"{n} sessions: days reached", ", ".join(map(str, days)), "each its own", isolated))
            rows.append((f"{n} sessions: settings changed in one stay in that one", str(all(own_settings)), "True", all(own_settings)))
            rows.append(("server memory before any session", f"{base_rss / MB:.0f} MB", "", True))
            rows.append((f"server memory with {n} sessions (+2 earlier)", f"{rss / MB:.0f} MB", "", True))
            rows.append(("memory per session at 10,000 residents", f"{per_session / MB:.0f} MB", "≤ 300 MB", per_session <= 300 * MB))
            address = listening_address(server.pid, port)
            rows.append(("server listens on", address, "127.0.0.1", address == "127.0.0.1"))
        finally:
            stop_app(server)
            browser.close()

    width = max(len(r[0]) for r in rows)
    print(f"govsim app benchmark (load average {load_before:.1f} before it started, on {os.cpu_count()} cores)")
    for name, value, target, ok in rows:
        mark = "" if not target else ("  ok" if ok else "  MISSED")
        print(f"  {name:<{width}}  {value:>14}  {target:>14}{mark}")
    return 0 if all(ok for *_, ok in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
