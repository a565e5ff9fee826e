"""For each mechanism: what it does in the model and where the article describes it."""

from __future__ import annotations

import re

import solara

from sim.app import i18n
from sim.app.article import part
from sim.app.i18n import tr
from sim.app.settings import get_value
from sim.app.ui_common import AppState, Help, Md
from sim.mechanisms import REGISTRY

__all__ = ["MechanismsView"]


@solara.component
def MechanismsView(state: AppState) -> None:
    """A mechanism picker, then the mechanism's rule, article parts and source."""
    state.revision.value  # noqa: B018 - on/off follows the settings
    lang = state.lang.value
    key, set_key = solara.use_state(next(iter(REGISTRY)))
    names = {i18n.mechanism_name(k, lang): k for k in REGISTRY}
    mech = REGISTRY[key]
    on = bool(get_value(state.explorer.config, ("mechanisms", key, "enabled")))
    solara.Select(state.t("mech.pick"), values=list(names), value=i18n.mechanism_name(key, lang),
                  on_value=lambda name: set_key(names[name]), classes=["govsim-mech-pick"])
    with solara.Card(i18n.mechanism_name(key, lang), subtitle=state.t("mech.on" if on else "mech.off"),
                     classes=["govsim-mech-card"]):
        solara.Text(state.t("mech.rule"), style={"font-weight": "600"})
        Md(i18n.mechanism_rule(key, lang), classes=["govsim-mech-rule"], trusted=True)
        solara.Text(state.t("mech.article"), style={"font-weight": "600"})
        for anchor in mech.article:
            p = part(anchor)
            heading = p.heading_zh if lang == "zh" and p.heading_zh else p.heading_en
            cite = state.t("mech.part", number=p.number or anchor, heading=heading, anchor=anchor)
            Md(cite, classes=["govsim-mech-part"], trusted=True)
            if p.text:
                with solara.Details(state.t("mech.digest")):
                    Md(p.text, size="13px", trusted=True, classes=["govsim-digest"])
        Help(state.t("mech.source", source=source_text(mech.source, lang)), classes=["govsim-help", "govsim-mech-source"])


def source_text(source: str, lang: str) -> str:
    """A mechanism's ``source`` ("the article, parts 2(2) and 3(3)") in ``lang``; a source of
    another form stays as written."""
    m = re.fullmatch(r"the article, parts? ([\w()]+(?:(?:, | and )[\w()]+)*)", source.strip())
    if lang != "zh" or m is None:
        return source
    return tr("mech.source_parts", lang, parts="、".join(re.split(r", | and ", m.group(1))))
