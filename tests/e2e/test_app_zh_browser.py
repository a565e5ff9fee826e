"""The page in 中文 in Chromium: every tab's text (and the sidebar's, parameters open) has no
Latin word outside the allow-list of tests/test_app_zh.py; catches what the browser adds
(vuetify's own texts, what only the page's JavaScript shows)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.app.ui_common import TABS
from tests.test_app_zh import ENGLISH_BY_NATURE, latin_words

if TYPE_CHECKING:
    from playwright.sync_api import Page

TEXT_JS = """(skip) => { const out = []; const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const sel = skip.map(c => '.' + c).join(',') + ', script, style, .v-icon'; const keep = (n) => n.textContent.trim();
  for (let n = w.nextNode(); n; n = w.nextNode()) { const p = n.parentElement; if (p && !p.closest(sel) && keep(n)) out.push(keep(n)); }
  return out; }"""


def test_every_tab_in_chinese_in_the_browser(page: Page) -> None:
    page.click(".govsim-lang-zh")
    page.wait_for_selector(".govsim-day:has-text('第 0 天')")
    page.click(".govsim-step")
    page.wait_for_selector(".govsim-day:has-text('第 1 天')")
    page.click(".govsim-switch-supervision")
    page.wait_for_selector(".govsim-day:has-text('第 0 天')")
    page.click(".govsim-params-supervision")
    page.wait_for_selector(".govsim-ctl-mechanisms-supervision-audit_rate")
    found: dict[str, str] = {}
    for tab in TABS:
        page.click(f".govsim-tab-{tab}")
        page.wait_for_selector(f".govsim-tab-{tab}.v-tab--active")
        page.wait_for_timeout(600)
        for text in page.evaluate(TEXT_JS, list(ENGLISH_BY_NATURE)):
            for word in latin_words(text, {"community_system", "community_system + supervision"}):
                found.setdefault(word, text[:120])
    assert not found, "English in the 中文 page:\n" + "\n".join(f"  {w!r} in: {t}" for w, t in sorted(found.items()))
    assert page.problems == []
