"""Issue 18's bugs, in the page's components (solara's test rendering, no browser): the app's
own limits in every message, stale errors cleared, clamping said, warm-up days and issues left
out, the export named after the changes, back to the scenario's settings, whole steps for counts."""

from __future__ import annotations

import base64
import re

import numpy as np
import pytest

pytest.importorskip("solara")

from sim.app.resident import profile  # noqa: E402
from sim.app.scenario_io import export_filename, named_after_changes  # noqa: E402
from sim.app.settings import mechanism_controls  # noqa: E402
from sim.app.ui_file import receive_upload  # noqa: E402
from tests.test_app_page import Page, walk  # noqa: E402

APP_RANGE = "[10, 100,000]"


@pytest.fixture()
def page() -> Page:
    return Page()


def enter(page: Page, css: str, text: str) -> None:
    field = page.one(css)
    field.v_model = text
    field.fire_event("focusout", None)


def upload(page: Page, name: str, text: str) -> None:
    data = text.encode()
    receive_upload(page.state, {"name": name, "size": len(data), "data": "data:;base64," + base64.b64encode(data).decode()})


def test_the_sidebar_refuses_more_residents_than_the_app_runs_and_says_its_range(page: Page) -> None:
    before = page.state.explorer.config
    enter(page, "govsim-ctl-population-residents", "150000")
    message = page.text("govsim-error")
    assert "population.residents = 150,000" in message and f"allowed range {APP_RANGE}" in message
    assert page.state.explorer.config is before and page.state.explorer.a.model.pop.n == before.population.residents


def test_a_valid_entry_clears_a_stale_error(page: Page) -> None:
    enter(page, "govsim-ctl-days", "0")
    assert "days = 0: outside the allowed range [1, 36,500]" in page.text("govsim-error")
    enter(page, "govsim-ctl-days", str(page.state.explorer.config.days))  # the value in force: nothing to restart
    assert not page.all("govsim-error")


@pytest.mark.parametrize("residents", [5, 150_000, 6_000_000])
def test_an_upload_outside_the_apps_range_names_the_apps_range(page: Page, residents: int) -> None:
    upload(page, "big.yaml", f"name: big\nextends: community_system.yaml\npopulation:\n  residents: {residents}\n")
    message = page.text("govsim-error")
    assert f"the app's allowed range {APP_RANGE}" in message and "5000000" not in message, message


def test_a_resident_number_out_of_range_is_shown_clamped(page: Page) -> None:
    page.open("resident")
    n = page.state.explorer.a.model.pop.n
    enter(page, "govsim-res-id", "999999")
    assert page.text("govsim-clamped") == f"There is no resident 999999 (0–{n - 1}): showing {n - 1}."
    assert f"{n - 1}" in str(page.one("govsim-res-id").v_model)
    enter(page, "govsim-res-id", "7")
    assert not page.all("govsim-clamped")


def test_a_building_number_out_of_range_is_shown_clamped(page: Page) -> None:
    page.open("neighbourhood")
    last = int(page.state.explorer.a.model.pop.building.max())
    enter(page, "govsim-nb-index", str(last + 50))
    assert page.text("govsim-clamped") == f"There is no number {last + 50} (0–{last}): showing {last}."
    enter(page, "govsim-nb-index", "2")
    assert not page.all("govsim-clamped")


def test_the_issues_tab_and_the_inspector_count_from_day_0(page: Page) -> None:
    model = page.state.explorer.a.model
    assert model.start_day > 0  # the scenario has a warm-up
    for _ in range(3):
        page.one("govsim-step").click()
    page.open("issues")
    total = int(re.search(r"([\d,]+) issues", page.text("govsim-issues-total")).group(1).replace(",", ""))
    arisen = model.issues.col("day_arisen")
    assert total == int(np.sum(arisen >= model.start_day)) < model.issues.n
    page.open("resident")
    page.one("govsim-res-busiest").click()
    p = profile(model, page.state.resident.value)
    assert p.issues and all(0 <= r.arisen <= 3 for r in p.issues)
    assert all(r.closed <= 3 and r.detected <= 3 for r in p.issues)
    rows = [re.findall(r"<td>(.*?)</td>", row) for row in re.findall(r"<tr>(.*?)</tr>", page.html("govsim-resident-issues"), re.S)]
    days = [cell for row in rows if row for cell in row[4:7] if cell != "–"]
    assert len(rows) > 1 and days and all(0 <= int(d) <= 3 for d in days)  # arisen, detected, closed: days since day 0


def test_the_export_is_named_after_the_changes_and_the_defaults_come_back(page: Page) -> None:
    assert "name: community_system\n" in page.html("govsim-yaml")
    assert page.one("govsim-defaults").disabled
    page.one("govsim-switch-supervision").v_model = True
    yaml_text = page.html("govsim-yaml")
    assert "name: community_system + supervision\n" in yaml_text
    assert "mechanisms.supervision.enabled: false -&gt; true" in yaml_text  # in the description
    ex = page.state.explorer
    assert export_filename(named_after_changes(ex.origin, ex.config)) == "community_system_supervision.yaml"
    defaults = page.one("govsim-defaults")
    assert not defaults.disabled
    defaults.click()
    assert ex.config == ex.origin and not ex.config.mechanisms.supervision.enabled and ex.day == 0
    assert "name: community_system\n" in page.html("govsim-yaml") and page.one("govsim-defaults").disabled


def test_count_parameters_move_in_whole_steps(page: Page) -> None:
    page.one("govsim-switch-emotional_outreach").v_model = True
    page.one("govsim-params-emotional_outreach").click()
    visits = page.one("govsim-ctl-mechanisms-emotional_outreach-visits_per_grid_worker_day")
    hours = page.one("govsim-ctl-mechanisms-emotional_outreach-hours_per_visit")
    assert visits.step == 1 and hours.step == pytest.approx(0.1)
    counts = {c.path[-1] for c in mechanism_controls("emotional_outreach") if c.count_like}
    assert counts == {"visits_per_grid_worker_day", "visits_per_member_month", "contact_households_per_member"}
    prefix = "govsim-ctl-mechanisms-emotional_outreach"
    steps = {w.class_.split()[-1]: w.step for w in walk(page.box) if prefix in str(getattr(w, "class_", "")) and hasattr(w, "step")}
    assert all(steps[f"{prefix}-{k}"] == 1 for k in counts)
