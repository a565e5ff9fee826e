"""Regenerate the README's screenshots of the browser app (docs/app.png, docs/app_zh.png).

    .venv/bin/python experiments/app_screenshot.py [--lang en|zh] [--out PATH] [--days 200]

Starts ``govsim app``, switches to the language (``zh``: 中文, drawn with the CJK font
``.ci/setup`` installs), loads ``party_led_full.yaml``, plays it to day ``--days`` and saves
the page as a palette PNG (small enough for the repository): ``docs/app.png`` in English,
``docs/app_zh.png`` in Chinese unless ``--out`` says otherwise.
"""

from __future__ import annotations

import argparse
import io
import time
from pathlib import Path

from sim.app.harness import DAY_JS, ROOT, choose, free_port, launch_chromium, start_app, stop_app


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lang", choices=("en", "zh"), default="en")
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--days", type=int, default=200)
    args = ap.parse_args()
    out = args.out or ROOT / "docs" / ("app.png" if args.lang == "en" else f"app_{args.lang}.png")
    from PIL import Image
    from playwright.sync_api import sync_playwright

    port = free_port()
    server = start_app(port)
    try:
        with sync_playwright() as p:
            browser = launch_chromium(p)
            page = browser.new_page(viewport={"width": 1280, "height": 760})
            page.goto(f"http://127.0.0.1:{port}/")
            page.wait_for_selector(".govsim-day", timeout=60_000)
            if args.lang == "zh":
                page.click(".govsim-lang-zh")
                page.wait_for_selector(".govsim-day:has-text('第 0 天')")
            choose(page, ".govsim-scenario-select", "party_led_full.yaml")
            page.wait_for_selector(".govsim-now:has-text('party_led_full')", timeout=300_000)
            choose(page, ".govsim-speed", "尽可能快" if args.lang == "zh" else "as fast as possible")
            page.click(".govsim-play")
            page.wait_for_function(f"{DAY_JS} >= {args.days}", timeout=300_000)
            page.click(".govsim-play")
            time.sleep(1.0)
            png = page.screenshot()
            browser.close()
    finally:
        stop_app(server)
    image = Image.open(io.BytesIO(png)).convert("RGB").quantize(colors=96, method=Image.Quantize.MEDIANCUT)
    out.parent.mkdir(parents=True, exist_ok=True)
    image.save(out, optimize=True)
    print(f"wrote {out} ({out.stat().st_size / 1024:.0f} kB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
