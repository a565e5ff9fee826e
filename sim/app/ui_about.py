"""The About tab, in the style of NetLogo's Info tab: what the model is, how it works (the
agents and the day's phases in a picture drawn here), what each outcome means, how to use the
page, things to notice, and things to try, each a button that loads the change side by side."""

from __future__ import annotations

import re
from html import escape

import solara

from sim.app import i18n
from sim.app.changes import describe
from sim.app.series import CHARTS
from sim.app.settings import get_value
from sim.app.texts_about import ABOUT, AGENTS, DECISION_PHASE, OUTCOME_DEFS, OUTCOME_NAMES_ZH, PHASES, TRIES
from sim.app.ui_common import TABS, AppState, Help, Md
from sim.mechanisms import REGISTRY
from sim.outcomes.registry import REGISTRY as OUTCOMES
from sim.outcomes.registry import WINDOW

__all__ = ["ABOUT_OUTCOMES", "AboutView", "about", "outcomes_table", "phase_mechanisms", "phases_svg"]

#: Outcomes the About tab explains: the charts' and mean efficacy (the Distribution tab's).
ABOUT_OUTCOMES: tuple[str, ...] = (*(c.outcome for c in CHARTS), "efficacy_mean")
FONT = "font-family='system-ui,sans-serif'"
#: Okabe–Ito colours of the picture's marks (as the neighbourhood's).
MARKS = {"resident": "#56B4E9", "member": "#CC79A7", "worker": "#E69F00", "handler": "#009E73"}


def about(key: str, lang: str, **values: object) -> str:
    """About text ``key`` in ``lang``, with ``{name}`` fields filled."""
    en, zh = ABOUT[key]
    text = zh if lang == "zh" else en
    return text.format(**values) if values else text


def phase_mechanisms() -> dict[str, list[str]]:
    """Phase -> the mechanisms acting in it: by their hooks (``setup`` aside) and their
    decision points, in registry order."""
    out: dict[str, list[str]] = {phase: [] for phase, _, _ in PHASES}
    for key, mech in REGISTRY.items():
        phases = [p for p in mech.hooks if p in out] + [DECISION_PHASE[d] for d in mech.decides if d in DECISION_PHASE]
        for p in dict.fromkeys(phases):
            out[p].append(key)
    return out


def _short_name(key: str, lang: str) -> str:
    return i18n.mechanism_name(key, lang).split("（")[0]


def _px(text: str, size: float = 10.5) -> float:
    """Rough width of ``text`` in pixels at font size ``size`` (CJK characters about twice as wide)."""
    return sum(size * (1.05 if ord(c) >= 0x2E80 else 0.55) for c in text)


def _wrap_text(text: str, width: float) -> list[str]:
    """``text`` in lines of about ``width`` pixels: at spaces, or anywhere in Chinese."""
    tokens = re.findall(r"\S+\s*", text) if " " in text else list(text)
    lines, line = [], ""
    for tok in tokens:
        if line and _px(line + tok.rstrip()) > width:
            lines.append(line.rstrip())
            line = tok
        else:
            line += tok
    return [*lines, line.rstrip()] if line.strip() else lines


def _wrap(names: list[str], width: float, lang: str) -> list[str]:
    """Names joined with commas into lines of about ``width`` pixels."""
    sep = "、" if lang == "zh" else ", "
    lines, line = [], ""
    for name in names:
        piece = name if not line else line + sep + name
        if line and _px(piece) > width:
            lines.append(line + sep.strip(" "))
            line = name
        else:
            line = piece
    return [*lines, line] if line else lines


def _agent_mark(mark: str, x: float, y: float) -> str:
    c = MARKS[mark]
    return {"resident": f"<circle cx='{x + 7}' cy='{y + 8}' r='6' fill='{c}' stroke='#333' stroke-width='0.6'/>",
            "member": f"<polygon points='{x + 7},{y} {x + 15},{y + 8} {x + 7},{y + 16} {x - 1},{y + 8}' fill='#fff' "
                      f"stroke='{c}' stroke-width='2.2'/>",
            "worker": f"<rect x='{x + 1}' y='{y + 2}' width='12' height='12' fill='{c}' stroke='#333'/>",
            "handler": f"<rect x='{x}' y='{y + 2}' width='16' height='12' rx='3' fill='{c}' stroke='#333'/>"}[mark]


def phases_svg(lang: str, on: set[str] | None = None) -> str:
    """The agents (two to a row), then the day's phases top to bottom, each with what happens
    in it and the mechanisms acting in it (those ``on`` now ticked)."""
    on = on or set()
    acting = phase_mechanisms()
    width, box_w, x0 = 760, 380, 10
    out, y = [], 6
    for k, (mark, en, zh) in enumerate(AGENTS):
        x = x0 + (k % 2) * (width / 2)
        out.append(_agent_mark(mark, x, y) + f"<text x='{x + 22}' y='{y + 12}' {FONT} font-size='11.5' fill='#333'>"
                   f"{escape(zh if lang == 'zh' else en)}</text>")
        if k % 2 == 1:
            y += 22
    y += 14
    for k, (phase, name, what) in enumerate(PHASES):
        label = name[1] if lang == "zh" else name[0]
        desc = _wrap_text(what[1] if lang == "zh" else what[0], box_w - 16)
        names = _wrap([_short_name(m, lang) + (" ✓" if m in on else "") for m in acting[phase]], width - box_w - 40, lang)
        h = max(24 + 14 * len(desc), 10 + 14 * len(names))
        out.append(f"<g class='govsim-phase govsim-phase-{phase}'>"
                   f"<rect x='{x0}' y='{y}' width='{box_w}' height='{h}' rx='6' fill='#eef4fa' stroke='#0072B2'/>"
                   f"<text x='{x0 + 8}' y='{y + 16}' {FONT} font-size='12' font-weight='600'>{k + 1}. {escape(label)}</text>")
        for j, line in enumerate(desc):
            out.append(f"<text x='{x0 + 8}' y='{y + 31 + 14 * j}' {FONT} font-size='10.5' fill='#333'>{escape(line)}</text>")
        for j, line in enumerate(names):
            out.append(f"<text x='{x0 + box_w + 16}' y='{y + 16 + 14 * j}' {FONT} font-size='10.5' fill='#555'>{escape(line)}</text>")
        out.append("</g>")
        if k + 1 < len(PHASES):
            out.append(f"<path d='M{x0 + 40},{y + h} v12' stroke='#0072B2' stroke-width='1.5' marker-end='url(#govsim-arrow)'/>")
        y += h + 14
    head = (f"<svg class='govsim-phases' viewBox='0 0 {width} {y}' width='100%' style='max-width:{width}px' "
            f"xmlns='http://www.w3.org/2000/svg' role='img'><defs><marker id='govsim-arrow' viewBox='0 0 8 8' refX='4' refY='4' "
            f"markerWidth='6' markerHeight='6' orient='auto'><path d='M0,0 L8,4 L0,8 z' fill='#0072B2'/></marker></defs>")
    return head + "".join(out) + "</svg>"


def outcomes_table(lang: str) -> str:
    """Markdown table: each outcome's name, unit, which way is better and its definition."""
    rows = [about("about.outcomes_head", lang), "|---|---|---|---|"]
    better = {1: "about.higher", -1: "about.lower", 0: "about.neither"}
    for name in ABOUT_OUTCOMES:
        o = OUTCOMES[name]
        label = i18n.outcome_label(name, lang) if name not in OUTCOME_NAMES_ZH or lang != "zh" else OUTCOME_NAMES_ZH[name]
        meaning = OUTCOME_DEFS[name] if lang == "zh" else o.definition
        rows.append(f"| {label} | {i18n.unit(name, lang)} | {about(better[o.direction], lang)} | {meaning} |")
    return "\n".join(rows)


@solara.component
def AboutView(state: AppState) -> None:
    """The About tab (redraws with the language and the settings)."""
    state.revision.value  # noqa: B018 - which mechanisms are on, the numbers of the scenario
    lang = state.lang.value
    ex = state.explorer
    cfg = ex.config
    values = {"residents": f"{cfg.population.residents:,}", "warmup": f"{cfg.warmup_days:,}", "days": cfg.days, "window": WINDOW}
    on = {k for k in REGISTRY if get_value(cfg, ("mechanisms", k, "enabled"))}
    with solara.Column(gap="4px", classes=["govsim-about"], style={"max-width": "900px"}):
        for section in ("what", "how"):
            solara.Text(about(f"about.{section}_title", lang), style={"font-weight": "600", "font-size": "16px"})
            Md(about(f"about.{section}", lang, **values), trusted=True, classes=[f"govsim-about-{section}"])
        solara.Text(about("about.phases_title", lang), style={"font-weight": "600", "font-size": "16px"})
        solara.HTML(unsafe_innerHTML=phases_svg(lang, on), classes=["govsim-about-phases"])
        Help(about("about.phases_note", lang), classes=["govsim-help", "govsim-about-phases-note"])
        solara.Text(about("about.outcomes_title", lang), style={"font-weight": "600", "font-size": "16px"})
        Md(outcomes_table(lang), trusted=True, classes=["govsim-about-outcomes"], size="13px")
        Help(about("about.outcomes_note", lang, **values))
        for section in ("use", "notice"):
            solara.Text(about(f"about.{section}_title", lang), style={"font-weight": "600", "font-size": "16px"})
            Md(about(f"about.{section}", lang, **values), trusted=True, classes=[f"govsim-about-{section}"])
        solara.Text(about("about.try_title", lang), style={"font-weight": "600", "font-size": "16px"})
        Help(about("about.try", lang))
        for key, watch in TRIES:
            path = ("mechanisms", key, "enabled")
            value = key not in on
            TryButton(state, path, value, describe(path, value, lang), watch[1] if lang == "zh" else watch[0])


@solara.component
def TryButton(state: AppState, path: tuple[str, ...], value: bool, label: str, watch: str) -> None:
    """One thing to try: the change, loaded side by side with the current settings."""
    ex = state.explorer

    def go() -> None:
        if state.act(lambda: ex.compare_change(path, value)):
            state.tab.set(TABS.index("compare"))

    with solara.Row(gap="10px", style={"align-items": "center", "flex-wrap": "wrap"}):
        solara.Button(label, on_click=go, outlined=True, small=True, classes=["govsim-try", f"govsim-try-{path[1]}"],
                      style={"text-transform": "none"})
        solara.Text(watch, style={"font-size": "13px", "color": "#444"})
