"""A resolved scenario written back as a small, self-contained YAML file: its name,
description, seed and days, and every other key whose value differs from the schema's default
(so the file says what was changed; ``govsim run`` and the app load it back to the same
configuration). Used by the app's export and by the optimiser's frontier points."""

from __future__ import annotations

from typing import Any

import yaml
from pydantic import BaseModel

from sim.schema import ScenarioConfig

__all__ = ["changes", "scenario_yaml"]


def changes(value: BaseModel, default: BaseModel, plain: dict[str, Any]) -> dict[str, Any]:
    """Keys of ``value`` that differ from ``default``, as plain data (from ``plain``, the JSON
    dump of ``value``). A sub-model is written key by key when all its keys have defaults,
    else whole; a mapping writes only its changed entries (the loader merges mappings)."""
    out: dict[str, Any] = {}
    for name in type(value).model_fields:
        v, d = getattr(value, name), getattr(default, name)
        if v == d:
            continue
        if isinstance(v, BaseModel) and type(v) is type(d) and all(not f.is_required() for f in type(v).model_fields.values()):
            out[name] = changes(v, d, plain[name])
        elif isinstance(v, dict) and isinstance(d, dict) and set(v) == set(d):
            out[name] = {k: plain[name][k] for k in v if v[k] != d[k]}
        else:
            out[name] = plain[name]
    return out


def scenario_yaml(cfg: ScenarioConfig, header: str = "") -> str:
    """``cfg`` as YAML text (module docstring), after the comment lines of ``header``."""
    plain = cfg.model_dump(mode="json")
    body: dict[str, Any] = {k: plain[k] for k in ("name", "description", "seed", "days")}
    for key, value in changes(cfg, ScenarioConfig(), plain).items():
        body.setdefault(key, value)
    return header + yaml.safe_dump(body, sort_keys=False, allow_unicode=True, width=100)
