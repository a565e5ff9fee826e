"""The About / 说明 tab and the mechanism switches' tooltips, in the page's components (no browser)."""

from __future__ import annotations

import ast
import inspect
import re
import textwrap

import pytest

pytest.importorskip("solara")

from sim.app.texts_about import ABOUT, OUTCOME_DEFS, PHASES, STEP_CALLS, TIPS, TRIES  # noqa: E402
from sim.app.ui_about import ABOUT_OUTCOMES, outcomes_table, phase_mechanisms, phases_svg  # noqa: E402
from sim.app.ui_common import TABS  # noqa: E402
from sim.mechanisms import PHASES as MECHANISM_PHASES  # noqa: E402
from sim.mechanisms import REGISTRY  # noqa: E402
from sim.model import GovernanceModel  # noqa: E402
from sim.outcomes.registry import REGISTRY as OUTCOMES  # noqa: E402
from tests.test_app_page import Page, walk  # noqa: E402


@pytest.fixture()
def page() -> Page:
    return Page()


def test_every_mechanism_has_a_one_line_rule_in_both_languages() -> None:
    assert set(TIPS) == set(REGISTRY)
    for key, (en, zh) in TIPS.items():
        assert en.endswith(".") and "\n" not in en and len(en) < 200, key
        assert zh.endswith("。") and not re.search(r"[A-Za-z]{2,}", zh), key


def test_every_switch_carries_its_rule_as_a_tooltip(page: Page) -> None:
    tips = {}
    for w in walk(page.box):
        if type(w).__name__ == "Tooltip":
            activator = [c for slot in w.v_slots for c in slot["children"]]
            switch = [x for a in activator for x in walk(a) if "govsim-switch-" in str(getattr(x, "class_", ""))]
            if switch:
                key = switch[0].class_.split("govsim-switch-")[1].split()[0]
                tips[key] = "".join(c for c in w.children if isinstance(c, str))
    assert tips == {k: TIPS[k][0] for k in REGISTRY}
    page.state.lang.set("zh")
    zh = {"".join(c for c in w.children if isinstance(c, str)) for w in walk(page.box) if type(w).__name__ == "Tooltip"}
    assert {TIPS[k][1] for k in REGISTRY} <= zh


def test_the_phases_picture_follows_the_models_step_and_the_registry() -> None:
    # every mechanism phase but set-up is one of the picture's phases, in the model's order
    drawn = [p for p, _, _ in PHASES]
    assert [p for p in drawn if p in MECHANISM_PHASES] == [p for p in MECHANISM_PHASES if p != "setup"]
    acting = phase_mechanisms()
    assert "supervision" in acting["detect"] and "whistle_summon" in acting["handle"]  # a hook, a decision point
    assert all(any(k in keys for keys in acting.values()) for k, m in REGISTRY.items() if set(m.hooks) - {"setup"} or m.decides)
    en, zh = phases_svg("en", {"supervision"}), phases_svg("zh")
    assert en.count("govsim-phase govsim-phase-") == len(PHASES) == zh.count("govsim-phase govsim-phase-")
    assert "Supervision and accountability ✓" in en and "监督问责" in zh and "✓" not in zh


def test_the_phases_picture_covers_every_statement_of_the_models_day_in_order() -> None:
    (step,) = ast.parse(textwrap.dedent(inspect.getsource(GovernanceModel.step))).body
    statements = [ast.unparse(x) for x in step.body if not (isinstance(x, ast.Expr) and isinstance(x.value, ast.Constant))]
    drawn = [call for phase, _, _ in PHASES for call in STEP_CALLS[phase]]
    assert list(STEP_CALLS) == [p for p, _, _ in PHASES]
    assert drawn == [x for x in statements if x in drawn], "the picture's phases are out of the model's order"
    missing = [x for x in statements if x not in drawn]
    assert not missing, f"GovernanceModel.step does what the About tab's phases do not show: {missing}"


def test_the_outcomes_are_explained_from_the_registry() -> None:
    assert set(OUTCOME_DEFS) == set(ABOUT_OUTCOMES)
    table = outcomes_table("en")
    for name in ABOUT_OUTCOMES:
        assert OUTCOMES[name].definition in table
    assert "| Mean trust | 0–1 scale | higher |" in table and "| Backlog | issues | lower |" in table
    assert "| 平均信任 | 0–1 量表 | 越高越好 |" in outcomes_table("zh")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_about_tab_has_every_section_in_both_languages(page: Page, lang: str) -> None:
    page.state.lang.set(lang)
    page.open("about")
    for section in ("what", "how", "use", "notice"):
        text = page.html(f"govsim-about-{section}")
        assert len(re.sub(r"<[^>]+>", "", text)) > 100
    how = page.html("govsim-about-how")
    assert "1,260" in how  # the scenario's warm-up, filled in
    assert page.html("govsim-about-phases").count("govsim-phase-") == len(PHASES)
    assert len(page.all("govsim-try")) == len(TRIES)
    assert ABOUT["about.what"][1 if lang == "zh" else 0][:6] in page.html("govsim-about-what")


def test_a_thing_to_try_loads_the_change_side_by_side(page: Page) -> None:
    page.open("about")
    page.one("govsim-try-supervision").click()
    ex = page.state.explorer
    assert page.state.tab.value == TABS.index("compare")
    assert ex.b is not None and ex.b_change == (("mechanisms", "supervision", "enabled"), True)
    assert ex.b.config.mechanisms.supervision.enabled and not ex.a.config.mechanisms.supervision.enabled
    assert ex.b.config.seed == ex.a.config.seed and ex.day == 0
    page.one("govsim-step").click()
    shown = " ".join(w.unsafe_innerHTML for w in walk(page.box) if "govsim-compare-overlay" in str(getattr(w, "unsafe_innerHTML", "")))
    assert "A: these settings" in shown and "B: these settings + Supervision and accountability: on" in shown
