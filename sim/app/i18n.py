"""Every label and text of the page in English and Chinese, switched in the page.

:data:`TEXT` holds the page's own words (key -> English, Chinese). Words taken from the
model (mechanisms, parameters, outcomes, groups, stages, channels) are in English in the
model and in Chinese in ``sim.app.texts_zh``; the functions below pick the language.
"""

from __future__ import annotations

from typing import Literal

from sim.app import texts_zh as zh
from sim.app.settings import Control
from sim.app.ui_text import TEXT
from sim.mechanisms import REGISTRY
from sim.outcomes.registry import REGISTRY as OUTCOMES

__all__ = ["LANGS", "TEXT", "Lang", "category", "channel", "group", "mechanism_name", "mechanism_rule", "mechanism_tip", "outcome_label",
           "param_help", "param_name", "stage", "tie_kind", "tr", "unit"]

Lang = Literal["en", "zh"]
LANGS: tuple[Lang, ...] = ("en", "zh")


def tr(key: str, lang: str, **values: object) -> str:
    """The page text ``key`` in ``lang``, with ``{name}`` fields filled from ``values``."""
    en, cn = TEXT[key]
    text = cn if lang == "zh" else en
    return text.format(**values) if values else text


def _pick(lang: str, english: str, chinese: str | None) -> str:
    return chinese if lang == "zh" and chinese else english


def _words(name: str) -> str:
    """``audit_rate`` -> ``Audit rate``."""
    return name.replace("_", " ").capitalize()


def group(name: str, lang: str) -> str:
    return _pick(lang, name, zh.GROUPS.get(name))


def stage(name: str, lang: str) -> str:
    english = {"false_closed": "closed on paper", "queued": "queued (waiting)", "handled": "being handled",
               "reported": "reported, awaiting routing"}.get(name, name)
    return _pick(lang, english, zh.STAGES.get(name))


def channel(name: str, lang: str) -> str:
    return _pick(lang, _words(name).lower(), zh.CHANNELS.get(name))


def category(name: str, lang: str) -> str:
    return _pick(lang, _words(name).lower(), zh.CATEGORIES.get(name))


def tie_kind(name: str, lang: str) -> str:
    return _pick(lang, _words(name).lower(), zh.TIE_KINDS.get(name))


def mechanism_name(key: str, lang: str) -> str:
    """The mechanism's name: its registry summary in English."""
    return _pick(lang, REGISTRY[key].summary, zh.MECHANISMS.get(key, ("", ""))[0])


def mechanism_tip(key: str, lang: str) -> str:
    """The mechanism's rule in one line (its switch's tooltip; ``sim.app.texts_about.TIPS``)."""
    from sim.app.texts_about import TIPS

    en, cn = TIPS.get(key, (REGISTRY[key].summary, ""))
    return _pick(lang, en, cn)


def mechanism_rule(key: str, lang: str) -> str:
    """What the mechanism does in the model (its module's ``Rule:`` paragraph in English)."""
    from sim.app.article import rule_text

    return _pick(lang, rule_text(REGISTRY[key]), zh.MECHANISMS.get(key, ("", ""))[1])


def param_name(control: Control, lang: str) -> str:
    return _pick(lang, _words(control.path[-1]), zh.PARAM_NAMES.get(control.path[-1]))


def param_help(control: Control, lang: str) -> str:
    """The parameter's description: the schema's, or its Chinese by mechanism and field,
    by run key, or (``enabled`` ...) by field alone."""
    path = control.path[1:] if control.path[0] == "mechanisms" else control.path
    chinese = (zh.PARAM_HELP.get(".".join(path)) or zh.PARAM_HELP.get(path[-1])) if lang == "zh" else None
    return _pick(lang, control.description, chinese)


def outcome_label(name: str, lang: str) -> str:
    english = OUTCOMES[name].label if name in OUTCOMES else name
    return _pick(lang, english, zh.OUTCOMES.get(name))


def unit(name: str, lang: str) -> str:
    english = OUTCOMES[name].unit if name in OUTCOMES else ""
    return _pick(lang, english, zh.UNITS.get(english))
