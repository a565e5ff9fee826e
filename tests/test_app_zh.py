"""The page in 中文 leaves no English: every tab is walked (every mechanism switched on, its
parameters open, each picked on the Mechanisms tab) and any Latin word outside an allow-list
fails the test, naming the word and the text it is in. Allowed: file names, commands and
formats, the scenario's and scenario files' own names, the language button, and the texts that
are English by nature and say so (the article digest, the scenario file's description, the
YAML preview)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import pytest

pytest.importorskip("solara")

from ipywidgets import Widget  # noqa: E402

from sim.app import i18n  # noqa: E402
from sim.app.scenario_io import load_named  # noqa: E402
from sim.app.ui_common import TABS  # noqa: E402
from sim.app.ui_mechanisms import source_text  # noqa: E402
from sim.app.ui_sidebar import _plain  # noqa: E402
from sim.mechanisms import REGISTRY  # noqa: E402
from tests.test_app_page import Page, walk  # noqa: E402

#: Widgets whose text is English on purpose (each labelled so in Chinese).
ENGLISH_BY_NATURE = ("govsim-digest", "govsim-scenario-description", "govsim-yaml")
#: Words allowed anywhere: commands, formats (YAML, CSV), the English button, the article file, the scenario folder.
ALLOWED = {"govsim", "run", "validate", "YAML", "yaml", "CSV", "English", "docs/article.md", "scenarios"}
#: File names and anchors (``scenarios/x.yaml``, ``docs/article.md#part-2-1``), icon names.
ALLOWED_PATTERNS = (re.compile(r"^[\w/.-]+\.ya?ml$"), re.compile(r"^docs/article\.md(#[\w-]+)?$"), re.compile(r"^mdi-[\w-]+$"))
TEXT_ATTRS = ("children", "label", "unsafe_innerHTML", "subtitle", "items", "hint", "placeholder", "messages")


def classes(w: Widget) -> str:
    return f"{getattr(w, 'class_', '') or ''} {(getattr(w, 'attributes', None) or {}).get('class', '')}"


def shown_texts(box: Widget) -> Iterator[str]:
    for w in walk(box):
        if any(c in classes(w) for c in ENGLISH_BY_NATURE):
            continue
        for attr in TEXT_ATTRS:
            value = getattr(w, attr, None)
            for x in value if isinstance(value, (list, tuple)) else [value]:
                if isinstance(x, dict):
                    x = x.get("text")
                if not isinstance(x, str):
                    continue
                if attr == "unsafe_innerHTML":
                    x = html.unescape(re.sub(r"<[^>]+>", " ", x))
                yield x


def latin_words(text: str, extra: set[str]) -> list[str]:
    words = re.findall(r"[A-Za-z][\w./#-]*[A-Za-z0-9]|[A-Za-z]{2,}", text)
    return [w for w in words if w not in ALLOWED | extra and not any(p.match(w) for p in ALLOWED_PATTERNS)]


def test_every_tab_in_chinese_has_no_english_outside_the_allow_list() -> None:
    page = Page()
    page.state.lang.set("zh")
    for _ in range(2):
        page.one("govsim-step").click()
    ex = page.state.explorer
    for key in REGISTRY:
        page.one(f"govsim-switch-{key}").v_model = True
        page.one(f"govsim-params-{key}").click()
    names = {ex.origin.name, ex.config.name}  # the scenario's own name (an identifier, as in its file)
    found: dict[str, str] = {}

    def scan() -> None:
        for text in shown_texts(page.box):
            for word in latin_words(text, names):
                found.setdefault(word, text.strip()[:120])

    for tab in TABS:
        page.open(tab)
        scan()
    page.state.act(lambda: ex.compare_with(load_named("party_led_full.yaml"), source="party_led_full.yaml"))
    page.one("govsim-step").click()
    names.add("party_led_full")
    scan()  # the side-by-side tab with a comparison running
    page.open("mechanisms")
    pick = page.one("govsim-mech-pick")
    for key in REGISTRY:
        pick.v_model = i18n.mechanism_name(key, "zh")
        assert page.text("govsim-mech-source").startswith("规格说明：文章第")
        scan()
    assert not found, "English in the 中文 page:\n" + "\n".join(f"  {w!r} in: {t}" for w, t in sorted(found.items()))


def test_the_walk_catches_english() -> None:
    """The checker itself: an English sentence fails, allowed words and file names pass."""
    assert latin_words("规格说明：the article, part 2(1)。", set()) == ["the", "article", "part"]
    assert latin_words("导出的文件可用 govsim run 运行（scenarios/a.yaml、docs/article.md#part-2-1）", set()) == []


def test_values_and_sources_read_in_chinese() -> None:
    assert _plain(False, "zh") == "否" and _plain(True, "zh") == "是" and _plain(False, "en") == "false"
    assert _plain(("parking", "public_safety"), "zh") == "停车、公共安全"
    assert source_text("the article, parts 2(2) and 3(3)", "zh") == "文章第 2(2)、3(3) 部分"
    assert source_text("the article, part 2(1)", "en") == "the article, part 2(1)"
