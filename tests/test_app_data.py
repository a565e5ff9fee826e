"""The data behind the app's views: the neighbourhood (bounded, laid out once, real ties),
one resident's profile, the mechanisms' article parts, and the SVG charts."""

from __future__ import annotations

import re

import numpy as np
import pytest

pytest.importorskip("solara")

from sim.app import svg  # noqa: E402
from sim.app.article import part, rule_text  # noqa: E402
from sim.app.neighbourhood import HEIGHT, MAX_NODES, PARTICIPATING_COLOUR, WIDTH, build, colour_range, node_colours  # noqa: E402
from sim.app.resident import TIE_KINDS, profile  # noqa: E402
from sim.mechanisms import REGISTRY  # noqa: E402
from sim.model import GovernanceModel  # noqa: E402
from sim.schema import ScenarioConfig  # noqa: E402


@pytest.fixture(scope="module")
def model() -> GovernanceModel:
    m = GovernanceModel(ScenarioConfig(days=40, seed=2, population={"residents": 4000}))
    for _ in range(40):
        m.step()
    return m


def test_a_buildings_neighbourhood_is_its_residents_and_their_strongest_outside_ties(model: GovernanceModel) -> None:
    pop = model.pop
    nb = build(pop, [w.cell for w in model.grid_workers], unit="building", index=3)
    inside = nb.residents[nb.inside]
    np.testing.assert_array_equal(inside, np.flatnonzero(pop.building == 3))
    assert len(nb.residents) <= MAX_NODES and (~nb.inside).any()
    assert all(pop.building[i] != 3 for i in nb.residents[~nb.inside])
    ties = pop.ties
    for a, b in nb.edges[:50]:
        assert ties[nb.residents[a], nb.residents[b]] > 0
    assert (nb.xy >= 0).all() and (nb.xy[:, 0] <= WIDTH).all() and (nb.xy[:, 1] <= HEIGHT).all()
    served = np.concatenate([s for *_, s in nb.workers])
    assert set(served.tolist()) == set(np.flatnonzero(nb.inside).tolist())
    again = build(pop, [w.cell for w in model.grid_workers], unit="building", index=3)
    np.testing.assert_array_equal(again.xy, nb.xy)


def test_a_compound_too_large_to_draw_is_cut_to_whole_households(model: GovernanceModel) -> None:
    pop = model.pop
    nb = build(pop, [], unit="compound", index=0)
    members = np.flatnonzero(pop.compound == 0)
    assert len(members) > MAX_NODES >= len(nb.residents) > MAX_NODES // 2
    assert nb.inside.all() and nb.workers == ()
    for h in np.unique(pop.household[nb.residents]):
        assert set(np.flatnonzero(pop.household == h)) <= set(nb.residents.tolist())


def test_node_colours_scale_trust_over_the_range_shown_and_mark_participation() -> None:
    assert node_colours(np.array([0.0, 0.5, 1.0]), binary=False) == ["#00204d", "#7e7c74", "#ffea46"]  # cividis
    stretched = node_colours(np.array([0.41, 0.485, 0.56]), binary=False, scale=(0.41, 0.56))
    assert stretched[0] == "#00204d" and stretched[-1] == "#ffea46"  # the values present use the whole scale
    assert node_colours(np.array([True, False]), binary=True) == [PARTICIPATING_COLOUR, "#d9d9d9"]


def test_the_colour_range_is_the_values_present_rounded_out_and_not_too_narrow() -> None:
    assert colour_range(np.array([0.412, 0.556, 0.48])) == (0.41, 0.56)
    assert colour_range(np.array([0.50, 0.51])) == (0.48, 0.53)  # at least MIN_COLOUR_SPAN wide
    assert colour_range(np.array([0.99, 1.0])) == (0.95, 1.0)  # inside [0, 1]
    assert colour_range(np.array([])) == (0.0, 1.0)


def test_a_residents_profile_reads_the_model(model: GovernanceModel) -> None:
    reporters = model.issues.col("reporter")
    i = int(np.bincount(reporters).argmax())
    p = profile(model, i)
    assert p.trust == model.state.trust[i] and p.participating == bool(model.state.participating[i])
    assert p.building == model.pop.building[i]
    assert sum(p.ties_by_kind.values()) == model.pop.ties[i].nnz and list(p.ties_by_kind) == list(TIE_KINDS)
    assert p.issues_total == int(np.sum(reporters == i)) == len(p.issues) > 0
    assert [r.arisen for r in p.issues] == sorted((r.arisen for r in p.issues), reverse=True)
    assert all(reporters[r.issue] == i for r in p.issues)
    with pytest.raises(IndexError):
        profile(model, model.pop.n)


@pytest.mark.parametrize("key", list(REGISTRY))
def test_every_mechanism_has_its_rule_and_its_article_parts(key: str) -> None:
    mech = REGISTRY[key]
    assert re.match(r"(\([a-z]\) )?[A-Z]", rule_text(mech)) and len(rule_text(mech)) > 40
    for anchor in mech.article:
        p = part(anchor)
        assert re.fullmatch(r"\d\(\d\)", p.number) and p.heading_zh and p.text, anchor


def test_line_chart_draws_every_series_with_gaps_and_escapes_text() -> None:
    days = np.arange(10)
    values = np.array([0.1, 0.2, np.nan, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0])
    out = svg.line_chart(days=days, lines=[svg.Line("a<b", values, "#000"), svg.Line("c", values * 2, "#f00")], title="T&U")
    assert out.count("<path ") == 2 and "a&lt;b" in out and "T&amp;U" in out and "a<b" not in out
    first = re.search(r"d='([^']*)'", out).group(1)
    assert first.count("M") == 2  # the NaN breaks the line
    empty = svg.line_chart(days=np.zeros(0), lines=[], title="T", empty="nothing yet")
    assert "nothing yet" in empty and "<path" not in empty


def test_long_series_are_thinned_keeping_the_last_day() -> None:
    days = np.arange(5000)
    out = svg.line_chart(days=days, lines=[svg.Line("x", np.sin(days / 100), "#000")], title="T")
    path = re.search(r"d='([^']*)'", out).group(1)
    assert len(re.findall(r"[ML]", path)) <= svg.MAX_POINTS + 1


def test_ticks_are_round_numbers_inside_the_range() -> None:
    assert svg.nice_ticks(0.0, 1.0) == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert svg.nice_ticks(3.0, 97.0) == [25.0, 50.0, 75.0]
    assert svg.nice_ticks(0.41, 0.43) == [0.41, 0.415, 0.42, 0.425, 0.43]
