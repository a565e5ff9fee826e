"""Issue 18's bugs in Chromium: the residents limit with the app's range, the stale error
cleared, back to the scenario's settings, day-0 counting in the Issues tab."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from sim.app.harness import DAY_JS

if TYPE_CHECKING:
    from playwright.sync_api import Page


def type_into(page: Page, css: str, text: str) -> None:
    field = page.locator(f"{css} input")
    field.fill(text)
    field.press("Enter")


def test_too_many_residents_is_refused_with_the_apps_range_and_the_banner_goes(page: Page) -> None:
    type_into(page, ".govsim-ctl-population-residents", "150000")
    page.wait_for_selector(".govsim-error")
    assert "outside the app's allowed range [10, 100,000]" in page.inner_text(".govsim-error")
    assert page.input_value(".govsim-ctl-population-residents input") == "150000"
    type_into(page, ".govsim-ctl-population-residents", "10000")  # the value in force
    page.wait_for_selector(".govsim-error", state="detached", timeout=10_000)


def test_back_to_the_scenarios_settings(page: Page) -> None:
    assert page.locator(".govsim-defaults").is_disabled()
    page.click(".govsim-switch-supervision")
    page.wait_for_selector(".govsim-defaults:not([disabled])")
    page.click(".govsim-defaults")
    page.wait_for_selector(".govsim-defaults[disabled]")
    page.click(".govsim-file .v-expansion-panel-header")
    assert "supervision" not in page.inner_text(".govsim-yaml")


def test_the_issues_tab_counts_from_day_0(page: Page) -> None:
    for k in (1, 2):
        page.click(".govsim-step")
        page.wait_for_function(f"{DAY_JS} == {k}")
    page.click(".govsim-tab-issues")
    page.wait_for_selector(".govsim-issues-total")
    text = page.inner_text(".govsim-issues-total")
    assert re.fullmatch(r"[\d,]+ issues have arisen in the 2 days since day 0\.", text.strip()), text
    assert int(text.split()[0].replace(",", "")) < 5_000  # not the warm-up's tens of thousands


def test_arrow_keys_on_a_slider_restart_the_run_once_when_they_rest(page: Page) -> None:
    page.click(".govsim-switch-supervision")
    page.wait_for_function(f"{DAY_JS} == 0")
    page.click(".govsim-params-supervision")
    page.wait_for_selector(".govsim-ctl-mechanisms-supervision-audit_rate")
    page.evaluate("""() => { window.days = []; const el = document.querySelector('.govsim-day');
        new MutationObserver(() => window.days.push(el.innerText)).observe(el, {subtree: true, childList: true, characterData: true}); }""")
    thumb = page.locator(".govsim-ctl-mechanisms-supervision-audit_rate .v-slider__thumb-container")
    thumb.focus()
    page.keyboard.press("ArrowRight")  # pending: the run goes on
    page.click(".govsim-step")
    thumb.focus()
    page.keyboard.press("ArrowRight")
    page.click(".govsim-step")
    page.wait_for_function("window.days.some(d => /Day 2 /.test(d))", timeout=10_000)  # stepped on, no restart between
    page.wait_for_function(f"{DAY_JS} == 0", timeout=10_000)  # then one restart, with both presses
    page.click(".govsim-file .v-expansion-panel-header")
    assert "audit_rate: 0.22" in page.inner_text(".govsim-yaml")
    seen = [int(re.search(r"\d+", d).group()) for d in page.evaluate("window.days")]
    assert seen[: seen.index(2) + 1] == sorted(seen[: seen.index(2) + 1]), seen
