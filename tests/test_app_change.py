"""Seeing a change, in the page's components (no browser): the earlier run as a faint reference
line, side by side with "these settings plus one change", y-axes that do not exaggerate,
whole-day ticks with a day label, hover readouts, the series as CSV, the distribution by group,
and the progress message while a population builds."""

from __future__ import annotations

import csv
import io
import re

import numpy as np
import pytest

pytest.importorskip("solara")

from sim.app import svg  # noqa: E402
from sim.app.series import CHARTS, MIN_SPAN, axis, series_csv  # noqa: E402
from sim.app.session import needs_build  # noqa: E402
from sim.app.ui_distribution import BINS, distribution  # noqa: E402
from sim.vocab import GROUPS  # noqa: E402
from tests.test_app_page import Page, walk  # noqa: E402


@pytest.fixture()
def page() -> Page:
    return Page()


def steps(page: Page, n: int) -> None:
    for _ in range(n):
        page.one("govsim-step").click()


def drawn_height(chart: str) -> float:
    """How much of the plot's height (160 units) the chart's first line covers."""
    ys = [float(y) for y in re.findall(r"[ML][\d.]+,([\d.]+)", re.search(r"<path d='([^']+)'", chart).group(1))]
    return (max(ys) - min(ys)) / 160


def test_a_change_keeps_the_earlier_run_as_a_faint_line(page: Page) -> None:
    steps(page, 4)
    before = page.state.explorer.a.history.overall("trust").copy()
    assert "before the change" not in page.html("govsim-chart-trust")
    page.one("govsim-switch-supervision").v_model = True
    steps(page, 2)
    chart = page.html("govsim-chart-trust")
    assert chart.count("<path ") == 6 and "stroke-dasharray='5,3' stroke-opacity='0.45'" in chart
    assert "before the change" in chart
    ref = page.state.explorer.reference
    assert ref is not None and np.array_equal(ref.overall("trust"), before)
    assert "Supervision and accountability: on" in page.text("govsim-reference-note")
    page.one("govsim-switch-whistle_summon").v_model = True  # a run that never stepped keeps the older line
    assert np.array_equal(page.state.explorer.reference.overall("trust")[:4], before) is False  # the 2-day run replaced it
    assert page.state.explorer.reference.n == 2
    page.one("govsim-switch-emotional_outreach").v_model = True
    assert page.state.explorer.reference.n == 2  # the whistle run had no day: the 2-day reference stays
    page.one("govsim-forget").click()
    assert page.state.explorer.reference is None and not page.all("govsim-reference-note")


def test_side_by_side_with_these_settings_plus_one_change(page: Page) -> None:
    page.open("compare")
    page.one("govsim-compare-change").v_model = "Deliberation meetings and community activities: on"
    ex = page.state.explorer
    assert ex.b is not None and ex.b.config.mechanisms.community_activities.enabled
    assert not ex.a.config.mechanisms.community_activities.enabled
    page.one("govsim-switch-supervision").v_model = True  # A changes: B stays A plus the one change
    assert ex.a.config.mechanisms.supervision.enabled and ex.b.config.mechanisms.supervision.enabled
    assert ex.b.config.mechanisms.community_activities.enabled and ex.b.config.seed == ex.a.config.seed
    steps(page, 3)
    overlays = [w.unsafe_innerHTML for w in walk(page.box) if "govsim-compare-overlay" in str(getattr(w, "unsafe_innerHTML", ""))]
    assert len(overlays) == len(CHARTS)
    assert all("A: these settings" in c and "B: these settings + Deliberation meetings and community activities: on" in c for c in overlays)
    page.one("govsim-compare-change").v_model = "(pick a change)"
    assert ex.b is None


def test_y_axes_span_at_least_the_units_minimum() -> None:
    assert svg.y_range(0.50, 0.504, min_span=0.1, floor=0, ceiling=1) == pytest.approx((0.452, 0.552))
    assert svg.y_range(0.01, 0.02, min_span=0.1, floor=0, ceiling=1) == pytest.approx((0.0, 0.1))
    assert svg.y_range(0.2, 0.9, min_span=0.1) == (0.2, 0.9)  # wide data: as it is
    assert axis("trust_mean") == MIN_SPAN["0–1 scale"] and axis("backlog").min_span == 20 and axis("no_such").min_span == 0
    days = np.arange(1, 11)
    tiny = svg.line_chart(days=days, lines=[svg.Line("x", 0.5 - 0.0004 * days, "#000")], title="t", min_span=0.1, floor=0, ceiling=1)
    assert drawn_height(tiny) < 0.05  # a fall of 0.004 is a short drop, not the chart's whole height
    zoomed = svg.line_chart(days=days, lines=[svg.Line("x", 0.5 - 0.0004 * days, "#000")], title="t")
    assert drawn_height(zoomed) > 0.8  # what the axes did before
    diff = svg.line_chart(days=days, lines=[svg.Line("d", -0.0004 * days, "#000")], title="t", zero=True, min_span=0.1)
    assert drawn_height(diff) < 0.05


def test_the_charts_have_whole_day_ticks_a_day_label_and_hover_readouts(page: Page) -> None:
    steps(page, 3)
    chart = page.html("govsim-chart-trust")
    xt = re.findall(r"class='govsim-xtick'>([^<]+)<", chart)
    assert xt and all(float(t) == int(float(t)) for t in xt)
    assert "class='govsim-xlabel'>day<" in chart
    hist = page.state.explorer.a.history
    titles = re.findall(r"data-day='(\d+)'><title>([^<]+)</title>", chart)
    assert [int(d) for d, _ in titles] == hist.days.tolist()
    last = titles[-1][1]
    assert last.startswith(f"day {hist.days[-1]}: all residents {svg._fmt(float(hist.overall('trust')[-1]))}")
    assert all(g in last for g in ("local", "migrant", "gig", "elderly"))
    page.state.lang.set("zh")
    assert "class='govsim-xlabel'>天<" in page.html("govsim-chart-trust")
    long = svg.line_chart(days=np.arange(500), lines=[svg.Line("x", np.linspace(0, 1, 500), "#000")], title="t")
    assert long.count("data-day=") == svg.HOVER_COLUMNS


def test_the_series_csv_is_what_the_charts_show(page: Page) -> None:
    steps(page, 3)
    hist = page.state.explorer.a.history
    rows = list(csv.DictReader(io.StringIO(series_csv(hist))))
    assert [int(r["day"]) for r in rows] == hist.days.tolist()
    assert [float(r["trust_mean"]) for r in rows] == pytest.approx(hist.overall("trust").tolist(), rel=1e-5)
    assert [float(r["backlog_gig"]) for r in rows] == pytest.approx(hist.group("backlog", GROUPS.index("gig")).tolist())
    assert {"participation_rate", "trust_local", "resolution_days_median"} <= set(rows[0])
    assert page.all("govsim-csv")


def test_the_distribution_tab_shows_todays_spread_by_group(page: Page) -> None:
    steps(page, 1)
    page.open("distribution")
    model = page.state.explorer.a.model
    d = distribution(model.state.trust, model.pop.group.astype(int))
    assert d.shares.shape == (len(GROUPS), BINS) and np.allclose(d.shares.sum(axis=1), 1.0)
    assert d.edges[0] <= model.state.trust.min() and d.edges[-1] >= model.state.trust.max() and d.edges[-1] - d.edges[0] >= 0.1
    local = GROUPS.index("local")
    assert d.means[local] == pytest.approx(model.state.trust[model.pop.group == local].mean())
    for name in ("trust", "efficacy"):
        html = page.html(f"govsim-dist-{name}")
        assert html.count("govsim-hist-line") == len(GROUPS)
    part = page.html("govsim-dist-participation")
    share = model.state.participating[model.pop.group == local].mean()
    assert f">{svg._fmt(float(share))}</text>" in part


def test_a_population_not_in_the_cache_builds_in_the_background_with_a_message(page: Page) -> None:
    cfg = page.state.explorer.config
    assert not needs_build(cfg)  # the session's own: in the cache
    assert needs_build(cfg.model_copy(update={"seed": 4242}))
    field = page.one("govsim-ctl-seed")
    field.v_model = "4242"
    field.fire_event("focusout", None)
    assert page.all("govsim-building") and "Building the street for these settings: 10,000 residents" in page.text("govsim-building-text")
    page.open("issues")  # the page goes on drawing the old run meanwhile (the build does not hold the session's lock)
    page.one("govsim-step").click()
    assert page.all("govsim-issues-lifecycle") and page.state.building.value and page.state.explorer.config.seed == cfg.seed
    page.settle()
    assert page.state.explorer.config.seed == 4242 and not page.all("govsim-building") and not page.all("govsim-error")


def test_the_optional_spread_over_more_seeds_shades_a_band(page: Page) -> None:
    ex = page.state.explorer
    page.one("govsim-spread").v_model = True
    page.settle()  # three more streets, on seeds not in the cache: built in the background
    assert [r.config.seed for r in ex.spread] == [ex.config.seed + k for k in (1, 2, 3)]
    assert all(r.config.mechanisms == ex.config.mechanisms for r in ex.spread)
    steps(page, 3)
    assert all(r.day == 3 for r in ex.spread)
    chart = page.html("govsim-chart-trust")
    assert chart.count("class='govsim-band'") == 1 and "range over 4 seeds" in chart
    all_runs = np.vstack([r.history.overall("trust") for r in (ex.a, *ex.spread)])
    assert len(np.unique(all_runs[:, -1])) > 1  # other seeds, other streets
    page.one("govsim-switch-supervision").v_model = True  # a change keeps the spread, with the change
    assert len(ex.spread) == 3 and all(r.config.mechanisms.supervision.enabled for r in ex.spread) and ex.day == 0
    page.one("govsim-spread").v_model = False
    steps(page, 1)
    assert ex.spread == [] and "govsim-band" not in page.html("govsim-chart-trust")


def test_hover_readouts_are_left_out_while_playing_and_back_on_pause(page: Page) -> None:
    steps(page, 3)
    assert page.html("govsim-chart-trust").count("data-day=") == 3
    page.state.playing.set(True)  # (no play loop in this rendering: the frame is what play would send)
    playing = page.html("govsim-chart-trust")
    assert "data-day=" not in playing and playing.count("<path ") == 5
    page.state.playing.set(False)
    assert page.html("govsim-chart-trust").count("data-day=") == 3
