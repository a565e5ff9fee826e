"""The browser app end to end: ``govsim app`` served offline, driven in Debian's Chromium."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from sim.app.harness import DAY_JS, ROOT, choose
from sim.app.harness import shown_day as day

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

GOOD = "name: uploaded_one\nextends: community_system.yaml\nseed: 3\nmechanisms:\n  supervision:\n    enabled: true\n"
BAD = "name: bad\nmechanisms:\n  whistel_summon:\n    enabled: true\n"


def wait_day(page: Page, expected: int) -> None:
    page.wait_for_function(f"{DAY_JS} == {expected}", timeout=20_000)


def settled_day(page: Page) -> int:
    """The day once it stops changing (a busy machine may deliver the last frame late)."""
    last = day(page)
    for _ in range(20):
        time.sleep(0.3)
        now = day(page)
        if now == last:
            return now
        last = now
    raise AssertionError("the day kept changing after pause")


def chart(page: Page, key: str) -> str:
    return page.inner_html(f".govsim-chart-{key}")


def test_the_page_loads_offline_with_every_file_from_this_machine(page: Page) -> None:
    assert day(page) == 0
    assert "Press Play or Step" in chart(page, "trust")
    page.wait_for_timeout(500)
    assert page.problems == []


def test_step_and_play_move_the_day_and_the_charts(page: Page) -> None:
    for k in range(1, 4):
        page.click(".govsim-step")
        wait_day(page, k)
    first = chart(page, "backlog")
    assert first.count("<path ") >= 2
    page.click(".govsim-play")
    page.wait_for_function(f"{DAY_JS} >= 12", timeout=20_000)
    page.click(".govsim-play")  # pause: the frame under way finishes, then nothing moves
    page.wait_for_selector(".govsim-play:has-text('Play')")
    paused = settled_day(page)
    time.sleep(1.5)
    assert day(page) == paused >= 12
    assert chart(page, "backlog") != first


def test_switching_a_mechanism_restarts_the_run_with_it(page: Page) -> None:
    page.click(".govsim-step")
    wait_day(page, 1)
    page.click(".govsim-switch-supervision")
    wait_day(page, 0)
    page.click(".govsim-params-supervision")
    page.wait_for_selector(".govsim-ctl-mechanisms-supervision-audit_rate")
    page.click(".govsim-file .v-expansion-panel-header")
    assert "supervision:\n    enabled: true" in page.inner_text(".govsim-yaml")


def test_the_language_switches_in_the_page(page: Page) -> None:
    page.click(".govsim-lang-zh")
    page.wait_for_selector(".govsim-day:has-text('第 0 天')")
    assert page.inner_text(".govsim-step").strip() == "单步"
    page.wait_for_selector(".govsim-tab-outcomes:has-text('结果')")
    page.click(".govsim-lang-en")
    page.wait_for_selector(".govsim-day:has-text('Day 0 of')")


def test_side_by_side_steps_both_runs_on_one_seed(page: Page) -> None:
    page.click(".govsim-tab-compare")
    choose(page, ".govsim-compare-select", "party_led_full.yaml")
    page.wait_for_selector(".govsim-compare-seed")
    assert "seed 0" in page.inner_text(".govsim-compare-seed")
    for k in range(1, 6):
        page.click(".govsim-step")
        wait_day(page, k)
    html = page.inner_html(".govsim-compare-trust")
    assert "A: community_system" in html and "B: party_led_full" in html and "B − A" in html
    assert html.count("<path ") == 3


def test_the_exported_yaml_passes_govsim_validate(page: Page, tmp_path: Path) -> None:
    page.click(".govsim-switch-emotional_outreach")
    page.wait_for_timeout(300)
    with page.expect_download() as info:
        page.click(".govsim-file button:has-text('Export')")
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    assert target.name == "community_system_emotional_outreach.yaml"  # named after the change
    text = target.read_text(encoding="utf-8")
    assert "name: community_system + emotional_outreach\n" in text
    assert "emotional_outreach:\n    enabled: true" in text
    done = subprocess.run([sys.executable, "-m", "sim", "validate", str(target)], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0 and "emotional_outreach" in done.stdout


def test_loading_a_good_file_and_a_bad_one(page: Page, tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(GOOD, encoding="utf-8")
    page.set_input_files(".govsim-upload-input", str(good))
    page.wait_for_selector(".govsim-notice:has-text('uploaded_one')")
    assert "uploaded_one" in page.inner_text(".govsim-now")
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD, encoding="utf-8")
    cli = subprocess.run([sys.executable, "-m", "sim", "validate", "bad.yaml"], cwd=tmp_path, capture_output=True, text=True)
    cli_line = cli.stderr.strip().removeprefix("error: ")
    page.set_input_files(".govsim-upload-input", str(bad))
    page.wait_for_selector(".govsim-error")
    assert page.inner_text(".govsim-error").strip() == f"Not applied: {cli_line}"
    assert "uploaded_one" in page.inner_text(".govsim-now")  # the session kept its scenario
    page.click(".govsim-step")  # and still works
    wait_day(page, 1)


def test_a_residents_node_opens_the_inspector(page: Page) -> None:
    page.click(".govsim-tab-neighbourhood")
    page.wait_for_selector(".govsim-network .govsim-node")
    assert page.locator(".govsim-network .govsim-worker").count() >= 1
    node = page.locator(".govsim-network .govsim-node").nth(3)
    resident = re.search(r"\d+", node.locator("title").text_content()).group()
    node.dispatch_event("click")
    page.wait_for_selector(".govsim-resident")
    assert "Group" in page.inner_text(".govsim-resident")
    assert page.input_value(".govsim-res-id input") == resident


def test_two_sessions_are_independent(page: Page, browser: Browser, app_url: str) -> None:
    other = browser.new_context().new_page()
    other.goto(app_url)
    other.wait_for_selector(".govsim-day")
    for k in range(1, 4):
        page.click(".govsim-step")
        wait_day(page, k)
    page.click(".govsim-switch-whistle_summon")
    wait_day(page, 0)
    assert day(other) == 0
    other.click(".govsim-file .v-expansion-panel-header")
    assert "whistle_summon" not in other.inner_text(".govsim-yaml")
    other.context.close()
