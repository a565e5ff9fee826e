"""Every label and text of the app in English and Chinese."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

pytest.importorskip("solara")

from sim.app import i18n, texts_zh  # noqa: E402
from sim.app.resident import TIE_KINDS  # noqa: E402
from sim.app.series import CHARTS, STAGES  # noqa: E402
from sim.app.settings import controls_of, mechanism_controls, run_controls  # noqa: E402
from sim.app.ui_text import TEXT  # noqa: E402
from sim.issues import Channel  # noqa: E402
from sim.mechanisms import REGISTRY, MechanismParams  # noqa: E402
from sim.vocab import CATEGORIES, GROUPS  # noqa: E402

APP = Path(__file__).resolve().parents[1] / "sim" / "app"


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", list(TEXT))
def test_every_page_text_has_both_languages_with_the_same_fields(key: str) -> None:
    en, zh = TEXT[key]
    assert en.strip() and zh.strip()
    assert _fields(en) == _fields(zh), key
    if not key.startswith("lang."):
        assert re.search(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]", zh) or zh == en, f"{key}: the Chinese text has no Chinese"


def test_every_text_key_the_page_uses_exists() -> None:
    used: set[str] = set()
    for path in APP.glob("*.py"):
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_]+\.[a-z_.]+|error)["']""", path.read_text(encoding="utf-8")))
        used |= set(re.findall(r"""\btr\(\s*["']([a-z_]+\.[a-z_.]+)["']""", path.read_text(encoding="utf-8")))
    assert used and not used - set(TEXT), sorted(used - set(TEXT))
    from sim.app.ui_common import TABS

    assert {f"tab.{name}" for name in TABS} | {f"lang.{code}" for code in i18n.LANGS} <= set(TEXT)


@pytest.mark.parametrize("key", sorted(REGISTRY))
def test_every_mechanism_has_chinese(key: str) -> None:
    """A mechanism without a translation shows its English text (checked below) and is reported here."""
    assert key in texts_zh.MECHANISMS, f"no Chinese name and rule for mechanism '{key}': add it to sim/app/texts_zh.py MECHANISMS"
    assert i18n.mechanism_name(key, "zh") != REGISTRY[key].summary


def test_a_missing_translation_shows_the_english_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(texts_zh.MECHANISMS, "supervision")
    assert i18n.mechanism_name("supervision", "zh") == REGISTRY["supervision"].summary
    assert i18n.mechanism_rule("supervision", "zh") == i18n.mechanism_rule("supervision", "en")


def test_everything_taken_from_the_model_has_chinese() -> None:
    assert set(texts_zh.MECHANISMS) <= set(REGISTRY)
    assert set(texts_zh.GROUPS) == set(GROUPS)
    assert set(texts_zh.STAGES) == set(STAGES)
    assert set(texts_zh.CHANNELS) == {c.name.lower() for c in Channel}
    assert set(texts_zh.CATEGORIES) == set(CATEGORIES)
    assert set(texts_zh.TIE_KINDS) == set(TIE_KINDS)
    assert {c.outcome for c in CHARTS} <= set(texts_zh.OUTCOMES)
    for c in [*run_controls(), *(c for key in REGISTRY for c in mechanism_controls(key))]:
        assert c.path[-1] in texts_zh.PARAM_NAMES, f"add a Chinese name for {c.key} to sim/app/texts_zh.py"
        assert i18n.param_help(c, "zh") != c.description, f"add a Chinese description for {c.key} to sim/app/texts_zh.py"


def test_words_switch_language_and_fall_back_to_the_models_english() -> None:
    assert i18n.group("gig", "zh") == "新就业群体" and i18n.group("gig", "en") == "gig"
    assert i18n.mechanism_name("supervision", "en") == REGISTRY["supervision"].summary
    assert i18n.stage("false_closed", "en") == "closed on paper"
    assert i18n.outcome_label("trust_mean", "zh") == "平均信任"

    class Params(MechanismParams):
        brand_new: float = 0.5

    new = next(c for c in controls_of(Params, ("mechanisms", "x")) if c.path[-1] == "brand_new")
    assert i18n.param_name(new, "zh") == "Brand new"  # shown in English until translated
    enabled = next(c for c in controls_of(Params, ("mechanisms", "x")) if c.path[-1] == "enabled")
    assert i18n.param_help(enabled, "zh") == texts_zh.PARAM_HELP["enabled"]
