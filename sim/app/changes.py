"""One change of settings, said in the page's language: what a faint reference line was, what
side by side's "these settings plus one change" adds, and the About tab's things to try.

A change is a scenario key (``("mechanisms", "supervision", "enabled")``) and its new value,
applied with ``sim.app.settings.with_value`` (validated by the schema, as every change in the
page is).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sim.app import i18n, texts_zh
from sim.app.i18n import tr
from sim.app.settings import get_value
from sim.mechanisms import REGISTRY
from sim.schema import ScenarioConfig

__all__ = ["Change", "describe", "describe_all", "one_change_options"]

Change = tuple[tuple[str, ...], Any]


def _value(value: Any, lang: str) -> str:
    if isinstance(value, bool):
        return tr("change.on" if value else "change.off", lang)
    return f"{value:g}" if isinstance(value, float) else str(value)


def _param(field: str, lang: str) -> str:
    return texts_zh.PARAM_NAMES.get(field, field) if lang == "zh" else field.replace("_", " ")


def describe(path: Sequence[str], value: Any, lang: str) -> str:
    """``Supervision and accountability: on``, ``Supervision and accountability: audit rate =
    0.4``, ``days = 200`` (in Chinese in ``zh``)."""
    path = tuple(path)
    if path[0] == "mechanisms" and len(path) == 3 and path[1] in REGISTRY:
        name = i18n.mechanism_name(path[1], lang)
        if path[2] == "enabled":
            return tr("change.switch", lang, name=name, value=_value(value, lang))
        return tr("change.param", lang, name=name, param=_param(path[2], lang), value=_value(value, lang))
    return tr("change.run", lang, param=_param(path[-1], lang), value=_value(value, lang))


def describe_all(before: ScenarioConfig, after: ScenarioConfig, lang: str, *, most: int = 2) -> str:
    """What differs from ``before`` to ``after``: up to ``most`` changes, then how many more."""
    from sim.app.scenario_io import changes

    diff = changes(before, after)
    if not diff:
        return tr("change.none", lang)
    shown = [describe(key.split("."), new, lang) for key, _, new in diff[:most]]
    more = len(diff) - len(shown)
    text = tr("change.sep", lang).join(shown)
    return text + (tr("change.more", lang, n=more) if more else "")


def one_change_options(cfg: ScenarioConfig) -> list[Change]:
    """The one-click changes side by side offers: each mechanism (but exogenous events) switched
    the other way from ``cfg``."""
    return [(("mechanisms", key, "enabled"), not bool(get_value(cfg, ("mechanisms", key, "enabled"))))
            for key, mech in REGISTRY.items() if not mech.exogenous]
