"""Warm-up: a model brought to the baseline's steady state before its scenario starts.

A scenario with ``warmup_days`` runs that many days under the pre-reform regime (every
mechanism off) before day 0 (``GovernanceModel.start_day``). The warm-up does not depend on
the scenario's mechanisms, its name or its length, so every scenario of a comparison that
shares the rest of its settings and its seed starts from the same state (common random
numbers), and the state can be computed once: :func:`warm_model` keeps it in a cache
(``sim.cache``: ``GOVSIM_CACHE_DIR``, default ``~/.cache/govsim``, capped at
``GOVSIM_CACHE_MAX_MB``), keyed by those settings and by the model's source code, and a
cached start gives byte-identical results to a computed one.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from sim import cache
from sim.model import GovernanceModel
from sim.schema import ScenarioConfig

#: Largest population whose warm state is cached on disk (a snapshot is about 0.6 kB a resident).
MAX_CACHED_RESIDENTS = 200_000


#: Modules whose code decides what a simulation computes (not the tools around it: CLI,
#: engine, reports, docs generators, the app).
MODEL_MODULES: tuple[str, ...] = (
    "agents", "contacts", "graph", "handlers", "issues", "lifecycle", "metrics", "model", "outcomes", "resources",
    "rng", "rules", "run", "schema", "social", "state", "summary", "vocab", "warmup",
)


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Hash of the model's source (:data:`MODEL_MODULES` and every mechanism): a cached state
    is used only by the code that made it."""
    root = Path(__file__).resolve().parent
    paths = [root / f"{m}.py" for m in MODEL_MODULES] + sorted((root / "mechanisms").glob("*.py"))
    h = hashlib.sha256()
    for path in paths:
        h.update(path.relative_to(root).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def warmup_key(config: ScenarioConfig) -> str:
    """What the warm state depends on: every setting but the mechanisms, name, description
    and days; the seed; the code."""
    data = config.model_dump(mode="json", exclude={"mechanisms", "name", "description", "days"})
    text = json.dumps(data, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256((text + code_fingerprint()).encode()).hexdigest()


def _warm(config: ScenarioConfig) -> GovernanceModel:
    model = GovernanceModel(config)
    for _ in range(config.warmup_days):
        model.step()
    return model


def warm_model(config: ScenarioConfig) -> GovernanceModel:
    """A model of ``config`` at the end of its warm-up (its regime starts with the next
    step), from the cache when present; without a warm-up, a fresh model."""
    if config.warmup_days == 0:
        return GovernanceModel(config)
    cacheable = config.population.residents <= MAX_CACHED_RESIDENTS
    key = warmup_key(config)
    model = cache.load(key) if cacheable else None
    if not isinstance(model, GovernanceModel):
        model = _warm(config.model_copy(update={"mechanisms": type(config.mechanisms)()}))
        if cacheable:
            cache.store(key, model)
    model.config = config
    return model
