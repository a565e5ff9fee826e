"""Issue 18's classroom items in Chromium: the About / 说明 tab and its things to try, switch
tooltips, a reference line after a change, side by side with "these settings plus one change",
hover readouts, the CSV download, the distribution tab, the neighbourhood's zoom, pan and colour
bar, and the progress message while a population builds."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import TYPE_CHECKING

from sim.app.harness import DAY_JS, choose
from sim.app.texts_about import TIPS

if TYPE_CHECKING:
    from playwright.sync_api import Page


def wait_day(page: Page, expected: int, timeout: float = 20_000) -> None:
    page.wait_for_function(f"{DAY_JS} == {expected}", timeout=timeout)


def step(page: Page, n: int, timeout: float = 20_000) -> None:
    start = int(page.evaluate(DAY_JS))
    for k in range(1, n + 1):
        page.click(".govsim-step")
        wait_day(page, start + k, timeout)


def test_the_about_tab_in_both_languages(page: Page) -> None:
    page.click(".govsim-tab-about")
    page.wait_for_selector(".govsim-about-what")
    assert "agent-based model" in page.inner_text(".govsim-about-what")
    assert page.locator(".govsim-about-phases .govsim-phase").count() == 8
    assert "1,260 days" in page.inner_text(".govsim-about-how")
    assert "Mean trust" in page.inner_text(".govsim-about-outcomes")
    page.click(".govsim-lang-zh")
    page.wait_for_selector(".govsim-tab-about:has-text('说明')")
    page.wait_for_selector(".govsim-about-what:has-text('主体建模')")
    assert "预热期" in page.inner_text(".govsim-about-how") and "平均信任" in page.inner_text(".govsim-about-outcomes")
    assert page.locator(".govsim-about-phases .govsim-phase").count() == 8
    page.click(".govsim-lang-en")
    assert page.problems == []


def test_a_thing_to_try_opens_side_by_side_with_the_change(page: Page) -> None:
    page.click(".govsim-tab-about")
    page.click(".govsim-try-whistle_summon")
    page.wait_for_selector(".govsim-tab-compare.v-tab--active")
    page.wait_for_selector(".govsim-compare-seed")
    step(page, 2)
    html = page.inner_html(".govsim-compare-trust")
    assert "A: these settings" in html and "B: these settings + Street whistles, departments report: on" in html


def test_a_mechanism_switch_shows_its_rule_on_hover(page: Page) -> None:
    page.hover(".govsim-switch-supervision")
    tip = page.locator(".v-tooltip__content.menuable__content__active")
    tip.wait_for(timeout=10_000)
    assert tip.inner_text().strip() == TIPS["supervision"][0]


def test_a_change_leaves_the_earlier_run_as_a_faint_line(page: Page) -> None:
    step(page, 3)
    assert "before the change" not in page.inner_html(".govsim-chart-trust")
    page.click(".govsim-switch-supervision")
    wait_day(page, 0)
    step(page, 2)
    html = page.inner_html(".govsim-chart-trust")
    assert "before the change" in html and "stroke-opacity=\"0.45\"" in html
    assert "Supervision and accountability: on" in page.inner_text(".govsim-reference-note")


def test_side_by_side_with_these_settings_plus_one_change(page: Page) -> None:
    page.click(".govsim-tab-compare")
    choose(page, ".govsim-compare-change", "Supervision and accountability: on")
    page.wait_for_selector(".govsim-compare-seed")
    step(page, 2)
    html = page.inner_html(".govsim-compare-backlog")
    assert "B: these settings + Supervision and accountability: on" in html and "B − A" in html


def test_hovering_a_chart_reads_out_the_day(page: Page) -> None:
    step(page, 4)
    page.wait_for_selector(".govsim-chart-trust svg .govsim-hover rect[data-day='3']")  # the chart has the 4th day
    page.wait_for_timeout(300)
    box = page.locator(".govsim-chart-trust svg").bounding_box()
    x, y = box["x"] + box["width"] * 0.9, box["y"] + box["height"] * 0.4
    page.mouse.move(x, y)
    title, shade = page.evaluate("""() => { const r = document.querySelector('.govsim-chart-trust .govsim-hover rect:hover');
        return r ? [r.querySelector('title').textContent, getComputedStyle(r).fillOpacity] : ['', '0']; }""")
    assert re.match(r"day [23]: all residents 0\.\d+; local", title), title  # days 0-3 simulated: a column near the end
    assert float(shade) > 0  # the column under the pointer is shaded
    ticks = page.locator(".govsim-chart-trust .govsim-xtick").all_text_contents()
    assert ticks and all(re.fullmatch(r"\d+", t) for t in ticks)
    assert page.text_content(".govsim-chart-trust .govsim-xlabel") == "day"


def test_the_series_download_as_csv(page: Page, tmp_path: Path) -> None:
    step(page, 3)
    with page.expect_download() as info:
        page.click(".govsim-csv button")
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    assert target.name == "community_system_series.csv"
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert [r["day"] for r in rows] == ["0", "1", "2"] and 0 < float(rows[-1]["trust_mean"]) < 1  # model days from 0


def test_the_distribution_tab_draws_each_group(page: Page) -> None:
    step(page, 1)
    page.click(".govsim-tab-distribution")
    page.wait_for_selector(".govsim-dist-trust svg")
    assert page.locator(".govsim-dist-trust .govsim-hist-line").count() == 4
    assert page.locator(".govsim-dist-efficacy .govsim-hist-line").count() == 4
    assert "Taking part today" in page.inner_html(".govsim-dist-participation")


def test_the_neighbourhood_zooms_pans_and_states_its_scale(page: Page) -> None:
    step(page, 1)
    page.click(".govsim-tab-neighbourhood")
    page.wait_for_selector(".govsim-network .govsim-node")
    svg = page.locator(".govsim-network")
    assert svg.bounding_box()["width"] > 700  # large on a desktop
    assert svg.get_attribute("data-zoom") == "1.00"
    page.click(".govsim-nb-zoom-in")
    page.wait_for_function("document.querySelector('.govsim-network').dataset.zoom === '1.50'")
    before = svg.get_attribute("viewBox")
    box = svg.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2 + 80, box["y"] + box["height"] / 2 + 40, steps=5)
    page.mouse.up()
    assert svg.get_attribute("viewBox") != before  # panned
    page.mouse.wheel(0, -300)
    page.wait_for_function("parseFloat(document.querySelector('.govsim-network').dataset.zoom) > 1.5")
    page.click(".govsim-nb-zoom-reset")
    page.wait_for_function("document.querySelector('.govsim-network').dataset.zoom === '1.00'")
    bar = page.locator(".govsim-colour-bar")
    lo, hi = float(bar.get_attribute("data-lo")), float(bar.get_attribute("data-hi"))
    assert 0 <= lo < hi <= 1 and hi - lo < 0.6
    assert f"{lo:.2f}–{hi:.2f}" in page.inner_text(".govsim-nb-scale-text")
    title = page.locator(".govsim-network .govsim-node title").first.text_content()
    assert re.search(r"Resident \d+ \(\w+\).* · trust 0\.\d{3} · ", title), title
    assert page.locator(".govsim-nb-legend .govsim-legend-member").count() == 1


def test_a_new_population_shows_progress_while_it_builds(page: Page) -> None:
    field = page.locator(".govsim-ctl-seed input")
    field.fill("4321")
    field.press("Enter")
    page.wait_for_selector(".govsim-building", timeout=10_000)
    assert "Building the street for these settings" in page.inner_text(".govsim-building")
    assert page.locator(".govsim-building .v-progress-linear").count() == 1
    page.wait_for_selector(".govsim-building", state="detached", timeout=240_000)
    wait_day(page, 0)
    page.click(".govsim-file .v-expansion-panel-header")
    assert "seed: 4321" in page.inner_text(".govsim-yaml")


def test_the_spread_over_more_seeds_draws_a_band(page: Page) -> None:
    page.click(".govsim-spread")
    page.wait_for_selector(".govsim-building", state="detached", timeout=300_000)  # three more streets, if not cached
    step(page, 2, timeout=120_000)  # a day of four streets, beside the other test worker
    page.wait_for_selector(".govsim-chart-trust .govsim-band", timeout=180_000)  # the extra seeds' runs, on a slow machine
    assert "range over 4 seeds" in page.inner_html(".govsim-chart-trust")
