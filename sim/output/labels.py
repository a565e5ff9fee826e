"""Words for what tables and figures show, from the one place each is defined: outcomes from the
outcome registry (``sim.outcomes.registry``: label and unit), scenario keys (factors, ``set``
values) from the schema's field descriptions (``sim.schema``), statistics from :data:`STATISTICS`.

No figure or table prints a code key such as ``capacity.households_per_grid_worker`` or
``resolution_days_median``; they print :func:`outcome_label` and :func:`factor_label`.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from sim.outcomes.registry import REGISTRY

__all__ = ["STATISTICS", "contrast_label", "factor_label", "lower_first", "outcome_label", "outcome_unit", "panel_title",
           "statistic_label", "unit_label"]


def lower_first(text: str) -> str:
    """``'Median days'`` -> ``'median days'`` (an acronym such as ``'PRIM'`` stays)."""
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def outcome_unit(name: str) -> str:
    """The registered unit of outcome ``name`` ('' for an unknown name)."""
    o = REGISTRY.get(name)
    return o.unit if o else ""


def outcome_label(name: str, *, unit: bool = True, delta: bool = False) -> str:
    """Outcome ``name`` in words from the registry, e.g. ``'Median days to resolution (days)'``;
    ``delta``: the paired difference, ``'Δ median days to resolution (days)'``. A name the
    registry does not know (a column of another table) is returned with underscores as spaces."""
    o = REGISTRY.get(name)
    label = o.label if o else name.replace("_", " ")
    if delta:
        label = "Δ " + lower_first(label)
    return f"{label} ({o.unit})" if unit and o and o.unit else label


def panel_title(outcome: str, *, window: bool = False) -> str:
    """An outcome's panel title: its label in words (``window``: a daily flow's window named)."""
    from sim.outcomes.registry import WINDOW

    o = REGISTRY.get(outcome)
    label = outcome_label(outcome, unit=False)
    return f"{label}, last {WINDOW} days" if window and o is not None and o.kind == "flow" else label


def unit_label(outcome: str, *, delta: bool = False) -> str:
    """An outcome's unit as an axis label (``'days'``; ``delta``: ``'Δ (days)'``)."""
    unit = outcome_unit(outcome) or "value"
    return f"Δ ({unit})" if delta else unit


# --------------------------------------------------------------------------- scenario keys

_CUT = re.compile(r"\s*(\(|;|: |\. |—)")


def _short(description: str) -> str:
    """A field description's first clause: up to the first parenthesis, semicolon or sentence end."""
    text = " ".join(description.split())
    m = _CUT.search(text)
    text = text[: m.start()] if m and m.start() > 8 else text
    return text.rstrip(" .")


def _model_of(annotation: Any) -> Any:
    """The pydantic model a field holds (directly, or as a dict's values), or None."""
    import typing

    if isinstance(annotation, type) and hasattr(annotation, "model_fields"):
        return annotation
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) is dict and len(args) == 2:
        return _model_of(args[1])
    return None


#: Models whose fields are the members of a set (groups, handler kinds): a member's label is
#: its parent's description with the member named.
_SET_MODELS = ("GroupValues", "GroupShares", "CaseHours")


@cache
def factor_label(key: str) -> str:
    """A scenario key in words, from the schema's field descriptions, e.g.
    ``'capacity.households_per_grid_worker'`` -> ``'Households per grid worker'``,
    ``'mechanisms.supervision.audit_rate'`` -> ``'Supervision: share of closures the street office
    sets out to audit'``, ``'mechanisms.supervision.enabled'`` -> ``'Supervision (on/off)'``.
    A key the schema does not know is returned as it is."""
    from sim.mechanisms import REGISTRY as MECHANISMS
    from sim.schema import ScenarioConfig

    parts = key.split(".")
    model: Any = ScenarioConfig
    prefix = ""
    label = ""
    i = 0
    while i < len(parts):
        part = parts[i]
        if model is None or part not in getattr(model, "model_fields", {}):
            return key
        info = model.model_fields[part]
        child = _model_of(info.annotation)
        desc = _short(info.description or part.replace("_", " "))
        if model.__name__ == "MechanismsConfig" and part in MECHANISMS:
            prefix = re.sub(r"\s*\([^)]*\)", "", MECHANISMS[part].title)  # without its Chinese name
        elif model.__name__ in _SET_MODELS:
            member = re.sub(r"^(Value for|An?|The)\s+", "", desc)
            member = re.sub(r"'s case$", "", member)
            label = f"{label}, {lower_first(member)}" if label else desc
            i += 1
            continue
        elif child is not None and child.__name__ in _SET_MODELS:
            label = re.sub(r",? by (group|handler kind)$", "", desc)
        else:
            label = desc
        if child is not None and _is_dict(info.annotation) and i + 1 < len(parts):
            prefix = parts[i + 1].replace("_", " ").capitalize()  # a dict entry, e.g. issues.categories.pets
            i += 1
        model = child
        i += 1
    if parts[-1] == "enabled" and prefix:
        return f"{prefix} (on/off)"
    if prefix:
        return f"{prefix}: {lower_first(label)}" if label else prefix
    return label or key


def _is_dict(annotation: Any) -> bool:
    import typing

    return typing.get_origin(annotation) is dict


def contrast_label(contrast: str) -> str:
    """A paired contrast ``'<key>: <b> − <a>'`` (``sim.analysis.methods``) in words."""
    key, sep, rest = contrast.partition(": ")
    if not sep:
        return contrast
    return rest if key == "scenario" else f"{factor_label(key)}: {rest}"


# --------------------------------------------------------------------------- statistics

#: Column names of the statistics tables -> their header in words (LaTeX-safe after escaping;
#: ``$...$`` is mathematics).
STATISTICS: dict[str, str] = {
    "scenario": "Scenario", "outcome": "Outcome", "factor": "Factor", "value": "Value", "contrast": "Contrast",
    "level": "Level", "reference": "Reference", "by": "Varied", "n": "$n$", "mean": "Mean",
    "ci_low": "95% CI low", "ci_high": "95% CI high", "diff": "Δ", "diff_ci_low": "Δ 95% CI low",
    "diff_ci_high": "Δ 95% CI high", "p": "$p$", "p_t": "$p$ (paired $t$)", "p_wilcoxon": "$p$ (Wilcoxon)",
    "p_holm": "$p$ (Holm)", "d_z": "$d_z$", "verdict": "Verdict", "significant": "CI excludes 0",
    "d_hours_per_day": "Δ hours per day", "d_budget_per_day": "Δ budget units per day",
    "hours_per_unit": "Hours per unit of effect", "budget_per_unit": "Budget units per unit of effect",
    "half_width": "95% CI half-width", "half_width_half_seeds": "Half-width at half the seeds",
    "seeds_for_10pct": "Seeds for a half-width of 10%", "warning": "Warning",
    "S1": "$S_1$", "S1_low": "$S_1$ low", "S1_high": "$S_1$ high", "ST": "$S_T$", "ST_low": "$S_T$ low",
    "ST_high": "$S_T$ high", "mu_star": "$\\mu^*$", "mu_star_low": "$\\mu^*$ low", "mu_star_high": "$\\mu^*$ high",
    "mu": "$\\mu$", "sigma": "$\\sigma$", "min": "Lower bound", "max": "Upper bound", "restricted": "Restricted",
    "coverage": "Coverage", "density": "Density", "mass": "Mass", "res_dim": "Restricted factors", "step": "Step",
    "chosen": "Chosen", "note": "Note",
}


def statistic_label(column: str) -> str:
    """A statistics column's header in words: :data:`STATISTICS`, an outcome's label with its
    unit, a scenario key's label, or the name with spaces."""
    if column in STATISTICS:
        return STATISTICS[column]
    if column in REGISTRY:
        return outcome_label(column)
    m = re.fullmatch(r"verdict_at_(\d+)_seeds", column)
    if m:
        return f"Verdict at {m.group(1)} seeds"
    label = factor_label(column)
    return label if label != column else column.replace("_", " ")
