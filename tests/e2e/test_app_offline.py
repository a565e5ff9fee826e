"""The running ``govsim app`` answers a missing cdn path with 404 at once and writes nothing:
no proxying to a public CDN (issue 18, item 7)."""

from __future__ import annotations

import http.client
import time
from pathlib import Path
from urllib.parse import urlsplit

from sim.app.assets import cdn_dir


def snapshot(root: Path) -> dict[str, float]:
    return {str(p.relative_to(root)): p.stat().st_mtime for p in root.rglob("*")}


def get(app_url: str, path: str) -> tuple[int, float]:
    url = urlsplit(app_url)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    start = time.monotonic()
    conn.request("GET", path)  # sent as is (no client-side normalisation of '..')
    status = conn.getresponse().status
    took = time.monotonic() - start
    conn.close()
    return status, took


def test_a_missing_cdn_path_is_404_at_once_and_writes_nothing(app_url: str) -> None:
    before = snapshot(cdn_dir())
    for path in ["/_solara/cdn/bogus@1.0.0/x.js", "/_solara/cdn/requirejs@2.3.6/not-there.js",
                 "/_solara/cdn/@widgetti/bogus@9.9.9/dist/x.css", "/_solara/cdn/requirejs@2.3.6/../../x.js"]:
        status, took = get(app_url, path)
        assert status == 404, path
        assert took < 1.0, f"{path} took {took:.2f} s"
    assert snapshot(cdn_dir()) == before


def test_many_bogus_requests_do_not_delay_a_real_asset(app_url: str) -> None:
    for k in range(30):
        assert get(app_url, f"/_solara/cdn/bogus{k}@1.0.0/x.js")[0] == 404
    status, took = get(app_url, "/_solara/cdn/requirejs@2.3.6/require.js")
    assert status == 200 and took < 1.0


def test_the_chinese_button_has_real_glyphs(page: object) -> None:
    """With no CJK font both characters render as the same empty box; .ci/setup installs one."""
    drawn = page.evaluate("""() => {
        const font = getComputedStyle(document.querySelector('.govsim-lang-zh')).font;
        const draw = (ch) => {
            const c = document.createElement('canvas'); c.width = 40; c.height = 40;
            const g = c.getContext('2d'); g.font = font.replace(/\\d+(\\.\\d+)?px/, '32px');
            g.fillText(ch, 2, 34); return c.toDataURL();
        };
        return [draw('中'), draw('文'), draw('\\u0378')];
    }""")
    assert drawn[0] != drawn[1], "中 and 文 draw the same: no CJK font (apt-get install fonts-noto-cjk)"
    assert drawn[0] != drawn[2] and drawn[1] != drawn[2]
